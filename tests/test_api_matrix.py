"""Every API operation as every role, another workspace's token and no token at all: the
status of tests/api_matrix.py, a problem document for every refusal, and nothing private in it."""

from __future__ import annotations

import pytest

from tests.api_helpers import call, token_of
from tests.api_matrix import PROGRAM_ROWS, ROWS, RUBRIC_ROWS, VISITORS, Row
from tests.conftest import World
from tests.programs_helpers import PROGRAM_VISITORS, cast
from tests.programs_matrix import PROGRAM_VISITORS as COHORT_PEOPLE
from tests.rubrics_helpers import cohort_of as scored_cohort_of


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_api_matrix(world: World, row: Row, visitor: str | None) -> None:
    check(world, row, visitor)


@pytest.mark.parametrize("row", PROGRAM_ROWS, ids=str)
@pytest.mark.parametrize("visitor", PROGRAM_VISITORS)
def test_api_program_matrix(world: World, row: Row, visitor: str) -> None:
    """The program rows for the three visitors only programs have (tests/programs_helpers)."""
    cast(world)
    check(world, row, visitor)


@pytest.mark.parametrize("row", RUBRIC_ROWS, ids=str)
@pytest.mark.parametrize("visitor", COHORT_PEOPLE)
def test_api_rubric_matrix(world: World, row: Row, visitor: str) -> None:
    """The rubric rows for the cohort's people of tests/rubrics_helpers.py."""
    scored_cohort_of(world)
    check(world, row, visitor)


def check(world: World, row: Row, visitor: str | None) -> None:
    made = row.make(world) if row.make else None
    token = token_of(world, visitor) if visitor else None
    body = row.body(world, made) if row.body else ({} if row.method != "get" else None)
    response = call(token, row.method, row.url(world, made), body)
    expected = row.expected[visitor]
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == expected and problem["title"]
        assert "Traceback" not in response.text
        assert "Call ten past clients" not in response.text
