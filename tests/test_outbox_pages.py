"""The outbox pages: filters, the message, the buttons, and the dispatcher warning."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from followthrough.accounts.models import Profile, User
from followthrough.coaching import actions as coaching
from followthrough.followups import actions
from followthrough.followups.dispatcher import Dispatcher
from followthrough.followups.models import FollowUp, Kind, State
from tests.coaching_helpers import make_session
from tests.conftest import World, dispatch

NOW = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)  # a Friday


def followup(
    world: World, to: str = "rep", kind: Kind = Kind.CHECK_IN, **extra: object
) -> FollowUp:
    user = world.user(to)
    return actions.schedule(
        kind=kind,
        template="notice",
        to_email=user.email,
        recipient=user,
        workspace=world.workspace,
        context={"subject": f"Did it work, {user.name}?", "text": "Tell me <b>how</b> it went."},
        **extra,  # type: ignore[arg-type]
    )


def detail(world: World, row: FollowUp, who: str = "coach") -> str:
    url = reverse("followup_detail", args=["acme", row.pk])
    return world.client(who).get(url).content.decode()


def test_filters_by_person_kind_and_state(world: World) -> None:
    followup(world, "rep", Kind.CHECK_IN)
    followup(world, "coach", Kind.REMINDER)
    cancelled = followup(world, "rep", Kind.RECAP)
    actions.cancel(cancelled)
    client = world.client("admin")
    url = reverse("outbox", args=["acme"])
    assert client.get(url).content.decode().count("<tr>") == 4  # header and three rows
    by_person = client.get(url, {"person": world.members["coach"].pk}).content.decode()
    assert "Reminder" in by_person and "Check-in" not in by_person.split("<tbody>")[1]
    by_state = client.get(url, {"state": "cancelled"}).content.decode()
    assert by_state.split("<tbody>")[1].count("<tr>") == 1
    by_kind = client.get(url, {"kind": "check_in", "state": "scheduled"}).content.decode()
    assert by_kind.split("<tbody>")[1].count("<tr>") == 1
    nonsense = client.get(url, {"kind": "carrier-pigeon"})
    assert nonsense.status_code == 200 and "Select a valid choice" not in nonsense.content.decode()


def test_a_scheduled_follow_up_shows_what_it_would_say(world: World) -> None:
    page = detail(world, followup(world))
    assert "The message as it would go out now" in page
    assert "Did it work, Rep?" in page
    # What people typed is shown as text; the HTML version is in a sandboxed frame.
    assert "Tell me &lt;b&gt;how&lt;/b&gt; it went." in page
    assert "<iframe" in page and "sandbox" in page


def test_a_sent_follow_up_shows_the_message_as_sent(world: World) -> None:
    row = followup(world)
    dispatch()
    row.refresh_from_db()
    page = detail(world, row)
    assert "The message as sent" in page
    assert row.message_id in page.replace("&lt;", "<").replace("&gt;", ">")
    assert "nothing to change" in page


def test_a_failure_shows_the_servers_answer(world: World) -> None:
    row = followup(world)
    FollowUp.objects.filter(pk=row.pk).update(
        state=State.FAILED, attempts=1, last_error="550 5.1.1 <rep@example.org>: no such user"
    )
    outbox = world.client("coach").get(reverse("outbox", args=["acme"])).content.decode()
    assert "550 5.1.1" in outbox
    page = detail(world, row)
    assert "Not delivered." in page and "no such user" in page and ">Retry<" in page


def test_reschedule_is_read_in_the_viewers_time_zone(world: World) -> None:
    Profile.objects.filter(user=world.user("coach")).update(time_zone="America/New_York")
    with time_machine.travel(NOW, tick=False):
        row = followup(world)
        client = world.client("coach")
        url = reverse("followup_reschedule", args=["acme", row.pk])
        # Tuesday after the change to daylight-saving time: 09:00 EDT is 13:00 UTC.
        response = client.post(url, {"send_at": "2026-03-10T09:00"}, follow=True)
        assert "Rescheduled." in response.content.decode()
        row.refresh_from_db()
        assert row.send_at == dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)
        assert row.version == 2
        # The page shows it back in the coach's time: 09:00.
        assert "Tue 10 Mar 2026, 09:00" in detail(world, row)


def test_reschedule_refuses_the_past_and_a_time_that_does_not_exist(world: World) -> None:
    Profile.objects.filter(user=world.user("coach")).update(time_zone="America/New_York")
    with time_machine.travel(NOW, tick=False):
        row = followup(world)
        client = world.client("coach")
        url = reverse("followup_reschedule", args=["acme", row.pk])
        past = client.post(url, {"send_at": "2026-03-01T09:00"}, follow=True).content.decode()
        assert "Choose a time from now on" in past
        # 02:30 on 8 March 2026 does not exist in New York (clocks jump from 02:00 to 03:00).
        gap = client.post(url, {"send_at": "2026-03-08T02:30"}, follow=True).content.decode()
        assert "may be ambiguous or it may not exist" in gap
        garbage = client.post(url, {"send_at": "next tuesday"}, follow=True).content.decode()
        assert "Enter a valid date/time" in garbage
        row.refresh_from_db()
        assert row.version == 1 and row.send_at == NOW


def test_cancel_then_cancel_again_then_send_now(world: World) -> None:
    row = followup(world)
    client = world.client("coach")
    cancel = reverse("followup_cancel", args=["acme", row.pk])
    assert "Cancelled. It will not be sent." in client.post(cancel, follow=True).content.decode()
    again = client.post(cancel, follow=True).content.decode()
    assert "Nothing to do: it is already cancelled." in again
    send_now = reverse("followup_send_now", args=["acme", row.pk])
    assert "Nothing to do" in client.post(send_now, follow=True).content.decode()


def test_too_late_once_sent(world: World) -> None:
    row = followup(world)
    dispatch()
    response = world.client("coach").post(
        reverse("followup_cancel", args=["acme", row.pk]), follow=True
    )
    assert "Too late: it is already sent." in response.content.decode()


def test_send_now_and_retry_buttons(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        row = followup(world, send_at=NOW + dt.timedelta(days=3))
        client = world.client("admin")
        client.post(reverse("followup_send_now", args=["acme", row.pk]))
        row.refresh_from_db()
        assert row.send_at == NOW and row.state == State.SCHEDULED
        FollowUp.objects.filter(pk=row.pk).update(state=State.FAILED, last_error="554 no")
        response = client.post(reverse("followup_retry", args=["acme", row.pk]), follow=True)
        assert "It will be tried again now." in response.content.decode()
        assert dispatch().sent == 1


def test_the_dispatcher_warning(world: World) -> None:
    home = reverse("workspace_home", args=["acme"])
    with time_machine.travel(NOW, tick=False) as clock:
        warning = "Follow-ups are not being sent."
        assert warning in world.client("coach").get(home).content.decode()
        assert warning in world.client("admin").get(reverse("profile")).content.decode()
        assert warning not in world.client("rep").get(home).content.decode()
        assert warning not in world.client("stakeholder").get(home).content.decode()
        Dispatcher(worker="web-1").heartbeat(force=True)
        assert warning not in world.client("coach").get(home).content.decode()
        clock.shift(dt.timedelta(minutes=2, seconds=5))
        page = world.client("coach").get(home).content.decode()
        assert warning in page and "last seen 2" in page
        outbox = world.client("coach").get(reverse("outbox", args=["acme"])).content.decode()
        assert "Sending: stopped, last seen 2" in outbox


def test_a_script_in_a_name_or_a_commitment_is_shown_as_text(world: World) -> None:
    script = "<script>alert(1)</script>"
    User.objects.filter(pk=world.user("rep").pk).update(name=f"Rep {script}")
    session = make_session(world)
    with time_machine.travel(dt.datetime(2026, 10, 29, 16, 0, tzinfo=dt.UTC), tick=False):
        coaching.add_commitment(
            session,
            owner=world.members["rep"],
            text=f"Call ten clients {script}",
            due_on=dt.date(2026, 11, 3),
            by=world.user("coach"),
        )
        coaching.finish_session(session, by=world.user("coach"))
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        for who in ("coach", "admin"):
            page = detail(world, checkin, who)
            assert "The message as it would go out now" in page
            assert script not in page
            assert "Call ten clients &lt;script&gt;alert(1)&lt;/script&gt;" in page
    # The root: a plain-text rendering is never marked safe for a page.
    message = checkin.build_message()
    assert type(message.body) is str
    assert all(type(content) is str for content, _ in message.alternatives)


def test_a_banner_tells_admins_and_coaches_of_waiting_and_failed_follow_ups(
    world: World,
) -> None:
    home = reverse("workspace_home", args=["acme"])
    with time_machine.travel(NOW, tick=False) as clock:
        Dispatcher(worker="web-1").heartbeat(force=True)
        mine, theirs, other = followup(world, "rep"), followup(world, "rep"), followup(world)
        assert "waiting for the mail server" not in world.client("admin").get(home).text
        FollowUp.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
            last_error="Connection refused", attempts=3, first_attempt_at=NOW
        )
        clock.shift(dt.timedelta(hours=5))
        Dispatcher(worker="web-1").heartbeat(force=True)
        other_rep = followup(world, "other_rep")
        FollowUp.objects.filter(pk=other_rep.pk).update(state=State.FAILED, last_error="451")
        admin = world.client("admin").get(home).text
        assert "2 follow-ups are waiting for the mail server." in admin
        assert "The first has waited 5\xa0hours." in admin
        assert "1 follow-up could not be delivered." in admin
        # A coach hears of what they may see: their rep's, not the other rep's failure.
        coach = world.client("coach").get(home).text
        assert "2 follow-ups are waiting" in coach and "could not be delivered" not in coach
        for who in ("rep", "stakeholder"):
            assert "follow-up" not in world.client(who).get(home).text.split("<main")[1][:400]
        assert other.state == State.SCHEDULED


def test_retry_all_failed_from_the_outbox(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        coached = [followup(world, "rep"), followup(world, "rep")]
        not_coached = followup(world, "other_rep")
        FollowUp.objects.update(state=State.FAILED, last_error="554 no", attempts=1)
        outbox = world.client("coach").get(reverse("outbox", args=["acme"])).text
        assert "Retry all 2 failed follow-ups" in outbox
        url = reverse("outbox_retry_failed", args=["acme"])
        response = world.client("coach").post(url, follow=True).text
        assert "2 failed follow-ups will be tried again now." in response
        for row in coached:
            row.refresh_from_db()
            assert row.state == State.SCHEDULED and row.send_at == NOW and row.version == 2
        not_coached.refresh_from_db()
        assert not_coached.state == State.FAILED
        assert "Nothing to retry" in world.client("coach").post(url, follow=True).text
        assert "Retry all" not in world.client("coach").get(reverse("outbox", args=["acme"])).text
        assert (
            "1 failed follow-up will be tried" in world.client("admin").post(url, follow=True).text
        )
        assert dispatch().sent == 3


def test_outbox_rows_say_what_they_are_about_before_they_are_sent(world: World) -> None:
    session = make_session(world)
    with time_machine.travel(dt.datetime(2026, 10, 29, 16, 0, tzinfo=dt.UTC), tick=False):
        coaching.add_commitment(
            session,
            owner=world.members["rep"],
            text="Call ten past clients & ask for referrals",
            due_on=dt.date(2026, 11, 3),
            by=world.user("coach"),
        )
        coaching.finish_session(session, by=world.user("coach"))
        page = world.client("coach").get(reverse("outbox", args=["acme"])).text
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    checkins = [row for row in rows if "Check-in" in row or "Reminder" in row]
    assert len(checkins) == 2
    for row in checkins:
        assert "Call ten past clients &amp; ask for referrals" in row
        assert "Rep" in row and "rep@example.org" in row
    [recap] = [row for row in rows if "Session recap" in row]
    assert "Session of Thu 29 Oct, 15:00" in recap


def test_the_dispatchers_state_in_plain_words(world: World) -> None:
    outbox = reverse("outbox", args=["acme"])
    with time_machine.travel(NOW, tick=False) as clock:
        never = world.client("admin").get(outbox).text
        assert "Sending: not started." in never
        Dispatcher(worker="host-a:123").heartbeat(force=True)
        clock.shift(dt.timedelta(seconds=3))
        page = world.client("admin").get(outbox).text
        assert "Sending: working, last seen 3 s ago." in page
        # Host names are kept for whoever runs the server, folded away.
        assert page.index("Sending: working") < page.index("host-a:123")
        Dispatcher(worker="host-b:456").heartbeat(force=True)
        assert "2 dispatchers are running." in world.client("admin").get(outbox).text
        clock.shift(dt.timedelta(minutes=10))
        stopped = world.client("admin").get(outbox).text
        assert "Sending: stopped, last seen 10\xa0minutes ago." in stopped
