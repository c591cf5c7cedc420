"""Manager-as-coach programs: programs, cohorts with their enrollments, program sessions (move
and cancel, as on the session page) and a cohort's adoption figures. Seen as on the pages
(permissions.py): admins, the facilitator, the managers enrolled and the program's sponsors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from followthrough import permissions
from followthrough.api.conventions import Id, Input, IsoDateTime, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.programs import actions, adoption
from followthrough.programs.models import (
    Cohort,
    Enrollment,
    Program,
    ProgramSession,
    ProgramSessionKind,
    ProgramSessionState,
)

router = Router(tags=["programs"])


# Programs -------------------------------------------------------------------------------------


class ProgramOut(Schema):
    id: int
    name: str
    goal: str
    phone_sessions: int
    weeks_between: int
    topics: list[str]
    sponsors: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_sponsors(obj: Program) -> list[int]:
        return sorted(sponsor.pk for sponsor in obj.sponsors.all())


@router.get("/programs", response=Page[ProgramOut], url_name="api_programs")
def list_programs(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    rows = permissions.visible_programs(member_of(request)).prefetch_related("sponsors")
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/programs/{program_id}", response=ProgramOut, url_name="api_program")
def get_program(request: HttpRequest, program_id: Id) -> Program:
    return permissions.access_program(member_of(request), program_id)


# Cohorts --------------------------------------------------------------------------------------


class EnrollmentOut(Schema):
    id: int
    manager_id: int
    enrolled_at: dt.datetime
    left_at: dt.datetime | None


class CohortOut(Schema):
    id: int
    program_id: int
    name: str
    facilitator_id: int
    starts_on: dt.date
    closed_at: dt.datetime | None
    created_at: dt.datetime
    enrollments: list[EnrollmentOut]

    @staticmethod
    def resolve_enrollments(obj: Cohort) -> list[Enrollment]:
        return list(obj.enrollments.all())


class CohortFilters(PageParams):
    program: Id | None = None


def with_enrollments(rows: Any) -> Any:
    return rows.prefetch_related(Prefetch("enrollments", Enrollment.objects.order_by("pk")))


@router.get("/cohorts", response=Page[CohortOut], url_name="api_cohorts")
def list_cohorts(request: HttpRequest, filters: Query[CohortFilters]) -> dict[str, Any]:
    rows = with_enrollments(permissions.cohorts_of(member_of(request)))
    if filters.program is not None:
        rows = rows.filter(program_id=filters.program)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/cohorts/{cohort_id}", response=CohortOut, url_name="api_cohort")
def get_cohort(request: HttpRequest, cohort_id: Id) -> Cohort:
    cohort = permissions.access_cohort(member_of(request), cohort_id)
    return with_enrollments(Cohort.objects.filter(pk=cohort.pk)).get()


# Program sessions -----------------------------------------------------------------------------


class ProgramSessionOut(Schema):
    id: int
    cohort_id: int
    number: int
    kind: ProgramSessionKind
    topic: str
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    state: ProgramSessionState
    debrief: str
    held_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class ProgramSessionFilters(PageParams):
    cohort: Id | None = None
    state: ProgramSessionState | None = None


@router.get("/program-sessions", response=Page[ProgramSessionOut], url_name="api_program_sessions")
def list_program_sessions(
    request: HttpRequest, filters: Query[ProgramSessionFilters]
) -> dict[str, Any]:
    rows = ProgramSession.objects.filter(cohort__in=permissions.cohorts_of(member_of(request)))
    if filters.cohort is not None:
        rows = rows.filter(cohort_id=filters.cohort)
    if filters.state is not None:
        rows = rows.filter(state=filters.state)
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get(
    "/program-sessions/{session_id}", response=ProgramSessionOut, url_name="api_program_session"
)
def get_program_session(request: HttpRequest, session_id: Id) -> ProgramSession:
    return permissions.access_program_session(member_of(request), session_id)


class ProgramSessionMoveIn(Input):
    starts_at: IsoDateTime
    duration_minutes: Annotated[int, Field(ge=5, le=600)] | None = None
    location: Annotated[str, Field(max_length=200)] | None = None


@router.post(
    "/program-sessions/{session_id}/move",
    response=ProgramSessionOut,
    url_name="api_program_session_move",
)
def move_program_session(
    request: HttpRequest, session_id: Id, payload: ProgramSessionMoveIn
) -> ProgramSession:
    """A new time: the cohort's calendars get an update (admins and the facilitator)."""
    member = member_of(request)
    session = permissions.access_program_session(member, session_id, for_change=True)
    return actions.move_session(
        session,
        payload.starts_at,
        by=member.user,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
    )


@router.post(
    "/program-sessions/{session_id}/cancel",
    response=ProgramSessionOut,
    url_name="api_program_session_cancel",
)
def cancel_program_session(request: HttpRequest, session_id: Id) -> ProgramSession:
    member = member_of(request)
    session = permissions.access_program_session(member, session_id, for_change=True)
    return actions.cancel_session(session, by=member.user)


# Adoption -------------------------------------------------------------------------------------


class ManagerFiguresOut(Schema):
    enrollment_id: int
    manager_id: int
    frozen_at: dt.datetime | None
    sessions_per_week: Decimal | None
    sessions_per_week_before: Decimal | None
    cadence: int
    commitments_per_session: Decimal | None
    answer_rate: int | None
    follow_through: int | None
    median_days_between: Decimal | None
    rubric_first: Decimal | None
    rubric_latest: Decimal | None
    pace_before: Decimal | None
    pace_after: Decimal | None


class SpreadOut(Schema):
    figure: str
    median: Decimal | None
    low: Decimal | None
    high: Decimal | None
    count: int


class AdoptionOut(Schema):
    cohort_id: int
    whole: bool = Field(description="False for an enrolled manager: only their own line.")
    managers: list[ManagerFiguresOut]
    spread: list[SpreadOut] = Field(description="The cohort's spread, anonymised.")


def figures_out(row: adoption.ManagerFigures) -> dict[str, Any]:
    return {
        "enrollment_id": row.enrollment.pk,
        "manager_id": row.enrollment.manager_id,
        "frozen_at": row.frozen_at,
        "sessions_per_week": row.per_week,
        "sessions_per_week_before": row.per_week_before,
        "cadence": row.cadence,
        "commitments_per_session": row.per_session,
        "answer_rate": row.answer_rate,
        "follow_through": row.follow_through,
        "median_days_between": row.median_gap,
        "rubric_first": row.rubric_first,
        "rubric_latest": row.rubric_latest,
        "pace_before": row.pace_before,
        "pace_after": row.pace_after,
    }


@router.get("/cohorts/{cohort_id}/adoption", response=AdoptionOut, url_name="api_cohort_adoption")
def cohort_adoption(request: HttpRequest, cohort_id: Id) -> dict[str, Any]:
    """As the adoption page: every manager for the facilitator, sponsors and admins; an
    enrolled manager their own line and the anonymised spread."""
    cohort, own = permissions.access_cohort_adoption(member_of(request), cohort_id)
    shown, spreads = adoption.figures(cohort, own)
    return {
        "cohort_id": cohort.pk,
        "whole": own is None,
        "managers": [figures_out(row) for row in shown],
        "spread": [
            {
                "figure": found.formula.key,
                "median": found.median,
                "low": found.low,
                "high": found.high,
                "count": found.count,
            }
            for found in spreads
        ],
    }
