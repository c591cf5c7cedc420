"""The weekly update's ask: once a week per rep on an active plan, at the rep's own hour, across
a daylight-saving change, through a real SMTP server, with two dispatchers; one reminder,
cancelled by an answer; no ask for a rep with no plan or who left."""

from __future__ import annotations

import datetime as dt
import re
import threading
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Profile
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Plan
from followthrough.followups.dispatcher import Dispatcher, Options
from followthrough.followups.models import FollowUp, State
from followthrough.updates import actions
from followthrough.updates.models import AskSetting, UpdateAsk, WeeklyUpdate
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import Inbox, World

UTC = dt.UTC
# 2026-11-01: New York falls back from EDT (UTC-4) to EST (UTC-5).
FRIDAY_BEFORE = dt.date(2026, 10, 30)
FRIDAY_AFTER = dt.date(2026, 11, 6)


def rep_plan(world: World, rep: str = "rep", starts: dt.date = dt.date(2026, 10, 1)) -> Plan:
    coach = "coach" if rep == "rep" else "admin"
    return coaching.create_plan(
        coach=world.members[coach],
        rep=world.members[rep],
        purpose="Keep the job",
        starts_on=starts,
        deadline=dt.date(2026, 12, 31),
    )


def dispatchers() -> list[Dispatcher]:
    """Two dispatchers, as two machines run them; each plans every time it is asked to loop."""
    options = Options(plan_every=dt.timedelta(0))
    return [Dispatcher(worker="one", options=options), Dispatcher(worker="two", options=options)]


def run_hourly(start: dt.datetime, hours: int, inbox: Inbox) -> list[tuple[dt.datetime, str]]:
    """Both dispatchers loop once every hour from `start`; returns (hour, subject) per message
    that arrived, in order."""
    arrived: list[tuple[dt.datetime, str]] = []
    seen = len(inbox.messages)
    pair = dispatchers()
    for step in range(hours):
        moment = start + dt.timedelta(hours=step)
        with time_machine.travel(moment, tick=False):
            for dispatcher in pair:
                dispatcher.run(once=True)
        for message in inbox.messages[seen:]:
            arrived.append((moment, str(message["Subject"])))
        seen = len(inbox.messages)
    return arrived


def link_in(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    found = re.search(r"http://testserver(/update/\S+/)", str(part.get_content()))
    assert found, part.get_content()
    return found.group(1)


def test_asked_once_a_week_at_the_reps_hour_across_a_dst_change(
    world: World, smtp_server: Inbox
) -> None:
    live_in(world, "rep", NEW_YORK)
    rep_plan(world)
    rep_plan(world, "other_rep")  # other_rep lives in UTC: asked at 15:00 UTC
    arrived = run_hourly(dt.datetime(2026, 10, 26, 0, tzinfo=UTC), 24 * 14, smtp_server)
    to_rep = [
        (at, subject)
        for (at, subject), message in zip(arrived, smtp_server.messages, strict=True)
        if message["To"] == "rep@example.org"
    ]
    asks = [(at, s) for at, s in to_rep if not s.startswith("Reminder")]
    # Friday 15:00 in New York: 19:00 UTC in EDT, 20:00 UTC in EST, and the third Friday too.
    assert [at for at, _s in asks] == [
        dt.datetime(2026, 10, 30, 19, tzinfo=UTC),
        dt.datetime(2026, 11, 6, 20, tzinfo=UTC),
    ]
    assert asks[0][1] == "Your weekly update: the week of 26 October"
    # One reminder each, the next working day (Monday) at 09:00 in New York (EST: 14:00 UTC).
    reminders = [at for at, s in to_rep if s.startswith("Reminder")]
    assert reminders == [dt.datetime(2026, 11, 2, 14, tzinfo=UTC)]  # the 2nd falls after the run
    others = [
        at
        for (at, s), m in zip(arrived, smtp_server.messages, strict=True)
        if m["To"] == "other_rep@example.org" and not s.startswith("Reminder")
    ]
    assert others == [
        dt.datetime(2026, 10, 30, 15, tzinfo=UTC),
        dt.datetime(2026, 11, 6, 15, tzinfo=UTC),
    ]
    assert UpdateAsk.objects.filter(rep=world.members["rep"]).count() == 2
    # Nothing went out twice although both dispatchers planned and sent every hour.
    ids = smtp_server.message_ids()
    assert len(ids) == len(set(ids))


def test_the_rep_chooses_day_and_hour_and_the_weeks_ask_moves(world: World) -> None:
    live_in(world, "rep", "Europe/Madrid", "ES")
    rep_plan(world)
    rep = world.members["rep"]
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, tzinfo=UTC), tick=False):
        assert actions.plan_asks() == 1
        ask = UpdateAsk.objects.get(rep=rep)
        assert ask.followup is not None
        assert ask.followup.send_at == dt.datetime(2026, 11, 6, 14, tzinfo=UTC)  # 15:00 CET
        actions.set_ask_time(rep, 3, 17, rep.user)  # Thursday 17:00
        ask.followup.refresh_from_db()
        assert ask.followup.send_at == dt.datetime(2026, 11, 5, 16, tzinfo=UTC)
        assert ask.followup.state == State.SCHEDULED
        assert AskSetting.of(rep).weekday == 3
        assert actions.plan_asks() == 0  # idempotent: the week has its ask


