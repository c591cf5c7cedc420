"""Who may open a rep's progress page (see test_permissions_matrix.py for the shape): the rep,
their coaches, admins and the stakeholders who follow them; never another rep; nobody from
another workspace."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from followthrough.metrics.models import ConfidenceRating, Entry, EntrySource, Metric
from tests.conftest import World
from tests.test_permissions_matrix import VISITORS, Row, by_role, member_url, visit

ROWS = [
    Row(
        "a coached rep's progress",
        "get",
        member_url("rep_progress", "rep"),
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200),
    ),
    Row(
        "another rep's progress",
        "get",
        member_url("rep_progress", "other_rep"),
        by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403),
    ),
    Row(
        "a coach has no progress page",
        "get",
        member_url("rep_progress", "coach"),
        by_role(admin=404, coach=404, rep=404, other_rep=404, stakeholder=404),
    ),
    Row(
        "a member id of another workspace",
        "get",
        lambda w: reverse("rep_progress", args=["acme", w.members["outsider"].pk]),
        by_role(admin=404, coach=404, rep=404, other_rep=404, stakeholder=404),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_progress_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


def test_the_outsider_cannot_reach_a_rep_through_their_own_workspace(world: World) -> None:
    url = reverse("rep_progress", args=["globex", world.members["rep"].pk])
    assert world.client("outsider").get(url).status_code == 404


def test_a_former_coach_loses_the_page(world: World) -> None:
    url = reverse("rep_progress", args=["acme", world.members["rep"].pk])
    assert world.client("coach").get(url).status_code == 200
    world.members["rep"].coached_by.all().delete()
    assert world.client("coach").get(url).status_code == 403


def test_no_numbers_of_another_rep_reach_the_page(world: World) -> None:
    calls = Metric.of(world.workspace).get(name="Calls made")
    today = timezone.localdate(timezone.now(), world.members["rep"].user.profile.zone)
    for who, value in (("rep", "11"), ("other_rep", "777")):
        Entry.objects.create(
            workspace=world.workspace,
            member=world.members[who],
            metric=calls,
            day=today,
            value=Decimal(value),
            source=EntrySource.LOG,
        )
        ConfidenceRating.objects.create(
            workspace=world.workspace,
            member=world.members[who],
            rating=3,
            comment=f"secret of {who}",
        )
    page = world.client("stakeholder").get(
        reverse("rep_progress", args=["acme", world.members["rep"].pk])
    )
    assert page.status_code == 200
    # The pulse's comment is the rep's own words: not for a stakeholder (issue 9, item 3).
    assert "secret of" not in page.text
    assert "777" not in page.text and "11 calls" in page.text
    coach = world.client("coach").get(
        reverse("rep_progress", args=["acme", world.members["rep"].pk])
    )
    assert "secret of rep" in coach.text and "secret of other_rep" not in coach.text
