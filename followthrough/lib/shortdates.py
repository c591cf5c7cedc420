"""Short dates as each language writes them: "Fri 4 Dec" in English, "vie 4 dic" in Spanish.

Django's "M" gives a capitalised month abbreviation in every language ("Dic"), right for
English and wrong for Spanish, which writes both abbreviations in lower case beside a
lower-case weekday ("vie"). So each short format is itself translated (context "date format"),
as Django does with its own DATE_FORMAT and as the long dates of coaching's filters are:
Spanish turns "M" into "b". Pages use `{{ value|short:"D j M" }}` (a filter every template
has); Python uses short(value, "D j M"). A format not listed here is a programming error.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

FORMATS: dict[str, Promise] = {
    "D j M": pgettext_lazy("date format", "D j M"),
    "D j M Y": pgettext_lazy("date format", "D j M Y"),
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    "D j M Y, H:i": pgettext_lazy("date format", "D j M Y, H:i"),
    "D j M Y, H:i:s": pgettext_lazy("date format", "D j M Y, H:i:s"),
    "j M": pgettext_lazy("date format", "j M"),
    "j M, H:i": pgettext_lazy("date format", "j M, H:i"),
    "j M Y": pgettext_lazy("date format", "j M Y"),
    "j M Y, H:i": pgettext_lazy("date format", "j M Y, H:i"),
    "j M Y H:i": pgettext_lazy("date format", "j M Y H:i"),
    "j F Y": pgettext_lazy("date format", "j F Y"),
    "l j F": pgettext_lazy("date format", "l j F"),
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
    "l j F Y, H:i": pgettext_lazy("date format", "l j F Y, H:i"),
}


def short(value: dt.date | dt.datetime | None, fmt: str = "D j M") -> str:
    """`value` in the active language's way of writing `fmt` (a key of FORMATS); "" for None.
    A datetime is formatted as it is: convert it to the reader's zone first."""
    if value is None or value == "":
        return ""
    return formats.date_format(value, str(FORMATS[fmt]))
