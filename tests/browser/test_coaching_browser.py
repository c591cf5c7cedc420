"""The coaching loop in a real browser, used as people would, end to end.

Morgan, a coach, opens Bob's plan, schedules a session, agrees two next steps inline and
finishes the session. The check-in is sent from the outbox at once (the "Send now" action) to a
real SMTP server; Bob follows its "Partly" link without logging in and answers with numbers;
Morgan's Today page shows the answer. Screenshots of each page go to SCREENSHOT_DIR.

The world is made here, not taken from the demo data, so that what the demo seeds cannot change
what this test sees. The live server runs on real time (freezing the clock would confuse
Chromium), so every date is chosen relative to the real today, in the coach's time zone, as
the forms read them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, CommitmentState, Plan, Response
from followthrough.followups import actions as followups
from followthrough.followups.actions import Outcome
from followthrough.followups.dispatcher import Dispatcher
from followthrough.followups.models import FollowUp, Kind
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in, main_nav
from tests.coaching_helpers import checkin_links
from tests.conftest import PASSWORD, Inbox, dispatch, text_body

pytestmark = pytest.mark.browser

COACH = "morgan@example.net"
REP = "bob@example.net"
COACH_ZONE = ZoneInfo("America/Chicago")
CALLS = "Call 10 past clients and ask each for 3 referrals"
STATUS = "Email the VP a one-page status update"
COMMENT = "Got 4 names; two clients were on holiday."


def flash(page: Page) -> Locator:
    """The messages a page shows after an action (the notes form has a status of its own)."""
    return page.locator(".messages[role=status]")


def person(email: str, name: str, time_zone: str) -> User:
    user = User.objects.create_user(email, PASSWORD, name=name)
    Profile.objects.filter(user=user).update(time_zone=time_zone, country="US")
    return user


@pytest.fixture
def bobs_plan(transactional_db: None) -> Plan:
    """Morgan coaches Bob at Brightline; Bob's 60-day ultimatum, opened today, has no session
    yet. Committed for real, so that the live server's thread sees it."""
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")
    coach = Membership.objects.create(
        workspace=workspace,
        user=person(COACH, "Morgan Reyes", str(COACH_ZONE)),
        role=Role.COACH,
        title="Sales coach",
    )
    rep = Membership.objects.create(
        workspace=workspace,
        user=person(REP, "Bob Keller", "America/New_York"),
        role=Role.REP,
        title="Account Executive",
    )
    set_relationships(rep, [coach], [])
    today = dt.datetime.now(COACH_ZONE).date()
    return actions.create_plan(
        coach=coach,
        rep=rep,
        purpose="Keep the job: 60-day ultimatum",
        starts_on=today,
        deadline=today + dt.timedelta(days=60),
        target_metric="revenue",
        target_low=14000,
        target_high=16000,
        target_unit="USD",
        why="Keep the house and his daughter's school.",
    )


