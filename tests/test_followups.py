"""The delivery engine in one process: the verbs, the dispatcher's steps, and what a failure
looks like. The real-process tests are in test_dispatcher_processes.py."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from followthrough.followups import actions
from followthrough.followups.dispatcher import (
    Dispatcher,
    Options,
    PermanentFailure,
    TemporaryFailure,
    classify,
)
from followthrough.followups.models import Failure, FollowUp, Heartbeat, Kind, State
from tests.conftest import Inbox, World, dispatch

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def notice(
    world: World, send_at: dt.datetime | None = None, to: str = "rep@example.org"
) -> FollowUp:
    return actions.schedule(
        kind=Kind.NOTICE,
        template="notice",
        to_email=to,
        workspace=world.workspace,
        send_at=send_at,
        context={"subject": "How did it go?", "text": "Did you get the result?"},
        reply_to="coach@example.org",
    )


def test_a_due_follow_up_is_sent_with_its_message_id(world: World) -> None:
    followup = notice(world)
    assert dispatch().sent == 1
    [message] = mail.outbox
    followup.refresh_from_db()
    assert followup.state == State.SENT
    assert (
        message.extra_headers["Message-ID"] == f"<followup.{followup.pk}.1@testserver.localdomain>"
    )
    assert followup.message_id == message.extra_headers["Message-ID"]
    assert followup.subject == "How did it go?"
    assert "Did you get the result?" in followup.body_text
    assert "<p>Did you get the result?</p>" in followup.body_html
    assert message.reply_to == ["coach@example.org"]
    assert followup.attempts == 1 and followup.sent_at is not None


def test_nothing_is_sent_before_its_time(world: World) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        followup = notice(world, send_at=NOW + dt.timedelta(days=2))
        assert dispatch().sent == 0
        clock.shift(dt.timedelta(days=2))
        assert dispatch().sent == 1
    followup.refresh_from_db()
    assert followup.sent_at == NOW + dt.timedelta(days=2)


def test_cancel_answers_cancelled_then_already_cancelled(world: World) -> None:
    followup = notice(world)
    assert actions.cancel(followup) == actions.Outcome.CANCELLED
    assert actions.cancel(followup) == actions.Outcome.ALREADY_CANCELLED
    assert dispatch().sent == 0
    assert mail.outbox == []


@pytest.mark.parametrize("state", [State.SENDING, State.SENT])
def test_cancel_and_reschedule_are_too_late_once_sending(world: World, state: State) -> None:
    followup = notice(world)
    FollowUp.objects.filter(pk=followup.pk).update(state=state)
    assert actions.cancel(followup) == actions.Outcome.TOO_LATE
    assert actions.reschedule(followup, timezone.now()) == actions.Outcome.TOO_LATE
    followup.refresh_from_db()
    assert followup.state == state and followup.version == 1


def test_reschedule_during_a_claim_means_the_old_version_is_never_sent(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        followup = notice(world)
        dispatcher = Dispatcher(worker="slow")
        [claimed] = dispatcher.claim()
        assert claimed.version == 1
        assert actions.reschedule(followup, NOW) == actions.Outcome.RESCHEDULED
        assert followup.version == 2
        counts = dispatcher.deliver([claimed])  # the stale claim
        assert (counts.sent, counts.skipped) == (0, 1)
        assert mail.outbox == []
        assert dispatch().sent == 1
    [message] = mail.outbox
    assert (
        message.extra_headers["Message-ID"] == f"<followup.{followup.pk}.2@testserver.localdomain>"
    )


def test_cancel_during_a_claim_wins(world: World) -> None:
    followup = notice(world)
    dispatcher = Dispatcher(worker="slow")
    claimed = dispatcher.claim()
    assert actions.cancel(followup) == actions.Outcome.CANCELLED
    assert dispatcher.deliver(claimed).skipped == 1
    assert mail.outbox == []


def test_send_now_and_retry(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        later = notice(world, send_at=NOW + dt.timedelta(days=5))
        assert actions.send_now(later) == actions.Outcome.RESCHEDULED
        assert dispatch().sent == 1
        failed = notice(world)
        FollowUp.objects.filter(pk=failed.pk).update(
            state=State.FAILED, attempts=3, last_error="550 no"
        )
        assert actions.retry(failed) == actions.Outcome.RESCHEDULED
        assert (failed.state, failed.attempts, failed.last_error) == (State.SCHEDULED, 0, "")
        assert actions.retry(failed) == actions.Outcome.TOO_LATE  # only failed ones retry
        assert dispatch().sent == 1


def test_cancel_about_an_object(world: World) -> None:
    invitation_followups = FollowUp.objects.filter(kind=Kind.INVITATION)
    from followthrough.accounts import actions as accounts

    invitation = accounts.invite(world.workspace, world.user("admin"), "x@example.org", "rep")
    notice(world)
    assert invitation_followups.count() == 1
    assert actions.cancel_about(invitation) == 1
    assert invitation_followups.get().state == State.CANCELLED
    assert FollowUp.objects.filter(kind=Kind.NOTICE, state=State.SCHEDULED).count() == 1


def test_a_broken_template_fails_the_row_not_the_dispatcher(world: World) -> None:
    broken = actions.schedule(
        kind=Kind.NOTICE, template="no-such-template", to_email="a@example.org"
    )
    good = notice(world)
    counts = dispatch()
    assert (counts.sent, counts.failed) == (1, 1)
    broken.refresh_from_db()
    assert broken.state == State.FAILED
    assert broken.error_code == Failure.BUILD and "no-such-template" in broken.last_error
    good.refresh_from_db()
    assert good.state == State.SENT


def nothing_listens(settings: object) -> None:
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }


def test_temporary_failure_backs_off_then_gives_up(world: World, settings: object) -> None:
    nothing_listens(settings)
    options = Options(retry_base=dt.timedelta(seconds=60), retry_window=dt.timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False) as clock:
        followup = notice(world)
        for attempt in (1, 2):
            assert Dispatcher(worker="t", options=options).run(once=True).retried == 1
            followup.refresh_from_db()
            assert followup.state == State.SCHEDULED and followup.attempts == attempt
            assert followup.first_attempt_at == NOW
            delay = (followup.send_at - timezone.now()).total_seconds()
            # 60 s, then 120 s: half fixed, half random.
            full = 60 * 2 ** (attempt - 1)
            assert full / 2 <= delay <= full
            assert "refused" in followup.last_error.lower()
            assert followup.error_code == Failure.TEMPORARY
            clock.shift(dt.timedelta(seconds=delay + 1))
        # Past the window from the first try: the row fails.
        clock.move_to(NOW + dt.timedelta(minutes=5))
        FollowUp.objects.filter(pk=followup.pk).update(send_at=timezone.now())
        assert Dispatcher(worker="t", options=options).run(once=True).failed == 1
    followup.refresh_from_db()
    assert followup.state == State.FAILED
    # The raw error as it came; what people read is said from the code in their language.
    assert "refused" in followup.last_error.lower()
    assert followup.error_code == Failure.GAVE_UP
    assert followup.error_params["attempts"] == 3
    assert followup.failure_note == "Gave up after 3 tries in 0.08 hours."
    with translation.override("es"):
        assert followup.failure_note == "Se dejó de intentar tras 3 intentos en 0,08 horas."


def test_an_outage_of_a_day_fails_nothing_and_the_window_ends_it(
    world: World, settings: object
) -> None:
    """Default backoff (capped at 2 h): a day and a half down, and the row still waits; it
    fails only when FOLLOWUP_RETRY_WINDOW_HOURS (here the default, 72) from its first try is
    over, and its last try falls on the window's end."""
    nothing_listens(settings)
    assert dt.timedelta(hours=72) == settings.FOLLOWUP_RETRY_WINDOW  # type: ignore[attr-defined]
    with time_machine.travel(NOW, tick=False) as clock:
        followup = notice(world)
        while timezone.now() < NOW + dt.timedelta(hours=36):
            assert dispatch().retried == 1
            followup.refresh_from_db()
            clock.move_to(followup.send_at)
        assert followup.state == State.SCHEDULED and followup.attempts > 12
        while followup.state == State.SCHEDULED:
            assert followup.send_at <= NOW + dt.timedelta(hours=72)
            clock.move_to(followup.send_at)
            dispatch()
            followup.refresh_from_db()
        assert timezone.now() == NOW + dt.timedelta(hours=72)
    assert followup.state == State.FAILED
    assert followup.error_params["hours"] == 72
    assert followup.failure_note.endswith(" in 72 hours.")


