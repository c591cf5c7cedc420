"""Our fast serialisation of simple messages says what was meant, as Django's does, for any
text. (Where they differ, Django's is the one that is off: a long non-ASCII display name comes
back from it with a space inserted.)"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formataddr

import pytest
from django.core.mail import EmailMultiAlternatives
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followthrough.lib import emails

text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=300
)
one_line = text.map(lambda value: " ".join(value.split()))


def parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


def content(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return normalised(str(part.get_content()))


def normalised(value: str) -> str:
    """Line ends as LF; Django also ends every body with one, which says nothing."""
    return value.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=one_line, body=text.filter(str.strip), html=text, name=one_line)
def test_same_message_as_djangos(subject: str, body: str, html: str, name: str) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=formataddr((name, "coach@example.org")),
        to=["rep@example.org"],
        reply_to=["coach@example.org"],
        headers={"Message-ID": "<followup.7.2@example.org>"},
    )
    message.attach_alternative(html, "text/html")
    raw = emails.as_smtp_bytes(message)
    assert raw is not None
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    ours = parsed(raw)
    theirs = parsed(message.message(policy=policy.SMTP).as_bytes())
    assert str(ours["Subject"]) == subject
    [sender] = ours["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "coach@example.org")
    for header in ("To", "Reply-To", "Message-ID"):
        assert str(ours[header]) == str(theirs[header]), header
    assert content(ours, "plain") == normalised(body) == content(theirs, "plain")
    assert content(ours, "html") == normalised(html) == content(theirs, "html")


def test_text_only_message() -> None:
    message = EmailMultiAlternatives(
        subject="Plain", body="Just text.\nTwo lines.", to=["rep@example.org"]
    )
    ours = parsed(emails.as_smtp_bytes(message) or b"")
    assert content(ours, "plain") == "Just text.\nTwo lines."
    assert ours["Message-ID"]


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.attach("invite.ics", "BEGIN:VCALENDAR", "text/calendar"),
        lambda m: setattr(m, "to", ["rép@exämple.org"]),
        lambda m: setattr(m, "cc", ["boss@example.org"]),
        lambda m: setattr(m, "to", ["rep@example.org\r\nRCPT TO:<spam@example.org>"]),
    ],
)
def test_anything_else_is_left_to_django(change: object) -> None:
    message = EmailMultiAlternatives(subject="S", body="B", to=["rep@example.org"])
    change(message)  # type: ignore[operator]
    assert emails.as_smtp_bytes(message) is None
