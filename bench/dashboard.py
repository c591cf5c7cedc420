"""The team dashboard and a rep's page on a large workspace: response times and query counts.

    .venv/bin/python bench/dashboard.py                       # both databases, both sizes
    .venv/bin/python bench/dashboard.py --db postgres --scale 0.01
    .venv/bin/python bench/dashboard.py --db sqlite --scale 1 --requests 30

A fresh database per database and size (made by harness.Bench, which also holds the benchmark
lock and drops the PostgreSQL database at the end), holding one workspace with, at --scale 1:

- 200 reps, each coached by one coach (the viewer) and followed by a stakeholder, each with a
  closed plan and an active one (a revenue target, started 20-80 days ago);
- two years of daily entries, 10 metrics a day: about 1.46 million rows;
- 100,000 commitments (in 20,000 sessions) due over the two years and the next two weeks, in
  every state, about 60,000 answers, some open loops;
- 50,000 opportunities, one every few hours: those expected to close by now were won or lost,
  the others (about 8,000) are open; a confidence rating a week per rep (20,800).

Rows are written in the order they would have happened (day after day, not rep after rep), so
the tables' physical order is that of a database that has lived: it matters to PostgreSQL's
plans (this week's entries sit together in a few pages).

--scale 0.01 makes a hundredth of everything (2 reps). Rows are written with COPY on
PostgreSQL and executemany on SQLite (bulk_create spends most of its time making model
instances), then VACUUM ANALYZE / ANALYZE, as a database that has lived would have statistics.

Then, with Django's test Client logged in as the coach (in the same process: no HTTP server,
so the times are Django's and the database's, without network or a WSGI server), each page is
requested --warmup times, then --requests times; printed: p50 and p95 in milliseconds and the
number of queries of one request. Targets on PostgreSQL: the dashboard's p95 at most 150 ms at
full size, at most twice its p95 at a hundredth, and the same number of queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from harness import (
    Bench,
    Timer,
    code_version,
    main_guard,
    percentile,
    run_each_database,
    verdict,
    write_result,
)

FULL = {"reps": 200, "days": 730, "commitments": 100_000, "opportunities": 50_000}
EXTRA_METRICS = [("Emails sent", "emails", "activity"), ("Demos given", "demos", "activity")]
SEED = 20261129
CHUNK = 20_000
TARGET_P95_MS = 150.0


# Writing rows fast ---------------------------------------------------------------------------


class Writer:
    """Inserts plain tuples into a model's table: COPY on PostgreSQL, executemany on SQLite.
    Values are Python dates, datetimes (aware, UTC), Decimals, ints and strings; on SQLite they
    are turned into the text Django itself would store."""

    def __init__(self, db: str) -> None:
        from django.db import connection

        self.db = db
        self.connection = connection

    def sqlite_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(value, dt.date | Decimal):
            return str(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def insert(self, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        from django.db import transaction

        quote = self.connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(c) for c in columns)
        count = 0
        for chunk in chunks(rows, CHUNK):
            with transaction.atomic(), self.connection.cursor() as cursor:
                if self.db == "postgres":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",
                        [[self.sqlite_value(v) for v in row] for row in chunk],
                    )
            count += len(chunk)
        return count

    def ids(self, model: Any, count: int) -> list[int]:
        """The ids of the last `count` rows written to the model's table, in order (one writer
        on a fresh database: ids follow the order of the rows)."""
        newest = model.objects.order_by("-id").values_list("id", flat=True)[:count]
        return sorted(newest)


def chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# The workspace -------------------------------------------------------------------------------


def build(db: str, scale: float) -> dict[str, Any]:
    """Writes the workspace; returns the people to log in as and what was written."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from followthrough.accounts.models import (
        CoachingRelationship,
        Following,
        Membership,
        Profile,
        Role,
        User,
        Workspace,
    )
    from followthrough.coaching.models import (
        Answer,
        Commitment,
        CommitmentState,
        Plan,
        Response,
        Session,
    )
    from followthrough.metrics.models import ConfidenceRating, Entry, Metric, MetricKind
    from followthrough.pipeline.models import Opportunity, Stage

    rng = random.Random(SEED)
    writer = Writer(db)
    now = timezone.now()
    today = now.date()
    n_reps = max(2, round(FULL["reps"] * scale))
    n_commitments = round(FULL["commitments"] * scale)
    n_opportunities = round(FULL["opportunities"] * scale)
    days = [today - dt.timedelta(days=d) for d in range(FULL["days"] - 1, -1, -1)]

    workspace = Workspace.objects.create(name="Large Company", slug="large")
    password = make_password("bench")  # hashed once: hashing 200 times would take a minute
    users = User.objects.bulk_create(
        [
            User(email=f"{key}@large.example.com", name=name, password=password)
            for key, name in [
                ("coach", "Casey Coach"),
                ("manager", "Morgan Manager"),
                *((f"rep{i:03}", f"Rep {i:03}") for i in range(n_reps)),
            ]
        ]
    )
    Profile.objects.bulk_create([Profile(user=user, time_zone="America/Chicago") for user in users])
    roles = [Role.COACH, Role.STAKEHOLDER] + [Role.REP] * n_reps
    members = Membership.objects.bulk_create(
        [
            Membership(workspace=workspace, user=user, role=role, title="Account Executive")
            for user, role in zip(users, roles, strict=True)
        ]
    )
    coach, manager, reps = members[0], members[1], members[2:]
    CoachingRelationship.objects.bulk_create(
        [CoachingRelationship(workspace=workspace, coach=coach, rep=rep) for rep in reps]
    )
    Following.objects.bulk_create(
        [Following(workspace=workspace, stakeholder=manager, rep=rep) for rep in reps]
    )
    Metric.of(workspace)
    Metric.objects.bulk_create(
        [
            Metric(workspace=workspace, name=name, unit=unit, kind=kind, position=20 + i)
            for i, (name, unit, kind) in enumerate(EXTRA_METRICS)
        ]
    )
    metrics = list(Metric.objects.filter(workspace=workspace))
    revenue = next(m for m in metrics if m.name == "Revenue")

    # Plans: a closed one for the past, an active one started 20 to 80 days ago.
    plans: dict[int, tuple[Plan, Plan]] = {}
    for rep in reps:
        started = today - dt.timedelta(days=rng.randint(20, 80))
        old = Plan(
            workspace=workspace,
            coach=coach,
            rep=rep,
            purpose="First year",
            starts_on=days[0],
            deadline=started - dt.timedelta(days=1),
            target_metric="revenue",
            target_low=Decimal(200_000),
            target_unit="USD",
            closed_at=now - dt.timedelta(days=(today - started).days),
        )
        active = Plan(
            workspace=workspace,
            coach=coach,
            rep=rep,
            purpose="Make the number",
            starts_on=started,
            deadline=started + dt.timedelta(days=90),
            target_metric="revenue",
            target_low=Decimal(rng.choice([30_000, 40_000, 50_000])),
            target_high=Decimal(60_000),
            target_unit="USD",
        )
        plans[rep.pk] = (old, active)
    Plan.objects.bulk_create([plan for pair in plans.values() for plan in pair])

    # Everything below is written in the order it would have happened, day after day, so that
    # the tables' physical order is a real database's: this week's rows are near each other.

    # Entries: every day, every rep, every metric (value 0 on many days).
    skill = {rep.pk: rng.uniform(0.5, 1.5) for rep in reps}  # some reps sell more than others

    def entries() -> Iterator[tuple[Any, ...]]:
        for day in days:
            at = dt.datetime.combine(day, dt.time(22), dt.UTC)
            for rep in reps:
                for metric in metrics:
                    if metric.pk == revenue.pk:
                        value = round(skill[rep.pk] * rng.choice((0,) * 7 + (1000, 2500)))
                    elif metric.kind == MetricKind.ACTIVITY:
                        value = rng.randint(0, 25)
                    else:
                        value = rng.randint(0, 2)
                    yield (workspace.pk, rep.pk, metric.pk, day, value, "log", at, at)

    entry_columns = [
        "workspace_id",
        "member_id",
        "metric_id",
        "day",
        "value",
        "source",
        "created_at",
        "updated_at",
    ]
    n_entries = writer.insert(Entry, entry_columns, entries())

    # Commitments due over the two years and the next two weeks, agreed five at a time in a
    # session three days before the first of them is due.
    per_rep = n_commitments // n_reps
    agreed = []  # (session start, rep, plan, the five due dates)
    for rep in reps:
        old, active = plans[rep.pk]
        due_dates = sorted(
            days[0] + dt.timedelta(days=rng.randint(0, FULL["days"] + 13)) for _ in range(per_rep)
        )
        for i in range(0, per_rep, 5):
            five = due_dates[i : i + 5]
            plan = active if five[0] >= active.starts_on else old
            starts_at = dt.datetime.combine(five[0] - dt.timedelta(days=3), dt.time(15), dt.UTC)
            agreed.append((starts_at, rep, plan, five))
    agreed.sort(key=lambda session: session[0])

    def state(starts_at: dt.datetime) -> str:
        return "finished" if starts_at < now else "scheduled"

    session_columns = [
        "workspace_id",
        "plan_id",
        "starts_at",
        "duration_minutes",
        "location",
        "state",
        "private_notes",
        "summary",
        "invited",
        "sequence",
        "created_at",
        "words_shared",
    ]
    writer.insert(
        Session,
        session_columns,
        (
            (workspace.pk, plan.pk, at, 45, "", state(at), "", "", False, 0, at, False)
            for at, _rep, plan, _five in agreed
        ),
    )
    session_ids = writer.ids(Session, len(agreed))

    states = (
        [CommitmentState.DONE] * 55
        + [CommitmentState.PARTLY] * 10
        + [CommitmentState.MISSED] * 10
        + [CommitmentState.DROPPED] * 5
        + [CommitmentState.OPEN] * 20
    )
    commitment_rows, answers = [], []  # answers: (index of the commitment, answer, at)
    for session_id, (starts_at, rep, plan, five) in zip(session_ids, agreed, strict=True):
        for due in five:
            state = rng.choice(states) if due < today else CommitmentState.OPEN
            checkin = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(14), dt.UTC)
            open_loop_at = None
            answer = None
            if state in (CommitmentState.DONE, CommitmentState.PARTLY) and rng.random() < 0.8:
                answer = Answer.DONE if state == CommitmentState.DONE else Answer.PARTLY
            elif state == CommitmentState.OPEN and checkin < now:
                if rng.random() < 0.3:
                    answer = Answer.NOT_YET
                elif (today - due).days < 30:
                    open_loop_at = checkin + dt.timedelta(days=2)  # reminded, still silent
            if answer is not None:
                answers.append((len(commitment_rows), answer, checkin + dt.timedelta(hours=5)))
            outcome_at = checkin if state in CommitmentState.with_outcome() else None
            commitment_rows.append(
                (
                    workspace.pk,
                    plan.pk,
                    session_id,
                    rep.pk,
                    "Call ten past clients and ask each for three referrals",
                    due,
                    '[{"name": "calls", "target": 10}]',
                    state,
                    "",
                    outcome_at,
                    False,
                    1,
                    checkin,
                    open_loop_at if open_loop_at and open_loop_at <= now else None,
                    starts_at,
                    starts_at,
                )
            )
    commitment_columns = [
        "workspace_id",
        "plan_id",
        "session_id",
        "owner_id",
        "text",
        "due_on",
        "measures",
        "state",
        "outcome",
        "outcome_at",
        "needs_talk",
        "round",
        "checkin_at",
        "open_loop_at",
        "created_at",
        "updated_at",
    ]
    writer.insert(Commitment, commitment_columns, commitment_rows)
    commitment_ids = writer.ids(Commitment, len(commitment_rows))
    response_columns = [
        "commitment_id",
        "round",
        "answer",
        "numbers",
        "comment",
        "source",
        "created_at",
        "updated_at",
        "words_shared",
    ]
    answers.sort(key=lambda answer: answer[2])
    n_responses = writer.insert(
        Response,
        response_columns,
        (
            (commitment_ids[index], 1, answer, '{"calls": 7}', "", "link", at, at, False)
            for index, answer, at in answers
        ),
    )

    # Opportunities, one every few hours over the two years: those expected to close by now
    # were won (40 %) or lost; the others are open, in any open stage.
    opportunity_rows = []
    for i in range(n_opportunities):
        rep = reps[rng.randrange(n_reps)]
        created = now - dt.timedelta(days=FULL["days"]) * (1 - i / n_opportunities)
        closes = created.date() + dt.timedelta(days=rng.randint(15, 120))
        if closes <= today:
            stage = Stage.WON if rng.random() < 0.4 else Stage.LOST
        else:
            stage = rng.choice(Stage.open_stages())
        opportunity_rows.append(
            (
                workspace.pk,
                rep.pk,
                f"Account {i}",
                "Pat Buyer",
                f"pat{i}@client.example.com",
                Decimal(rng.randrange(1_000, 50_000, 500)),
                "USD",
                stage,
                closes,
                "Send the proposal",
                closes if closes <= today else None,
                created,
                created,
            )
        )
    opportunity_columns = [
        "workspace_id",
        "owner_id",
        "account",
        "contact_name",
        "contact_email",
        "value",
        "currency",
        "stage",
        "expected_close_on",
        "next_step",
        "closed_on",
        "created_at",
        "updated_at",
    ]
    writer.insert(Opportunity, opportunity_columns, opportunity_rows)

    # A confidence rating a week, a fall of two now and then.
    confidence = dict.fromkeys((rep.pk for rep in reps), 3)
    rating_rows = []
    for week in range(0, FULL["days"], 7):
        at = dt.datetime.combine(days[week], dt.time(17), dt.UTC)
        for rep in reps:
            rating = confidence[rep.pk] + rng.choice((-2, -1, 0, 0, 1, 1))
            confidence[rep.pk] = rating = min(5, max(1, rating))
            rating_rows.append((workspace.pk, rep.pk, rating, "", at))
    n_ratings = writer.insert(
        ConfidenceRating,
        ["workspace_id", "member_id", "rating", "comment", "rated_at"],
        rating_rows,
    )

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if db == "postgres" else "ANALYZE")
    return {
        "coach": coach.user,
        "manager": manager.user,
        "rep": reps[0],
        "slug": workspace.slug,
        "rows": {
            "reps": n_reps,
            "entries": n_entries,
            "commitments": len(commitment_rows),
            "responses": n_responses,
            "opportunities": len(opportunity_rows),
            "ratings": n_ratings,
        },
    }


