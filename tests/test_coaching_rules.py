"""Rules with one home each (issue 10): finishing with nothing agreed is the action's rule; the
follow-through rate's weeks, the "since your last look" window and the confidence-drop
threshold are each named once, and every page that uses them follows that one name."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from followthrough.accounts import actions as accounts_actions
from followthrough.accounts.models import Membership
from followthrough.coaching import actions, models, queries
from followthrough.coaching.models import Commitment, SessionState
from followthrough.followups.models import FollowUp
from followthrough.insights import dashboard, reports
from followthrough.metrics import actions as progress_actions
from followthrough.metrics.models import ConfidenceRating
from tests.coaching_helpers import make_session
from tests.conftest import World

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def test_finishing_with_nothing_agreed_is_refused_unless_said_so(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        session = make_session(world, starts_at=NOW - dt.timedelta(hours=1))
        with pytest.raises(actions.NothingAgreed):
            actions.finish_session(session, by=world.user("coach"))
        session.refresh_from_db()
        assert session.state == SessionState.SCHEDULED and not FollowUp.objects.exists()
        actions.finish_session(session, by=world.user("coach"), nothing_agreed=True)
        session.refresh_from_db()
        assert session.state == SessionState.FINISHED


def agreed(world: World, text: str) -> Commitment:
    session = make_session(world, starts_at=NOW - dt.timedelta(hours=1))
    return actions.add_commitment(
        session, owner=world.members["rep"], text=text, due_on=TODAY, by=world.user("coach")
    )


def test_follow_through_counts_the_same_weeks_on_today_and_on_the_dashboard(
    world: World,
) -> None:
    weeks = models.FOLLOW_THROUGH_WEEKS
    with time_machine.travel(NOW, tick=False):
        recent = agreed(world, "Answered, due within the weeks")
        old = agreed(world, "Silent, due before them")
        actions.record_response(recent, answer="done")
        Commitment.objects.filter(pk=recent.pk).update(due_on=TODAY - dt.timedelta(weeks=weeks - 1))
        Commitment.objects.filter(pk=old.pk).update(due_on=TODAY - dt.timedelta(weeks=weeks + 1))
        coach = world.members["coach"]
        assert queries.rates(coach, TODAY) == {"follow_through": 100, "completion": 100, "due": 1}
        (row,) = [r for r in dashboard.build_rows(coach) if r.member == world.members["rep"]]
        assert (row.due, row.follow_through) == (1, 100)
        today = world.client("coach").get(reverse("workspace_home", args=["acme"])).text
        board = world.client("coach").get(reverse("team_dashboard", args=["acme"])).text
        assert f"in the last {weeks} weeks" in today and f"in the last {weeks} weeks" in board


def test_the_last_look_window_is_the_same_for_today_and_the_menu_s_count(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        actions.record_response(agreed(world, "Answered three days ago"), answer="done")
    with time_machine.travel(NOW, tick=False):
        coach = world.client("coach")
        plans = reverse("plans", args=["acme"])
        home = reverse("workspace_home", args=["acme"])
        monkeypatch.setattr(Membership, "FIRST_LOOK_WINDOW", dt.timedelta(days=2))
        assert coach.get(plans).context["new_answer_count"] == 0
        assert coach.get(home).context["answers"] == []
        Membership.objects.update(today_seen_at=None)  # never looked, again
        monkeypatch.setattr(Membership, "FIRST_LOOK_WINDOW", dt.timedelta(days=4))
        assert coach.get(plans).context["new_answer_count"] == 1
        assert len(coach.get(home).context["answers"]) == 1
        # Looking at Today ends the window: what came before is no longer new.
        assert coach.get(plans).context["new_answer_count"] == 0


def test_one_confidence_drop_threshold_for_the_alert_the_history_and_the_dashboard(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ConfidenceRating, "ALARMING_DROP", 1)  # one point is now alarming
    rep = world.members["rep"]
    with time_machine.travel(NOW - dt.timedelta(days=8), tick=False):
        progress_actions.rate_confidence(rep, 4)
    with time_machine.travel(NOW, tick=False):
        progress_actions.rate_confidence(rep, 3)
        assert "confidence fell from 4 to 3" in world.members["coach"].todos.get().text.lower()
        assert reports.confidence_history(rep)[-1].dropped
        (row,) = [r for r in dashboard.build_rows(world.members["coach"]) if r.member == rep]
        assert "confidence fell from 4 to 3" in row.reasons


def test_a_co_coach_s_menu_count_is_today_s_list(world: World) -> None:
    """The admin coaches the rep too (not running the plan): the menu counts the answers that
    Today lists for them, not only those of plans they run."""
    accounts_actions.set_relationships(
        world.members["rep"], [world.members["coach"], world.members["admin"]], []
    )
    with time_machine.travel(NOW, tick=False):
        actions.record_response(agreed(world, "Answered just now"), answer="done")
        admin = world.client("admin")
        assert admin.get(reverse("plans", args=["acme"])).context["new_answer_count"] == 1
        assert len(admin.get(reverse("workspace_home", args=["acme"])).context["answers"]) == 1


def test_the_progress_page_says_the_threshold_it_marks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = reverse("rep_progress", args=["acme", world.members["rep"].pk])
    assert "A drop of 2 points or more is marked." in world.client("coach").get(url).text
    monkeypatch.setattr(ConfidenceRating, "ALARMING_DROP", 1)
    assert "A drop of 1 point or more is marked." in world.client("coach").get(url).text
