"""The kinds of webhook event an endpoint may choose, read from the event log.

Each type names the verbs of the log it stands for (and, where one verb says more than one
thing, a test on the event's data). One event is of at most one type, so an endpoint receives
it at most once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from followthrough.events.models import Event

# The type of the test an admin sends from an endpoint's page; never chosen, always delivered.
TEST = "webhook.test"


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise
    verbs: tuple[str, ...]
    when: Callable[[dict[str, Any]], bool] | None = None

    def matches(self, event: Event) -> bool:
        return event.verb in self.verbs and (self.when is None or self.when(event.data))


def _confidence_fell(data: dict[str, Any]) -> bool:
    previous = data.get("previous")
    return previous is not None and int(data.get("rating") or 0) < int(previous)


def _kind_is(*kinds: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: data.get("kind") in kinds


CHECK_INS = ("check_in",)
WEEKLY_UPDATES = ("weekly_digest",)

TYPES: tuple[EventType, ...] = (
    EventType("commitment.created", _("A commitment was agreed"), ("commitment.agreed",)),
    EventType(
        "commitment.changed",
        _("A commitment was changed, dropped or closed"),
        ("commitment.changed", "commitment.dropped", "commitment.outcome"),
    ),
    EventType("checkin.sent", _("A check-in was sent"), ("followup.sent",), _kind_is(*CHECK_INS)),
    EventType("checkin.answered", _("A check-in was answered"), ("commitment.answered",)),
    EventType(
        "followup.sent",
        _("Another follow-up was sent"),
        ("followup.sent",),
        lambda data: data.get("kind") not in CHECK_INS + WEEKLY_UPDATES,
    ),
    EventType("followup.failed", _("A follow-up could not be sent"), ("followup.failed",)),
    EventType("session.finished", _("A session was finished"), ("session.finished",)),
    EventType(
        "confidence.fell", _("A rep's confidence fell"), ("confidence.rated",), _confidence_fell
    ),
    EventType("client.answered", _("A client answered a check-in"), ("client_checkin.answered",)),
    EventType("quote.approved", _("A client's quote was approved"), ("client_quote.approved",)),
    EventType(
        "weekly_update.sent",
        _("A weekly update was sent"),
        ("followup.sent",),
        _kind_is(*WEEKLY_UPDATES),
    ),
)
BY_NAME = {event_type.name: event_type for event_type in TYPES}
# The verbs of the dispatcher's own events, written only when an endpoint listens for them.
OUTCOME_VERBS = ("followup.sent", "followup.failed")


def type_of(event: Event) -> str | None:
    for event_type in TYPES:
        if event_type.matches(event):
            return event_type.name
    return None


def choices() -> list[tuple[str, str]]:
    return [(event_type.name, str(event_type.label)) for event_type in TYPES]


def label(name: str) -> str:
    found = BY_NAME.get(name)
    if found is not None:
        return str(found.label)
    return str(_("Test event")) if name == TEST else name
