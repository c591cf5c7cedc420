"""Changes to webhook endpoints, and the fan-out of events into deliveries. Each change is one
transaction with its event; each delivery is a FollowUp row the dispatchers send."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followthrough.accounts.models import User
from followthrough.events import actions as events
from followthrough.events.models import Event
from followthrough.followups.models import FollowUp, State
from followthrough.webhooks import types
from followthrough.webhooks.models import (
    ROTATION_GRACE,
    DisabledReason,
    Endpoint,
    Message,
    new_secret,
)
from followthrough.webhooks.transport import payload

KIND = "webhook"


def _log(verb: str, endpoint: Endpoint, by: User | None, **data: Any) -> Event:
    return events.record(
        verb,
        workspace=endpoint.workspace,
        about=endpoint,
        actor=by,
        data={"url": endpoint.url, **data},
        private=True,
    )


def save(endpoint: Endpoint, by: User) -> Endpoint:
    """Adds an endpoint (a form's unsaved instance) or saves its changes."""
    adding = endpoint.pk is None
    with transaction.atomic():
        if adding:
            endpoint.created_by = by
        endpoint.save()
        _log("webhook.added" if adding else "webhook.changed", endpoint, by)
    subscriptions.forget()
    return endpoint


def disable(endpoint: Endpoint, by: User | None, reason: str = DisabledReason.BY_ADMIN) -> bool:
    """Stops deliveries to the endpoint; False when it was disabled already. Deliveries waiting
    for it fail when their turn comes (and may be redelivered once it is enabled again)."""
    with transaction.atomic():
        changed = Endpoint.objects.filter(pk=endpoint.pk, disabled_at=None).update(
            disabled_at=timezone.now(), disabled_reason=reason
        )
        if changed:
            endpoint.refresh_from_db()
            _log("webhook.disabled", endpoint, by, reason=reason)
    subscriptions.forget()
    return bool(changed)


def enable(endpoint: Endpoint, by: User) -> bool:
    with transaction.atomic():
        changed = (
            Endpoint.objects.filter(pk=endpoint.pk)
            .exclude(disabled_at=None)
            .update(disabled_at=None, disabled_reason="")
        )
        if changed:
            endpoint.refresh_from_db()
            _log("webhook.enabled", endpoint, by)
    subscriptions.forget()
    return bool(changed)


def delete(endpoint: Endpoint, by: User) -> None:
    """Removes the endpoint with its log; deliveries not sent yet are dropped with it."""
    with transaction.atomic():
        _log("webhook.deleted", endpoint, by)
        messages = Message.objects.filter(endpoint=endpoint).values("pk")
        FollowUp.objects.filter(kind=KIND, about_id__in=messages).delete()
        endpoint.delete()
    subscriptions.forget()


def rotate(endpoint: Endpoint, by: User) -> str:
    """A new secret; the old one keeps signing beside it for ROTATION_GRACE."""
    with transaction.atomic():
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_valid_until = timezone.now() + ROTATION_GRACE
        locked.secret = new_secret()
        locked.save(update_fields=["secret", "previous_secret", "previous_valid_until"])
        _log("webhook.rotated", locked, by)
    endpoint.refresh_from_db()
    return endpoint.secret


def send_test(endpoint: Endpoint, by: User) -> Message:
    """A test event to this endpoint only, whatever types it chose."""
    with transaction.atomic():
        event = _log("webhook.tested", endpoint, by)
        data = {"test": True, "workspace": endpoint.workspace.slug, "event_id": event.pk}
        return _deliver(endpoint, event, types.TEST, data)


def redeliver(message: Message, by: User) -> FollowUp:
    """A new delivery of the same payload, with the same webhook-id (receivers that already
    have it ignore it)."""
    with transaction.atomic():
        _log("webhook.redelivered", message.endpoint, by, webhook_id=message.webhook_id)
        return _schedule(message)


def _deliver(endpoint: Endpoint, event: Event, type_name: str, data: dict[str, Any]) -> Message:
    message = Message.objects.create(
        endpoint=endpoint,
        event=event,
        webhook_id=f"msg_{event.pk}_{endpoint.pk}",
        type=type_name,
        payload=payload(type_name, event.at, data),
    )
    _schedule(message)
    return message


def _schedule(message: Message) -> FollowUp:
    endpoint = message.endpoint
    return FollowUp.objects.create(
        kind=KIND,
        workspace_id=endpoint.workspace_id,
        to_email=endpoint.url[:254],
        about=message,
        send_at=timezone.now(),
        state=State.SCHEDULED,
    )


def event_data(event: Event) -> dict[str, Any]:
    """A thin payload: what happened, to what, by whom, and the figures the log keeps."""
    return {
        "event_id": event.pk,
        "workspace": event.workspace.slug,
        "verb": event.verb,
        "object": {"type": event.about_type.model, "id": event.about_id},
        "actor_id": event.actor_id,
        "rep_id": event.rep_id,
        "plan_id": event.plan_id,
        "details": event.data,
    }


def on_event(event: Event) -> None:
    """The event log's receiver (events.listen), run once the event is committed."""
    fan_out(event)


def fan_out(event: Event) -> int:
    """After an event commits: one delivery per active endpoint of its workspace that chose its
    type, in one transaction. Running twice for one event changes nothing (one message per
    endpoint and event)."""
    type_name = types.type_of(event)
    if type_name is None:
        return 0
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(workspace=event.workspace_id, disabled_at=None)
        if endpoint.wants(type_name)
    ]
    if not endpoints:
        return 0
    event = Event.objects.select_related("workspace", "about_type").get(pk=event.pk)
    data = event_data(event)
    made = 0
    with transaction.atomic():
        for endpoint in endpoints:
            if Message.objects.filter(endpoint=endpoint, event=event).exists():
                continue
            try:
                with transaction.atomic():
                    _deliver(endpoint, event, type_name, data)
                    made += 1
            except IntegrityError:  # another process fanned the same event out meanwhile
                continue
    return made


class Subscriptions:
    """Which workspaces have an endpoint listening for the dispatcher's outcomes (a follow-up
    sent or failed), kept for a few seconds: the dispatcher asks for every message it sends,
    and writes an event only when someone listens."""

    TTL = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fetched = 0.0
        self._types: dict[int, set[str]] = {}

    def forget(self) -> None:
        with self._lock:
            self._fetched = 0.0

    def of(self, workspace_id: int) -> set[str]:
        with self._lock:
            if time.monotonic() - self._fetched > self.TTL:
                found: dict[int, set[str]] = {}
                rows = Endpoint.objects.filter(disabled_at=None).values_list(
                    "workspace_id", "event_types"
                )
                for workspace, chosen in rows:
                    found.setdefault(workspace, set()).update(chosen)
                self._types, self._fetched = found, time.monotonic()
            return self._types.get(workspace_id, set())


subscriptions = Subscriptions()
OUTCOME_TYPES = {
    name for name, kind in types.BY_NAME.items() if set(kind.verbs) & set(types.OUTCOME_VERBS)
}


def on_outcome(followup: FollowUp, outcome: str) -> None:
    """The dispatcher sent a follow-up or gave up on one: an event (and so webhooks) when an
    endpoint of its workspace listens for such outcomes. Webhooks about webhooks are not sent."""
    if followup.kind == KIND or followup.workspace_id is None:
        return
    if not subscriptions.of(followup.workspace_id) & OUTCOME_TYPES:
        return
    from followthrough.followups import events as followup_events

    with transaction.atomic():
        followup_events.log(f"followup.{outcome}", followup, None)
