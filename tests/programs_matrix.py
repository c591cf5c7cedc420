"""The permission matrix's rows for rubrics and role-plays (tests/permission_matrix.py makes
its Rows of RUBRIC_ROWS).

Besides the world's visitors, each row says what the cohort's people get (PROGRAM_VISITORS,
tried by tests/test_programs_rubrics_matrix.py once tests.rubrics_helpers.cohort_of has made
them): the facilitator, "manager" (who played the role-play), "peer" (another manager
enrolled) and "sponsor" (who bought the program). The world's coach, rep and stakeholder are
not in the cohort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tests.conftest import World
from tests.rubrics_helpers import cohort_of, levels_of, other_workspace_role_play

LOGIN = "login"  # as tests.permission_matrix.LOGIN
PROGRAM_VISITORS = ["facilitator", "manager", "peer", "sponsor"]
BASE = ["admin", "coach", "rep", "other_rep", "stakeholder"]


def seats(default: int, **statuses: int) -> dict[str | None, int | str]:
    """`default` for every member of the workspace not named; 404 for the outsider."""
    table: dict[str | None, int | str] = {key: default for key in BASE + PROGRAM_VISITORS}
    table.update({"outsider": 404, None: LOGIN})
    table.update(statuses)
    return table


# Who reads rubrics: whoever coaches (admin, coaches, facilitator, managers); the rest 403.
READ_RUBRICS = seats(403, admin=200, coach=200, facilitator=200, manager=200, peer=200)
# Who writes them: admins and facilitators.
WRITE_RUBRICS_PAGE = seats(403, admin=200, facilitator=200)
WRITE_RUBRICS = seats(403, admin=302, facilitator=302)
WRITE_RUBRICS_BY_GET = seats(403, admin=405, facilitator=405)
# A cohort's role-plays: who runs it, its managers and the program's sponsors.
COHORT_PAGE = seats(403, admin=200, facilitator=200, manager=200, peer=200, sponsor=200)
RUN_PAGE = seats(403, admin=200, facilitator=200)
RUN = seats(403, admin=302, facilitator=302)
# Scoring: the facilitator, the manager who played (self) and a peer; admins do not score.
SCORE_PAGE = seats(403, facilitator=200, manager=200, peer=200)
SCORE = seats(403, facilitator=302, manager=302, peer=302)
NOBODY = seats(404)


@dataclass
class Spec:
    """A row as tests.permission_matrix.Row takes it (it builds its Rows from these)."""

    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str | None, int | str]
    data: Callable[[World], dict[str, object]] | None = None


def rubric_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", cohort_of(w).rubric.pk])


def cohort_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", cohort_of(w).cohort.pk])


def role_play_url(view: str, calibration: bool = False) -> Callable[[World], str]:
    def build(w: World) -> str:
        bits = cohort_of(w)
        return reverse(
            view, args=["acme", (bits.calibration if calibration else bits.role_play).pk]
        )

    return build


def a_rubric(w: World) -> dict[str, object]:
    return {
        "name": "Escucha",
        "rows": 1,
        "columns": 2,
        "c0": "Escuchó",
        "c0l0p": "0",
        "c0l0d": "Nada",
        "c0l1p": "2",
        "c0l1d": "Mucho",
    }


def a_role_play(w: World) -> dict[str, object]:
    bits = cohort_of(w)
    return {
        "title": "Otra llamada",
        "scenario": "Pedro acompaña a Bea.",
        "rubric": bits.rubric.pk,
        "played_on": "2026-11-30",
        "manager": bits.enrollment("peer", w).pk,
    }


def scores(calibration: bool) -> Callable[[World], dict[str, object]]:
    def build(w: World) -> dict[str, object]:
        bits = cohort_of(w)
        return {f"level_{c}": lv for c, lv in levels_of(bits.rubric, [1, 1]).items()}

    return build


RUBRIC_ROWS = [
    Spec("rubrics", "get", lambda w: reverse("rubric_list", args=["acme"]), READ_RUBRICS),
    Spec("a rubric's grid", "get", rubric_url("rubric_detail"), READ_RUBRICS),
    Spec(
        "another workspace's rubric",
        "get",
        lambda w: reverse("rubric_detail", args=["acme", other_workspace_role_play(w).rubric_id]),
        NOBODY,
    ),
    Spec(
        "write a rubric form",
        "get",
        lambda w: reverse("rubric_new", args=["acme"]),
        WRITE_RUBRICS_PAGE,
    ),
    Spec(
        "write a rubric",
        "post",
        lambda w: reverse("rubric_new", args=["acme"]),
        WRITE_RUBRICS,
        a_rubric,
    ),
    Spec("change a rubric form", "get", rubric_url("rubric_edit"), WRITE_RUBRICS_PAGE),
    Spec("change a rubric", "post", rubric_url("rubric_edit"), WRITE_RUBRICS, a_rubric),
    Spec("copy a rubric", "post", rubric_url("rubric_copy"), WRITE_RUBRICS),
    Spec("copy a rubric by GET", "get", rubric_url("rubric_copy"), seats(405)),
    Spec(
        "add the default rubric",
        "post",
        lambda w: reverse("rubric_default", args=["acme"]),
        WRITE_RUBRICS,
    ),
    Spec(
        "add the default rubric by GET",
        "get",
        lambda w: reverse("rubric_default", args=["acme"]),
        WRITE_RUBRICS_BY_GET,
    ),
    Spec("a cohort's role-plays", "get", cohort_url("cohort_role_plays"), COHORT_PAGE),
    Spec("set up a role-play form", "get", cohort_url("role_play_new"), RUN_PAGE),
    Spec("set up a role-play", "post", cohort_url("role_play_new"), RUN, a_role_play),
    Spec("a role-play side by side", "get", role_play_url("role_play_detail"), COHORT_PAGE),
    Spec("a calibration's spread", "get", role_play_url("role_play_detail", True), COHORT_PAGE),
    Spec(
        "another workspace's role-play",
        "get",
        lambda w: reverse("role_play_detail", args=["acme", other_workspace_role_play(w).pk]),
        NOBODY,
    ),
    Spec("score a role-play form", "get", role_play_url("role_play_score"), SCORE_PAGE),
    Spec("score a role-play", "post", role_play_url("role_play_score"), SCORE, scores(False)),
    Spec(
        "score a calibration", "post", role_play_url("role_play_score", True), SCORE, scores(True)
    ),
    Spec(
        "score another workspace's role-play",
        "post",
        lambda w: reverse("role_play_score", args=["acme", other_workspace_role_play(w).pk]),
        NOBODY,
        scores(False),
    ),
]
