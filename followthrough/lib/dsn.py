"""Reading a bounce that came back by mail: a delivery status notification (RFC 3464,
multipart/report; report-type=delivery-status) or a complaint (ARF, RFC 5965,
report-type=feedback-report), with the stdlib email package.

What comes out is what the report says, not what we make of it: the Message-IDs of the
original message, the first recipient's Action and Status, and the remote server's words.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")


@dataclass
class Report:
    complaint: bool = False
    action: str = ""  # failed, delayed, delivered, relayed, expanded
    status: str = ""  # 5.1.1
    recipient: str = ""
    diagnostic: str = ""
    message_ids: list[str] = field(default_factory=list)  # of the original message

    @property
    def hard(self) -> bool:
        """A permanent failure (5.x.x, or failed with no status at all)."""
        return self.status.startswith("5") or (self.action == "failed" and not self.status)

    @property
    def soft(self) -> bool:
        return self.status.startswith("4") or self.action == "delayed"


def parse(raw: bytes) -> Report:
    """The report in a bounce message; fields it lacks stay empty."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    report = Report()
    kind = message.get_params(header="content-type") or []
    report_type = dict(kind).get("report-type", "").lower()
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            read_status(part, report)
        elif content_type == "message/feedback-report":
            report.complaint = True
            read_feedback(part, report)
        elif content_type in ("message/rfc822", "text/rfc822-headers") and not report.message_ids:
            report.message_ids = original_ids(part)
    if report_type == "feedback-report":
        report.complaint = True
    if not report.message_ids:
        # A bounce that is not a proper report (some old servers quote the original as text).
        text = raw.decode("utf-8", errors="replace")
        own = message.get("Message-ID", "")
        report.message_ids = [found for found in MESSAGE_ID.findall(text) if found != own]
    if not report.status and not report.complaint:
        found = STATUS.search(report.diagnostic) if report.diagnostic else None
        report.status = ".".join(found.groups()) if found else ""
    return report


def read_status(part: Message, report: Report) -> None:
    """The per-recipient fields of the first recipient the report is about."""
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return
    for block in blocks[1:]:  # the first block is about the message, the others recipients
        if not isinstance(block, Message) or not block.get("Action"):
            continue
        report.action = str(block.get("Action", "")).strip().lower()
        status = STATUS.search(str(block.get("Status", "")))
        report.status = ".".join(status.groups()) if status else ""
        report.recipient = address_of(str(block.get("Final-Recipient", "")))
        report.diagnostic = unfold(str(block.get("Diagnostic-Code", ""))).removeprefix("smtp;")
        report.diagnostic = report.diagnostic.strip()
        return


def read_feedback(part: Message, report: Report) -> None:
    payload = part.get_payload()
    fields = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(fields, Message):
        report.recipient = address_of(str(fields.get("Original-Rcpt-To", "")))
        report.diagnostic = str(fields.get("Feedback-Type", "abuse")).strip()


def original_ids(part: Message) -> list[str]:
    """The Message-ID (and In-Reply-To, References) of the original, whole or headers only."""
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        original = payload[0] if isinstance(payload, list) and payload else None
    else:
        text = part.get_payload(decode=True) or b""
        assert isinstance(text, bytes)
        original = email.message_from_bytes(text, policy=email.policy.default)
    if not isinstance(original, (Message, EmailMessage)):
        return []
    return MESSAGE_ID.findall(str(original.get("Message-ID", "")))


def address_of(field_value: str) -> str:
    """rfc822; bob@example.com -> bob@example.com"""
    _, _, address = field_value.rpartition(";")
    return address.strip().strip("<>").lower()


def unfold(value: str) -> str:
    return " ".join(value.split())
