"""The plain helpers: signed link tokens and the one email builder."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from followthrough.accounts.models import Invitation, Role
from followthrough.lib import emails, signing
from tests.conftest import World


def test_token_round_trip_and_expiry() -> None:
    with time_machine.travel(dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC), tick=False) as clock:
        token = signing.make_token("invitation", 42)
        assert signing.read_token("invitation", token, dt.timedelta(days=7)) == 42
        clock.shift(dt.timedelta(days=7, seconds=1))
        with pytest.raises(signing.ExpiredToken):
            signing.read_token("invitation", token, dt.timedelta(days=7))


@pytest.mark.parametrize("bad", ["", "garbage", "eyJpZCI6NDJ9:1abc:xyz"])
def test_bad_tokens(bad: str) -> None:
    with pytest.raises(signing.BadToken):
        signing.read_token("invitation", bad, dt.timedelta(days=1))


def test_scopes_do_not_mix() -> None:
    token = signing.make_token("checkin", 7)
    with pytest.raises(signing.BadToken):
        signing.read_token("invitation", token, dt.timedelta(days=1))


def test_unsaved_object_has_no_token() -> None:
    with pytest.raises(ValueError):
        signing.make_token("invitation", None)


def test_email_has_subject_text_and_html(world: World) -> None:
    invitation = Invitation.objects.create(
        workspace=world.workspace, email="a@example.org", role=Role.REP
    )
    # A token carries the second it was signed: time stands still so both signings agree.
    with time_machine.travel(dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC), tick=False):
        message = emails.build(
            "invitation",
            to=["a@example.org"],
            context={"invitation": invitation},
            reply_to=["coach@example.org"],
        )
        link = invitation.url()
    assert message.subject == "You are invited to Acme Insurance on Followthrough"
    assert "\n" not in message.subject
    assert link in message.body
    [(html, mimetype)] = message.alternatives
    assert isinstance(html, str)
    assert mimetype == "text/html" and f'<a href="{link}"' in html
    assert message.reply_to == ["coach@example.org"]
    assert message.from_email.endswith("@testserver.localdomain>")


def test_html_email_escapes_what_people_typed(world: World) -> None:
    world.workspace.name = "<script>alert(1)</script> & O'Brien"
    world.workspace.save()
    invitation = Invitation.objects.create(
        workspace=world.workspace, email="a@example.org", role=Role.REP
    )
    message = emails.build("invitation", to=["a@example.org"], context={"invitation": invitation})
    [(html, _)] = message.alternatives
    assert isinstance(html, str)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # The text part is plain text: nothing to escape, nothing escaped.
    assert "<script>alert(1)</script> & O'Brien" in message.body
    assert "O'Brien" in message.subject
