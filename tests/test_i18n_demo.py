"""Issue 11, item 6 and the demo's printed instructions: story 001 is told in Spanish
(Alejandro and his manager Gustavo read Spanish; what he and Morgan write together is Spanish)
and Morgan reads it in English around Alejandro's Spanish words."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from followthrough.accounts.models import Membership, User
from followthrough.coaching.models import Commitment
from followthrough.demo import stories as demo
from followthrough.demo.management.commands.demo import terminal_language
from followthrough.followups.models import FollowUp


def test_the_demo_prints_in_english_by_default_and_in_spanish_when_asked(
    db: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    english = StringIO()
    call_command("demo", stdout=english)
    assert "Demo data loaded." in english.getvalue()
    assert "log in as:" in english.getvalue() and "Rep on a 60-day ultimatum" in english.getvalue()
    spanish = StringIO()
    call_command("demo", "--once", "--language", "es", stdout=spanish)
    text = spanish.getvalue()
    assert "Los datos de demostración ya estaban cargados." in text
    assert "e inicia sesión como:" in text and "Vendedor con un ultimátum de 60 días" in text
    assert "contraseña: " + demo.DEMO_PASSWORD in text
    assert "log in" not in text and "password:" not in text

    monkeypatch.setenv("LANG", "es_AR.UTF-8")
    from_the_terminal = StringIO()
    call_command("demo", "--once", stdout=from_the_terminal)
    assert "Abre http" in from_the_terminal.getvalue()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "es_AR.UTF-8"}, "es"),
        ({"LANG": "es"}, "es"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "es_ES.UTF-8"}, "en"),  # LC_ALL wins, as in POSIX
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no catalogue: English
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE@euro"}, "en"),
        ({}, "en"),
    ],
)
def test_the_terminals_language(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert terminal_language() == expected


def test_story_001_is_told_in_spanish_and_morgan_reads_it_in_english(db: object) -> None:
    call_command("demo", stdout=StringIO())
    assert User.objects.get(email="alejandro@example.com").profile.language == "es"
    assert User.objects.get(email="gustavo@example.com").profile.language == "es"
    steps = Commitment.objects.filter(owner__user__email="alejandro@example.com")
    assert steps and all("referidos" in step.text for step in steps)
    plan = steps[0].plan
    assert plan.purpose == "Referidos de mis diez clientes" and "juicio" in plan.why
    answer = steps.order_by("created_at")[0].latest_response()
    assert answer is not None and answer.comment.startswith("Llamé a 5")

    # What Alejandro received (recap, invitation, check-in) is Spanish.
    sent = FollowUp.objects.filter(recipient__email="alejandro@example.com", state="sent")
    assert sent.exists()
    for message in sent:
        assert "Our session" not in message.subject and "How did it go" not in message.subject

    alejandro = Client()
    alejandro.force_login(User.objects.get(email="alejandro@example.com"))
    home = alejandro.get(reverse("workspace_home", args=["brightline"])).text
    assert "<h1>Mis compromisos</h1>" in home and "Llamar a los otros 5" in home

    gustavo = Membership.objects.get(
        user__email="gustavo@example.com", workspace__slug="brightline"
    )
    manager = Client()
    manager.force_login(gustavo.user)
    assert '<html lang="es">' in manager.get(reverse("workspace_home", args=["brightline"])).text

    morgan = Client()
    morgan.force_login(User.objects.get(email=demo.DEMO_COACH_EMAIL))
    page = morgan.get(
        reverse("commitment_detail", args=["brightline", steps.order_by("created_at")[0].pk])
    ).text
    assert '<html lang="en">' in page
    assert "Llamé a 5 y me dieron 4 referidos" in page  # his words, as he wrote them
    assert "Partly" in page  # the answer, in Morgan's English
