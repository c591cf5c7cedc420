"""The text part of an email says what the HTML part says, in plain words."""

from __future__ import annotations

import datetime as dt

import time_machine

from followthrough.coaching import actions
from followthrough.lib.richtext import html_to_text
from tests.coaching_helpers import make_session
from tests.conftest import Inbox, World, dispatch, text_body

SUMMARY = """## Agreed

- **Call** ten past clients
- Ask each for *three* referrals
    1. Karen's & Bob's accounts first
    2. [the list](https://example.org/list)

<div>Keep <span>going</span></div> <script>alert('x')</script>

> Ask, then **listen**.
"""


def test_the_recaps_text_shows_no_markdown_and_no_stripped_tags(
    world: World, smtp_server: Inbox
) -> None:
    session = make_session(world)
    with time_machine.travel(dt.datetime(2026, 10, 29, 16, 0, tzinfo=dt.UTC), tick=False):
        actions.save_notes(session, private_notes="", summary=SUMMARY)
        actions.finish_session(session, by=world.user("coach"), nothing_agreed=True)
        assert dispatch().sent == 1
    text = text_body(smtp_server.wait_for(1)[0]).replace("\r\n", "\n")
    for mark in ("##", "**", "*three*", "](", "<", "&amp;", "script", "alert", "span", "div"):
        assert mark not in text, mark
    assert "\nAgreed\n" in text
    assert "\n- Call ten past clients\n- Ask each for three referrals\n" in text
    assert "  1. Karen's & Bob's accounts first\n" in text
    assert "  2. the list (https://example.org/list)\n" in text
    assert "Keep going" in text
    assert "> Ask, then listen." in text


def test_html_to_text() -> None:
    html = (
        "<h3>Next</h3><p>One<br>two &lt;three&gt;</p><hr>"
        '<ol><li>a <a href="mailto:x@example.org">x@example.org</a></li><li>b</li></ol>'
        "<pre>  kept\n  as is</pre>"
    )
    assert html_to_text(html) == (
        "Next\n\nOne\ntwo <three>\n\n---\n\n1. a x@example.org\n2. b\n\n  kept\n  as is"
    )
