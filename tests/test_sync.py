"""Coach and manager in sync (issue 12, item 5): the private thread on a rep, reviews, and the
review brief the manager receives the working day before.

The world: the coach coaches "rep", the stakeholder (the rep's manager here) follows "rep";
"other_rep" is nobody's. Emails go through a real SMTP server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Role
from followthrough.coaching import actions as coaching
from followthrough.events.models import Event
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib.errors import ActionRefused
from followthrough.metrics.models import ConfidenceRating, Entry, EntrySource, Metric
from followthrough.sync import actions
from followthrough.sync.models import Note, NoteKind, Review, ReviewState
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import Inbox, World, dispatch, make_member, text_body

UTC = dt.UTC
SECRET = "Karen thinks he rushes the demos"
SHARED = "You sound surer on the phone"
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def note(world: World, who: str, text: str, **kwargs: Any) -> Note:
    return actions.write_note(world.members["rep"], author=world.members[who], text=text, **kwargs)


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def thread_url(world: World, rep: str = "rep") -> str:
    return reverse("thread", args=["acme", world.members[rep].pk])


# Privacy --------------------------------------------------------------------------------------


def test_the_rep_reads_only_the_notes_shared_with_them(world: World) -> None:
    note(world, "coach", SECRET, for_manager=True)
    note(world, "coach", SHARED, shared_with_rep=True)
    page = world.client("rep").get(thread_url(world)).content.decode()
    assert SHARED in page
    assert SECRET not in page
    assert "Write a note" not in page
    for who in ("coach", "stakeholder", "admin"):
        page = world.client(who).get(thread_url(world)).content.decode()
        assert SECRET in page and SHARED in page, who


def test_nobody_else_reads_the_thread(world: World) -> None:
    note(world, "coach", SECRET)
    stranger = make_member(world.workspace, "stranger", Role.STAKEHOLDER)
    other_coach = make_member(world.workspace, "other_coach", Role.COACH)
    for who, status in [("other_rep", 403), ("outsider", 404)]:
        response = world.client(who).get(thread_url(world))
        assert response.status_code == status
        assert SECRET not in response.content.decode()
    for member in (stranger, other_coach):
        world.members[member.user.email.split("@")[0]] = member
        response = world.client(member.user.email.split("@")[0]).get(thread_url(world))
        assert response.status_code == 403
        assert SECRET not in response.content.decode()


def test_the_rep_and_outsiders_cannot_write(world: World) -> None:
    for who in ("rep", "other_rep", "outsider"):
        world.client(who).post(thread_url(world), {"text": "sneaky", "kind": "note"})
    assert not Note.objects.exists()
    with pytest.raises(ActionRefused):
        note(world, "rep", "my own note")


def test_a_stakeholder_writes_in_the_thread_but_not_for_the_manager(world: World) -> None:
    response = world.client("stakeholder").post(
        thread_url(world),
        {"text": "I'm seeing more calls", "kind": NoteKind.SEEING, "for_manager": "on"},
    )
    assert response.status_code == 302
    written = Note.objects.get()
    assert (written.author, written.kind) == (world.members["stakeholder"], NoteKind.SEEING)
    assert not written.for_manager  # a coach's mark only


def test_a_note_is_an_event_private_unless_shared(world: World) -> None:
    private = note(world, "coach", SECRET)
    shared = note(world, "coach", SHARED, shared_with_rep=True)
    assert Event.objects.about(private).get().private
    assert not Event.objects.about(shared).get().private
    assert SECRET not in str(Event.objects.about(private).get().data)
    history = world.client("rep").get(
        reverse("rep_history", args=["acme", world.members["rep"].pk])
    )
    text = history.content.decode()
    assert "shared a note" in text
    assert "wrote a note" not in text


def test_html_and_scripts_in_notes_are_harmless(world: World, smtp_server: Inbox) -> None:
    note(world, "coach", EVIL, shared_with_rep=True)
    for who in ("rep", "stakeholder"):
        page = world.client(who).get(thread_url(world)).content.decode()
        assert EVIL not in page
        assert "&lt;script&gt;" in page
    dispatch()
    [message] = smtp_server.wait_for(1)
    html = html_body(message)
    assert EVIL not in html and "&lt;script&gt;" in html
    assert EVIL in text_body(message)  # plain text shows it as it was typed


def test_the_thread_link_shows_to_those_who_may_open_it(world: World) -> None:
    rep_page = reverse("member_detail", args=["acme", world.members["rep"].pk])
    assert thread_url(world) in world.client("coach").get(rep_page).content.decode()
    assert thread_url(world) in world.client("stakeholder").get(rep_page).content.decode()
    page = world.client("rep").get(rep_page).content.decode()
    assert "Notes your coaches and managers shared with you" in page
    assert "Coach–manager thread" not in page


# Telling the others ---------------------------------------------------------------------------


def test_the_others_hear_of_notes_at_most_once_an_hour(world: World, smtp_server: Inbox) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC), tick=False):
        note(world, "coach", "First")
        note(world, "coach", "Second")  # joins the email waiting for the stakeholder
        rows = FollowUp.objects.filter(kind=Kind.SYNC_NOTES)
        assert [r.to_email for r in rows] == [world.user("stakeholder").email]
        dispatch()
    [message] = smtp_server.wait_for(1)
    body = text_body(message)
    assert "First" in body and "Second" in body
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 20, tzinfo=UTC), tick=False):
        note(world, "coach", "Third")
        waiting = FollowUp.objects.get(kind=Kind.SYNC_NOTES, state=State.SCHEDULED)
        assert waiting.send_at == dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
        assert dispatch().sent == 0
        # The stakeholder's own note goes to the coach, not back to the stakeholder.
        note(world, "stakeholder", "Seen it")
        coach_rows = FollowUp.objects.filter(kind=Kind.SYNC_NOTES, recipient=world.user("coach"))
        assert coach_rows.count() == 1
    with time_machine.travel(dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC), tick=False):
        dispatch()
    messages = smtp_server.wait_for(3)
    later = {m["To"]: text_body(m) for m in messages[1:]}
    assert "Third" in later[world.user("stakeholder").email]
    assert "First" not in later[world.user("stakeholder").email]
    assert "Seen it" in later[world.user("coach").email]


# Reviews and their brief ----------------------------------------------------------------------


def book(world: World, starts_at: dt.datetime, manager: str = "stakeholder") -> Review:
    return actions.book_review(
        world.members["rep"], manager=world.members[manager], starts_at=starts_at
    )


@pytest.mark.parametrize(
    ("review_at", "brief_at"),
    [
        # Monday 9 March 2026, the day after New York moved to summer time: the brief goes on
        # Friday at 09:00, still winter time (14:00 UTC).
        (dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC), dt.datetime(2026, 3, 6, 14, 0, tzinfo=UTC)),
        # Tuesday 10 March: the brief on Monday 09:00, summer time (13:00 UTC).
        (dt.datetime(2026, 3, 10, 19, 0, tzinfo=UTC), dt.datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
        # Monday 2 November, the day after the change back: Friday 09:00 summer time.
        (dt.datetime(2026, 11, 2, 19, 0, tzinfo=UTC), dt.datetime(2026, 10, 30, 13, 0, tzinfo=UTC)),
    ],
)
def test_the_brief_goes_out_the_working_day_before_at_the_managers_hour(
    world: World, smtp_server: Inbox, review_at: dt.datetime, brief_at: dt.datetime
) -> None:
    live_in(world, "stakeholder", NEW_YORK)
    with time_machine.travel(brief_at - dt.timedelta(days=10), tick=False):
        book(world, review_at)
    with time_machine.travel(brief_at - dt.timedelta(minutes=1), tick=False):
        dispatch()
    with time_machine.travel(brief_at, tick=False):
        dispatch()
    messages = smtp_server.wait_for(2)
    briefs = [m for m in messages if m["To"] == world.user("stakeholder").email]
    assert len(briefs) == 1
    assert "the brief" in str(briefs[0]["Subject"])
    brief = FollowUp.objects.get(kind=Kind.REVIEW_BRIEF)
    assert (brief.state, brief.sent_at) == (State.SENT, brief_at)


def test_the_coaches_are_told_when_a_review_is_booked(world: World, smtp_server: Inbox) -> None:
    live_in(world, "coach", "Europe/Madrid")
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC), tick=False):
        book(world, dt.datetime(2026, 11, 12, 15, 0, tzinfo=UTC))
        dispatch()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == world.user("coach").email
    assert "Stakeholder booked a review with Rep" in str(message["Subject"])
    assert "16:00" in text_body(message)  # the coach's time, Madrid


def test_a_moved_review_moves_its_brief_and_a_cancelled_one_sends_none(
    world: World, smtp_server: Inbox
) -> None:
    live_in(world, "stakeholder", NEW_YORK)
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 0, tzinfo=UTC), tick=False):
        review = book(world, dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC))
        actions.move_review(
            review, starts_at=dt.datetime(2026, 3, 12, 19, 0, tzinfo=UTC), by=world.user("coach")
        )
    brief = FollowUp.objects.get(kind=Kind.REVIEW_BRIEF)
    assert brief.send_at == dt.datetime(2026, 3, 11, 13, 0, tzinfo=UTC)  # Wednesday 09:00 EDT
    with time_machine.travel(dt.datetime(2026, 3, 6, 14, 0, tzinfo=UTC), tick=False):
        dispatch()  # the old time: nothing
    with time_machine.travel(dt.datetime(2026, 3, 11, 13, 0, tzinfo=UTC), tick=False):
        dispatch()
    subjects = [str(m["Subject"]) for m in smtp_server.wait_for(3)]
    assert sum("the brief" in s for s in subjects) == 1
    assert any("moved the review" in s for s in subjects)
    # Booked again and cancelled: its brief never goes.
    with time_machine.travel(dt.datetime(2026, 3, 16, 14, 0, tzinfo=UTC), tick=False):
        second = book(world, dt.datetime(2026, 3, 20, 19, 0, tzinfo=UTC))
        actions.cancel_review(second, by=world.user("stakeholder"))
    with time_machine.travel(dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC), tick=False):
        dispatch()
    smtp_server.wait_for(6, timeout=1)
    cancelled = FollowUp.objects.about(second).get(kind=Kind.REVIEW_BRIEF)
    assert cancelled.state == State.CANCELLED
    assert sum("the brief" in str(m["Subject"]) for m in smtp_server.messages) == 1
    assert any("cancelled the review" in str(m["Subject"]) for m in smtp_server.messages)
    second.refresh_from_db()
    assert second.state == ReviewState.CANCELLED


def test_a_review_booked_for_tomorrow_sends_its_brief_now(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 3, 20, 0, tzinfo=UTC), tick=False):
        book(world, dt.datetime(2026, 11, 4, 15, 0, tzinfo=UTC))
        brief = FollowUp.objects.get(kind=Kind.REVIEW_BRIEF)
        assert brief.send_at == dt.datetime(2026, 11, 3, 20, 0, tzinfo=UTC)


def test_a_review_in_the_past_or_by_an_outsider_is_refused(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 3, 20, 0, tzinfo=UTC), tick=False):
        with pytest.raises(ActionRefused):
            book(world, dt.datetime(2026, 11, 3, 19, 0, tzinfo=UTC))
        with pytest.raises(ActionRefused):
            book(world, dt.datetime(2026, 11, 9, 19, 0, tzinfo=UTC), manager="other_rep")
    assert not Review.objects.exists()


# What the brief says --------------------------------------------------------------------------

PLAN_START = dt.date(2026, 2, 2)  # a Monday
BRIEF_DAY = dt.datetime(2026, 3, 6, 14, 0, tzinfo=UTC)


def entries(world: World, name: str, values: dict[dt.date, int]) -> None:
    metric = Metric.of(world.workspace).get(name=name)
    for day, value in values.items():
        Entry.objects.create(
            workspace=world.workspace,
            member=world.members["rep"],
            metric=metric,
            day=day,
            value=Decimal(value),
            source=EntrySource.IMPORT,
        )


def bobs_five_weeks(world: World) -> None:
    live_in(world, "stakeholder", NEW_YORK)
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(dt.datetime(2026, 2, 1, 14, 0, tzinfo=UTC), tick=False):
        coaching.create_plan(
            coach=world.members["coach"],
            rep=world.members["rep"],
            purpose="Keep the job: 60-day ultimatum",
            starts_on=PLAN_START,
            deadline=PLAN_START + dt.timedelta(days=60),
            target_metric="revenue",
            target_low=Decimal(14000),
            target_high=Decimal(16000),
            target_unit="USD",
        )
    first = PLAN_START + dt.timedelta(days=1)
    last = dt.date(2026, 3, 3)
    entries(world, "Calls made", {first: 5, last: 31})
    entries(world, "Conversations", {first: 6, last: 2})
    entries(world, "Revenue", {last: 4200})
    for day, rating in [(dt.datetime(2026, 2, 3, 22, 0, tzinfo=UTC), 2), (BRIEF_DAY, 4)]:
        ConfidenceRating.objects.create(
            workspace=world.workspace, member=world.members["rep"], rating=rating, rated_at=day
        )
    with time_machine.travel(dt.datetime(2026, 3, 4, 14, 0, tzinfo=UTC), tick=False):
        note(world, "coach", "He asks for help now: Castle Dental next week", for_manager=True)
        note(world, "coach", SECRET)  # not for the manager: not in the brief
        book(world, dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC))


def test_the_brief_puts_the_improvements_first(world: World, smtp_server: Inbox) -> None:
    bobs_five_weeks(world)
    with time_machine.travel(BRIEF_DAY, tick=False):
        dispatch()
    [brief] = [m for m in smtp_server.wait_for(2) if "the brief" in str(m["Subject"])]
    body = text_body(brief)
    gained = body.index("What Rep gained since the plan started")
    not_yet = body.index("Not moved yet")
    assert gained < body.index("Calls made: 5 → 31") < not_yet
    assert gained < body.index("Confidence (1 to 5): 2 → 4") < not_yet
    assert not_yet < body.index("Conversations: 6 → 2")
    assert "4,200 USD so far" in body
    assert "He asks for help now" in body
    assert SECRET not in body
    html = html_body(brief)
    assert html.index("Calls made") < html.index("Not moved yet") < html.index("Conversations")


def test_karen_reads_the_brief_page_and_writes_her_note_after(world: World) -> None:
    bobs_five_weeks(world)
    review = Review.objects.get()
    with time_machine.travel(dt.datetime(2026, 3, 9, 21, 0, tzinfo=UTC), tick=False):
        page = world.client("stakeholder").get(review.get_absolute_url()).content.decode()
        assert page.index("Calls made") < page.index("Not moved yet")
        assert "He asks for help now" in page and SECRET not in page
        response = world.client("stakeholder").post(
            reverse("review_note", args=["acme", review.pk]), {"text": "Told him: keep going"}
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.HELD
    after = Note.objects.get(kind=NoteKind.AFTER_REVIEW)
    assert after.review == review
    coach_page = world.client("coach").get(thread_url(world)).content.decode()
    assert "Told him: keep going" in coach_page
    assert FollowUp.objects.filter(kind=Kind.SYNC_NOTES, recipient=world.user("coach")).exists()
    assert world.client("rep").get(review.get_absolute_url()).status_code == 403
    assert "Told him" not in world.client("rep").get(thread_url(world)).content.decode()


def test_a_brief_of_a_rep_with_no_plan_says_so(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 0, tzinfo=UTC), tick=False):
        review = book(world, dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC))
        page = world.client("coach").get(review.get_absolute_url()).content.decode()
    assert "No plan yet, so there is nothing to compare." in page


def test_leaving_the_thread_stops_the_emails_about_it(world: World, smtp_server: Inbox) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 14, 0, tzinfo=UTC), tick=False):
        note(world, "coach", SECRET)
        accounts.set_relationships(world.members["rep"], [world.members["coach"]], [])
        dispatch()
    [message] = smtp_server.wait_for(1)
    assert SECRET not in text_body(message)


@pytest.mark.parametrize("visitor", ["rep", "other_rep", "outsider"])
def test_refused_review_changes_change_nothing(world: World, visitor: str) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 0, tzinfo=UTC), tick=False):
        review = book(world, dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC))
        client = world.client(visitor)
        client.post(
            reverse("review_move", args=["acme", review.pk]), {"starts_at": "2026-03-20T10:00"}
        )
        client.post(reverse("review_cancel", args=["acme", review.pk]))
        client.post(reverse("review_note", args=["acme", review.pk]), {"text": "sneaky"})
        client.post(
            reverse("review_new", args=["acme", world.members["rep"].pk]),
            {"starts_at": "2026-03-20T10:00"},
        )
    review.refresh_from_db()
    assert (review.state, review.starts_at) == (
        ReviewState.SCHEDULED,
        dt.datetime(2026, 3, 9, 19, 0, tzinfo=UTC),
    )
    assert Review.objects.count() == 1
    assert not Note.objects.exists()


# The demo -------------------------------------------------------------------------------------


def test_the_demo_tells_karens_review_brief(db: object) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.test import Client

    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())  # once only
    bob = Review.objects.select_related("rep__user", "manager__user").get()
    assert (bob.rep.user.name, bob.manager.user.name) == ("Bob Keller", "Karen Liu")
    assert Note.objects.filter(rep=bob.rep).count() == 6
    assert Note.objects.filter(author__user__email="tom@example.com").exists()
    karen = Client()
    karen.force_login(bob.manager.user)
    page = karen.get(bob.get_absolute_url()).content.decode()
    gained = page.index("What Bob gained since the plan started")
    assert gained < page.index("Calls made") < page.index("The coach's notes for you")
    assert "start with what he gained" in page
    rep = Client()
    rep.force_login(bob.rep.user)
    assert rep.get(bob.get_absolute_url()).status_code == 403
    thread = rep.get(reverse("thread", args=["brightline", bob.rep.pk])).content.decode()
    assert "Bring your numbers" in thread and "rushes the demos" not in thread
    # The coaches heard of the booking; the brief waits for (or went at) Karen's morning.
    notice = FollowUp.objects.get(kind=Kind.REVIEW_NOTICE)
    assert notice.to_email == "morgan@example.com"
    assert FollowUp.objects.get(kind=Kind.REVIEW_BRIEF).state in (State.SCHEDULED, State.SENT)


def test_the_brief_speaks_the_managers_language(world: World, smtp_server: Inbox) -> None:
    from followthrough.accounts.models import Profile

    Profile.objects.filter(user=world.user("stakeholder")).update(language="es")
    bobs_five_weeks(world)
    with time_machine.travel(BRIEF_DAY, tick=False):
        dispatch()
    [brief] = [m for m in smtp_server.wait_for(3) if "el resumen" in str(m["Subject"])]
    assert brief["To"] == world.user("stakeholder").email
    body = text_body(brief)
    assert "Lo que Rep ganó desde que empezó el plan" in body
    assert "Confianza (1 a 5): 2 → 4" in body


def test_the_demo_leaves_nothing_of_this_story_waiting_from_the_past(db: object) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    call_command("demo", stdout=StringIO())
    late = FollowUp.objects.filter(
        state=State.SCHEDULED, send_at__lt=timezone.now() - dt.timedelta(minutes=1)
    )
    assert list(late.exclude(kind=Kind.INVITATION)) == []
    assert FollowUp.objects.get(kind=Kind.INVITATION).state == State.SCHEDULED
    assert FollowUp.objects.filter(kind=Kind.SYNC_NOTES, state=State.SENT).exists()