def test_a_late_planner_asks_at_once_but_not_once_the_week_is_gone(world: World) -> None:
    rep_plan(world)
    rep = world.members["rep"]
    # Every dispatcher was down from Friday morning; back at 20:00 UTC: asked now.
    with time_machine.travel(dt.datetime(2026, 11, 6, 20, tzinfo=UTC), tick=False):
        assert actions.plan_asks() == 1
        assert UpdateAsk.objects.get(rep=rep).followup.send_at == timezone.now()  # type: ignore[union-attr]
    UpdateAsk.objects.all().delete()
    # Back only on Sunday: that week is let go rather than asked on the weekend.
    with time_machine.travel(dt.datetime(2026, 11, 8, 12, tzinfo=UTC), tick=False):
        assert actions.plan_asks() == 0


def test_no_plan_no_ask_and_a_closed_or_future_plan_neither(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, tzinfo=UTC), tick=False):
        assert actions.plan_asks() == 0  # nobody has a plan
        rep_plan(world, starts=dt.date(2026, 12, 1))  # starts after this week
        assert actions.plan_asks() == 0
        assert not UpdateAsk.objects.exists()


def test_a_deactivated_rep_is_not_asked_and_the_pending_ask_is_cancelled(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rep_plan(world)
    rep = world.members["rep"]
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, tzinfo=UTC), tick=False):
        actions.plan_asks()
        ask = UpdateAsk.objects.get(rep=rep)
        with django_capture_on_commit_callbacks(execute=True):
            accounts.deactivate_member(rep, by=world.members["admin"])
        states = set(FollowUp.objects.filter(recipient=rep.user).values_list("state", flat=True))
        assert states == {State.CANCELLED}
        assert ask.followup is not None
    # Next week: not asked any more.
    with time_machine.travel(dt.datetime(2026, 11, 9, 7, tzinfo=UTC), tick=False):
        assert actions.plan_asks() == 0


def test_closing_the_plan_cancels_the_pending_ask_at_the_next_planning(world: World) -> None:
    plan = rep_plan(world)
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, tzinfo=UTC), tick=False):
        actions.plan_asks()
        Plan.objects.filter(pk=plan.pk).update(closed_at=timezone.now())
        actions.plan_asks()
        states = set(
            FollowUp.objects.filter(kind__startswith="weekly_update").values_list(
                "state", flat=True
            )
        )
        assert states == {State.CANCELLED}


