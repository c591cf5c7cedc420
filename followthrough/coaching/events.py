"""The coaching loop's events: what each one says on a History page, and one helper that
files an event under its plan and rep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followthrough.accounts.models import User
from followthrough.coaching.models import Answer, CommitmentState, Plan
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event
from followthrough.lib import shortdates


def log(
    verb: str,
    plan: Plan,
    about: models.Model,
    by: User | None,
    *,
    private: bool = False,
    **data: Any,
) -> Event:
    """Records a coaching event in the caller's transaction, under the plan's rep."""
    return events.record(
        verb,
        workspace=plan.workspace,
        about=about,
        actor=by,
        rep=plan.rep,
        plan_id=plan.pk,
        data=data,
        private=private,
    )


def figures(numbers: dict[str, Any]) -> str:
    """ "calls 5, referrals asked 4" """
    return ", ".join(f"{name} {value}" for name, value in numbers.items())


def _with_time(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    """A session's sentence, its start shown in the reader's time zone."""

    def say(data: dict[str, Any]) -> str:
        starts = parse_datetime(str(data.get("starts") or ""))
        when = shortdates.short(timezone.localtime(starts), "D j M, H:i") if starts else ""
        return str(sentence).replace("{starts}", when)

    return say


def _scheduled(data: dict[str, Any]) -> str:
    """Booked ahead, or the record of a call that had already taken place."""
    starts = parse_datetime(str(data.get("starts") or ""))
    booked_at = parse_datetime(str(data.get("event_at") or ""))
    if starts and booked_at and starts <= booked_at:
        return _with_time(_("{actor} recorded a session held {starts}"))(data)
    return _with_time(_("{actor} scheduled a session for {starts}"))(data)


def _finished(data: dict[str, Any]) -> str:
    count = int(data.get("agreed") or 0)
    return ngettext(
        "{actor} finished a session: %(count)d next step agreed",
        "{actor} finished a session: %(count)d next steps agreed",
        count,
    ) % {"count": count}


def _answered(data: dict[str, Any]) -> str:
    label = str(Answer(data["answer"]).label) if data.get("answer") in Answer.values else ""
    if data.get("numbers"):
        return str(_("{actor} answered {label}: {numbers} ({text})")).replace("{label}", label)
    return str(_("{actor} answered {label} ({text})")).replace("{label}", label)


def _outcome(data: dict[str, Any]) -> str:
    state = data.get("state")
    label = str(CommitmentState(state).label) if state in CommitmentState.values else ""
    return str(_("{actor} recorded the outcome of “{text}”: {label}")).replace("{label}", label)


def _what(data: dict[str, Any]) -> str:
    what = {
        "plan": _("the plan's why"),
        "session": _("a session's summary"),
        "response": _("a comment on an answer"),
    }.get(str(data.get("what")), _("their words"))
    return str(what)


def _shared(data: dict[str, Any]) -> str:
    return str(_("{actor} shared {what} with the stakeholders")).replace("{what}", _what(data))


def _unshared(data: dict[str, Any]) -> str:
    return str(_("{actor} stopped sharing {what}")).replace("{what}", _what(data))


def register_verbs() -> None:
    verbs.register("plan.opened", _("{actor} opened the plan “{purpose}” for {rep}"))
    verbs.register("plan.changed", _("{actor} changed the plan"))
    verbs.register("session.scheduled", _scheduled)
    verbs.register("session.moved", _with_time(_("{actor} moved a session to {starts}")))
    verbs.register("session.cancelled", _with_time(_("{actor} cancelled the session of {starts}")))
    verbs.register(
        "session.notes_saved", _with_time(_("{actor} saved notes on the session of {starts}"))
    )
    verbs.register("session.finished", _finished)
    verbs.register("commitment.agreed", _("{actor} agreed a next step for {owner}: “{text}”"))
    verbs.register("commitment.answered", _answered)
    verbs.register("commitment.outcome", _outcome)
    verbs.register("commitment.changed", _("{actor} changed “{text}”"))
    verbs.register("commitment.dropped", _("{actor} dropped “{text}”"))
    verbs.register("answer.replied", _("{actor} replied to the answer on “{text}”"))
    verbs.register("words.shared", _shared)
    verbs.register("words.unshared", _unshared)
