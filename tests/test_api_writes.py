"""The writes the API gained after its first pass, each through the app's actions (Events
written) and checked by the pages' own forms: a plan opened, a session scheduled and finished,
one's own weekly digest changed, a client quote approved or declined; and the client contacts.
Each with its happy path, a refusal that changes nothing and bad input."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from django.utils import timezone
from pydantic import BaseModel

from followthrough.api import routers
from followthrough.clients.models import ClientCheckIn, QuoteState
from followthrough.coaching.models import Plan, Session, SessionState
from followthrough.digests.models import Subscription
from followthrough.events.models import Event
from followthrough.metrics.models import Metric
from tests.api_helpers import call, token_of
from tests.binder_helpers import answer as quote_of
from tests.builders import commitment_of, plan_of, session_of
from tests.clients_helpers import client_of
from tests.conftest import World
from tests.test_api import assert_problem

COMMENT = "Derek called back the same day and fixed our renewal."


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def at(days: int) -> str:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def plan_body(world: World, **changes: object) -> dict[str, object]:
    return {
        "rep_id": world.members["rep"].pk,
        "purpose": "Double the referrals",
        "starts_on": day(0),
        "deadline": day(60),
        **changes,
    }


# Plans and sessions ---------------------------------------------------------------------------


def test_a_coach_opens_a_plan_with_a_metric_target(world: World) -> None:
    metric = Metric.of(world.workspace).first()
    assert metric is not None
    body = plan_body(
        world,
        target_metric=metric.name,
        target_low=10,
        target_high=12.5,
        stakeholder_ids=[world.members["stakeholder"].pk],
    )
    created = call(token_of(world, "coach"), "post", "/plans", body)
    assert created.status_code == 201, created.content
    plan = Plan.objects.get(pk=created.json()["id"])
    assert plan.coach == world.members["coach"] and plan.rep == world.members["rep"]
    assert str(plan.target_high) == "12.50"
    assert list(plan.stakeholders.all()) == [world.members["stakeholder"]]
    assert Event.objects.filter(verb="plan.opened").count() == 1


def test_plans_refused_change_nothing(world: World) -> None:
    assert_problem(call(token_of(world, "rep"), "post", "/plans", plan_body(world)), 403)
    coach = token_of(world, "coach")
    # A coach names no other coach, and opens plans only for the people they coach.
    other = plan_body(world, coach_id=world.members["admin"].pk)
    assert assert_problem(call(coach, "post", "/plans", other), 409)["errors"][0]["field"] == (
        "coach_id"
    )
    not_theirs = plan_body(world, rep_id=world.members["other_rep"].pk)
    assert_problem(call(coach, "post", "/plans", not_theirs), 409)
    assert not Plan.objects.exists() and not Event.objects.filter(verb="plan.opened").exists()


def test_bad_plans(world: World) -> None:
    coach = token_of(world, "coach")
    backwards = assert_problem(
        call(coach, "post", "/plans", plan_body(world, deadline=day(-1))), 409
    )
    assert [e["field"] for e in backwards["errors"]] == ["deadline"]
    typo = assert_problem(
        call(coach, "post", "/plans", plan_body(world, target_metric="Revenu")), 409
    )
    assert "metrics" in typo["errors"][0]["message"]
    assert_problem(call(coach, "post", "/plans", plan_body(world, starts_on="tomorrow")), 422)
    assert_problem(call(coach, "post", "/plans", plan_body(world, target_low="10")), 422)
    assert_problem(call(coach, "post", "/plans", plan_body(world, colour="red")), 422)
    assert not Plan.objects.exists()


def test_schedule_a_session(world: World) -> None:
    plan = plan_of(world)
    coach = token_of(world, "coach")
    made = call(
        coach, "post", f"/plans/{plan.pk}/sessions", {"starts_at": at(3), "location": "Zoom"}
    )
    assert made.status_code == 201, made.content
    session = Session.objects.get(pk=made.json()["id"])
    assert session.location == "Zoom" and session.invited and session.duration_minutes == 45
    assert Event.objects.filter(verb="session.scheduled").count() == 1
    assert_problem(
        call(
            token_of(world, "stakeholder"),
            "post",
            f"/plans/{plan.pk}/sessions",
            {"starts_at": at(3)},
        ),
        403,
    )
    old = assert_problem(
        call(coach, "post", f"/plans/{plan.pk}/sessions", {"starts_at": at(-400)}), 409
    )
    assert old["errors"][0]["field"] == "starts_at"
    assert_problem(
        call(coach, "post", f"/plans/{plan.pk}/sessions", {"starts_at": "2027-01-05"}), 422
    )
    assert_problem(
        call(
            coach,
            "post",
            f"/plans/{plan.pk}/sessions",
            {"starts_at": at(3), "duration_minutes": 1000},
        ),
        422,
    )
    assert Session.objects.count() == 1


def test_finish_a_session_with_its_commitments(world: World) -> None:
    commitment = commitment_of(world)
    session = commitment.session
    coach = token_of(world, "coach")
    path = f"/sessions/{session.pk}/finish"
    # Set for 2099: not held yet, so finishing it says it took place now.
    early = assert_problem(call(coach, "post", path, {}), 409)
    assert early["errors"][0]["field"] == "held_now"
    assert_problem(call(coach, "post", path, {"held_now": True, "next_starts_at": at(-2)}), 409)
    assert_problem(call(token_of(world, "rep"), "post", path, {"held_now": True}), 403)
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED
    done = call(coach, "post", path, {"held_now": True, "next_starts_at": at(7)})
    assert done.status_code == 200, done.content
    assert done.json()["session"]["state"] == SessionState.FINISHED
    assert done.json()["next_session"]["plan_id"] == session.plan_id
    assert Event.objects.filter(verb="session.finished").count() == 1
    again = assert_problem(call(coach, "post", path, {"held_now": True}), 409)
    assert "finished" in again["detail"]


def test_a_session_with_nothing_agreed_finishes_only_when_said(world: World) -> None:
    session = session_of(world)
    coach = token_of(world, "coach")
    path = f"/sessions/{session.pk}/finish"
    body = assert_problem(call(coach, "post", path, {"held_now": True}), 409)
    assert "No commitments" in body["detail"]
    finished = call(coach, "post", path, {"held_now": True, "nothing_agreed": True})
    assert finished.status_code == 200 and finished.json()["next_session"] is None


# One's own weekly digest ----------------------------------------------------------------------


def test_change_ones_own_digest(world: World) -> None:
    stakeholder = token_of(world, "stakeholder")
    changed = call(stakeholder, "patch", "/digest-subscription", {"weekday": 4, "hour": 7})
    assert changed.status_code == 200, changed.content
    found = Subscription.objects.get(recipient=world.members["stakeholder"])
    assert (found.weekday, found.hour) == (4, 7)
    assert changed.json()["next_send_at"] is not None
    stopped = call(stakeholder, "patch", "/digest-subscription", {"stopped": True})
    assert stopped.json()["stopped_at"] is not None and stopped.json()["hour"] == 7
    assert Event.objects.filter(verb="digest.preferences_changed").count() == 2
    assert call(stakeholder, "get", "/digest-subscription").json()["weekday"] == 4


def test_bad_digest_changes_change_nothing(world: World) -> None:
    assert_problem(call(token_of(world, "rep"), "patch", "/digest-subscription", {"hour": 7}), 403)
    coach = token_of(world, "coach")
    assert_problem(call(coach, "patch", "/digest-subscription", {"hour": 25}), 422)
    past = assert_problem(
        call(coach, "patch", "/digest-subscription", {"paused_until": day(-3)}), 409
    )
    assert past["errors"][0]["field"] == "paused_until"
    nobody = assert_problem(call(coach, "patch", "/digest-subscription", {"scope": "chosen"}), 409)
    assert nobody["errors"][0]["field"] == "reps"
    # Only reps one follows or coaches may be chosen.
    other = {"scope": "chosen", "reps": [world.members["other_rep"].pk]}
    assert_problem(call(coach, "patch", "/digest-subscription", other), 409)
    bad_zone = assert_problem(
        call(coach, "patch", "/digest-subscription", {"time_zone": "Mars/Base"}), 409
    )
    assert bad_zone["errors"][0]["field"] == "time_zone"
    assert not Subscription.objects.filter(recipient=world.members["coach"]).exists()
    assert not Event.objects.filter(verb="digest.preferences_changed").exists()


# Client contacts and the binder's quotes ------------------------------------------------------


def test_contacts_for_who_keeps_the_pipeline(world: World) -> None:
    contact = client_of(world)
    client_of(world, "other_rep")
    rep = token_of(world, "rep")
    listed = call(rep, "get", "/contacts").json()["items"]
    assert [c["id"] for c in listed] == [contact.pk]
    assert listed[0]["deals"] == [contact.deals.get().pk]
    assert call(rep, "get", "/contacts?q=account%20of%20rep").json()["items"][0]["id"] == contact.pk
    assert call(rep, "get", "/contacts?q=nobody").json()["items"] == []
    assert len(call(token_of(world, "admin"), "get", "/contacts").json()["items"]) == 2
    stakeholder = token_of(world, "stakeholder")
    assert call(stakeholder, "get", "/contacts").json()["items"] == []
    assert_problem(call(stakeholder, "get", f"/contacts/{contact.pk}"), 403)
    assert_problem(call(token_of(world, "other_rep"), "get", f"/contacts/{contact.pk}"), 403)
    assert_problem(call(rep, "get", "/contacts?q=" + "x" * 300), 422)
    twice = assert_problem(call(rep, "get", "/contacts?q=a&q=b"), 422)
    assert twice["errors"] == [
        {"field": "q", "message": "give this parameter once", "type": "repeated"}
    ]


def test_schema_names_are_unique_across_routers() -> None:
    """The OpenAPI components are named after the classes: two routers' `MoveIn` would share
    one, and one operation would be documented with the other's body."""
    seen: dict[str, str] = {}
    for module in pkgutil.iter_modules(routers.__path__):
        loaded = importlib.import_module(f"{routers.__name__}.{module.name}")
        for name, value in vars(loaded).items():
            is_schema = isinstance(value, type) and issubclass(value, BaseModel)
            if is_schema and value.__module__ == loaded.__name__:
                assert name not in seen, f"{name} in {seen[name]} and {module.name}"
                seen[name] = module.name


