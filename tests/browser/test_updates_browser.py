"""The weekly update in a real browser: Bob follows the emailed link without logging in, reads
his week's figures, writes his update, shares it with Tom, and later finds it on his home page
to edit. The ask goes through a real SMTP server. Screenshots go to SCREENSHOT_DIR.

The live server runs on real time, so the ask is planned for later today in Bob's zone (his
own day and hour), then sent at once from the outbox, as the "Send now" action does.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.coaching import actions as coaching
from followthrough.followups import actions as followups
from followthrough.followups.dispatcher import Dispatcher
from followthrough.updates import actions
from followthrough.updates.models import UpdateAsk, WeeklyUpdate, week_of_rep
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD, Inbox, dispatch, text_body

pytestmark = pytest.mark.browser

REP_ZONE = ZoneInfo("America/New_York")
WINS = "Booked two first meetings from the old list <b>not bold</b>"


def person(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, name=name)
    Profile.objects.filter(user=user).update(time_zone=str(REP_ZONE), country="US")
    return user


@pytest.fixture
def bob(transactional_db: None) -> Membership:
    """Bob, on a plan with Morgan, followed by Tom (VP); committed for the live server."""
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")

    def member(email: str, name: str, role: Role) -> Membership:
        return Membership.objects.create(workspace=workspace, user=person(email, name), role=role)

    coach = member("morgan@example.net", "Morgan Reyes", Role.COACH)
    rep = member("bob@example.net", "Bob Keller", Role.REP)
    tom = member("tom@example.net", "Tom Brandt", Role.STAKEHOLDER)
    set_relationships(rep, [coach], [tom])
    today = dt.datetime.now(REP_ZONE).date()
    coaching.create_plan(
        coach=coach,
        rep=rep,
        purpose="Keep the job: 60-day ultimatum",
        starts_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=50),
    )
    return rep


def test_bob_writes_his_weekly_update_from_the_emailed_link(
    new_context: NewContext,
    live_server: LiveServer,
    smtp_server: Inbox,
    screenshot_dir: Path,
    bob: Membership,
) -> None:
    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    # Asked today at 23:00 his time (or now, if that has just passed); sent at once.
    actions.set_ask_time(bob, dt.datetime.now(REP_ZONE).weekday(), 23, bob.user)
    actions.plan_asks()
    ask = UpdateAsk.objects.get(rep=bob, week=week_of_rep(bob, dt.datetime.now(dt.UTC)))
    assert ask.followup is not None
    followups.send_now(ask.followup)
    assert dispatch().sent == 1
    email = smtp_server.wait_for(1)[0]
    assert email["To"] == "bob@example.net"
    assert str(email["Subject"]).startswith("Your weekly update: the week of")
    found = re.search(r"(http://\S+/update/\S+/)", text_body(email))
    assert found and found.group(1).startswith(settings.BASE_URL)
    url = live_server.url + found.group(1).removeprefix(settings.BASE_URL)

    # Bob, not logged in, opens the link.
    page = new_context().new_page()
    page.goto(url)
    expect(heading(page)).to_have_text("My weekly update")
    expect(page.get_by_role("heading", name="Your week in figures")).to_be_visible()
    expect(page.get_by_text("Your coach Morgan Reyes reads this.")).to_be_visible()
    page.get_by_label("My wins this week").fill(WINS)
    page.get_by_label("What is next").fill("Send the Hartwell proposal")
    page.get_by_label("Where I need help").fill("Pricing: discounts")
    page.get_by_role("radio", name="4").check()
    page.get_by_label("Share my update with Tom Brandt").check()
    shot(page, "40-weekly-update-link")
    page.get_by_role("button", name="Send my update").click()
    expect(heading(page)).to_have_text("Thanks, Bob.")
    expect(page.locator(".lead")).to_contain_text("It is shared with your stakeholders.")
    update = WeeklyUpdate.objects.get(rep=bob)
    assert (update.wins, update.confidence, update.words_shared) == (WINS, 4, True)
    ask.reminder.refresh_from_db()  # type: ignore[union-attr]
    assert ask.reminder.state == "cancelled"  # type: ignore[union-attr]

    # Logged in, his home page offers to edit it; the text is shown as typed, never as HTML.
    home = new_context().new_page()
    log_in(home, email="bob@example.net", password=PASSWORD)
    home.get_by_role("link", name="Edit this week's update").click()
    expect(heading(home)).to_have_text("My weekly update")
    expect(home.get_by_label("My wins this week")).to_have_value(WINS)
    home.get_by_label("What is next").fill("Send the Hartwell proposal on Tuesday")
    shot(home, "41-weekly-update-edit")
    home.get_by_role("button", name="Save my update").click()
    expect(home.get_by_text("Your weekly update is saved.")).to_be_visible()
    assert WeeklyUpdate.objects.get(rep=bob).next_steps == "Send the Hartwell proposal on Tuesday"
