"""Opportunities and their stage history. The list's filters are the pages' own
(pipeline/filters.py), so `owner` and `stage` mean the same on the board and here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, QueryDict
from ninja import Query, Router, Schema

from followthrough import permissions
from followthrough.api.conventions import Id, Input, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.pipeline import actions
from followthrough.pipeline.filters import Filters
from followthrough.pipeline.models import Opportunity, Stage, StageChange

router = Router(tags=["pipeline"])


class OpportunityOut(Schema):
    id: int
    owner_id: int
    account: str
    contact_name: str
    contact_email: str
    value: Decimal
    currency: str
    stage: Stage
    expected_close_on: dt.date | None
    next_step: str
    closed_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class OpportunityFilters(PageParams):
    owner: Id | None = None
    stage: Stage | None = None


@router.get("/opportunities", response=Page[OpportunityOut], url_name="api_opportunities")
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> dict[str, Any]:
    member = member_of(request)
    query = QueryDict(mutable=True)
    for name in ("owner", "stage"):
        if getattr(filters, name) is not None:
            query[name] = str(getattr(filters, name))
    shared = Filters.read(query, member)
    if filters.owner is not None and shared.owner is None:
        # The pages show everything for an owner they do not see; a script asked for one.
        rows = actions.visible_opportunities(member).none()
    else:
        rows = shared.apply(actions.visible_opportunities(member))
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/opportunities/{opportunity_id}", response=OpportunityOut, url_name="api_opportunity")
def get_opportunity(request: HttpRequest, opportunity_id: Id) -> Opportunity:
    return permissions.access_opportunity(member_of(request), opportunity_id)


class StageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: Stage
    changed_at: dt.datetime
    changed_by_id: int | None


@router.get(
    "/opportunities/{opportunity_id}/stages",
    response=list[StageChangeOut],
    url_name="api_opportunity_stages",
)
def stage_history(request: HttpRequest, opportunity_id: Id) -> list[StageChange]:
    """Every move, oldest first (a history is short: not paged)."""
    opportunity = permissions.access_opportunity(member_of(request), opportunity_id)
    return list(opportunity.stage_changes.order_by("changed_at", "id"))


class MoveIn(Input):
    stage: Stage


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response=OpportunityOut,
    url_name="api_opportunity_move",
)
def move(request: HttpRequest, opportunity_id: Id, payload: MoveIn) -> Opportunity:
    """Move it to a stage, as on the board (won counts a deal); the same stage changes nothing."""
    member = member_of(request)
    opportunity = permissions.access_opportunity(member, opportunity_id, for_change=True)
    actions.move_opportunity(opportunity, payload.stage, by=member.user)
    return permissions.access_opportunity(member, opportunity_id)
