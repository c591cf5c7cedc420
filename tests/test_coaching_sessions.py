"""Sessions at the edges of time: quick due dates on every weekday, a session finished before
it starts, and a call that already took place recorded after the fact."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching.models import Session, SessionState
from followthrough.followups.models import FollowUp, Kind, State
from tests.coaching_helpers import make_plan
from tests.conftest import World, dispatch
from tests.test_coaching_calendar import calendar_of, event_of

# Monday 7 December 2026, 14:00 UTC: the server's zone in the tests.
MONDAY = dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.UTC)


class _Chips(HTMLParser):
    """The quick-date chips of a page, with the field each sits in and fills."""

    def __init__(self) -> None:
        super().__init__()
        self.field_input: str | None = None  # the last input seen inside a .field
        self.chips: list[dict[str, str]] = []
        self._chip: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "div" and "field" in found.get("class", "").split():
            self.field_input = None
        if tag in ("input", "textarea", "select") and "id" in found:
            self.field_input = found["id"]
        if tag == "button" and "data-date" in found:
            self._chip = {**found, "beside": self.field_input or "", "text": ""}

    def handle_data(self, data: str) -> None:
        if self._chip is not None:
            self._chip["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._chip is not None:
            self.chips.append(self._chip)
            self._chip = None


def chips_of(html: str) -> list[dict[str, str]]:
    parser = _Chips()
    parser.feed(html)
    return parser.chips


@pytest.mark.parametrize("days", range(7), ids=lambda d: (MONDAY + dt.timedelta(d)).strftime("%a"))
def test_quick_dates_sit_by_the_due_date_show_their_date_and_never_repeat_one(
    world: World, days: int
) -> None:
    now = MONDAY + dt.timedelta(days=days)
    today = now.date()
    with time_machine.travel(now, tick=False):
        session = actions.schedule_session(make_plan(world), now, by=world.user("coach"))
        page = world.client("coach").get(session.get_absolute_url()).text
    chips = chips_of(page)
    dates = [dt.date.fromisoformat(c["data-date"]) for c in chips]
    assert len(dates) == len(set(dates)), f"two chips for one date: {chips}"
    assert dates == sorted(dates) and all(d > today for d in dates)
    assert today + dt.timedelta(days=1) in dates and today + dt.timedelta(days=7) in dates
    for chip, day in zip(chips, dates, strict=True):
        # Placed right after the "By" input, filling it, and saying which day it is.
        assert chip["beside"] == chip["data-for"] == "id_due_on"
        assert f"{day:%a} {day.day} {day:%b}" in " ".join(chip["text"].split())
    labels = [c["text"].split("·")[0].strip() for c in chips]
    assert labels[0] == "Tomorrow"
    # The usual deadlines are offered (once) whatever the day.
    for weekday in (0, 3, 4):
        assert any(d.weekday() == weekday for d in dates if d <= today + dt.timedelta(days=7))


# Finishing before the start ---------------------------------------------------------------------


def test_finishing_before_the_start_asks_first_then_records_it_as_held_now(
    world: World,
) -> None:
    starts = MONDAY + dt.timedelta(days=3)
    with time_machine.travel(MONDAY, tick=False):
        session = actions.schedule_session(make_plan(world), starts, by=world.user("coach"))
        finish = reverse("session_finish", args=["acme", session.pk])
        coach = world.client("coach")
        page = coach.get(session.get_absolute_url()).text
        assert "record it as held now" in page and "has not happened yet" in page

        asked = coach.post(finish, {"confirm_empty": "1"})
        assert asked.status_code == 400 and "has not started yet" in asked.text
        session.refresh_from_db()
        assert session.state == SessionState.SCHEDULED and not FollowUp.objects.exists()

        done = coach.post(finish, {"confirm_empty": "1", "held_now": "1"})
        assert done.status_code == 302
        session.refresh_from_db()
        assert session.state == SessionState.FINISHED and session.starts_at == MONDAY
        recap = FollowUp.objects.get(kind=Kind.RECAP).build_message()
        assert "7 December" in recap.subject and "10 December" not in recap.subject


def test_a_started_session_finishes_without_the_question(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        session = actions.schedule_session(
            make_plan(world), MONDAY - dt.timedelta(minutes=30), by=world.user("coach")
        )
        page = world.client("coach").get(session.get_absolute_url()).text
        assert "held_now" not in page
        response = world.client("coach").post(
            reverse("session_finish", args=["acme", session.pk]), {"confirm_empty": "1"}
        )
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.starts_at == MONDAY - dt.timedelta(minutes=30)


def test_held_now_cancels_an_invitation_not_yet_sent(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        session = actions.schedule_session(
            make_plan(world), MONDAY + dt.timedelta(days=2), by=world.user("coach"), invite=True
        )
        actions.finish_session(session, by=world.user("coach"), held_now=True, nothing_agreed=True)
        session.refresh_from_db()
        invites = FollowUp.objects.filter(kind=Kind.MEETING_INVITE)
        assert not invites.exclude(state=State.CANCELLED).exists()
        assert not session.invited and session.starts_at == MONDAY


def test_held_now_updates_an_invitation_already_sent(world: World) -> None:
    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        session = actions.schedule_session(
            make_plan(world), MONDAY + dt.timedelta(days=2), by=world.user("coach"), invite=True
        )
        assert dispatch().sent == 2
    with time_machine.travel(MONDAY, tick=False):
        actions.finish_session(session, by=world.user("coach"), held_now=True, nothing_agreed=True)
        session.refresh_from_db()
        updates = FollowUp.objects.filter(kind=Kind.MEETING_INVITE, state=State.SCHEDULED)
        assert updates.count() == 2 and session.sequence == 1 and session.invited
        for update in updates:
            calendar = calendar_of(update.build_message().message(), MONDAY, 45)
            assert str(calendar["METHOD"]) == "REQUEST"
            assert int(str(event_of(calendar)["SEQUENCE"])) == 1


# Recording a session that took place -----------------------------------------------------------


def post_session(world: World, starts_at: str) -> Session:
    plan = make_plan(world)
    response = world.client("coach").post(
        reverse("session_new", args=["acme", plan.pk]),
        {"starts_at": starts_at, "duration_minutes": 30, "invite": "on"},
        follow=True,
    )
    assert response.status_code == 200, response.text
    return Session.objects.get(plan=plan)


def test_a_call_that_just_happened_is_recorded_without_an_invitation(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        session = post_session(world, "2026-12-07T11:00")  # three hours ago
        assert session.starts_at == dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)
        assert not session.invited
        assert not FollowUp.objects.filter(kind=Kind.MEETING_INVITE).exists()
        # It is finished like any session, with no question about its start.
        actions.finish_session(session, by=world.user("coach"), nothing_agreed=True)
        assert FollowUp.objects.filter(kind=Kind.RECAP).count() == 1


def test_a_call_to_come_still_gets_its_invitation(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        session = post_session(world, "2026-12-08T11:00")
        assert session.invited
        assert FollowUp.objects.filter(kind=Kind.MEETING_INVITE).count() == 2


def test_a_session_more_than_a_year_ago_is_refused(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        plan = make_plan(world)
        response = world.client("coach").post(
            reverse("session_new", args=["acme", plan.pk]),
            {"starts_at": "2025-11-01T11:00", "duration_minutes": 30},
        )
        assert response.status_code == 400 and "within the last year" in response.text
        assert not Session.objects.exists()
