"""Issue 11, step 2: the account pages (workspaces, people, members, invitations, profile,
settings) in Spanish for a Spanish profile, with none of their templates' English left."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from followthrough.accounts import actions
from tests.conftest import World
from tests.test_i18n import english_msgids, speaks


def spanish_page(world: World, key: str, name: str, *args: object) -> str:
    speaks(world, key, "es")
    page = world.client(key).get(reverse(name, args=list(args)))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "es"
    return page.text


def no_english(html: str, *templates: str) -> None:
    for template in templates:
        for english in english_msgids(template):
            assert f">{english}<" not in html, english


@pytest.mark.parametrize(
    ("name", "spanish", "english"),
    [
        ("workspaces", ["<h1>Tus espacios</h1>", "Crear un espacio"], "Start a workspace"),
        ("profile", ["<h1>Tu perfil</h1>", "Cambiar tu contraseña"], "Change your password"),
    ],
)
def test_own_pages_in_spanish(world: World, name: str, spanish: list[str], english: str) -> None:
    html = spanish_page(world, "coach", name)
    for sentence in spanish:
        assert sentence in html, sentence
    assert english not in html
    no_english(html, f"accounts/{name}.html")


def test_the_stakeholder_home_people_and_settings_in_spanish(world: World) -> None:
    actions.invite(world.workspace, world.user("admin"), "nina@example.org", "rep")
    home = spanish_page(world, "stakeholder", "workspace_home", "acme")
    assert "Aquí eres interesado." in home and "Vendedores que sigues" in home
    assert "Reps you follow" not in home
    no_english(home, "accounts/workspace_home.html")
    people = spanish_page(world, "admin", "people", "acme")
    assert "Invitar a alguien" in people and "Zona horaria" in people
    no_english(people, "accounts/people.html")
    settings = spanish_page(world, "admin", "workspace_settings", "acme")
    assert "Cuándo salen los seguimientos" in settings
    assert "When check-ins go out" not in settings
    no_english(settings, "accounts/workspace_settings.html")


def test_member_page_and_invitations_in_spanish(world: World) -> None:
    actions.invite(world.workspace, world.user("admin"), "nina@example.org", "rep")
    member = spanish_page(world, "admin", "member_detail", "acme", world.members["rep"].pk)
    for sentence in ["Horario de trabajo", "Cambiar el rol", "Desactivar", "Su coach:"]:
        assert sentence in member, sentence
    assert "Deactivating ends" not in member
    no_english(member, "accounts/member_detail.html")
    invitations = spanish_page(world, "admin", "invitations", "acme")
    for sentence in ["Enviar la invitación", ">pendiente<", "Volver a enviar", "días."]:
        assert sentence in invitations, sentence
    assert "The email carries a link" not in invitations
    no_english(invitations, "accounts/invitations.html")


def test_the_invitation_page_follows_the_browser_in_spanish(world: World) -> None:
    invitation = actions.invite(world.workspace, world.user("admin"), "nina@example.org", "rep")
    page = Client(headers={"accept-language": "es"}).get(
        reverse("accept_invitation", args=[invitation.token()])
    )
    assert page.status_code == 200
    assert "Únete a Acme" in page.text or "Únete a" in page.text
    assert "Elige una contraseña para" in page.text
    assert "Choose a password" not in page.text
    no_english(page.text, "accounts/accept_invitation.html")
