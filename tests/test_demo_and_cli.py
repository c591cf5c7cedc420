"""The demo data and the `followthrough` console command."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.coaching.models import (
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    Todo,
    TodoKind,
)
from followthrough.demo import clock
from followthrough.demo import stories as demo
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, Heartbeat, Kind, State


def test_demo_is_idempotent_and_tells_the_stories(db: object) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    counts = (User.objects.count(), Membership.objects.count(), Workspace.objects.count())
    call_command("demo", stdout=StringIO())
    call_command("demo", "--once", stdout=StringIO())
    assert (User.objects.count(), Membership.objects.count(), Workspace.objects.count()) == counts
    assert "morgan@example.com" in out.getvalue()
    assert demo.DEMO_PASSWORD in out.getvalue()

    bob = Membership.objects.get(user__email="bob@example.com", workspace__slug="brightline")
    assert bob.role == Role.REP
    assert {c.user.name for c in bob.coaches()} == {"Morgan Reyes", "Karen Liu"}
    assert [f.user.name for f in bob.followers()] == ["Tom Brandt"]
    alejandro = User.objects.get(email="alejandro@example.com")
    assert alejandro.profile.time_zone == "America/Argentina/Buenos_Aires"
    assert alejandro.profile.language == "es"
    # Story 001 is told in Spanish: Alejandro and his manager Gustavo read it so; Morgan, English.
    assert User.objects.get(email="gustavo@example.com").profile.language == "es"
    morgan = User.objects.get(email=demo.DEMO_COACH_EMAIL)
    assert morgan.profile.language == "en"
    assert morgan.active_memberships().count() == 2  # an independent coach, two companies
    assert morgan.check_password(demo.DEMO_PASSWORD)


def test_demo_once_leaves_changes_alone(db: object) -> None:
    call_command("demo", stdout=StringIO())
    bob = User.objects.get(email="bob@example.com")
    bob.set_password("bob-changed-his-password")
    bob.save()
    out = StringIO()
    call_command("demo", "--once", stdout=out)
    assert "already loaded" in out.getvalue()
    bob.refresh_from_db()
    assert bob.check_password("bob-changed-his-password")


def followups_about(commitment: Commitment) -> list[tuple[str, str]]:
    about = ContentType.objects.get_for_model(Commitment)
    rows = FollowUp.objects.filter(about_type=about, about_id=commitment.pk)
    return list(rows.values_list("kind", "state"))


def assert_the_loop_shows_every_state() -> Plan:
    """Bob's plan: every state of a commitment, and the next session carrying the open ones."""
    now = timezone.now()
    plan = Plan.objects.get(workspace__slug="brightline", rep__user__email="bob@example.com")
    assert plan.purpose == "Keep the job: 60-day ultimatum"
    assert plan.target_display() == "revenue 14,000-16,000 USD"
    assert [s.user.email for s in plan.stakeholders.all()] == ["tom@example.com"]
    past = plan.sessions.filter(state=SessionState.FINISHED)
    assert past.count() >= 5
    assert all(s.finished_at and s.finished_at < now and s.summary for s in past)
    commitments = list(plan.commitments.all())
    assert {c.state for c in commitments} >= {
        CommitmentState.DONE,
        CommitmentState.PARTLY,
        CommitmentState.OPEN,
        CommitmentState.MISSED,
        CommitmentState.DROPPED,
    }
    done = Response.objects.filter(commitment__plan=plan, answer=Answer.DONE).exclude(numbers={})
    assert done.exists()
    partly = Response.objects.filter(commitment__plan=plan, answer=Answer.PARTLY)
    assert partly.exclude(numbers={}).exclude(comment="").exists()

    open_loops = [c for c in commitments if c.is_open_loop()]
    assert open_loops and all(not c.responses.exists() for c in open_loops)
    assert (Kind.REMINDER, State.SENT) in followups_about(open_loops[0])
    reminded = [
        c
        for c in commitments
        if (Kind.REMINDER, State.SENT) in followups_about(c)
        and c.state == CommitmentState.OPEN
        and not c.responses.exists()
        and not c.is_open_loop()
    ]
    assert reminded and reminded[0].open_loop_at is not None and reminded[0].open_loop_at > now
    [second_round] = [c for c in commitments if c.round == 2]
    assert second_round.state == CommitmentState.OPEN
    assert second_round.responses.get(round=1).answer == Answer.NOT_YET
    assert second_round.checkin_at is not None and second_round.checkin_at > now
    [talk] = [c for c in commitments if c.needs_talk]
    assert Todo.objects.filter(commitment=talk, kind=TodoKind.BOOK_TALK, done_at=None).exists()

    upcoming = plan.next_session()
    assert upcoming is not None and upcoming.invited and upcoming.starts_at > now
    agenda = list(upcoming.agenda())
    assert {open_loops[0], reminded[0], second_round, talk} <= set(agenda)
    assert all(c.session.starts_at < upcoming.starts_at for c in agenda)
    assert {c.state for c in agenda} == {CommitmentState.OPEN, CommitmentState.PARTLY}

    # The dispatcher of `make run` finds nothing of the loop waiting from the past.
    late = FollowUp.objects.filter(state=State.SCHEDULED, send_at__lt=now - dt.timedelta(minutes=1))
    assert list(late.exclude(kind=Kind.INVITATION)) == []
    return plan


