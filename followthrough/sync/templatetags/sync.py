"""Template helpers of the thread and the brief: what the emails read at sending time (a
follow-up's context holds plain values; these fetch what is current), and the thread's link
on the pages of a rep."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.dateparse import parse_datetime

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.sync import queries
from followthrough.sync.models import Note, Review

register = template.Library()


@register.simple_tag
def notes_since(rep: Membership, since: str, reader_id: int) -> list[Note]:
    """The notes of the rep's thread since `since` by others than the reader, oldest first;
    none if the reader has left the thread since the email was scheduled."""
    reader = Membership.objects.filter(pk=reader_id).first()
    moment = parse_datetime(since or "")
    if reader is None or moment is None or not permissions.is_in_thread(reader, rep):
        return []
    return list(
        Note.objects.filter(rep=rep, created_at__gte=moment)
        .exclude(author=reader)
        .select_related("author__user")
        .order_by("created_at", "id")
    )


@register.simple_tag
def review_brief(review: Review) -> queries.Brief:
    return queries.brief(review)


@register.inclusion_tag("sync/_thread_link.html")
def thread_link(viewer: Membership | None, rep: Membership) -> dict[str, Any]:
    """The link to the rep's coach-manager thread, for those who may open it."""
    shown = viewer is not None and rep.is_rep and permissions.can_view_thread(viewer, rep)
    return {"rep": rep, "shown": shown, "is_self": viewer is not None and viewer.pk == rep.pk}
