"""The rubric and role-play rows of the permission matrix, tried as the cohort's people (the
world's visitors try them in tests/test_permissions_matrix.py), and refused writes that
change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followthrough.programs.models import Assessment, Filling, RolePlay, Rubric
from tests.conftest import World
from tests.permission_matrix import ROWS, visit
from tests.programs_matrix import PROGRAM_VISITORS, RUBRIC_ROWS, a_role_play, a_rubric
from tests.rubrics_helpers import cohort_of, levels_of

NAMES = {spec.name for spec in RUBRIC_ROWS}
PROGRAM_ROWS = [row for row in ROWS if row.name in NAMES]


def test_every_rubric_row_is_in_the_matrix() -> None:
    assert len(PROGRAM_ROWS) == len(RUBRIC_ROWS)


@pytest.mark.parametrize("row", PROGRAM_ROWS, ids=str)
@pytest.mark.parametrize("visitor", PROGRAM_VISITORS)
def test_matrix_for_the_cohort(world: World, row: object, visitor: str) -> None:
    cohort_of(world)
    visit(world, row, visitor)  # type: ignore[arg-type]


def state() -> tuple[object, ...]:
    return (
        sorted(Rubric.objects.values_list("name", flat=True)),
        sorted(RolePlay.objects.values_list("title", flat=True)),
        sorted(Assessment.objects.values_list("assessor_id", "kind", "note")),
        sorted(Filling.objects.values_list("assessment_id", "criterion_id", "level_id")),
    )


@pytest.mark.parametrize(
    "visitor", ["admin", "coach", "rep", "stakeholder", "sponsor", "outsider", None]
)
def test_refused_scores_change_nothing(world: World, visitor: str | None) -> None:
    bits = cohort_of(world)
    before = state()
    client = world.client(visitor)
    data = {f"level_{c}": lv for c, lv in levels_of(bits.rubric, [3, 3]).items()}
    for role_play in (bits.role_play, bits.calibration):
        client.post(reverse("role_play_score", args=["acme", role_play.pk]), {**data, "note": "x"})
    assert state() == before


@pytest.mark.parametrize(
    "visitor", ["coach", "manager", "peer", "rep", "sponsor", "outsider", None]
)
def test_refused_rubric_and_role_play_writes_change_nothing(
    world: World, visitor: str | None
) -> None:
    bits = cohort_of(world)
    before = state()
    client = world.client(visitor)
    client.post(reverse("rubric_new", args=["acme"]), a_rubric(world))
    client.post(reverse("rubric_edit", args=["acme", bits.rubric.pk]), a_rubric(world))
    client.post(reverse("rubric_copy", args=["acme", bits.rubric.pk]))
    client.post(reverse("rubric_default", args=["acme"]))
    client.post(reverse("role_play_new", args=["acme", bits.cohort.pk]), a_role_play(world))
    assert state() == before
