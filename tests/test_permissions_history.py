"""Who may read a History page (see test_permissions_matrix.py for the shape): the plan's and
the rep's History follow the plan's and the rep's own pages."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.test_permissions_coaching import VIEW_OTHER, VIEW_REP, plan_of, url
from tests.test_permissions_matrix import VISITORS, Row, by_role, member_url, visit

ROWS = [
    Row("a coached rep's plan history", "get", url("plan_history", plan_of), VIEW_REP),
    Row(
        "another rep's plan history",
        "get",
        url("plan_history", lambda w: plan_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row("a coached rep's history", "get", member_url("rep_history", "rep"), VIEW_REP),
    Row("another rep's history", "get", member_url("rep_history", "other_rep"), VIEW_OTHER),
    Row(
        "a coach has no history page",
        "get",
        member_url("rep_history", "coach"),
        by_role(admin=404, coach=404, rep=404, other_rep=404, stakeholder=404),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_history_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)
