"""Transports other than email, chosen per kind of follow-up.

The dispatcher sends a row by email unless an app registered a transport for its kind (the
webhooks app registers an HTTP one for "webhook"). Claim, lease, compare-and-set and the
outcome columns stay the dispatcher's; a transport only sends one row, says how it went, and
when to try again. Apps may also hear of every outcome (`listen`), after it is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from followthrough.followups.models import FollowUp


@dataclass
class Delivered:
    """What the row's columns keep of a message sent: its id (the Message-ID, or the webhook's
    id), a subject line and the body as it went out."""

    message_id: str
    subject: str
    body: str


class Transport(Protocol):
    def send(self, followup: FollowUp, worker: str) -> Delivered:
        """Sends one row; raises dispatcher.TemporaryFailure or PermanentFailure."""

    def retry_at(self, followup: FollowUp, attempts: int, now: dt.datetime) -> dt.datetime | None:
        """When to try again after `attempts` failed tries; None to give up."""

    def close(self) -> None:
        """Drops connections kept between rows."""


log = logging.getLogger("followthrough.dispatcher")
_transports: dict[str, Transport] = {}
Listener = Callable[["FollowUp", str], None]
_listeners: list[Listener] = []


def register(kind: str, transport: Transport) -> None:
    _transports[kind] = transport


def for_kind(kind: str) -> Transport | None:
    return _transports.get(kind)


def close_all() -> None:
    for transport in _transports.values():
        transport.close()


def listen(listener: Listener) -> None:
    """Call `listener(followup, "sent" | "failed")` after the dispatcher recorded the outcome."""
    _listeners.append(listener)


def tell(followup: FollowUp, outcome: str) -> None:
    """The outcome is recorded already: a listener that fails is logged, never undoes it."""
    for listener in _listeners:
        try:
            listener(followup, outcome)
        except Exception:
            log.exception("a listener of follow-up outcomes failed on %s", followup.pk)
