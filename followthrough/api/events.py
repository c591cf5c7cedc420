"""What the API's verbs say on a History page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followthrough.events import verbs


def register_verbs() -> None:
    verbs.register("api_token.created", _("{actor} made an API token named {name}"))
    verbs.register("api_token.revoked", _("{actor} revoked the API token named {name}"))
