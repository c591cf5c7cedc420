"""Template filters of the coaching pages."""

from __future__ import annotations

import datetime as dt

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from followthrough.lib.richtext import html_to_text

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "hr",
}


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitised: whatever was typed, no script or attribute survives
    except plain links (which get rel="noopener noreferrer")."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(clean)


@register.filter
def markdown_text(text: str) -> str:
    """What `markdown` shows, as plain text for an email's text part: no Markdown marks, and
    nothing of what the sanitiser removed."""
    return html_to_text(markdown(text))


@register.filter
def days_from(day: dt.date, today: dt.date) -> str:
    """ "12 days left", "1 day left", "today", "passed 3 days ago": plain days, which is how a
    60-day plan is counted."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"passed {-days} day{'s' if days != -1 else ''} ago"