def test_demo_plays_the_coaching_loop_in_every_state(db: object) -> None:
    call_command("demo", stdout=StringIO())
    assert_the_loop_shows_every_state()

    # Story 001: five calls, four referrals asked; the other five are agreed again.
    first, again = Commitment.objects.filter(owner__user__email="alejandro@example.com").order_by(
        "created_at"
    )
    assert first.state == CommitmentState.PARTLY
    answer = first.latest_response()
    assert answer is not None and answer.numbers == {"calls": 5, "referrals asked": 4}
    assert [m["target"] for m in first.measures] == [10, 30]
    assert again.state == CommitmentState.OPEN and "otros 5" in again.text  # told in Spanish
    assert not again.is_open_loop()
    # Story 002: Derek and his manager, one open step.
    [derek] = Commitment.objects.filter(owner__user__email="derek@example.com")
    assert derek.state == CommitmentState.OPEN and derek.plan.coach.user.name == "Linda Sorensen"


def test_demo_loop_is_seeded_once(db: object) -> None:
    call_command("demo", stdout=StringIO())
    models = (Plan, Session, Commitment, Response, Todo, FollowUp)
    counts = [model.objects.count() for model in models]
    call_command("demo", stdout=StringIO())
    call_command("demo", "--once", stdout=StringIO())
    assert [model.objects.count() for model in models] == counts


def test_coach_sees_the_demo_loop_on_her_today_page(db: object) -> None:
    call_command("demo", stdout=StringIO())
    morgan = User.objects.get(email=demo.DEMO_COACH_EMAIL)
    open_loop = next(
        c for c in Commitment.objects.filter(plan__coach__user=morgan) if c.is_open_loop()
    )
    talk = Commitment.objects.get(plan__coach__user=morgan, needs_talk=True)
    client = Client()
    client.force_login(morgan)
    response = client.get(reverse("workspace_home", args=["brightline"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(open_loop.text) in page
    assert escape(talk.text) in page


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2027, 1, 2, 15, 0, tzinfo=dt.UTC),  # a Saturday, just after New Year
        dt.datetime(2026, 3, 9, 3, 30, tzinfo=dt.UTC),  # Sunday night in New York, after DST
        dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC),  # Monday morning, after DST ends
        dt.datetime(2026, 7, 3, 23, 0, tzinfo=dt.UTC),  # Friday evening
    ],
)
def test_demo_loop_works_on_any_day(db: object, day: dt.datetime) -> None:
    with time_machine.travel(day, tick=True):
        call_command("demo", stdout=StringIO())
        assert_the_loop_shows_every_state()


