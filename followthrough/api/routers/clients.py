"""Clients after the sale: the client contacts, each client check-in with its answer (score,
comment) and its quote for the praise binder, approved or declined as on the review page. For
those who keep the rep's pipeline (not stakeholders: a complaint goes privately to the rep and
the manager)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.api.conventions import Id, Input, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.clients import binder
from followthrough.clients.models import (
    CheckInState,
    ClientCheckIn,
    Contact,
    Credit,
    QuoteState,
)
from followthrough.pipeline.models import Opportunity

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


# Contacts -------------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    name: str
    email: str
    company: str
    time_zone: str
    country: str
    language: str
    unsubscribed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deals: list[int] = Field(description="The deals of this client whose clients the caller sees.")

    @staticmethod
    def resolve_deals(obj: Contact) -> list[int]:
        return sorted(deal.pk for deal in obj.seen_deals)  # type: ignore[attr-defined]


class ContactFilters(PageParams):
    q: str | None = Field(None, max_length=200, description="In the name, address or company.")
    opportunity: Id | None = None


def contact_rows(member: Membership) -> QuerySet[Contact]:
    """The contacts the member sees, each with the deals of theirs the member sees (one query
    for every contact of the page)."""
    deals = Opportunity.objects.filter(owner__in=permissions.visible_reps(member)).only("pk")
    return permissions.visible_contacts(member).prefetch_related(
        Prefetch("deals", queryset=deals, to_attr="seen_deals")
    )


@router.get("/contacts", response=Page[ContactOut], url_name="api_contacts")
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> dict[str, Any]:
    rows = contact_rows(member_of(request))
    if filters.q:
        rows = rows.filter(
            Q(name__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(company__icontains=filters.q)
        )
    if filters.opportunity is not None:
        rows = rows.filter(deals=filters.opportunity)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/contacts/{contact_id}", response=ContactOut, url_name="api_contact")
def get_contact(request: HttpRequest, contact_id: Id) -> Contact:
    member = member_of(request)
    contact = permissions.access_contact(member, contact_id)
    return contact_rows(member).get(pk=contact.pk)


# Binder quotes ----------------------------------------------------------------------------------


class QuoteFilters(PageParams):
    quote_state: QuoteState | None = None
    rep: Id | None = None


@router.get("/quotes", response=Page[ClientCheckInOut], url_name="api_quotes")
def list_quotes(request: HttpRequest, filters: Query[QuoteFilters]) -> dict[str, Any]:
    """Clients' answers that may go in the praise binder, waiting or decided, of the reps whose
    quotes the caller reviews (their own for a rep, their reps' for a coach)."""
    member = member_of(request)
    rows = ClientCheckIn.objects.filter(
        workspace=member.workspace, rep__in=permissions.reviewing_reps(member)
    ).exclude(quote_state=QuoteState.NONE)
    if filters.quote_state is not None:
        rows = rows.filter(quote_state=filters.quote_state)
    if filters.rep is not None:
        rows = rows.filter(rep_id=filters.rep)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


class ApproveIn(Input):
    text: str = Field(
        "",
        max_length=4000,
        description="Blank keeps the whole comment; else a cut of its words (… marks a cut).",
    )


@router.post(
    "/quotes/{checkin_id}/approve", response=ClientCheckInOut, url_name="api_quote_approve"
)
def approve_quote(request: HttpRequest, checkin_id: Id, payload: ApproveIn) -> ClientCheckIn:
    member = member_of(request)
    checkin = permissions.access_quote(member, checkin_id)
    return binder.approve_quote(checkin, member.user, payload.text)


@router.post(
    "/quotes/{checkin_id}/decline", response=ClientCheckInOut, url_name="api_quote_decline"
)
def decline_quote(request: HttpRequest, checkin_id: Id) -> ClientCheckIn:
    member = member_of(request)
    checkin = permissions.access_quote(member, checkin_id)
    return binder.decline_quote(checkin, member.user)
