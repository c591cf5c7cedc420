"""followthrough worker: runs background tasks (the CSV check...) until stopped."""

import datetime as dt
import logging
import signal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from followthrough.core import tasks
from followthrough.followups.dispatcher import default_worker_id


def stop_gently_on_signals(worker: Worker) -> None:
    """SIGTERM or Ctrl-C ends the loop after the task in hand (or the current short wait); a
    second one stops at once. Unlike django-tasks-db's own handlers, the first never raises
    SystemExit from inside a database call, which on PostgreSQL could interrupt a query and
    leave the process failing on its way out (exit 1 instead of a clean 0)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        if not worker.running:
            worker.reset_signals()
            raise SystemExit(1)
        worker.running = False

    for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


class Command(BaseCommand):
    help = (
        "Run background tasks (django-tasks-db's worker). Run one or more per machine; they "
        "share the work through the database. SIGTERM or Ctrl-C lets the task in hand finish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="run the tasks waiting now, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at the queue"
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=None,
            help="seconds after which a task still running is taken for lost and marked "
            "failed (default: TASK_LEASE)",
        )
        parser.add_argument("--worker", default="", help="a name for this worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 0 or (options["lease"] is not None and options["lease"] <= 0):
            self.stderr.write("worker: --interval and --lease must be positive")
            raise SystemExit(2)
        lease = dt.timedelta(seconds=options["lease"]) if options["lease"] else settings.TASK_LEASE
        name = (options["worker"] or f"tasks@{default_worker_id()}")[:64]
        # Each task's start and end are logged; the worker's every look at the queue is not.
        logging.getLogger("django.tasks").setLevel(logging.INFO)
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=name,
            excluded_queue_names=[],
        )
        if not options["once"]:
            stop_gently_on_signals(worker)
        self.stdout.write(f"Task worker {name} started")
        self.stdout.flush()
        tasks.work(worker, lease=lease, interval=options["interval"], once=options["once"])
        self.stdout.write(f"Task worker {name} stopped")
