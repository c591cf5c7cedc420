"""The API on the dashboard benchmark's workspace: response times and query counts.

    .venv/bin/python bench/api.py                         # both databases, both sizes
    .venv/bin/python bench/api.py --db postgres --scale 0.01
    .venv/bin/python bench/api.py --db sqlite --scale 1 --requests 30

The workspace is bench/dashboard.py's (200 reps, 100,000 commitments, 1.46 million entries at
--scale 1; a hundredth at 0.01), made the same way in a fresh database. The coach (who coaches
every rep) gets a read-and-write token; then, in the same process with Django's test Client
(no HTTP server: Django's and the database's time only), each request is made --warmup times,
then --requests times: a page of 100 commitments, a page of 100 entries, the second page of
each (through its cursor), and creating a commitment (each one a new row, through the same
action as the session page). Printed: p50 and p95 in ms and the queries of one request, which
must be the same at both sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dashboard import build
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


def timed(call: Callable[[], Any], warmup: int, requests: int) -> dict[str, Any]:
    """p50 and p95 in ms over `requests` calls after `warmup` ones; queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    count = len(queries)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "status": response.status_code,
        "queries": count,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "bytes": len(response.content),
    }


def run(db: str, scale: float, warmup: int, requests: int) -> dict[str, Any]:
    timer = Timer()
    with Bench(db) as bench:
        bench.env["ALLOWED_HOSTS"] = "testserver"
        with timer("create"):
            bench.create_database([])
        with timer("write"):
            world = build(db, scale)
        from django.test import Client, override_settings
        from django.utils import timezone

        from followthrough.accounts.models import Membership
        from followthrough.api.actions import create_token
        from followthrough.coaching.models import Session

        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        coach = Membership.objects.get(user=world["coach"], workspace__slug=world["slug"])
        _token, secret = create_token(
            coach, name="bench", scope="read_write", expiry_days=30, by=coach.user
        )
        auth = {"Authorization": f"Bearer {secret}"}
        client = Client(raise_request_exception=False)
        rep = world["rep"]
        session = (
            Session.objects.filter(plan__rep=rep, plan__closed_at=None).order_by("-id").first()
        )
        assert session is not None
        due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
        body = json.dumps(
            {"session_id": session.pk, "owner_id": rep.pk, "text": "Bench step", "due_on": due}
        )

        def get(url: str) -> Callable[[], Any]:
            return lambda: client.get(url, headers=auth)

        def second(url: str) -> str:
            return str(client.get(url, headers=auth).json()["next"])

        def create() -> Any:
            return client.post(
                "/api/v1/commitments", body, content_type="application/json", headers=auth
            )

        commitments, entries = "/api/v1/commitments?limit=100", "/api/v1/entries?limit=100"
        calls = {
            "commitments, 100": get(commitments),
            "commitments, page 2": get(second(commitments)),
            "entries, 100": get(entries),
            "entries, page 2": get(second(entries)),
            "open commitments of a rep": get(f"{commitments}&state=open&owner={rep.pk}"),
            "create a commitment": create,
        }
        # The rate limit is for scripts, not for this loop.
        with timer("measure"), override_settings(API_RATE_LIMIT=10**9):
            figures = {name: timed(call, warmup, requests) for name, call in calls.items()}
    return {"db": db, "scale": scale, "rows": world["rows"], "calls": figures}


def print_table(results: Sequence[dict[str, Any]]) -> None:
    print(f"\ncode {code_version()}")
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        print(f"{r['db']} at {r['scale']:g}: {rows}")
    print("\ndatabase    size  request                     status   p50 ms   p95 ms  queries")
    for r in results:
        for name, f in r["calls"].items():
            print(
                f"{r['db']:10} {r['scale']:>5g}  {name:27} {f['status']:>6} "
                f"{f['p50']:8.1f} {f['p95']:8.1f} {f['queries']:>8}"
            )
    for db in ("postgres", "sqlite"):
        sizes = sorted((r for r in results if r["db"] == db), key=lambda r: r["scale"])
        if len(sizes) > 1:
            small, large = sizes[0]["calls"], sizes[-1]["calls"]
            same = all(small[k]["queries"] == large[k]["queries"] for k in small)
            print(f"{db}: queries the same at every size: {verdict(same)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--scale", type=float, nargs="+", default=[1.0, 0.01], help="1 = 200 reps; 0.01 = 2"
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per call")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db == "both" or len(args.scale) > 1:
        databases = ["postgres", "sqlite"] if args.db == "both" else [args.db]
        results = []
        for db in databases:
            for scale in args.scale:
                argv = ["--scale", str(scale), "--requests", str(args.requests)]
                results += run_each_database(__file__, [*argv, "--warmup", str(args.warmup)], [db])
        print_table(results)
        return
    result = run(args.db, args.scale[0], args.warmup, args.requests)
    write_result(args.result_file, result)
    if args.result_file is None:
        print_table([result])


if __name__ == "__main__":
    main_guard(main)
