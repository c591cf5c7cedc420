"""Webhook endpoints, the messages sent to them, and every attempt at delivering one.

A message is one event for one endpoint (unique together, so an event fans out once). Its
deliveries are FollowUp rows of kind "webhook" about the message, sent by the dispatchers like
any email; "redeliver" is a new FollowUp about the same message, with the same webhook-id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from followthrough.accounts.models import Workspace
from followthrough.events.models import Event
from followthrough.webhooks import types

SECRET_PREFIX = "whsec_"
# The old secret keeps signing for this long after a rotation, so receivers can switch.
ROTATION_GRACE = dt.timedelta(hours=24)


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the secret's decoded bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class DisabledReason(models.TextChoices):
    GONE = "gone", gettext_lazy("The endpoint answered 410 Gone: it asked for no more webhooks.")
    BY_ADMIN = "admin", gettext_lazy("An admin disabled it.")


class Endpoint(models.Model):
    """A URL of a workspace that receives the event types it chose, signed with its secret."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    secret = models.CharField(max_length=100, default=new_secret)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=8, choices=DisabledReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhook_detail", args=[self.workspace.slug, self.pk])

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def wants(self, type_name: str) -> bool:
        return self.is_active and type_name in self.event_types

    def type_labels(self) -> list[str]:
        return [types.label(name) for name in self.event_types]

    def secrets_in_use(self, now: dt.datetime) -> list[str]:
        """The secret, and the previous one during the day after a rotation."""
        keys = [self.secret]
        if self.previous_secret and self.previous_valid_until and now < self.previous_valid_until:
            keys.append(self.previous_secret)
        return keys

    def sign(self, webhook_id: str, timestamp: int, body: bytes, now: dt.datetime) -> str:
        """The webhook-signature header: one signature per secret in use, space-separated."""
        return " ".join(
            signature(key, webhook_id, timestamp, body) for key in self.secrets_in_use(now)
        )


class Message(models.Model):
    """One event for one endpoint: its payload, exactly the bytes sent, and its webhook-id,
    the same for every attempt and every redelivery (receivers deduplicate on it)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    webhook_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64)
    payload = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.type} → {self.endpoint_id}"

    def type_label(self) -> str:
        return types.label(self.type)


class Outcome(models.TextChoices):
    SENT = "sent", gettext_lazy("Delivered")
    RETRY = "retry", gettext_lazy("Failed; will be tried again")
    FAILED = "failed", gettext_lazy("Failed")


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery, for the endpoint's log: what was sent, what came back,
    how long it took."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts")
    followup_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=120, blank=True)
    request_headers = models.JSONField(default=dict)
    status = models.PositiveIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["message", "-at"], name="webhook_attempt_message")]

    def __str__(self) -> str:
        return f"{self.message_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status or self.error}"
