"""The delivery engine with real processes: dispatchers started, killed and signalled, a real
SMTP server (aiosmtpd) stopped and started, on SQLite and on PostgreSQL.

The database is shared with the dispatcher processes, so these tests commit for real
(transactional_db) and start `followthrough dispatch` with the test database's URL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from followthrough.accounts.models import Workspace
from followthrough.followups import actions
from followthrough.followups.models import FollowUp, Heartbeat, Kind, State
from tests.conftest import Inbox, SmtpServer, free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    """The URL of the test database, for processes started by the tests."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return (
        f"postgres://{auth}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}?application_name=followthrough-dispatch-test"
    )


class Dispatchers:
    """Starts `followthrough dispatch` processes aimed at the test database and a local port."""

    def __init__(self, smtp_port: int) -> None:
        self.smtp_port = smtp_port
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *args: str, worker: str = "") -> subprocess.Popen[str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "followthrough.settings",
                "DATABASE_URL": database_url(),
                "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            }
        )
        command = [sys.executable, "-m", "followthrough.cli", "dispatch", "--lease", "2"]
        command += ["--retry-base", "0.3", *args]
        if worker:
            command += ["--worker", worker]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(Inbox(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dispatchers(smtp: SmtpServer) -> Iterator[Dispatchers]:
    group = Dispatchers(smtp.port)
    yield group
    group.stop_all()


def schedule_many(count: int, to: str = "rep{n}@example.org") -> list[FollowUp]:
    workspace, _ = Workspace.objects.get_or_create(slug="acme", defaults={"name": "Acme"})
    now = timezone.now()
    rows = [
        FollowUp(
            kind=Kind.NOTICE,
            template="notice",
            workspace=workspace,
            to_email=to.format(n=n),
            context={"subject": f"Check-in {n}", "text": f"How did it go, number {n}?"},
            send_at=now,
        )
        for n in range(count)
    ]
    return FollowUp.objects.bulk_create(rows)


def expected_ids(rows: list[FollowUp] | None = None) -> set[str]:
    rows = rows if rows is not None else list(FollowUp.objects.all())
    return {row.message_id_header for row in FollowUp.objects.filter(pk__in=[r.pk for r in rows])}


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what or condition}")


def count(**filters: Any) -> int:
    return FollowUp.objects.filter(**filters).count()


def test_sigkill_mid_batch_then_restart_loses_nothing(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    smtp.inbox.delay = 0.03
    rows = schedule_many(60)
    first = dispatchers.start("--batch", "20")
    wait_until(lambda: len(smtp.inbox.messages) >= 10, what="the first messages")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    in_flight = count(state__in=[State.CLAIMED, State.SENDING])
    assert in_flight > 0, "the kill should have left claimed rows behind"

    dispatchers.start("--batch", "20")
    wait_until(lambda: count(state=State.SENT) == 60, what="all 60 sent")

    received = Counter(smtp.inbox.message_ids())
    assert set(received) == expected_ids(rows)  # nothing lost, nothing foreign
    duplicates = sum(n - 1 for n in received.values())
    # At most the one message the kill interrupted is sent twice, with the same Message-ID.
    assert duplicates <= 1


def test_smtp_down_then_back_delivers_everything_with_backoff(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    smtp.stop()
    rows = schedule_many(10)
    dispatchers.start()
    wait_until(
        lambda: count(attempts__gte=2, state=State.SCHEDULED) == 10,
        what="every row tried twice while the server is down",
    )
    waiting = FollowUp.objects.first()
    assert waiting is not None
    assert "Connection refused" in waiting.last_error or "ConnectionRefused" in waiting.last_error
    assert waiting.send_at > waiting.updated_at  # backed off, not hammering

    smtp.start()
    wait_until(lambda: count(state=State.SENT) == 10, what="all sent once the server is back")
    assert Counter(smtp.inbox.message_ids()) == Counter(expected_ids(rows))
    assert all(row.attempts >= 2 for row in FollowUp.objects.all())


def test_a_5xx_answer_fails_visibly_and_is_not_retried(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    [bad] = schedule_many(1, to="reject-me@example.org")
    [good] = schedule_many(1, to="fine@example.org")
    dispatchers.start()
    wait_until(lambda: count(state=State.FAILED) == 1 and count(state=State.SENT) == 1)
    # No sleep to let "several retry periods" pass: a row scheduled after the failure is sent,
    # so the dispatcher has claimed again since, and the failed row was not among the claimed.
    [after] = schedule_many(1, to="after@example.org")
    wait_until(lambda: count(state=State.SENT) == 2, what="a later row sent")
    bad.refresh_from_db()
    assert bad.state == State.FAILED
    assert bad.attempts == 1
    assert "550 5.1.1" in bad.last_error and "mailbox unavailable" in bad.last_error
    assert smtp.inbox.message_ids() == [
        FollowUp.objects.get(pk=pk).message_id_header for pk in (good.pk, after.pk)
    ]


def test_a_4xx_answer_is_retried(smtp: SmtpServer, dispatchers: Dispatchers) -> None:
    [later] = schedule_many(1, to="later@example.org")
    dispatchers.start("--retry-window", "1")
    wait_until(lambda: count(state=State.FAILED) == 1, what="giving up after the window")
    later.refresh_from_db()
    assert later.attempts >= 2
    assert later.error_code == "gave_up" and "451" in later.last_error


def test_cancels_racing_a_running_dispatcher_never_reach_the_server(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    smtp.inbox.delay = 0.005
    rows = schedule_many(150)
    dispatchers.start("--batch", "10")
    outcomes: dict[int, actions.Outcome] = {}
    for row in random.Random(7).sample(rows, len(rows)):
        outcomes[row.pk] = actions.cancel(row)
    wait_until(lambda: count(state__in=[State.CLAIMED, State.SCHEDULED, State.SENDING]) == 0)

    cancelled = {pk for pk, outcome in outcomes.items() if outcome == actions.Outcome.CANCELLED}
    assert cancelled, "the race should let some cancels win"
    received = set(smtp.inbox.message_ids())
    by_id = {row.pk: row for row in FollowUp.objects.all()}
    # A cancel that answered "cancelled" is never sent, whatever version the claim held.
    for pk in cancelled:
        assert by_id[pk].state == State.CANCELLED
        for version in range(1, by_id[pk].version + 1):
            assert f"<followup.{pk}.{version}@" not in "".join(received)
    for pk, outcome in outcomes.items():
        if outcome == actions.Outcome.TOO_LATE:
            assert by_id[pk].state == State.SENT


def test_several_dispatchers_share_the_queue_without_duplicates(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    rows = schedule_many(400)
    for n in range(3):
        dispatchers.start("--batch", "20", worker=f"dispatcher-{n}")
    wait_until(lambda: count(state=State.SENT) == 400, timeout=60, what="all 400 sent")
    received = Counter(smtp.inbox.message_ids())
    assert set(received) == expected_ids(rows)
    assert max(received.values()) == 1, "no row sent twice without a fault"
    workers = set(Heartbeat.objects.values_list("worker", flat=True))
    assert workers == {"dispatcher-0", "dispatcher-1", "dispatcher-2"}
    if connection.vendor == "postgresql":
        # SKIP LOCKED lets them work side by side: each one sent a share.
        senders = Counter(FollowUp.objects.values_list("claimed_by", flat=True))
        assert set(senders) == workers, senders


def test_sigterm_finishes_the_batch_in_hand_and_exits(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    smtp.inbox.delay = 0.05
    schedule_many(40)
    process = dispatchers.start("--batch", "10")
    wait_until(lambda: len(smtp.inbox.messages) >= 2, what="the first batch under way")
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "stopped:" in out
    assert count(state__in=[State.CLAIMED, State.SENDING]) == 0  # nothing left half-done
    sent = count(state=State.SENT)
    assert sent % 10 == 0 and 10 <= sent < 40  # whole batches, then it stopped
    assert len(smtp.inbox.messages) == sent


def test_a_lost_database_connection_is_reestablished(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only a server database has connections to lose")
    schedule_many(3)
    dispatchers.start()
    wait_until(lambda: count(state=State.SENT) == 3)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'followthrough-dispatch-test'"
        )
        assert cursor.fetchall(), "the dispatcher's connection should have been there"
    more = schedule_many(3, to="after{n}@example.org")
    wait_until(lambda: count(state=State.SENT) == 6, what="sending after reconnecting")
    assert expected_ids(more) <= set(smtp.inbox.message_ids())


def test_a_row_scheduled_while_idle_is_sent_when_due(
    smtp: SmtpServer, dispatchers: Dispatchers
) -> None:
    """An idle dispatcher wakes up for a row scheduled later. How late it comes is a timing:
    bench/steady.py measures it; how long it sleeps is tested with a frozen clock
    (test_followups.py, test_an_idle_dispatcher_sleeps_until_the_next_row_is_due)."""
    dispatchers.start()
    wait_until(lambda: Heartbeat.objects.exists(), what="the dispatcher's loop")
    workspace = Workspace.objects.create(slug="w2", name="W2")
    row = actions.schedule(
        kind=Kind.NOTICE,
        template="notice",
        to_email="soon@example.org",
        workspace=workspace,
        send_at=timezone.now() + dt.timedelta(seconds=1.5),
        context={"subject": "Soon", "text": "Now."},
    )
    wait_until(lambda: count(state=State.SENT) == 1, timeout=10)
    row.refresh_from_db()
    assert row.sent_at is not None and row.sent_at >= row.send_at
