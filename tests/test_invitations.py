"""Invitations: sent by email, a signed link that expires, joined with the role given."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from followthrough.accounts import actions
from followthrough.accounts.models import Invitation, Membership, Role, User
from followthrough.followups.models import FollowUp
from tests.conftest import PASSWORD, Inbox, World, dispatch, text_body

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def link_in(body: str) -> str:
    match = re.search(r"http://testserver(/invite/[^\s\"<]+)", body)
    assert match, body
    return match.group(1)


def invite(world: World, email: str = "newbie@example.org", role: str = "rep") -> Invitation:
    return actions.invite(world.workspace, world.user("admin"), email, role)


def join(path: str, **overrides: str) -> Any:
    data = {
        "name": "Nina Newbie",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "time_zone": "Europe/Madrid",
        **overrides,
    }
    return Client().post(path, data)


def test_invitation_end_to_end_through_a_real_smtp_server(world: World, smtp_server: Inbox) -> None:
    admin = world.client("admin")
    response = admin.post(
        reverse("invitations", args=["acme"]), {"email": "Nina@Example.org", "role": "coach"}
    )
    assert response.status_code == 302
    # The email is a follow-up row, written with the invitation, sent by the dispatcher.
    followup = FollowUp.objects.get(kind="invitation", to_email="nina@example.org")
    assert followup.workspace == world.workspace
    assert dispatch().sent == 1

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "nina@example.org"
    assert message["Subject"] == "Admin invited you to Acme Insurance on Followthrough"
    assert message["Reply-To"] == "admin@example.org"
    body = text_body(message)
    html = message.get_body(preferencelist=("html",))
    assert html is not None and "Accept the invitation" in html.get_content()
    path = link_in(body)

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Join Acme Insurance" in page.content.decode()
    response = visitor.post(
        path,
        {
            "name": "Nina Newbie",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "time_zone": "Europe/Madrid",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace_home", args=["acme"])
    user = User.objects.get(email="nina@example.org")
    assert user.name == "Nina Newbie"
    assert user.profile.time_zone == "Europe/Madrid"
    assert Membership.objects.get(user=user, workspace=world.workspace).role == Role.COACH
    assert Invitation.objects.get(email="nina@example.org").state == "accepted"
    # The new account logs in with the password chosen.
    assert Client().login(username="nina@example.org", password=NEW_PASSWORD)


def test_invitation_email_in_the_outbox(world: World) -> None:
    invite(world)
    assert mail.outbox == []
    dispatch()
    [message] = mail.outbox
    assert message.to == ["newbie@example.org"]
    assert "as rep" in message.body
    assert link_in(str(message.body)).startswith("/invite/")


def test_existing_user_joins_after_logging_in(world: World) -> None:
    outsider = world.members["outsider"]
    invitation = actions.invite(
        world.workspace, world.user("admin"), "outsider@example.org", "stakeholder"
    )
    path = reverse("accept_invitation", args=[invitation.token()])

    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    client = Client()
    client.login(username=outsider.user.email, password=PASSWORD)
    assert "Join Acme Insurance" in client.get(path).content.decode()
    response = client.post(path)
    assert response["Location"] == reverse("workspace_home", args=["acme"])
    # One person, two workspaces now.
    assert set(outsider.user.active_memberships().values_list("workspace__slug", flat=True)) == {
        "acme",
        "globex",
    }


def test_logged_in_as_someone_else_is_told_clearly(world: World) -> None:
    invitation = invite(world, "someone@example.org")
    client = world.client("coach")
    response = client.get(reverse("accept_invitation", args=[invitation.token()]))
    assert response.status_code == 403
    assert "This invitation is for someone@example.org" in response.content.decode()
    assert invitation.state == "pending"


def test_expired_link_gets_a_clear_page(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        invitation = invite(world)
        path = reverse("accept_invitation", args=[invitation.token()])
        clock.shift(dt.timedelta(days=7, minutes=1))
        response = join(path)
    assert response.status_code == 410
    assert "This invitation link has expired" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_resend_gives_a_fresh_link_that_works_past_the_first_expiry(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False) as clock:
        invitation = invite(world)
        clock.shift(dt.timedelta(days=6))
        actions.resend_invitation(invitation)
        fresh = reverse("accept_invitation", args=[invitation.token()])
        clock.shift(dt.timedelta(days=3))
        assert invitation.state == "pending"
        response = join(fresh)
    assert response.status_code == 302
    assert User.objects.filter(email="newbie@example.org").exists()


def test_tampered_link_gets_a_clear_page(world: World) -> None:
    invitation = invite(world)
    token = invitation.token()
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().get(reverse("accept_invitation", args=[tampered]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "This invitation link is not valid" in body
    assert "Traceback" not in body


def test_a_token_of_another_scope_is_refused(world: World) -> None:
    from followthrough.lib import signing

    invitation = invite(world)
    other = signing.make_token("checkin", invitation.pk)
    response = Client().get(reverse("accept_invitation", args=[other]))
    assert response.status_code == 400


def test_withdrawn_invitation_cannot_be_used(world: World) -> None:
    invitation = invite(world)
    actions.revoke_invitation(invitation)
    response = join(reverse("accept_invitation", args=[invitation.token()]))
    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_a_used_link_cannot_join_twice(world: World) -> None:
    invitation = invite(world)
    path = reverse("accept_invitation", args=[invitation.token()])
    assert join(path).status_code == 302
    response = join(path, name="Impostor")
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert User.objects.get(email="newbie@example.org").name == "Nina Newbie"


def test_bad_account_form_keeps_the_invitation_open(world: World) -> None:
    invitation = invite(world)
    path = reverse("accept_invitation", args=[invitation.token()])
    response = join(path, password2="different", time_zone="Mars/Base", name="  ")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The two passwords differ" in body
    assert "is not a known time zone" in body
    assert "This field is required" in body
    invitation.refresh_from_db()
    assert invitation.state == "pending"
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_weak_password_is_refused_with_reasons(world: World) -> None:
    invitation = invite(world)
    response = join(
        reverse("accept_invitation", args=[invitation.token()]), password1="123", password2="123"
    )
    assert "This password is too short" in response.content.decode()


def test_duplicate_invitations_and_members_get_form_errors(world: World) -> None:
    admin = world.client("admin")
    url = reverse("invitations", args=["acme"])
    response = admin.post(url, {"email": "REP@example.org", "role": "rep"})
    assert "rep@example.org is already a member of Acme Insurance" in response.content.decode()
    assert admin.post(url, {"email": "twice@example.org", "role": "rep"}).status_code == 302
    response = admin.post(url, {"email": "twice@example.org", "role": "rep"})
    assert "has already been invited" in response.content.decode()
    assert Invitation.objects.filter(email="twice@example.org").count() == 1
    response = admin.post(url, {"email": "not-an-email", "role": "rep"})
    assert "Enter a valid email address" in response.content.decode()


def test_an_expired_invitation_can_be_replaced(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False) as clock:
        invite(world, "late@example.org")
        clock.shift(dt.timedelta(days=8))
        invite(world, "late@example.org")
    assert Invitation.objects.filter(email="late@example.org").count() == 2


def test_coach_withdraws_a_rep_invitation(world: World) -> None:
    invitation = invite(world)
    response = world.client("coach").post(
        reverse("invitation_revoke", args=["acme", invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"


def test_coach_cannot_touch_an_admin_invitation(world: World) -> None:
    invitation = invite(world, "boss@example.org", "admin")
    response = world.client("coach").post(
        reverse("invitation_revoke", args=["acme", invitation.pk])
    )
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == "pending"
