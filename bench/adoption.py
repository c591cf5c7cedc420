"""A cohort's adoption page on a large program: response times and query counts.

    .venv/bin/python bench/adoption.py                        # both databases, both sizes
    .venv/bin/python bench/adoption.py --db postgres --scale 0.1
    .venv/bin/python bench/adoption.py --db sqlite --scale 1 --requests 30

A fresh database per database and size (harness.Bench), holding one workspace with, at
--scale 1 (issue 14's figures):

- a program and its cohort: a facilitator and 50 enrolled managers, whose workshop was 12 weeks
  ago (the default 1 + 6 calls every two weeks), each with their own plan with the facilitator;
- 500 reps, 10 per manager, each with a plan coached by their manager (a revenue target);
- a year of coaching: each manager holds from 0.2 to 1.5 sessions a week per rep (some
  coach, some stay skeptical), about 25,000 finished sessions; two commitments agreed in each
  (about 50,000), their check-ins sent once due (a FollowUp each) and about 70 % answered;
- a year of the reps' revenue, a result or two a week each (about 40,000 entries);
- 6 role-plays per manager on a 6 x 4 rubric, scored three ways (1,800 assessments).

--scale 0.1 makes a tenth of the managers and reps (5 and 50), with the same year per rep.
Rows are written with COPY on PostgreSQL and executemany on SQLite (dashboard.Writer), in the
order they happened, then VACUUM ANALYZE / ANALYZE.

Then, with Django's test Client logged in (same process, no HTTP server), the page is
requested --warmup times, then --requests times, as the facilitator (every manager's row) and
as one enrolled manager (their own row and the spread): p50 and p95 in milliseconds and the
queries of one request. Targets on PostgreSQL: p95 under 150 ms at full size, and the same
number of queries at a tenth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# This checkout's code, here and in the migrate process (not another installed copy's).
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = str(ROOT)

from dashboard import Writer, measure  # noqa: E402
from harness import (  # noqa: E402
    Bench,
    Timer,
    code_version,
    main_guard,
    run_each_database,
    verdict,
    write_result,
)

FULL = {"managers": 50, "reps_each": 10, "days": 365}
SEED = 20261208
TARGET_P95_MS = 150.0
PROGRAM_WEEKS = 12


def build(db: str, scale: float) -> dict[str, Any]:
    """Writes the workspace; returns the people to log in as and what was written."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
    from followthrough.coaching.models import Commitment, Plan, Response, Session
    from followthrough.followups.models import FollowUp
    from followthrough.metrics.models import Entry, Metric
    from followthrough.programs.models import (
        Assessment,
        AssessorKind,
        Cohort,
        Criterion,
        Enrollment,
        Filling,
        Level,
        Program,
        RolePlay,
        Rubric,
    )

    rng = random.Random(SEED)
    writer = Writer(db)
    now = timezone.now()
    today = now.date()
    n_managers = max(1, round(FULL["managers"] * scale))
    n_reps = n_managers * FULL["reps_each"]
    first_day = today - dt.timedelta(days=FULL["days"])
    starts_on = today - dt.timedelta(weeks=PROGRAM_WEEKS)

    workspace = Workspace.objects.create(name="Harbor Office Supply", slug="harbor")
    password = make_password("bench")
    people = [
        ("facilitator", "Fran Facilitator", Role.COACH),
        ("sponsor", "Sid Sponsor", Role.STAKEHOLDER),
    ]
    people += [(f"m{i:02}", f"Manager {i:02}", Role.COACH) for i in range(n_managers)]
    people += [(f"r{i:03}", f"Rep {i:03}", Role.REP) for i in range(n_reps)]
    users = User.objects.bulk_create(
        [
            User(email=f"{key}@harbor.example.com", name=name, password=password)
            for key, name, _ in people
        ]
    )
    Profile.objects.bulk_create([Profile(user=user, time_zone="America/Chicago") for user in users])
    members = Membership.objects.bulk_create(
        [
            Membership(workspace=workspace, user=user, role=role)
            for user, (_, _, role) in zip(users, people, strict=True)
        ]
    )
    facilitator, sponsor = members[0], members[1]
    managers = members[2 : 2 + n_managers]
    reps = members[2 + n_managers :]
    revenue = Metric.of(workspace).get(name="Revenue")

    program = Program.objects.create(workspace=workspace, name="Manager as Sales Coach")
    program.sponsors.add(sponsor)
    cohort = Cohort.objects.create(
        workspace=workspace,
        program=program,
        name="Spring",
        facilitator=facilitator,
        starts_on=starts_on,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(workspace=workspace, program=program, cohort=cohort, manager=manager)
            for manager in managers
        ]
    )
    created = dt.datetime.combine(first_day, dt.time(12), dt.UTC)
    plans = Plan.objects.bulk_create(
        [
            Plan(
                workspace=workspace,
                coach=facilitator,
                rep=manager,
                purpose="Become a coach",
                starts_on=starts_on,
                deadline=starts_on + dt.timedelta(weeks=PROGRAM_WEEKS),
                created_at=created,
            )
            for manager in managers
        ]
        + [
            Plan(
                workspace=workspace,
                coach=managers[i // FULL["reps_each"]],
                rep=rep,
                purpose="Make the number",
                starts_on=first_day,
                deadline=first_day + dt.timedelta(days=FULL["days"] + 90),
                target_metric="revenue",
                target_low=Decimal(rng.choice([100_000, 150_000, 200_000])),
                target_unit="USD",
                sessions_per_week=1,
                created_at=created,
            )
            for i, rep in enumerate(reps)
        ]
    )
    rep_plans = plans[n_managers:]
    # How much each manager coaches: sessions a week per rep, before and after the workshop.
    habit = {m.pk: (rng.uniform(0.2, 0.8), rng.uniform(0.2, 1.5)) for m in managers}

    sessions = []  # (finished at, plan)
    for plan in rep_plans:
        before, after = habit[plan.coach_id]
        day = first_day
        while day < today:
            rate = before if day < starts_on else after
            if rng.random() < rate:
                at = dt.datetime.combine(day, dt.time(rng.randint(14, 22)), dt.UTC)
                sessions.append((at, plan))
            day += dt.timedelta(days=7)
    sessions.sort(key=lambda s: s[0])
    writer.insert(
        Session,
        [
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
            "finished_at",
            "words_shared",
        ],
        (
            (workspace.pk, plan.pk, at, 45, "", "finished", "", "", False, 0, at, at, False)
            for at, plan in sessions
        ),
    )
    session_ids = writer.ids(Session, len(sessions))
    commitments = []  # (session id, plan, due, check-in moment)
    for session_id, (at, plan) in zip(session_ids, sessions, strict=True):
        for _ in range(2):
            due = at.date() + dt.timedelta(days=rng.randint(3, 10))
            commitments.append((session_id, plan, due, at))
    states = ["done"] * 6 + ["partly", "missed", "open", "dropped"]

    def commitment_rows() -> Iterator[tuple[Any, ...]]:
        for session_id, plan, due, at in commitments:
            state = rng.choice(states) if due < today else "open"
            checkin = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(14), dt.UTC)
            outcome_at = checkin if state in ("done", "partly", "missed") else None
            yield (
                workspace.pk,
                plan.pk,
                session_id,
                plan.rep_id,
                "Call ten past clients",
                due,
                "[]",
                state,
                "",
                outcome_at,
                False,
                1,
                checkin,
                None,
                at,
                at,
            )

    writer.insert(
        Commitment,
        [
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
        ],
        commitment_rows(),
    )
    commitment_ids = writer.ids(Commitment, len(commitments))
    about = ContentType.objects.get_for_model(Commitment).pk
    user_of = {m.pk: m.user for m in members}
    sent, answers = [], []
    for commitment_id, (_s, plan, due, _at) in zip(commitment_ids, commitments, strict=True):
        checkin = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(14), dt.UTC)
        if checkin < now:
            sent.append((checkin, commitment_id, plan.rep_id))
            if rng.random() < 0.7:
                answers.append((checkin + dt.timedelta(hours=5), commitment_id))
    sent.sort()
    answers.sort()
    writer.insert(
        FollowUp,
        [
            "kind",
            "workspace_id",
            "recipient_id",
            "to_email",
            "reply_to",
            "about_type_id",
            "about_id",
            "template",
            "context",
            "send_at",
            "state",
            "version",
            "attempts",
            "claimed_by",
            "last_error",
            "error_code",
            "error_params",
            "message_id",
            "subject",
            "body_text",
            "body_html",
            "delivery",
            "sent_at",
            "created_at",
            "updated_at",
            "delivery",
        ],
        (
            (
                "check_in",
                workspace.pk,
                user_of[rep_id].pk,
                user_of[rep_id].email,
                "",
                about,
                commitment_id,
                "checkin",
                "{}",
                at,
                "sent",
                1,
                1,
                "",
                "",
                "",
                "{}",
                "",
                "",
                "",
                "",
                "",
                at,
                at,
                at,
                "",
            )
            for at, commitment_id, rep_id in sent
        ),
    )
    writer.insert(
        Response,
        [
            "commitment_id",
            "round",
            "answer",
            "numbers",
            "comment",
            "source",
            "created_at",
            "updated_at",
            "words_shared",
        ],
        ((cid, 1, "done", "{}", "", "link", at, at, False) for at, cid in answers),
    )

    def entries() -> Iterator[tuple[Any, ...]]:
        day = first_day
        while day < today:
            at = dt.datetime.combine(day, dt.time(22), dt.UTC)
            for rep in reps:
                if rng.random() < 0.2:
                    value = rng.choice((1000, 2500, 4000))
                    yield (workspace.pk, rep.pk, revenue.pk, day, value, "log", at, at)
            day += dt.timedelta(days=1)

    n_entries = writer.insert(
        Entry,
        [
            "workspace_id",
            "member_id",
            "metric_id",
            "day",
            "value",
            "source",
            "created_at",
            "updated_at",
        ],
        entries(),
    )

    rubric = Rubric.objects.create(workspace=workspace, name="Coaching conversation")
    criteria = Criterion.objects.bulk_create(
        [Criterion(rubric=rubric, sort_order=n, description=f"Criterion {n}") for n in range(6)]
    )
    levels = Level.objects.bulk_create(
        [Level(criterion=c, points=p, definition=str(p)) for c in criteria for p in (0, 1, 2, 3)]
    )
    by_criterion: dict[int, list[Level]] = {}
    for level in levels:
        by_criterion.setdefault(level.criterion_id, []).append(level)
    plays = RolePlay.objects.bulk_create(
        [
            RolePlay(
                workspace=workspace,
                cohort=cohort,
                rubric=rubric,
                manager=enrollment,
                title=f"Call {n}",
                scenario="A rep who missed the target",
                played_on=starts_on + dt.timedelta(weeks=2 * n),
            )
            for enrollment in enrollments
            for n in range(6)
        ]
    )
    manager_of = {e.pk: e.manager_id for e in enrollments}
    # Each manager's peer is the next one (the sponsor when there is only one).
    peer_of = {
        m.pk: managers[(i + 1) % n_managers].pk if n_managers > 1 else sponsor.pk
        for i, m in enumerate(managers)
    }
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(role_play=play, assessor_id=assessor, kind=kind)
            for play in plays
            for assessor, kind in (
                (facilitator.pk, AssessorKind.FACILITATOR),
                (manager_of[play.manager_id], AssessorKind.SELF),
                (peer_of[manager_of[play.manager_id]], AssessorKind.PEER),
            )
        ]
    )
    Filling.objects.bulk_create(
        [
            Filling(assessment=a, criterion=c, level=rng.choice(by_criterion[c.pk]))
            for a in assessments
            for c in criteria
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if db == "postgres" else "ANALYZE")
    return {
        "facilitator": facilitator.user,
        "manager": managers[0].user,
        "slug": workspace.slug,
        "cohort": cohort.pk,
        "rows": {
            "managers": n_managers,
            "reps": n_reps,
            "sessions": len(sessions),
            "commitments": len(commitments),
            "check-ins": len(sent),
            "answers": len(answers),
            "entries": n_entries,
            "assessments": len(assessments),
        },
    }


def run(db: str, scale: float, warmup: int, requests: int) -> dict[str, Any]:
    timer = Timer()
    with Bench(db) as bench:
        bench.env["ALLOWED_HOSTS"] = "testserver"
        with timer("create"):
            bench.create_database()
        with timer("write"):
            world = build(db, scale)
        from django.test import Client
        from django.urls import reverse

        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        url = reverse("cohort_adoption", args=[world["slug"], world["cohort"]])
        figures = {}
        if os.environ.get("BENCH_SLOWEST"):  # where the time goes: one request's queries
            slowest(world, url)
        with timer("measure"):
            for who in ("facilitator", "manager"):
                client = Client(raise_request_exception=False)
                client.force_login(world[who])
                figures[f"cohort page ({who})"] = measure(client, url, warmup, requests)
    return {
        "db": db,
        "scale": scale,
        "rows": world["rows"],
        "pages": figures,
        "stages": timer.stages,
    }


def slowest(world: dict[str, Any], url: str) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(world["facilitator"])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        profile = cProfile.Profile()
        profile.enable()
        client.get(url)
        profile.disable()
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
        print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    if connection.vendor == "postgresql":  # the plans of the three slowest
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(line for (line,) in cursor.fetchall()), "\n")
    pstats.Stats(profile).sort_stats("cumulative").print_stats("adoption.py", 12)


