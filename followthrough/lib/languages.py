"""Which language a person reads: their profile's, when the project speaks it, else English."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from followthrough.accounts.models import User


def supported(code: str | None) -> str:
    """`code` if it is one of settings.LANGUAGES (each has a catalogue, English is the
    source), else the default: a profile saved with a language we dropped still reads."""
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def of_user(user: User | None) -> str:
    """The language a person reads, from their profile; English without one."""
    if user is None:
        return settings.LANGUAGE_CODE
    profile = getattr(user, "profile", None)
    return supported(profile.language if profile is not None else None)


def unsupported_name(code: str | None) -> str:
    """The name of a profile language that has no catalogue here (an old row saying "fr"),
    in the reader's language ("French", "francés"); empty when the project speaks it."""
    if not code or code in dict(settings.LANGUAGES) or supported(code) != settings.LANGUAGE_CODE:
        return ""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
