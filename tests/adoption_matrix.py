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

from followthrough.accounts.models import Profile, Role
from followthrough.programs import adoption_digest
from followthrough.programs.models import Cohort, Enrollment, Program
from tests.conftest import World, make_member

VIEWERS = ["facilitator", "manager", "peer", "sponsor"]
LOGIN = "login"


def program_world(w: World) -> Cohort:
    """The cohort of the new viewers (made once per world)."""
    found = Cohort.objects.filter(workspace=w.workspace, name="Primavera").first()
    if found is not None:
        return found
    for key, role, name in [
        ("facilitator", Role.COACH, "Fabiola Fuentes"),
        ("manager", Role.COACH, "Marta Molina"),
        ("peer", Role.COACH, "Pedro Paredes"),
        ("sponsor", Role.STAKEHOLDER, "Sofía Salas"),
    ]:
        w.members[key] = make_member(w.workspace, key, role)
        w.members[key].user.name = name
        w.members[key].user.save(update_fields=["name"])
        # They read the world's language (the i18n walk's world reads Spanish).
        Profile.objects.filter(user=w.members[key].user).update(
            language=Profile.objects.get(user=w.members["admin"].user).language
        )
    program = Program.objects.create(workspace=w.workspace, name="Gerente como coach")
    program.sponsors.add(w.members["sponsor"])
    cohort = Cohort.objects.create(
        workspace=w.workspace,
        program=program,
        name="Primavera",
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
NOBODY: dict[str | None, int | str] = {**{v: 404 for v in EVERYONE}, None: LOGIN}
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
