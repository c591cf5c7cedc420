"""Weekly digests on a large workspace: composing a roll-up, and planning a whole week.

    .venv/bin/python bench/digests.py                     # both databases
    .venv/bin/python bench/digests.py --db sqlite --scale 0.1 --subscriptions 1000

The workspace is the dashboard benchmark's (bench/dashboard.py, at --scale 1: 200 reps, two
years of entries, 100,000 commitments, 50,000 opportunities), plus --subscriptions readers
(10,000 by default) spread over 24 time zones, each with the default subscription (Monday 08:00
on their clock): 50 VPs following every rep, the others managers following 1 to 3 reps.

Printed:
- composing one roll-up of every rep (a VP's) and one of two reps (a manager's): p50 and p95
  in ms over --repeats runs, and the number of queries of one (it must not grow with reps);
- the whole week: the planner run hour by hour through the day when every reader's Monday
  08:00 comes (Sunday 18:00 UTC in Kiritimati to Monday 20:00 in Pago Pago), which composes
  each digest to decide whether it is a quiet week and queues its follow-up; then every
  queued message built as the dispatcher builds it at sending time (FollowUp.build_message).
  Target: both under 60 s together on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's code

from dashboard import build
from harness import (
    ROOT,
    Bench,
    Timer,
    code_version,
    main_guard,
    percentile,
    run_each_database,
    verdict,
    write_result,
)

ZONES = [
    "Pacific/Kiritimati", "Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai",
    "Asia/Bangkok", "Asia/Dhaka", "Asia/Kolkata", "Asia/Karachi", "Asia/Dubai", "Europe/Moscow",
    "Europe/Athens", "Europe/Madrid", "Europe/London", "Atlantic/Azores", "America/Noronha",
    "America/Sao_Paulo", "America/Halifax", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Anchorage", "Pacific/Pago_Pago",
]  # fmt: skip
VPS = 50
SEED = 20261130
TARGET_WEEK_S = 60.0


def add_readers(count: int) -> dict[str, Any]:
    """`count` stakeholders over 24 zones following reps, each with the default subscription."""
    from django.db import transaction
    from django.utils import timezone

    from followthrough.accounts.models import Following, Membership, Profile, Role, User
    from followthrough.digests.models import Subscription

    rng = random.Random(SEED)
    reps = list(Membership.objects.filter(role=Role.REP).order_by("pk"))
    workspace = reps[0].workspace
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"reader{i:05}@large.example.com", name=f"Reader {i:05}", password="!")
            for i in range(count)
        )
        Profile.objects.bulk_create(
            Profile(user=user, time_zone=ZONES[i % len(ZONES)]) for i, user in enumerate(users)
        )
        members = Membership.objects.bulk_create(
            Membership(workspace=workspace, user=user, role=Role.STAKEHOLDER) for user in users
        )
        follows = []
        for i, member in enumerate(members):
            followed = reps if i < VPS else rng.sample(reps, rng.randint(1, 3))
            follows += [Following(workspace=workspace, stakeholder=member, rep=r) for r in followed]
        Following.objects.bulk_create(follows, batch_size=5000)
        subs = []
        for member, user in zip(members, users, strict=True):
            member.user = user
            sub = Subscription(workspace=workspace, recipient=member, not_before=now)
            sub.next_send_at = sub.next_moment(now)
            subs.append(sub)
        Subscription.objects.bulk_create(subs, batch_size=2000)
    two = next(m for i, m in enumerate(members) if i >= VPS and len(_followed(m)) == 2)
    return {"vp": members[0], "manager": two, "followings": len(follows)}


def _followed(member: Any) -> list[int]:
    from followthrough.accounts.models import Following

    return list(Following.objects.filter(stakeholder=member).values_list("rep_id", flat=True))


def time_compose(member: Any, repeats: int) -> dict[str, Any]:
    """Composes and renders (HTML and text) one reader's next digest `repeats` times."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from followthrough.digests import compose
    from followthrough.digests.models import Subscription

    sub = Subscription.objects.select_related("recipient__user__profile", "workspace").get(
        recipient=member
    )

    def once() -> compose.Composed:
        composed = compose.compose(sub)
        render_to_string("digests/_digest.html", {"c": composed})
        render_to_string("digests/_digest.txt", {"c": composed})
        return composed

    once()
    with CaptureQueriesContext(connection) as queries:
        composed = once()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        once()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "reps": composed.total,
        "queries": len(queries),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
    }


