"""`{{ value|short:"D j M" }}` in every template (settings.TEMPLATES' builtins): a short date as
the reader's language writes it (followthrough.lib.shortdates)."""

from __future__ import annotations

import datetime as dt

from django import template

from followthrough.lib import shortdates

register = template.Library()


@register.filter(expects_localtime=True)
def short(value: dt.date | dt.datetime | None, fmt: str = "D j M") -> str:
    return shortdates.short(value, fmt)
