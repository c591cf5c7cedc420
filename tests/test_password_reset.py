"""Password reset by email, through the one email helper and a real SMTP server."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import Inbox, World, dispatch, text_body


def test_reset_by_email_end_to_end(world: World, smtp_server: Inbox) -> None:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "Rep@Example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert dispatch().sent == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Reset your Followthrough password"
    body = text_body(message)
    path = re.search(r"http://testserver(/password/reset/\S+)", body)
    assert path, body
    page = client.get(path.group(1), follow=True)
    form_url = page.redirect_chain[-1][0]
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        form_url,
        {"new_password1": "brand-new-passphrase-77", "new_password2": "brand-new-passphrase-77"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    assert Client().login(username="rep@example.org", password="brand-new-passphrase-77")
    # The link works once.
    again = client.get(path.group(1), follow=True)
    assert "The reset link has expired or was already used." in again.content.decode()


def test_unknown_address_sends_nothing_and_says_the_same(world: World) -> None:
    response = Client().post(reverse("password_reset"), {"email": "ghost@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    dispatch()
    assert mail.outbox == []


def test_mismatched_new_passwords_are_refused(world: World) -> None:
    Client().post(reverse("password_reset"), {"email": "rep@example.org"})
    dispatch()
    path = re.search(r"http://testserver(/password/reset/\S+)", str(mail.outbox[0].body))
    assert path
    client = Client()
    form_url = client.get(path.group(1), follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "first-passphrase-1", "new_password2": "second-passphrase-2"}
    )
    assert "The two password fields didn’t match." in response.content.decode()
