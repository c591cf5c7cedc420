"""Progress pages in a real browser, on the demo data: Morgan, the demo coach, opens the team
dashboard, finds Bob with his plan's pace and sorts the reps by pace; Bob sees his pace chart
and imports a CSV (checked by a task worker while htmx polls, then confirmed); Morgan moves an
opportunity on the pipeline board. Screenshots go to SCREENSHOT_DIR (15-18, the README's).

The live server runs on real time, so the expected figures are computed here with the same
code, for Morgan, in her time zone, rather than written down: what this test checks is that the
page shows them, in the order asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from followthrough.accounts.models import Membership, User
from followthrough.coaching.models import Plan
from followthrough.demo import stories as demo
from followthrough.followups.dispatcher import Dispatcher
from followthrough.insights import dashboard, reports
from followthrough.metrics.models import Entry, EntrySource
from followthrough.pipeline.models import Opportunity, Stage
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


def test_bob_sees_his_pace_and_imports_his_numbers(
    page: Page, demo_data: None, task_worker: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    Dispatcher(worker="web-1:4242").heartbeat(force=True)
    log_in(page, "bob@example.com")
    main_nav(page).get_by_role("link", name="My progress").click()
    expect(heading(page)).to_have_text("My progress")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_have_text("Pace: Keep the job: 60-day ultimatum")
    # The demo is dated from today: what the page should say is worked out the same way.
    plan = Plan.objects.get(workspace__slug="brightline", rep__user__email="bob@example.com")
    pace = reports.plan_pace(
        plan, timezone.localdate(timezone.now(), demo_zone(plan.rep.user.email))
    )
    assert pace is not None
    flag = page.get_by_text(re.compile(r"^[\d,]+ USD short of the steady pace$"))
    expect(flag).to_have_count(1 if pace.behind_pace else 0)
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir / "16-progress.png", full_page=True)

    # A CSV with one good row, a misspelt metric and a day that has not come yet.
    today = timezone.localdate(timezone.now(), demo_zone("bob@example.com"))
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    csv_file = tmp_path / "october-calls.csv"
    csv_file.write_text(
        "date,metric,value\n"
        f"{yesterday},Calls made,12\n"
        f"{yesterday},Referals asked,3\n"
        f"{tomorrow},Calls made,4\n",
        encoding="utf-8",
    )
    main_nav(page).get_by_role("link", name="Log my day").click()
    page.get_by_role("link", name="Import from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(csv_file)
    page.get_by_role("button", name="Check the file").click()
    # A task worker checks the rows; htmx asks every second until the report replaces the
    # progress bar.
    expect(
        page.get_by_role("heading", name="Checked: 1 good row, 2 with a problem")
    ).to_be_visible()
    problems = page.locator("table.import-problems")
    expect(problems).to_contain_text("Referrals asked")  # the closest name is suggested
    expect(problems).to_contain_text("3")
    page.screenshot(path=screenshot_dir / "18-import.png", full_page=True)
    page.get_by_role("button", name="Import the 1 good row").click()
    expect(page.get_by_role("heading", name="Imported: 1 row")).to_be_visible()
    bob = Membership.objects.get(workspace__slug="brightline", user__email="bob@example.com")
    imported = Entry.objects.filter(member=bob, source=EntrySource.IMPORT)
    assert [(e.metric.name, e.day, e.value) for e in imported] == [
        ("Calls made", yesterday, Decimal(12))
    ]


def test_coach_moves_an_opportunity_on_the_board(
    page: Page, demo_data: None, screenshot_dir: Path
) -> None:
    Dispatcher(worker="web-1:4242").heartbeat(force=True)
    log_in(page)
    page.goto("/w/brightline/")
    main_nav(page).get_by_role("link", name="Pipeline").click()
    expect(heading(page)).to_have_text("Pipeline")
    negotiation = page.locator("section.board-column.stage-negotiation")
    expect(negotiation.get_by_role("link", name="Northwind Freight")).to_have_count(0)
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir / "17-pipeline.png", full_page=True)
    page.get_by_label("Stage of Northwind Freight").select_option(label="Negotiation")
    card = (
        page.locator("article, div")
        .filter(has=page.get_by_label("Stage of Northwind Freight"))
        .last
    )
    card.get_by_role("button", name="Move").click()
    # htmx swaps the board in place: the card is now in the Negotiation column.
    expect(negotiation.get_by_role("link", name="Northwind Freight")).to_have_count(1)
    northwind = Opportunity.objects.get(account="Northwind Freight")
    assert northwind.stage == Stage.NEGOTIATION
    assert list(northwind.stage_changes.values_list("to_stage", flat=True))[-1] == "negotiation"


def demo_zone(email: str) -> ZoneInfo:
    return ZoneInfo(User.objects.get(email=email).profile.time_zone)


PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_menu_folds_and_the_dashboard_fits_the_screen(
    new_context: Any, demo_data: None, screenshot_dir: Path
) -> None:
    """Four rows of links (about 250 px) on every page, and a table wider than the screen:
    now one row with a Menu button, and the table scrolls inside its own box."""
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    Dispatcher(worker="web-1:4242").heartbeat(force=True)
    log_in(page)
    page.goto("/w/brightline/dashboard/")
    expect(heading(page)).to_have_text("Team dashboard")
    topbar = page.locator("header.topbar")
    box = topbar.bounding_box()
    assert box is not None and box["height"] < 80, box
    expect(main_nav(page)).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    table_box = page.locator(".table-wrap")
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", table_box.element_handle())
    page.screenshot(path=str(screenshot_dir / "19-dashboard-phone.png"))
    # The menu opens from the keyboard: Tab to its button, Enter.
    summary = page.locator("details.menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(main_nav(page)).to_be_visible()
    expect(main_nav(page).get_by_role("link", name="Dashboard")).to_be_visible()
    page.keyboard.press("Enter")
    expect(main_nav(page)).to_be_hidden()


def test_on_a_desktop_the_menu_is_a_plain_row(page: Page, demo_data: None) -> None:
    log_in(page)
    page.goto("/w/brightline/dashboard/")
    expect(main_nav(page)).to_be_visible()
    expect(page.locator("details.menu > summary")).to_be_hidden()
