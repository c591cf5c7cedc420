"""Issue 11, step 2: the account pages (workspaces, people, members, invitations, profile,
settings) in Spanish for a Spanish profile, with none of their templates' English left."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from followthrough.accounts import actions
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from tests.conftest import World, dispatch
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


def test_password_reset_pages_and_email_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    client = Client(headers={"accept-language": "es"})
    form = client.get(reverse("password_reset")).text
    assert "Restablece tu contraseña" in form and "Enviar el enlace" in form
    no_english(form, "registration/password_reset_form.html")
    done = client.post(reverse("password_reset"), {"email": "rep@example.org"}, follow=True).text
    assert "Revisa tu correo" in done and "Check your email" not in done
    no_english(done, "registration/password_reset_done.html")
    dispatch()
    [message] = mail.outbox
    assert message.subject == "Restablece tu contraseña de Followthrough"
    body = str(message.body)
    assert "Elige una contraseña nueva" in body and "Choose a new password" not in body
    html = str(message.alternatives[0][0])  # type: ignore[attr-defined]
    assert "El enlace funciona durante un día." in html and "The link works" not in html
    path = re.search(r"http://testserver(/password/reset/\S+)", body)
    assert path
    page = client.get(path.group(1), follow=True)
    assert "<h1>Elige una contraseña nueva</h1>" in page.text
    no_english(page.text, "registration/password_reset_confirm.html")
    new = "brand-new-passphrase-77"
    complete = client.post(
        page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    ).text
    assert "Contraseña guardada" in complete and "Password saved" not in complete
    no_english(complete, "registration/password_reset_complete.html")
    again = client.get(path.group(1), follow=True).text
    assert "venció o ya se usó" in again and "has expired" not in again


def test_password_change_page_in_spanish(world: World) -> None:
    html = spanish_page(world, "rep", "password_change")
    assert "<h1>Cambiar tu contraseña</h1>" in html and "Cambiar la contraseña" in html
    no_english(html, "registration/password_change_form.html")


def test_outbox_and_follow_up_page_in_spanish(world: World) -> None:
    user = world.user("rep")
    row = followups.schedule(
        kind=Kind.CHECK_IN,
        template="notice",
        to_email=user.email,
        recipient=user,
        workspace=world.workspace,
        context={"subject": "¿Funcionó?", "text": "Cuéntame."},
    )
    outbox = spanish_page(world, "coach", "outbox", "acme")
    for sentence in [
        "Cada envío: qué sale, cuándo y qué pasó.",
        "Todos los estados",
        ">Programado<",
    ]:
        assert sentence in outbox, sentence
    assert "Every follow-up" not in outbox and "All states" not in outbox
    no_english(outbox, "followups/outbox.html")
    page = spanish_page(world, "coach", "followup_detail", "acme", row.pk)
    for sentence in ["Entrega", "Reprogramar", "Enviar ahora", "Nueva hora", "Asunto:"]:
        assert sentence in page, sentence
    assert "The message as it would go out now" not in page
    no_english(page, "followups/followup_detail.html")


def test_error_pages_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    client = world.client("rep")
    missing = client.get(reverse("people", args=["globex"]))
    assert missing.status_code == 404
    assert "No encontrado" in missing.text and "Volver a Followthrough" in missing.text
    assert "Not found" not in missing.text
    no_english(missing.text, "error.html")
    refused = client.get(reverse("invitations", args=["acme"]))
    assert refused.status_code == 403
    assert "No permitido" in refused.text and "Not allowed" not in refused.text
