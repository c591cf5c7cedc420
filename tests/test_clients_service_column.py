"""The dashboard's service figures for many reps in one query, and the late-callback reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from followthrough.clients.models import ClientCheckIn
from followthrough.clients.service_column import late_callback_reason, service_by_rep
from followthrough.coaching.models import Todo
from tests.binder_helpers import answer
from tests.conftest import World


def complaint(w: World, due_in: dt.timedelta, done: bool = False) -> ClientCheckIn:
    row = answer(w, "He vanished after the sale.", score=3, state="")
    todo = Todo.objects.create(
        workspace=w.workspace,
        owner=w.members["coach"],
        text="Call the client back",
        done_at=timezone.now() if done else None,
    )
    ClientCheckIn.objects.filter(pk=row.pk).update(
        callback=todo, callback_due_at=timezone.now() + due_in
    )
    return row


def test_figures_per_rep_in_one_query(world: World, django_assert_num_queries: Any) -> None:
    answer(world, "Great.", score=10)
    answer(world, "Fine.", score=8)
    complaint(world, due_in=-dt.timedelta(hours=2))  # late
    complaint(world, due_in=dt.timedelta(hours=20))  # open, not late yet
    complaint(world, due_in=-dt.timedelta(days=2), done=True)  # called back
    answer(world, "Other rep's.", rep="other_rep", score=9)
    ids = [world.members[k].pk for k in ("rep", "other_rep", "coach")]
    with django_assert_num_queries(1):
        cells = service_by_rep(ids)
    rep = cells[world.members["rep"].pk]
    assert rep.average == Decimal("5.4")  # (10 + 8 + 3 + 3 + 3) / 5
    assert (rep.open_complaints, rep.late_callbacks) == (2, 1)
    other = cells[world.members["other_rep"].pk]
    assert (other.average, other.open_complaints, other.late_callbacks) == (Decimal(9), 0, 0)
    assert world.members["coach"].pk not in cells
    assert late_callback_reason(rep) == "1 unhappy client not called back in time"
    assert late_callback_reason(other) == "" and late_callback_reason(None) == ""
