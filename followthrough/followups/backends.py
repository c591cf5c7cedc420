"""The embedded mail transport of `make run`: messages stay in the app's outbox."""

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class KeepInOutboxBackend(BaseEmailBackend):
    """Sends nothing anywhere. The dispatcher stores every rendered message on its FollowUp row
    anyway, so the outbox page shows exactly what would have left the machine."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        return len(email_messages)
