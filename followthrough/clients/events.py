"""What the verbs of the clients app say on a History page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followthrough.events import verbs


def register_verbs() -> None:
    verbs.register("contact.created", _("{actor} added the client contact {name}"))
    verbs.register("contact.updated", _("{actor} updated the client contact {name}"))
    verbs.register("contact.added_to_deal", _("{actor} named {name} as a client of {account}"))
    verbs.register(
        "contact.removed_from_deal", _("{actor} removed {name} from the clients of {account}")
    )
    verbs.register("contact.unsubscribed", _("{name} asked to receive no more client surveys"))
    verbs.register(
        "client_checkin.scheduled", _("A client check-in to {name} about {account} was scheduled")
    )
    verbs.register(
        "client_checkin.skipped", _("No client check-in to {name} about {account}: {reason}")
    )
    verbs.register(
        "client_checkin.cancelled", _("The client check-in to {name} about {account} was cancelled")
    )
    verbs.register("client_checkin.answered", _("{name} rated {account} {score}/10"))
    verbs.register(
        "client_settings.changed",
        _(
            "{actor} changed when clients are asked: {days} days after the sale, at most once "
            "in {throttle} days"
        ),
    )
    verbs.register("client_checkin.called_back", _("{actor} called {name} back ({account})"))
    verbs.register(
        "client_checkin.consent_withdrawn", _("{name} withdrew their consent to be quoted")
    )
