"""Calendar invitations for sessions: METHOD:REQUEST with a stable UID, updates when a session
moves, METHOD:CANCEL when it is cancelled, in the rep's time zone."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest
import time_machine
import vobject
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from followthrough.coaching import actions
from followthrough.coaching.models import Session
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib import ical
from tests.coaching_helpers import NEW_YORK, live_in, make_plan
from tests.conftest import Inbox, World, dispatch

NOW = dt.datetime(2026, 10, 27, 14, 0, tzinfo=dt.UTC)
# Tuesday 3 November 2026, 10:00 in New York: after the clocks went back (EST, UTC-5).
STARTS = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)


def calendar_of(message: EmailMessage, starts: dt.datetime, minutes: int) -> icalendar.Calendar:
    """The invitation's calendar, after checking that an independent parser (vobject) reads
    its event at the instants meant."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    # One alternative (for Outlook and Gmail) and one invite.ics attachment, the same event.
    assert len(parts) == 2
    assert {p.get_param("method") for p in parts} == {parts[0].get_param("method"), None}
    assert parts[0].get_content() == parts[1].get_content()
    check_with_vobject(parts[0].get_content(), starts, minutes)
    return icalendar.Calendar.from_ical(parts[0].get_content())


def check_with_vobject(text: str, starts: dt.datetime, minutes: int) -> None:
    """vobject, like Thunderbird's ical.js, must place DTSTART and DTEND at these instants."""
    # vobject keeps the first VTIMEZONE it meets for a TZID for the rest of the process (or
    # asks pytz when there is none): forget them, so that this text's own VTIMEZONE is read.
    zones = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [name for name in zones if name != "UTC"]:
        del zones[tzid]
    event = vobject.readOne(text).vevent
    assert event.dtstart.value.astimezone(dt.UTC) == starts
    assert event.dtend.value.astimezone(dt.UTC) == starts + dt.timedelta(minutes=minutes)


def event_of(calendar: icalendar.Calendar) -> icalendar.Component:
    return next(iter(calendar.walk("VEVENT")))


