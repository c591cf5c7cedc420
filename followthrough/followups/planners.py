"""Planners: periodic work that writes follow-ups, run by the dispatcher loop.

Some follow-ups have no single change that causes them: a weekly digest falls due because a
week went by. An app registers a planner in its AppConfig.ready() (`planners.register(Planner(
"weekly_digests", plan, every=timedelta(minutes=1)))`); every dispatcher calls `run_due()` in
its loop, and each planner runs at most once per `every` in that process. Planners must be
idempotent (they are, as every dispatcher runs them): what they write is keyed so that a second
run, a second dispatcher or a restart writes nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError

log = logging.getLogger("followthrough.planners")


@dataclass
class Planner:
    name: str
    run: Callable[[], object]
    every: dt.timedelta = dt.timedelta(minutes=1)


_registry: dict[str, Planner] = {}


def register(planner: Planner) -> None:
    """Adds a planner; registering one of the same name again replaces it (ready() may run
    twice)."""
    _registry[planner.name] = planner


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered() -> list[Planner]:
    return sorted(_registry.values(), key=lambda planner: planner.name)


@dataclass
class Schedule:
    """When each planner last ran in this process (monotonic seconds)."""

    last_run: dict[str, float] = field(default_factory=dict)

    def run_due(self, force: bool = False) -> list[str]:
        """Runs every planner whose interval has passed (all of them with force=True); a
        planner that fails is logged and tried again at its next turn, and never stops the
        dispatcher from sending. Returns the names of the planners that ran."""
        ran = []
        now = time.monotonic()
        for planner in registered():
            last = self.last_run.get(planner.name)
            if not force and last is not None and now - last < planner.every.total_seconds():
                continue
            self.last_run[planner.name] = now
            try:
                planner.run()
            except (OperationalError, InterfaceError):
                raise  # the dispatcher's loop knows what to do when the database goes away
            except Exception:
                log.exception("planner %s failed", planner.name)
            ran.append(planner.name)
        return ran
