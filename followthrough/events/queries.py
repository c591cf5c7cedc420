"""Reading the log for a History page, with the same rules as every other page."""

from __future__ import annotations

from dataclasses import dataclass

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.events.models import Event, EventQuerySet
from followthrough.events.verbs import describe

HISTORY_LENGTH = 200  # the newest lines; older ones are in the API's event log


@dataclass(frozen=True)
class HistoryLine:
    event: Event
    sentence: str


def _lines(events: EventQuerySet) -> list[HistoryLine]:
    events = events.select_related("actor").newest_first()[:HISTORY_LENGTH]
    return [HistoryLine(event, describe(event)) for event in events]


def rep_history(viewer: Membership, rep: Membership) -> list[HistoryLine]:
    """A rep's story; private events (coach notes) only for those who coach the rep."""
    events = Event.objects.filter(workspace=rep.workspace_id, rep=rep)
    if not permissions.can_read_private_events(viewer, rep):
        events = events.filter(private=False)
    return _lines(events)


def plan_history(viewer: Membership, plan_id: int, rep: Membership) -> list[HistoryLine]:
    events = Event.objects.filter(workspace=rep.workspace_id, plan_id=plan_id)
    if not permissions.can_read_private_events(viewer, rep):
        events = events.filter(private=False)
    return _lines(events)
