"""followthrough bounces: records the bounce messages (DSN, RFC 3464) and spam complaints
(ARF) that came back to our bounce address, for SMTP, where no provider's webhook reports.

Read one message from standard input (a Postfix pipe: `bounces unix - n n - - pipe
user=followthrough argv=/path/to/followthrough bounces`), or every new message of a maildir
(`followthrough bounces /var/mail/bounces`; each is moved to cur/ once read).

A bounce for a Message-ID we never sent is not an error: it is said in one line and the
command exits 0, so that the mail server does not bounce the bounce.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followthrough.followups import delivery


class Command(BaseCommand):
    help = "Record bounce messages and spam complaints, from standard input or a maildir."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="a maildir, or one message file (default: standard input)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        if path is None:
            self.read(sys.stdin.buffer.read(), "stdin")
            return
        where = Path(path)
        if (where / "new").is_dir() and (where / "cur").is_dir():
            for message in sorted((where / "new").iterdir()):
                if message.is_file():
                    self.read(message.read_bytes(), message.name)
                    # Seen: into cur/ with the maildir "seen" flag, as a mail reader would.
                    message.rename(where / "cur" / f"{message.name}:2,S")
            return
        if not where.is_file():
            raise CommandError(f"{path}: neither a maildir nor a message file")
        self.read(where.read_bytes(), path)

    def read(self, raw: bytes, name: str) -> None:
        followup, report = delivery.record_bounce(raw)
        if followup is None:
            ids = ", ".join(report.message_ids[:3]) or "no Message-ID"
            self.stdout.write(f"{name}: ignored, not a message of ours ({ids})")
            return
        what = "complaint" if report.complaint else (report.status or report.action or "report")
        self.stdout.write(
            f"{name}: follow-up {followup.pk} to {followup.to_email}: {what} "
            f"recorded as {followup.delivery}"
        )