def test_approve_and_decline_quotes(world: World) -> None:
    waiting = quote_of(world, COMMENT)
    coach = token_of(world, "coach")
    assert [
        q["id"] for q in call(coach, "get", "/quotes?quote_state=candidate").json()["items"]
    ] == [waiting.pk]
    shortened = "Derek called back the same day …"
    approved = call(coach, "post", f"/quotes/{waiting.pk}/approve", {"text": shortened})
    assert approved.status_code == 200, approved.content
    assert approved.json()["quote_state"] == QuoteState.APPROVED
    assert approved.json()["quote_text"] == shortened
    assert Event.objects.filter(verb="client_quote.approved").count() == 1
    declined = call(token_of(world, "rep"), "post", f"/quotes/{waiting.pk}/decline")
    assert declined.json()["quote_state"] == QuoteState.DECLINED
    # Declined stays out of the binder.
    body = assert_problem(call(coach, "post", f"/quotes/{waiting.pk}/approve", {"text": ""}), 409)
    assert "declined" in body["detail"]


def test_quotes_refused_and_bad_words_change_nothing(world: World) -> None:
    waiting = quote_of(world, COMMENT)
    assert_problem(
        call(token_of(world, "stakeholder"), "post", f"/quotes/{waiting.pk}/decline"), 403
    )
    assert_problem(
        call(token_of(world, "other_rep"), "post", f"/quotes/{waiting.pk}/approve", {}), 403
    )
    coach = token_of(world, "coach")
    added = assert_problem(
        call(
            coach, "post", f"/quotes/{waiting.pk}/approve", {"text": "Derek is the best rep ever"}
        ),
        409,
    )
    assert "own words" in added["detail"]
    assert_problem(call(coach, "post", f"/quotes/{waiting.pk}/approve", {"text": 5}), 422)
    assert call(token_of(world, "stakeholder"), "get", "/quotes").json()["items"] == []
    waiting.refresh_from_db()
    assert waiting.quote_state == QuoteState.CANDIDATE
    assert not Event.objects.filter(verb__startswith="client_quote.").exists()
    assert ClientCheckIn.objects.count() == 1
