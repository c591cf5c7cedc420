"""Issue 14's program, end to end in a real browser: Fiona, the facilitator from outside the
company, moves a phone session of her cohort and the whole cohort gets the updated invitation
through a real SMTP server.

The world is made here, not taken from the demo, so that what the demo seeds cannot change what
this test sees. The live server runs on real time, so every date is chosen relative to the real
today, in the facilitator's zone, as the forms read them.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import Page, expect

from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.demo import programs as programs_demo
from followthrough.demo import stories as demo
from followthrough.followups.dispatcher import Dispatcher
from followthrough.lib import dates
from followthrough.programs import actions
from followthrough.programs.models import Cohort, ProgramSession
from tests.browser.conftest import NewContext
from tests.browser.test_shell import heading, log_in, main_nav
from tests.conftest import PASSWORD, Inbox, dispatch
from tests.test_coaching_calendar import check_with_vobject, event_of

pytestmark = pytest.mark.browser

CHICAGO = ZoneInfo("America/Chicago")
FACILITATOR = "fiona@example.net"
MANAGER = "marco@example.net"
PEER = "pia@example.net"
SPONSOR = "rachel@example.net"
COHORT = "Lakeside managers, winter"
PROGRAM = "Manager as Sales Coach"


def member(workspace: Workspace, email: str, name: str, role: Role, zone: str) -> Membership:
    user = User.objects.create_user(email, PASSWORD, name=name)
    Profile.objects.filter(user=user).update(time_zone=zone, country="US")
    return Membership.objects.create(workspace=workspace, user=user, role=role)


def last_working_day(person: Membership) -> dt.date:
    day = dt.datetime.now(CHICAGO).date() - dt.timedelta(days=1)
    while not dates.is_working_day(day, person.user.profile.working_time(person.workspace)):
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def lakeside(transactional_db: None) -> Cohort:
    """Fiona (an outside coach, Chicago) facilitates Lakeside Paper's cohort of two managers,
    Marco (New York) and Pia (Los Angeles); Rachel sponsors the program. The workshop was on
    the last working day; the six phone sessions are to come. Committed for the live server."""
    workspace = Workspace.objects.create(name="Lakeside Paper", slug="lakeside")
    fiona = member(workspace, FACILITATOR, "Fiona Walsh", Role.COACH, str(CHICAGO))
    marco = member(workspace, MANAGER, "Marco Díaz", Role.COACH, "America/New_York")
    pia = member(workspace, PEER, "Pia Noor", Role.COACH, "America/Los_Angeles")
    rachel = member(workspace, SPONSOR, "Rachel Adler", Role.STAKEHOLDER, "America/New_York")
    program = actions.create_program(
        workspace, by=fiona.user, name=PROGRAM, goal="Coach with the new model", sponsors=[rachel]
    )
    cohort = actions.create_cohort(
        program,
        by=fiona.user,
        name=COHORT,
        facilitator=fiona,
        starts_on=last_working_day(fiona),
        location="Phone bridge",
    )
    for manager in (marco, pia):
        actions.enroll(cohort, manager, by=fiona.user)
    return cohort


def calendar_of(message: EmailMessage) -> str:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, f"no calendar in the message to {message['To']}"
    return str(parts[0].get_content())


def test_facilitator_moves_a_phone_session_and_the_cohort_is_invited_again(
    new_context: NewContext, smtp_server: Inbox, lakeside: Cohort
) -> None:
    cohort = lakeside
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    # The invitations of the six calls to come, to Fiona, Marco and Pia.
    assert dispatch().sent == 18
    smtp_server.wait_for(18)

    fiona = new_context().new_page()
    log_in(fiona, email=FACILITATOR, password=PASSWORD)
    main_nav(fiona).get_by_role("link", name="Programs").click()
    expect(heading(fiona)).to_have_text("Programs")
    fiona.get_by_role("link", name=PROGRAM).click()
    fiona.get_by_role("link", name=COHORT).click()
    expect(heading(fiona)).to_have_text(COHORT)
    call: ProgramSession = cohort.sessions.get(number=1)
    fiona.get_by_role("link", name=call.title()).click()
    expect(heading(fiona)).to_have_text(call.title())

    # Two days later than planned, 10:30 on Fiona's clock, by phone.
    planned = call.starts_at.astimezone(CHICAGO)
    moved = dt.datetime.combine(planned.date() + dt.timedelta(days=2), dt.time(10, 30), CHICAGO)
    form = fiona.get_by_role("region", name="Move the session")
    form.get_by_label("Starts", exact=True).fill(f"{moved:%Y-%m-%dT%H:%M}")
    form.get_by_label("Minutes", exact=True).fill("50")
    form.get_by_label("Location", exact=True).fill("Zoom, link in the invitation")
    form.get_by_role("button", name="Move and update the invitations").click()
    expect(fiona.locator(".messages[role=status]")).to_contain_text(
        "Session moved; the cohort's calendars are updated."
    )
    expect(heading(fiona)).to_have_text(call.title())
    expect(fiona.locator(".page-head")).to_contain_text(f"{moved:%H:%M}")
    expect(fiona.locator(".page-head")).to_contain_text("Zoom, link in the invitation")

    # The update goes to the whole cohort: the same UID, SEQUENCE 1, the new time.
    assert dispatch().sent == 3
    updates = smtp_server.wait_for(21)[18:]
    assert sorted(str(m["To"]) for m in updates) == sorted([FACILITATOR, MANAGER, PEER])
    for message in updates:
        assert str(message["Subject"]).startswith("Moved:")
        text = calendar_of(message)
        check_with_vobject(text, moved.astimezone(dt.UTC), 50)
        calendar = icalendar.Calendar.from_ical(text)
        event = event_of(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == call.ical_uid
        assert int(str(event["SEQUENCE"])) == 1
        assert "Zoom, link in the invitation" in str(event["LOCATION"])
    marco_start = event_of(
        icalendar.Calendar.from_ical(calendar_of(next(m for m in updates if m["To"] == MANAGER)))
    ).decoded("DTSTART")
    assert (str(marco_start.tzinfo), marco_start.hour) == ("America/New_York", 11)
    call.refresh_from_db()
    assert call.starts_at == moved and call.sequence == 1


def test_screenshots_of_harbors_program(
    new_context: NewContext, screenshot_dir: Path, demo_data: None
) -> None:
    """The README's pages of story 004, from the demo: Harbor Office Supply's cohort, a call
    held, as Morgan (its facilitator) sees them. SCREENSHOT_DIR."""

    def shot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    cohort = Cohort.objects.get(workspace__slug=demo.HARBOR[0], program__name=programs_demo.NAME)
    morgan = new_context().new_page()
    log_in(morgan)
    morgan.goto(f"/w/{demo.HARBOR[0]}/programs/")
    morgan.get_by_role("link", name=programs_demo.NAME).click()
    morgan.get_by_role("link", name=programs_demo.COHORT).click()
    expect(heading(morgan)).to_have_text(programs_demo.COHORT)
    expect(morgan.get_by_role("region", name="Managers")).to_contain_text("Helen Brooks")
    shot(morgan, "46-cohort")
    third = cohort.sessions.get(number=programs_demo.CALLS_DONE)
    morgan.get_by_role("link", name=third.title()).click()
    expect(heading(morgan)).to_have_text(third.title())
    expect(morgan.get_by_role("region", name="Debrief")).to_contain_text(
        programs_demo.CALLS[-1].debrief
    )
    expect(morgan.get_by_role("region", name="Attendance")).to_contain_text(
        programs_demo.CALLS[-1].note[1]
    )
    shot(morgan, "47-program-session")
