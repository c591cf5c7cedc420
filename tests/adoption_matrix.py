"""A cohort's adoption page in the permission matrix (issue 14): its rows, added to the program
rows of tests/permission_matrix.py, so they are tried as the usual visitors and as the program
visitors of tests/programs_helpers.py ("facilitator", "manager" and "peer", enrolled managers
of the cohort; the world's stakeholder is the program's sponsor; its coach takes no part)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from followthrough.programs import adoption_digest
from followthrough.programs.models import Cohort
from tests.conftest import World
from tests.programs_helpers import PROGRAM_VISITORS, cohort_of

LOGIN = "login"


def program_world(w: World) -> Cohort:
    """The matrix's cohort (tests/programs_helpers.cohort_of)."""
    return cohort_of(w)


def expected(**statuses: int | str) -> dict[str | None, int | str]:
    table: dict[str | None, int | str] = {"outsider": 404, None: LOGIN}
    table.update(statuses)
    return table


# The whole page: facilitator, sponsor, admins; a manager of the cohort: their own row.
READERS = expected(
    admin=200,
    coach=403,
    rep=403,
    other_rep=403,
    stakeholder=200,
    facilitator=200,
    manager=200,
    peer=200,
)
SUBSCRIBERS = expected(
    admin=302,
    coach=403,
    rep=403,
    other_rep=403,
    stakeholder=302,
    facilitator=302,
    manager=403,
    peer=403,
)
EVERYONE = [
    "admin",
    "coach",
    "rep",
    "other_rep",
    "stakeholder",
    "outsider",
    None,
    *PROGRAM_VISITORS,
]
NOBODY: dict[str | None, int | str] = {**{v: 404 for v in EVERYONE}, None: LOGIN}
POST_ONLY: dict[str | None, int | str] = {v: 405 for v in EVERYONE}
WITH_THE_LINK: dict[str | None, int | str] = {v: 200 for v in EVERYONE}


def cohort_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", program_world(w).pk])


def unsubscribe_url(w: World) -> str:
    found = adoption_digest.subscribe(w.members["stakeholder"], program_world(w), None)
    return reverse("adoption_unsubscribe", args=[found.unsubscribe_token()])


# (name, method, url, expected, data)
ROWS: list[tuple[str, str, Callable[[World], str], dict[str | None, int | str], Any]] = [
    ("a cohort's adoption", "get", cohort_url("cohort_adoption"), READERS, None),
    (
        "no such cohort's adoption",
        "get",
        lambda w: reverse("cohort_adoption", args=["acme", 999_999]),
        NOBODY,
        None,
    ),
    (
        "email me a cohort's adoption",
        "post",
        cohort_url("adoption_subscription"),
        SUBSCRIBERS,
        None,
    ),
    ("email me the adoption by GET", "get", cohort_url("adoption_subscription"), POST_ONLY, None),
    ("the adoption email's unsubscribe link", "get", unsubscribe_url, WITH_THE_LINK, None),
]
