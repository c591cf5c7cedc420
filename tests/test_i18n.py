"""Issue 11, first step: the coaching loop in the reader's language (English and Spanish).

Pages follow the signed-in person's profile language, or the browser's Accept-Language before
login; emails are rendered in the recipient's language when the dispatcher sends them; the
check-in page speaks the language of the rep the link was made for, with a switch."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from followthrough.accounts.models import Profile
from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Response
from followthrough.lib import languages
from tests.coaching_helpers import NEW_YORK, live_in, make_plan, make_session
from tests.conftest import Inbox, World, dispatch, text_body

UTC = dt.UTC
SESSION_DAY = dt.datetime(2026, 10, 29, 15, 0, tzinfo=UTC)  # Thursday, 11:00 in New York
CHECKIN_AT = dt.datetime(2026, 11, 3, 14, 0, 5, tzinfo=UTC)  # second working day after Friday
REMINDER_AT = dt.datetime(2026, 11, 5, 14, 1, tzinfo=UTC)
TEMPLATES = Path(__file__).resolve().parent.parent / "followthrough" / "templates"
CATALOGUE = TEMPLATES.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
SPANISH_ANSWERS = {"Hecho", "En parte", "Todavía no", "Hablemos"}


def speaks(world: World, key: str, language: str) -> None:
    Profile.objects.filter(user=world.user(key)).update(language=language)
    world.user(key).profile.refresh_from_db()


def finish_with_one_commitment(world: World) -> Commitment:
    live_in(world, "rep", NEW_YORK)
    live_in(world, "coach", NEW_YORK)
    session = make_session(world, starts_at=SESSION_DAY)
    coach = world.client("coach")
    added = coach.post(
        reverse("commitment_add", args=["acme", session.pk]),
        {
            "text": "Call 10 past clients and ask each for 3 referrals",
            "owner": world.members["rep"].pk,
            "due_on": "2026-10-30",
            "measures": "calls: 10, referrals asked: 30",
        },
    )
    assert added.status_code == 302, added.content
    assert coach.post(reverse("session_finish", args=["acme", session.pk]), {}).status_code == 302
    return Commitment.objects.get(session=session)


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def answer_links(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+([^:\n]+): (http\S+)\r?$", text, re.MULTILINE))


def english_msgids(template: str) -> list[str]:
    """The {% translate %} strings of a template that Spanish words differently."""
    source = (TEMPLATES / template).read_text()
    found = re.findall(r'{% translate "([^"]+)"(?: context "([^"]+)")? %}', source)
    with translation.override("es"):
        return [
            msgid
            for msgid, context in found
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid))
            != msgid
        ]


def test_the_catalogue_is_compiled_for_the_tests() -> None:
    """make compiles the .mo at install and whenever the .po changes; the tests need it."""
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "run `make .venv/.dev` to compile the catalogues"
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, "the .mo is older than the .po"


def test_check_in_email_and_reminder_in_spanish(world: World, smtp_server: Inbox) -> None:
    speaks(world, "rep", "es")
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        finish_with_one_commitment(world)
        assert dispatch().sent == 1
        recap = smtp_server.wait_for(1)[0]
        assert recap["Subject"] == "Nuestra sesión del 29 de octubre: lo que acordamos"
        assert "Lo que acordamos:" in text_body(recap)
        assert "What we agreed" not in text_body(recap) + html_body(recap)

        clock.move_to(CHECKIN_AT)
        assert dispatch().sent == 1
        checkin = smtp_server.wait_for(2)[1]
        subject, text, html = checkin["Subject"], text_body(checkin), html_body(checkin)
        assert subject.startswith("¿Cómo te fue? Call 10 past clients")
        assert "Hola, Rep:" in text
        assert "El jueves 29 de octubre acordamos:" in text
        assert "para el viernes 30 de octubre" in text
        assert "Responde con un clic:" in text
        assert set(answer_links(text)) == SPANISH_ANSWERS
        assert "¿Conseguiste el resultado que esperabas?" in html
        assert all(label in html for label in SPANISH_ANSWERS)
        for english in ["How did it go", "we agreed", "One click", "Let's talk", "Hi Rep"]:
            assert english not in subject + text + html

        clock.move_to(REMINDER_AT)
        assert dispatch().sent == 1
        reminder = smtp_server.wait_for(3)[2]
        subject, text, html = reminder["Subject"], text_body(reminder), html_body(reminder)
        assert subject.startswith("Recordatorio: ¿cómo te fue?")
        assert "Un recordatorio rápido: a Coach le gustaría saber" in text
        assert "Un recordatorio rápido" in html and "para el viernes 30 de octubre" in html
        assert set(answer_links(text)) == SPANISH_ANSWERS
        assert "nudge" not in text + html and "Reminder" not in subject


def test_check_in_email_and_reminder_in_english(world: World, smtp_server: Inbox) -> None:
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        finish_with_one_commitment(world)
        dispatch()
        clock.move_to(CHECKIN_AT)
        dispatch()
        checkin = smtp_server.wait_for(2)[1]
        text, html = text_body(checkin), html_body(checkin)
        assert checkin["Subject"].startswith("How did it go? Call 10 past clients")
        assert "On Thursday 29 October we agreed:" in text
        assert "by Friday 30 October" in html
        assert set(answer_links(text)) == {"Done", "Partly", "Not yet", "Let's talk"}
        clock.move_to(REMINDER_AT)
        dispatch()
        reminder = smtp_server.wait_for(3)[2]
        assert reminder["Subject"].startswith("Reminder: how did it go?")
        assert "A quick nudge" in text_body(reminder) and "A quick nudge" in html_body(reminder)
        assert "Hola" not in text_body(reminder) + html_body(reminder)


def test_the_language_at_sending_time_wins(world: World, smtp_server: Inbox) -> None:
    """Scheduled while the rep read English; they switched to Spanish before it went."""
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        finish_with_one_commitment(world)
        dispatch()
        speaks(world, "rep", "es")
        clock.move_to(CHECKIN_AT)
        dispatch()
        checkin = smtp_server.wait_for(2)[1]
        assert checkin["Subject"].startswith("¿Cómo te fue?")
        assert set(answer_links(text_body(checkin))) == SPANISH_ANSWERS


def test_the_calendar_invitation_in_the_recipients_language(
    world: World, smtp_server: Inbox
) -> None:
    speaks(world, "rep", "es")
    with time_machine.travel(SESSION_DAY - dt.timedelta(days=7), tick=False):
        actions.schedule_session(make_plan(world), SESSION_DAY, by=world.user("coach"), invite=True)
        assert dispatch().sent == 2
    by_recipient = {str(m["To"]): m for m in smtp_server.wait_for(2)}
    rep, coach = by_recipient[world.user("rep").email], by_recipient[world.user("coach").email]
    assert rep["Subject"].startswith("Sesión de coaching")
    assert "La invitación para tu calendario va adjunta." in text_body(rep)
    ics = "".join(
        str(part.get_content()) for part in rep.walk() if part.get_content_type() == "text/calendar"
    )
    assert "SUMMARY:Sesión de coaching: Coach y Rep" in ics
    assert coach["Subject"].startswith("Coaching session")


@pytest.fixture
def answered_by_link(world: World) -> tuple[Commitment, str]:
    speaks(world, "rep", "es")
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
    return commitment, urlsplit(commitment.checkin_url()).path


def test_check_in_page_in_the_reps_language_with_a_switch(
    answered_by_link: tuple[Commitment, str],
) -> None:
    commitment, path = answered_by_link
    anonymous = Client(headers={"accept-language": "en-US,en"})  # the link's rep decides
    with time_machine.travel(CHECKIN_AT, tick=False):
        opened = anonymous.get(f"{path}?answer=partly")
        assert opened.headers["Content-Language"] == "es"
        page = opened.text
        assert "<h1>¿Cómo te fue?</h1>" in page
        assert "Acordado con Coach, para el viernes 30 de octubre" in page
        assert all(label in page for label in SPANISH_ANSWERS)
        assert "How did it go?" not in page and "Let&#x27;s talk" not in page
        assert 'href="?answer=partly&amp;lang=en"' in page

        english = anonymous.get(f"{path}?answer=partly&lang=en").text
        assert "<h1>How did it go?</h1>" in english and "Let&#x27;s talk" in english
        assert "Agreed with Coach, due Friday 30 October" in english
        assert 'href="?answer=partly&amp;lang=es"' in english

        thanks = anonymous.post(f"{path}?lang=en", {"answer": "talk"}).text
        assert "Coach has your answer: <strong>Let&#x27;s talk</strong>" in thanks
        thanks = anonymous.post(path, {"answer": "talk"}).text
        assert "Coach ya tiene tu respuesta: <strong>Hablemos</strong>" in thanks
        assert "te contactará para buscar un momento" in thanks
    assert Response.objects.get(commitment=commitment).answer == "talk"


def test_a_broken_check_in_link_explains_itself_in_the_browsers_language(db: object) -> None:
    page = Client(headers={"accept-language": "es"}).get(reverse("checkin", args=["nonsense"]))
    assert page.status_code == 400
    assert "Este enlace de seguimiento no es válido." in page.text
    assert "Inicia sesión en Followthrough" in page.text


def test_a_spanish_profile_sees_the_rep_home_and_navigation_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    with time_machine.travel(SESSION_DAY, tick=False):
        finish_with_one_commitment(world)
        page = world.client("rep").get(reverse("workspace_home", args=["acme"]))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "es"
    html = page.text
    assert '<html lang="es">' in html
    for spanish in [
        "<h1>Mis compromisos</h1>",
        "Cuéntanos cómo te fue cuando quieras: tu coach lo recibe al instante.",
        "Mi próxima sesión",
        "Para el viernes 30 de octubre",
        "Contar cómo te fue",
        "Enviar a mi coach",
        "Registrar mi día",
        "Cerrar sesión",
        "Followthrough · coaching de ventas que cierra el ciclo",
        "Tu coach: Coach",
    ]:
        assert spanish in html, spanish
    for answer in SPANISH_ANSWERS:
        assert answer in html
    for template in ["coaching/rep_home.html", "base.html", "coaching/_answer_fields.html"]:
        for english in english_msgids(template):
            assert f">{english}<" not in html, english
    for english in ["Report how it went", "Log out", "sales coaching that closes the loop", "Due "]:
        assert english not in html


def test_an_english_profile_keeps_english_pages(world: World) -> None:
    page = world.client("rep").get(
        reverse("workspace_home", args=["acme"]), headers={"accept-language": "es"}
    )
    assert "<h1>My commitments</h1>" in page.text and "Log out" in page.text
    assert page.headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("header", "expected", "absent"),
    [
        ("es-AR,es;q=0.9,en;q=0.5", "¿Olvidaste tu contraseña?", "Forgot your password?"),
        ("es", "Coaching de ventas que cierra el ciclo.", "Log in"),
        ("en-US,en;q=0.9", "Forgot your password?", "Olvidaste"),
        ("fr-FR,fr;q=0.9", "Forgot your password?", "Olvidaste"),  # no catalogue: English
        ("!!;;q=x,,=es", "Forgot your password?", "Olvidaste"),  # malformed: English
        ("es;q=abc", "Forgot your password?", "Olvidaste"),  # malformed weight: English
    ],
)
def test_login_page_follows_accept_language(
    db: object, header: str, expected: str, absent: str
) -> None:
    page = Client(headers={"accept-language": header}).get(reverse("login"))
    assert page.status_code == 200
    assert expected in page.text and absent not in page.text
    assert "Accept-Language" in page.headers["Vary"]


def test_an_unknown_profile_language_falls_back_to_english(
    world: World, smtp_server: Inbox
) -> None:
    speaks(world, "rep", "fr")  # Django speaks French; Followthrough has no catalogue for it
    assert languages.of_user(world.user("rep")) == "en"
    page = world.client("rep").get(reverse("workspace_home", args=["acme"]))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"
    assert "<h1>My commitments</h1>" in page.text
    with time_machine.travel(SESSION_DAY, tick=False):
        finish_with_one_commitment(world)
        dispatch()
    recap = smtp_server.wait_for(1)[0]
    assert recap["Subject"].startswith("Our session of 29 October")


def test_an_invitation_to_an_outside_address_speaks_the_inviters_language(
    world: World, smtp_server: Inbox
) -> None:
    """The newcomer has no profile yet: the inviter's language, stored when scheduling."""
    speaks(world, "admin", "es")
    invited = world.client("admin").post(
        reverse("invitations", args=["acme"]), {"email": "nina@example.org", "role": "rep"}
    )
    assert invited.status_code == 302
    speaks(world, "admin", "en")  # the inviter's later change does not reach a stranger's mail
    assert dispatch().sent == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Admin te invitó a Acme Insurance en Followthrough"
    text, html = text_body(message), html_body(message)
    assert "sumarte a Acme Insurance en Followthrough como vendedor." in text
    assert "Aceptar la invitación" in html and "El enlace sirve hasta el" in html
    assert "invited" not in text + html


def test_a_broken_invitation_link_explains_itself_in_the_browsers_language(db: object) -> None:
    page = Client(headers={"accept-language": "es-MX"}).get(
        reverse("accept_invitation", args=["nonsense"])
    )
    assert "Este enlace de invitación no es válido." in page.text
