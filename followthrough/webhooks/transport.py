"""Sending one webhook delivery over HTTP, for the dispatcher (followups.transports).

The request goes to an address checked by the guard at this moment (the connection is made to
that address, so a name that changes between the check and the request changes nothing), with
a timeout, and redirects are not followed. 2xx is delivered; 410 disables the endpoint; any
other answer, a timeout or a refused connection is tried again on the schedule of the Standard
Webhooks specification, for about three days.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from followthrough.followups.dispatcher import PermanentFailure, TemporaryFailure
from followthrough.followups.models import FollowUp
from followthrough.followups.transports import Delivered
from followthrough.webhooks import guard
from followthrough.webhooks.models import (
    DeliveryAttempt,
    DisabledReason,
    Endpoint,
    Message,
    Outcome,
)

# The delays between tries after the first: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
# then every 10 h, as many tries as the schedule fits in three days from the first (12 tries,
# the last about 68 h after the first; jitter may add a few hours in all).
SCHEDULE = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
)
LATER = dt.timedelta(hours=10)
GIVE_UP_AFTER = dt.timedelta(days=3)
TRIES = 1 + len(SCHEDULE) + int((GIVE_UP_AFTER - sum(SCHEDULE, dt.timedelta())) / LATER)
# Delays of a few minutes or more get up to this share added at random, so that the deliveries
# of an outage do not all come back at the same instant.
JITTER = 0.1
RESPONSE_KEPT = 2000  # characters of the answer's body kept in the log
USER_AGENT = "Followthrough-Webhooks/1"


def delay_after(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try (1 for the first)."""
    base = SCHEDULE[attempts - 1] if attempts <= len(SCHEDULE) else LATER
    if base >= dt.timedelta(minutes=5):
        base += dt.timedelta(seconds=base.total_seconds() * random.uniform(0, JITTER))
    return base


# A receiver that asks to be left alone for a while (429, 503 with Retry-After in seconds) is,
# up to this long; the schedule's own delay wins when it is longer.
RETRY_AFTER_MAX = dt.timedelta(hours=24)


def retry_after(status: int, headers: dict[str, str]) -> dt.timedelta | None:
    if status not in (429, 503):
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if not value.isdigit():
        return None
    return min(dt.timedelta(seconds=int(value)), RETRY_AFTER_MAX)


def is_last_try(followup: FollowUp) -> bool:
    """Whether the try under way (a claimed row, counted once it is sent) is the last one."""
    return followup.attempts + 1 >= TRIES


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate checked for the host name."""

    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    """POSTs once; (status, headers, the start of the body). Raises guard.Refused or OSError."""
    scheme, host, port = guard.target(url)
    address = guard.resolve(url)[0]
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = settings.WEBHOOK_TIMEOUT
    conn: http.client.HTTPConnection
    if scheme == "https":
        context = ssl.create_default_context()
        conn = PinnedHTTPSConnection(host, address, port=port, timeout=timeout, context=context)
    else:
        conn = PinnedHTTPConnection(host, address, port=port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(RESPONSE_KEPT * 4).decode("utf-8", errors="replace")
        return response.status, dict(response.getheaders()), text[:RESPONSE_KEPT]
    finally:
        conn.close()


class WebhookTransport:
    """The dispatcher's transport for kind "webhook"."""

    def send(self, followup: FollowUp, worker: str) -> Delivered:
        message = (
            Message.objects.select_related("endpoint__workspace")
            .filter(pk=followup.about_id or 0)
            .first()
        )
        if message is None:
            raise PermanentFailure("The endpoint was deleted.")
        endpoint = message.endpoint
        if not endpoint.is_active:
            raise PermanentFailure(f"The endpoint is disabled ({endpoint.disabled_reason}).")
        now = timezone.now()
        timestamp = int(now.timestamp())
        body = message.payload.encode()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": message.webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": endpoint.sign(message.webhook_id, timestamp, body, now),
        }
        again = Outcome.FAILED if is_last_try(followup) else Outcome.RETRY
        started = time.monotonic()
        attempt = DeliveryAttempt(
            message=message,
            followup_id=followup.pk,
            at=now,
            worker=worker,
            request_headers={
                **headers,
                "webhook-signature": "v1,…",  # the log shows no signature to copy
            },
        )
        try:
            status, answer_headers, text = post(endpoint.url, body, headers)
        except guard.Refused as refusal:
            self.record(attempt, started, Outcome.FAILED, error=str(refusal))
            raise PermanentFailure(str(refusal)) from None
        except (OSError, http.client.HTTPException) as error:
            words = f"{type(error).__name__}: {error}".strip()
            self.record(attempt, started, again, error=words)
            raise TemporaryFailure(words) from None
        attempt.status, attempt.response_headers, attempt.response_body = (
            status,
            answer_headers,
            text,
        )
        if 200 <= status < 300:
            self.record(attempt, started, Outcome.SENT)
            return Delivered(message.webhook_id, f"{message.type} → {endpoint.url}"[:255], "")
        if status == 410:
            self.record(attempt, started, Outcome.FAILED)
            self.disable(endpoint)
            raise PermanentFailure(f"HTTP 410 Gone: the endpoint was disabled. {text[:200]}")
        self.record(attempt, started, again)
        what = "a redirect, not followed" if 300 <= status < 400 else "not 2xx"
        failure = TemporaryFailure(f"HTTP {status} ({what}): {text[:200]}")
        wait = retry_after(status, answer_headers)
        if wait is not None:
            failure.not_before = now + wait  # type: ignore[attr-defined]
        raise failure

    def record(
        self, attempt: DeliveryAttempt, started: float, outcome: Outcome, error: str = ""
    ) -> None:
        attempt.latency_ms = int((time.monotonic() - started) * 1000)
        attempt.outcome, attempt.error = outcome, error[:2000]
        attempt.save()

    def disable(self, endpoint: Endpoint) -> None:
        from followthrough.webhooks import actions

        with transaction.atomic():
            actions.disable(endpoint, by=None, reason=DisabledReason.GONE)

    def retry_at(self, followup: FollowUp, attempts: int, now: dt.datetime) -> dt.datetime | None:
        if attempts >= TRIES:
            return None
        return now + delay_after(attempts)

    def close(self) -> None:
        """Nothing kept open: each delivery is its own connection."""


def payload(type_name: str, at: dt.datetime, data: dict[str, Any]) -> str:
    """The body: {type, timestamp, data}, serialised once and stored, so every attempt sends
    the same bytes (a receiver verifies the signature on exactly these)."""
    return json.dumps(
        {"type": type_name, "timestamp": at.isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
    )
