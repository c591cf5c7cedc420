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
    check_form,
    member_of,
    paginate,
)
from followthrough.coaching import actions
from followthrough.coaching.forms import FinishForm, PlanForm, SessionForm
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


# Opening plans, scheduling and finishing sessions: the pages' forms check the app's rules, the
# actions write the rows and their Events.

Text = Annotated[str, Field(max_length=4000)]


class PlanIn(Input):
    rep_id: Id
    coach_id: Id | None = Field(
        None, description="Only admins name another coach; else the caller."
    )
    purpose: Annotated[str, Field(min_length=1, max_length=200)]
    starts_on: IsoDate
    deadline: IsoDate
    target_metric: Annotated[str, Field(max_length=80)] = ""
    target_low: amount(Decimal("1e11")) | None = None  # type: ignore[valid-type]
    target_high: amount(Decimal("1e11")) | None = None  # type: ignore[valid-type]
    target_unit: Annotated[str, Field(max_length=16)] = ""
    why: Text = ""
    long_term_goal: Text = ""
    sessions_per_week: Annotated[int, Field(ge=1, le=14)] = 1
    stakeholder_ids: Annotated[list[Id], Field(max_length=50)] = []


PLAN_FIELDS = {"rep": "rep_id", "coach": "coach_id", "stakeholders": "stakeholder_ids"}


@router.post("/plans", response={201: PlanOut}, url_name="api_plans_create")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[Plan]:
    """Open a plan, as on the new plan page: admins and coaches (a coach for the people they
    coach). The target names one of the workspace's metrics."""
    member = member_of(request)
    if not permissions.can_start_plans(member):
        raise ApiError(403, "Only coaches and admins open plans.")
    fields = payload.model_dump()
    data = {
        **{name: fields.pop(api_name) for name, api_name in PLAN_FIELDS.items()},
        **fields,
    }
    data["coach"] = data["coach"] or member.pk
    form = PlanForm(data, member=member)
    cleaned = check_form(form, PLAN_FIELDS)
    cleaned.pop("new_metric", None)
    plan = actions.create_plan(
        coach=cleaned.pop("coach"),
        rep=cleaned.pop("rep"),
        stakeholders=cleaned.pop("stakeholders"),
        new_metric=None,
        **cleaned,
    )
    return Status(201, permissions.access_plan(member, plan.pk))


class SessionIn(Input):
    starts_at: IsoDateTime = Field(description="A time past records a session that took place.")
    duration_minutes: Annotated[int, Field(ge=5, le=480)] = 45
    location: Annotated[str, Field(max_length=200)] = ""
    invite: bool = Field(True, description="A calendar invitation to the rep and the coach.")


@router.post(
    "/plans/{plan_id}/sessions", response={201: SessionOut}, url_name="api_plan_session_create"
)
def schedule_session(request: HttpRequest, plan_id: Id, payload: SessionIn) -> Status[Session]:
    """Schedule a session of the plan (whoever runs it), as on the plan page."""
    member = member_of(request)
    plan = permissions.access_plan(member, plan_id, for_change=True)
    data = check_form(SessionForm(payload.model_dump()))
    session = actions.schedule_session(
        plan,
        data["starts_at"],
        by=member.user,
        duration_minutes=data["duration_minutes"],
        location=data["location"],
        invite=data["invite"],
    )
    return Status(201, permissions.access_session(member, session.pk))


class FinishIn(Input):
    next_starts_at: IsoDateTime | None = Field(None, description="Schedules the next session.")
    held_now: bool = Field(False, description="For a session not yet started: it took place now.")
    nothing_agreed: bool = Field(False, description="Finish although no commitment was agreed.")


class FinishOut(Schema):
    session: SessionOut
    next_session: SessionOut | None


@router.post("/sessions/{session_id}/finish", response=FinishOut, url_name="api_session_finish")
def finish_session(request: HttpRequest, session_id: Id, payload: FinishIn) -> dict[str, Any]:
    """Finish a session with the commitments agreed in it (POST /commitments): the recap, each
    commitment's check-in and the next session are scheduled, as on the session page."""
    member = member_of(request)
    session = permissions.access_session(member, session_id, for_change=True)
    data = check_form(FinishForm(payload.model_dump(), session=session))
    next_session = actions.finish_session(
        session,
        by=member.user,
        next_starts_at=data["next_starts_at"],
        held_now=data.get("held_now", False),
        nothing_agreed=payload.nothing_agreed,
    )
    session.refresh_from_db()
    return {"session": session, "next_session": next_session}


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
