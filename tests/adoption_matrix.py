"""The adoption page's viewers and rows of the permission matrix (issue 14), kept apart so that
other program pages can merge theirs: tests/permission_matrix.py adds ROWS to its own (the
usual visitors), and tests/test_programs_adoption_pages.py tries them as the new viewers.

The new viewers, in workspace "acme" (program_world): the facilitator of the cohort (a coach
from outside), an enrolled manager and a peer manager of the same cohort (coaches), and the
program's sponsor (a stakeholder). The world's own stakeholder is no sponsor, its coach no
manager of the cohort.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from followthrough.accounts.models import Role
from followthrough.programs import adoption_digest
from followthrough.programs.models import Cohort, Enrollment, Program
from tests.conftest import World, make_member

VIEWERS = ["facilitator", "manager", "peer", "sponsor"]
LOGIN = "login"


def program_world(w: World) -> Cohort:
    """The cohort of the new viewers (made once per world)."""
    found = Cohort.objects.filter(workspace=w.workspace, name="Spring").first()
    if found is not None:
        return found
    for key, role in [
        ("facilitator", Role.COACH),
        ("manager", Role.COACH),
        ("peer", Role.COACH),
        ("sponsor", Role.STAKEHOLDER),
    ]:
        w.members[key] = make_member(w.workspace, key, role)
    program = Program.objects.create(workspace=w.workspace, name="Manager as Sales Coach")
    program.sponsors.add(w.members["sponsor"])
    cohort = Cohort.objects.create(
        workspace=w.workspace,
        program=program,
        name="Spring",
        facilitator=w.members["facilitator"],
        starts_on=dt.date(2026, 3, 2),
    )
    for key in ("manager", "peer"):
        Enrollment.objects.create(
            workspace=w.workspace, program=program, cohort=cohort, manager=w.members[key]
        )
    return cohort


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
    stakeholder=403,
    facilitator=200,
    manager=200,
    peer=200,
    sponsor=200,
)
SUBSCRIBERS = expected(
    admin=302,
    coach=403,
    rep=403,
    other_rep=403,
    stakeholder=403,
    facilitator=302,
    manager=403,
    peer=403,
    sponsor=302,
)
EVERYONE = ["admin", "coach", "rep", "other_rep", "stakeholder", "outsider", None, *VIEWERS]
NOBODY = {**{v: 404 for v in EVERYONE}, None: LOGIN}
POST_ONLY: dict[str | None, int | str] = {v: 405 for v in EVERYONE}
WITH_THE_LINK: dict[str | None, int | str] = {v: 200 for v in EVERYONE}


def cohort_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", program_world(w).pk])


def unsubscribe_url(w: World) -> str:
    cohort = program_world(w)
    found = adoption_digest.subscribe(w.members["sponsor"], cohort, None)
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
    ("email me a cohort's adoption", "post", cohort_url("adoption_subscription"), SUBSCRIBERS, None),
    ("email me the adoption by GET", "get", cohort_url("adoption_subscription"), POST_ONLY, None),
    ("the adoption email's unsubscribe link", "get", unsubscribe_url, WITH_THE_LINK, None),
]