def test_a_plan_opened_mid_week_is_asked_that_week(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 4, 10, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            rep_plan(world, starts=dt.date(2026, 11, 4))
        ask = UpdateAsk.objects.get(rep=world.members["rep"])
        assert ask.week == dt.date(2026, 11, 2)
        assert ask.followup is not None and ask.followup.send_at == dt.datetime(
            2026, 11, 6, 15, tzinfo=UTC
        )


def test_answering_cancels_the_reminder_and_writing_again_edits(
    world: World, smtp_server: Inbox
) -> None:
    rep_plan(world)
    rep = world.members["rep"]
    arrived = run_hourly(dt.datetime(2026, 11, 6, 14, tzinfo=UTC), 2, smtp_server)
    assert [s for _at, s in arrived] == ["Your weekly update: the week of 2 November"]
    link = link_in(smtp_server.messages[0])
    with time_machine.travel(dt.datetime(2026, 11, 6, 16, tzinfo=UTC), tick=False):
        page = world.client(None).post(link, {"wins": "Closed Dana", "confidence": "4"})
        assert page.status_code == 200, page.content[:500]
        page = world.client(None).post(link, {"wins": "Closed Dana and Lee", "confidence": "3"})
        assert page.status_code == 200
    update = WeeklyUpdate.objects.get(rep=rep)
    assert (update.wins, update.confidence, update.week) == (
        "Closed Dana and Lee",
        3,
        dt.date(2026, 11, 2),
    )
    # One confidence rating, edited with the update; the rest of the app sees it.
    assert rep.confidence_ratings.count() == 1
    assert rep.confidence_ratings.get().rating == 3
    assert update.confidence_rating == rep.confidence_ratings.get()
    # No reminder on Monday: it was cancelled by the answer. (The coach's and the
    # stakeholder's weekly digests about the rep's week go out then: Monday 08:00.)
    arrived = run_hourly(dt.datetime(2026, 11, 9, 8, tzinfo=UTC), 3, smtp_server)
    assert [s for _at, s in arrived if not s.startswith("Rep: the week from")] == []
    assert len(arrived) == 2
    reminder = UpdateAsk.objects.get(rep=rep, week=dt.date(2026, 11, 2)).reminder
    assert reminder is not None and reminder.state == State.CANCELLED
    verbs = list(rep.events.filter(verb__startswith="update.").values_list("verb", flat=True))
    # Asked for this week and, on Monday, for the next one.
    assert sorted(verbs) == ["update.asked", "update.asked", "update.edited", "update.written"]


def test_written_before_the_ask_goes_out_no_ask(world: World) -> None:
    rep_plan(world)
    rep = world.members["rep"]
    with time_machine.travel(dt.datetime(2026, 11, 4, 10, tzinfo=UTC), tick=False):
        actions.write_update(rep, dt.date(2026, 11, 4), wins="Early", by=rep.user)
        actions.plan_asks()
    ask = UpdateAsk.objects.get(rep=rep)
    assert ask.followup is None and ask.reminder is None


@pytest.mark.django_db(transaction=True)
def test_two_planners_at_the_same_moment_write_one_ask(world: World) -> None:
    """Two dispatchers planning at once (two machines): one ask, one reminder, one row."""
    moment = dt.datetime(2026, 11, 2, 7, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        rep_plan(world)  # its receiver plans this week's ask once committed: undone here
    UpdateAsk.objects.all().delete()
    FollowUp.objects.all().delete()
    start = threading.Barrier(2)
    written: list[int] = []

    def plan() -> None:
        try:
            with time_machine.travel(moment, tick=False):
                start.wait()
                written.append(actions.plan_asks())
        finally:
            connection.close()

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(written) == [0, 1]
    assert UpdateAsk.objects.filter(rep=world.members["rep"]).count() == 1
    assert FollowUp.objects.filter(kind=actions.ASK).count() == 1
    assert FollowUp.objects.filter(kind=actions.REMINDER).count() == 1


def test_a_planner_that_fails_does_not_stop_the_mail(world: World, monkeypatch: Any) -> None:
    from followthrough.followups import planners

    def broken(now: dt.datetime) -> None:
        raise RuntimeError("bug")

    planners.register("zz_broken", broken)
    try:
        outcomes = planners.run_all(timezone.now())
    finally:
        planners.unregister("zz_broken")
    assert isinstance(outcomes["zz_broken"], RuntimeError)
    assert "weekly_update_asks" in outcomes


def test_the_ask_speaks_the_reps_language(world: World) -> None:
    Profile.objects.filter(user=world.user("rep")).update(language="es")
    rep_plan(world)
    with time_machine.travel(dt.datetime(2026, 11, 2, 7, tzinfo=UTC), tick=False):
        actions.plan_asks()
    ask = UpdateAsk.objects.get()
    assert ask.followup is not None and ask.reminder is not None
    message = ask.followup.build_message()
    assert message.subject == "Tu actualización semanal: la semana del 2 de noviembre"
    assert "Escribe mi actualización semanal" in str(message.alternatives[0][0])
    assert ask.reminder.build_message().subject.startswith("Recordatorio")
