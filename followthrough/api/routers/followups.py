"""Follow-ups (the outbox): list, read, cancel, reschedule, send now, retry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from followthrough import permissions
from followthrough.accounts.models import User
from followthrough.api.conventions import (
    ApiError,
    Id,
    Input,
    IsoDateTime,
    Page,
    member_of,
    paginate,
)
from followthrough.api.routers.coaching import PageParams
from followthrough.followups import actions
from followthrough.followups.models import FollowUp, State

router = Router(tags=["follow-ups"])


class FollowUpOut(Schema):
    id: int
    kind: str
    state: State
    to_email: str
    recipient_id: Id | None
    send_at: dt.datetime
    version: int
    attempts: int
    error_code: str
    about_type: str | None
    about_id: Id | None

    @staticmethod
    def resolve_about_type(obj: FollowUp) -> str | None:
        if obj.about_type_id is None:
            return None
        model = ContentType.objects.get_for_id(obj.about_type_id)  # cached by Django
        return f"{model.app_label}.{model.model}"


class FollowUpFilters(PageParams):
    state: State | None = None
    kind: str | None = None
    recipient: Id | None = None


@router.get("/followups", response=Page[FollowUpOut], url_name="api_followups")
def list_followups(request: HttpRequest, filters: Query[FollowUpFilters]) -> dict[str, Any]:
    rows = permissions.visible_followups(member_of(request))
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.recipient is not None:
        rows = rows.filter(recipient_id=filters.recipient)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/followups/{followup_id}", response=FollowUpOut, url_name="api_followup")
def get_followup(request: HttpRequest, followup_id: Id) -> FollowUp:
    return permissions.access_followup(member_of(request), followup_id)


def change(
    request: HttpRequest, followup_id: Id, verb: Callable[[FollowUp, User], actions.Outcome]
) -> FollowUp:
    """The outbox page's buttons: too late (sending, sent) or already cancelled is a 409."""
    member = member_of(request)
    followup = permissions.access_followup(member, followup_id, for_change=True)
    outcome = verb(followup, member.user)
    if outcome not in (actions.Outcome.CANCELLED, actions.Outcome.RESCHEDULED):
        raise ApiError(409, f"Nothing done: it is {followup.state}.")
    return followup


@router.post(
    "/followups/{followup_id}/cancel", response=FollowUpOut, url_name="api_followup_cancel"
)
def cancel_followup(request: HttpRequest, followup_id: Id) -> FollowUp:
    return change(request, followup_id, actions.cancel)


class RescheduleIn(Input):
    send_at: IsoDateTime


@router.post(
    "/followups/{followup_id}/reschedule",
    response=FollowUpOut,
    url_name="api_followup_reschedule",
)
def reschedule_followup(request: HttpRequest, followup_id: Id, payload: RescheduleIn) -> FollowUp:
    send_at = payload.send_at
    permissions.access_followup(member_of(request), followup_id, for_change=True)
    if send_at < timezone.now() - dt.timedelta(minutes=1):
        raise ApiError(
            409, "A time from now on; to send it at once, use send-now.", field="send_at"
        )
    return change(request, followup_id, lambda f, by: actions.reschedule(f, send_at, by))


@router.post(
    "/followups/{followup_id}/send-now", response=FollowUpOut, url_name="api_followup_send_now"
)
def send_followup_now(request: HttpRequest, followup_id: Id) -> FollowUp:
    return change(request, followup_id, actions.send_now)


@router.post("/followups/{followup_id}/retry", response=FollowUpOut, url_name="api_followup_retry")
def retry_followup(request: HttpRequest, followup_id: Id) -> FollowUp:
    return change(request, followup_id, actions.retry)
