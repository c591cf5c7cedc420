"""The permission matrix of the team dashboard and its CSV (see test_permissions_matrix.py for
the shape): admins, coaches and stakeholders may open them and see only their own reps; reps
get a 403, outsiders a 404, anonymous visitors the login page. The coach coaches "rep" and the
stakeholder follows "rep"; nobody coaches or follows "other_rep"."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Role
from tests.conftest import World, make_member
from tests.test_permissions_matrix import LOGIN, VISITORS, Row, by_role, visit

DASHBOARD = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=200)

ROWS = [
    Row("team dashboard", "get", lambda w: reverse("team_dashboard", args=["acme"]), DASHBOARD),
    Row(
        "team dashboard, sorted",
        "get",
        lambda w: reverse("team_dashboard", args=["acme"]) + "?sort=-pace",
        DASHBOARD,
    ),
    Row("weekly CSV", "get", lambda w: reverse("dashboard_csv", args=["acme"]), DASHBOARD),
    Row(
        "weekly CSV, 52 weeks",
        "get",
        lambda w: reverse("dashboard_csv", args=["acme"]) + "?weeks=52",
        DASHBOARD,
    ),
    Row(
        "the other workspace's dashboard",
        "get",
        lambda w: reverse("team_dashboard", args=["globex"]),
        {
            **{v: 404 for v in VISITORS},
            "outsider": 200,
            None: LOGIN,
        },
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


# Who sees whom: visible reps only, on the page and in the CSV.
SEES = {
    "admin": {"Rep", "Other Rep"},
    "coach": {"Rep"},
    "stakeholder": {"Rep"},
}


def names_on_page(world: World, visitor: str) -> set[str]:
    rows = world.client(visitor).get(reverse("team_dashboard", args=["acme"])).context["rows"]
    return {row.member.user.name for row in rows}


def names_in_csv(world: World, visitor: str) -> set[str]:
    response = world.client(visitor).get(reverse("dashboard_csv", args=["acme"]))
    return {row[0] for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]}


@pytest.mark.parametrize("visitor", list(SEES))
def test_each_sees_their_reps_only(world: World, visitor: str) -> None:
    assert names_on_page(world, visitor) == SEES[visitor]
    assert names_in_csv(world, visitor) == SEES[visitor]


def test_a_coach_never_sees_a_rep_they_do_not_coach(world: World) -> None:
    """Another coach's rep, a rep in another workspace coached by a namesake: never shown."""
    other_coach = make_member(world.workspace, "other_coach", Role.COACH)
    world.members["other_coach"] = other_coach
    accounts.set_relationships(world.members["other_rep"], [other_coach], [])
    elsewhere = make_member(world.other_workspace, "far_rep", Role.REP)
    globex_coach = make_member(world.other_workspace, "coach", Role.COACH)  # same user
    accounts.set_relationships(elsewhere, [globex_coach], [])
    for source in (names_on_page, names_in_csv):
        assert source(world, "coach") == {"Rep"}
        assert source(world, "other_coach") == {"Other Rep"}
    body = world.client("coach").get(reverse("team_dashboard", args=["acme"])).content.decode()
    assert "Other Rep" not in body and "Far Rep" not in body
    assert "other_rep@example.org" not in names_in_csv(world, "coach")


def test_a_stakeholder_sees_no_rep_they_stopped_following(world: World) -> None:
    accounts.set_relationships(world.members["rep"], [world.members["coach"]], [])
    assert names_on_page(world, "stakeholder") == set()
    assert names_in_csv(world, "stakeholder") == set()


def test_a_deactivated_member_is_an_outsider(world: World) -> None:
    coach = world.members["coach"]
    coach.is_active = False
    coach.save()
    assert world.client("coach").get(reverse("team_dashboard", args=["acme"])).status_code == 404
