"""Metrics and their entries (the reps' numbers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from followthrough import permissions
from followthrough.api.conventions import (
    ApiError,
    Id,
    Input,
    IsoDate,
    Page,
    amount,
    member_of,
    paginate,
)
from followthrough.api.routers.coaching import PageParams
from followthrough.metrics import actions
from followthrough.metrics.models import MAX_VALUE, Entry, EntrySource, Metric, MetricKind

router = Router(tags=["metrics"])


class MetricOut(Schema):
    id: int
    name: str
    key: str
    unit: str
    kind: MetricKind
    position: int


@router.get("/metrics", response=Page[MetricOut], url_name="api_metrics")
def list_metrics(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    rows = Metric.of(member_of(request).workspace)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


class EntryOut(Schema):
    id: int
    member_id: Id
    metric_id: Id
    day: dt.date
    value: Decimal
    source: EntrySource
    response_id: Id | None
    opportunity_id: Id | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EntryFilters(PageParams):
    member: Id | None = None
    metric: Id | None = None
    source: EntrySource | None = None
    day_from: IsoDate | None = None
    day_to: IsoDate | None = None


@router.get("/entries", response=Page[EntryOut], url_name="api_entries")
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> dict[str, Any]:
    """The numbers of the reps whose progress the caller sees (permissions.visible_reps)."""
    member = member_of(request)
    rows = Entry.objects.filter(
        workspace=member.workspace, member__in=permissions.visible_reps(member)
    )
    for name, lookup in [
        ("member", "member_id"),
        ("metric", "metric_id"),
        ("source", "source"),
        ("day_from", "day__gte"),
        ("day_to", "day__lte"),
    ]:
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{lookup: value})
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


class EntryIn(Input):
    metric_id: Id
    day: IsoDate
    value: amount(MAX_VALUE)  # type: ignore[valid-type]


@router.post("/entries", response={201: EntryOut}, url_name="api_entries_create")
def log_entry(request: HttpRequest, payload: EntryIn) -> Status[Entry]:
    """A rep logs a number for a day, as on their daily log page (the day's number of that
    metric is set, not added to)."""
    member = member_of(request)
    if not permissions.can_log_activity(member):
        raise ApiError(403, "Only reps log their own numbers.")
    metric = Metric.objects.filter(workspace=member.workspace, pk=payload.metric_id).first()
    if metric is None:
        raise ApiError(409, "Not a metric of this workspace.", field="metric_id")
    actions.log_day(member, payload.day, {metric: payload.value}, by=member.user)
    entry = Entry.objects.get(member=member, metric=metric, day=payload.day, source=EntrySource.LOG)
    return Status(201, entry)
