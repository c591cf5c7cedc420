"""What the benchmarks share: a fresh database, sink and dispatcher processes, the rows, the
smtplib baseline, the figures, and cleaning up after all of it.

Not run by itself; see herd.py and steady.py. The sinks and dispatchers it starts are each
in a session of their own (start_new_session), so a Ctrl-C reaches only the benchmark, which
then stops them in order, drops the PostgreSQL bench database and removes its temporary
directory.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import fcntl
import json
import math
import multiprocessing
import multiprocessing.synchronize
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType, SimpleNamespace
from typing import Any
from urllib.parse import quote

from sink import read_arrivals

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
FOLLOWTHROUGH = str(BIN / "followthrough")
PYTHON = str(BIN / "python")
SINK = str(Path(__file__).resolve().parent / "sink.py")

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "followthrough_bench"
PG_BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
SECRET_KEY = "bench-not-secret-" + "k" * 40
FROM_EMAIL = "Followthrough <followthrough@bench.localdomain>"
DATABASES = ("postgres", "sqlite")
LOCK_FILE = Path(tempfile.gettempdir()) / "followthrough-bench.lock"
INSERT_CHUNK = 5000


# Figures -------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Delivery:
    """What the sinks saw, compared with what was expected."""

    expected: int
    arrivals: int
    distinct: int
    lost: int
    duplicates: int
    foreign: int  # arrivals with a Message-ID nobody expected (should be 0)
    first_arrival: float
    last_arrival: float
    lateness_p50: float
    lateness_p99: float
    lateness_max: float
    mean_size: float  # bytes of DATA per message
    # Messages per second in each tenth of the time from the first to the last arrival: a
    # falling rate means a cost that grows as the queue drains.
    rate_by_tenth: list[float]


def rate_by_tenth(times: Sequence[float]) -> list[float]:
    if len(times) < 2:
        return []
    start, end = min(times), max(times)
    width = (end - start) / 10 or 1.0
    counts = [0] * 10
    for at in times:
        counts[min(9, int((at - start) / width))] += 1
    return [count / width for count in counts]


def compare(due: dict[str, float], arrivals: Sequence[tuple[float, int, str]]) -> Delivery:
    """due maps each expected Message-ID to its send_at (a Unix time); lateness is measured
    from that moment to the message's first arrival at a sink."""
    first: dict[str, float] = {}
    seen: Counter[str] = Counter()
    foreign = 0
    sizes = 0
    for arrived, size, mid in arrivals:
        if mid not in due:
            foreign += 1
            continue
        seen[mid] += 1
        sizes += size
        if mid not in first or arrived < first[mid]:
            first[mid] = arrived
    lateness = sorted(first[mid] - due[mid] for mid in first)
    times = list(first.values())
    return Delivery(
        expected=len(due),
        arrivals=sum(seen.values()),
        distinct=len(seen),
        lost=len(due) - len(first),
        duplicates=sum(seen.values()) - len(seen),
        foreign=foreign,
        first_arrival=min(times, default=0.0),
        last_arrival=max(times, default=0.0),
        lateness_p50=percentile(lateness, 0.50),
        lateness_p99=percentile(lateness, 0.99),
        lateness_max=lateness[-1] if lateness else 0.0,
        mean_size=sizes / max(1, sum(seen.values())),
        rate_by_tenth=rate_by_tenth(times),
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids: Sequence[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def postgres_server_pids() -> list[int]:
    """Every PostgreSQL server process on this machine (backends, WAL writer, checkpointer,
    autovacuum): what the database costs in CPU, all of it."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def busy_cores(seconds: float = 2.0) -> float:
    """How many cores the machine keeps busy on average, over a short look."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


class CpuMeter:
    """CPU seconds used by groups of processes between start() and stop(), and by everything
    else on the machine ("other": another test suite running meanwhile skews the figures)."""

    def __init__(self, groups: dict[str, Sequence[int]]) -> None:
        self.groups = groups
        self.used: dict[str, float] = {}

    def start(self) -> None:
        self.used = {name: -cpu_of(pids) for name, pids in self.groups.items()}
        self.used["benchmark"] = -time.process_time()
        self.used["other"] = -machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        for name, pids in self.groups.items():
            self.used[name] += cpu_of(pids)
        self.used["benchmark"] += time.process_time()
        self.used["other"] += machine_busy_seconds()
        self.used["other"] -= sum(v for k, v in self.used.items() if k != "other")
        self.used["other"] = max(0.0, self.used["other"])
        return self.used


def code_version() -> str:
    """The commit under test, with "+changes" when followthrough/ differs from it."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "followthrough") else "")


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# Environment and processes -------------------------------------------------------------------


def bench_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of every process of one run: the bench database, no DEBUG (which
    would keep every query in memory), fixed addresses so Message-IDs agree everywhere."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="followthrough.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        VAR_DIR=str(var_dir),
        DEBUG="false",
        BASE_URL="https://followthrough.example.com",
        DEFAULT_FROM_EMAIL=FROM_EMAIL,
        TIME_ZONE="UTC",
        EMAIL_URL="smtp://127.0.0.1:9",  # each dispatcher gets its own sink's address
    )
    return env


@dataclass
class Sink:
    """One bench/sink.py process."""

    process: subprocess.Popen[str]
    port: int
    out: Path

    def snapshot(self) -> list[tuple[float, int, str]]:
        """SIGUSR1 makes the sink write what arrived so far, and go on."""
        self.out.unlink(missing_ok=True)
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        while not self.out.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the sink on port {self.port} wrote no snapshot")
            time.sleep(0.02)
        return read_arrivals(self.out)

    def stop(self) -> list[tuple[float, int, str]]:
        """SIGTERM makes the sink write its arrivals and exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return read_arrivals(self.out) if self.out.exists() else []


class Bench:
    """One benchmark run on one database, as a context manager that cleans up after itself.

    On entry: a temporary directory, and SIGTERM turned into KeyboardInterrupt so that the
    same cleanup runs. On exit: every process started here is stopped (SIGTERM, then SIGKILL
    after a grace period), the Django connections closed, the PostgreSQL bench database
    dropped, the temporary directory removed.
    """

    def __init__(self, db: str, pg_options: str = "") -> None:
        """pg_options: PostgreSQL settings for every connection, e.g. "-c
        synchronous_commit=off" (passed in DATABASE_URL, as an operator would)."""
        if db not in DATABASES:
            raise ValueError(f"unknown database {db!r}")
        self.db = db
        self.tmp = Path(tempfile.mkdtemp(prefix=f"followthrough-bench-{db}-"))
        if db == "postgres":
            self.url = PG_BENCH_URL + (f"?options={quote(pg_options)}" if pg_options else "")
        else:
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        self.env = bench_env(self.url, self.tmp / "var")
        self.processes: list[subprocess.Popen[str]] = []
        self.django_ready = False
        self._previous_handlers: dict[int, Any] = {}
        self._lock: Any = None

    # Context manager ---------------------------------------------------------------------

    def __enter__(self) -> Bench:
        # One benchmark at a time: two would measure each other, and share the PostgreSQL
        # database name.
        self._lock = open(LOCK_FILE, "a")  # held until __exit__
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise SystemExit(f"another benchmark is running (it holds {LOCK_FILE})") from None
        # Also SIGINT: a shell starting a job in the background ignores it for the job.
        self._previous_handlers = {
            signum: signal.signal(signum, interrupt) for signum in (signal.SIGTERM, signal.SIGINT)
        }
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop_processes(self.processes)
            if self.django_ready:
                from django.db import connections

                connections.close_all()
            if self.db == "postgres":
                drop_postgres_database()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
            for signum, handler in self._previous_handlers.items():
                signal.signal(signum, handler)
            self._lock.close()  # releases the lock

    def stop_processes(self, processes: Sequence[subprocess.Popen[str]]) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # The database ------------------------------------------------------------------------

    def create_database(self, after_migrate: Sequence[str] = ()) -> None:
        """A fresh, migrated database; then Django in this process, aimed at it.
        after_migrate: SQL statements run once migrated (experiments, e.g. an extra index)."""
        if self.db == "postgres":
            drop_postgres_database()
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        subprocess.run(
            [FOLLOWTHROUGH, "migrate", "--no-input", "-v", "0"],
            env=self.env,
            cwd=self.tmp,
            check=True,
        )
        os.environ.update(self.env)
        import django

        django.setup()
        self.django_ready = True
        if after_migrate:
            from django.db import connection

            with connection.cursor() as cursor:
                for statement in after_migrate:
                    cursor.execute(statement)

    def insert_followups(self, send_at: Sequence[dt.datetime]) -> dict[str, float]:
        """One notice per send_at, to distinct addresses, committed in chunks (all of them
        in the future, so none is due before the last chunk is in); then statistics are
        brought up to date as they would be for rows scheduled long in advance. Returns
        each row's Message-ID with its send_at as a Unix time.

        The rows are written with COPY (PostgreSQL) or executemany (SQLite), not with
        bulk_create (which spends about 150 µs per row making and preparing model instances):
        every column gets the value a FollowUp made by the ORM would have, prepared by its
        own field, and only the address, the context and send_at vary from row to row."""
        from django.db import connection, transaction
        from django.db.models import Max

        from followthrough.accounts.models import Workspace
        from followthrough.followups.models import FollowUp, Kind

        workspace, _ = Workspace.objects.get_or_create(
            slug="bench", defaults={"name": "Large Company"}
        )
        before = FollowUp.objects.aggregate(last=Max("id"))["last"] or 0
        offset = FollowUp.objects.count()
        model = FollowUp(kind=Kind.NOTICE, template="notice", workspace=workspace)
        fields = [f for f in FollowUp._meta.concrete_fields if not f.primary_key]
        varying = {"to_email", "context", "send_at"}
        fixed = {
            f.name: f.get_db_prep_save(getattr(model, f.attname), connection)
            for f in fields
            if f.name not in varying
        }
        prepare = {f.name: f for f in fields if f.name in varying}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        insert = (
            f"INSERT INTO {connection.ops.quote_name(FollowUp._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )

        def row(n: int, when: dt.datetime) -> list[Any]:
            values = {
                "to_email": f"rep{n}@large-company.example.com",
                "context": notice_context(n),
                "send_at": when,
            }
            return [
                fixed[f.name]
                if f.name in fixed
                else prepare[f.name].get_db_prep_save(values[f.name], connection)
                for f in fields
            ]

        for start in range(0, len(send_at), INSERT_CHUNK):
            chunk = send_at[start : start + INSERT_CHUNK]
            rows = [row(offset + start + i, when) for i, when in enumerate(chunk)]
            with transaction.atomic(), connection.cursor() as cursor:
                if self.db == "postgres":  # COPY: several times faster than INSERTs
                    table = connection.ops.quote_name(FollowUp._meta.db_table)
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for values in rows:
                            copy.write_row(values)
                else:
                    cursor.executemany(insert, rows)
        with connection.cursor() as cursor:
            table = FollowUp._meta.db_table
            cursor.execute(f"VACUUM ANALYZE {table}" if self.db == "postgres" else "ANALYZE")
        # The model's own property makes the Message-IDs, on a stand-in for the instance
        # (creating 100,000 model instances would take seconds).
        message_id = FollowUp.message_id_header.fget
        assert message_id is not None
        inserted = FollowUp.objects.filter(id__gt=before)
        return {
            message_id(SimpleNamespace(pk=pk, version=version)): when.timestamp()
            for pk, version, when in inserted.values_list("id", "version", "send_at")
        }

    def count_sent(self) -> tuple[int, int]:
        """(sent, failed) rows."""
        from django.db.models import Count, Q

        from followthrough.followups.models import FollowUp, State

        counts = FollowUp.objects.aggregate(
            sent=Count("id", filter=Q(state=State.SENT)),
            failed=Count("id", filter=Q(state=State.FAILED)),
        )
        return counts["sent"], counts["failed"]

    def wait_until_sent(
        self, total: int, dispatchers: Sequence[subprocess.Popen[str]], stall: float = 120.0
    ) -> None:
        """Polls every 0.25 s until `total` rows are sent; fails if a dispatcher dies, a row
        fails, or nothing moves for `stall` seconds."""
        last, last_change = -1, time.monotonic()
        while True:
            sent, failed = self.count_sent()
            if sent >= total:
                return
            if failed:
                raise RuntimeError(f"{failed} follow-ups failed; see the dispatcher logs")
            for i, process in enumerate(dispatchers):
                if process.poll() is not None:
                    log = self.dispatcher_log(f"bench-{i}")[-3000:]
                    code = process.returncode
                    raise RuntimeError(f"dispatcher bench-{i} exited ({code}):\n{log}")
            if sent != last:
                last, last_change = sent, time.monotonic()
            elif time.monotonic() - last_change > stall:
                raise RuntimeError(f"stalled at {sent} of {total} sent")
            time.sleep(0.25)

    # Processes ---------------------------------------------------------------------------

    def start(self, command: Sequence[str], log: str, **env: str) -> subprocess.Popen[str]:
        with open(self.tmp / log, "w") as out:
            process = subprocess.Popen(
                list(command),
                env=self.env | env,
                cwd=self.tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def start_sinks(self, count: int, name: str) -> list[Sink]:
        sinks = []
        for i in range(count):
            out = self.tmp / f"{name}-{i}.arrivals"
            process = subprocess.Popen(
                [PYTHON, SINK, "--out", str(out)],
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            self.processes.append(process)
            assert process.stdout is not None
            line = process.stdout.readline().split()
            if len(line) != 2 or line[0] != "ready":
                raise RuntimeError(f"sink {name}-{i} did not start")
            sinks.append(Sink(process, int(line[1]), out))
        return sinks

    def stop_sinks(self, sinks: Sequence[Sink]) -> list[tuple[float, int, str]]:
        arrivals: list[tuple[float, int, str]] = []
        for sink in sinks:
            arrivals += sink.stop()
        return arrivals

    def start_dispatchers(self, sinks: Sequence[Sink], batch: int) -> list[subprocess.Popen[str]]:
        """One `followthrough dispatch` per sink; returns once each has written a heartbeat."""
        from followthrough.followups.models import Heartbeat

        workers = [f"bench-{i}" for i in range(len(sinks))]
        processes = [
            self.start(
                [FOLLOWTHROUGH, "dispatch", "--batch", str(batch), "--worker", worker],
                f"{worker}.log",
                EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            )
            for worker, sink in zip(workers, sinks, strict=True)
        ]
        deadline = time.monotonic() + 60
        while Heartbeat.objects.filter(worker__in=workers).count() < len(workers):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                raise RuntimeError(f"a dispatcher did not start; logs in {self.tmp}")
            time.sleep(0.1)
        return processes

    def dispatcher_log(self, worker: str) -> str:
        path = self.tmp / f"{worker}.log"
        return path.read_text() if path.exists() else ""

    # The baseline ------------------------------------------------------------------------

    def baseline(self, count: int, senders: int) -> tuple[float, Delivery, dict[str, float]]:
        """The same number of messages, built beforehand, sent by `senders` processes with
        plain smtplib over one connection each, each to a fresh sink of its own, all starting
        together. Returns (seconds from the start to the last arrival, delivery, CPU seconds
        of the senders and of the sinks while sending)."""
        sinks = self.start_sinks(senders, "baseline")
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(senders + 1)
        results = context.Queue()
        shares = [range(i, count, senders) for i in range(senders)]
        workers = [
            context.Process(
                target=baseline_sender,
                args=(sink.port, share.start, share.step, count, barrier, results),
                daemon=True,
            )
            for sink, share in zip(sinks, shares, strict=True)
        ]
        for worker in workers:
            worker.start()
        meter = CpuMeter({"sinks": [sink.process.pid for sink in sinks]})
        try:
            barrier.wait(timeout=600)  # every sender has built its messages and connected
            meter.start()
            reports = [results.get(timeout=600) for _ in workers]
            cpu = meter.stop()
        finally:
            for worker in workers:
                worker.join(timeout=30)
                if worker.is_alive():
                    worker.kill()
        arrivals = self.stop_sinks(sinks)
        start = min(started for started, _ in reports)
        due = {baseline_message_id(i): start for i in range(count)}
        delivery = compare(due, arrivals)
        cpu["senders"] = sum(used for _, used in reports)
        cpu["other"] = max(0.0, cpu["other"] - cpu["senders"])
        del cpu["benchmark"]
        return delivery.last_arrival - start, delivery, cpu


def interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT or SIGTERM: stop what is under way, once; further signals are ignored so that
    they cannot interrupt the cleanup."""
    for other in (signal.SIGTERM, signal.SIGINT):
        signal.signal(other, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main_guard(main: Callable[[], None]) -> None:
    """Runs a benchmark's main(); an interruption ends it with one line, not a traceback
    (the cleanup has run by then)."""
    try:
        main()
    except KeyboardInterrupt as stop:
        sys.exit(f"interrupted ({stop or 'SIGINT'}); everything it started is stopped and removed")


def drop_postgres_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def notice_context(n: int) -> dict[str, str]:
    """What a notice to a rep at a large company says: a subject and a short paragraph."""
    return {
        "subject": f"Your 9:00 check-in, Monday (#{n})",
        "text": (
            f"Good morning, rep {n}.\n\nLast week you agreed to call back the three prospects "
            "from Thursday's session and to send the revised proposal to Northwind. How did it "
            "go? Reply to this email with a line or two; your coach will read it before your "
            "next session.\n\nHave a good week."
        ),
    }


def baseline_message_id(i: int) -> str:
    # As long as a real one: <followup.ID.VERSION@domain>.
    return f"<followup.{i + 1}.1@bench.localdomain>"


def baseline_sender(
    port: int,
    first: int,
    step: int,
    count: int,
    barrier: multiprocessing.synchronize.Barrier,
    results: Any,
) -> None:
    """A baseline sender process: builds its share of messages like the dispatcher would
    (the notice templates, a text and an HTML part, serialised as the dispatcher does),
    connects, waits for the others, then sends them all over the one connection."""
    import django

    django.setup()
    from django.conf import settings

    from followthrough.lib import emails

    sender = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    # The dispatcher's own serialiser when there is one (emails.as_smtp_bytes), else Django's.
    serialise = getattr(emails, "as_smtp_bytes", None)
    messages: list[tuple[str, bytes]] = []
    for i in range(first, count, step):
        to = f"rep{i}@large-company.example.com"
        message = emails.build(
            "notice",
            to=[to],
            context=notice_context(i),
            headers={"Message-ID": baseline_message_id(i)},
        )
        data = serialise(message) if serialise else None
        messages.append((to, data or message.message(policy=email.policy.SMTP).as_bytes()))
    smtp = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.localdomain", timeout=30)
    barrier.wait(timeout=600)
    started, cpu = time.time(), time.process_time()
    for to, data in messages:
        smtp.sendmail(sender, [to], data)
    cpu = time.process_time() - cpu
    smtp.quit()
    results.put((started, cpu))


# Running each database in its own process ----------------------------------------------------


def run_each_database(script: str, argv: Sequence[str], databases: Sequence[str]) -> list[dict]:
    """--db both: one child process per database (Django is set up once per process), in
    turn. On Ctrl-C or SIGTERM the child is told to stop and waited for while it cleans up."""
    results: list[dict[str, Any]] = []
    for db in databases:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = Path(handle.name)
        try:
            command = [sys.executable, script, *argv, "--db", db, "--result-file", str(result_file)]
            child = subprocess.Popen(command)
            previous = signal.signal(signal.SIGTERM, interrupt)
            try:
                child.wait()
            except KeyboardInterrupt:
                child.send_signal(signal.SIGTERM)  # ignored if Ctrl-C reached it already
                child.wait()
                raise
            finally:
                signal.signal(signal.SIGTERM, previous)
                signal.signal(signal.SIGINT, signal.default_int_handler)
            if child.returncode != 0:
                raise SystemExit(f"the {db} run failed (exit status {child.returncode})")
            results.append(json.loads(result_file.read_text()))
        finally:
            result_file.unlink(missing_ok=True)
    return results


def write_result(path: Path | None, result: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(result))


def as_dict(delivery: Delivery) -> dict[str, Any]:
    return asdict(delivery)


def without_db_arguments(argv: Sequence[str]) -> list[str]:
    """The command line minus --db X and --result-file X (run_each_database adds its own)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--db", "--result-file"):
            skip = True
            continue
        if arg.startswith(("--db=", "--result-file=")):
            continue
        kept.append(arg)
    return kept


class Timer:
    """Wall-clock stages of a run, printed at the end (where the minutes went)."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self.stages[name] = time.monotonic() - start


def sleep_until(moment: float) -> None:
    while (left := moment - time.time()) > 0:
        time.sleep(min(left, 0.5))