def print_table(results: Sequence[dict[str, Any]]) -> None:
    print(f"\ncode {code_version()}")
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in r["stages"].items())
        print(f"{r['db']} at {r['scale']:g}: {rows} ({stages})")
    print("\ndatabase    size  page                          status   p50 ms   p95 ms  queries")
    for r in results:
        for name, f in r["pages"].items():
            print(
                f"{r['db']:10} {r['scale']:>5g}  {name:29} {f['status']:>6} "
                f"{f['p50']:8.1f} {f['p95']:8.1f} {f['queries']:>8}"
            )
    page = "cohort page (facilitator)"
    by = {(r["db"], r["scale"]): r["pages"][page] for r in results}
    full, tenth = by.get(("postgres", 1.0)), by.get(("postgres", 0.1))
    if full:
        print(
            f"\nPostgreSQL cohort page p95 at full size: {full['p95']:.1f} ms "
            f"(target < {TARGET_P95_MS:.0f}): {verdict(full['p95'] < TARGET_P95_MS)}"
        )
    if full and tenth:
        print(
            f"PostgreSQL cohort page queries, full / tenth: {full['queries']} / "
            f"{tenth['queries']}: {verdict(full['queries'] == tenth['queries'])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0, 0.1])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both" or len(args.scale) > 1:
        databases = ["postgres", "sqlite"] if args.db == "both" else [args.db]
        results = []
        for db in databases:
            for scale in args.scale:
                argv = ["--scale", str(scale), "--requests", str(args.requests)]
                argv += ["--warmup", str(args.warmup)]
                results += run_each_database(__file__, argv, [db])
        print_table(results)
        return
    result = run(args.db, args.scale[0], args.warmup, args.requests)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
