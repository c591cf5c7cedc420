"""What the digest verbs say on a History page, and one helper that files such an event."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followthrough.accounts.models import User
from followthrough.digests.models import Subscription
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event


def log(verb: str, subscription: Subscription, by: User | None, **data: Any) -> Event:
    """An event about one subscription, in the caller's transaction. (A subscription is its
    recipient's business: the rep's History does not list it.)"""
    return events.record(
        verb,
        workspace=subscription.workspace,
        about=subscription,
        actor=by,
        data={"name": subscription.recipient.user.name, **data},
    )


def _planned(data: dict[str, Any]) -> str:
    count = int(data.get("count") or 0)
    return ngettext(
        "{actor} planned %(count)d weekly digest", "{actor} planned %(count)d weekly digests", count
    ) % {"count": count}


def register_verbs() -> None:
    verbs.register("digest.subscribed", _("{name} will receive the weekly digest"))
    verbs.register("digest.preferences_changed", _("{actor} changed {name}'s weekly digest"))
    verbs.register("digest.unsubscribed", _("{name} stopped the weekly digest"))
    verbs.register("digest.resubscribed", _("{name} receives the weekly digest again"))
    verbs.register("digest.planned", _planned)
