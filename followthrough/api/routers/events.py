"""The event log: who did what to what, and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from ninja import Query, Router, Schema

from followthrough import permissions
from followthrough.api.conventions import Id, IsoDateTime, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.events.models import Event
from followthrough.events.verbs import describe

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    verb: str
    at: dt.datetime
    actor_id: Id | None
    rep_id: Id | None
    plan_id: Id | None
    about_type: str
    about_id: Id
    data: dict[str, Any]
    summary: str

    @staticmethod
    def resolve_about_type(obj: Event) -> str:
        model = ContentType.objects.get_for_id(obj.about_type_id)  # cached by Django
        return f"{model.app_label}.{model.model}"

    @staticmethod
    def resolve_summary(obj: Event) -> str:
        return describe(obj)


class EventFilters(PageParams):
    verb: str | None = None
    rep: Id | None = None
    plan: Id | None = None
    since: IsoDateTime | None = None


@router.get("/events", response=Page[EventOut], url_name="api_events")
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    """Newest first. `verb` matches a whole verb or a prefix ending in a dot
    ("commitment." for every commitment event)."""
    rows = permissions.visible_events(member_of(request)).select_related("actor")
    if filters.verb:
        verb = filters.verb
        rows = rows.filter(verb__startswith=verb) if verb.endswith(".") else rows.filter(verb=verb)
    if filters.rep is not None:
        rows = rows.filter(rep_id=filters.rep)
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan)
    if filters.since is not None:
        rows = rows.filter(at__gte=filters.since)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}
