"""followthrough serve: the web app under gunicorn, static files included (whitenoise)."""

import contextlib
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app (gunicorn). Ctrl-C stops it cleanly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import run

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
        with contextlib.suppress(KeyboardInterrupt):
            run()
