"""Template filters of the coaching pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import markdown as markdown_lib
import nh3
from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext as _

from followthrough.accounts.models import Membership, User
from followthrough.lib import shortdates
from followthrough.lib.richtext import html_to_text
from followthrough.permissions import WordsAccess
from followthrough.web.bidi import bdi

register = template.Library()

# Long dates as each language writes them ("Friday 4 December", "viernes 4 de diciembre"): the
# format itself is translated, as Django does with its own DATE_FORMAT.


@register.filter(expects_localtime=True)
def day(value: dt.date | None) -> str:
    """Weekday, day and month."""
    return formats.date_format(value, pgettext("date format", "l j F")) if value else ""


@register.filter(expects_localtime=True)
def day_time(value: dt.datetime | None) -> str:
    """Weekday, day, month and time."""
    return formats.date_format(value, pgettext("date format", "l j F, H:i")) if value else ""


@register.filter(expects_localtime=True)
def day_month(value: dt.date | None) -> str:
    """Day and month."""
    return formats.date_format(value, pgettext("date format", "j F")) if value else ""


@register.filter(expects_localtime=True)
def day_month_year(value: dt.date | None) -> str:
    """Day, month and year."""
    return formats.date_format(value, pgettext("date format", "j F Y")) if value else ""


@register.filter
def moment(value: str | dt.datetime | None) -> str:
    """A moment stored as ISO text (in a follow-up's context), as "Mon 2 Mar, 14:00" in the
    active language and time zone: formatted when the message is rendered, not scheduled."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return shortdates.short(moment, "D j M, H:i")


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
        return pgettext("days left", "today")
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    return ngettext("passed %(days)d day ago", "passed %(days)d days ago", -days) % {"days": -days}


@register.simple_tag
def both_times(moment: dt.datetime | None, person: User | None, fmt: str = "D j M, H:i") -> str:
    """A moment in the viewer's zone and, when theirs differs, in the person's it is for:
    "Fri 4 Dec, 07:00 your time, 10:00 for Alejandro" (their date too when it is another day).
    The one place pages say a time to someone in another zone."""
    if moment is None:
        return ""
    mine = timezone.localtime(moment)
    profile = getattr(person, "profile", None) if person is not None else None
    if profile is None:
        return shortdates.short(mine, fmt)
    theirs = moment.astimezone(profile.zone)
    if theirs.utcoffset() == mine.utcoffset():
        return shortdates.short(mine, fmt)
    return format_html(
        gettext("{mine} your time, {theirs} for {name}"),
        mine=shortdates.short(mine, fmt),
        theirs=(
            formats.date_format(theirs, "H:i")
            if theirs.date() == mine.date()
            else shortdates.short(theirs, fmt)
        ),
        name=person.get_short_name() if person is not None else "",
    )


@register.filter
def readable(thing: object, access: WordsAccess | None) -> bool:
    """Whether the page's viewer may read the rep's words on `thing` (see
    permissions.can_read_words): `{% if r|readable:words %}`."""
    return access is not None and access.may_read(thing)


@register.filter(needs_autoescape=True)
def names(members: Iterable[Membership], autoescape: bool = True) -> str:
    """ "Morgan", "Morgan and Karen", "Morgan, Karen and Ann"; each name escaped and, when it is
    written right to left, isolated (web.bidi)."""
    people = [bdi(member.user.name, autoescape) for member in members]
    if len(people) < 2:
        joined = "".join(people)
    else:
        joined = _("%(names)s and %(last)s") % {"names": ", ".join(people[:-1]), "last": people[-1]}
    return mark_safe(joined) if autoescape else joined  # each name is escaped