def test_the_window_is_a_setting(world: World, settings: object) -> None:
    nothing_listens(settings)
    settings.FOLLOWUP_RETRY_WINDOW = dt.timedelta(hours=1)  # type: ignore[attr-defined]
    with time_machine.travel(NOW, tick=False) as clock:
        followup = notice(world)
        dispatch()
        clock.shift(dt.timedelta(hours=1))
        FollowUp.objects.filter(pk=followup.pk).update(send_at=timezone.now())
        assert dispatch().failed == 1


def test_mail_flowing_again_after_a_long_wait_tells_the_admins_once(
    world: World, settings: object, smtp_server: Inbox
) -> None:
    mailers = settings.MAILERS  # type: ignore[attr-defined]
    nothing_listens(settings)
    with time_machine.travel(NOW, tick=False) as clock:
        rows = [notice(world, to=f"r{n}@example.org") for n in range(3)]
        assert dispatch().retried == 3
        later = FollowUp.objects.filter(pk__in=[r.pk for r in rows[1:]])
        later.update(send_at=NOW + dt.timedelta(days=1))
        clock.shift(dt.timedelta(minutes=30))
        FollowUp.objects.filter(pk=rows[0].pk).update(send_at=timezone.now())
        settings.MAILERS = mailers  # type: ignore[attr-defined]
        # Back after half an hour: nobody is told.
        assert dispatch().sent == 1
        assert not FollowUp.objects.filter(template="mail_flows_again").exists()
        nothing_listens(settings)
        clock.shift(dt.timedelta(hours=2))
        later.update(send_at=timezone.now())
        settings.MAILERS = mailers  # type: ignore[attr-defined]
        # Two hours and a half: the two rows go, and the one admin hears it once, not twice.
        assert dispatch().sent == 3
        assert dispatch().sent == 0
    told = FollowUp.objects.get(template="mail_flows_again")
    assert told.to_email == "admin@example.org" and told.state == State.SENT
    message = smtp_server.wait_for(4)[-1]
    assert message["To"] == "admin@example.org"
    assert message["Subject"] == "Follow-ups are going out again (Acme Insurance)"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "some waited since Mon 2 Mar, 14:00" in body.get_content()


