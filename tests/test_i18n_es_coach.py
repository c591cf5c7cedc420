"""Issue 11: the coach's pages and emails in Spanish (plans, plan form, to-dos, the answer and
confidence-drop notices), and the English kept as it was."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from followthrough.coaching import actions as coaching
from followthrough.coaching.forms import parse_measures
from followthrough.coaching.models import Commitment, Todo
from followthrough.coaching.templatetags.coaching import days_from
from followthrough.metrics import actions as metrics
from tests.coaching_helpers import NEW_YORK, live_in, make_plan, make_session
from tests.conftest import Inbox, World, dispatch, text_body
from tests.test_i18n import english_msgids, html_body, speaks

MONDAY = dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York


def assert_no_english(html: str, templates: list[str], names: tuple[str, ...] = ()) -> None:
    for template in templates:
        for english in english_msgids(template):
            if english not in names:  # "Rep" is also the rep's name in the test world
                assert f">{english}<" not in html, english


def test_plans_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    make_plan(world)
    page = world.client("coach").get(reverse("plans", args=["acme"]))
    assert page.status_code == 200
    for spanish in ["<h1>Planes</h1>", "Abrir un plan", "Propósito", "Fecha límite", "Abiertos"]:
        assert spanish in page.text, spanish
    assert '<th scope="col">Vendedor</th>' in page.text
    assert_no_english(page.text, ["coaching/plans.html"], names=("Rep",))


def test_an_empty_plans_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    page = world.client("coach").get(reverse("plans", args=["acme"]))
    assert "Todavía no hay planes." in page.text
    assert "No plans yet" not in page.text and "Open one for a rep" not in page.text


def test_plan_form_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    page = world.client("coach").get(reverse("plan_new", args=["acme"]))
    assert page.status_code == 200
    assert "El acuerdo entre un coach y un vendedor" in page.text
    assert ">Abrir el plan<" in page.text and ">Cancelar<" in page.text
    assert "The engagement between" not in page.text
    assert_no_english(page.text, ["coaching/plan_form.html"])


def test_todos_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    coach = world.members["coach"]
    Todo.objects.create(workspace=coach.workspace, owner=coach, text="Book a call")
    page = world.client("coach").get(reverse("todos", args=["acme"]))
    assert page.status_code == 200
    for spanish in ["<h1>Pendientes</h1>", "<h2>Por hacer</h2>", ">Agregar<", "Marcar como hecho"]:
        assert spanish in page.text, spanish
    assert 'aria-label="Mark done' not in page.text
    assert_no_english(page.text, ["coaching/todos.html", "coaching/_todo.html"])


def drop_confidence(world: World) -> Commitment:
    live_in(world, "rep", NEW_YORK)
    metrics.rate_confidence(world.members["rep"], 4)
    return coaching.add_commitment(
        make_session(world),
        owner=world.members["rep"],
        text="Call ten past clients",
        due_on=dt.date(2026, 11, 27),
        measures=[{"name": "calls", "target": 10}],
        by=world.user("coach"),
    )


def answer_and_read_notices(world: World, smtp_server: Inbox) -> tuple[EmailMessage, EmailMessage]:
    with time_machine.travel(MONDAY, tick=False) as clock:
        clock.shift(dt.timedelta(days=-7))
        c = drop_confidence(world)
        clock.shift(dt.timedelta(days=7))
        link = reverse("checkin", args=[c.checkin_token()])
        world.client(None).post(link, {"answer": "talk", "confidence": "2", "comment": "<b>hi</b>"})
        dispatch()
        messages = smtp_server.wait_for(2)
    [drop] = [m for m in messages if m["To"] == "coach@example.org" and "4" in str(m["Subject"])]
    [answered] = [m for m in messages if m is not drop and m["To"] == "coach@example.org"]
    return answered, drop


def test_the_coachs_notices_in_spanish(world: World, smtp_server: Inbox) -> None:
    speaks(world, "coach", "es")
    answered, drop = answer_and_read_notices(world, smtp_server)
    subject, text, html = str(answered["Subject"]), text_body(answered), html_body(answered)
    assert subject.startswith("Rep respondió: Hablemos, Call ten past clients")
    assert "Rep respondió." in text and "<strong>Rep</strong> respondió." in html
    assert "(para el viernes 27 de noviembre)" in text
    assert "Confianza en el plan: 2 de 5" in text
    assert "Comentario: &lt;b&gt;hi&lt;/b&gt;" in html
    assert "Quiere conversar" in text + html
    for english in ["answered", "Answer:", "Confidence in the plan", "would like to talk", "due "]:
        assert english not in subject + text + html, english

    subject, text, html = str(drop["Subject"]), text_body(drop), html_body(drop)
    assert subject == "La confianza de Rep bajó de 4 a 2 de 5"
    assert "Rep calificó su confianza con 2 de 5 (lunes 16 de noviembre, 15:00)" in text
    assert "Ver el avance de Rep" in html and "Una caída así amerita una llamada hoy" in text
    for english in ["confidence", "down from", "worth a call", "progress<"]:
        assert english not in subject + text + html, english


def test_the_coachs_notices_stay_in_english(world: World, smtp_server: Inbox) -> None:
    answered, drop = answer_and_read_notices(world, smtp_server)
    assert str(answered["Subject"]).startswith("Rep answered: Let's talk, Call ten past clients")
    assert "(due Friday 27 November)" in text_body(answered)
    assert "Confidence in the plan: 2 of 5" in text_body(answered)
    assert str(drop["Subject"]) == "Rep's confidence fell from 4 to 2 of 5"
    assert "(Monday 16 November, 15:00), down from 4 the time before." in text_body(drop)


def test_plan_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    plan = make_plan(world)
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        page = world.client("coach").get(plan.get_absolute_url())
    assert page.status_code == 200
    for spanish in [
        "<h2>El plan</h2>",
        "Coach: Coach · del 1 oct 2026 al 30 nov 2026",
        "(quedan 10 días)",
        "<h3>Agendar una sesión</h3>",
        "Avance de Rep: actividad, conversión, confianza",
        "Todavía no hay compromisos.",
    ]:
        assert spanish in page.text, spanish
    for english in ["Coached by", "days left", "a week<", "Schedule a session"]:
        assert english not in page.text, english
    assert_no_english(
        page.text, ["coaching/plan_detail.html", "coaching/_commitment_table.html"], names=("Rep",)
    )


def test_days_from_in_spanish_and_english() -> None:
    today = dt.date(2026, 11, 20)
    with translation.override("es"):
        assert days_from(today, today) == "hoy"
        assert days_from(dt.date(2026, 11, 21), today) == "queda 1 día"
        assert days_from(dt.date(2026, 11, 17), today) == "venció hace 3 días"
    with translation.override("en"):
        assert days_from(today, today) == "today"
        assert days_from(dt.date(2026, 11, 17), today) == "passed 3 days ago"


def test_today_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    make_plan(world)
    page = world.client("coach").get(reverse("workspace_home", args=["acme"]))
    assert page.status_code == 200
    for spanish in [
        "<h1>Hoy</h1>",
        "Respuestas de esta semana",
        "Vendedores que acompañas",
        "Próximas sesiones",
        "Nada programado para hoy.",
    ]:
        assert spanish in page.text, spanish
    for english in ["Answers this week", "Upcoming sessions", "Reps you coach", "of them done"]:
        assert english not in page.text, english
    assert_no_english(page.text, ["coaching/today.html"])


def test_session_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    session = make_session(world, starts_at=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        page = world.client("coach").get(session.get_absolute_url())
    assert page.status_code == 200
    for spanish in [
        "<h1>Sesión con Rep</h1>",
        "Agenda: lo que quedó pendiente",
        "Terminar la sesión",
        "Mover o cancelar esta sesión",
        "Acordado en esta sesión",
        "Con un clic: el resumen le llega a Rep ahora",
    ]:
        assert spanish in page.text, spanish
    assert " minutos" in page.text
    for english in ["Session with", "One click", "carried forward", " minutes"]:
        assert english not in page.text, english
    assert_no_english(
        page.text,
        ["coaching/session_detail.html", "coaching/_commitments.html"],
        names=("Rep",),
    )


def test_plan_form_labels_and_errors_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    page = world.client("coach").post(
        reverse("plan_new", args=["acme"]),
        {
            "rep": world.members["rep"].pk,
            "coach": world.members["coach"].pk,
            "purpose": "Grow",
            "starts_on": "2026-11-20",
            "deadline": "2026-11-10",
            "target_high": "5",
            "sessions_per_week": "1",
        },
    )
    assert page.status_code == 200
    for spanish in [
        "La fecha límite tiene que ser posterior al inicio.",
        "Indica también el mínimo de la meta.",
        ">Empieza el<",
        ">Sesiones por semana<",
        "Para qué es, por ejemplo",
    ]:
        assert spanish in page.text, spanish
    for english in [
        "The deadline must come after",
        "Starts on",
        "Sessions a week",
        "What it is for",
    ]:
        assert english not in page.text, english


def test_a_measure_error_in_spanish() -> None:
    with translation.override("es"), pytest.raises(ValidationError, match="no es una medida"):
        parse_measures("calls 10")


def test_flash_messages_and_refusals_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    coach = world.client("coach")
    added = coach.post(reverse("todos", args=["acme"]), {"text": "Book a call"}, follow=True)
    assert "Pendiente agregado." in added.text and "To-do added" not in added.text

    session = make_session(world, starts_at=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        cancel = reverse("session_cancel", args=["acme", session.pk])
        first = coach.post(cancel, follow=True)
        assert "Sesión cancelada" in first.text and "Session cancelled" not in first.text
        again = coach.post(cancel, follow=True)
    assert "Solo se puede cancelar una sesión agendada." in again.text
    assert "Only a scheduled session" not in again.text


def test_history_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    plan = make_plan(world)
    page = world.client("coach").get(reverse("plan_history", args=["acme", plan.pk]))
    assert page.status_code == 200
    assert "Historial de Keep the job" in page.text
    assert "Coach abrió el plan “Keep the job: 60-day ultimatum” para Rep" in page.text
    assert "opened the plan" not in page.text
    assert_no_english(page.text, ["events/history.html"])


def test_commitment_page_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        c = coaching.add_commitment(
            make_session(world, starts_at=dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)),
            owner=world.members["rep"],
            text="Call ten past clients",
            due_on=dt.date(2026, 12, 11),
            measures=[{"name": "calls", "target": 10}],
            by=world.user("coach"),
        )
        page = world.client("coach").get(c.get_absolute_url())
    assert page.status_code == 200
    for spanish in [
        "para el viernes 11 de diciembre de 2026",
        "acordado en <a",
        "<h2>Cómo va</h2>",
        "cuando se termine la sesión",
        "<h2>Registrar el resultado</h2>",
        "Descartar este compromiso",
        "Todavía ninguno: se programan cuando se termina la sesión.",
    ]:
        assert spanish in page.text, spanish
    for english in ["Where it stands", "agreed in", "Record the outcome", "Its follow-ups"]:
        assert english not in page.text, english
    assert_no_english(page.text, ["coaching/commitment_detail.html"])
