"""The permission matrix for the coaching loop's pages and endpoints (see
test_permissions_matrix.py for the shape): the coach coaches "rep", whose plan this is; the
stakeholder follows "rep"; "other_rep" has a plan run by the admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from followthrough.coaching import actions
from followthrough.coaching.models import (
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
)
from followthrough.followups.models import FollowUp
from tests.conftest import World
from tests.test_permissions_matrix import VISITORS, Row, by_role, visit

SOON = dt.datetime(2099, 1, 5, 15, 0, tzinfo=dt.UTC)


def next_week() -> str:
    return (timezone.localdate() + dt.timedelta(days=7)).isoformat()


def plan_of(w: World, rep: str = "rep") -> Plan:
    coach = "coach" if rep == "rep" else "admin"
    return actions.create_plan(
        coach=w.members[coach],
        rep=w.members[rep],
        purpose=f"Plan of {rep}",
        starts_on=dt.date(2099, 1, 1),
        deadline=dt.date(2099, 3, 1),
    )


def session_of(w: World, rep: str = "rep") -> Session:
    return actions.schedule_session(plan_of(w, rep), SOON, by=w.user("admin"))


def commitment_of(w: World, rep: str = "rep") -> Commitment:
    session = session_of(w, rep)
    return actions.add_commitment(
        session,
        owner=w.members[rep],
        text="Call ten past clients",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        measures=[{"name": "calls", "target": 10}],
        by=w.user("admin"),
    )


def answer_of(w: World) -> Response:
    commitment = commitment_of(w)
    return actions.record_response(commitment, answer="partly", comment="Between us")


def url(view: str, make: Callable[[World], object]) -> Callable[[World], str]:
    def build(w: World) -> str:
        thing = make(w)
        return reverse(view, args=["acme", thing.pk])  # type: ignore[attr-defined]

    return build


RUN = by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403)
RUN_PAGE = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403)
VIEW_REP = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200)
VIEW_OTHER = by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403)
ANYONE_WITH_THE_LINK: dict[str | None, int | str] = {v: 200 for v in VISITORS}
# The rep's words are shared by the rep, or by whoever runs the plan with the rep's agreement.
SHARE = by_role(admin=302, coach=302, rep=302, other_rep=403, stakeholder=403)

ROWS = [
    Row(
        "plans",
        "get",
        lambda w: reverse("plans", args=["acme"]),
        by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=200),
    ),
    Row("new plan form", "get", lambda w: reverse("plan_new", args=["acme"]), RUN_PAGE),
    Row(
        "open a plan",
        "post",
        lambda w: reverse("plan_new", args=["acme"]),
        RUN,
        data=lambda w: {
            "rep": w.members["rep"].pk,
            "coach": w.members["coach"].pk,
            "purpose": "Grow",
            "starts_on": "2099-01-01",
            "deadline": "2099-02-01",
            "sessions_per_week": 1,
        },
    ),
    Row("a coached rep's plan", "get", url("plan_detail", plan_of), VIEW_REP),
    Row(
        "another rep's plan",
        "get",
        url("plan_detail", lambda w: plan_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row("edit a plan", "get", url("plan_edit", plan_of), RUN_PAGE),
    Row(
        "schedule a session",
        "post",
        url("session_new", plan_of),
        RUN,
        data=lambda w: {"starts_at": "2099-01-06T10:00", "duration_minutes": 45, "invite": "on"},
    ),
    Row("a session", "get", url("session_detail", session_of), VIEW_REP),
    Row(
        "another rep's session",
        "get",
        url("session_detail", lambda w: session_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row(
        "save notes", "post", url("session_notes", session_of), RUN, data=lambda w: {"summary": "x"}
    ),
    Row(
        "add a commitment",
        "post",
        url("commitment_add", session_of),
        RUN,
        data=lambda w: {"text": "Call", "owner": w.members["rep"].pk, "due_on": next_week()},
    ),
    Row(
        "finish a session",
        "post",
        url("session_finish", session_of),
        RUN,
        data=lambda w: {"confirm_empty": "1", "held_now": "1"},
    ),
    Row(
        "move a session",
        "post",
        url("session_move", session_of),
        RUN,
        data=lambda w: {"starts_at": "2099-01-07T10:00", "duration_minutes": 30},
    ),
    Row("cancel a session", "post", url("session_cancel", session_of), RUN),
    Row("a commitment", "get", url("commitment_detail", commitment_of), VIEW_REP),
    Row(
        "another rep's commitment",
        "get",
        url("commitment_detail", lambda w: commitment_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row(
        "change a commitment",
        "post",
        url("commitment_edit", commitment_of),
        RUN,
        data=lambda w: {"text": "Call twelve", "due_on": next_week()},
    ),
    Row("drop a commitment", "post", url("commitment_drop", commitment_of), RUN),
    Row(
        "record an outcome",
        "post",
        url("commitment_outcome", commitment_of),
        RUN,
        data=lambda w: {"state": "missed"},
    ),
    Row(
        "report progress",
        "post",
        url("commitment_report", commitment_of),
        by_role(admin=403, coach=403, rep=302, other_rep=403, stakeholder=403),
        data=lambda w: {"answer": "partly", "measure_0": "3"},
    ),
    Row(
        "workspace settings",
        "get",
        lambda w: reverse("workspace_settings", args=["acme"]),
        by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "log my day",
        "get",
        lambda w: reverse("day_log", args=["acme"]),
        by_role(admin=403, coach=403, rep=200, other_rep=200, stakeholder=403),
    ),
    Row(
        "rate my confidence",
        "post",
        lambda w: reverse("confidence", args=["acme"]),
        by_role(admin=403, coach=403, rep=302, other_rep=302, stakeholder=403),
        data=lambda w: {"rating": 4},
    ),
    Row(
        "reply to an answer",
        "post",
        lambda w: reverse("commitment_reply", args=["acme", answer_of(w).commitment_id]),
        RUN,
        data=lambda w: {"response": Response.objects.get().pk, "text": "Well done"},
    ),
    Row(
        "share the plan's why",
        "post",
        url("plan_share", plan_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "share a session's summary",
        "post",
        url("session_share", session_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "share an answer's comment",
        "post",
        url("response_share", answer_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "another rep's answer's comment",
        "post",
        url(
            "response_share",
            lambda w: actions.record_response(commitment_of(w, "other_rep"), answer="done"),
        ),
        by_role(admin=302, coach=403, rep=403, other_rep=302, stakeholder=403),
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row("to-dos", "get", lambda w: reverse("todos", args=["acme"]), RUN_PAGE),
    Row(
        "tick the coach's to-do",
        "post",
        url("todo_tick", lambda w: actions.add_todo(w.members["coach"], text="Call Bob")),
        by_role(admin=404, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "check-in link",
        "get",
        lambda w: reverse("checkin", args=[commitment_of(w).checkin_token()]),
        ANYONE_WITH_THE_LINK,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_coaching_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


@pytest.mark.parametrize("visitor", ["rep", "other_rep", "stakeholder", "outsider", None])
def test_refused_coaching_writes_change_nothing(world: World, visitor: str | None) -> None:
    commitment = commitment_of(world)
    session = commitment.session
    client = world.client(visitor)
    slug = "acme"
    client.post(reverse("session_notes", args=[slug, session.pk]), {"summary": "hacked"})
    client.post(reverse("session_finish", args=[slug, session.pk]), {})
    client.post(reverse("session_cancel", args=[slug, session.pk]))
    client.post(reverse("commitment_drop", args=[slug, commitment.pk]))
    client.post(reverse("commitment_outcome", args=[slug, commitment.pk]), {"state": "missed"})
    client.post(
        reverse("commitment_add", args=[slug, session.pk]),
        {"text": "Sneaky", "owner": world.members["rep"].pk, "due_on": next_week()},
    )
    if visitor != "rep":
        client.post(reverse("commitment_report", args=[slug, commitment.pk]), {"answer": "done"})
    session.refresh_from_db()
    commitment.refresh_from_db()
    assert session.state == SessionState.SCHEDULED and session.summary == ""
    assert commitment.state == CommitmentState.OPEN
    assert Commitment.objects.count() == 1
    assert not FollowUp.objects.exists()


def test_private_notes_reach_only_those_who_run_the_plan(world: World) -> None:
    commitment = commitment_of(world)
    session = commitment.session
    actions.save_notes(session, private_notes="Worried about his confidence", summary="Good talk")
    actions.finish_session(session, by=world.user("coach"))
    for visitor in ("coach", "admin"):
        assert "Worried about" in world.client(visitor).get(session.get_absolute_url()).text
    rep_page = world.client("rep").get(session.get_absolute_url()).text
    assert "Good talk" in rep_page and "Worried about" not in rep_page
    # The summary is the rep's words: a stakeholder reads it only once shared.
    stakeholder_page = world.client("stakeholder").get(session.get_absolute_url()).text
    assert "Good talk" not in stakeholder_page and "Worried about" not in stakeholder_page
    session.set_shared(True, world.user("rep"))
    stakeholder_page = world.client("stakeholder").get(session.get_absolute_url()).text
    assert "Good talk" in stakeholder_page and "Worried about" not in stakeholder_page
    recap = FollowUp.objects.get(kind="recap").build_message()
    assert "Worried about" not in str(recap.body)


def test_lists_show_only_what_the_viewer_may_see(world: World) -> None:
    mine, theirs = commitment_of(world), commitment_of(world, "other_rep")
    coach_plans = world.client("coach").get(reverse("plans", args=["acme"])).text
    assert "Plan of rep" in coach_plans and "Plan of other_rep" not in coach_plans
    rep_home = world.client("rep").get(reverse("workspace_home", args=["acme"])).text
    assert mine.text in rep_home
    other_home = world.client("other_rep").get(reverse("workspace_home", args=["acme"])).text
    assert "Plan of rep" not in other_home
    assert theirs.pk != mine.pk
    outsider = world.client("outsider").get(reverse("plans", args=["globex"])).text
    assert "Plan of" not in outsider


def test_an_id_from_another_workspace_is_not_found(world: World) -> None:
    commitment = commitment_of(world)
    response = world.client("outsider").get(
        reverse("commitment_detail", args=["globex", commitment.pk])
    )
    assert response.status_code == 404
