"""followthrough demo: loads the demo workspaces (idempotent) and prints the demo logins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from followthrough.demo import stories as demo
from followthrough.demo import sync as sync_demo


class Command(BaseCommand):
    help = "Load the demo data drawn from the stories (safe to run again) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="do nothing if the demo data is already there"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"] and demo.is_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            demo.load()
            sync_demo.seed()  # the coach and the manager in sync: thread and review brief
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"Open {settings.BASE_URL} and log in as:")
        for who, email, password in demo.logins():
            self.stdout.write(f"  {who:<46} {email:<24} password: {password}")
        self.stdout.write("")