def test_console_command_runs_management_commands(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "followthrough"
    assert command.exists(), "pip install -e . puts the followthrough command beside python"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "followthrough.settings"})
    result = subprocess.run(
        [str(command), "help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for name in ("demo", "serve", "migrate"):
        assert name in result.stdout


def test_manage_py_is_the_same_command(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "followthrough.settings"})
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_the_demo_history_tells_bobs_story(db: object) -> None:
    """Story 000 on Bob's History page, in order, as the VP may read it."""
    call_command("demo", stdout=StringIO())
    bob = Membership.objects.get(user__email="bob@example.com")
    tom = User.objects.get(email="tom@example.com")
    client = Client()
    client.force_login(tom)
    page = client.get(reverse("rep_history", args=[bob.workspace.slug, bob.pk])).content.decode()
    story = [
        "opened the plan “Keep the job: 60-day ultimatum” for Bob Keller",
        "finished a session: 3 next steps agreed",
        "Bob Keller answered Done (Finish the sales evaluation",
        "Bob Keller answered Done: calls 43 (Make 40 prospecting calls",
        "Bob Keller answered Let&#x27;s talk (Ask three happy customers for a referral)",
    ]
    positions = [page.find(escape(line) if "&#x27;" not in line else line) for line in story]
    assert -1 not in positions, list(zip(story, positions, strict=True))
    assert positions == sorted(positions, reverse=True)  # newest first
    assert "saved notes" not in page  # the coach's notes are not the VP's to read


# The demo tells its stories through the real actions and the real dispatcher ----------------


def test_the_demo_sends_through_the_real_dispatcher_into_the_outbox(db: object) -> None:
    call_command("demo", stdout=StringIO())
    sent = FollowUp.objects.filter(state=State.SENT)
    assert sent.exists()
    # Each went out at its own time, marked by the dispatcher that sent it, with its message.
    assert all(f.sent_at == f.send_at and f.claimed_by == clock.WORKER for f in sent)
    assert all(f.subject and f.body_text and f.message_id for f in sent)
    # Into the app's outbox, never to the mail server: the demo's people are at example.com.
    assert mail.outbox == []
    # It is not a running dispatcher: the pages still tell whether the real one is alive.
    assert not Heartbeat.objects.exists()
    # Nina's invitation of today waits for the dispatcher of `make run`.
    assert FollowUp.objects.get(kind=Kind.INVITATION).state == State.SCHEDULED


def test_the_demo_leaves_what_other_workspaces_have_waiting_to_the_real_dispatcher(
    db: object,
) -> None:
    elsewhere = Workspace.objects.create(slug="acme", name="Acme")
    waiting = followups.schedule(
        kind=Kind.NOTICE,
        template="notice",
        to_email="rep@example.org",
        workspace=elsewhere,
        send_at=timezone.now() - dt.timedelta(days=20),  # overdue: the dispatcher was down
        context={"subject": "How did it go?", "text": "Did you get the result?"},
    )
    call_command("demo", stdout=StringIO())
    waiting.refresh_from_db()
    assert waiting.state == State.SCHEDULED and waiting.sent_at is None


def test_the_demo_sessions_were_invited_when_they_were_booked(db: object) -> None:
    """The sessions of the past were booked in the past, so their invitations went out then."""
    call_command("demo", stdout=StringIO())
    session_type = ContentType.objects.get_for_model(Session)
    for session in Session.objects.filter(plan__rep__user__email="bob@example.com"):
        assert session.invited, session
        invitations = FollowUp.objects.filter(
            about_type=session_type, about_id=session.pk, kind=Kind.MEETING_INVITE
        )
        assert {f.to_email for f in invitations} == {"bob@example.com", demo.DEMO_COACH_EMAIL}
        assert all(f.sent_at and f.sent_at < session.starts_at for f in invitations)


def test_what_the_demo_writes_today_is_dated_today(db: object) -> None:
    """Only the story's steps move the clock: the coach's to-do of today is written today."""
    call_command("demo", stdout=StringIO())
    morgan = Membership.objects.get(user__email=demo.DEMO_COACH_EMAIL, workspace__slug="brightline")
    todo = Todo.objects.get(owner=morgan, text__startswith="Call Karen before Bob's review")
    zone = morgan.user.profile.zone
    assert timezone.localdate(todo.created_at, zone) == timezone.localdate(timezone.now(), zone)
