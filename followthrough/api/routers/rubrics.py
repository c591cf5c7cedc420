"""Rubrics, role-plays and their scores (assessments), seen as on the pages: coaches read the
workspace's rubrics; a cohort's role-plays are for its facilitator, the admins, its managers and
the program's sponsors, each seeing the scores their seat allows (permissions.RolePlaySight: a
manager sees a calibration's spread without names, a peer's role-play only their own scores, a
sponsor totals only). Scoring goes through the rubrics action, as the token's owner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.api.conventions import ApiError, Id, Input, Page, member_of, paginate
from followthrough.api.routers.coaching import PageParams
from followthrough.programs.models import AssessorKind, RolePlay, Rubric
from followthrough.programs.rubrics import actions, queries

router = Router(tags=["rubrics"])


# Rubrics --------------------------------------------------------------------------------------


class LevelOut(Schema):
    id: int
    points: int
    definition: str


class CriterionOut(Schema):
    id: int
    sort_order: int
    description: str
    levels: list[LevelOut]

    @staticmethod
    def resolve_levels(obj: Any) -> list[Any]:
        return list(obj.levels.all())


class RubricOut(Schema):
    id: int
    name: str
    description: str
    max_points: int
    created_at: dt.datetime
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_max_points(obj: Rubric) -> int:
        return obj.max_points()

    @staticmethod
    def resolve_criteria(obj: Rubric) -> list[Any]:
        return list(obj.criteria.all())


@router.get("/rubrics", response=Page[RubricOut], url_name="api_rubrics")
def list_rubrics(request: HttpRequest, filters: Query[PageParams]) -> dict[str, Any]:
    """The workspace's rubrics with their criteria and levels (none for who may not read
    them: reps, stakeholders)."""
    member = member_of(request)
    rows = queries.rubrics(member.workspace)
    if not permissions.can_view_rubrics(member):
        rows = rows.none()
    items, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": items, "next": link}


@router.get("/rubrics/{rubric_id}", response=RubricOut, url_name="api_rubric")
def get_rubric(request: HttpRequest, rubric_id: Id) -> Rubric:
    return queries.rubric_grid(permissions.access_rubric(member_of(request), rubric_id))


# Role-plays -----------------------------------------------------------------------------------


class RolePlayOut(Schema):
    id: int
    cohort_id: int
    session_id: int | None
    rubric_id: int
    manager_id: int | None = Field(description="Who played it (a member); null: a calibration.")
    title: str
    scenario: str
    is_calibration: bool
    played_on: dt.date
    created_at: dt.datetime
    percents: dict[str, Decimal | None] = Field(
        description="The mean percent of each seat (facilitator, peer, self) the caller sees."
    )
    scores_as: AssessorKind | None = Field(description="The caller's seat, when they score it.")
    scored: bool = Field(description="Whether the caller has scored it.")


def role_play_out(line: queries.RolePlayLine) -> dict[str, Any]:
    role_play = line.role_play
    return {
        "id": role_play.pk,
        "cohort_id": role_play.cohort_id,
        "session_id": role_play.session_id,
        "rubric_id": role_play.rubric_id,
        "manager_id": role_play.manager.manager_id if role_play.manager else None,
        "title": role_play.title,
        "scenario": role_play.scenario,
        "is_calibration": role_play.is_calibration,
        "played_on": role_play.played_on,
        "created_at": role_play.created_at,
        "percents": line.percents,
        "scores_as": line.scores_as,
        "scored": line.scored,
    }


def lines_of(member: Membership, role_play_ids: list[int], cohort: Any) -> list[dict[str, Any]]:
    """The cohort's role-plays as its page lists them (queries.cohort_role_plays: what the
    member's seat sees), kept to these ids, in their order."""
    found = {
        line.role_play.pk: line
        for line in queries.cohort_role_plays(cohort, permissions.cohort_seat(member, cohort))
    }
    return [role_play_out(found[pk]) for pk in role_play_ids if pk in found]


@router.get(
    "/cohorts/{cohort_id}/role-plays", response=Page[RolePlayOut], url_name="api_role_plays"
)
def list_role_plays(
    request: HttpRequest, cohort_id: Id, filters: Query[PageParams]
) -> dict[str, Any]:
    member = member_of(request)
    cohort = permissions.access_cohort_role_plays(member, cohort_id)
    rows = RolePlay.objects.filter(cohort=cohort)
    page, link = paginate(request, rows, limit=filters.limit, cursor=filters.cursor)
    return {"items": lines_of(member, [r.pk for r in page], cohort), "next": link}


