"""Mail transports of our own: the embedded outbox of `make run`, and the providers' APIs
where anymail needs a word from us."""

from collections.abc import Sequence
from typing import Any

from anymail.backends.resend import EmailBackend as AnymailResendBackend
from django.core.mail.backends.base import BaseEmailBackend


class KeepInOutboxBackend(BaseEmailBackend):
    """Sends nothing anywhere. The dispatcher stores every rendered message on its FollowUp row
    anyway, so the outbox page shows exactly what would have left the machine."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        return len(email_messages)


class ResendBackend(AnymailResendBackend):
    """Resend, with our Message-ID as its Idempotency-Key: a resend after a crash (same
    Message-ID) is not delivered twice. Of the providers EMAIL_URL names, only Resend takes
    such a key on its send API; Postmark, SES, Mailgun, SendGrid and Brevo have none, and there
    the same Message-ID is what lets the recipient's mail program spot a duplicate."""

    def build_message_payload(self, message: Any, defaults: Any) -> Any:
        payload = super().build_message_payload(message, defaults)
        message_id = message.extra_headers.get("Message-ID")
        if message_id:
            payload.headers["Idempotency-Key"] = message_id[:256]
        return payload