def time_week(sample: int | None) -> dict[str, Any]:
    """The planner hour by hour through the send day, then every queued message built."""
    from django.db.models import Max, Min

    from followthrough.digests import actions
    from followthrough.digests.models import Digest, Subscription
    from followthrough.followups.models import FollowUp

    span = Subscription.objects.aggregate(first=Min("next_send_at"), last=Max("next_send_at"))
    moment, last = span["first"], span["last"]
    planned = actions.Planned()
    start = time.perf_counter()
    while moment <= last + dt.timedelta(hours=1):
        found = actions.plan_digests(moment)
        planned.sent += found.sent
        planned.skipped += found.skipped
        moment += dt.timedelta(hours=1)
    plan_s = time.perf_counter() - start
    rows = FollowUp.objects.filter(kind="weekly_digest").select_related("recipient__profile")
    if sample:
        rows = rows[:sample]
    start = time.perf_counter()
    built = 0
    for followup in rows.iterator(chunk_size=500):
        followup.build_message()
        built += 1
    build_s = time.perf_counter() - start
    total = FollowUp.objects.filter(kind="weekly_digest").count()
    return {
        "digests": Digest.objects.count(),
        "queued": planned.sent,
        "quiet_skipped": planned.skipped,
        "plan_s": plan_s,
        "built": built,
        "build_s": build_s,
        "build_all_s": build_s * total / built if built else 0.0,
    }


def run(db: str, scale: float, subscriptions: int, repeats: int, sample: int | None) -> dict:
    timer = Timer()
    with Bench(db) as bench:
        bench.env["PYTHONPATH"] = str(ROOT)  # the subprocesses (migrate) run this checkout too
        with timer("create"):
            bench.create_database()
        with timer("write"):
            world = build(db, scale)
            readers = add_readers(subscriptions)
        with timer("measure"):
            rollup = time_compose(readers["vp"], repeats)
            small = time_compose(readers["manager"], repeats)
            week = time_week(sample)
    return {
        "db": db,
        "scale": scale,
        "subscriptions": subscriptions,
        "rows": {**world["rows"], "followings": readers["followings"]},
        "rollup": rollup,
        "small": small,
        "week": week,
        "stages": timer.stages,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"\ncode {code_version()}")
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in r["stages"].items())
        print(
            f"{r['db']} at {r['scale']:g}, {r['subscriptions']:,} subscriptions: {rows} ({stages})"
        )
    print("\ndatabase   roll-up of   p50 ms   p95 ms  queries")
    for r in results:
        for key in ("rollup", "small"):
            f = r[key]
            line = f"{r['db']:10} {f['reps']:>4} reps {f['p50']:8.1f} {f['p95']:8.1f}"
            print(f"{line} {f['queries']:>8}")
        ratio = r["rollup"]["p95"] / r["small"]["p95"]
        flat = r["rollup"]["queries"] == r["small"]["queries"]
        reps = r["rollup"]["reps"]
        print(f"  p95 {reps} reps / 2 reps: {ratio:.2f} (target <= 2): {verdict(ratio <= 2)}")
        print(f"  queries flat: {verdict(flat)}")
    print("\ndatabase   digests  queued  quiet  plan s  built  build s  (all) s  total s")
    for r in results:
        w = r["week"]
        total = w["plan_s"] + w["build_all_s"]
        print(
            f"{r['db']:10} {w['digests']:>7} {w['queued']:>7} {w['quiet_skipped']:>6} "
            f"{w['plan_s']:7.1f} {w['built']:>6} {w['build_s']:8.1f} {w['build_all_s']:8.1f} "
            f"{total:8.1f}  (target < {TARGET_WEEK_S:.0f} s: {verdict(total < TARGET_WEEK_S)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 200 reps")
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30, help="timed compositions")
    parser.add_argument(
        "--sample", type=int, default=0, help="build only this many messages (0: all)"
    )
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both":
        argv = [
            "--scale", str(args.scale), "--subscriptions", str(args.subscriptions),
            "--repeats", str(args.repeats), "--sample", str(args.sample),
        ]  # fmt: skip
        print_table(run_each_database(__file__, argv, ["postgres", "sqlite"]))
        return
    result = run(args.db, args.scale, args.subscriptions, args.repeats, args.sample or None)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
