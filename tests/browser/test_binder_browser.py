"""The praise binder in a real browser: Linda shortens and approves a client's quote, shares
Derek's binder with the executives, and an executive opens the link without an account.
Screenshots go to SCREENSHOT_DIR."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.clients import binder
from followthrough.clients.binder_models import BinderShare
from followthrough.clients.models import (
    CheckInState,
    ClientCheckIn,
    Contact,
    Credit,
    QuoteState,
)
from followthrough.pipeline.models import Opportunity, Stage
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

COMMENT = (
    "Derek understood our scheduling mess better than we did. The rollout was on time, and "
    "he still checks in."
)
SHORT = "Derek understood our scheduling mess better than we did. … he still checks in."


@pytest.fixture
def candidate(transactional_db: None) -> ClientCheckIn:
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")
    people = {}
    for email, name, role in [
        ("derek@example.net", "Derek Vance", Role.REP),
        ("linda@example.net", "Linda Sorensen", Role.COACH),
    ]:
        user = User.objects.create_user(email, PASSWORD, name=name)
        Profile.objects.filter(user=user).update(time_zone="America/Chicago", country="US")
        people[email] = Membership.objects.create(workspace=workspace, user=user, role=role)
    derek = people["derek@example.net"]
    set_relationships(derek, [people["linda@example.net"]], [])
    now = timezone.now()
    deal = Opportunity.objects.create(
        workspace=workspace,
        owner=derek,
        account="Hennepin Orthopedics",
        stage=Stage.WON,
        closed_on=now.date(),
    )
    contact = Contact.objects.create(
        workspace=workspace,
        name="Carla Weiss",
        email="carla@hennepin.example",
        company="Hennepin Orthopedics",
    )
    return ClientCheckIn.objects.create(
        workspace=workspace,
        contact=contact,
        opportunity=deal,
        rep=derek,
        state=CheckInState.ANSWERED,
        score=10,
        comment=COMMENT,
        answered_at=now,
        credit=Credit.FULL,
        consent_at=now,
        consent_wording=COMMENT,
        quote_state=QuoteState.CANDIDATE,
    )


def test_linda_approves_a_quote_and_shares_dereks_binder(
    new_context: NewContext, screenshot_dir: Path, candidate: ClientCheckIn
) -> None:
    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    linda = new_context().new_page()
    log_in(linda, email="linda@example.net", password=PASSWORD)
    linda.goto("/w/brightline/quotes/")
    expect(heading(linda)).to_have_text("Quotes to review")
    review = linda.locator(".quote-review")
    expect(review).to_contain_text("Hennepin Orthopedics · 10/10")
    # A reworded quote is refused, with the reason; the client's words cut short are kept.
    review.get_by_label("The quote, as it will read").fill("Derek is simply the best.")
    review.get_by_role("button", name="Approve").click()
    expect(linda.locator(".messages")).to_contain_text("client's own words")
    linda.locator(".quote-review").get_by_label("The quote, as it will read").fill(SHORT)
    shot(linda, "binder-review")
    linda.locator(".quote-review").get_by_role("button", name="Approve").click()
    expect(linda.locator(".messages")).to_contain_text("Quote approved")
    candidate.refresh_from_db()
    assert (candidate.quote_state, candidate.quote_text) == (QuoteState.APPROVED, SHORT)

    linda.goto(f"/w/brightline/binder/rep/{candidate.rep_id}/")
    expect(heading(linda)).to_have_text("Praise for Derek Vance")
    expect(linda.locator(".binder")).to_contain_text(SHORT)
    expect(linda.locator(".binder")).to_contain_text("— Carla Weiss, Hennepin Orthopedics")
    linda.get_by_label("For whom").fill("Senior executive team")
    linda.get_by_role("button", name="Make a link").click()
    link = linda.get_by_label("Link", exact=True)
    expect(link).to_be_visible()
    shot(linda, "binder-shared")
    url = link.input_value()
    share = BinderShare.objects.get()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert binder.open_share(token) == share

    executive = new_context().new_page()  # no account, no cookie
    executive.goto(url[url.index("/binder/") :])
    expect(heading(executive)).to_have_text("Praise for Derek Vance")
    expect(executive.locator(".binder")).to_contain_text(SHORT)
    expect(executive.locator(".binder")).not_to_contain_text("The rollout was on time")
    shot(executive, "binder-executive")
