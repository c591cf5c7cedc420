"""Issue 14's program, end to end in a real browser: Fiona, the facilitator from outside the
company, moves a phone session of her cohort and the whole cohort gets the updated invitation
through a real SMTP server; she sets up a role-play with Marco in the coach's seat, and it is
scored three ways, each scorer logged in in turn: Fiona as the facilitator, Pia as a peer and
Marco himself. Marco's page shows the three columns side by side, and the cohort's adoption
page shows his role-play's score (the mean of the three percents, worked out by hand below).

The world is made here, not taken from the demo, so that what the demo seeds cannot change what
this test sees. The live server runs on real time, so every date is chosen relative to the real
today, in the facilitator's zone, as the forms read them.
"""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from followthrough.accounts.models import Membership, Profile, Role, User, Workspace
from followthrough.demo import programs as programs_demo
from followthrough.demo import role_plays as role_plays_demo
from followthrough.demo import stories as demo
from followthrough.followups.dispatcher import Dispatcher
from followthrough.lib import dates
from followthrough.programs import actions
from followthrough.programs.models import Assessment, Cohort, ProgramSession
from followthrough.programs.rubrics import defaults
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
TITLE = "A rep who missed last week's calls"
SCENARIO = "Jess promised 20 calls and made 8 <b>not bold</b>. Find out why; agree one step."
with translation.override("en"):
    CRITERIA = [str(criterion) for criterion, _levels in defaults.CRITERIA]
# Points per criterion (0-3 each, 18 at best), by hand: Fiona 8 (44.4 %), Pia 10 (55.6 %),
# Marco 17 (94.4 %); the adoption page's score is their mean, (44.4 + 55.6 + 94.4) / 3 = 64.8.
FIONA = [2, 1, 2, 1, 0, 2]
PIA = [2, 2, 2, 1, 1, 2]
MARCO = [3, 3, 3, 3, 2, 3]
MEAN = "64.8"
# Two levels or more apart: asked before telling (1-3), follow-up (1-3), who talked (0-2).
APART = [1, 3, 4]
CALIBRATION = "Calibration: Dana's Monday one-on-one"  # the demo's (demo/role_plays.py)


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


def open_cohort(page: Page) -> None:
    """From the menu to the cohort's page, as a person clicks."""
    main_nav(page).get_by_role("link", name="Programs").click()
    expect(heading(page)).to_have_text("Programs")
    page.get_by_role("link", name=PROGRAM).click()
    page.get_by_role("link", name=COHORT).click()
    expect(heading(page)).to_have_text(COHORT)


def flash(page: Page) -> Locator:
    return page.locator(".messages[role=status]")


def score(page: Page, steps: list[int]) -> None:
    """On the scoring page: the level of `steps[i]` points for the i-th criterion."""
    expect(heading(page)).to_have_text(f"Score “{TITLE}”")
    for criterion, points in zip(CRITERIA, steps, strict=True):
        level = page.get_by_role("group", name=criterion, exact=True).get_by_label(
            re.compile(rf"^\s*{points} points:")
        )
        level.check()
    page.get_by_role("button", name="Save my scores").click()
    expect(flash(page)).to_contain_text("Your scores are in.")
    expect(heading(page)).to_have_text(TITLE)


def log_in_to_the_role_play(page: Page, email: str) -> None:
    """A manager logs in and finds the role-play on the cohort's list."""
    log_in(page, email=email, password=PASSWORD)
    open_cohort(page)
    page.get_by_role("link", name="Role-plays").click()
    expect(heading(page)).to_have_text(f"Role-plays of {COHORT}")
    row = page.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("link", name="Score it").click()


