"""An endpoint's delivery log, in a fixed number of queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from followthrough.followups.models import FollowUp
from followthrough.webhooks.models import DeliveryAttempt, Endpoint, Message

LOG_LENGTH = 50


@dataclass
class LogLine:
    message: Message
    deliveries: list[FollowUp] = field(default_factory=list)
    attempts: list[DeliveryAttempt] = field(default_factory=list)

    @property
    def state(self) -> str:
        """The newest delivery's state (a redelivery may succeed where the first failed)."""
        return self.deliveries[0].get_state_display() if self.deliveries else ""

    @property
    def state_code(self) -> str:
        return self.deliveries[0].state if self.deliveries else ""


def delivery_log(endpoint: Endpoint) -> list[LogLine]:
    messages = list(
        Message.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")[:LOG_LENGTH]
    )
    lines = {message.pk: LogLine(message) for message in messages}
    deliveries = FollowUp.objects.filter(
        about_type=ContentType.objects.get_for_model(Message), about_id__in=list(lines)
    ).order_by("-created_at", "-id")
    for delivery in deliveries:
        lines[delivery.about_id or 0].deliveries.append(delivery)
    for attempt in DeliveryAttempt.objects.filter(message__in=messages).order_by("-at", "-id"):
        lines[attempt.message_id].attempts.append(attempt)
    return list(lines.values())
