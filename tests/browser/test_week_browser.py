"""Issue 12's week, end to end in a real browser: Bob writes his weekly update from the link in
the real email the dispatcher sent him, Tom (the VP who follows him) sees it in the preview of
his next digest, with the client's newest approved quote, and Karen (Bob's manager and
co-coach) reads the brief of her review with Bob. Screenshots go to SCREENSHOT_DIR.

The live server runs on real time, so the ask is planned for later today in Bob's zone and sent
at once from the outbox ("Send now"); Tom's next digest is put on this week's Sunday evening,
so that it tells about the week Bob is writing for whatever the weekday the test runs on.
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
from followthrough.digests import actions as digests
from followthrough.digests.models import Subscription, report_week
from followthrough.followups import actions as followups
from followthrough.followups.dispatcher import Dispatcher
from followthrough.sync import actions as sync
from followthrough.sync.models import Review
from followthrough.updates import actions as updates
from followthrough.updates.models import UpdateAsk, WeeklyUpdate, week_of_rep
from tests.binder_helpers import approved
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD, Inbox, World, dispatch, text_body

pytestmark = pytest.mark.browser

ZONE = ZoneInfo("America/New_York")
WINS = "Booked two first meetings from the old list <b>not bold</b>"
QUOTE = "Bob called back the same day and saved our renewal."
NOTE = "Start with what he gained <script>alert(1)</script>"


@pytest.fixture
def brightline(transactional_db: None) -> dict[str, Membership]:
    """Bob on a plan with Morgan; Karen, his manager, coaches him too; Tom (VP) follows him.
    Committed for the live server."""
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")

    def member(email: str, name: str, role: Role) -> Membership:
        user = User.objects.create_user(email, PASSWORD, name=name)
        Profile.objects.filter(user=user).update(time_zone=str(ZONE), country="US")
        return Membership.objects.create(workspace=workspace, user=user, role=role)

    people = {
        "morgan": member("morgan@example.net", "Morgan Reyes", Role.COACH),
        "karen": member("karen@example.net", "Karen Liu", Role.COACH),
        "bob": member("bob@example.net", "Bob Keller", Role.REP),
        "tom": member("tom@example.net", "Tom Brandt", Role.STAKEHOLDER),
    }
    set_relationships(people["bob"], [people["morgan"], people["karen"]], [people["tom"]])
    today = dt.datetime.now(ZONE).date()
    coaching.create_plan(
        coach=people["morgan"],
        rep=people["bob"],
        purpose="Keep the job: 60-day ultimatum",
        starts_on=today - dt.timedelta(days=20),
        deadline=today + dt.timedelta(days=40),
    )
    world = World(workspace=workspace, other_workspace=workspace, members=people)
    approved(world, QUOTE, rep="bob")
    return people


def toms_next_digest_on_sunday(tom: Membership) -> Subscription:
    """Tom's digest on Sunday 23:00 of this week, his time: it tells about this week."""
    digests.ensure_subscriptions(tom.workspace_id)
    sub = Subscription.objects.get(recipient=tom)
    digests.change_preferences(sub, tom.user, weekday=6, hour=23)
    today = dt.datetime.now(ZONE).date()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    at = dt.datetime.combine(sunday, dt.time(23), tzinfo=ZONE)
    Subscription.objects.filter(pk=sub.pk).update(next_send_at=at)  # even late on Sunday
    assert report_week(sunday) == week_of_rep(tom, dt.datetime.now(dt.UTC))
    return sub


def test_bob_writes_tom_previews_it_karen_reads_the_brief(
    new_context: NewContext,
    live_server: LiveServer,
    smtp_server: Inbox,
    screenshot_dir: Path,
    brightline: dict[str, Membership],
) -> None:
    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    bob, karen, tom = brightline["bob"], brightline["karen"], brightline["tom"]
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning

    # Bob's ask goes out through the dispatcher and a real SMTP server.
    updates.set_ask_time(bob, dt.datetime.now(ZONE).weekday(), 23, bob.user)
    updates.plan_asks()
    ask = UpdateAsk.objects.get(rep=bob, week=week_of_rep(bob, dt.datetime.now(dt.UTC)))
    assert ask.followup is not None
    followups.send_now(ask.followup)
    assert dispatch().sent >= 1
    email = next(m for m in smtp_server.wait_for(1) if m["To"] == "bob@example.net")
    found = re.search(r"(http://\S+/update/\S+/)", text_body(email))
    assert found and found.group(1).startswith(settings.BASE_URL)

    # Bob, not logged in, writes his update from the link and shares it with Tom.
    page = new_context().new_page()
    page.goto(live_server.url + found.group(1).removeprefix(settings.BASE_URL))
    expect(heading(page)).to_have_text("My weekly update")
    page.get_by_label("My wins this week").fill(WINS)
    page.get_by_label("What is next").fill("Send the Hartwell proposal")
    page.get_by_label("Where I need help").fill("Pricing: discounts")
    page.get_by_role("radio", name="4").check()
    page.get_by_label("Share my update with Tom Brandt").check()
    page.get_by_role("button", name="Send my update").click()
    expect(heading(page)).to_have_text("Thanks, Bob.")
    assert WeeklyUpdate.objects.get(rep=bob).words_shared

    # Tom previews his next digest: Bob's words as typed (never as HTML) and the client's quote.
    sub = toms_next_digest_on_sunday(tom)
    vp = new_context().new_page()
    log_in(vp, email="tom@example.net", password=PASSWORD)
    vp.goto("/w/brightline/digests/")
    vp.get_by_role("link", name="Your own digest").click()
    expect(heading(vp)).to_contain_text("What Tom Brandt receives on")
    assert vp.url.endswith(f"/digests/{sub.pk}/preview/")
    digest = vp.locator(".digest-preview")
    expect(digest).to_contain_text("Bob Keller, the week from")
    expect(digest).to_contain_text(WINS)  # the <b> shown as typed
    expect(digest.locator("b")).to_have_count(0)
    expect(digest).to_contain_text("Needs help with: Pricing: discounts")
    expect(digest).to_contain_text("asks for help")
    expect(digest.locator("blockquote")).to_contain_text(QUOTE)
    shot(vp, "43-digest-preview")
    vp.goto("/w/brightline/digests/")
    vp.get_by_role("link", name="Your digest preferences").click()
    expect(heading(vp)).to_have_text("Your weekly digest")
    shot(vp, "44-digest-preferences")

    # Karen books her review with Bob; Morgan leaves her a note; she reads the brief.
    review = sync.book_review(
        bob,
        manager=karen,
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        location="Karen's office",
    )
    sync.write_note(bob, author=brightline["morgan"], text=NOTE, for_manager=True)
    manager = new_context().new_page()
    log_in(manager, email="karen@example.net", password=PASSWORD)
    manager.goto(f"/w/brightline/reps/{bob.pk}/thread/")
    manager.locator(f'a[href="{review.get_absolute_url()}"]').click()
    expect(heading(manager)).to_have_text("Review brief: Bob Keller")
    notes = manager.get_by_role("region", name="The coach's notes for you")
    expect(notes).to_contain_text(NOTE)  # the script shown as text, never run
    expect(manager.get_by_role("region", name="Results against the pace")).to_contain_text(
        "Keep the job"
    )
    assert Review.objects.get(pk=review.pk).manager == karen
