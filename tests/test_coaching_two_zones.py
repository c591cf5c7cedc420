"""A coach in Berlin, a rep in New York: pages say a time in both zones, a reschedule outside
the rep's working hours asks first, and "Send now" is what the commitment page then says."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from followthrough.coaching import actions
from followthrough.coaching.models import Commitment
from followthrough.followups.models import FollowUp, Kind, State
from tests.coaching_helpers import NEW_YORK, live_in, make_plan
from tests.conftest import World, dispatch

# Monday 7 December 2026, 14:00 UTC: 15:00 in Berlin, 09:00 in New York.
NOW = dt.datetime(2026, 12, 7, 14, 0, tzinfo=dt.UTC)


def finished_commitment(world: World) -> Commitment:
    live_in(world, "coach", "Europe/Berlin", country="DE")
    live_in(world, "rep", NEW_YORK)
    session = actions.schedule_session(make_plan(world), NOW, by=world.user("coach"))
    commitment = actions.add_commitment(
        session,
        owner=world.members["rep"],
        text="Call ten past clients",
        due_on=dt.date(2026, 12, 9),  # Wednesday: the check-in is Friday 11, 09:00 in New York
        by=world.user("coach"),
    )
    actions.finish_session(session, by=world.user("coach"))
    commitment.refresh_from_db()
    return commitment


def render_both(moment: dt.datetime, world: World, zone: str) -> str:
    template = Template("{% load coaching %}{% both_times moment person %}")
    with timezone.override(zone):
        return template.render(Context({"moment": moment, "person": world.user("rep")}))


def test_a_time_is_said_in_both_zones_when_they_differ(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    moment = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)
    assert (
        render_both(moment, world, "Europe/Berlin") == "Fri 4 Dec, 16:00 your time, 10:00 for Rep"
    )
    # Another day there: its date is said too.
    late = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    assert render_both(late, world, "Europe/Berlin") == (
        "Sat 5 Dec, 00:30 your time, Fri 4 Dec, 18:30 for Rep"
    )
    # Same zone (the rep themself): one time.
    assert render_both(moment, world, NEW_YORK) == "Fri 4 Dec, 10:00"


def test_commitment_session_and_follow_up_pages_say_the_reps_time_too(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        commitment = finished_commitment(world)
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        coach = world.client("coach")
        said = "Fri 11 Dec 2026, 15:00 your time, 09:00 for Rep"
        assert said in coach.get(commitment.get_absolute_url()).text
        assert said in coach.get(checkin.get_absolute_url()).text
        session_page = coach.get(commitment.session.get_absolute_url()).text
        assert "Monday 7 December 2026, 15:00 your time, 09:00 for Rep" in session_page
        # The rep reads their own time only.
        rep_page = world.client("rep").get(commitment.get_absolute_url()).text
        assert "Fri 11 Dec 2026, 09:00" in rep_page and "your time" not in rep_page


def test_after_send_now_the_commitment_page_says_it_went_today(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        commitment = finished_commitment(world)
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        coach = world.client("coach")
        coach.post(reverse("followup_send_now", args=["acme", checkin.pk]))
        page = coach.get(commitment.get_absolute_url()).text
        check_in_fact = page.split("<dt>Check-in</dt>")[1].split("</dd>")[0]
        assert "11 Dec" not in check_in_fact and "Mon 7 Dec 2026" in check_in_fact
        assert dispatch().sent == 2  # the recap and the check-in
        page = coach.get(commitment.get_absolute_url()).text
        check_in_fact = page.split("<dt>Check-in</dt>")[1].split("</dd>")[0]
        assert "sent Mon 7 Dec 2026" in check_in_fact and "11 Dec" not in check_in_fact


def test_a_reschedule_outside_the_reps_working_hours_asks_first(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        finished_commitment(world)
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        url = reverse("followup_reschedule", args=["acme", checkin.pk])
        coach = world.client("coach")
        # 09:00 in Berlin is 03:00 in New York.
        night = coach.post(url, {"send_at": "2026-12-10T09:00"})
        assert night.status_code == 400
        assert "Thu 10 Dec, 03:00 for Rep, outside their working hours" in night.text
        assert 'type="checkbox" name="outside_hours_ok"' in night.text
        # Saturday afternoon in Berlin, Saturday morning in New York: not a working day.
        saturday = coach.post(url, {"send_at": "2026-12-12T16:00"})
        assert saturday.status_code == 400 and "outside their working hours" in saturday.text
        checkin.refresh_from_db()
        assert checkin.version == 1

        confirmed = coach.post(url, {"send_at": "2026-12-10T09:00", "outside_hours_ok": "on"})
        assert confirmed.status_code == 302
        checkin.refresh_from_db()
        assert checkin.send_at == dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC)
        assert checkin.state == State.SCHEDULED


def test_a_reschedule_in_the_reps_working_hours_just_goes(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        finished_commitment(world)
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        url = reverse("followup_reschedule", args=["acme", checkin.pk])
        page = world.client("coach").get(checkin.get_absolute_url()).text
        assert 'type="checkbox" name="outside_hours_ok"' not in page
        # 16:00 in Berlin is 10:00 in New York, a Thursday.
        response = world.client("coach").post(url, {"send_at": "2026-12-10T16:00"})
        assert response.status_code == 302
        checkin.refresh_from_db()
        assert checkin.send_at == dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)
