"""The one place that builds an outgoing message.

Each email has three templates under templates/emails/: NAME.subject.txt, NAME.txt and
NAME.html. Callers say which email, to whom, and with what context; they never touch
EmailMessage themselves. Sending is the delivery engine's: a FollowUp row names the template
and the context, and the dispatcher calls build() when the row is due.
"""

import quopri
import uuid
from collections.abc import Mapping, Sequence
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

# Every message we build is sent by a machine, not typed by a person (RFC 3834): an
# autoresponder must not answer it (out-of-office replies would land on the coach, who is the
# Reply-To, and two autoresponders could loop), and Exchange/Outlook suppress theirs on the
# second header.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def build(
    name: str,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    *,
    reply_to: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    calendar: tuple[str, str] | None = None,
    from_name: str = "",
) -> EmailMultiAlternatives:
    """Renders emails/NAME.* into a message with a text body and an HTML alternative.

    `calendar` is (iCalendar text, METHOD): it goes in twice, as a text/calendar alternative
    (what Outlook and Gmail show as an invitation with answer buttons) and as invite.ics (for
    the rest). `from_name` sends it in a person's name, from our address."""
    full_context = {"base_url": settings.BASE_URL, "site_name": "Followthrough", **(context or {})}
    # A subject is one line; templates may end with a newline or wrap.
    subject = " ".join(render_plain(f"emails/{name}.subject.txt", full_context).split())
    text = render_plain(f"emails/{name}.txt", full_context)
    # Plain str, not SafeString: a page that shows this HTML (the outbox preview) must escape
    # it like any other text.
    html = plain_str(render_to_string(f"emails/{name}.html", full_context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address(from_name),
        to=list(to),
        reply_to=list(reply_to),
        headers={**AUTOMATIC_HEADERS, **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        ics, method = calendar
        message.attach_alternative(ics, f"text/calendar; method={method}")
        message.attach("invite.ics", ics, "text/calendar")
    return message


def from_address(name: str = "") -> str:
    """DEFAULT_FROM_EMAIL, or its address under a person's name when a message goes out in
    their name ("Linda Sorensen <followthrough@example.com>"; replies go to their Reply-To)."""
    if not name:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((" ".join(name.split()), envelope_sender()))


def render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """Renders a plain-text template without HTML escaping: "O'Brien" stays "O'Brien".

    The result is unescaped text, so it must never carry Django's "safe" mark: a page that
    shows it (the outbox's preview) escapes it like anything else a person typed."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return plain_str(template.render(Context(dict(context), autoescape=False)))


def plain_str(value: str) -> str:
    """A plain str copy of `value`: str() keeps a SafeString safe, str.__str__ does not."""
    return str.__str__(value)


def envelope_sender() -> str:
    """The address-spec of DEFAULT_FROM_EMAIL, for the SMTP envelope."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def as_smtp_bytes(message: EmailMultiAlternatives) -> bytes | None:
    """The message as bytes ready for SMTP DATA, built directly, or None if it is not one of
    ours: a text body, at most one HTML alternative, no attachments, plain ASCII addresses.

    Django's own serialiser goes through the email package's policy machinery and costs a few
    milliseconds a message; the dispatcher sends thousands a minute at nine on a Monday, so our
    simple messages are written out here (tests compare the result with Django's, parsed).
    """
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    addresses = [message.from_email, *message.to, *message.reply_to]
    if (
        message.attachments
        or len(message.alternatives) != len(html)
        or len(html) > 1
        or message.cc
        or message.bcc
        or not all(address.isascii() for address in addresses[1:])
        or any(
            "\r" in value or "\n" in value
            for value in [message.subject, *addresses, *message.extra_headers.values()]
        )
    ):
        return None
    name, sender = parseaddr(message.from_email)
    from_header = (
        formataddr((name, sender)) if name.isascii() else f"{encode_header(name)} <{sender}>"
    )
    headers = [
        ("From", from_header),
        ("To", ", ".join(message.to)),
        *([("Reply-To", ", ".join(message.reply_to))] if message.reply_to else []),
        ("Subject", encode_header(str(message.subject))),
        ("Date", formatdate(usegmt=True)),
        *[(key, value) for key, value in message.extra_headers.items()],
        ("MIME-Version", "1.0"),
    ]
    if "Message-ID" not in message.extra_headers:
        headers.append(("Message-ID", make_msgid()))
    text_part = text_mime("plain", str(message.body))
    if html:
        boundary = f"=_followthrough_{uuid.uuid4().hex}"
        headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
        body = (
            f"--{boundary}\r\n".encode()
            + text_part
            + f"\r\n--{boundary}\r\n".encode()
            + text_mime("html", str(html[0]))
            + f"\r\n--{boundary}--\r\n".encode()
        )
        head = "".join(f"{key}: {value}\r\n" for key, value in headers).encode("ascii")
        return head + b"\r\n" + body
    head = "".join(f"{key}: {value}\r\n" for key, value in headers).encode("ascii")
    return head + text_part


def encode_header(value: str) -> str:
    """Plain ASCII as it is; anything else as RFC 2047 encoded words, folded."""
    if value.isascii() and len(value) < 900:
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def text_mime(subtype: str, text: str) -> bytes:
    """One text part: its headers, a blank line, the text in quoted-printable UTF-8."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # quopri ends lines (its own soft breaks too) with LF; SMTP wants CRLF everywhere.
    encoded = quopri.encodestring(text.encode("utf-8")).replace(b"\n", b"\r\n")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode() + encoded
