"""The demo's clock: the stories happened over the last weeks, and are told now.

A story step runs inside `at(moment, workspace)`: the real actions run with the clock moved to
that moment and standing still there (time-machine, `tick=False`), so every row, event and
follow-up they write carries the story's time by itself. Before the step, the real dispatcher
sends the workspace's follow-ups that fell due on the way, each at its own time, into the app's
outbox. So the demo names no model and no timestamp field: a new model written by an action is
dated right without a line here.

Why a moved clock rather than a clock argument to every action: the actions, the model defaults
(`default=timezone.now`), the events and the dispatcher all read `timezone.now()`; threading a
clock through each of them would change every signature for the demo's sake alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import time_machine
from django.db import models

from followthrough.accounts.models import Workspace
from followthrough.followups.backends import KeepInOutboxBackend
from followthrough.followups.dispatcher import Dispatcher
from followthrough.followups.models import FollowUp

WORKER = "demo"


@dataclass
class OutboxDispatcher(Dispatcher):
    """The real dispatcher, for one demo workspace's follow-ups only (whatever else is waiting is
    the real dispatcher's), sending into the app's outbox whatever mail server is configured:
    the demo's people live at example.com. It is not a running process, so it leaves no
    heartbeat (the pages keep telling whether the real dispatcher is alive)."""

    workspace: Workspace | None = None

    def due(self, now: dt.datetime) -> models.QuerySet[FollowUp]:
        return super().due(now).filter(workspace=self.workspace)

    def heartbeat(self, force: bool = False) -> None:
        return None

    def plan(self) -> None:
        return None  # the stories plan their own weeks (demo/updates.py), in their workspace

    def mailer(self) -> Any:
        if self._mailer is None:
            self._mailer = KeepInOutboxBackend()
        return self._mailer


@contextmanager
def at(moment: dt.datetime, workspace: Workspace) -> Iterator[None]:
    """Runs the block at `moment`, after sending what the workspace had due by then."""
    deliver_until(moment, workspace)
    with time_machine.travel(moment, tick=False):
        yield


def deliver_until(moment: dt.datetime, workspace: Workspace) -> None:
    """Sends, in order and each at its own time, the workspace's follow-ups due by `moment`."""
    dispatcher = OutboxDispatcher(worker=WORKER, workspace=workspace)
    while True:
        due = dispatcher.due(moment).values_list("send_at", flat=True).first()
        if due is None:
            return
        with time_machine.travel(due, tick=False):
            dispatcher.run(once=True)