def test_a_call_moved_a_role_play_scored_three_ways_and_the_cohort_page_shows_it(
    new_context: NewContext, smtp_server: Inbox, lakeside: Cohort
) -> None:
    cohort = lakeside
    Dispatcher(worker="web-1:4242").heartbeat(force=True)  # a dispatcher is alive: no warning
    # The invitations of the six calls to come, to Fiona, Marco and Pia.
    assert dispatch().sent == 18
    smtp_server.wait_for(18)

    fiona = new_context().new_page()
    log_in(fiona, email=FACILITATOR, password=PASSWORD)
    open_cohort(fiona)
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
    expect(flash(fiona)).to_contain_text("Session moved; the cohort's calendars are updated.")
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

    # Fiona sets up a role-play on the default rubric, Marco in the coach's seat, and scores it.
    fiona.get_by_role("link", name=COHORT).click()
    fiona.get_by_role("link", name="Role-plays").click()
    fiona.get_by_role("link", name="Set up a role-play").click()
    fiona.get_by_label("Title", exact=True).fill(TITLE)
    fiona.get_by_label("Scenario", exact=True).fill(SCENARIO)
    fiona.get_by_label("Played on", exact=True).fill(dt.datetime.now(CHICAGO).date().isoformat())
    fiona.get_by_label("In the coach's seat", exact=True).select_option(label="Marco Díaz")
    fiona.get_by_role("button", name="Set it up").click()
    expect(heading(fiona)).to_have_text(TITLE)
    expect(fiona.get_by_text("Marco Díaz in the coach's seat")).to_be_visible()
    expect(fiona.locator(".card").filter(has_text="Scenario")).to_contain_text(SCENARIO)
    expect(fiona.get_by_text("Nobody has scored it yet.")).to_be_visible()
    fiona.get_by_role("link", name="Score it").click()
    expect(fiona.get_by_text("You score it as: Facilitator.")).to_be_visible()
    score(fiona, FIONA)

    # Pia scores it as a peer; she sees the scores she gave, not the others'.
    pia = new_context().new_page()
    log_in_to_the_role_play(pia, PEER)
    expect(pia.get_by_text("You score it as: Peer.")).to_be_visible()
    score(pia, PIA)
    expect(pia.get_by_role("columnheader")).to_have_text(["Criterion", "Peer (you)", "Agreement"])
    expect(pia.get_by_text("You see your own scores")).to_be_visible()

    # Marco scores himself and sees the three side by side, and where they are apart.
    marco = new_context().new_page()
    log_in_to_the_role_play(marco, MANAGER)
    expect(marco.get_by_text("You score it as: Self.")).to_be_visible()
    score(marco, MARCO)
    side = marco.get_by_role("region", name="Scores side by side")
    expect(side.get_by_role("columnheader")).to_have_text(  # the kind, then the name below
        [
            "Criterion",
            re.compile(r"^Facilitator\s*Fiona Walsh$"),
            re.compile(r"^Peer\s*Pia Noor$"),
            "Self (you)",
            "Agreement",
        ]
    )
    total = side.get_by_role("row").filter(has_text="Total")
    expect(total.get_by_role("cell")).to_have_text(
        ["8 of 18 (44.4 %)", "10 of 18 (55.6 %)", "17 of 18 (94.4 %)", "3 criteria apart"]
    )
    expect(side.locator("tr.disagree th")).to_have_text([CRITERIA[i] for i in APART])
    assert sorted(
        Assessment.objects.filter(role_play__title=TITLE).values_list("kind", flat=True)
    ) == ["facilitator", "peer", "self"]

    # The cohort's adoption: Marco's row has the role-play, the mean of the three percents.
    fiona.get_by_role("link", name="All the cohort's role-plays").click()
    row = fiona.get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_role("cell")).to_contain_text(["44.4 %", "55.6 %", "94.4 %"])
    fiona.get_by_role("link", name=COHORT).click()
    fiona.get_by_role("link", name="Adoption").click()
    expect(heading(fiona)).to_have_text(f"Are the managers coaching? {PROGRAM}, {COHORT}")
    managers = fiona.locator("table.adoption tbody tr")
    expect(managers).to_have_count(2)
    marcos = managers.filter(has=fiona.get_by_role("rowheader", name="Marco Díaz"))
    expect(marcos).to_contain_text(f"{MEAN}%")
    expect(marcos).to_contain_text(f"{TITLE} ({MEAN}%)")
    pias = managers.filter(has=fiona.get_by_role("rowheader", name="Pia Noor"))
    expect(pias).not_to_contain_text(TITLE)

    # Marco reads his own row and the cohort without names.
    marco.get_by_role("link", name="All the cohort's role-plays").click()
    marco.get_by_role("link", name=COHORT).click()
    marco.get_by_role("link", name="Adoption").click()
    expect(marco.locator("table.adoption tbody tr")).to_have_count(1)
    expect(marco.locator("table.adoption tbody")).to_contain_text(f"{TITLE} ({MEAN}%)")
    expect(marco.get_by_role("heading", name="The cohort")).to_be_visible()
    expect(marco.locator("main")).not_to_contain_text("Pia Noor")


def test_screenshots_of_harbors_program(
    new_context: NewContext, screenshot_dir: Path, demo_data: None
) -> None:
    """The README's pages of story 004, from the demo: Harbor Office Supply's cohort, a call
    held, a role-play side by side, the calibration and the cohort's adoption, as Morgan (its
    facilitator) sees them. SCREENSHOT_DIR."""

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

    # Helen's role-play of the third call, side by side; the workshop's calibration.
    morgan.get_by_role("link", name=programs_demo.COHORT).click()
    morgan.get_by_role("link", name="Role-plays").click()
    helens = role_plays_demo.SCENARIOS[3][0].format(n=3) + " (Helen)"
    morgan.get_by_role("link", name=helens).click()
    expect(heading(morgan)).to_have_text(helens)
    side = morgan.get_by_role("region", name="Scores side by side")
    expect(side.locator("tr.disagree").first).to_be_visible()
    shot(morgan, "48-role-play")
    morgan.get_by_role("link", name="All the cohort's role-plays").click()
    morgan.get_by_role("link", name=CALIBRATION).click()
    expect(heading(morgan)).to_have_text(CALIBRATION)
    expect(morgan.get_by_role("region", name="The spread per criterion")).to_be_visible()
    shot(morgan, "49-calibration")

    # Who is really coaching: Helen, with few sessions, first.
    morgan.get_by_role("link", name="All the cohort's role-plays").click()
    morgan.get_by_role("link", name="Adoption").click()
    expect(heading(morgan)).to_contain_text("Are the managers coaching?")
    rows = morgan.locator("table.adoption tbody tr th")
    expect(rows).to_have_text(["Helen Brooks", re.compile("Sam|Priya"), re.compile("Sam|Priya")])
    shot(morgan, "50-adoption")
