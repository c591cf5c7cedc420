"""Periodic planners: functions the dispatcher's loop runs now and then to write the follow-ups
that no single change causes (the weekly update's ask, say).

Apps register theirs in AppConfig.ready(), so the engine imports no app above it. A planner
takes the current time and must be idempotent: every dispatcher runs it, after a restart it
runs again, and two of them may run at once; the planner's own unique rows make the second
run write nothing. A planner's failure is logged and does not stop the sending.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError

log = logging.getLogger("followthrough.dispatcher")

Planner = Callable[[dt.datetime], object]

# How often the dispatcher runs the planners: a planned message waits for its own send_at, so
# this only bounds how late a plan is noticed after a change the planner reads.
EVERY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Registered:
    name: str
    run: Planner


_planners: dict[str, Registered] = {}


def register(name: str, planner: Planner) -> None:
    """Adds a planner under a name; registering the same name again replaces it (ready() may
    run twice)."""
    _planners[name] = Registered(name, planner)


def unregister(name: str) -> None:
    _planners.pop(name, None)


def registered() -> list[Registered]:
    return sorted(_planners.values(), key=lambda p: p.name)


def run_all(now: dt.datetime) -> dict[str, object]:
    """Runs every planner once; returns what each returned (or the error it raised)."""
    outcomes: dict[str, object] = {}
    for planner in registered():
        try:
            outcomes[planner.name] = planner.run(now)
        except (OperationalError, InterfaceError):
            raise  # the database is away: the dispatcher's loop waits and reconnects
        except Exception as error:  # one planner's bug must not stop the mail
            log.exception("planner %s failed", planner.name)
            outcomes[planner.name] = error
    return outcomes
