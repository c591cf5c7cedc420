"""Clients after the sale on the demo data, in a real browser: Linda finds Derek's unhappy
clients on the dashboard (the service column, a late callback), goes from his progress page to
his praise binder, and from the clients page to her team's; one of his clients opens the
check-in's link with a score chosen. Screenshots 22 and 23 (the README's) go to SCREENSHOT_DIR.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from followthrough.clients.models import CheckInState, ClientCheckIn
from followthrough.demo import binder as binder_demo
from followthrough.followups.dispatcher import Dispatcher
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in, main_nav

pytestmark = pytest.mark.browser


def shot(page: Page, path: Path) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=path, full_page=True)


def test_linda_reaches_dereks_binder_and_a_client_answers(
    new_context: NewContext, demo_data: None, screenshot_dir: Path
) -> None:
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    linda = new_context().new_page()
    log_in(linda, email=binder_demo.LINDA)
    linda.goto("/w/brightline/")
    main_nav(linda).get_by_role("link", name="Dashboard").click()
    derek_row = linda.get_by_role("row").filter(has=linda.get_by_role("link", name="Derek Vance"))
    expect(derek_row.locator(".complaints.late")).to_have_text("2 open complaints")
    expect(derek_row).to_contain_text(re.compile(r"\d(\.\d)?/10"))
    expect(linda.locator(".attention")).to_contain_text(
        "Derek Vance: 2 unhappy clients not called back in time"
    )

    derek_row.get_by_role("link", name="Derek Vance").click()
    linda.get_by_role("link", name="Praise binder").click()
    expect(heading(linda)).to_have_text("Praise for Derek Vance")
    expect(linda.locator(".binder figure.quote")).to_have_count(5)
    expect(linda.get_by_label("Link", exact=True)).to_be_visible()  # the executives' link
    shot(linda, screenshot_dir / "23-binder.png")

    main_nav(linda).get_by_role("link", name="Clients").click()
    linda.get_by_role("link", name="Your team's binder").click()
    expect(heading(linda)).to_have_text("Praise for Linda Sorensen's team")
    linda.get_by_role("link", name="Quotes to review").click()
    expect(heading(linda)).to_have_text("Quotes to review")
    expect(linda.locator(".quote-review")).to_have_count(1)

    # A client who has not answered yet opens the email's "9".
    waiting = ClientCheckIn.objects.filter(
        rep__user__email=binder_demo.DEREK, state=CheckInState.SCHEDULED, answered_at=None
    ).order_by("send_at")[0]
    nine = urlsplit(waiting.survey_url(9))
    client = new_context().new_page()  # no account, no cookie
    client.goto(f"{nine.path}?{nine.query}")
    expect(heading(client)).to_have_text("How is it going with Derek Vance?")
    expect(client.get_by_role("radio", name="9", exact=True)).to_be_checked()
    comment = client.get_by_label("Anything you would like to tell us?")
    comment.fill(
        "The install went smoothly and Derek answered every question the same day. "
        "The training for our night shift is still to come."
    )
    comment.blur()
    shot(client, screenshot_dir / "22-client-answer.png")
