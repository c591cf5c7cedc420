"""The second coach's loop and the coach's reply to an answer, in a real browser.

Bob is coached by Morgan (who runs his plan) and by Karen, his manager. Karen's Today shows
Bob's open loop and her To-dos show Morgan's to-do about it; Morgan replies to Bob's answer from
Today, the reply lands on the commitment's thread and reaches Bob by email. The live server
runs on real time, so dates are relative to the real today.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followthrough.accounts.actions import set_relationships
from followthrough.accounts.models import Membership, Role, Workspace
from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, Reply
from tests.browser.conftest import NewContext
from tests.browser.test_coaching_browser import COACH, COACH_ZONE, REP, flash, person
from tests.browser.test_shell import heading, log_in
from tests.conftest import PASSWORD, Inbox, dispatch, text_body

pytestmark = pytest.mark.browser

KAREN = "karen@example.net"
STEP = "Ask Dana for two referrals"
COMMENT = "How do I ask without stepping on Karen's accounts?"


@pytest.fixture
def bobs_step(transactional_db: None) -> Commitment:
    """Bob's plan with Morgan, Karen as his second coach, and one step agreed in a finished
    session. Committed for real, so that the live server's thread sees it."""
    workspace = Workspace.objects.create(name="Brightline Software", slug="brightline")
    morgan, karen, bob = (
        Membership.objects.create(workspace=workspace, user=person(email, name, zone), role=role)
        for email, name, zone, role in (
            (COACH, "Morgan Reyes", str(COACH_ZONE), Role.COACH),
            (KAREN, "Karen Liu", "America/New_York", Role.COACH),
            (REP, "Bob Keller", "America/New_York", Role.REP),
        )
    )
    set_relationships(bob, [morgan, karen], [])
    today = dt.datetime.now(COACH_ZONE).date()
    plan = actions.create_plan(
        coach=morgan,
        rep=bob,
        purpose="Keep the job: 60-day ultimatum",
        starts_on=today,
        deadline=today + dt.timedelta(days=60),
    )
    session = actions.schedule_session(plan, timezone.now() + dt.timedelta(hours=1), by=morgan.user)
    step = actions.add_commitment(session, owner=bob, text=STEP, due_on=today, by=morgan.user)
    actions.finish_session(session, by=morgan.user)
    return step


def test_a_co_coach_sees_the_reps_open_loop_on_today_and_the_to_do(
    new_context: NewContext, screenshot_dir: Path, bobs_step: Commitment
) -> None:
    # Checked in, reminded, and silent: an open loop since an hour ago.
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Commitment.objects.filter(pk=bobs_step.pk).update(
        checkin_at=an_hour_ago - dt.timedelta(days=3), open_loop_at=an_hour_ago
    )
    karen = new_context().new_page()
    log_in(karen, email=KAREN, password=PASSWORD)
    expect(heading(karen)).to_have_text("Today")
    loops = karen.get_by_role("region", name="Open loops")
    expect(loops).to_contain_text(STEP)
    expect(loops).to_contain_text("Bob Keller")
    expect(loops).not_to_contain_text("None: every check-in was answered.")
    karen.screenshot(path=screenshot_dir / "31-co-coach-today.png", full_page=True)

    karen.get_by_role("link", name="All to-dos").click()
    expect(heading(karen)).to_have_text("To-dos")
    expect(karen.get_by_role("link", name=STEP, exact=True)).to_be_visible()
    todo = karen.locator("li.todo", has_text=f"Follow up with Bob Keller: {STEP}")
    expect(todo).to_contain_text("Morgan Reyes's to-do")


def test_the_coach_replies_to_an_answer_from_today(
    new_context: NewContext, smtp_server: Inbox, screenshot_dir: Path, bobs_step: Commitment
) -> None:
    actions.record_response(bobs_step, answer="partly", comment=COMMENT)
    dispatch()  # the recap and Morgan's notice of the answer
    before = len(smtp_server.messages)
    morgan = new_context().new_page()
    log_in(morgan, email=COACH, password=PASSWORD)
    expect(heading(morgan)).to_have_text("Today")
    answers = morgan.get_by_role("region", name="Answers this week")
    expect(answers).to_contain_text(COMMENT)
    answers.get_by_text("Reply", exact=True).click()
    morgan.get_by_label("Your reply to Bob (sent by email)").fill(
        "Ask Karen to introduce you <b>first</b>."
    )
    morgan.screenshot(path=screenshot_dir / "32-coach-reply.png", full_page=True)
    morgan.get_by_role("button", name="Send the reply").click()
    expect(heading(morgan)).to_have_text("Today")
    expect(flash(morgan)).to_contain_text("Reply sent to Bob.")

    # On the commitment's thread, after the answer, as typed (not as markup).
    morgan.goto(bobs_step.get_absolute_url())
    thread = morgan.locator("#thread")
    expect(thread.locator("li.reply")).to_contain_text("Morgan Reyes replied")
    expect(thread.locator("li.reply blockquote")).to_have_text(
        "Ask Karen to introduce you <b>first</b>."
    )
    assert Reply.objects.get().response.commitment_id == bobs_step.pk

    assert dispatch().sent == 1
    email = smtp_server.wait_for(before + 1)[-1]
    assert email["To"] == REP
    assert "Ask Karen to introduce you <b>first</b>." in text_body(email)
