"""Filters of the weekly digest's templates (email and preview alike)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from followthrough.coaching.models import format_number

register = template.Library()


@register.filter
def signed(value: int | Decimal | None) -> str:
    """+8, 0, or a minus sign (U+2212) before a fall; blank for no value."""
    if value is None:
        return ""
    if value > 0:
        return f"+{format_number(value)}"
    if value < 0:
        return f"−{format_number(-value)}"
    return "0"


@register.filter
def number(value: int | Decimal | None) -> str:
    return "" if value is None else format_number(value)
