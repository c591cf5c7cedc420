"""The Content-Security-Policy: on every page, strict for scripts, and no template that
would need it loosened (no inline <script>, no on*= handlers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import World

TEMPLATES = Path(__file__).resolve().parent.parent / "followthrough" / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, lambda: reverse("login")),
        ("coach", lambda: reverse("workspace_home", args=["acme"])),
        ("admin", lambda: reverse("outbox", args=["acme"])),
        ("rep", lambda: reverse("profile")),
    ],
)
def test_every_page_carries_a_strict_policy(world: World, who: str | None, url: object) -> None:
    response = world.client(who).get(url())  # type: ignore[operator]
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # htmx would otherwise inject a <style> element that the policy refuses.
    assert '"includeIndicatorStyles": false' in response.content.decode()


def test_templates_have_no_inline_script_or_event_handler() -> None:
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            offenders += [
                f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.search("<p></p><script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert INLINE_HANDLER.search('<button type="button" onclick="go()">')
    assert not INLINE_HANDLER.search('<a href="/x">one=two</a>')


def test_the_email_preview_may_keep_its_style_attributes_and_nothing_more(world: World) -> None:
    from followthrough.followups import actions

    row = actions.schedule(
        kind="notice",
        template="notice",
        to_email="rep@example.org",
        recipient=world.user("rep"),
        workspace=world.workspace,
        context={"subject": "Hi", "text": "Hello"},
    )
    response = world.client("admin").get(reverse("followup_detail", args=["acme", row.pk]))
    policy = directives(response["Content-Security-Policy"])
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
