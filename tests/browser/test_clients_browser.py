"""A client answers the check-in after the sale in a real browser, and gives consent.

Derek wins a deal on its page, with its typed contact named as the client in one click; the
check-in is sent now from the outbox to a real SMTP server; the client follows the "9" link of
the email without an account, finds 9 chosen, writes a comment and sends it; "May we quote
you?" shows the exact words for each way of being named; the client chooses one. Derek's deal
page then shows the answer and the consent. Screenshots go to SCREENSHOT_DIR.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.clients.models import ClientCheckIn, QuoteState
from followthrough.followups import actions as followups
from followthrough.followups.dispatcher import Dispatcher
from followthrough.followups.models import FollowUp
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD, Inbox, dispatch, text_body

pytestmark = pytest.mark.browser

REP = "derek@example.net"
COMMENT = "Derek was there at every step of the rollout."


@pytest.fixture
def dereks_deal(transactional_db: None) -> Opportunity:
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")
    people = {}
    for email, name, role in [
        (REP, "Derek Vance", Role.REP),
        ("linda@example.net", "Linda Sorensen", Role.COACH),
    ]:
        user = User.objects.create_user(email, PASSWORD, name=name)
        Profile.objects.filter(user=user).update(time_zone="America/Chicago", country="US")
        people[email] = Membership.objects.create(workspace=workspace, user=user, role=role)
    set_relationships(people[REP], [people["linda@example.net"]], [])
    return pipeline.create_opportunity(
        people[REP],
        by=people[REP].user,
        account="Lakeshore Medical Group",
        contact_name="Helen Moy",
        contact_email="helen.moy@lakeshore.example",
        stage=Stage.NEGOTIATION,
    )


def test_a_client_answers_the_checkin_and_agrees_to_be_quoted(
    new_context: NewContext, smtp_server: Inbox, screenshot_dir: Path, dereks_deal: Opportunity
) -> None:
    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    Dispatcher(worker="web-1:4242").heartbeat(force=True)
    derek = new_context().new_page()
    log_in(derek, email=REP, password=PASSWORD)
    derek.goto(f"/w/brightline/opportunities/{dereks_deal.pk}/")
    expect(heading(derek)).to_contain_text("Lakeshore Medical Group")
    derek.get_by_role("button", name="Add Helen Moy as a client").click()
    expect(derek.locator(".deal-clients")).to_contain_text("helen.moy@lakeshore.example")
    derek.get_by_label("Move to").select_option("won")
    derek.get_by_role("button", name="Move", exact=True).click()
    expect(derek.locator(".deal-clients")).to_contain_text("Client check-in")
    shot(derek, "clients-deal-won")

    checkin = ClientCheckIn.objects.get(opportunity=dereks_deal)
    email = FollowUp.objects.about(checkin).get(kind="client_check_in")
    followups.send_now(email)
    assert dispatch().sent == 1
    message = smtp_server.wait_for(1)[0]
    assert "Linda Sorensen" in str(message["From"])
    links = dict(re.findall(r"^\s+(\d+): (\S+)\r?$", text_body(message), re.MULTILINE))
    nine = urlsplit(links["9"])

    client = new_context().new_page()  # no account, no cookie
    client.goto(f"{nine.path}?{nine.query}")
    expect(heading(client)).to_have_text("How is it going with Derek Vance?")
    expect(client.get_by_role("radio", name="9", exact=True)).to_be_checked()
    client.get_by_label("Anything you would like to tell us?").fill(COMMENT)
    shot(client, "clients-survey")
    client.get_by_role("button", name="Send my answer").click()

    expect(heading(client)).to_have_text("Thank you")
    consent = client.get_by_role("group", name="May we quote you?")
    expect(consent).to_contain_text(f"“{COMMENT}”, naming me as: Helen, Lakeshore Medical Group")
    expect(consent).to_contain_text("naming me as: H.M.")
    shot(client, "clients-consent")
    client.get_by_role("radio", name=re.compile(r"naming me as: Helen, Lakeshore")).check()
    client.get_by_role("button", name="Send").click()
    expect(client.locator("blockquote.quote")).to_contain_text(COMMENT)
    shot(client, "clients-consent-given")

    checkin.refresh_from_db()
    assert (checkin.score, checkin.comment) == (9, COMMENT)
    assert checkin.has_consent and checkin.quote_state == QuoteState.CANDIDATE
    derek.reload()
    section = derek.locator(".deal-clients")
    expect(section).to_contain_text("9/10")
    expect(section).to_contain_text("May be quoted, naming them as: Helen, Lakeshore Medical Group")
    expect(section).to_contain_text("Waiting for approval")
    shot(derek, "clients-deal-answered")
