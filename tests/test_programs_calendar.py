"""Invitations to a cohort's sessions through a real SMTP server, read back with vobject:
a request to the whole cohort, an update with the same UID and a higher SEQUENCE when a session
moves, METHOD:CANCEL when it is cancelled; each attendee's own zone (New York and Berlin)
across the autumn daylight-saving changes, and their own language."""

from __future__ import annotations

import datetime as dt
import typing
from email.message import EmailMessage

import icalendar
import time_machine

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Profile, Role
from followthrough.followups.models import FollowUp, Kind
from followthrough.programs import actions
from followthrough.programs.models import Attendance, ProgramSession
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import Inbox, World, dispatch, make_member
from tests.programs_helpers import cast, cohort_of
from tests.test_coaching_calendar import check_with_vobject, event_of

BERLIN = "Europe/Berlin"
NOW = dt.datetime(2026, 10, 19, 12, 0, tzinfo=dt.UTC)  # a Monday
WORKSHOP_DAY = dt.date(2026, 10, 21)  # a Wednesday, New York and Berlin both on summer time
# 09:00 in New York: EDT (UTC-4) on the workshop day, EST (UTC-5) two weeks later, when the
# first call is; Berlin left summer time on 25 October, New York on 1 November.
WORKSHOP = dt.datetime(2026, 10, 21, 13, 0, tzinfo=dt.UTC)
FIRST_CALL = dt.datetime(2026, 11, 4, 14, 0, tzinfo=dt.UTC)


def setting(world: World) -> None:
    """The facilitator and the manager in New York, the peer in Berlin reading Spanish."""
    cast(world)
    live_in(world, "facilitator", NEW_YORK)
    live_in(world, "manager", NEW_YORK)
    live_in(world, "peer", BERLIN, country="DE")
    Profile.objects.filter(user=world.user("peer")).update(language="es")


def calendars(messages: list[EmailMessage]) -> dict[str, tuple[EmailMessage, str]]:
    """Each message's To with its message and its calendar text."""
    found = {}
    for message in messages:
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert parts, "every invitation carries its event"
        found[str(message["To"])] = (message, str(parts[0].get_content()))
    return found


def by_uid(messages: list[EmailMessage], session: ProgramSession) -> list[EmailMessage]:
    return [
        m
        for m in messages
        if session.ical_uid in str(calendars([m]).popitem()[1][1]).replace("\r\n ", "")
    ]


