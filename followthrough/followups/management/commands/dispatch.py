"""followthrough dispatch: sends due follow-ups until stopped (SIGTERM or Ctrl-C)."""

import datetime as dt
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.backends.signals import connection_created

from followthrough.followups.dispatcher import Dispatcher, Options, default_worker_id


def commit_without_waiting_for_disk(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On PostgreSQL, the dispatcher's own commits do not wait for the disk.

    Each message costs two small commits; waiting for each to be flushed was most of
    PostgreSQL's work in the herd benchmark. What a crash of the database server could lose is
    the last fraction of a second of the dispatcher's own updates: a row marked sent (or
    sending) goes back to an earlier state and is sent again, with the same Message-ID. A
    follow-up is never lost this way, and a cancel (committed by the web process, which still
    waits) is still never overtaken: PostgreSQL writes its log in order.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


class Command(BaseCommand):
    help = "Send due follow-ups. Run one per machine; they share the work through the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")
        parser.add_argument("--batch", type=int, default=100, help="rows claimed at a time")
        parser.add_argument("--lease", type=float, default=60.0, help="seconds a claim lasts")
        parser.add_argument(
            "--retry-base", type=float, default=60.0, help="first retry delay, in seconds"
        )
        parser.add_argument(
            "--retry-window",
            type=float,
            default=None,
            help="seconds from the first try during which temporary failures are retried "
            "(default: FOLLOWUP_RETRY_WINDOW_HOURS)",
        )
        parser.add_argument("--worker", default="", help="a name for this dispatcher")

    def handle(self, *args: Any, **options: Any) -> None:
        window = options["retry_window"]
        if (
            options["batch"] < 1
            or options["lease"] <= 0
            or options["retry_base"] <= 0
            or (window is not None and window <= 0)
        ):
            self.stderr.write(
                "dispatch: --batch, --lease, --retry-base and --retry-window must be positive"
            )
            raise SystemExit(2)
        choices = Options(
            batch_size=options["batch"],
            lease=dt.timedelta(seconds=options["lease"]),
            retry_base=dt.timedelta(seconds=options["retry_base"]),
        )
        if options["retry_window"] is not None:
            choices.retry_window = dt.timedelta(seconds=options["retry_window"])
        dispatcher = Dispatcher(worker=options["worker"] or default_worker_id(), options=choices)
        connection_created.connect(commit_without_waiting_for_disk)
        # Finish the batch in hand, then exit.
        signal.signal(signal.SIGTERM, lambda *_: dispatcher.stop())
        signal.signal(signal.SIGINT, lambda *_: dispatcher.stop())
        self.stdout.write(f"Dispatcher {dispatcher.worker} started")
        self.stdout.flush()
        counts = dispatcher.run(once=options["once"])
        self.stdout.write(
            f"Dispatcher {dispatcher.worker} stopped: {counts.sent} sent, "
            f"{counts.retried} to retry, {counts.failed} failed, {counts.skipped} skipped"
        )
