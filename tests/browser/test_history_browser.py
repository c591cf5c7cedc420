"""The History of a plan and of a rep, in a real browser: opened from the plan page and from the
rep's progress page, newest first, with the answer Bob gave through his check-in link."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from followthrough.coaching import actions
from followthrough.coaching.models import Commitment
from tests.browser.conftest import NewContext
from tests.browser.test_coaching_browser import COACH
from tests.browser.test_coaching_privacy_browser import STEP, bobs_step  # noqa: F401
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_coach_reads_the_plans_history_and_the_reps(
    new_context: NewContext,
    screenshot_dir: Path,
    bobs_step: Commitment,  # noqa: F811
) -> None:
    actions.record_response(bobs_step, answer="partly", numbers={"referrals asked": 1})
    page = new_context().new_page()
    log_in(page, email=COACH, password=PASSWORD)
    page.goto(bobs_step.plan.get_absolute_url())
    page.get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of Keep the job: 60-day ultimatum")
    lines = page.get_by_role("listitem")
    expect(lines.first).to_contain_text(f"Bob Keller answered Partly: referrals asked 1 ({STEP})")
    expect(page.get_by_role("list").last).to_contain_text("Morgan Reyes opened the plan")
    expect(page.get_by_role("list").last).to_contain_text("1 next step agreed")
    page.screenshot(path=screenshot_dir / "20-history.png", full_page=True)

    page.goto(f"/w/brightline/progress/{bobs_step.owner_id}/")
    page.get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of Bob Keller")
    expect(page.get_by_role("list").last).to_contain_text("Bob Keller answered Partly")
