"""The follow-up kinds the clients app sends (registered in ClientsConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followthrough.followups.kinds import Kind, register

ABOUT = "clients.ClientCheckIn"
CLIENT_CHECK_IN = Kind("client_check_in", _("Client check-in"), ("client_checkin",), ABOUT)
CLIENT_REMINDER = Kind(
    "client_reminder", _("Client check-in reminder"), ("client_checkin_reminder",), ABOUT
)
CLIENT_THANKS = Kind("client_thanks", _("Client thank-you"), ("client_thanks",), ABOUT)
CLIENT_COMPLAINT = Kind("client_complaint", _("Unhappy client"), ("client_complaint",), ABOUT)


def register_kinds() -> None:
    register(CLIENT_CHECK_IN, CLIENT_REMINDER, CLIENT_THANKS, CLIENT_COMPLAINT)
