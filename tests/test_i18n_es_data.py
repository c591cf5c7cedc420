"""Data the app writes and people read later, in each reader's language (issue 11): the to-dos
the app writes, a follow-up's failure, metric names. A Spanish workspace's default metrics are
Spanish, and the funnel, the pace, won deals and check-in numbers find them by key. Rows written
before all this are migrated. Runs on both databases."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Answer, Todo, TodoKind
from followthrough.followups import actions as followups
from followthrough.followups.models import Failure, FollowUp, Kind, State
from followthrough.insights import reports
from followthrough.lib import shortdates
from followthrough.metrics import actions as metrics
from followthrough.metrics.models import DEFAULT_METRICS, Entry, EntrySource, Metric, normalize
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Stage
from tests.conftest import PASSWORD, World, make_member
from tests.test_i18n import SESSION_DAY, finish_with_one_commitment, speaks

SPANISH_DEFAULTS = [
    "Llamadas hechas",
    "Conversaciones",
    "Referidos pedidos",
    "Referidos recibidos",
    "Reuniones agendadas",
    "Propuestas enviadas",
    "Ventas cerradas",
    "Ingresos",
]
TODAY = dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC)


def todos_page(world: World, key: str) -> str:
    response = world.client(key).get(reverse("todos", args=["acme"]))
    assert response.status_code == 200
    return response.text


# To-dos the app writes ------------------------------------------------------------------------


def test_a_todo_written_in_english_reads_in_the_readers_language(world: World) -> None:
    with translation.override("en"), time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
    [todo] = Todo.objects.filter(kind=TodoKind.FOLLOW_UP)
    step = "Call 10 past clients and ask each for 3 referrals"
    # Kept as a kind and its parameters; the English text only for rows without them.
    assert todo.params == {"name": "Rep", "text": step}
    assert todo.text == f"Follow up with Rep: {step}"
    speaks(world, "coach", "es")
    text = todos_page(world, "coach")
    assert f"Hacer seguimiento con Rep: {step}" in text
    assert "Follow up with" not in text

    with translation.override("en"), time_machine.travel(SESSION_DAY + dt.timedelta(days=1)):
        coaching.record_response(commitment, answer=Answer.TALK, by=world.user("rep"))
    talk = Todo.objects.get(kind=TodoKind.BOOK_TALK)
    assert talk.text == f"Book a talk with Rep: {step}"
    text = todos_page(world, "coach")
    assert f"Agendar una conversación con Rep: {step}" in text
    assert "Book a talk" not in text
    # Another reader of the same rows reads them in English.
    speaks(world, "coach", "en")
    assert f"Book a talk with Rep: {step}" in todos_page(world, "coach")


def test_a_confidence_drop_todo_reads_in_the_readers_language(world: World) -> None:
    rep = world.members["rep"]
    speaks(world, "coach", "es")  # written while the coach reads Spanish: stored the same
    with time_machine.travel(TODAY, tick=False) as clock:
        metrics.rate_confidence(rep, 4)
        clock.shift(dt.timedelta(days=2))
        metrics.rate_confidence(rep, 2)
        todo = Todo.objects.get(kind=TodoKind.TALK)
        assert todo.params == {"name": "Rep", "before": 4, "after": 2}
        assert todo.text == "Talk to Rep: confidence fell from 4 to 2 of 5"
        assert "Habla con Rep: su confianza bajó de 4 a 2 de 5" in todos_page(world, "coach")
        speaks(world, "coach", "en")
        assert "Talk to Rep: confidence fell from 4 to 2 of 5" in todos_page(world, "coach")


def test_a_persons_own_todo_is_their_words(world: World) -> None:
    todo = coaching.add_todo(world.members["coach"], text="Follow up with %(name)s")
    assert (todo.kind, todo.params) == (TodoKind.OWN, {})
    with translation.override("es"):
        assert todo.words == "Follow up with %(name)s"


# A follow-up's failure ------------------------------------------------------------------------


def failed(world: World, **fields: object) -> FollowUp:
    row = followups.schedule(
        kind=Kind.NOTICE,
        template="answer_received",
        to_email="rep@example.org",
        recipient=world.user("rep"),
        workspace=world.workspace,
        send_at=TODAY,
    )
    FollowUp.objects.filter(pk=row.pk).update(state=State.FAILED, attempts=12, **fields)
    row.refresh_from_db()
    return row


def test_a_failure_reads_in_the_readers_language_and_keeps_the_raw_error(world: World) -> None:
    row = failed(
        world,
        last_error="421 4.7.0 Try again later",
        error_code=Failure.GAVE_UP,
        error_params={"attempts": 12, "hours": 72.0},
    )
    speaks(world, "admin", "es")
    admin = world.client("admin")
    outbox = admin.get(reverse("outbox", args=["acme"]) + "?state=failed").text
    assert "Se dejó de intentar tras 12 intentos en 72 horas." in outbox
    assert "421 4.7.0 Try again later" in outbox
    detail = admin.get(reverse("followup_detail", args=["acme", row.pk])).text
    assert "No se entregó." in detail
    assert "Se dejó de intentar tras 12 intentos en 72 horas." in detail
    assert "421 4.7.0 Try again later" in detail
    assert "Gave up" not in detail
    speaks(world, "admin", "en")
    outbox = admin.get(reverse("outbox", args=["acme"]) + "?state=failed").text
    assert "Gave up after 12 tries in 72 hours." in outbox


@pytest.mark.parametrize(
    ("code", "spanish"),
    [
        (Failure.BUILD, "No se pudo armar el mensaje."),
        (Failure.REFUSED, "El servidor de correo lo rechazó."),
        (Failure.ERROR, "El envío falló por un error inesperado."),
    ],
)
def test_each_failure_has_its_spanish(world: World, code: Failure, spanish: str) -> None:
    row = failed(world, last_error="raw words", error_code=code)
    with translation.override("es"):
        assert row.failure_note == spanish
    with translation.override("en"):
        assert row.failure_note == str(code.label)


def test_retrying_clears_the_failure(world: World) -> None:
    row = failed(world, last_error="550 no", error_code=Failure.REFUSED)
    followups.retry(row)
    row.refresh_from_db()
    assert (row.state, row.last_error, row.error_code, row.failure_note) == (
        State.SCHEDULED,
        "",
        "",
        "",
    )


def test_mail_flowing_again_dates_the_wait_in_the_admins_language(world: World) -> None:
    speaks(world, "admin", "es")
    since = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)  # a Monday
    assert followups.tell_admins_mail_flows_again(world.workspace.pk, since) == 1
    notice = FollowUp.objects.get(template="mail_flows_again")
    body = str(notice.build_message().body)
    with translation.override("es"):
        spanish = shortdates.short(since, "D j M, H:i")
    assert spanish == "lun 2 mar, 14:00"
    assert spanish in body
    assert "Mon 2 Mar" not in body


# Metric names per language --------------------------------------------------------------------


def spanish_workspace() -> tuple[Workspace, dict[str, Membership]]:
    """A workspace made by someone who reads Spanish, with a coach and a rep."""
    owner = User.objects.create_user("ana@example.org", PASSWORD, name="Ana")
    Profile.objects.filter(user=owner).update(language="es")
    owner.refresh_from_db()
    workspace = accounts.create_workspace(owner, "Seguros del Sur")
    members = {
        "admin": Membership.objects.get(workspace=workspace, user=owner),
        "coach": make_member(workspace, "coach_es", Role.COACH),
        "rep": make_member(workspace, "rep_es", Role.REP),
    }
    accounts.set_relationships(members["rep"], [members["coach"]], [])
    return workspace, members


def test_a_spanish_workspace_gets_its_default_metrics_in_spanish(db: object) -> None:
    workspace, _ = spanish_workspace()
    assert workspace.language == "es"
    defaults = list(Metric.of(workspace))
    assert [m.name for m in defaults] == SPANISH_DEFAULTS
    assert [m.key for m in defaults] == [d.key for d in DEFAULT_METRICS]
    calls = defaults[0]
    assert (calls.unit, calls.aliases[:2]) == ("llamadas", ["llamadas", "llamada"])
    assert "calls" in calls.aliases  # the other languages' other names too
    # Someone who reads English sees the English names.
    with translation.override("en"):
        assert [m.label for m in defaults][:2] == ["Calls made", "Conversations"]
    with translation.override("es"):
        assert defaults[0].label == "Llamadas hechas"
    with translation.override("es"):
        assert calls.unit_for(1) == "llamada"
        assert defaults[4].unit_for(1) == "reunión"
    # The default units are worded for the reader, as the names are.
    with translation.override("en"):
        assert (calls.unit_for(1), defaults[4].unit_for(2)) == ("call", "meetings")


def test_the_default_metrics_share_no_name_across_languages() -> None:
    """Each name or other name, in any language, points to one default metric only."""
    owners: dict[str, str] = {}
    for default in DEFAULT_METRICS:
        for name, _unit, aliases in default.words.values():
            for word in {normalize(w) for w in (name, *aliases)}:
                assert owners.setdefault(word, default.key) == default.key, word


def test_an_english_workspace_still_gets_english_defaults(world: World) -> None:
    names = [m.name for m in Metric.of(world.workspace)]
    assert names[:2] == ["Calls made", "Conversations"]
    assert Metric.objects.get(workspace=world.workspace, key="revenue").translated_names == {
        "es": "Ingresos"
    }


def test_an_admin_sets_the_workspaces_language(world: World) -> None:
    admin = world.client("admin")
    url = reverse("workspace_settings", args=["acme"])
    assert 'name="language"' in admin.get(url).text
    form = {
        "name": "Acme Insurance",
        "country": "",
        "checkin_working_days": 2,
        "checkin_time": "09:00",
        "reminder_working_days": 2,
        "language": "es",
    }
    assert admin.post(url, form).status_code == 302
    world.workspace.refresh_from_db()
    assert world.workspace.language == "es"
    assert admin.post(url, {**form, "language": "fr"}).status_code == 400


def test_won_deals_funnel_pace_and_numbers_in_a_spanish_workspace(db: object) -> None:
    workspace, members = spanish_workspace()
    rep, coach = members["rep"], members["coach"]
    with time_machine.travel(TODAY, tick=False):
        plan = coaching.create_plan(
            coach=coach,
            rep=rep,
            purpose="Mantener el puesto",
            starts_on=dt.date(2026, 10, 1),
            deadline=dt.date(2026, 11, 30),
            target_metric="ingresos",
            target_low=14000,
            target_high=16000,
            target_unit="USD",
        )
        opportunity = pipeline.create_opportunity(
            rep, by=rep.user, account="Harlow", value=Decimal(4200), stage=Stage.NEGOTIATION
        )
        pipeline.move_opportunity(opportunity, Stage.WON, by=rep.user)
        counted = {e.metric.name: e.value for e in Entry.objects.filter(source=EntrySource.DEAL)}
        assert counted == {"Ventas cerradas": 1, "Ingresos": 4200}
        assert pipeline.deal_note(opportunity) == ""

        # The plan's target, typed in Spanish, is the revenue metric: its pace counts the deal.
        [paced] = reports.plan_paces(rep, [plan], TODAY.date())
        assert paced.metric is not None and paced.metric.key == "revenue"
        assert paced.pace is not None and sum(paced.daily.values()) == 4200

        # The funnel finds its steps by key, whatever the names.
        by_name = Metric.by_name(workspace)
        steps = [(base.key, done.key) for _l, _w, base, done in reports.funnel_metrics(by_name)]
        assert steps == [
            ("referrals_asked", "referrals_received"),
            ("calls_made", "meetings_booked"),
            ("meetings_booked", "deals_won"),
        ]

        # A measure in Spanish counts in its metric.
        session = coaching.schedule_session(plan, TODAY, by=coach.user)
        commitment = coaching.add_commitment(
            session,
            owner=rep,
            text="Llamar a diez clientes",
            due_on=dt.date(2026, 11, 6),
            measures=[{"name": "llamadas", "target": 10}, {"name": "citas", "target": 2}],
            by=coach.user,
        )
        coaching.record_response(
            commitment, answer=Answer.DONE, numbers={"llamadas": 7, "citas": 1}, by=rep.user
        )
        numbers = {e.metric.key: e.value for e in Entry.objects.filter(source=EntrySource.CHECKIN)}
        assert numbers == {"calls_made": 7, "meetings_booked": 1}


def test_a_renamed_default_metric_is_still_found_by_its_key(world: World) -> None:
    Metric.of(world.workspace)
    Metric.objects.filter(workspace=world.workspace, key="deals_won").update(name="Closed")
    deals = pipeline.DealMetrics.of(world.workspace).deals
    assert deals is not None and deals.name == "Closed"


def test_an_admin_gives_a_metric_its_spanish_name(world: World) -> None:
    deals = Metric.of(world.workspace).get(key="deals_won")
    url = reverse("metric_edit", args=["acme", deals.pk])
    admin = world.client("admin")
    form = admin.get(url).text
    assert "Name in Spanish" in form and 'value="Ventas cerradas"' in form
    fields = {"name": "Deals won", "unit": "deals", "kind": "result", "position": 6}
    assert admin.post(url, {**fields, "name_es": "Negocios ganados"}).status_code == 302
    deals.refresh_from_db()
    assert (deals.name, deals.translated_names) == ("Deals won", {"es": "Negocios ganados"})
    # A Spanish reader sees it; an English one the name.
    speaks(world, "rep", "es")
    assert "Negocios ganados" in world.client("rep").get(reverse("day_log", args=["acme"])).text
    assert "Deals won" in world.client("admin").get(reverse("metrics", args=["acme"])).text
    # It answers to it: a measure may use it.
    assert Metric.by_name(world.workspace)["negocios ganados"] == deals
    # Another metric's name is refused, in the admin's language.
    refused = admin.post(url, {**fields, "name_es": "Ingresos"})
    assert refused.status_code == 400
    assert "“Revenue” already answers to this name." in refused.text
    # Left blank, the Spanish name goes: Spanish readers read the name.
    assert admin.post(url, fields).status_code == 302
    deals.refresh_from_db()
    assert deals.translated_names == {}
    with translation.override("es"):
        assert deals.label == "Deals won"


# Rows written before --------------------------------------------------------------------------

BEFORE = [
    ("accounts", "0003_membership_today_seen_at_workspace_checkin_time_and_more"),
    ("coaching", "0003_sharing_and_replies"),
    ("followups", "0004_kind_registered_by_apps"),
    ("metrics", "0001_tables_from_progress"),
]


def migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def write_old_rows(executor: MigrationExecutor) -> dict[str, int]:
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("accounts", "User").objects.create(email="coach@example.com", name="C")
    workspace = apps.get_model("accounts", "Workspace").objects.create(name="Acme", slug="acme")
    coach = apps.get_model("accounts", "Membership").objects.create(
        workspace=workspace, user=user, role="coach"
    )
    todo = apps.get_model("coaching", "Todo").objects
    ids = {
        "follow_up": todo.create(
            workspace=workspace,
            owner=coach,
            kind="follow_up",
            text="Follow up with Alejandro: Call 10 past clients",
        ).pk,
        "talk_en": todo.create(
            workspace=workspace,
            owner=coach,
            text="Talk to Alejandro: confidence fell from 4 to 2 of 5",
        ).pk,
        "talk_es": todo.create(
            workspace=workspace,
            owner=coach,
            text="Habla con Alejandro: su confianza bajó de 5 a 3 de 5",
        ).pk,
        "own": todo.create(workspace=workspace, owner=coach, text="Call my mother").pk,
    }
    followup = apps.get_model("followups", "FollowUp").objects
    for key, state, error in [
        ("gave_up", "failed", "Gave up after 12 attempts in 72 hours. Last error: 421 busy"),
        ("build", "failed", "Could not build the message: TemplateDoesNotExist: x"),
        ("refused", "failed", "550 5.1.1 <a@example.org>: no such user"),
        ("error", "failed", "RuntimeError: boom"),
        ("temporary", "scheduled", "ConnectionRefusedError: [Errno 111] refused"),
    ]:
        ids[key] = followup.create(
            kind="notice",
            workspace=workspace,
            to_email="a@example.org",
            template="answer_received",
            send_at=timezone.now(),
            state=state,
            last_error=error,
        ).pk
    metric = apps.get_model("metrics", "Metric").objects
    for name, aliases in [
        ("Calls made", ["calls", "dials"]),
        ("Deals won", ["deals", "sales"]),
        ("Referrals received", ["referrals"]),
        ("Referidos", []),  # made by hand: keeps "referidos" for itself
        ("Revenue", []),
    ]:
        ids[name] = metric.create(workspace=workspace, name=name, aliases=aliases).pk
    return ids


@pytest.mark.django_db(transaction=True)
def test_old_rows_migrate() -> None:
    try:
        ids = write_old_rows(migrate(BEFORE))
        migrate()
        ContentType.objects.clear_cache()

        todos = {key: Todo.objects.get(pk=ids[key]) for key in ("follow_up", "talk_en", "talk_es")}
        assert todos["follow_up"].params == {"name": "Alejandro", "text": "Call 10 past clients"}
        assert (todos["talk_en"].kind, todos["talk_en"].params) == (
            TodoKind.TALK,
            {"name": "Alejandro", "before": 4, "after": 2},
        )
        assert todos["talk_es"].params == {"name": "Alejandro", "before": 5, "after": 3}
        own = Todo.objects.get(pk=ids["own"])
        assert (own.kind, own.params) == (TodoKind.OWN, {})
        with translation.override("es"):
            assert (
                todos["follow_up"].words == "Hacer seguimiento con Alejandro: Call 10 past clients"
            )
            assert todos["talk_es"].words == "Habla con Alejandro: su confianza bajó de 5 a 3 de 5"
        with translation.override("en"):
            assert todos["talk_es"].words == "Talk to Alejandro: confidence fell from 5 to 3 of 5"
            assert own.words == "Call my mother"

        # Failures added after that migration (suppressed, undeliverable) have no old rows.
        rows = {key: FollowUp.objects.get(pk=ids[key]) for key in Failure.values if key in ids}
        assert (rows["gave_up"].last_error, rows["gave_up"].error_params) == (
            "421 busy",
            {"attempts": 12, "hours": 72.0},
        )
        assert rows["build"].last_error == "TemplateDoesNotExist: x"
        assert rows["refused"].last_error == "550 5.1.1 <a@example.org>: no such user"
        assert {key: row.error_code for key, row in rows.items()} == {key: key for key in rows}
        assert set(rows) >= {"build", "refused", "error", "temporary", "gave_up"}
        with translation.override("es"):
            assert rows["gave_up"].failure_note == (
                "Se dejó de intentar tras 12 intentos en 72 horas."
            )

        metrics_ = {name: Metric.objects.get(pk=ids[name]) for name in ids if name[0].isupper()}
        keys = {name: m.key for name, m in metrics_.items()}
        assert keys == {
            "Calls made": "calls_made",
            "Deals won": "deals_won",
            "Referrals received": "referrals_received",
            "Referidos": "",
            "Revenue": "revenue",
        }
        calls = metrics_["Calls made"]
        assert calls.translated_names == {"es": "Llamadas hechas"}
        assert calls.aliases == ["calls", "dials", "llamadas", "llamada"]
        # A Spanish other name another metric already answers to is left to it.
        assert "referidos" not in metrics_["Referrals received"].aliases
        by_name = Metric.by_name(Workspace.objects.get(slug="acme"))
        assert by_name["referidos"] == metrics_["Referidos"]
        assert by_name["ventas"] == metrics_["Deals won"]
        with translation.override("es"):
            assert metrics_["Revenue"].label == "Ingresos"
    finally:
        migrate()


def test_an_old_todo_whose_step_holds_a_colon() -> None:
    """Without its commitment, the name ends at the first colon; the step keeps the rest."""
    module = importlib.import_module("followthrough.coaching.migrations.0004_todo_params")

    class Row:
        commitment_id = None
        kind = "follow_up"
        text = "Follow up with Ana: the plan: call 5"

    assert module.params_of(Row()) == ("follow_up", {"name": "Ana", "text": "the plan: call 5"})


def test_a_default_unit_reads_in_the_readers_language_and_a_typed_one_stays(world: World) -> None:
    calls = Metric.of(world.workspace).get(key="calls_made")
    assert calls.unit == "calls"  # an English workspace
    with translation.override("es"):
        assert (calls.unit_label, calls.unit_for(1), calls.unit_for(2)) == (
            "llamadas",
            "llamada",
            "llamadas",
        )
    with translation.override("en"):
        assert calls.unit_for(1) == "call"
    Metric.objects.filter(pk=calls.pk).update(unit="dials")  # typed by an admin: theirs
    calls.refresh_from_db()
    with translation.override("es"):
        assert calls.unit_label == "dials"
