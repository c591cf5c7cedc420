"""followthrough demo: loads the demo workspaces (idempotent) and prints the demo logins.

The lines it prints are in the language of the terminal (LC_ALL, LC_MESSAGES or LANG, as
POSIX tools read it: "es_AR.UTF-8" prints Spanish) or of --language; English otherwise."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from followthrough.demo import stories as demo
from followthrough.demo import sync as sync_demo
from followthrough.lib import languages


def terminal_language() -> str:
    """The language of the environment's locale, if the project speaks it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name, ""):
            return languages.supported(value.split(".")[0].split("@")[0].replace("_", "-"))
    return settings.LANGUAGE_CODE


class Command(BaseCommand):
    help = "Load the demo data drawn from the stories (safe to run again) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="do nothing if the demo data is already there"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the language of what it prints (default: the terminal's, else English)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"] and demo.is_loaded():
            loaded = False
        else:
            demo.load()
            sync_demo.seed()  # the coach and the manager in sync: thread and review brief
            loaded = True
        with translation.override(options["language"] or terminal_language()):
            self.report(loaded)

    def report(self, loaded: bool) -> None:
        if loaded:
            self.stdout.write(self.style.SUCCESS(gettext("Demo data loaded.")))
        else:
            self.stdout.write(gettext("Demo data already loaded."))
        self.stdout.write("")
        self.stdout.write(gettext("Open %(url)s and log in as:") % {"url": settings.BASE_URL})
        password_word = gettext("password:")
        for who, email, password in demo.logins():
            self.stdout.write(f"  {who:<46} {email:<24} {password_word} {password}")
        self.stdout.write("")
