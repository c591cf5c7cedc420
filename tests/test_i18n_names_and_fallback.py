"""Issue 11, bad input: a profile language with no catalogue (English, said on the profile
page), and right-to-left names that must not scramble the sentence around them."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.template import Context, Template
from django.urls import reverse

from followthrough.accounts.models import User
from followthrough.coaching import actions
from followthrough.followups.models import FollowUp
from followthrough.web.bidi import bdi, right_to_left
from tests.coaching_helpers import make_plan, make_session
from tests.conftest import World, dispatch
from tests.test_i18n import speaks

ARABIC = "مريم الحسن"
HEBREW = "דוד כהן"


def test_an_unsupported_profile_language_is_said_once_on_the_profile_page(world: World) -> None:
    speaks(world, "rep", "fr")
    client = world.client("rep")
    page = client.get(reverse("profile")).text
    assert page.count("has no translation here yet") == 1
    assert "Your profile's language, French, has no translation here yet" in page
    assert "pages and emails reach you in English" in page
    home = client.get(reverse("workspace_home", args=["acme"])).text
    assert "no translation here" not in home  # only the profile page says it
    speaks(world, "rep", "es")
    spanish = client.get(reverse("profile")).text
    assert "<h1>Tu perfil</h1>" in spanish and "todavía no tiene traducción" not in spanish


def test_choosing_a_language_on_the_profile_page_ends_the_fallback(world: World) -> None:
    speaks(world, "rep", "fr")
    client = world.client("rep")
    saved = client.post(
        reverse("profile"),
        {
            "name": "Rep",
            "time_zone": "UTC",
            "country": "",
            "working_days": ["0", "1", "2", "3", "4"],
            "work_starts": "09:00",
            "work_ends": "17:00",
            "language": "es",
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert "<h1>Tu perfil</h1>" in saved.text
    assert "no translation" not in saved.text


def test_the_bdi_filter_isolates_right_to_left_names_only() -> None:
    assert right_to_left(ARABIC) and right_to_left(HEBREW) and not right_to_left("José Núñez")
    assert bdi(ARABIC) == f"<bdi>{ARABIC}</bdi>"
    assert bdi("<b>Bob</b>") == "&lt;b&gt;Bob&lt;/b&gt;"  # escaped like any name
    assert bdi(f"{HEBREW} <x>") == f"<bdi>{HEBREW} &lt;x&gt;</bdi>"
    assert bdi("Bob") == "Bob"  # a left-to-right name leaves the page as it was
    assert bdi(ARABIC, autoescape=False) == f"\u2068{ARABIC}\u2069"  # plain text: isolates
    assert Template("{{ n|bdi }}").render(Context({"n": HEBREW})) == f"<bdi>{HEBREW}</bdi>"


def name(world: World, key: str, full_name: str) -> None:
    User.objects.filter(pk=world.user(key).pk).update(name=full_name)
    world.user(key).refresh_from_db()


def test_a_right_to_left_name_sits_in_its_sentence_on_pages(world: World) -> None:
    name(world, "coach", ARABIC)
    name(world, "rep", HEBREW)
    speaks(world, "rep", "es")
    make_plan(world)
    home = world.client("rep").get(reverse("workspace_home", args=["acme"])).text
    assert f"<bdi>{ARABIC}</bdi>" in home
    assert f"Tu coach: <bdi>{ARABIC}</bdi>" in home
    assert f"<bdi>{HEBREW.split()[0]}</bdi>" in home  # the menu's short name of the rep
    plans = world.client("coach").get(reverse("plans", args=["acme"])).text
    assert f"<bdi>{HEBREW}</bdi>" in plans
    # Never inside an attribute, where a tag would show as text.
    assert '="<bdi>' not in home + plans and "<title><bdi>" not in home + plans


def test_a_right_to_left_name_is_isolated_in_emails(world: World) -> None:
    name(world, "coach", ARABIC)
    speaks(world, "rep", "es")
    with time_machine.travel(dt.datetime(2026, 10, 29, 15, 0, tzinfo=dt.UTC), tick=False):
        session = make_session(world)
        actions.add_commitment(
            session,
            owner=world.members["rep"],
            text="Llamar a diez clientes",
            due_on=dt.date(2026, 10, 30),
            by=world.user("coach"),
        )
        actions.finish_session(session, by=world.user("coach"))
    with time_machine.travel(dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC), tick=False):
        dispatch()
    checkin = FollowUp.objects.get(template="checkin")
    assert f"<bdi>{ARABIC}</bdi>" in checkin.body_html
    assert f"\u2068{ARABIC}\u2069" in checkin.body_text
    assert "<bdi>" not in checkin.body_text and "<bdi>" not in checkin.subject
