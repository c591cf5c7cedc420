"""Benchmark: webhook deliveries per second from two dispatchers into a local receiver.

    .venv/bin/python bench/webhooks.py                   # 2,000 deliveries, PostgreSQL then SQLite
    .venv/bin/python bench/webhooks.py --n 500 --db sqlite --dispatchers 1

Per database: a fresh, migrated database (bench/harness.py); a receiver on 127.0.0.1 in this
process (a threaded HTTP server that verifies every request with the reference
`standardwebhooks` package and answers 204); real `followthrough dispatch` processes started
and idle, allowed to reach loopback (WEBHOOK_ALLOW_PRIVATE_NETWORKS); then N webhook
deliveries (one event, one message and one follow-up each) inserted, all due a few seconds
ahead. It waits until every delivery is sent and prints the rate from the moment they were due
to the last arrival, the lateness, and how many arrived twice, were lost or failed to verify.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness import (
    DATABASES,
    PYTHON,
    ROOT,
    Bench,
    code_version,
    main_guard,
    percentile,
    run_each_database,
    sleep_until,
    without_db_arguments,
    write_result,
)


class Receiver:
    """Verifies with `secret`, set once the endpoint exists (its address needs the port)."""

    def __init__(self) -> None:
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError

        self.secret = ""
        self.arrivals: list[tuple[float, str]] = []
        self.unverified = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
                with lock:
                    receiver.arrivals.append((time.time(), headers.get("webhook-id", "")))
                    receiver.unverified += not verified
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def insert(n: int, url: str, lead: float) -> tuple[str, float, list[str]]:
    """N deliveries due `lead` seconds from now: (the endpoint's secret, when they are due as
    a Unix time, their webhook-ids)."""
    from django.db import transaction
    from django.utils import timezone

    from followthrough.accounts.models import Workspace
    from followthrough.events.actions import record
    from followthrough.events.models import Event
    from followthrough.followups.models import FollowUp
    from followthrough.webhooks.models import Endpoint, Message
    from followthrough.webhooks.transport import payload

    workspace = Workspace.objects.create(slug="bench", name="Large Company")
    endpoint = Endpoint.objects.create(workspace=workspace, url=url, event_types=["webhook.test"])
    due = timezone.now() + dt.timedelta(seconds=lead)
    with transaction.atomic():
        template = record("webhook.tested", workspace=workspace, about=endpoint)
        events = Event.objects.bulk_create(
            [
                Event(
                    workspace=workspace,
                    verb="webhook.tested",
                    about_type=template.about_type,
                    about_id=endpoint.pk,
                    data={"n": i},
                )
                for i in range(n)
            ]
        )
        messages = Message.objects.bulk_create(
            [
                Message(
                    endpoint=endpoint,
                    event=event,
                    webhook_id=f"msg_{event.pk}_{endpoint.pk}",
                    type="webhook.test",
                    payload=payload("webhook.test", event.at, {"n": i, "event_id": event.pk}),
                )
                for i, event in enumerate(events)
            ]
        )
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    kind="webhook",
                    workspace=workspace,
                    to_email=url,
                    about=message,
                    send_at=due,
                )
                for message in messages
            ]
        )
    return endpoint.secret, due.timestamp(), [message.webhook_id for message in messages]


def run(db: str, n: int, dispatchers: int, batch: int) -> dict[str, Any]:
    # This process and the dispatchers run this checkout's code, whichever the venv installed.
    os.environ["PYTHONPATH"] = str(ROOT)
    sys.path.insert(0, str(ROOT))
    with Bench(db) as bench:
        bench.env["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "127.0.0.0/8"
        bench.create_database()
        from django.conf import settings

        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        from followthrough.followups.models import Heartbeat

        receiver = Receiver()
        url = f"http://127.0.0.1:{receiver.port}/hook"
        workers = [f"bench-{i}" for i in range(dispatchers)]
        command = [PYTHON, "-m", "followthrough.cli", "dispatch", "--batch", str(batch)]
        processes = [
            bench.start([*command, "--worker", worker], f"{worker}.log") for worker in workers
        ]
        deadline = time.monotonic() + 60
        while Heartbeat.objects.filter(worker__in=workers).count() < len(workers):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                raise RuntimeError(f"a dispatcher did not start; logs in {bench.tmp}")
            time.sleep(0.1)
        lead = max(5.0, n * 0.005)  # room to insert every row before any is due
        receiver.secret, due, ids = insert(n, url, lead)
        if time.time() > due:
            raise RuntimeError("the deliveries came due before all were inserted; raise the lead")
        sleep_until(due)
        bench.wait_until_sent(n, processes)
        receiver.stop()
        arrivals = sorted(receiver.arrivals)
        counts = Counter(webhook_id for _, webhook_id in arrivals)
        lateness = sorted(at - due for at, _ in arrivals)
        drain = arrivals[-1][0] - due
        return {
            "db": db,
            "n": n,
            "dispatchers": dispatchers,
            "batch": batch,
            "code": code_version(),
            "drain_s": round(drain, 2),
            "per_second": round(n / drain, 1),
            "p50_s": round(percentile(lateness, 0.5), 3),
            "p99_s": round(percentile(lateness, 0.99), 3),
            "lost": len(set(ids) - set(counts)),
            "duplicates": sum(c - 1 for c in counts.values()),
            "unverified": receiver.unverified,
        }


def show(result: dict[str, Any]) -> None:
    print(
        f"{result['db']}: {result['n']} webhooks, {result['dispatchers']} dispatchers: "
        f"{result['per_second']} deliveries/s (drain {result['drain_s']} s; lateness p50 "
        f"{result['p50_s']} s, p99 {result['p99_s']} s); lost {result['lost']}, duplicates "
        f"{result['duplicates']}, failed verification {result['unverified']} "
        f"(code {result['code']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--db", choices=[*DATABASES, "both"], default="both")
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--result-file", type=Path)
    args = parser.parse_args()
    if args.db == "both":
        for result in run_each_database(__file__, without_db_arguments(sys.argv[1:]), DATABASES):
            show(result)
        return
    result = run(args.db, args.n, args.dispatchers, args.batch)
    write_result(args.result_file, result)
    if args.result_file is None:
        show(result)


if __name__ == "__main__":
    main_guard(main)