def test_a_cohort_is_invited_moved_and_cancelled_in_each_zone(
    world: World, smtp_server: Inbox
) -> None:
    setting(world)
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        sessions = list(cohort.sessions.order_by("number"))
        assert [s.starts_at for s in sessions[:2]] == [WORKSHOP, FIRST_CALL]
        assert sessions[0].duration_minutes == 420 and sessions[1].duration_minutes == 60
        # The same weekday every two weeks, 09:00 in the facilitator's zone.
        for number, session in enumerate(sessions):
            local = session.starts_at.astimezone(world.user("facilitator").profile.zone)
            assert local.date() == WORKSHOP_DAY + dt.timedelta(weeks=2 * number)
            assert (local.hour, local.minute) == (9, 0)
        # 7 sessions, each to the facilitator and the two managers.
        assert dispatch().sent == 21
        first_call = sessions[1]
        sent = calendars(by_uid(smtp_server.wait_for(21), first_call))
        assert sorted(sent) == sorted(
            world.user(k).email for k in ("facilitator", "manager", "peer")
        )
        for key, zone, hour in (("manager", NEW_YORK, 9), ("peer", BERLIN, 15)):
            _message, text = sent[world.user(key).email]
            check_with_vobject(text, FIRST_CALL, 60)
            calendar = icalendar.Calendar.from_ical(text)
            event = event_of(calendar)
            assert str(calendar["METHOD"]) == "REQUEST"
            assert str(event["UID"]) == first_call.ical_uid
            assert int(str(event["SEQUENCE"])) == 0
            start = event.decoded("DTSTART")
            assert (str(start.tzinfo), start.hour) == (zone, hour)
            attendees = sorted(str(a) for a in typing.cast(list[object], event["ATTENDEE"]))
            assert attendees == sorted(
                f"mailto:{world.user(k).email}" for k in ("facilitator", "manager", "peer")
            )
            assert str(event["ORGANIZER"]) == f"mailto:{world.user('facilitator').email}"
        assert f"{hour:02d}:00" in str(sent[world.user("peer").email][0]["Subject"])
        assert "Sesión telefónica 1" in str(sent[world.user("peer").email][0]["Subject"])

        moved_to = FIRST_CALL + dt.timedelta(days=1, hours=1)  # Thursday 10:00 New York
        actions.move_session(first_call, moved_to, by=world.user("facilitator"))
        assert dispatch().sent == 3
        updates = calendars(smtp_server.wait_for(24)[21:])
        for key in ("facilitator", "manager", "peer"):
            _message, text = updates[world.user(key).email]
            check_with_vobject(text, moved_to, 60)
            event = event_of(icalendar.Calendar.from_ical(text))
            assert str(event["UID"]) == first_call.ical_uid
            assert int(str(event["SEQUENCE"])) == 1
        peer_start = event_of(
            icalendar.Calendar.from_ical(updates[world.user("peer").email][1])
        ).decoded("DTSTART")
        assert (str(peer_start.tzinfo), peer_start.hour) == (BERLIN, 16)
        assert str(updates[world.user("manager").email][0]["Subject"]).startswith("Moved:")
        assert str(updates[world.user("peer").email][0]["Subject"]).startswith("Cambio de fecha:")

        actions.cancel_session(first_call, by=world.user("facilitator"))
        assert dispatch().sent == 3
        cancels = calendars(smtp_server.wait_for(27)[24:])
        for key in ("facilitator", "manager", "peer"):
            _message, text = cancels[world.user(key).email]
            calendar = icalendar.Calendar.from_ical(text)
            assert str(calendar["METHOD"]) == "CANCEL"
            assert str(event_of(calendar)["UID"]) == first_call.ical_uid
            assert int(str(event_of(calendar)["SEQUENCE"])) == 2
            assert str(event_of(calendar)["STATUS"]) == "CANCELLED"
        assert str(cancels[world.user("manager").email][0]["Subject"]).startswith("Cancelled:")


def test_a_manager_enrolled_later_gets_only_the_sessions_to_come(world: World) -> None:
    setting(world)
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    late = make_member(world.workspace, "late", Role.COACH)
    with time_machine.travel(FIRST_CALL + dt.timedelta(hours=2), tick=False):
        actions.enroll(cohort, late, by=world.user("admin"))
        invites = FollowUp.objects.filter(kind=Kind.PROGRAM_INVITATION, recipient=late.user)
        numbers = sorted(
            ProgramSession.objects.filter(pk__in=invites.values("about_id")).values_list(
                "number", flat=True
            )
        )
        assert numbers == [2, 3, 4, 5, 6]


def test_a_manager_deactivated_mid_program_gets_nothing_more_and_keeps_history(
    world: World, smtp_server: Inbox
) -> None:
    setting(world)
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        dispatch()
    workshop = cohort.sessions.get(number=0)
    peer = cohort.enrollments.get(manager=world.members["peer"])
    with time_machine.travel(WORKSHOP + dt.timedelta(hours=8), tick=False):
        actions.record_held(
            workshop,
            by=world.user("facilitator"),
            debrief="The model",
            managers={peer.pk: actions.Present(present=True, private_note="Sharp")},
        )
        accounts.deactivate_member(world.members["peer"], by=world.members["admin"])
        second = cohort.sessions.get(number=2)
        actions.move_session(
            second, second.starts_at + dt.timedelta(hours=1), by=world.user("admin")
        )
        invites = FollowUp.objects.filter(
            kind=Kind.PROGRAM_INVITATION, about_id=second.pk, context__calendar_sequence=1
        )
        assert sorted(f.to_email for f in invites) == sorted(
            world.user(k).email for k in ("facilitator", "manager")
        )
        dispatch()
        update = smtp_server.wait_for(23)[21:]
        text = calendars(update)[world.user("manager").email][1]
        assert world.user("peer").email not in text.replace("\r\n ", "")  # not an attendee now
    kept = Attendance.objects.get(session=workshop, enrollment=peer)
    assert (kept.present, kept.private_note) == (True, "Sharp")
    assert peer.frozen_at() is not None