def test_coach_runs_a_session_and_sees_the_reps_emailed_answer_on_today(
    new_context: NewContext,
    live_server: LiveServer,
    smtp_server: Inbox,
    screenshot_dir: Path,
    bobs_plan: Plan,
) -> None:
    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    plan = bobs_plan
    now = dt.datetime.now(COACH_ZONE)
    coach = new_context().new_page()
    log_in(coach, email=COACH, password=PASSWORD)
    expect(heading(coach)).to_have_text("Today")

    # The plan, from the Plans page; a session in an hour, with calendar invitations.
    main_nav(coach).get_by_role("link", name="Plans").click()
    expect(heading(coach)).to_have_text("Plans")
    coach.get_by_role("link", name="Bob Keller").click()
    expect(heading(coach)).to_have_text("Bob Keller: Keep the job: 60-day ultimatum")
    expect(coach.get_by_text("No sessions yet.")).to_be_visible()
    starts = (now + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    coach.get_by_label("Starts", exact=True).fill(f"{starts:%Y-%m-%dT%H:%M}")
    coach.get_by_label("Minutes", exact=True).fill("45")
    coach.get_by_label("Location", exact=True).fill("Zoom")
    expect(coach.get_by_label("Send a calendar invitation to the rep and to me")).to_be_checked()
    coach.get_by_role("button", name="Schedule").click()

    expect(heading(coach)).to_have_text("Session with Bob Keller")
    expect(flash(coach)).to_contain_text("invitations on their way")
    session_url = coach.url
    assert dispatch().sent == 2  # the invitations, to Bob and Morgan

    # Two commitments added inline: the page must not reload (the marker survives).
    coach.evaluate("window.__marker = 1")
    agreed = coach.locator("#agreed")
    coach.get_by_label("Next step", exact=True).fill(CALLS)
    expect(coach.get_by_label("Who", exact=True)).to_have_value(str(plan.rep_id))
    chip = coach.get_by_role("group", name="Quick dates for By").get_by_role(
        "button", name=re.compile(r"^Tomorrow")
    )
    tomorrow = chip.get_attribute("data-date")  # the server's tomorrow, in the coach's zone
    assert tomorrow in {f"{now.date() + dt.timedelta(days=d):%Y-%m-%d}" for d in (1, 2)}
    chip.click()
    expect(coach.locator("#id_due_on")).to_have_value(tomorrow)
    coach.get_by_label("Measures", exact=True).fill("calls: 10, referrals asked: 30")
    coach.get_by_role("button", name="Add", exact=True).click()
    expect(agreed.locator("li.just-added")).to_contain_text(CALLS)
    expect(agreed).to_contain_text("calls: 10, referrals asked: 30")
    assert coach.evaluate("window.__marker") == 1, "adding a commitment reloaded the page"
    expect(coach.get_by_label("Next step", exact=True)).to_have_value("")  # a fresh form

    in_two_days = now.date() + dt.timedelta(days=2)
    coach.get_by_label("Next step", exact=True).fill(STATUS)
    coach.get_by_label("By", exact=True).fill(f"{in_two_days:%Y-%m-%d}")
    coach.get_by_role("button", name="Add", exact=True).click()
    expect(agreed.locator("li.just-added")).to_contain_text(STATUS)
    expect(agreed.locator("li")).to_have_count(2)
    assert coach.evaluate("window.__marker") == 1, "adding a commitment reloaded the page"
    assert coach.url == session_url
    shot(coach, "11-session")

    # Held before its planned start: the page asks, and the coach records it as held now.
    coach.get_by_label("It took place now: record it as held now").check()
    coach.locator("#finish-button").click()
    expect(flash(coach)).to_contain_text("Session finished: recap sent, 2 check-ins scheduled.")
    expect(coach.locator("#finish-button")).to_have_count(0)
    expect(agreed).to_contain_text("Check-in")

    # The check-in of the measured commitment, sent now from the outbox.
    calls = Commitment.objects.get(plan=plan, text=CALLS)
    assert f"{calls.due_on:%Y-%m-%d}" == tomorrow
    assert calls.measures == [
        {"name": "calls", "target": 10},
        {"name": "referrals asked", "target": 30},
    ]
    checkin = FollowUp.objects.get(
        kind=Kind.CHECK_IN, about_type__model="commitment", about_id=calls.pk
    )
    assert checkin.send_at > dt.datetime.now(dt.UTC)  # it waits for the second working day
    assert followups.send_now(checkin) == Outcome.RESCHEDULED
    # The recap, the calendar updates to the time it was held (Bob and Morgan), the check-in.
    assert dispatch().sent == 4
    messages = smtp_server.wait_for(6)
    checkins = [m for m in messages if str(m["Subject"]).startswith("How did it go?")]
    assert [str(m["Subject"]) for m in checkins] == [f"How did it go? {CALLS}"]
    email = checkins[0]
    assert email["To"] == REP
    assert "aim: calls: 10, referrals asked: 30" in text_body(email)
    link = checkin_links(email)["Partly"]
    assert link.startswith(settings.BASE_URL), link
    url = live_server.url + link.removeprefix(settings.BASE_URL)

    # Bob answers from the email, in a browser that is not logged in.
    rep = new_context().new_page()
    rep.goto(url)
    expect(heading(rep)).to_have_text("How did it go?")
    expect(rep.get_by_text(CALLS)).to_be_visible()
    expect(rep.get_by_role("radio", name="Partly")).to_be_checked()
    rep.get_by_label("calls (aim: 10)").fill("5")
    rep.get_by_label("referrals asked (aim: 30)").fill("4")
    rep.get_by_label("Comment", exact=True).fill(COMMENT)
    shot(rep, "12-checkin")
    rep.get_by_role("button", name="Send").click()
    expect(heading(rep)).to_have_text("Thanks, Bob.")
    expect(rep.locator(".lead")).to_have_text(
        "Morgan Reyes has your answer: Partly (calls: 5, referrals asked: 4)."
    )
    response = Response.objects.get(commitment=calls)
    assert (response.answer, response.numbers, response.comment) == (
        "partly",
        {"calls": 5, "referrals asked": 4},
        COMMENT,
    )
    assert Commitment.objects.get(pk=calls.pk).state == CommitmentState.PARTLY
    # Morgan is told by email too.
    assert dispatch().sent == 1
    notice = smtp_server.wait_for(7)[6]
    assert notice["To"] == COACH
    assert str(notice["Subject"]).startswith("Bob answered: Partly")

    # Morgan's Today page shows the answer, with its numbers and comment.
    main_nav(coach).get_by_role("link", name="Today").click()
    expect(heading(coach)).to_have_text("Today")
    answers = coach.get_by_role("region", name=re.compile(r"^Answers"))
    answer = answers.get_by_role("listitem").filter(has_text=CALLS)
    expect(answer).to_contain_text("Bob Keller")
    expect(answer.locator(".badge")).to_have_text("Partly")
    expect(answer).to_contain_text("calls: 5, referrals asked: 4")
    expect(answer.locator("blockquote")).to_have_text(COMMENT)
    shot(coach, "10-today")

    # The plan: its session finished, both commitments, the latest answer.
    main_nav(coach).get_by_role("link", name="Plans").click()
    coach.get_by_role("link", name="Bob Keller").click()
    expect(heading(coach)).to_have_text("Bob Keller: Keep the job: 60-day ultimatum")
    row = coach.get_by_role("row").filter(has_text=CALLS)
    expect(row).to_contain_text("Partly: calls: 5, referrals asked: 4")
    expect(coach.get_by_role("row").filter(has_text=STATUS)).to_be_visible()
    shot(coach, "14-plan")

    # Bob logs in: both commitments are still his to report on.
    bob = new_context().new_page()
    log_in(bob, email=REP, password=PASSWORD)
    expect(heading(bob)).to_have_text("My commitments")
    expect(bob.get_by_role("heading", level=3, name=CALLS)).to_be_visible()
    expect(bob.get_by_role("heading", level=3, name=STATUS)).to_be_visible()
    expect(bob.get_by_text("None scheduled.")).to_be_visible()  # this session is over
    shot(bob, "13-rep-home")
