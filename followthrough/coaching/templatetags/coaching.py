"""Template filters of the coaching pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followthrough.accounts.models import Membership
from followthrough.permissions import WordsAccess

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
def days_from(day: dt.date, today: dt.date) -> str:
    """ "12 days left", "1 day left", "today", "passed 3 days ago": plain days, which is how a
    60-day plan is counted."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"passed {-days} day{'s' if days != -1 else ''} ago"


@register.filter
def readable(thing: object, access: WordsAccess | None) -> bool:
    """Whether the page's viewer may read the rep's words on `thing` (see
    permissions.can_read_words): `{% if r|readable:words %}`."""
    return access is not None and access.may_read(thing)


@register.filter
def names(members: Iterable[Membership]) -> str:
    """ "Morgan", "Morgan and Karen", "Morgan, Karen and Ann"."""
    people = [member.user.name for member in members]
    if len(people) < 2:
        return "".join(people)
    return _("%(names)s and %(last)s") % {"names": ", ".join(people[:-1]), "last": people[-1]}