# Measuring -----------------------------------------------------------------------------------


def measure(client: Any, url: str, warmup: int, requests: int) -> dict[str, Any]:
    """p50 and p95 in ms over `requests` GETs after `warmup` ones; queries of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # now: later requests empty the connection's query log
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "status": response.status_code,
        "queries": count,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "bytes": len(response.content),
    }


def rebuild_weeks(db: str, slug: str) -> None:
    """The stored weekly summaries of every rep, as the receivers would have kept them while
    the rows were written one by one (`followthrough rebuild_weeks`), then their statistics."""
    from django.db import connection

    from followthrough.accounts.models import Workspace
    from followthrough.weeks import store

    count = store.rebuild(Workspace.objects.get(slug=slug))
    with connection.cursor() as cursor:
        if db == "postgres":
            cursor.execute("VACUUM ANALYZE weeks_weeksummary, weeks_weekmetric")
        else:
            cursor.execute("ANALYZE")
    print(f"  {count:,} weekly summaries stored", flush=True)


def run(
    db: str, scale: float, warmup: int, requests: int, after_migrate: Sequence[str]
) -> dict[str, Any]:
    timer = Timer()
    with Bench(db) as bench:
        bench.env["ALLOWED_HOSTS"] = "testserver"
        with timer("create"):
            bench.create_database(after_migrate)
        with timer("write"):
            world = build(db, scale)
        with timer("weekly summaries"):
            rebuild_weeks(db, world["slug"])
        from django.test import Client
        from django.urls import reverse

        # A page that fails is measured and shown with its status, not a traceback per request.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        client = Client(raise_request_exception=False)
        client.force_login(world["coach"])
        slug, rep = world["slug"], world["rep"]
        pages = {
            "dashboard": reverse("team_dashboard", args=[slug]),
            "dashboard sorted by pace": reverse("team_dashboard", args=[slug]) + "?sort=-pace",
            "rep page": reverse("rep_progress", args=[slug, rep.pk]),
            "weekly CSV (12 weeks)": reverse("dashboard_csv", args=[slug]),
        }
        with timer("measure"):
            figures = {name: measure(client, url, warmup, requests) for name, url in pages.items()}
    return {
        "db": db,
        "scale": scale,
        "rows": world["rows"],
        "pages": figures,
        "stages": timer.stages,
        "after_migrate": list(after_migrate),
    }


def print_table(results: Sequence[dict[str, Any]]) -> None:
    print(f"\ncode {code_version()}")
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in r["stages"].items())
        print(f"{r['db']} at {r['scale']:g}: {rows} ({stages})")
        for sql in r["after_migrate"]:
            print(f"  after migrating: {sql}")
    print("\ndatabase    size  page                       status   p50 ms   p95 ms  queries")
    for r in results:
        for name, f in r["pages"].items():
            print(
                f"{r['db']:10} {r['scale']:>5g}  {name:26} {f['status']:>6} "
                f"{f['p50']:8.1f} {f['p95']:8.1f} {f['queries']:>8}"
            )
    by = {(r["db"], r["scale"]): r["pages"]["dashboard"] for r in results}
    full, small = by.get(("postgres", 1.0)), by.get(("postgres", 0.01))
    if full:
        print(
            f"\nPostgreSQL dashboard p95 at full size: {full['p95']:.1f} ms "
            f"(target <= {TARGET_P95_MS:.0f}): {verdict(full['p95'] <= TARGET_P95_MS)}"
        )
    if full and small:
        ratio = full["p95"] / small["p95"]
        print(
            f"PostgreSQL dashboard p95, full / hundredth: {ratio:.2f} (target <= 2): "
            f"{verdict(ratio <= 2)}"
        )
        print(
            f"PostgreSQL dashboard queries, full / hundredth: {full['queries']} / "
            f"{small['queries']}: {verdict(full['queries'] == small['queries'])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--scale", type=float, nargs="+", default=[1.0, 0.01], help="1 = 200 reps; 0.01 = 2"
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--after-migrate",
        action="append",
        default=[],
        metavar="SQL",
        help="an SQL statement to run once migrated (an experiment, e.g. an extra index)",
    )
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both" or len(args.scale) > 1:
        # One child process per database and size: Django is set up once per process.
        databases = ["postgres", "sqlite"] if args.db == "both" else [args.db]
        results = []
        for db in databases:
            for scale in args.scale:
                argv = [
                    "--scale",
                    str(scale),
                    "--requests",
                    str(args.requests),
                    "--warmup",
                    str(args.warmup),
                    *(f"--after-migrate={sql}" for sql in args.after_migrate),
                ]
                results += run_each_database(__file__, argv, [db])
        print_table(results)
        return
    result = run(args.db, args.scale[0], args.warmup, args.requests, args.after_migrate)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
