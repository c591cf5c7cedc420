"""Where a dispatcher's time goes per message, measured in one process, step by step.

    .venv/bin/python bench/costs.py --db sqlite
    .venv/bin/python bench/costs.py --db postgres --n 2000 --history 0 --profile-top 40

On a fresh database (made as herd.py makes it) holding --history rows already sent (a
table with a past), with one aiosmtpd sink, it times:

1. each step of sending one follow-up, with the dispatcher's own methods called in a loop;
2. cheaper ways of doing the same steps, which the dispatcher could adopt (one statement per
   chunk of rows instead of one per row, an index the reaper can use);
3. whole loops over due rows: Dispatcher.run(once=True) as it is, then prototype loops that
   combine the cheaper steps, one of them with the SMTP conversation in a second thread
   (bench code only, to measure what the changes would give together; the dispatcher itself
   is unchanged), then the real loop again under cProfile.

Times are per message: wall (perf_counter, including waits for the database and the sink),
CPU of this process and, on PostgreSQL, CPU of the database server's processes. Nothing else
is sending meanwhile: costs without contention.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import email.policy
import email.utils
import functools
import io
import pstats
import queue
import smtplib
import sysconfig
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from harness import Bench, cpu_of, postgres_server_pids

SITE_PACKAGES = sysconfig.get_paths()["purelib"] + "/"
WORKER = "costs"
CHUNK = 10


class Clock:
    """Per-message milliseconds of named steps, printed as a table: wall, CPU of this process
    and, on PostgreSQL, CPU of the database server (all its processes)."""

    def __init__(self, db: str) -> None:
        self.server = postgres_server_pids() if db == "postgres" else []
        self.rows: list[tuple[str, float, float, float]] = []

    def measure(self, name: str, count: int, work: Callable[[], object]) -> None:
        wall, cpu, server = time.perf_counter(), time.process_time(), cpu_of(self.server)
        work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server = cpu_of(self.server) - server
        self.rows.append((name, wall * 1000 / count, cpu * 1000 / count, server * 1000 / count))

    def print(self, title: str) -> None:
        print(f"\n{title:<68} wall ms   CPU ms  server CPU ms")
        for name, wall, cpu, server in self.rows:
            print(f"  {name:<66} {wall:7.3f}  {cpu:7.3f}  {server:7.3f}")
        self.rows = []


# Cheaper ways of doing the dispatcher's steps ----------------------------------------------


def as_bytes_django(message: Any) -> bytes:
    """What Django's SMTP backend sends."""
    return bytes(message.message(policy=email.policy.SMTP).as_bytes())


def serialise(message: Any) -> bytes:
    """The bytes the dispatcher sends: its own serialiser when it has one, else Django's."""
    from followthrough.lib import emails

    direct = getattr(emails, "as_smtp_bytes", None)
    return (direct(message) if direct else None) or as_bytes_django(message)


def serialiser_name() -> str:
    from followthrough.lib import emails

    return "emails.as_smtp_bytes" if hasattr(emails, "as_smtp_bytes") else "Django's"


def send(dispatcher: Any, row: Any, message: Any) -> None:
    """The dispatcher's send step: Dispatcher.send where it exists, else its mailer."""
    if hasattr(dispatcher, "send"):
        dispatcher.send(row, message)
    else:
        dispatcher.mailer().send_messages([message])


def start_sending_chunk(rows: Sequence[Any], lease_until: dt.datetime) -> set[int]:
    """claimed → sending for several rows in one UPDATE, each only if its version is still
    the one claimed; returns the ids that may be sent."""
    from django.db import connection

    from followthrough.followups.models import FollowUp

    table = FollowUp._meta.db_table
    # (id = … AND version = …) OR …: both databases look each one up by primary key
    # (SQLite scans the whole table for (id, version) IN (VALUES …)).
    pairs = " OR ".join(["(id = %s AND version = %s)"] * len(rows))
    params: list[Any] = [lease_until, dt.datetime.now(dt.UTC), WORKER]
    for row in rows:
        params += [row.pk, row.version]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = 'sending', lease_until = %s, "
            "attempts = attempts + 1, updated_at = %s "
            f"WHERE state = 'claimed' AND claimed_by = %s AND ({pairs}) RETURNING id",
            params,
        )
        return {pk for (pk,) in cursor.fetchall()}


def mark_sent_chunk(sent: Sequence[tuple[Any, Any]]) -> None:
    """sending → sent for several rows in one UPDATE, each with its own subject and bodies."""
    from django.db import connection

    from followthrough.followups.models import FollowUp

    if not sent:
        return
    table = FollowUp._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(sent))
    params: list[Any] = []
    for row, message in sent:
        html = next((c for c, kind in message.alternatives if kind == "text/html"), "")
        params += [row.pk, row.version, row.message_id_header, message.subject[:255]]
        params += [message.body, html]
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH v(id, version, message_id, subject, body_text, body_html) "
            f"AS (VALUES {values}) "
            f"UPDATE {table} SET state = 'sent', sent_at = %s, message_id = v.message_id, "
            "subject = v.subject, body_text = v.body_text, body_html = v.body_html, "
            "claimed_by = %s, lease_until = NULL, last_error = '', updated_at = %s "
            f"FROM v WHERE {table}.id = v.id AND {table}.version = v.version "
            f"AND {table}.state <> 'sent'",
            [*params, now, WORKER, now],
        )


