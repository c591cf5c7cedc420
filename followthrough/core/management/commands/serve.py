"""followthrough serve: the web app under gunicorn (static files by whitenoise), with this
machine's follow-up dispatcher and task worker beside it (unless --no-dispatcher, --no-worker).
"""

import contextlib
import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app, run the dispatcher and a task worker. Ctrl-C stops all cleanly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-dispatcher",
            action="store_true",
            help="do not start a dispatcher (run `followthrough dispatch` elsewhere)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker (run `followthrough worker` elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import run

        helpers: list[subprocess.Popen[bytes]] = []
        for command, wanted in (
            ("dispatch", not options["no_dispatcher"]),
            ("worker", not options["no_worker"]),
        ):
            if wanted:
                helpers.append(
                    subprocess.Popen([sys.executable, "-m", "followthrough.cli", command])
                )
        self.stdout.write(f"Serving Followthrough on http://{options['bind']} (Ctrl-C stops)")
        sys.stdout.flush()
        sys.argv = [
            "gunicorn",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            "followthrough.wsgi:application",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followthrough.settings")
        try:
            with contextlib.suppress(KeyboardInterrupt):
                run()
        finally:
            # Each finishes what it has in hand (the dispatcher its batch, the worker its task).
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                helper.wait(timeout=60)
