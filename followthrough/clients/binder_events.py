"""What the binder's verbs say on a History page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followthrough.events import verbs


def register_verbs() -> None:
    verbs.register("client_quote.approved", _("{actor} approved the quote of {name} ({account})"))
    verbs.register("client_quote.edited", _("{actor} shortened the quote of {name} ({account})"))
    verbs.register("client_quote.declined", _("{actor} declined the quote of {name} ({account})"))
    verbs.register("binder.shared", _("{actor} shared the praise binder of {name} for {days} days"))
    verbs.register("binder.revoked", _("{actor} withdrew a link to the praise binder of {name}"))
