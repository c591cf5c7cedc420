"""The event log: written in the action's transaction, told to listeners only after commit,
and read back on the History pages by the same rules as every other page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching import events as coaching_events
from followthrough.events import actions as events
from followthrough.events.models import Event
from tests.builders import plan_of
from tests.conftest import World


def test_an_event_rolled_back_is_neither_kept_nor_told(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    told: list[Event] = []
    monkeypatch.setattr(events, "_receivers", [])
    events.listen("test.", told.append)
    plan = plan_of(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        coaching_events.log("test.thing", plan, plan, world.user("coach"))
        raise RuntimeError("the action failed")
    assert not Event.objects.filter(verb="test.thing").exists()
    with django_capture_on_commit_callbacks(execute=True):
        kept = coaching_events.log("test.thing", plan, plan, world.user("coach"))
        assert told == []  # not before the commit
    assert [e.pk for e in told] == [kept.pk]


def test_history_tells_the_story_and_keeps_private_lines_for_coaches(world: World) -> None:
    plan = plan_of(world)
    coach = world.user("coach")
    with time_machine.travel(dt.datetime(2026, 12, 1, 14, 14, tzinfo=dt.UTC), tick=False):
        coaching_events.log(
            "commitment.answered",
            plan,
            plan,
            world.user("rep"),
            answer="partly",
            numbers="calls 5, referrals asked 4",
            text="Call ten past clients",
        )
        coaching_events.log("session.finished", plan, plan, coach, agreed=1)
        coaching_events.log(
            "session.notes_saved", plan, plan, coach, private=True, starts="2026-12-01T14:00:00Z"
        )
    page = world.client("coach").get(reverse("plan_history", args=["acme", plan.pk]))
    assert "Rep answered Partly: calls 5, referrals asked 4 (Call ten past clients)" in page.text
    assert "Coach finished a session: 1 next step agreed" in page.text
    assert "Coach saved notes on the session of Tue 1 Dec, 14:00" in page.text
    for reader in ("stakeholder", "rep"):
        page = world.client(reader).get(reverse("rep_history", args=["acme", plan.rep.pk]))
        assert "Rep answered Partly" in page.text
        assert "saved notes" not in page.text, reader


def test_text_from_people_is_escaped_in_history(world: World) -> None:
    plan = plan_of(world)
    coaching_events.log(
        "commitment.dropped", plan, plan, world.user("coach"), text="<script>alert(1)</script>"
    )
    page = world.client("coach").get(reverse("plan_history", args=["acme", plan.pk]))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_loop_writes_its_story(world: World) -> None:
    """Every step of the loop, done through the real actions, leaves its line: who did what."""
    coach = world.user("coach")
    set_up = list(Event.objects.values_list("pk", flat=True))  # who coaches whom, by the world
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC), tick=False):
        plan = plan_of(world)
        session = actions.schedule_session(
            plan, dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC), by=coach
        )
        actions.save_notes(session, private_notes="Nervous", summary="Good call", by=coach)
        commitment = actions.add_commitment(
            session,
            owner=world.members["rep"],
            text="Call ten past clients",
            due_on=dt.date(2026, 12, 4),
            measures=[{"name": "calls", "target": 10}],
            by=coach,
        )
        actions.finish_session(session, by=coach)
        actions.record_response(commitment, answer="partly", numbers={"calls": 5})
    story = Event.objects.exclude(pk__in=set_up).order_by("id")
    verbs = list(story.values_list("verb", "actor__email"))
    assert verbs == [
        ("plan.opened", "coach@example.org"),
        ("session.scheduled", "coach@example.org"),
        ("session.notes_saved", "coach@example.org"),
        ("commitment.agreed", "coach@example.org"),
        ("session.finished", "coach@example.org"),
        ("commitment.answered", "rep@example.org"),  # the link acts for its rep
    ]
    assert set(story.values_list("plan_id", flat=True)) == {plan.pk}
    page = world.client("stakeholder").get(reverse("plan_history", args=["acme", plan.pk]))
    lines = [line for line in page.text.splitlines() if "<time" in line]
    assert "Rep answered Partly: calls 5 (Call ten past clients)" in lines[0]  # newest first
    assert "Coach recorded a session held Tue 1 Dec, 14:00" in lines[-2]
    assert "Nervous" not in page.text and "saved notes" not in page.text
