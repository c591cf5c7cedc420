"""Harbor Office Supply's program in the demo: the workshop and three calls held, three to
come; attendance, debriefs, a private note, commitments (some answered); seeded once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from followthrough.accounts.models import User, Workspace
from followthrough.coaching.models import Commitment, Response
from followthrough.demo import programs as programs_demo
from followthrough.demo import stories as demo
from followthrough.programs.models import Attendance, Cohort, ProgramSession, ProgramSessionState


def check_the_program() -> Cohort:
    harbor = Workspace.objects.get(slug=demo.HARBOR[0])
    cohort = Cohort.objects.get(workspace=harbor)
    assert cohort.program.name == "Manager as Sales Coach"
    assert cohort.facilitator.user.name == "Morgan Reyes"
    assert [m.user.name for m in cohort.program.sponsors.all()] == ["Rachel Adler"]
    assert sorted(e.manager.user.name for e in cohort.enrollments.all()) == [
        "Helen Brooks",
        "Priya Natarajan",
        "Sam Okafor",
    ]
    sessions = list(cohort.sessions.order_by("number"))
    assert [s.state for s in sessions] == [ProgramSessionState.HELD] * 4 + [
        ProgramSessionState.SCHEDULED
    ] * 3
    now = timezone.now()
    assert all(s.starts_at < now for s in sessions[:4])
    assert all(s.starts_at > now for s in sessions[4:])
    assert dt.timedelta(weeks=6) < now - sessions[0].starts_at < dt.timedelta(weeks=8)
    assert all(s.debrief for s in sessions[:4])
    helen_absent = Attendance.objects.get(
        session=sessions[2], enrollment__manager__user__email="helen@example.com"
    )
    assert helen_absent.present is False
    assert Attendance.objects.exclude(private_note="").count() == 3
    for email in ("priya@example.com", "sam@example.com", "helen@example.com"):
        assert Commitment.objects.filter(owner__user__email=email).count() >= 2
    answered = Response.objects.filter(commitment__plan__workspace=harbor)
    assert answered.filter(commitment__owner__user__email="priya@example.com").exists()
    assert not answered.filter(
        commitment__owner__user__email="helen@example.com",
        commitment__session__starts_at__gt=sessions[1].starts_at,
    ).exists()
    return cohort


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2026, 12, 8, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 2, 15, 0, tzinfo=dt.UTC),  # a Saturday, just after New Year
    ],
)
def test_the_demo_program_is_seeded_once(db: object, day: dt.datetime) -> None:
    with time_machine.travel(day, tick=True):
        call_command("demo", stdout=StringIO())
        cohort = check_the_program()
        counts = (ProgramSession.objects.count(), Commitment.objects.count())
        call_command("demo", stdout=StringIO())
        assert (ProgramSession.objects.count(), Commitment.objects.count()) == counts
        assert programs_demo.seed(cohort.workspace) == cohort


def test_the_sponsor_and_the_facilitator_see_the_cohort(db: object) -> None:
    call_command("demo", stdout=StringIO())
    cohort = Cohort.objects.get(workspace__slug=demo.HARBOR[0])
    for email in ("rachel@example.com", "morgan@example.com", "helen@example.com"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        assert client.get(cohort.get_absolute_url()).status_code == 200
    marco = Client()
    marco.force_login(User.objects.get(email="marco@example.com"))
    assert marco.get(cohort.get_absolute_url()).status_code == 403
