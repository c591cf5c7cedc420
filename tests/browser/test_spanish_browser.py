"""Story 001 in a real browser: Alejandro reads Spanish. His check-in email and the page its
link opens are in Spanish; he answers there; Morgan, who reads English, finds the answer on
Today in English, around Alejandro's own Spanish words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Profile, Role, Workspace
from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Response
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, Kind
from tests.browser.conftest import NewContext
from tests.browser.test_coaching_browser import COACH, COACH_ZONE, person
from tests.browser.test_shell import heading, log_in, main_nav
from tests.conftest import PASSWORD, Inbox, dispatch, text_body

pytestmark = pytest.mark.browser

ALEJANDRO = "alejandro@example.net"
STEP = "Llamar a 10 clientes y pedir 3 referidos a cada uno"
COMMENT = "Llamé a cinco; dos estaban de vacaciones."


@pytest.fixture
def alejandros_step(transactional_db: None) -> Commitment:
    """Morgan coaches Alejandro (Buenos Aires, Spanish); one step agreed in a finished session."""
    workspace = Workspace.objects.create(name="Seguros del Sur", slug="seguros", country="AR")
    morgan = Membership.objects.create(
        workspace=workspace, user=person(COACH, "Morgan Reyes", str(COACH_ZONE)), role=Role.COACH
    )
    alejandro = Membership.objects.create(
        workspace=workspace,
        user=person(ALEJANDRO, "Alejandro Ruiz", "America/Argentina/Buenos_Aires"),
        role=Role.REP,
    )
    Profile.objects.filter(user=alejandro.user).update(language="es", country="AR")
    set_relationships(alejandro, [morgan], [])
    today = dt.datetime.now(COACH_ZONE).date()
    plan = actions.create_plan(
        coach=morgan,
        rep=alejandro,
        purpose="Referidos de clientes anteriores",
        starts_on=today,
        deadline=today + dt.timedelta(days=30),
    )
    session = actions.schedule_session(plan, timezone.now() - dt.timedelta(hours=1), by=morgan.user)
    step = actions.add_commitment(
        session,
        owner=alejandro,
        text=STEP,
        due_on=today,
        measures=[{"name": "llamadas", "target": 10}],
        by=morgan.user,
    )
    actions.finish_session(session, by=morgan.user)
    return step


def test_alejandro_answers_in_spanish_and_morgan_reads_it_in_english(
    new_context: NewContext,
    live_server: LiveServer,
    smtp_server: Inbox,
    screenshot_dir: Path,
    alejandros_step: Commitment,
) -> None:
    checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
    followups.send_now(checkin)
    dispatch()
    [email] = [
        m for m in smtp_server.wait_for(2) if m["To"] == ALEJANDRO and STEP in str(m["Subject"])
    ]
    assert str(email["Subject"]) == f"¿Cómo te fue? {STEP}"
    links = dict(re.findall(r"^\s+([^:\n]+): (http\S+)\r?$", text_body(email), re.MULTILINE))
    assert set(links) >= {"Hecho", "En parte", "Todavía no", "Hablemos"}

    morgan = new_context().new_page()  # at work before Alejandro answers
    log_in(morgan, email=COACH, password=PASSWORD)
    expect(heading(morgan)).to_have_text("Today")

    page = new_context().new_page()
    page.goto(live_server.url + links["En parte"].removeprefix(settings.BASE_URL))
    expect(heading(page)).to_have_text("¿Cómo te fue?")
    expect(page.get_by_role("radio", name="En parte")).to_be_checked()
    page.get_by_label(re.compile("^llamadas")).fill("5")
    page.get_by_label("Comentario", exact=True).fill(COMMENT)
    page.screenshot(path=screenshot_dir / "21-checkin-es.png", full_page=True)
    page.get_by_role("button", name="Enviar").click()
    expect(heading(page)).to_have_text("Gracias, Alejandro.")
    response = Response.objects.get(commitment=alejandros_step)
    assert (response.answer, response.numbers, response.comment) == (
        "partly",
        {"llamadas": 5},
        COMMENT,
    )

    main_nav(morgan).get_by_role("link", name="Today").click()
    answers = morgan.get_by_role("region", name=re.compile(r"^Answers"))
    answer = answers.get_by_role("listitem").filter(has_text=STEP)
    expect(answer.locator(".badge")).to_have_text("Partly")
    expect(answer.locator("blockquote")).to_have_text(COMMENT)
