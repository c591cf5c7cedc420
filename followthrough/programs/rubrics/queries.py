"""What the rubric and role-play pages show: each builds its page from a fixed number of
queries (prefetching), then keeps only what the viewer's sight allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from followthrough import permissions
from followthrough.accounts.models import Membership, Workspace
from followthrough.permissions import CohortSeat, RolePlaySight
from followthrough.programs import scoring
from followthrough.programs.models import (
    Assessment,
    AssessorKind,
    Cohort,
    Criterion,
    Level,
    RolePlay,
    Rubric,
)

GRID = Prefetch("criteria", Criterion.objects.prefetch_related("levels"))
ASSESSMENTS = Prefetch(
    "assessments",
    Assessment.objects.select_related("assessor__user").prefetch_related("fillings__level"),
)


def rubrics(workspace: Workspace) -> QuerySet[Rubric]:
    return (
        Rubric.objects.filter(workspace=workspace)
        .select_related("workspace")
        .annotate(uses=Count("role_plays", distinct=True))
        .prefetch_related(GRID)
    )


def rubric_grid(rubric: Rubric) -> Rubric:
    return Rubric.objects.prefetch_related(GRID).get(pk=rubric.pk)


def role_play_with_scores(role_play: RolePlay) -> RolePlay:
    """The role-play with its rubric's grid and every assessment's fillings (5 queries)."""
    return (
        RolePlay.objects.select_related(
            "cohort__program", "cohort__facilitator__user", "manager__manager__user", "rubric"
        )
        .prefetch_related(
            Prefetch("rubric__criteria", Criterion.objects.prefetch_related("levels")), ASSESSMENTS
        )
        .get(pk=role_play.pk)
    )


def _visible(role_play: RolePlay, sight: RolePlaySight, viewer: Membership) -> list[Assessment]:
    found = list(role_play.assessments.all())
    if sight.only_own:
        found = [a for a in found if a.assessor_id == viewer.pk]
    return found


def _levels(assessment: Assessment) -> dict[int, Level]:
    return {filling.criterion_id: filling.level for filling in assessment.fillings.all()}


def initial_scores(assessment: Assessment | None) -> dict[str, object] | None:
    """The scoring form as the assessor left it, to change it."""
    if assessment is None:
        return None
    initial: dict[str, object] = {"note": assessment.note}
    for filling in assessment.fillings.all():
        initial[f"level_{filling.criterion_id}"] = filling.level_id
        initial[f"remark_{filling.criterion_id}"] = filling.remark
    return initial


# The side-by-side page --------------------------------------------------------------------------


@dataclass
class Column:
    assessment: Assessment
    name: str | None  # None: not named for this viewer
    is_you: bool
    total: int
    percent: Decimal
    note: str


@dataclass
class Cell:
    level: Level | None
    remark: str


@dataclass
class Line:
    criterion: Criterion
    cells: list[Cell]
    disagree: bool


@dataclass
class SideBySide:
    columns: list[Column]
    lines: list[Line]
    best: int

    @property
    def disagreements(self) -> int:
        return sum(line.disagree for line in self.lines)


def _column(assessment: Assessment, sight: RolePlaySight, viewer: Membership) -> Column:
    mine = assessment.assessor_id == viewer.pk
    return Column(
        assessment=assessment,
        name=assessment.assessor.user.name if sight.names or mine else None,
        is_you=mine,
        total=assessment.total_points(),
        percent=assessment.percent(),
        note=assessment.note if sight.remarks or mine else "",
    )


def side_by_side(role_play: RolePlay, sight: RolePlaySight, viewer: Membership) -> SideBySide:
    """Facilitator, peers, self as columns (Assessment's order), a line per criterion with each
    column's level and remark, marked where two levels are DISAGREEMENT_STEPS apart."""
    assessments = _visible(role_play, sight, viewer)
    columns = [_column(a, sight, viewer) for a in assessments]
    lines: list[Line] = []
    if sight.criteria:
        chosen = [(a, _levels(a)) for a in assessments]
        fillings = {
            (f.assessment_id, f.criterion_id): f for a in assessments for f in a.fillings.all()
        }
        for criterion in role_play.rubric.criteria.all():
            steps = scoring.steps_of(criterion)
            cells = []
            for assessment, levels in chosen:
                filling = fillings.get((assessment.pk, criterion.pk))
                shows_remark = sight.remarks or assessment.assessor_id == viewer.pk
                remark = filling.remark if filling and shows_remark else ""
                cells.append(Cell(level=levels.get(criterion.pk), remark=remark))
            picked = [steps[c.level.pk] for c in cells if c.level is not None]
            lines.append(Line(criterion, cells, scoring.disagree(picked)))
    return SideBySide(columns=columns, lines=lines, best=role_play.rubric.max_points())


# The calibration page ---------------------------------------------------------------------------


@dataclass
class CriterionSpread:
    criterion: Criterion
    spread: scoring.Spread
    reference: Level | None  # the facilitator's level
    yours: Level | None


@dataclass
class AssessorRow:
    name: str | None  # None: not named for this viewer
    kind: str
    is_you: bool
    total: int
    percent: Decimal
    distance: int | None  # steps from the facilitator's levels; None without a reference
    is_reference: bool


@dataclass
class Calibration:
    criteria: list[CriterionSpread]
    assessors: list[AssessorRow]
    best: int
    has_reference: bool = field(default=False)


def calibration(role_play: RolePlay, sight: RolePlaySight, viewer: Membership) -> Calibration:
    """Everyone's levels per criterion (least, most, median, how many chose each level), the
    facilitator's as reference, and each assessor's distance from it. Without names for a
    manager (their own row marked): the rows go by distance, then total, never by who."""
    assessments = list(role_play.assessments.all())
    reference = next((a for a in assessments if a.kind == AssessorKind.FACILITATOR), None)
    criteria = list(role_play.rubric.criteria.all())
    steps: dict[int, int] = {}
    for criterion in criteria:
        steps.update(scoring.steps_of(criterion))
    chosen = {a.pk: _levels(a) for a in assessments}
    ids = {a.pk: {c: level.pk for c, level in chosen[a.pk].items()} for a in assessments}
    mine = next((a for a in assessments if a.assessor_id == viewer.pk), None)
    spreads = (
        [
            CriterionSpread(
                criterion=criterion,
                spread=scoring.spread(
                    criterion,
                    [
                        chosen[a.pk][criterion.pk]
                        for a in assessments
                        if criterion.pk in chosen[a.pk]
                    ],
                ),
                reference=chosen[reference.pk].get(criterion.pk) if reference else None,
                yours=chosen[mine.pk].get(criterion.pk) if mine else None,
            )
            for criterion in criteria
        ]
        if sight.criteria
        else []
    )
    rows = [
        AssessorRow(
            name=a.assessor.user.name if sight.names or a.assessor_id == viewer.pk else None,
            kind=a.get_kind_display(),
            is_you=a.assessor_id == viewer.pk,
            total=a.total_points(),
            percent=a.percent(),
            distance=scoring.distance(steps, ids[a.pk], ids[reference.pk]) if reference else None,
            is_reference=a is reference,
        )
        for a in assessments
    ]
    if not sight.names:
        rows.sort(key=lambda r: (not r.is_reference, r.distance or 0, -r.total))
    return Calibration(spreads, rows, role_play.rubric.max_points(), reference is not None)


# A cohort's role-plays --------------------------------------------------------------------------


@dataclass
class RolePlayLine:
    role_play: RolePlay
    percents: dict[str, Decimal | None]  # AssessorKind value -> the mean percent seen
    scores_as: str | None  # the viewer's seat when they may score it
    scored: bool  # the viewer has scored it


def cohort_role_plays(cohort: Cohort, seat: CohortSeat) -> list[RolePlayLine]:
    """The cohort's role-plays the viewer may open, newest first, each with the mean percent
    per seat they may see (a fixed number of queries, whatever the number)."""
    role_plays = (
        RolePlay.objects.filter(cohort=cohort)
        .select_related(
            "workspace", "manager__manager__user", "session", "rubric__workspace", "cohort"
        )
        .prefetch_related(
            Prefetch("rubric__criteria", Criterion.objects.prefetch_related("levels")), ASSESSMENTS
        )
    )
    lines = []
    for role_play in role_plays:
        sight = permissions.seat_sight(seat, role_play)
        if sight is None:
            continue
        shown = _visible(role_play, sight, seat.member)
        percents = {
            kind: scoring.average([a.percent() for a in shown if a.kind == kind])
            for kind in AssessorKind.values
        }
        lines.append(
            RolePlayLine(
                role_play=role_play,
                percents=percents,
                scores_as=permissions.seat_kind(seat, role_play),
                scored=any(a.assessor_id == seat.member.pk for a in role_play.assessments.all()),
            )
        )
    return lines
