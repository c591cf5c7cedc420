"""The profile page, creating and switching workspaces, and where home sends a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from followthrough.accounts.models import Membership, Profile, Role
from followthrough.lib import dates
from tests.conftest import World


def profile_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Carla Coach",
        "time_zone": "America/Argentina/Buenos_Aires",
        "working_days": ["0", "1", "2", "3", "5"],
        "work_starts": "10:00",
        "work_ends": "19:00",
        "language": "es",
    }
    data.update(overrides)
    return data


def test_profile_saves_time_zone_days_hours_and_language(world: World) -> None:
    client = world.client("coach")
    response = client.post(reverse("profile"), profile_data(), follow=True)
    assert response.status_code == 200
    profile = Profile.objects.get(user=world.user("coach"))
    assert profile.time_zone == "America/Argentina/Buenos_Aires"
    assert profile.working_days == [0, 1, 2, 3, 5]
    assert (profile.work_starts, profile.work_ends) == (dt.time(10), dt.time(19))
    assert profile.user.name == "Carla Coach"
    assert profile.works_on(dt.date(2026, 3, 7))  # a Saturday, chosen
    assert not profile.works_on(dt.date(2026, 3, 6))  # a Friday, not chosen
    # The chosen language applies to Django's own texts, and the page says so.
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_profile_refuses_bad_values_and_keeps_the_old_ones(world: World) -> None:
    client = world.client("coach")
    response = client.post(
        reverse("profile"),
        profile_data(
            time_zone="Europe/Atlantis", working_days=[], work_starts="18:00", work_ends="09:00"
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "“Europe/Atlantis” is not a known time zone" in body
    assert "This field is required" in body  # no working day
    profile = Profile.objects.get(user=world.user("coach"))
    assert profile.time_zone == "UTC"
    assert profile.working_days == [0, 1, 2, 3, 4]


def test_working_day_must_end_after_it_starts(world: World) -> None:
    response = world.client("coach").post(
        reverse("profile"), profile_data(work_starts="18:00", work_ends="09:00")
    )
    assert "The working day must end after it starts." in response.content.decode()


def test_create_a_workspace_and_switch(world: World) -> None:
    client = world.client("coach")
    response = client.post(reverse("workspaces"), {"name": "Harbor Office Supply"}, follow=True)
    assert "You are its admin" in response.content.decode()
    membership = Membership.objects.get(
        user=world.user("coach"), workspace__slug="harbor-office-supply"
    )
    assert membership.role == Role.ADMIN
    # The switcher lists both, and home goes to the last one used.
    body = client.get(reverse("workspace_home", args=["acme"])).content.decode()
    assert "Harbor Office Supply" in body and "Acme Insurance" in body
    assert client.get(reverse("home"))["Location"] == reverse("workspace_home", args=["acme"])
    client.get(reverse("workspace_home", args=["harbor-office-supply"]))
    assert client.get(reverse("home"))["Location"] == reverse(
        "workspace_home", args=["harbor-office-supply"]
    )


def test_same_name_gets_its_own_address(world: World) -> None:
    client = world.client("outsider")
    client.post(reverse("workspaces"), {"name": "Acme Insurance"})
    assert Membership.objects.filter(
        user=world.user("outsider"), workspace__slug="acme-insurance"
    ).exists()
    client.post(reverse("workspaces"), {"name": "Acme Insurance"})
    assert Membership.objects.filter(
        user=world.user("outsider"), workspace__slug="acme-insurance-2"
    ).exists()


def test_empty_workspace_name_is_refused(world: World) -> None:
    response = world.client("coach").post(reverse("workspaces"), {"name": "   "})
    assert "This field is required" in response.content.decode()


def test_home_without_workspaces_offers_to_start_one(db: object) -> None:
    from django.test import Client

    from followthrough.accounts.models import User

    user = User.objects.create_user("lonely@example.org", "pw-long-enough-1", name="Lonely")
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert "You are not in any workspace yet" in response.content.decode()


def test_unknown_workspace_is_a_clean_404(world: World) -> None:
    response = world.client("coach").get("/w/no-such-place/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_health_check(db: object) -> None:
    from django.test import Client

    response = Client().get("/healthz")
    assert response.json() == {"status": "ok"}


@pytest.mark.urls("tests.urls_with_error")
def test_a_server_error_shows_a_plain_page_without_internals(db: object) -> None:
    from django.test import Client

    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "hunter2" not in body


def test_a_new_workspace_asks_for_its_country_suggested_from_the_time_zone(world: World) -> None:
    """A workspace created without a country had no public holidays at all."""
    Profile.objects.filter(user=world.user("coach")).update(
        time_zone="America/Argentina/Buenos_Aires", country=""
    )
    client = world.client("coach")
    form = client.get(reverse("workspaces")).content.decode()
    assert '<option value="AR" selected>Argentina</option>' in form
    assert '<option value="">None: no public holidays</option>' in form
    client.post(reverse("workspaces"), {"name": "Pampa Seguros", "country": "AR"})
    workspace = Membership.objects.get(user=world.user("coach"), workspace__slug="pampa-seguros")
    assert workspace.workspace.country == "AR"
    refused = client.post(reverse("workspaces"), {"name": "Nowhere", "country": "XX"})
    assert "Select a valid choice" in refused.content.decode()


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Berlin", "DE"),
        ("America/Argentina/Buenos_Aires", "AR"),
        ("America/Chicago", "US"),
        ("UTC", ""),  # no country
        ("Etc/GMT+3", ""),
        ("Not/A_Zone", ""),
    ],
)
def test_the_country_of_a_time_zone(zone: str, country: str) -> None:
    assert dates.country_of_zone(zone) == country


def test_without_the_tz_tables_nothing_is_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "_tz_table", lambda names: "")
    dates.zone_countries.cache_clear()
    try:
        assert dates.country_of_zone("Europe/Berlin") == ""
    finally:
        dates.zone_countries.cache_clear()
