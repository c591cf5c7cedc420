"""Issue 11, done when: every page with a Spanish profile has no English sentence of the
templates left, and every email in Spanish neither.

The walk goes through every row of the permission matrix (tests/permission_matrix.py) as each
visitor, in a world where everybody reads Spanish and that has something on every page (a plan
with answered, missed and open commitments, replies, to-dos, figures, a confidence drop, won
and lost deals, a failed follow-up, an invitation, a weekly update, a note in the rep's thread,
a booked review, clients who answered: a complaint and a quote). The world is built once for
the module (see `furnished`). A page that answers 200, a refusal (403,
404) and the page a successful form lands on (with its message) are each read as a person
would read them, and none may carry an English msgid of the Spanish catalogue, nor a plainly
English sentence that no msgid knows (a string nobody marked); tests/english_left.py says what
counts. Text people wrote is theirs and is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Profile, User
from followthrough.clients import actions as clients
from followthrough.clients import binder as binders
from followthrough.clients.binder_models import BinderShare
from followthrough.clients.models import ClientCheckIn, ClientSettings, Contact, Credit
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Commitment, Plan, Reply, Response, Todo, TodoKind
from followthrough.digests import actions as digests
from followthrough.followups import actions as followups
from followthrough.followups.models import Failure, FollowUp, Kind, State
from followthrough.metrics import actions as metrics
from followthrough.metrics.models import ImportRun, Metric
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from followthrough.programs import actions as program_actions
from followthrough.programs import adoption_digest
from followthrough.programs.models import Cohort, Program, ProgramSession
from followthrough.sync import actions as sync
from followthrough.sync.models import Note, Review
from followthrough.updates import actions as updates
from followthrough.updates.models import WeeklyUpdate
from tests import programs_helpers, rubrics_helpers
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import World, dispatch, make_world, run_tasks
from tests.english_left import english_left, pieces_of_html, pieces_of_text
from tests.permission_matrix import LOGIN, ROWS, VISITORS, Row

EMAILS = Path(__file__).resolve().parent.parent / "followthrough" / "templates" / "emails"
NOW = dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in New York
NAMES = {
    "admin": "Morgan Reyes",
    "coach": "Gustavo Paz",
    "rep": "Alejandro Ruiz",
    "other_rep": "Bob Stone",
    "stakeholder": "Karen Lee",
    "outsider": "Olga Ferro",
}
# What the builders of the matrix and this world write: people's words, not the app's.
WRITTEN = (
    "How did it go?",  # the subject of tests.builders.followup_to's notice
    "Private to the rep and coach.",
)


def furnish(world: World) -> None:
    """Everybody reads Spanish; every page has something to show."""
    for key, name in NAMES.items():
        User.objects.filter(pk=world.user(key).pk).update(name=name)
        world.user(key).name = name
    Profile.objects.update(language="es")
    for key in NAMES:
        world.user(key).profile.refresh_from_db()
        live_in(world, key, NEW_YORK)
    coach, rep = world.members["coach"], world.members["rep"]
    plan = coaching.create_plan(
        coach=coach,
        rep=rep,
        purpose="Conservar el puesto: 60 días",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 31),
        target_metric="revenue",
        target_low=14000,
        target_high=16000,
        target_unit="USD",
        why="Quiero quedarme",
    )
    held = coaching.schedule_session(plan, NOW - dt.timedelta(days=10), by=coach.user, invite=True)
    due = (NOW - dt.timedelta(days=5)).date()
    kept, missed, partly = (
        coaching.add_commitment(
            held, owner=rep, text=text, due_on=due, measures=measures, by=coach.user
        )
        for text, measures in [
            ("Llamar a diez clientes", [{"name": "calls", "target": 10}]),
            ("Pedir referidos", None),
            ("Preparar la propuesta", None),
        ]
    )
    coaching.save_notes(held, summary="Buen avance", private_notes="Notas privadas", by=coach.user)
    coaching.finish_session(held, by=coach.user, next_starts_at=NOW + dt.timedelta(days=3))
    answer = coaching.record_response(
        kept, answer="done", numbers={"calls": 10}, comment="Llamé a diez", confidence=4
    )
    coaching.reply_to_answer(answer, author=coach, text="¡Bien hecho!")
    coaching.record_response(
        partly, answer="not_yet", new_due_on=(NOW + dt.timedelta(days=4)).date(), comment="Falta"
    )
    coaching.record_outcome(missed, state="missed", note="No alcanzó", by=coach.user)
    coaching.add_todo(coach, text="Llamar a Alejandro", due_on=NOW.date())
    metrics.rate_confidence(rep, 2)  # a fall of two: the coach is told
    calls = Metric.of(world.workspace).get(name="Calls made")
    metrics.log_day(rep, NOW.date(), {calls: Decimal(7)}, by=rep.user)
    won = pipeline.create_opportunity(rep, by=rep.user, account="Seguros Paz", value=Decimal(5000))
    unhappy, happy = (client_on(world, won, name, email) for name, email in CLIENTS)
    pipeline.move_opportunity(won, Stage.WON, by=rep.user)
    # The clients answer from their page before their check-in goes: a complaint (a callback
    # to-do, the complaint emails) and a 10 with words they let be quoted (a thank-you).
    clients.record_answer(checkin_of(unhappy), score=3, comment="Nadie me llamó", language="es")
    praised = clients.record_answer(
        checkin_of(happy), score=10, comment="Muy atento", language="es"
    )
    with translation.override("es"):  # the words agreed to are kept as their page showed them
        clients.record_consent(praised, credit=Credit.FIRST)
    # The quote goes in the rep's binder, shared with a link.
    binders.approve_quote(praised, by=coach.user)
    binders.share("rep", rep, by=coach, days=30, note="Para el director")
    digests.ensure_subscriptions(world.workspace.pk)  # the coach's and the stakeholder's digest
    lost = pipeline.create_opportunity(rep, by=rep.user, account="Casa Norte", value=Decimal(900))
    pipeline.move_opportunity(lost, Stage.LOST, by=rep.user)
    accounts.invite(world.workspace, world.user("admin"), "nina@example.org", "rep")
    # Last week's update, shared; this week's is still to ask for (the walk of emails asks).
    updates.write_update(
        rep,
        NOW.date() - dt.timedelta(days=7),
        wins="Dos pólizas",
        next_steps="Más referidos",
        help_needed="Un guion",
        confidence=3,
        share=True,
        by=rep.user,
    )
    # The thread on the rep (the others are told by email) and a review the manager books
    # (the coaches are told; the brief goes the working day before).
    sync.write_note(rep, author=coach, text="Va mejor con los referidos", for_manager=True)
    sync.book_review(
        rep, manager=world.members["stakeholder"], starts_at=NOW + dt.timedelta(days=8)
    )
    failed = FollowUp.objects.filter(state=State.SCHEDULED, kind=Kind.REMINDER).last()
    assert failed is not None
    FollowUp.objects.filter(pk=failed.pk).update(
        state=State.FAILED,
        last_error="550 mailbox unavailable",
        error_code=Failure.GAVE_UP,
        error_params={"attempts": 3, "hours": 2.5},
    )


CLIENTS = [("Lucía Gómez", "lucia@cliente.example"), ("Pedro Luna", "pedro@cliente.example")]


def client_on(world: World, deal: Opportunity, name: str, email: str) -> Contact:
    """A client who reads Spanish, named on `deal` by the rep."""
    contact = clients.create_contact(
        world.workspace.pk,
        by=world.user("rep"),
        name=name,
        email=email,
        company="Seguros Paz",
        time_zone="America/Mexico_City",
        language="es",
    )
    clients.add_contact_to_deal(deal, contact, by=world.user("rep"))
    return contact


def checkin_of(contact: Contact) -> ClientCheckIn:
    return ClientCheckIn.objects.get(contact=contact)


def written_by_people() -> tuple[str, ...]:
    """What people or the builders wrote, in whatever language they wrote it. Not the words
    the app writes and words when read, which the walk checks: the metrics' names in the
    reader's language (Metric.label; only a metric people named with no Spanish name is
    theirs), the to-dos the app writes (Todo.words; a person's own to-do is theirs), and why a
    message failed (FollowUp.failure_note; the mail server's own words stay its own)."""
    own_metrics = Metric.objects.exclude(translated_names__has_key="es").filter(key="")
    return (
        *WRITTEN,
        *own_metrics.values_list("name", flat=True),
        *own_metrics.exclude(unit="").values_list("unit", flat=True),
        *Todo.objects.filter(kind=TodoKind.OWN).values_list("text", flat=True),
        *FollowUp.objects.exclude(last_error="").values_list("last_error", flat=True),
        *Commitment.objects.values_list("text", flat=True),
        *Plan.objects.values_list("purpose", flat=True),
        *Opportunity.objects.values_list("account", flat=True),
        *Opportunity.objects.exclude(next_step="").values_list("next_step", flat=True),
        *Response.objects.exclude(comment="").values_list("comment", flat=True),
        *Reply.objects.values_list("text", flat=True),
        *Contact.objects.values_list("name", flat=True),
        *Contact.objects.values_list("company", flat=True),
        *ClientCheckIn.objects.exclude(comment="").values_list("comment", flat=True),
        *ClientCheckIn.objects.exclude(quote_text="").values_list("quote_text", flat=True),
        *BinderShare.objects.exclude(note="").values_list("note", flat=True),
        *Note.objects.values_list("text", flat=True),
        *Review.objects.exclude(location="").values_list("location", flat=True),
        *Program.objects.values_list("name", flat=True),
        *Program.objects.exclude(goal="").values_list("goal", flat=True),
        *(topic for topics in Program.objects.values_list("topics", flat=True) for topic in topics),
        *Cohort.objects.values_list("name", flat=True),
        *ProgramSession.objects.exclude(debrief="").values_list("debrief", flat=True),
        *(
            text
            for texts in WeeklyUpdate.objects.values_list("wins", "next_steps", "help_needed")
            for text in texts
            if text
        ),
    )


def read(response: object) -> list[str]:
    content_type = response["Content-Type"]  # type: ignore[index]
    body = response.content.decode()  # type: ignore[attr-defined]
    if "text/html" in content_type:
        return pieces_of_html(body)
    return pieces_of_text(body)


def walk(world: World, row: Row, visitor: str | None) -> list[str]:
    """The English left on what the visitor reads for this row: the page, the refusal, or the
    page a successful form lands on."""
    with transaction.atomic():  # each visitor finds the world as furnished
        if visitor in PROGRAM_PEOPLE:  # the cohorts' people, made as their rows make them
            programs_helpers.cast(world)
            rubrics_helpers.cohort_of(world)
            row.url(world)
            Profile.objects.update(language="es")
        client = world.client(visitor) if visitor else Client(headers={"accept-language": "es"})
        found = read_as(client, world, row, visitor)
        transaction.set_rollback(True)
    return found


def read_as(client: Client, world: World, row: Row, visitor: str | None) -> list[str]:
    url = row.url(world)
    data = row.data(world) if row.data else {}
    # The clients the row made read Spanish too (their pages speak the client's language).
    Contact.objects.update(language="es")
    with override_settings(**(row.settings or {})):
        response = client.post(url, data) if row.method == "post" else client.get(url)
    expected = row.expected[visitor]
    if expected == LOGIN:
        response = client.get(response["Location"])
    elif response.status_code in (301, 302):
        if response["Location"].startswith("/admin/"):
            return []  # Django's admin is for site admins, in Django's own catalogue
        response = client.get(response["Location"])
    if response.status_code == 405:
        return []  # a bare refusal of the method, no page
    # 202: a page saying the PDF asked for is being made (the walk runs no tasks).
    # 400: a provider's webhook refusing a forged signature (the same page as any bad request).
    assert response.status_code in (200, 202, 400, 403, 404), (visitor, response.status_code)
    if "text/html" in response["Content-Type"]:
        assert response.headers.get("Content-Language") == "es", (visitor, url)
    return [f"{visitor}: {found}" for found in english_left(read(response), written_by_people())]


@pytest.fixture(scope="module")
def furnished(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, furnished once for every row: it lives in a transaction rolled back after
    the module; each test (the `db` fixture) and each visitor (walk) roll back their own
    changes inside it, so every row finds it as furnished."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            world = make_world()
            furnish(world)
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_every_page_of_the_matrix_in_spanish(furnished: World, db: None, row: Row) -> None:
    with time_machine.travel(NOW, tick=False):
        found = [line for visitor in VISITORS for line in walk(furnished, row, visitor)]
    assert not found, "\n".join(found)


# A cohort's own people (tests/programs_helpers.py, tests/rubrics_helpers.py): the world's
# visitors above do not score a role-play, nor read a manager's own row of the adoption page,
# a peer's own scores or a calibration's spread without names.
PROGRAM_PEOPLE = ["facilitator", "manager", "peer", "sponsor"]
PROGRAM_ROWS = [row for row in ROWS if any(key in row.expected for key in PROGRAM_PEOPLE)]


@pytest.mark.parametrize("row", PROGRAM_ROWS, ids=str)
def test_the_program_pages_in_spanish_as_the_cohorts_people(
    furnished: World, db: None, row: Row
) -> None:
    with time_machine.travel(NOW, tick=False):
        found = [
            line
            for visitor in PROGRAM_PEOPLE
            if visitor in row.expected
            for line in walk(furnished, row, visitor)
        ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("scope", "key"), [("rep", "rep"), ("team", "coach")])
def test_the_binder_pdf_in_spanish(furnished: World, db: None, scope: str, key: str) -> None:
    """The binder's PDF is made by a task (its pages answer 202 meanwhile): its HTML, read as
    the PDF prints it."""
    with time_machine.travel(NOW, tick=False), translation.override("es"):
        book = binders.binder_of(scope, furnished.members[key])
        assert book.quotes, "the walk's world has a quote in the binder"
        html = render_to_string(
            "clients/binder_pdf.html",
            {
                "binder": book,
                "workspace_name": furnished.workspace.name,
                "made_on": NOW.date(),
                "LANGUAGE_CODE": "es",
            },
        )
        found = english_left(pieces_of_html(html), written_by_people())
    assert not found, "\n".join(found)


# A HubSpot export with a row of each kind the check reports: imported, not won, an unknown
# owner, another rep's, no contact, a date it cannot read.
CRM_EXPORT = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Associated Company,"
    "Associated Contact\n"
    "101,Renovación,Closed Won,2026-03-15,Alejandro Ruiz,12500,Ventas,Seguros Sol,"
    "Ana Díaz (ana@sol.example)\n"
    "102,Perdido,Closed Lost,2026-04-01,Alejandro Ruiz,900,Ventas,Initech,Ann (ann@i.example)\n"
    "103,De nadie,Closed Won,2026-04-01,Zed Unknown,900,Ventas,Initech,Ann (ann@i.example)\n"
    "104,De Bob,Closed Won,2026-04-01,Bob Stone,900,Ventas,Initech,Ann (ann@i.example)\n"
    "105,Sin contacto,Closed Won,2026-04-01,Alejandro Ruiz,900,Ventas,Initech,\n"
    "106,Mala fecha,Closed Won,pronto,Alejandro Ruiz,900,Ventas,Initech,Ann (ann@i.example)\n"
)


def test_a_crm_import_in_spanish(furnished: World, db: None) -> None:
    """The CRM import's pages past its form: a file it cannot read, the check of each row,
    and the import confirmed."""
    client = furnished.client("coach")
    url = reverse("crm_import", args=["acme"])
    data = (*written_by_people(), "Zed Unknown", "Renovación", "Perdido", "De nadie", "De Bob")
    with time_machine.travel(NOW, tick=False):
        bad = client.post(url, {"file": SimpleUploadedFile("x.csv", b"Name,Email\na,b\n")})
        assert bad.status_code == 400
        found = english_left(read(bad), data)
        with TestCase.captureOnCommitCallbacks(execute=True):
            sent = client.post(url, {"file": SimpleUploadedFile("hs.csv", CRM_EXPORT.encode())})
        assert sent.status_code == 302
        run_tasks()
        checked = client.get(sent["Location"])
        found += english_left(read(checked), data)
        run = ImportRun.objects.latest("pk")
        assert len(run.problems) == 5  # each problem is on the page checked
        with TestCase.captureOnCommitCallbacks(execute=True):
            done = client.post(reverse("import_confirm", args=["acme", run.pk]), follow=True)
        run_tasks()
        found += english_left(read(done), data)
        found += english_left(read(client.get(sent["Location"])), data)
    assert not found, "\n".join(found)


def test_the_walk_finds_english(furnished: World, db: None) -> None:
    """The check itself: an English page is caught, a Spanish one passes."""
    world = furnished
    with time_machine.travel(NOW, tick=False):
        Profile.objects.filter(user=world.user("coach")).update(language="en")
        english = world.client("coach").get(reverse("todos", args=["acme"])).text
    assert english_left(pieces_of_html(english, "en"))
    assert not english_left(pieces_of_html("<p>Hecho</p><p>Todavía no hay planes.</p>"))
    assert english_left(pieces_of_html("<p>Hecho</p><p>Done</p>")) == ["Done"]
    assert not english_left(pieces_of_html('<div lang="en"><p>Done</p></div>'))
    assert english_left(pieces_of_html('<a aria-label="Mark done">x</a>'))


# Emails ---------------------------------------------------------------------------------------


def every_email_in_spanish(world: World) -> list[FollowUp]:
    """Every email the app sends from the furnished world, sent to Spanish readers through the
    actions that send them: the session's invitation and recap, check-in and reminder, the
    answer's notice and the coach's reply, the confidence drop, an invitation, a password
    reset, "mail flows again", a bare notice, the weekly update's ask and reminder, the
    thread's notes, a review's notice and brief, a client's check-in and reminder, the
    complaint and the thank-you. Each sent row keeps its message as it went out."""
    with time_machine.travel(NOW, tick=False) as clock:
        followups.tell_admins_mail_flows_again(world.workspace.pk, NOW - dt.timedelta(hours=3))
        followups.schedule(
            kind=Kind.NOTICE,
            template="notice",
            to_email=world.user("rep").email,
            recipient=world.user("rep"),
            workspace=world.workspace,
            context={"subject": "Aviso", "text": "Texto"},
        )
        Client(headers={"accept-language": "es"}).post(
            reverse("password_reset"), {"email": world.user("rep").email}
        )
        # A client who does not answer: the check-in goes the day after the sale, then its
        # reminder.
        ClientSettings.objects.create(workspace=world.workspace, days_after_won=1)
        rep = world.members["rep"]
        deal = pipeline.create_opportunity(rep, by=rep.user, account="Vida Sur", value=Decimal(800))
        client_on(world, deal, "Marta Solís", "marta@cliente.example")
        pipeline.move_opportunity(deal, Stage.WON, by=rep.user)
        FollowUp.objects.filter(state=State.FAILED).update(state=State.SCHEDULED)
        # A cohort's invitations, a move and a cancellation, to managers who read Spanish.
        cohort = programs_helpers.cohort_of(world)
        Profile.objects.update(language="es")
        first, second = cohort.sessions.filter(number__in=[1, 2]).order_by("number")
        program_actions.move_session(first, first.starts_at + dt.timedelta(hours=1), by=rep.user)
        program_actions.cancel_session(second, by=rep.user)
        # The sponsor (the stakeholder) asked for the cohort's adoption page every Monday.
        adoption_digest.subscribe(world.members["stakeholder"], cohort, None)
        for days in range(12):
            clock.move_to(NOW + dt.timedelta(days=days))
            updates.plan_asks()  # the weekly update's ask and its reminder
            digests.plan_digests()  # Monday's weekly digests
            adoption_digest.plan_adoption_digests()  # and the cohort's adoption
            dispatch()
    return list(FollowUp.objects.filter(state=State.SENT))


def test_every_email_template_is_sent_in_spanish_with_no_english_left(
    furnished: World, db: None
) -> None:
    every = {p.name.split(".")[0] for p in EMAILS.glob("*.subject.txt")}
    sent = every_email_in_spanish(furnished)
    assert {followup.template for followup in sent} == every
    data = written_by_people()
    found = []
    for followup in sent:
        for where, pieces in [
            ("subject", [followup.subject]),
            ("text", pieces_of_text(followup.body_text)),
            ("html", pieces_of_html(followup.body_html)),
        ]:
            found += [f"{followup.template} {where}: {e}" for e in english_left(pieces, data)]
    assert not found, "\n".join(found)
