"""The permission matrix for the pipeline's pages and endpoints (see test_permissions_matrix.py
for the shape): "rep" is coached by the coach and followed by the stakeholder; "other_rep" by
nobody (the admin sees every rep)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from followthrough.metrics.models import Entry
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage, StageChange
from tests.conftest import World
from tests.test_permissions_matrix import VISITORS, Row, by_role, visit


def opportunity_of(w: World, rep: str = "rep") -> Opportunity:
    return pipeline.create_opportunity(
        w.members[rep],
        by=w.user(rep),
        account=f"Account of {rep}",
        value=Decimal(4200),
        stage=Stage.PROPOSAL,
        next_step=f"Secret next step of {rep}",
    )


def theirs(w: World) -> Opportunity:
    return opportunity_of(w, "other_rep")


def url(view: str, make: Callable[[World], Opportunity]) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", make(w).pk])


def details(w: World) -> dict[str, object]:
    return {
        "owner": w.members["rep"].pk,
        "account": "Changed",
        "value": "5000",
        "currency": "USD",
        "stage": "lead",
        "expected_close_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }


EVERY_MEMBER = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=200)
WRITERS = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403)
SEE_REP = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200)
CHANGE_REP = by_role(admin=302, coach=302, rep=302, other_rep=403, stakeholder=403)
SEE_OTHER = by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403)
CHANGE_OTHER = by_role(admin=302, coach=403, rep=403, other_rep=302, stakeholder=403)
POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=405)

ROWS = [
    Row("board", "get", lambda w: reverse("pipeline_board", args=["acme"]), EVERY_MEMBER),
    Row("list", "get", lambda w: reverse("pipeline_list", args=["acme"]), EVERY_MEMBER),
    Row(
        "list filtered by owner",
        "get",
        lambda w: reverse("pipeline_list", args=["acme"]) + f"?owner={w.members['rep'].pk}",
        EVERY_MEMBER,
    ),
    Row(
        "new opportunity form", "get", lambda w: reverse("opportunity_new", args=["acme"]), WRITERS
    ),
    Row(
        "add an opportunity",
        "post",
        lambda w: reverse("opportunity_new", args=["acme"]),
        # Reps create for themselves whatever owner is sent; coaches and admins for "rep".
        by_role(admin=302, coach=302, rep=302, other_rep=302, stakeholder=403),
        data=details,
    ),
    Row("a coached rep's opportunity", "get", url("opportunity_detail", opportunity_of), SEE_REP),
    Row(
        "edit a coached rep's opportunity",
        "post",
        url("opportunity_detail", opportunity_of),
        CHANGE_REP,
        data=lambda w: {k: v for k, v in details(w).items() if k != "stage"},
    ),
    Row(
        "move a coached rep's opportunity",
        "post",
        url("opportunity_stage", opportunity_of),
        CHANGE_REP,
        data=lambda w: {"stage": "won"},
    ),
    Row("move by GET", "get", url("opportunity_stage", opportunity_of), POST_ONLY),
    Row("another rep's opportunity", "get", url("opportunity_detail", theirs), SEE_OTHER),
    Row(
        "edit another rep's opportunity",
        "post",
        url("opportunity_detail", theirs),
        CHANGE_OTHER,
        data=lambda w: {
            **{k: v for k, v in details(w).items() if k != "stage"},
            "owner": w.members["other_rep"].pk,
        },
    ),
    Row(
        "move another rep's opportunity",
        "post",
        url("opportunity_stage", theirs),
        CHANGE_OTHER,
        data=lambda w: {"stage": "lost"},
    ),
    Row(
        "a missing opportunity",
        "get",
        lambda w: reverse("opportunity_detail", args=["acme", 999999]),
        by_role(admin=404, coach=404, rep=404, other_rep=404, stakeholder=404),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_pipeline_matrix(world: World, row: Row, visitor: str | None) -> None:
    response = visit(world, row, visitor)
    body = response.content.decode()
    if response.status_code in (403, 404):
        assert "Secret next step" not in body and "Account of" not in body


def test_an_outsider_gets_404_for_an_opportunity_even_in_their_own_workspace(
    world: World,
) -> None:
    opportunity = opportunity_of(world)
    outsider = world.client("outsider")
    assert (
        outsider.get(reverse("opportunity_detail", args=["globex", opportunity.pk])).status_code
        == 404
    )
    moved = outsider.post(
        reverse("opportunity_stage", args=["globex", opportunity.pk]), {"stage": "won"}
    )
    assert moved.status_code == 404


def state(opportunity: Opportunity) -> tuple[object, ...]:
    opportunity.refresh_from_db()
    return (
        opportunity.account,
        opportunity.value,
        opportunity.stage,
        opportunity.owner_id,
        opportunity.next_step,
        StageChange.objects.count(),
        Entry.objects.count(),
        Opportunity.objects.count(),
    )


@pytest.mark.parametrize("visitor", ["other_rep", "stakeholder", "outsider", None])
def test_refused_pipeline_writes_change_nothing(world: World, visitor: str | None) -> None:
    opportunity = opportunity_of(world)
    before = state(opportunity)
    client = world.client(visitor)
    for slug in ("acme", "globex"):
        client.post(reverse("opportunity_stage", args=[slug, opportunity.pk]), {"stage": "won"})
        client.post(
            reverse("opportunity_stage", args=[slug, opportunity.pk]),
            {"stage": "won"},
            headers={"HX-Request": "true"},
        )
        client.post(
            reverse("opportunity_detail", args=[slug, opportunity.pk]),
            {k: v for k, v in details(world).items() if k != "stage"},
        )
    if visitor != "other_rep":  # other_rep may add to their own pipeline
        client.post(reverse("opportunity_new", args=["acme"]), details(world))
    assert state(opportunity) == before


def test_a_stakeholder_reads_the_pipeline_without_forms(world: World) -> None:
    opportunity = opportunity_of(world)
    client = world.client("stakeholder")
    detail = client.get(reverse("opportunity_detail", args=["acme", opportunity.pk])).text
    assert "Account of rep" in detail and "Secret next step of rep" in detail
    assert 'method="post"' not in detail.split("<main", 1)[1]
    board = client.get(reverse("pipeline_board", args=["acme"])).text
    assert "Account of rep" in board
    assert "opportunity_stage" not in board and "/stage/" not in board
    assert "New opportunity" not in board


def test_each_visitor_sees_only_the_pipelines_they_may(world: World) -> None:
    opportunity_of(world)
    theirs(world)
    seen = {
        visitor: world.client(visitor).get(reverse("pipeline_list", args=["acme"])).text
        for visitor in ("admin", "coach", "rep", "other_rep", "stakeholder")
    }
    expected = {
        "admin": {"rep", "other_rep"},
        "coach": {"rep"},
        "rep": {"rep"},
        "other_rep": {"other_rep"},
        "stakeholder": {"rep"},
    }
    for visitor, page in seen.items():
        shown = {rep for rep in ("rep", "other_rep") if f"Account of {rep}<" in page}
        assert shown == expected[visitor], visitor
    # A rep's board has no owner filter (they see only themselves); an admin's has one.
    rep_board = world.client("rep").get(reverse("pipeline_board", args=["acme"])).text
    assert 'id="filter-owner"' not in rep_board
    admin_board = world.client("admin").get(reverse("pipeline_board", args=["acme"])).text
    assert 'id="filter-owner"' in admin_board