def test_retry_all_retries_the_failed_ones_only(world: World) -> None:
    failed = [notice(world), notice(world)]
    waiting = notice(world)
    FollowUp.objects.filter(pk__in=[r.pk for r in failed]).update(
        state=State.FAILED, attempts=5, last_error="421 busy", first_attempt_at=NOW
    )
    assert actions.retry_all(FollowUp.objects.all()) == 2
    for row in failed:
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_error, row.version) == (
            State.SCHEDULED,
            0,
            "",
            2,
        )
        assert row.first_attempt_at is None
    waiting.refresh_from_db()
    assert waiting.version == 1


def test_a_dead_dispatchers_rows_come_back_after_the_lease(world: World) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        followup = notice(world)
        dead = Dispatcher(worker="dead", options=Options(lease=dt.timedelta(seconds=60)))
        [claimed] = dead.claim()
        assert dead.start_sending(claimed)  # and then it died
        assert dispatch().sent == 0  # the lease still holds
        clock.shift(dt.timedelta(seconds=61))
        assert dispatch().sent == 1
    followup.refresh_from_db()
    assert followup.version == 1  # the same Message-ID as the interrupted attempt
    assert followup.attempts == 2


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}), PermanentFailure, "550"),
        (smtplib.SMTPRecipientsRefused({"a@x": (451, b"greylisted")}), TemporaryFailure, "451"),
        (smtplib.SMTPDataError(554, b"spam"), PermanentFailure, "554 spam"),
        (smtplib.SMTPSenderRefused(421, b"busy", "f@x"), TemporaryFailure, "421 busy"),
        (smtplib.SMTPServerDisconnected("gone"), TemporaryFailure, "gone"),
        (ConnectionRefusedError(111, "Connection refused"), TemporaryFailure, "refused"),
        (TimeoutError("timed out"), TemporaryFailure, "timed out"),
    ],
)
def test_classify(error: BaseException, kind: type, words: str) -> None:
    result = classify(error)
    assert isinstance(result, kind)
    assert words in str(result)