# Helpers -------------------------------------------------------------------------------------


def due_rows(bench: Bench, n: int) -> None:
    """n rows due a second ago."""
    bench.insert_followups([dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)] * n)


def history(bench: Bench, n: int) -> None:
    """n rows sent long ago: the table of a dispatcher that has been running for a while."""
    from followthrough.followups.models import FollowUp, State

    if n:
        bench.insert_followups([dt.datetime.now(dt.UTC) + dt.timedelta(days=1)] * n)
        FollowUp.objects.update(state=State.SENT, send_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


def claimed(dispatcher: Any, n: int) -> list[Any]:
    rows: list[Any] = []
    while len(rows) < n:
        batch = dispatcher.claim()
        if not batch:
            raise RuntimeError("ran out of due rows")
        rows += batch
    return rows


def chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# 1 and 2: the steps --------------------------------------------------------------------------


def step_costs(bench: Bench, port: int, n: int) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from followthrough.followups.dispatcher import Dispatcher, Options
    from followthrough.followups.models import FollowUp, State

    clock = Clock(bench.db)
    dispatcher = Dispatcher(worker=WORKER, options=Options(batch_size=100))
    due_rows(bench, 2 * n)
    rows = claimed(dispatcher, n)
    more: list[Any] = []
    clock.measure(
        "claim: SELECT … FOR UPDATE, UPDATE, SELECT (per row, batch 100)",
        n,
        lambda: more.extend(claimed(dispatcher, n)),
    )
    clock.measure(
        "start_sending: claimed→sending, one UPDATE per row (autocommit)",
        n,
        lambda: [dispatcher.start_sending(row) for row in rows],
    )
    messages: list[Any] = []
    clock.measure(
        "build_message: 3 templates + EmailMultiAlternatives",
        n,
        lambda: messages.extend(row.build_message() for row in rows),
    )
    clock.measure(
        "send: serialise + SMTP, as the dispatcher does it",
        n,
        lambda: [send(dispatcher, r, m) for r, m in zip(rows, messages, strict=True)],
    )
    dispatcher.close_mailer()
    data: list[bytes] = []
    clock.measure(
        f"  serialise: {serialiser_name()}",
        n,
        lambda: data.extend(serialise(m) for m in messages),
    )
    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.localdomain")
    pairs = list(zip(messages, data, strict=True))
    clock.measure(
        "  SMTP: sendmail of the ready bytes (4 round trips to the sink)",
        n,
        lambda: [smtp.sendmail(sender, [m.to[0]], b) for m, b in pairs],
    )
    smtp.quit()
    clock.measure(
        "  for comparison, Django's serialiser: message(policy=SMTP).as_bytes()",
        n,
        lambda: [as_bytes_django(m) for m in messages],
    )
    clock.measure(
        "mark_sent: sending→sent, one UPDATE per row with subject and bodies",
        n,
        lambda: [dispatcher.mark_sent(r, m) for r, m in zip(rows, messages, strict=True)],
    )
    clock.measure(
        "reap: lease-expired UPDATE (once per loop; here per call)",
        100,
        lambda: [dispatcher.reap() for _ in range(100)],
    )
    clock.measure(
        "seconds_until_next_due (after a short batch; here per call)",
        100,
        lambda: [dispatcher.seconds_until_next_due() for _ in range(100)],
    )
    clock.print(f"1. per message, the dispatcher's own steps ({bench.db}, {n} rows)")

    rows, half = more, n // 2
    lease_until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    table = FollowUp._meta.db_table

    def start_sending_chunks() -> None:
        for part in chunks(rows, CHUNK):
            if len(start_sending_chunk(part, lease_until)) != len(part):
                raise RuntimeError("the chunked compare-and-set missed rows")

    clock.measure(
        f"claimed→sending, one UPDATE … RETURNING per {CHUNK} rows", n, start_sending_chunks
    )
    sent = list(zip(rows, messages, strict=True))

    def mark_sent_in_transactions() -> None:
        for part in chunks(sent[:half], CHUNK):
            with transaction.atomic():
                for row, message in part:
                    dispatcher.mark_sent(row, message)

    clock.measure(
        f"mark_sent as it is, {CHUNK} rows per transaction", half, mark_sent_in_transactions
    )
    clock.measure(
        f"mark_sent, one UPDATE … FROM (VALUES …) per {CHUNK} rows",
        n - half,
        lambda: [mark_sent_chunk(part) for part in chunks(sent[half:], CHUNK)],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX bench_lease_not_null ON {table} (lease_until) "
            "WHERE lease_until IS NOT NULL"
        )
    clock.measure(
        "reap, with an index on lease_until WHERE lease_until IS NOT NULL",
        100,
        lambda: [dispatcher.reap() for _ in range(100)],
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX bench_lease_not_null")
    FollowUp.objects.filter(state=State.SENDING).update(state=State.SENT)
    clock.print(f"2. per message, cheaper ways of doing the same ({bench.db})")


# 3: whole loops ----------------------------------------------------------------------------


def prototype_loop(port: int) -> int:
    """The dispatcher's work with the cheaper steps: claim as it does; per chunk of rows one
    compare-and-set UPDATE, then build and send each message over one smtplib connection
    (the envelope addresses taken as stored: validated when the row was written), then one
    UPDATE recording the chunk as sent; the reaper not run per loop. Returns messages sent."""
    from django.conf import settings

    from followthrough.followups.dispatcher import Dispatcher, Options

    dispatcher = Dispatcher(worker=WORKER, options=Options(batch_size=100))
    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.localdomain")
    count = 0
    while batch := dispatcher.claim():
        for part in chunks(batch, CHUNK):
            lease_until = dt.datetime.now(dt.UTC) + dispatcher.options.lease
            allowed = start_sending_chunk(part, lease_until)
            sent = []
            for row in part:
                if row.pk in allowed:
                    message = row.build_message()
                    smtp.sendmail(sender, [row.to_email], serialise(message))
                    sent.append((row, message))
            mark_sent_chunk(sent)
            count += len(sent)
    smtp.quit()
    return count


def prototype_threaded(port: int) -> int:
    """prototype_loop with the SMTP conversation in a second thread: while it waits for the
    server's answers, the main thread claims, builds and records (the GIL is released while a
    thread waits on a socket). Only the main thread uses the database."""
    from django.conf import settings

    from followthrough.followups.dispatcher import Dispatcher, Options

    dispatcher = Dispatcher(worker=WORKER, options=Options(batch_size=100))
    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    outgoing: queue.Queue[tuple[Any, Any, bytes] | None] = queue.Queue(maxsize=2 * CHUNK)
    done: queue.Queue[tuple[Any, Any]] = queue.Queue()

    def smtp_thread() -> None:
        smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.localdomain")
        while (item := outgoing.get()) is not None:
            row, message, data = item
            smtp.sendmail(sender, [row.to_email], data)
            done.put((row, message))
        smtp.quit()

    def record_sent() -> int:
        sent = []
        while not done.empty():
            sent.append(done.get())
        mark_sent_chunk(sent)
        return len(sent)

    thread = threading.Thread(target=smtp_thread)
    thread.start()
    count = 0
    while batch := dispatcher.claim():
        for part in chunks(batch, CHUNK):
            lease_until = dt.datetime.now(dt.UTC) + dispatcher.options.lease
            allowed = start_sending_chunk(part, lease_until)
            for row in part:
                if row.pk in allowed:
                    message = row.build_message()
                    outgoing.put((row, message, serialise(message)))
            count += record_sent()
    outgoing.put(None)
    thread.join()
    return count + record_sent()


def loops(bench: Bench, port: int, n: int, top: int) -> None:
    from followthrough.followups.dispatcher import Dispatcher, Options

    clock = Clock(bench.db)
    for label, loop in (
        (
            "Dispatcher.run(once=True), as it is",
            lambda: Dispatcher(worker=WORKER, options=Options(batch_size=100)).run(once=True),
        ),
        (
            f"prototype: one UPDATE per {CHUNK} rows (twice), no per-loop reap",
            functools.partial(prototype_loop, port),
        ),
        (
            "prototype, and SMTP in a second thread",
            functools.partial(prototype_threaded, port),
        ),
    ):
        due_rows(bench, n)
        clock.measure(label, n, loop)
    clock.print(f"3. per message, whole loops over {n} due rows ({bench.db}, batch 100)")

    due_rows(bench, n)
    profiler = cProfile.Profile()
    profiler.enable()
    Dispatcher(worker=WORKER, options=Options(batch_size=100)).run(once=True)
    profiler.disable()
    for order, restriction in (("tottime", top), ("cumulative", r"dispatcher\.py|emails\.py")):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(restriction)
        print(f"\ncProfile of Dispatcher.run(once=True) over {n} rows, by {order}:")
        print(trim_stats(out.getvalue()))


def trim_stats(text: str) -> str:
    """pstats output without its blank lines and with shorter paths."""
    lines = (line.replace(SITE_PACKAGES, "") for line in text.splitlines() if line.strip())
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="sqlite")
    parser.add_argument("--n", type=int, default=1000, help="rows per measurement")
    parser.add_argument(
        "--history", type=int, default=100_000, help="rows already sent, before measuring"
    )
    parser.add_argument("--profile-top", type=int, default=25, help="functions to list")
    parser.add_argument(
        "--pg-options",
        default="-c synchronous_commit=off",
        help="PostgreSQL settings (default: what `followthrough dispatch` sets for itself)",
    )
    args = parser.parse_args()
    with Bench(args.db, args.pg_options) as bench:
        [sink] = bench.start_sinks(1, "costs")
        bench.env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
        bench.create_database()
        history(bench, args.history)
        step_costs(bench, sink.port, args.n)
        loops(bench, sink.port, args.n, args.profile_top)


if __name__ == "__main__":
    main()
