"""`followthrough rebuild_weeks [--workspace SLUG]`: every stored weekly summary computed again
from the source rows (after restoring a backup, loading data with SQL, or a change of rule)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followthrough.accounts.models import Workspace
from followthrough.weeks import store


class Command(BaseCommand):
    help = "Recompute the stored weekly summaries of every rep from the source rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Only this workspace (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        workspaces = Workspace.objects.order_by("pk")
        if options["workspace"]:
            workspaces = workspaces.filter(slug=options["workspace"])
            if not workspaces.exists():
                raise CommandError(f"No workspace “{options['workspace']}”.")
        for workspace in workspaces:
            started = time.monotonic()
            count = store.rebuild(workspace)
            self.stdout.write(
                f"{workspace.slug}: {count} weeks in {time.monotonic() - started:.1f} s"
            )
