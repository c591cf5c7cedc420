"""What the webhook pages' changes say on a History page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followthrough.events import verbs


def register_verbs() -> None:
    verbs.register("webhook.added", _("{actor} added the webhook endpoint {url}"))
    verbs.register("webhook.changed", _("{actor} changed the webhook endpoint {url}"))
    verbs.register("webhook.disabled", _("{actor} disabled the webhook endpoint {url}"))
    verbs.register("webhook.enabled", _("{actor} enabled the webhook endpoint {url}"))
    verbs.register("webhook.deleted", _("{actor} deleted the webhook endpoint {url}"))
    verbs.register("webhook.rotated", _("{actor} rotated the secret of the webhook endpoint {url}"))
    verbs.register("webhook.tested", _("{actor} sent a test event to {url}"))
    verbs.register("webhook.redelivered", _("{actor} redelivered a webhook to {url}"))
