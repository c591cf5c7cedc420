"""The web shell in a real browser, used as a person would: log in, switch, invite, join.

Every test runs against pytest-django's live server with the demo data (two workspaces coached
by Morgan Reyes). The fixtures in conftest.py abort and report any request that leaves
localhost, any error response and any JavaScript error.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from followthrough.accounts.models import Membership, Role
from followthrough.demo import stories as demo
from followthrough.followups.dispatcher import Dispatcher
from tests.browser.conftest import NewContext, Traffic
from tests.conftest import dispatch

pytestmark = pytest.mark.browser

COACH = demo.DEMO_COACH_EMAIL
PHONE = {"width": 390, "height": 844}
HARBOR_PEOPLE = [
    "Morgan Reyes",
    "Rachel Adler",
    "Priya Natarajan",
    "Sam Okafor",
    "Helen Brooks",
    "Marco Bianchi",
    "Jess Tran",
]


def log_in(page: Page, email: str = COACH, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def wait_for_mail(to: str, timeout: float = 5.0) -> mail.EmailMessage:
    """The first message to `to` in Django's locmem outbox, after the dispatcher has run.

    The live server runs in a thread of this process, so its outbox is ours. The invitation is
    a follow-up row committed with the page's POST; dispatching here sends it.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dispatch()
        for message in getattr(mail, "outbox", []):
            if to in message.to:
                return message
        time.sleep(0.05)
    pytest.fail(f"no email to {to} arrived within {timeout}s")


def unlabelled_fields(page: Page) -> list[str]:
    """Form fields a screen reader could not name: no <label for>, no wrapping label, no aria."""
    fields = page.locator("input:not([type=hidden]), select, textarea")
    missing = []
    for index in range(fields.count()):
        field = fields.nth(index)
        label_text = field.evaluate(
            "el => el.labels && el.labels.length ? el.labels[0].textContent.trim() : ''"
        )
        aria = field.get_attribute("aria-label") or field.get_attribute("aria-labelledby")
        name = field.get_attribute("name") or f"#{index}"
        if aria:
            continue
        if not label_text:
            missing.append(name)
            continue
        # Playwright finds the field by that label, as assistive technology would.
        by_label = page.get_by_label(label_text, exact=True)
        same = [
            by_label.nth(i).evaluate("(el, other) => el === other", field.element_handle())
            for i in range(by_label.count())
        ]
        if not any(same):
            missing.append(f"{name} (label {label_text!r} does not lead to it)")
    return missing


