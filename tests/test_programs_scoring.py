"""Rubric arithmetic against figures computed by hand: totals, best totals, percents and their
rounding, means, medians, the spread of a calibration, distances and disagreement marks.

The fixture (tests.rubrics_helpers): a rubric of two criteria with levels 0-3 (best 6).
Marta's role-play: the facilitator chose steps [2, 1] (3 points, 3/6 = 50.0 %), the peer
[3, 2] (5, 83.3 %), Marta herself [0, 1] (1, 16.7 %). Criterion 1 has levels 2, 3 and 0: three
steps apart, marked; criterion 2 has 1, 2 and 1: one step, not marked. Mean of the three:
(50.0 + 83.3 + 16.7) / 3 = 50.0.
The calibration: facilitator [2, 2] (4, 66.7 %), Marta [3, 1] (4, 66.7 %), Pedro [0, 3]
(3, 50.0 %); mean (66.7 + 66.7 + 50.0) / 3 = 61.13 -> 61.1. Criterion 1: points 2, 3, 0 (least
0, most 3, median 2); criterion 2: 2, 1, 3 (least 1, most 3, median 2). Distances from the
facilitator: Marta |3-2| + |1-2| = 2, Pedro |0-2| + |3-2| = 3.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followthrough.permissions import FULL_SIGHT, SPREAD_SIGHT, TOTALS_SIGHT
from followthrough.programs import scoring
from followthrough.programs.models import Criterion, Level, Rubric
from followthrough.programs.rubrics import actions, queries
from tests.conftest import World
from tests.rubrics_helpers import cohort_of, levels_of


@pytest.mark.parametrize(
    ("total", "best", "percent"),
    [
        (3, 6, "50.0"),
        (5, 6, "83.3"),
        (1, 6, "16.7"),
        (1, 16, "6.3"),  # 6.25: halves go up (banker's rounding would give 6.2)
        (1, 8, "12.5"),
        (18, 18, "100.0"),
        (0, 18, "0.0"),
        (3, 0, "0"),  # a rubric with no levels: no share, not an error
    ],
)
def test_percent_of(total: int, best: int, percent: str) -> None:
    assert scoring.percent_of(total, best) == Decimal(percent)


def test_average_and_median() -> None:
    assert scoring.average([Decimal("50.0"), Decimal("83.3"), Decimal("16.7")]) == Decimal("50.0")
    assert scoring.average([Decimal("66.7"), Decimal("66.7"), Decimal("50.0")]) == Decimal("61.1")
    assert scoring.average([Decimal("0.05"), Decimal("0.1")]) == Decimal("0.1")  # 0.075 -> 0.1
    assert scoring.average([]) is None
    assert scoring.median([2, 3, 0]) == Decimal("2.0")
    assert scoring.median([1, 2]) == Decimal("1.5")
    assert scoring.median([]) is None


def test_disagreement_counts_steps_not_points(world: World) -> None:
    assert scoring.DISAGREEMENT_STEPS == 2
    assert not scoring.disagree([0, 1])
    assert scoring.disagree([0, 2])
    assert scoring.disagree([3, 1, 2])
    assert not scoring.disagree([2])
    # Points 0, 5, 10, 20: 0 and 5 are one step apart, 5 and 20 two.
    rubric = actions.save_rubric(
        world.workspace,
        world.members["admin"],
        name="Saltos",
        description="",
        grid=[("Uno", [(0, "a"), (5, "b"), (10, "c"), (20, "d")])],
    )
    criterion = rubric.criteria.get()
    steps = scoring.steps_of(criterion)
    by_points = {level.points: steps[level.pk] for level in criterion.levels.all()}
    assert by_points == {0: 0, 5: 1, 10: 2, 20: 3}
    assert rubric.max_points() == 20


def test_side_by_side_of_the_fixture(world: World) -> None:
    bits = cohort_of(world)
    role_play = queries.role_play_with_scores(bits.role_play)
    grid = queries.side_by_side(role_play, FULL_SIGHT, world.members["facilitator"])
    assert [c.assessment.kind for c in grid.columns] == ["facilitator", "peer", "self"]
    assert [c.name for c in grid.columns] == ["Fátima Ortega", "Pedro Sanz", "Marta Gil"]
    assert [c.total for c in grid.columns] == [3, 5, 1]
    assert [c.percent for c in grid.columns] == [Decimal("50.0"), Decimal("83.3"), Decimal("16.7")]
    assert grid.best == 6
    assert [[c.level.points if c.level else None for c in line.cells] for line in grid.lines] == [
        [2, 3, 0],
        [1, 2, 1],
    ]
    assert [line.disagree for line in grid.lines] == [True, False]
    assert grid.disagreements == 1


def test_percent_by_role_play(world: World, django_assert_num_queries: object) -> None:
    bits = cohort_of(world)
    ids = [bits.role_play.pk, bits.calibration.pk]
    with django_assert_num_queries(3):  # type: ignore[operator]
        found = scoring.percent_by_role_play(ids)
    assert found == {bits.role_play.pk: Decimal("50.0"), bits.calibration.pk: Decimal("61.1")}
    assert scoring.percent_by_role_play([bits.role_play], kinds=["facilitator"]) == {
        bits.role_play.pk: Decimal("50.0")
    }
    assert scoring.percent_by_role_play([bits.role_play], kinds=["self"]) == {
        bits.role_play.pk: Decimal("16.7")
    }
    assert scoring.percent_by_role_play([]) == {}
    # A role-play nobody scored is left out.
    unscored = actions.create_role_play(
        bits.cohort,
        world.members["facilitator"],
        title="Sin puntajes",
        scenario="-",
        rubric=bits.rubric,
        played_on=bits.role_play.played_on,
        manager=bits.enrollment("peer", world),
    )
    assert unscored.pk not in scoring.percent_by_role_play([unscored, bits.role_play])


def test_percent_by_role_play_agrees_with_assessment_percent(world: World) -> None:
    bits = cohort_of(world)
    for role_play in (bits.role_play, bits.calibration):
        percents = [a.percent() for a in role_play.assessments.all()]
        mean = scoring.average(percents)
        assert scoring.percent_by_role_play([role_play]) == {role_play.pk: mean}


def test_percent_by_role_play_queries_stay_flat(world: World) -> None:
    bits = cohort_of(world)
    with CaptureQueriesContext(connection) as few:
        scoring.percent_by_role_play([bits.role_play])
    more = [bits.role_play, bits.calibration]
    for n in range(5):
        role_play = actions.create_role_play(
            bits.cohort,
            world.members["facilitator"],
            title=f"Ronda {n}",
            scenario="-",
            rubric=bits.rubric,
            played_on=bits.role_play.played_on,
            manager=bits.enrollment("manager", world),
        )
        actions.submit_assessment(
            role_play, world.members["facilitator"], levels=levels_of(bits.rubric, [n % 4, 1])
        )
        more.append(role_play)
    with CaptureQueriesContext(connection) as many:
        found = scoring.percent_by_role_play(more)
    assert len(many) == len(few) == 3
    # Ronda 3: steps [3, 1] = 4 of 6.
    assert found[more[-2].pk] == Decimal("66.7")


def test_calibration_spread_and_distances(world: World) -> None:
    bits = cohort_of(world)
    role_play = queries.role_play_with_scores(bits.calibration)
    result = queries.calibration(role_play, FULL_SIGHT, world.members["facilitator"])
    first, second = result.criteria
    assert (first.spread.lowest, first.spread.highest, first.spread.middle) == (0, 3, Decimal(2))
    assert [n for _level, n in first.spread.counts] == [1, 0, 1, 1]
    assert (second.spread.lowest, second.spread.highest, second.spread.middle) == (1, 3, Decimal(2))
    assert [n for _level, n in second.spread.counts] == [0, 1, 1, 1]
    assert first.reference is not None and first.reference.points == 2
    assert first.yours is not None and first.yours.points == 2  # the facilitator's own
    rows = {row.name: row for row in result.assessors}
    assert rows["Fátima Ortega"].distance == 0 and rows["Fátima Ortega"].is_reference
    assert (rows["Marta Gil"].distance, rows["Marta Gil"].total) == (2, 4)
    assert (rows["Pedro Sanz"].distance, rows["Pedro Sanz"].percent) == (3, Decimal("50.0"))
    assert result.best == 6


def test_calibration_for_a_manager_names_nobody_but_them(world: World) -> None:
    bits = cohort_of(world)
    role_play = queries.role_play_with_scores(bits.calibration)
    result = queries.calibration(role_play, SPREAD_SIGHT, world.members["peer"])
    assert [row.name for row in result.assessors] == [None, None, "Pedro Sanz"]
    # The reference first, then by distance: Marta (2) before Pedro (3).
    assert [(row.is_reference, row.distance, row.is_you) for row in result.assessors] == [
        (True, 0, False),
        (False, 2, False),
        (False, 3, True),
    ]
    assert result.criteria[0].yours is not None and result.criteria[0].yours.points == 0
    totals = queries.calibration(role_play, TOTALS_SIGHT, world.members["sponsor"])
    assert totals.criteria == [] and all(row.name is None for row in totals.assessors)


def test_a_rubric_max_points_and_problems(world: World) -> None:
    rubric = Rubric.objects.create(workspace=world.workspace, name="Mala")
    assert rubric.problems() == ["A rubric needs at least one criterion."]
    criterion = Criterion.objects.create(rubric=rubric, description="Sola")
    Level.objects.create(criterion=criterion, points=4, definition="x")
    assert rubric.max_points() == 4
    assert rubric.problems() == ["“Sola” needs at least two levels."]
