"""followthrough serve: the web app under gunicorn (static files by whitenoise), with this
machine's follow-up dispatcher beside it unless --no-dispatcher."""

import contextlib
import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app and run the dispatcher. Ctrl-C stops both cleanly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-dispatcher",
            action="store_true",
            help="do not start a dispatcher (run `followthrough dispatch` elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import run

        dispatcher = None
        if not options["no_dispatcher"]:
            dispatcher = subprocess.Popen([sys.executable, "-m", "followthrough.cli", "dispatch"])
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
            if dispatcher is not None:
                dispatcher.terminate()  # it finishes the batch in hand
                dispatcher.wait(timeout=60)