def test_coach_logs_in_switches_workspace_sees_people_and_logs_out(
    page: Page, demo_data: None
) -> None:
    log_in(page)
    expect(page).to_have_url(re.compile(r"/w/brightline/$"))
    expect(heading(page)).to_have_text("Today")
    expect(page).to_have_title(re.compile(r"^Today · Brightline Software"))

    switcher = page.locator("header details.switcher")
    switcher.locator("summary").click()
    expect(switcher).to_have_attribute("open", "")
    switcher.get_by_role("link", name=re.compile(r"^Harbor Office Supply")).click()
    expect(page).to_have_url(re.compile(r"/w/harbor-office-supply/$"))
    expect(heading(page)).to_have_text("Today")
    expect(page).to_have_title(re.compile(r"^Today · Harbor Office Supply"))

    main_nav(page).get_by_role("link", name="People").click()
    expect(heading(page)).to_have_text("People")
    expect(main_nav(page).get_by_role("link", name="People")).to_have_attribute(
        "aria-current", "page"
    )
    members = page.get_by_role("table", name="Members of Harbor Office Supply")
    expect(members.locator("tbody tr")).to_have_count(len(HARBOR_PEOPLE))
    for name in HARBOR_PEOPLE:
        expect(members.get_by_role("link", name=name, exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto("/w/harbor-office-supply/people/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(
    page: Page, demo_data: None
) -> None:
    log_in(page, password="not the password")
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(heading(page)).to_have_text("Log in")
    expect(page.get_by_label("Email", exact=True)).to_have_value(COACH)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_coach_invites_a_rep_who_joins_from_the_emailed_link(
    page: Page, new_context: NewContext, live_server: LiveServer, demo_data: None
) -> None:
    log_in(page)
    main_nav(page).get_by_role("link", name="Invitations").click()
    expect(heading(page)).to_have_text("Invitations")
    page.get_by_label("Email address").fill("new@example.org")
    page.get_by_label("Role", exact=True).select_option(label="Rep")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new@example.org.")
    row = page.get_by_role("row").filter(has_text="new@example.org")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Rep")
    expect(row.locator(".badge")).to_have_text("pending")

    body = str(wait_for_mail("new@example.org").body)
    link = re.search(r"\S+/invite/\S+/", body)
    assert link is not None, body
    assert link[0].startswith(settings.BASE_URL), link[0]
    url = live_server.url + link[0].removeprefix(settings.BASE_URL)

    invitee = new_context().new_page()
    invitee.goto(url)
    expect(heading(invitee)).to_have_text("Join Brightline Software")
    expect(invitee.get_by_text("Morgan Reyes invited you as rep.")).to_be_visible()
    invitee.get_by_label("Your name").fill("Nadia Quinn")
    invitee.get_by_label("Password", exact=True).fill("harbour lights at dusk 42")
    invitee.get_by_label("Password again").fill("harbour lights at dusk 42")
    invitee.get_by_label("Your time zone").fill("Europe/Madrid")
    invitee.get_by_role("button", name="Join").click()

    expect(invitee).to_have_url(re.compile(r"/w/brightline/$"))
    expect(heading(invitee)).to_have_text("My commitments")
    expect(invitee.get_by_role("status")).to_contain_text("Welcome to Brightline Software")
    expect(invitee.get_by_role("link", name="Nadia", exact=True)).to_be_visible()
    member = Membership.objects.select_related("user__profile").get(user__email="new@example.org")
    assert member.role == Role.REP
    assert member.workspace.slug == "brightline"
    assert member.user.profile.time_zone == "Europe/Madrid"

    page.reload()
    expect(row.locator(".badge")).to_have_text("accepted")


def test_phone_home_page_fits_the_screen_and_shows_the_navigation(
    new_context: NewContext, demo_data: None
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(page)
    expect(heading(page)).to_have_text("Today")

    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"page is {scroll_width}px wide on a {inner_width}px screen"
    # The navigation is folded into a Menu button (issue 9: four rows of links on every page).
    expect(main_nav(page)).to_be_hidden()
    page.locator("details.menu > summary").click()
    for name in ["Today", "People", "Invitations"]:
        link = main_nav(page).get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= inner_width, name
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_first_tab_on_the_login_page_reaches_the_skip_link(page: Page, demo_data: None) -> None:
    page.goto("/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    page: Page, demo_data: None
) -> None:
    log_in(page)
    expect(heading(page)).to_have_text("Today")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_every_form_field_has_a_label(page: Page, demo_data: None) -> None:
    page.goto("/login/")
    assert unlabelled_fields(page) == []
    log_in(page)
    expect(heading(page)).to_have_text("Today")
    for path in ["/profile/", "/w/brightline/invitations/"]:
        page.goto(path)
        assert unlabelled_fields(page) == [], path


def test_screenshots_of_the_main_pages(
    new_context: NewContext, screenshot_dir: Path, demo_data: None
) -> None:
    """Full-page PNGs for people to look at (and for the README): SCREENSHOT_DIR."""

    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    dispatch()  # the demo's pending invitation goes out, into the outbox
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    page = new_context().new_page()
    page.goto("/login/")
    shot(page, "01-login")
    log_in(page)
    expect(heading(page)).to_have_text("Today")
    shot(page, "02-home")
    main_nav(page).get_by_role("link", name="People").click()
    expect(heading(page)).to_have_text("People")
    shot(page, "03-people")
    page.get_by_role("link", name="Bob Keller").click()
    expect(heading(page)).to_have_text("Bob Keller")
    shot(page, "04-rep")
    main_nav(page).get_by_role("link", name="Invitations").click()
    expect(heading(page)).to_have_text("Invitations")
    shot(page, "05-invitations")
    page.get_by_role("link", name="Morgan", exact=True).click()
    expect(heading(page)).to_have_text("Your profile")
    shot(page, "06-profile")
    main_nav(page).get_by_role("link", name="Outbox").click()
    expect(heading(page)).to_have_text("Outbox")
    shot(page, "08-outbox")
    invitation = page.get_by_role("row").filter(has_text=demo.PENDING_INVITE)
    invitation.get_by_role("link", name=re.compile(r"\d{4}, \d\d:\d\d")).click()
    expect(heading(page)).to_contain_text("Invitation to")
    shot(page, "09-followup")

    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(phone)
    expect(heading(phone)).to_have_text("Today")
    shot(phone, "07-phone-home")


def test_the_offline_guard_catches_requests_to_other_hosts(
    new_context: NewContext, traffic: Traffic, transactional_db: None
) -> None:
    """The guard the other tests rely on: requests that leave localhost are seen and stopped.
    (The pages' Content-Security-Policy would refuse them first; it is bypassed here.)"""
    page = new_context(bypass_csp=True).new_page()
    page.goto("/login/")
    page.evaluate(
        """async () => {
            const img = document.createElement("img");
            img.src = "https://cdn.example.net/logo.png";
            document.body.append(img);
            await fetch("http://example.com/ping").catch(() => null);
        }"""
    )
    expect(page.locator("img[src*='cdn.example.net']")).to_have_js_property("complete", True)
    assert sorted(traffic.outside) == [
        "http://example.com/ping",
        "https://cdn.example.net/logo.png",
    ]
    traffic.outside.clear()  # expected here; the fixture fails any other test that has some
