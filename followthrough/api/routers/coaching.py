"""Plans, sessions, commitments and answers: what the coaching pages show and do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.api.conventions import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ApiError,
    Id,
    Input,
    IsoDate,
    IsoDateTime,
    Page,
    amount,
    member_of,
    paginate,
)
from followthrough.coaching import actions
from followthrough.coaching.models import (
    MAX_MEASURE,
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    Source,
)

router = Router(tags=["coaching"])

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]


class PageParams(Input):
    limit: Limit = DEFAULT_LIMIT
    cursor: str | None = None


# Plans and sessions ---------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    rep_id: Id
    coach_id: Id
    purpose: str
    starts_on: dt.date
    deadline: dt.date
    target_metric: str
    target_low: Decimal | None
    target_high: Decimal | None
    target_unit: str
    sessions_per_week: int
    closed_at: dt.datetime | None
    created_at: dt.datetime


class PlanFilters(PageParams):
    rep: Id | None = None
    open: bool | None = None


@router.get("/plans", response=Page[PlanOut], url_name="api_plans")
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    rows = permissions.visible_plans(member_of(request))
    if filters.rep is not None:
        rows = rows.filter(rep_id=filters.rep)
    if filters.open is not None:
        rows = rows.filter(closed_at__isnull=filters.open)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/plans/{plan_id}", response=PlanOut, url_name="api_plan")
def get_plan(request: HttpRequest, plan_id: Id) -> Plan:
    return permissions.access_plan(member_of(request), plan_id)


class SessionOut(Schema):
    id: int
    plan_id: Id
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    state: SessionState
    finished_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    created_at: dt.datetime


class SessionFilters(PageParams):
    plan: Id | None = None
    state: SessionState | None = None


@router.get("/sessions", response=Page[SessionOut], url_name="api_sessions")
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> dict[str, Any]:
    rows = Session.objects.filter(plan__in=permissions.visible_plans(member_of(request)))
    if filters.plan is not None:
        rows = rows.filter(plan_id=filters.plan)
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/sessions/{session_id}", response=SessionOut, url_name="api_session")
def get_session(request: HttpRequest, session_id: Id) -> Session:
    return permissions.access_session(member_of(request), session_id)


# Commitments ----------------------------------------------------------------------------------


class Measure(Input):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    target: amount(MAX_MEASURE)  # type: ignore[valid-type]


class CommitmentOut(Schema):
    id: int
    plan_id: Id
    session_id: Id
    owner_id: Id
    text: str
    due_on: dt.date
    measures: list[dict[str, Any]]
    followup_at: dt.datetime | None
    state: CommitmentState
    needs_talk: bool
    round: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CommitmentFilters(PageParams):
    state: CommitmentState | None = None
    owner: Id | None = None
    plan: Id | None = None
    session: Id | None = None
    due_after: IsoDate | None = None
    due_before: IsoDate | None = None


def commitment_rows(member: Membership, filters: CommitmentFilters) -> QuerySet[Commitment]:
    """The commitments of the plans the member may see, filtered as asked."""
    rows = Commitment.objects.filter(plan__in=permissions.visible_plans(member))
    for name, lookup in [
        ("state", "state"),
        ("owner", "owner_id"),
        ("plan", "plan_id"),
        ("session", "session_id"),
        ("due_after", "due_on__gte"),
        ("due_before", "due_on__lte"),
    ]:
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{lookup: value})
    return rows


@router.get("/commitments", response=Page[CommitmentOut], url_name="api_commitments")
def list_commitments(request: HttpRequest, filters: Query[CommitmentFilters]) -> dict[str, Any]:
    rows = commitment_rows(member_of(request), filters)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get(
    "/commitments/{commitment_id}",
    response=CommitmentOut,
    url_name="api_commitment",
    operation_id="get_commitment",
)
def get_commitment(request: HttpRequest, commitment_id: Id) -> Commitment:
    return permissions.access_commitment(member_of(request), commitment_id)


class CommitmentIn(Input):
    session_id: Id
    owner_id: Id
    text: Annotated[str, Field(min_length=1, max_length=300)]
    due_on: IsoDate
    measures: Annotated[list[Measure], Field(max_length=10)] = []
    followup_at: IsoDateTime | None = None


def measures_of(measures: list[Measure]) -> list[dict[str, object]]:
    return [{"name": m.name, "target": float(m.target)} for m in measures]


@router.post(
    "/commitments",
    response={201: CommitmentOut},
    url_name="api_commitments_create",
    operation_id="create_commitment",
    # OpenAPI links: what a client (and schemathesis' stateful run) does next with the new id.
    openapi_extra={
        "responses": {
            201: {
                "links": {
                    "GetCommitment": {
                        "operationId": "get_commitment",
                        "parameters": {"commitment_id": "$response.body#/id"},
                    },
                    "AnswerCommitment": {
                        "operationId": "answer_commitment",
                        "parameters": {"commitment_id": "$response.body#/id"},
                    },
                }
            }
        }
    },
)
def create_commitment(request: HttpRequest, payload: CommitmentIn) -> Status[Commitment]:
    """Agree a commitment in a session: whoever runs the plan (as on the session page)."""
    member = member_of(request)
    session = permissions.access_session(member, payload.session_id, for_change=True)
    owner = session.plan.step_owners().filter(pk=payload.owner_id).first()
    if owner is None:
        raise ApiError(409, "The rep or one of the rep's coaches.", field="owner_id")
    commitment = actions.add_commitment(
        session,
        owner=owner,
        text=payload.text,
        due_on=payload.due_on,
        measures=measures_of(payload.measures),
        followup_at=payload.followup_at,
        by=member.user,
    )
    return Status(201, permissions.access_commitment(member, commitment.pk))


class CommitmentChange(Input):
    """Only the fields given change."""

    text: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    due_on: IsoDate | None = None
    measures: Annotated[list[Measure], Field(max_length=10)] | None = None
    followup_at: IsoDateTime | None = None


@router.patch(
    "/commitments/{commitment_id}", response=CommitmentOut, url_name="api_commitment_change"
)
def change_commitment(
    request: HttpRequest, commitment_id: Id, payload: CommitmentChange
) -> Commitment:
    member = member_of(request)
    commitment = permissions.access_commitment(member, commitment_id, for_change=True)
    given = payload.model_fields_set
    actions.change_commitment(
        commitment,
        text=payload.text if payload.text is not None else commitment.text,
        due_on=payload.due_on if payload.due_on is not None else commitment.due_on,
        measures=measures_of(payload.measures)
        if payload.measures is not None
        else commitment.measures,
        followup_at=payload.followup_at if "followup_at" in given else commitment.followup_at,
        by=member.user,
    )
    return permissions.access_commitment(member, commitment_id)


class OutcomeIn(Input):
    state: CommitmentState
    note: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/commitments/{commitment_id}/outcome",
    response=CommitmentOut,
    url_name="api_commitment_outcome",
)
def record_outcome(request: HttpRequest, commitment_id: Id, payload: OutcomeIn) -> Commitment:
    """The coach writes down how it went (done, partly, missed), as on the commitment page."""
    member = member_of(request)
    commitment = permissions.access_commitment(member, commitment_id, for_change=True)
    actions.record_outcome(commitment, state=payload.state, note=payload.note, by=member.user)
    return permissions.access_commitment(member, commitment_id)


@router.post(
    "/commitments/{commitment_id}/drop", response=CommitmentOut, url_name="api_commitment_drop"
)
def drop_commitment(request: HttpRequest, commitment_id: Id) -> Commitment:
    member = member_of(request)
    commitment = permissions.access_commitment(member, commitment_id, for_change=True)
    actions.drop_commitment(commitment, by=member.user)
    return permissions.access_commitment(member, commitment_id)


# Answers --------------------------------------------------------------------------------------


class ResponseOut(Schema):
    id: int
    commitment_id: Id
    round: int
    answer: Answer
    numbers: dict[str, Any]
    comment: str | None = Field(
        description="The rep's words: null when the caller may not read them (not shared)."
    )
    words_shared: bool
    new_due_on: dt.date | None
    source: Source
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_comment(obj: Response, context: dict[str, Any]) -> str | None:
        member = member_of(context["request"])
        # The rows come from visible_plans: whoever sees them and is not a stakeholder reads
        # the rep's words (can_read_words); a stakeholder only the shared ones.
        if member.role == Role.STAKEHOLDER and not obj.words_shared:
            return None
        return obj.comment


class ResponseFilters(PageParams):
    commitment: Id | None = None
    answer: Answer | None = None
    since: IsoDateTime | None = None


@router.get("/responses", response=Page[ResponseOut], url_name="api_responses")
def list_responses(request: HttpRequest, filters: Query[ResponseFilters]) -> dict[str, Any]:
    member = member_of(request)
    rows = Response.objects.filter(commitment__plan__in=permissions.visible_plans(member))
    if filters.commitment is not None:
        rows = rows.filter(commitment_id=filters.commitment)
    if filters.answer is not None:
        rows = rows.filter(answer=filters.answer)
    if filters.since is not None:
        rows = rows.filter(updated_at__gte=filters.since)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/responses/{response_id}", response=ResponseOut, url_name="api_response")
def get_response(request: HttpRequest, response_id: Id) -> Response:
    return permissions.access_response(member_of(request), response_id)


class AnswerIn(Input):
    answer: Answer
    numbers: dict[str, amount(MAX_MEASURE)] = {}  # type: ignore[valid-type]
    comment: Annotated[str, Field(max_length=4000)] = ""
    new_due_on: IsoDate | None = None
    share: bool | None = None


@router.post(
    "/commitments/{commitment_id}/responses",
    response={201: ResponseOut},
    url_name="api_commitment_answer",
    operation_id="answer_commitment",
)
def answer_commitment(
    request: HttpRequest, commitment_id: Id, payload: AnswerIn
) -> Status[Response]:
    """The owner answers (reports progress on) their own commitment, as on its page."""
    member = member_of(request)
    commitment = permissions.access_commitment(member, commitment_id)
    if not permissions.can_report_on(member, commitment):
        raise ApiError(403, "Only the person who owns this commitment answers it.")
    unknown = set(payload.numbers) - set(commitment.measure_names())
    if unknown:
        raise ApiError(409, f"Not measures of this commitment: {sorted(unknown)}", field="numbers")
    if payload.answer == Answer.NOT_YET and payload.new_due_on is None:
        raise ApiError(409, "Give the new date for “not yet”.", field="new_due_on")
    response = actions.record_response(
        commitment,
        answer=payload.answer,
        numbers=payload.numbers,
        comment=payload.comment,
        new_due_on=payload.new_due_on,
        source=Source.REP,
        by=member.user,
        share=payload.share,
    )
    return Status(201, permissions.access_response(member, response.pk))