def test_heartbeat(world: World) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        assert not Heartbeat.any_alive()
        Dispatcher(worker="alive").heartbeat(force=True)
        assert Heartbeat.any_alive()
        clock.shift(dt.timedelta(minutes=2, seconds=1))
        assert not Heartbeat.any_alive()


def test_smtp_connection_is_reused_for_a_batch(world: World, smtp_server: Inbox) -> None:
    for n in range(5):
        notice(world, to=f"r{n}@example.org")
    assert dispatch().sent == 5
    assert len(smtp_server.wait_for(5)) == 5
    assert len(set(smtp_server.peers)) == 1  # five messages, one SMTP connection


def test_the_dispatchers_postgresql_commits_do_not_wait_for_the_disk(db: object) -> None:
    from django.db import connection

    from followthrough.followups.management.commands.dispatch import (
        commit_without_waiting_for_disk,
    )

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    commit_without_waiting_for_disk(sender=None, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SET synchronous_commit TO DEFAULT")


def test_an_address_with_a_line_break_fails_and_sends_nothing(
    world: World, smtp_server: Inbox
) -> None:
    sneaky = notice(world, to="rep@example.org\r\nRCPT TO:<spam@example.org>")
    counts = dispatch()
    assert counts.failed == 1 and counts.sent == 0
    sneaky.refresh_from_db()
    assert sneaky.state == State.FAILED
    assert smtp_server.messages == []


def test_an_idle_dispatcher_sleeps_until_the_next_row_is_due(world: World) -> None:
    """What once was a timed test with real processes (lateness under 1.5 s): the wait
    between two polls, on a frozen clock. The lateness itself is measured by bench/steady.py."""
    dispatcher = Dispatcher(worker="t", options=Options(idle_sleep_max=1.0))
    with time_machine.travel(NOW, tick=False):
        assert dispatcher.seconds_until_next_due() == 1.0  # nothing scheduled: the longest nap
        notice(world, send_at=NOW + dt.timedelta(seconds=0.4))
        assert dispatcher.seconds_until_next_due() == pytest.approx(0.4)
        notice(world, send_at=NOW - dt.timedelta(seconds=5))
        assert dispatcher.seconds_until_next_due() == 0.0  # one is overdue: no nap at all


def test_every_message_says_it_is_automatic_over_real_smtp(
    world: World, smtp_server: Inbox
) -> None:
    """RFC 3834: autoresponders (out-of-office replies to the coach, who is the Reply-To) must
    not answer. Both ways of writing a message out: our own bytes (a notice) and Django's (an
    invitation with its calendar), then a whole finished session's mail."""
    from followthrough.coaching import actions as coaching
    from tests.coaching_helpers import make_plan

    plan = make_plan(world)
    with time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        notice(world)
        session = coaching.schedule_session(
            plan,
            dt.datetime(2026, 10, 29, 15, 0, tzinfo=dt.UTC),
            by=world.user("coach"),
            invite=True,
        )
        coaching.finish_session(session, by=world.user("coach"), nothing_agreed=True)
        counts = dispatch()
    assert counts.sent >= 3 and counts.failed == 0  # the notice, the invitation, the recap
    messages = smtp_server.wait_for(counts.sent)
    assert {str(m["Subject"]) for m in messages} >= {"How did it go?"}
    assert any(m.get_content_type() == "multipart/mixed" for m in messages)  # an .ics attached
    for message in messages:
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"
