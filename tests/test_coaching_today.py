"""The coach's Today page and its rates; the workspace's check-in rule; holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Session
from followthrough.coaching.queries import rates
from followthrough.coaching.templatetags.coaching import days_from
from followthrough.followups.models import FollowUp, Kind
from tests.coaching_helpers import NEW_YORK, live_in, make_session
from tests.conftest import World

UTC = dt.UTC
MONDAY = dt.datetime(2026, 11, 16, 14, 0, tzinfo=UTC)  # 09:00 in New York


def agree(world: World, text: str, due: dt.date, finish: bool = True) -> Commitment:
    session = make_session(world, starts_at=MONDAY)
    commitment = actions.add_commitment(
        session, owner=world.members["rep"], text=text, due_on=due, by=world.user("coach")
    )
    if finish:
        actions.finish_session(session, by=world.user("coach"))
    return commitment


def test_rates_count_due_commitments_with_an_answer_and_those_done(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(MONDAY, tick=False) as clock:
        coach = world.members["coach"]
        assert rates(coach, dt.date(2026, 11, 16))["follow_through"] is None  # nothing due yet
        done = agree(world, "Done one", dt.date(2026, 11, 17))
        partly = agree(world, "Partly one", dt.date(2026, 11, 17))
        silent = agree(world, "Silent one", dt.date(2026, 11, 17))
        dropped = agree(world, "Dropped one", dt.date(2026, 11, 17))
        agree(world, "Not due yet", dt.date(2026, 11, 30))
        actions.record_response(done, answer="done")
        actions.record_response(partly, answer="partly")
        actions.drop_commitment(dropped, by=world.user("coach"))
        clock.move_to(dt.datetime(2026, 11, 19, 14, 0, tzinfo=UTC))
        figures = rates(coach, dt.date(2026, 11, 19))
        # Due and not dropped: three. Two answered, one done.
        assert figures == {"follow_through": 67, "completion": 33, "due": 3}
        assert silent.pk


def test_today_lists_new_answers_once_and_what_goes_out_today(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    live_in(world, "coach", NEW_YORK)
    with time_machine.travel(MONDAY, tick=False) as clock:
        commitment = agree(world, "Ask Dana for two referrals", dt.date(2026, 11, 16))
        today_url = reverse("workspace_home", args=["acme"])
        coach = world.client("coach")
        page = coach.get(today_url).text
        assert "Ask Dana for two referrals" in page.split('id="due-title"')[1]
        clock.move_to(dt.datetime(2026, 11, 18, 13, 0, tzinfo=UTC))
        page = coach.get(today_url).text
        going_out = page.split('id="out-title"')[1].split("</section>")[0]
        assert "Check-in" in going_out and "09:00" in going_out  # the coach's time
        clock.shift(dt.timedelta(minutes=5))
        actions.record_response(commitment, answer="done", comment="Both said yes")
        clock.shift(dt.timedelta(minutes=5))
        assert "Both said yes" in coach.get(today_url).text
        # Seen once: the next visit lists it no more.
        assert "Both said yes" not in coach.get(today_url).text


def test_the_workspace_sets_when_check_ins_go_out(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    world.workspace.checkin_working_days = 1
    world.workspace.checkin_time = dt.time(14, 30)
    world.workspace.save()
    with time_machine.travel(MONDAY, tick=False):
        commitment = agree(world, "Send the proposal", dt.date(2026, 11, 16))
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN, about_id=commitment.pk)
        # Tuesday 17 November, 14:30 EST.
        assert checkin.send_at == dt.datetime(2026, 11, 17, 19, 30, tzinfo=UTC)


def test_thanksgiving_is_not_a_working_day(world: World) -> None:
    live_in(world, "rep", NEW_YORK, country="US")
    with time_machine.travel(MONDAY, tick=False):
        commitment = agree(world, "Close Harbor deal", dt.date(2026, 11, 25))
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN, about_id=commitment.pk)
        # Wednesday due; Thursday is Thanksgiving: Friday 27 is one, Monday 30 is two.
        assert checkin.send_at == dt.datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def test_a_custom_follow_up_time_wins_over_the_rule(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(MONDAY, tick=False):
        session = make_session(world, starts_at=MONDAY)
        response = world.client("coach").post(
            reverse("commitment_add", args=["acme", session.pk]),
            {
                "text": "Book three meetings",
                "owner": world.members["rep"].pk,
                "due_on": "2026-11-18",
                "followup_at": "2026-11-18T16:00",  # the coach's time: UTC here
            },
        )
        assert response.status_code == 302
        actions.finish_session(session, by=world.user("coach"))
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        assert checkin.send_at == dt.datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def test_a_commitment_added_after_finishing_is_followed_up_at_once(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        session = make_session(world, starts_at=MONDAY)
        actions.finish_session(session, by=world.user("coach"), nothing_agreed=True)
        actions.add_commitment(
            session,
            owner=world.members["rep"],
            text="Forgot this one",
            due_on=dt.date(2026, 11, 20),
            by=world.user("coach"),
        )
        assert FollowUp.objects.filter(kind=Kind.CHECK_IN).count() == 1


def test_an_admin_sets_when_check_ins_go_out(world: World) -> None:
    url = reverse("workspace_settings", args=["acme"])
    admin = world.client("admin")
    assert admin.get(url).status_code == 200
    bad = admin.post(
        url,
        {
            "name": "Acme",
            "checkin_working_days": 40,
            "checkin_time": "25:00",
            "reminder_working_days": 0,
        },
    )
    assert bad.status_code == 400
    assert "Between 0" in bad.text and "Between 1" in bad.text and "Enter a valid time" in bad.text
    world.workspace.refresh_from_db()
    assert world.workspace.checkin_working_days == 2
    ok = admin.post(
        url,
        {
            "name": "Acme Insurance",
            "country": "US",
            "checkin_working_days": 1,
            "checkin_time": "08:30",
            "reminder_working_days": 3,
        },
    )
    assert ok.status_code == 302
    world.workspace.refresh_from_db()
    assert (world.workspace.checkin_working_days, world.workspace.checkin_time) == (
        1,
        dt.time(8, 30),
    )
    for visitor in ("coach", "rep", "stakeholder"):
        assert world.client(visitor).post(url, {"name": "Hacked"}).status_code == 403
    assert world.client("outsider").get(url).status_code == 404
    world.workspace.refresh_from_db()
    assert world.workspace.name == "Acme Insurance"


def test_the_coach_sees_a_count_of_new_answers_on_every_page(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False) as clock:
        commitment = agree(world, "Call Dana", dt.date(2026, 11, 20))
        coach = world.client("coach")
        coach.get(reverse("workspace_home", args=["acme"]))  # seen: nothing new
        clock.shift(dt.timedelta(minutes=1))
        actions.record_response(commitment, answer="partly", numbers={})
        clock.shift(dt.timedelta(minutes=1))
        people = coach.get(reverse("people", args=["acme"])).text
        assert '1<span class="visually-hidden"> new answer</span>' in people
        coach.get(reverse("workspace_home", args=["acme"]))
        clock.shift(dt.timedelta(minutes=1))
        assert "new answer" not in coach.get(reverse("people", args=["acme"])).text


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_pages_do_not_query_per_commitment(world: World) -> None:
    """Today, the rep's page, a plan and a session cost the same number of queries with three
    commitments in every state as with one."""

    def add_round(n: int) -> Session:
        session = make_session(world, plan, starts_at=MONDAY)
        for i in range(n):
            for state in ("done", "partly", "talk", "silent"):
                c = actions.add_commitment(
                    session,
                    owner=world.members["rep"],
                    text=f"{state} {i}",
                    due_on=dt.date(2026, 11, 16),
                    measures=[{"name": "calls", "target": 3}],
                    by=world.user("coach"),
                )
                if state != "silent":
                    actions.record_response(c, answer=state, numbers={"calls": 1})
        actions.finish_session(session, by=world.user("coach"))
        return session

    with time_machine.travel(MONDAY, tick=False) as clock:
        plan = make_session(world).plan
        add_round(1)  # so that the first session's agenda is not empty either
        first = add_round(1)
        clock.move_to(dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # open loops by now
        pages = {
            "coach": [
                reverse("workspace_home", args=["acme"]),
                plan.get_absolute_url(),
                first.get_absolute_url(),
                reverse("todos", args=["acme"]),
            ],
            "rep": [reverse("workspace_home", args=["acme"])],
        }
        before = {
            (who, url): count_queries(world.client(who), url)
            for who, urls in pages.items()
            for url in urls
        }
        add_round(3)
        after = {
            (who, url): count_queries(world.client(who), url)
            for who, urls in pages.items()
            for url in urls
        }
        assert after == before


def test_days_left_are_plain_days() -> None:
    today = dt.date(2026, 11, 22)
    assert days_from(dt.date(2027, 1, 21), today) == "60 days left"
    assert days_from(dt.date(2026, 11, 23), today) == "1 day left"
    assert days_from(today, today) == "today"
    assert days_from(dt.date(2026, 11, 19), today) == "passed 3 days ago"
