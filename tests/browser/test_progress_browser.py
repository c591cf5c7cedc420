"""The team dashboard in a real browser, on the demo data: Morgan, the demo coach, opens it from
the navigation, finds Bob with his plan's pace, and sorts the reps by pace. The screenshot goes
to SCREENSHOT_DIR as 15-dashboard.png (the README's).

The live server runs on real time, so the expected figures are computed here with the same
code, for Morgan, in her time zone, rather than written down: what this test checks is that the
page shows them, in the order asked for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from followthrough.accounts.models import Membership
from followthrough.core import demo
from followthrough.followups.dispatcher import Dispatcher
from followthrough.progress import dashboard
from tests.browser.test_shell import heading, log_in, main_nav

pytestmark = pytest.mark.browser


def expected_rows(sort: str = "rep", descending: bool = False) -> list[dashboard.RepRow]:
    morgan = Membership.objects.select_related("workspace", "user__profile").get(
        workspace__slug="brightline", user__email=demo.DEMO_COACH_EMAIL
    )
    with timezone.override(morgan.user.profile.zone):
        return dashboard.sort_rows(dashboard.build_rows(morgan), sort, descending)


def table_names(page: Page) -> list[str]:
    return page.locator("table.dashboard tbody th[scope=row] a").all_inner_texts()


def test_coach_sees_bob_on_the_dashboard_and_sorts_by_pace(
    page: Page, demo_data: None, screenshot_dir: Path
) -> None:
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    log_in(page)
    page.goto("/w/brightline/")
    main_nav(page).get_by_role("link", name="Dashboard").click()
    expect(heading(page)).to_have_text("Team dashboard")

    rows = expected_rows()
    bob = next(row for row in rows if row.name == "Bob Keller")
    assert bob.pace is not None, "the demo gives Bob a plan with a revenue target"
    bob_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Bob Keller"))
    expect(bob_row).to_have_count(1)
    expect(bob_row.locator("td.pace")).to_contain_text(bob.pace_label)
    expect(bob_row.locator("td.pace")).to_contain_text(f"{bob.percent_of_low}% of 14,000 USD")
    assert table_names(page) == [row.name for row in rows]
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir / "15-dashboard.png", full_page=True)

    # Sort by pace: the header link, then its opposite.
    page.get_by_role("columnheader", name="Plan pace").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?sort=pace$"))
    pace_header = page.get_by_role("columnheader", name="Plan pace")
    expect(pace_header).to_have_attribute("aria-sort", "ascending")
    assert table_names(page) == [row.name for row in expected_rows("pace")]
    pace_header.get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Plan pace")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert table_names(page) == [row.name for row in expected_rows("pace", descending=True)]
    assert (
        page.get_by_role("columnheader", name="Rep", exact=True).get_attribute("aria-sort") is None
    )