@router.get("/role-plays/{role_play_id}", response=RolePlayOut, url_name="api_role_play")
def get_role_play(request: HttpRequest, role_play_id: Id) -> dict[str, Any]:
    member = member_of(request)
    role_play, _sight = permissions.access_role_play(member, role_play_id)
    (found,) = lines_of(member, [role_play.pk], role_play.cohort)
    return found


# Scores ---------------------------------------------------------------------------------------


class ChosenLevelOut(Schema):
    criterion_id: int
    level_id: int | None
    points: int | None
    remark: str = Field(description="Empty when the caller may not read the remarks.")


class AssessmentOut(Schema):
    id: int
    kind: AssessorKind
    assessor_id: int | None = Field(description="Null when the caller may not see who scored.")
    is_you: bool
    submitted_at: dt.datetime
    total: int
    percent: Decimal
    note: str = Field(description="Empty when the caller may not read it.")
    levels: list[ChosenLevelOut] = Field(description="Empty when the caller sees totals only.")


class ScoresOut(Schema):
    role_play_id: int
    best: int = Field(description="The rubric's most points.")
    assessments: list[AssessmentOut]


def scores_of(member: Membership, role_play: RolePlay, sight: Any) -> dict[str, Any]:
    """The side-by-side page's columns, as the caller's seat sees them."""
    shown = queries.side_by_side(queries.role_play_with_scores(role_play), sight, member)
    assessments = []
    for index, column in enumerate(shown.columns):
        levels = []
        for line in shown.lines:
            cell = line.cells[index]
            levels.append(
                {
                    "criterion_id": line.criterion.pk,
                    "level_id": cell.level.pk if cell.level else None,
                    "points": cell.level.points if cell.level else None,
                    "remark": cell.remark,
                }
            )
        assessment = column.assessment
        assessments.append(
            {
                "id": assessment.pk,
                "kind": assessment.kind,
                "assessor_id": assessment.assessor_id if column.name is not None else None,
                "is_you": column.is_you,
                "submitted_at": assessment.submitted_at,
                "total": column.total,
                "percent": column.percent,
                "note": column.note,
                "levels": levels,
            }
        )
    return {"role_play_id": role_play.pk, "best": shown.best, "assessments": assessments}


@router.get(
    "/role-plays/{role_play_id}/assessments",
    response=ScoresOut,
    url_name="api_role_play_assessments",
)
def list_assessments(request: HttpRequest, role_play_id: Id) -> dict[str, Any]:
    """Every score the caller's seat lets them see (a few per role-play: not paged)."""
    member = member_of(request)
    role_play, sight = permissions.access_role_play(member, role_play_id)
    return scores_of(member, role_play, sight)


# A criterion's id as a JSON object's key: digits (the document says so, as propertyNames).
CriterionKey = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,17}$")]
ONLY_IDS: dict[str, Any] = {"additionalProperties": False}


class AssessmentIn(Input):
    levels: Annotated[dict[CriterionKey, Id], Field(max_length=100, json_schema_extra=ONLY_IDS)] = (
        Field(description="Criterion id -> the id of the level chosen, for every criterion.")
    )
    remarks: Annotated[
        dict[CriterionKey, Annotated[str, Field(max_length=2000)]],
        Field(max_length=100, json_schema_extra=ONLY_IDS),
    ] = {}
    note: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/role-plays/{role_play_id}/assessments",
    response={201: AssessmentOut},
    url_name="api_role_play_assess",
)
def submit_assessment(
    request: HttpRequest, role_play_id: Id, payload: AssessmentIn
) -> Status[dict[str, Any]]:
    """Score the role-play as the token's owner, in their seat (facilitator, peer, self);
    scoring again changes the same assessment."""
    member = member_of(request)
    role_play, sight = permissions.access_role_play(member, role_play_id, for_scoring=True)
    actions.submit_assessment(
        role_play,
        member,
        levels={int(key): level for key, level in payload.levels.items()},
        remarks={int(key): remark for key, remark in payload.remarks.items()},
        note=payload.note,
    )
    mine = [a for a in scores_of(member, role_play, sight)["assessments"] if a["is_you"]]
    if not mine:
        raise ApiError(500, "The assessment was saved but cannot be read back.")
    return Status(201, mine[0])
