"""Calendar invitations for sessions: METHOD:REQUEST with a stable UID, updates when a session
moves, METHOD:CANCEL when it is cancelled, in the rep's time zone."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import icalendar
import time_machine
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching.models import Session
from followthrough.followups.models import FollowUp, Kind, State
from tests.coaching_helpers import NEW_YORK, live_in, make_plan
from tests.conftest import Inbox, World, dispatch

NOW = dt.datetime(2026, 10, 27, 14, 0, tzinfo=dt.UTC)
# Tuesday 3 November 2026, 10:00 in New York: after the clocks went back (EST, UTC-5).
STARTS = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)


def calendar_of(message: EmailMessage) -> icalendar.Calendar:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    # One alternative (for Outlook and Gmail) and one invite.ics attachment, the same event.
    assert len(parts) == 2
    assert {p.get_param("method") for p in parts} == {parts[0].get_param("method"), None}
    return icalendar.Calendar.from_ical(parts[0].get_content())


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
        calendar = calendar_of(to_rep)
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
        update = event_of(calendar_of(smtp_server.wait_for(4)[2]))
        assert str(update["UID"]) == session.ical_uid
        assert int(str(update["SEQUENCE"])) == 1
        assert update.decoded("DTSTART") == moved_to

        actions.cancel_session(session, by=world.user("coach"))
        assert dispatch().sent == 2
        cancel_message = smtp_server.wait_for(6)[4]
        cancel = calendar_of(cancel_message)
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