def test_invitation_update_and_cancel_share_one_uid(world: World, smtp_server: Inbox) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        session = actions.schedule_session(
            make_plan(world), STARTS, by=world.user("coach"), location="Zoom", invite=True
        )
        assert dispatch().sent == 2
        first = smtp_server.wait_for(2)
        recipients = sorted(m["To"] for m in first)
        assert recipients == sorted([world.user("rep").email, world.user("coach").email])
        to_rep = next(m for m in first if m["To"] == world.user("rep").email)
        calendar = calendar_of(to_rep, STARTS, 45)
        event = event_of(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == session.ical_uid
        assert int(str(event["SEQUENCE"])) == 0
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == NEW_YORK and start.hour == 10
        assert start == STARTS
        assert calendar.walk("VTIMEZONE"), "the time zone travels with the event"
        assert str(event["ORGANIZER"]) == f"mailto:{world.user('coach').email}"
        assert "10:00" in str(to_rep["Subject"])  # the rep's time in the subject

        moved_to = STARTS + dt.timedelta(days=1, hours=2)
        actions.move_session(session, moved_to, by=world.user("coach"))
        assert dispatch().sent == 2
        update = event_of(calendar_of(smtp_server.wait_for(4)[2], moved_to, 45))
        assert str(update["UID"]) == session.ical_uid
        assert int(str(update["SEQUENCE"])) == 1
        assert update.decoded("DTSTART") == moved_to

        actions.cancel_session(session, by=world.user("coach"))
        assert dispatch().sent == 2
        cancel_message = smtp_server.wait_for(6)[4]
        cancel = calendar_of(cancel_message, moved_to, 45)
        assert str(cancel["METHOD"]) == "CANCEL"
        assert str(event_of(cancel)["UID"]) == session.ical_uid
        assert int(str(event_of(cancel)["SEQUENCE"])) == 2
        assert str(event_of(cancel)["STATUS"]) == "CANCELLED"
        assert cancel_message["Subject"].startswith("Cancelled:")


def test_a_move_before_the_invitation_went_out_sends_only_the_new_one(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        session = actions.schedule_session(
            make_plan(world), STARTS, by=world.user("coach"), invite=True
        )
        actions.move_session(session, STARTS + dt.timedelta(hours=1), by=world.user("coach"))
        invites = FollowUp.objects.filter(kind=Kind.MEETING_INVITE)
        assert invites.filter(state=State.CANCELLED).count() == 2
        assert invites.filter(state=State.SCHEDULED).count() == 2


def test_finishing_with_a_next_session_invites_to_it(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        session = actions.schedule_session(make_plan(world), NOW, by=world.user("coach"))
        response = world.client("coach").post(
            reverse("session_finish", args=["acme", session.pk]),
            {"next_starts_at": "2026-10-30T10:00", "confirm_empty": "1"},
            follow=True,
        )
        assert "next session on" in response.text
        upcoming = Session.objects.exclude(pk=session.pk).get()
        assert upcoming.invited and upcoming.starts_at == dt.datetime(
            2026, 10, 30, 10, 0, tzinfo=dt.UTC
        )
        assert FollowUp.objects.filter(kind=Kind.MEETING_INVITE, about_id=upcoming.pk).count() == 2


def test_a_session_without_invitation_sends_no_calendar(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        session = actions.schedule_session(make_plan(world), STARTS, by=world.user("coach"))
        actions.move_session(session, STARTS + dt.timedelta(hours=1), by=world.user("coach"))
        actions.cancel_session(session, by=world.user("coach"))
        assert not FollowUp.objects.exists()
        session.refresh_from_db()
        assert session.sequence == 0


def test_moving_a_past_or_cancelled_session_is_refused(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        session = actions.schedule_session(make_plan(world), STARTS, by=world.user("coach"))
        coach = world.client("coach")
        past = coach.post(
            reverse("session_move", args=["acme", session.pk]),
            {"starts_at": "2026-10-01T10:00", "duration_minutes": 45},
        )
        assert past.status_code == 400 and "in the past" in past.text
        actions.cancel_session(session, by=world.user("coach"))
        again = coach.post(
            reverse("session_move", args=["acme", session.pk]),
            {"starts_at": "2026-11-10T10:00", "duration_minutes": 45},
            follow=True,
        )
        assert "Only a scheduled session can be moved" in again.text


def wall_of(prop: Any) -> str:
    """A DTSTART or DTEND as written: the wall-clock time in its TZID, or UTC with a Z."""
    value = prop.to_ical()
    return value.decode() if isinstance(value, bytes) else str(value)


def invitations(session: Session) -> list[EmailMessage]:
    """Every invitation about the session still to go, built as it would be sent."""
    rows = FollowUp.objects.filter(
        kind=Kind.MEETING_INVITE, about_id=session.pk, state=State.SCHEDULED
    )
    return [row.build_message().message() for row in rows]


# (rep's zone, the session's start in UTC, what that is on the rep's clock); the local times are
# written by hand, so the test does not trust the zone database used by the code under test.
ZONES = [
    ("Europe/Berlin", dt.datetime(2026, 7, 9, 8, 0, tzinfo=dt.UTC), "20260709T100000"),
    ("Europe/Berlin", dt.datetime(2027, 1, 14, 9, 0, tzinfo=dt.UTC), "20270114T100000"),
    # New York's clocks go forward on Sunday 8 March 2026 and back on Sunday 1 November 2026.
    (NEW_YORK, dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC), "20260306T100000"),
    (NEW_YORK, dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC), "20260309T100000"),
    (NEW_YORK, dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.UTC), "20261030T100000"),
    (NEW_YORK, dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC), "20261102T100000"),
    ("Asia/Kolkata", dt.datetime(2026, 7, 9, 4, 30, tzinfo=dt.UTC), "20260709T100000"),
    ("UTC", dt.datetime(2026, 7, 9, 10, 0, tzinfo=dt.UTC), "20260709T100000Z"),
]


@pytest.mark.parametrize(("zone", "starts", "wall"), ZONES)
def test_every_invitation_is_read_at_the_right_instant(
    world: World, zone: str, starts: dt.datetime, wall: str
) -> None:
    """Request, update (a week later, across a clock change for some) and cancel: vobject reads
    each at the instant meant, and the event carries the rep's wall-clock time."""
    live_in(world, "rep", zone)
    with time_machine.travel(dt.datetime(2026, 2, 1, tzinfo=dt.UTC), tick=False):
        session = actions.schedule_session(
            make_plan(world), starts, by=world.user("coach"), invite=True, duration_minutes=90
        )
        requests = invitations(session)
        assert len(requests) == 2
        for message in requests:
            event = event_of(calendar_of(message, starts, 90))
            assert wall_of(event["DTSTART"]) == wall
        moved_to = starts + dt.timedelta(days=7)
        actions.move_session(session, moved_to, by=world.user("coach"))
        for message in invitations(session):
            calendar_of(message, moved_to, 90)
        actions.cancel_session(session, by=world.user("coach"))
        cancels = invitations(session)
        assert len(cancels) == 2
        for message in cancels:
            assert str(calendar_of(message, moved_to, 90)["METHOD"]) == "CANCEL"


def test_a_session_across_the_change_of_clocks_ends_when_meant(world: World) -> None:
    # 01:30 EST on 8 March 2026, 90 minutes: it ends at 04:00 EDT, an hour of clock skipped.
    live_in(world, "rep", NEW_YORK)
    starts = dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 2, 1, tzinfo=dt.UTC), tick=False):
        session = actions.schedule_session(
            make_plan(world), starts, by=world.user("coach"), invite=True, duration_minutes=90
        )
        for message in invitations(session):
            event = event_of(calendar_of(message, starts, 90))
            assert wall_of(event["DTEND"]) == "20260308T040000"


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(
        ["Europe/Berlin", NEW_YORK, "America/Sao_Paulo", "Australia/Sydney", "Asia/Kolkata"]
    ),
    starts=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2036, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
    ),
    minutes=st.integers(min_value=5, max_value=480),
)
def test_vobject_reads_any_event_at_its_instant(
    zone: str, starts: dt.datetime, minutes: int
) -> None:
    """Any zone, any date (the repeated hour of autumn included): the generated event, with
    its VTIMEZONE, is read at the instant it was written for."""
    from zoneinfo import ZoneInfo

    ends = starts + dt.timedelta(minutes=minutes)
    tz = ZoneInfo(zone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "x")
    event.add("dtstamp", starts)
    event.add("dtstart", ical.event_time(starts, tz))
    event.add("dtend", ical.event_time(ends, tz))
    calendar.add_component(ical.vtimezone(tz, starts, ends))
    calendar.add_component(event)
    check_with_vobject(calendar.to_ical().decode(), starts, minutes)
