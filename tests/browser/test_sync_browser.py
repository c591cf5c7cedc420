"""Coach and manager in sync, in a real browser on the demo data: Karen, Bob's manager and
co-coach, opens the thread from Bob's page, reads the brief of her review with Bob, improvements
first, and writes her note after it; Morgan reads it in the thread; Bob sees only what was
shared with him."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from followthrough.accounts.models import Membership
from followthrough.demo import stories as demo
from followthrough.demo import sync as sync_demo
from followthrough.followups.dispatcher import Dispatcher
from followthrough.sync.models import Review
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sync_demo_data(demo_data: None) -> None:
    sync_demo.seed()


def test_karen_reads_the_brief_and_morgan_reads_her_note(
    new_context: NewContext, sync_demo_data: None, screenshot_dir: Path
) -> None:
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # no warning on the screenshots
    bob = Membership.objects.get(user__email="bob@example.com", workspace__slug="brightline")
    review = Review.objects.get(rep=bob)
    karen = new_context().new_page()
    log_in(karen, email="karen@example.com")
    karen.goto(f"/w/brightline/people/{bob.pk}/")
    karen.get_by_role("link", name="Coach–manager thread on Bob").click()
    expect(heading(karen)).to_have_text("Coach–manager thread on Bob Keller")
    expect(karen.get_by_role("listitem").filter(has_text="rushes the demos")).to_be_visible()
    karen.screenshot(path=screenshot_dir / "45-sync-thread.png", full_page=True)
    karen.locator(f'a[href="{review.get_absolute_url()}"]').click()

    expect(heading(karen)).to_have_text("Review brief: Bob Keller")
    gained = karen.get_by_role("region", name="What Bob gained since the plan started")
    expect(gained.get_by_role("row", name="Calls made")).to_be_visible()
    expect(gained.get_by_role("row", name="Confidence (1 to 5)")).to_contain_text("2")
    notes = karen.get_by_role("region", name="The coach's notes for you")
    expect(notes).to_contain_text("start with what he gained")
    expect(notes).not_to_contain_text("rushes the demos")  # Karen's own, not for the manager
    sections = karen.locator("main section h2").all_inner_texts()
    assert sections.index("What Bob gained since the plan started") < sections.index(
        "Not moved yet"
    )
    karen.screenshot(path=screenshot_dir / "42-review-brief.png", full_page=True)

    karen.get_by_label("How did the review go?").fill(
        "We started with his numbers. <b>Keep going</b>."
    )
    karen.get_by_role("button", name="Add to the thread").click()
    expect(karen.get_by_role("status")).to_contain_text("Your note is in the thread")

    morgan = new_context().new_page()
    log_in(morgan, email=demo.DEMO_COACH_EMAIL)
    morgan.goto(f"/w/brightline/reps/{bob.pk}/thread/")
    newest = morgan.get_by_role("region", name="Notes").get_by_role("listitem").first
    expect(newest).to_contain_text("We started with his numbers. <b>Keep going</b>.")
    expect(newest).to_contain_text("After the review")
    expect(morgan.get_by_role("region", name="Reviews")).to_contain_text("Held")

    bobs = new_context().new_page()
    log_in(bobs, email="bob@example.com")
    bobs.goto(f"/w/brightline/reps/{bob.pk}/thread/")
    expect(heading(bobs)).to_have_text("Notes shared with you")
    expect(bobs.locator("main")).to_contain_text("Bring your numbers")
    expect(bobs.locator("main")).not_to_contain_text("We started with his numbers")
    expect(bobs.locator("main")).not_to_contain_text("start with what he gained")
