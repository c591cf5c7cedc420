"""Issue 11: the metrics, pipeline and insights pages in Spanish. Each page, fetched by someone
whose profile speaks Spanish, shows Spanish and none of its templates' English msgids; the
messages built in Python (flash messages, refusals, import problems, chart text) follow."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import time_machine
from django.test import Client
from django.urls import reverse

from followthrough.metrics import imports
from followthrough.metrics.models import ImportRun, Metric
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from tests.coaching_helpers import make_plan
from tests.conftest import World
from tests.test_i18n import english_msgids, speaks

TODAY = dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC)  # a Wednesday, inside make_plan's plan


def page(client: Client, name: str, *args: object) -> str:
    response = client.get(reverse(name, args=["acme", *args]))
    assert response.status_code == 200, response.content[:500]
    return response.text


def assert_spanish(text: str, spanish: list[str], templates: list[str]) -> None:
    for sentence in spanish:
        assert sentence in text, sentence
    for template in templates:
        for english in english_msgids(template):
            # Whole words: "Cancelar" begins with "Cancel" and is Spanish.
            assert not re.search(rf"(?<!\w){re.escape(english)}(?!\w)", text), (template, english)


def won_deal(world: World) -> Opportunity:
    opportunity = pipeline.create_opportunity(
        world.members["rep"],
        by=world.user("rep"),
        account="Harlow Logística",
        value=Decimal(4200),
        stage=Stage.NEGOTIATION,
        next_step="Llamar al director",
    )
    pipeline.move_opportunity(opportunity, Stage.WON, by=world.user("rep"))
    return opportunity


def test_the_rep_logs_the_day_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    rep = world.client("rep")
    with time_machine.travel(TODAY, tick=False):
        text = page(rep, "day_log")
        assert_spanish(
            text,
            ["Registrar mi día", "Guardar el día", "Los últimos siete días", "Tu confianza"],
            ["metrics/day_log.html"],
        )
        calls = Metric.objects.get(workspace__slug="acme", name="Calls made")
        response = rep.post(
            reverse("day_log", args=["acme"]),
            {"day": "2026-11-04", f"metric_{calls.pk}": "3"},
            follow=True,
        )
    assert "1 cifra registrada para el" in response.text
    assert "number logged" not in response.text


def test_an_admin_reads_and_edits_the_metrics_in_spanish(world: World) -> None:
    speaks(world, "admin", "es")
    admin = world.client("admin")
    text = page(admin, "metrics")
    assert_spanish(
        text,
        ["Métricas", "Agregar una métrica", "Otros nombres", "Actividad", "Resultado"],
        ["metrics/metrics.html"],
    )
    metric = Metric.objects.get(workspace__slug="acme", name="Calls made")
    text = page(admin, "metric_edit", metric.pk)
    # A default metric of an English workspace carries its Spanish name for Spanish readers.
    assert_spanish(
        text,
        ["Editar “Llamadas hechas”", "Nombre en español", "Guardar", "Cancelar"],
        ["metrics/metric_form.html"],
    )
    response = admin.post(
        reverse("metric_edit", args=["acme", metric.pk]),
        {
            "name": "Calls made",
            "name_es": "Llamadas",
            "unit": "calls",
            "kind": "activity",
            "position": 1,
        },
        follow=True,
    )
    assert "“Llamadas” guardada." in response.text


def test_an_import_and_its_problems_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    rep_member = world.members["rep"]
    content = "date,metric,value\n2026-11-03,Calls made,3\n2026-11-03,Meetings booked,lots\n"
    with time_machine.travel(TODAY, tick=False):
        run = imports.check_all(
            imports.start(rep_member, "cifras.csv", imports.read(content.encode(), rep_member))
        )
        rep = world.client("rep")
        text = page(rep, "import_new")
        assert_spanish(
            text,
            ["Importar cifras desde un archivo CSV", "Revisar el archivo", "Revisado"],
            ["metrics/import_new.html"],
        )
        text = page(rep, "import_detail", run.pk)
    # The problem was written by the check in the uploader's language, not the worker's.
    assert ImportRun.objects.get(pk=run.pk).problems[0]["message"] == (
        "El valor “lots” no es un número."
    )
    assert_spanish(
        text,
        [
            "Importación de cifras.csv",
            "Revisado: 1 fila correcta, 1 con algún problema",
            "Importar la 1 fila correcta",
            "El valor “lots” no es un número.",
            "Descargar el 1 problema como CSV",
        ],
        ["metrics/import_detail.html", "metrics/import_status.html"],
    )
    assert "good row" not in text and "is not a number" not in text


def test_the_pipeline_pages_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    coach = world.client("coach")
    opportunity = won_deal(world)
    partials = [
        "pipeline/_opportunity_board.html",
        "pipeline/_opportunity_card.html",
        "pipeline/_opportunity_owner_filter.html",
    ]
    text = page(coach, "pipeline_board")
    assert_spanish(
        text,
        ["Embudo", "Vista de lista", "Nueva oportunidad", "Prospecto", "Ganada"],
        ["pipeline/pipeline_board.html", *partials],
    )
    text = page(coach, "pipeline_list")
    assert_spanish(
        text,
        ["Lista del embudo", "Totales por etapa", "Cierre previsto", "Próximo paso"],
        ["pipeline/pipeline_list.html", "pipeline/_opportunity_owner_filter.html"],
    )
    text = page(coach, "opportunity_new")
    assert_spanish(
        text,
        ["Nueva oportunidad", "Agregar al embudo", "Nombre del contacto", "Moneda"],
        ["pipeline/opportunity_form.html"],
    )
    text = page(coach, "opportunity_detail", opportunity.pk)
    assert_spanish(
        text,
        ["La oportunidad", "Historial de etapas", "Contada como venta", "Ganada el"],
        ["pipeline/opportunity_detail.html", "pipeline/_opportunity_history.html"],
    )


def test_pipeline_flash_messages_and_form_errors_in_spanish(world: World) -> None:
    speaks(world, "rep", "es")
    rep = world.client("rep")
    opportunity = pipeline.create_opportunity(
        world.members["rep"], by=world.user("rep"), account="Harlow", value=Decimal(10)
    )
    moved = rep.post(
        reverse("opportunity_stage", args=["acme", opportunity.pk]),
        {"stage": Stage.QUALIFIED},
        follow=True,
    )
    assert "Harlow pasó a Calificada." in moved.text and "moved to" not in moved.text
    refused = rep.post(
        reverse("opportunity_new", args=["acme"]),
        {"account": "", "value": "-1", "currency": "US", "stage": Stage.LEAD},
    )
    assert refused.status_code == 400
    for spanish in [
        "Indica la cuenta: la empresa o el hogar.",
        "El valor no puede ser negativo.",
        "La moneda son tres letras, como USD o EUR.",
    ]:
        assert spanish in refused.text, spanish


def test_the_team_dashboard_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    with time_machine.travel(TODAY, tick=False):
        make_plan(world)
        text = page(world.client("coach"), "team_dashboard")
    assert_spanish(
        text,
        [
            "Tablero del equipo",
            "Requiere atención",
            "Cifras semanales (CSV)",
            "Ritmo del plan",
            "Cumplimiento",
            "sin actividad registrada esta semana",
            "Tus vendedores, uno por fila, ordenados por vendedor, de menor a mayor",
        ],
        ["insights/dashboard.html", "insights/_dashboard_attention.html"],
    )
    assert "no activity logged" not in text and "Plan pace" not in text


def test_the_weekly_csv_keeps_its_column_names(world: World) -> None:
    speaks(world, "coach", "es")
    response = world.client("coach").get(reverse("dashboard_csv", args=["acme"]))
    assert response.content.decode().splitlines()[0] == "rep,email,week starting,metric,unit,total"


def test_a_reps_progress_and_pace_in_spanish(world: World) -> None:
    speaks(world, "coach", "es")
    with time_machine.travel(TODAY, tick=False):
        make_plan(world)
        won_deal(world)
        text = page(world.client("coach"), "rep_progress", world.members["rep"].pk)
    assert_spanish(
        text,
        [
            "Hasta ahora",
            "de la meta mínima",
            "Total acumulado por semana",
            "Esta semana y la anterior",
            "Conversión",
            "Ritmo: Keep the job: 60-day ultimatum",
            "hasta ahora, frente a una meta de 14,000 USD para el 30 de noviembre de 2026",
        ],
        [
            "insights/rep_progress.html",
            "insights/_pace.html",
            "insights/_chart_pace.html",
        ],
    )
    assert "so far, against a target" not in text and "Running total" not in text
    # The pace's own word, in its badge.
    assert re.search(r'class="badge pace-behind">atrasado<', text), "behind pace, in Spanish"
