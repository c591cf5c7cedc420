"""Clients after the sale: each client check-in with its answer (score, comment) and its quote
for the praise binder. Read only here; for those who keep the rep's pipeline (not stakeholders:
a complaint goes privately to the rep and the manager)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from followthrough import permissions
from followthrough.api.conventions import Id, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.clients.models import CheckInState, ClientCheckIn, Credit, QuoteState

router = Router(tags=["clients"])


class ClientCheckInOut(Schema):
    id: int
    opportunity_id: int
    contact_id: int
    rep_id: int
    state: CheckInState
    send_at: dt.datetime | None
    score: int | None
    comment: str
    answered_at: dt.datetime | None
    credit: Credit | None
    quote_state: QuoteState
    quote_text: str

    @staticmethod
    def resolve_credit(obj: ClientCheckIn) -> str | None:
        return obj.credit or None


class ClientCheckInFilters(PageParams):
    state: CheckInState | None = None
    quote_state: QuoteState | None = None
    opportunity: Id | None = None
    rep: Id | None = None


@router.get("/client-checkins", response=Page[ClientCheckInOut], url_name="api_client_checkins")
def list_client_checkins(
    request: HttpRequest, filters: Query[ClientCheckInFilters]
) -> dict[str, Any]:
    rows = permissions.visible_client_checkins(member_of(request))
    for name, lookup in [
        ("state", "state"),
        ("quote_state", "quote_state"),
        ("opportunity", "opportunity_id"),
        ("rep", "rep_id"),
    ]:
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{lookup: value})
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get(
    "/client-checkins/{checkin_id}", response=ClientCheckInOut, url_name="api_client_checkin"
)
def get_client_checkin(request: HttpRequest, checkin_id: Id) -> ClientCheckIn:
    return permissions.access_client_checkin(member_of(request), checkin_id)
