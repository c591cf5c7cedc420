"""What the program verbs say on a History page, and one helper that files such an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followthrough.accounts.models import User, Workspace
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event
from followthrough.lib import shortdates


def log(
    verb: str, workspace: Workspace, about: models.Model, by: User | None, **data: Any
) -> Event:
    """An event about a program, a cohort or one of its sessions, in the caller's transaction.
    (Not on any rep's History: a program is about managers.)"""
    return events.record(verb, workspace=workspace, about=about, actor=by, data=data)


def _with_time(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    def say(data: dict[str, Any]) -> str:
        starts = parse_datetime(str(data.get("starts") or ""))
        when = shortdates.short(timezone.localtime(starts), "D j M, H:i") if starts else ""
        return str(sentence).replace("{starts}", when)

    return say


def _held(data: dict[str, Any]) -> str:
    count = int(data.get("present") or 0)
    return ngettext(
        "{actor} recorded {title} as held: %(count)d manager present",
        "{actor} recorded {title} as held: %(count)d managers present",
        count,
    ) % {"count": count}


def register_verbs() -> None:
    verbs.register("program.created", _("{actor} created the program “{name}”"))
    verbs.register("program.changed", _("{actor} changed the program “{name}”"))
    verbs.register("cohort.created", _("{actor} started the cohort “{name}” of {program}"))
    verbs.register("cohort.enrolled", _("{actor} enrolled {manager} in {cohort}"))
    verbs.register("cohort.left", _("{actor} took {manager} out of {cohort}"))
    verbs.register(
        "program_session.moved", _with_time(_("{actor} moved {title} of {cohort} to {starts}"))
    )
    verbs.register(
        "program_session.cancelled",
        _with_time(_("{actor} cancelled {title} of {cohort} ({starts})")),
    )
    verbs.register("program_session.held", _held)
