"""Logging in by email, wrong passwords, throttling, deactivated people, logging out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from followthrough.accounts import actions
from followthrough.accounts.models import LoginFailure
from tests.conftest import PASSWORD, World


def log_in(client: Client, email: str, password: str) -> str:
    response = client.post(reverse("login"), {"username": email, "password": password})
    if response.status_code == 302:
        return "ok"
    return response.content.decode()


def test_login_with_email_in_any_case_lands_in_the_workspace(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("login"), {"username": "  Coach@Example.ORG", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("workspace_home", args=["acme"])
    assert "Acme Insurance" in response.content.decode()


def test_wrong_password_says_so_and_is_counted(world: World) -> None:
    body = log_in(Client(), "coach@example.org", "wrong")
    assert "That email and password do not match" in body
    assert LoginFailure.objects.filter(email="coach@example.org").count() == 1


def test_unknown_email_gets_the_same_message(world: World) -> None:
    assert "That email and password do not match" in log_in(Client(), "nobody@x.org", "pw")


def test_repeated_failures_are_throttled_then_released(world: World, settings: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            log_in(Client(), "coach@example.org", "guess")
        body = log_in(Client(), "coach@example.org", PASSWORD)
        assert "Too many failed attempts for this email. Try again in 15 minutes" in body
        clock.shift(dt.timedelta(minutes=10))
        assert "Try again in 5 minutes" in log_in(Client(), "coach@example.org", PASSWORD)
        # Another address is not affected.
        assert log_in(Client(), "rep@example.org", PASSWORD) == "ok"
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        assert log_in(Client(), "coach@example.org", PASSWORD) == "ok"


def test_deactivated_member_cannot_log_in_and_history_stays(world: World) -> None:
    rep = world.members["rep"]
    actions.deactivate_member(rep, by=world.members["admin"])
    body = log_in(Client(), "rep@example.org", PASSWORD)
    assert "Your access has been deactivated" in body
    rep.refresh_from_db()
    assert rep.is_active is False
    assert rep.deactivated_at is not None
    assert rep.coaches().count() == 1  # relationships are history, kept


def test_member_active_elsewhere_still_logs_in(world: World) -> None:
    rep = world.members["rep"]
    actions.create_workspace(rep.user, "Rep's side business")
    actions.deactivate_member(rep, by=world.members["admin"])
    assert log_in(Client(), "rep@example.org", PASSWORD) == "ok"


def test_deactivation_ends_an_open_session_at_once(world: World) -> None:
    client = world.client("rep")
    url = reverse("workspace_home", args=["acme"])
    assert client.get(url).status_code == 200
    actions.deactivate_member(world.members["rep"], by=world.members["admin"])
    assert client.get(url).status_code == 404


def test_logout_needs_post_and_ends_the_session(world: World) -> None:
    client = world.client("coach")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    response = client.get(reverse("workspace_home", args=["acme"]))
    assert response["Location"].startswith(reverse("login"))


def test_login_page_redirects_a_logged_in_person(world: World) -> None:
    response = world.client("coach").get(reverse("login"))
    assert response.status_code == 302
