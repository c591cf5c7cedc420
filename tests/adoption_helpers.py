"""A cohort with managers, reps, sessions, commitments, check-ins, answers, role-plays and
results, written straight with the ORM at fixed moments, so that every adoption figure can be
worked out by hand (tests/test_programs_adoption.py says how, figure by figure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from followthrough.accounts.models import Membership, Role
from followthrough.coaching.models import (
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    Source,
)
from followthrough.followups.models import FollowUp, State
from followthrough.metrics.models import Entry, Metric
from followthrough.programs.models import (
    Assessment,
    AssessorKind,
    Cohort,
    Criterion,
    Enrollment,
    Filling,
    Level,
    Program,
    RolePlay,
    Rubric,
)
from tests.conftest import World, make_member

NEW_YORK = ZoneInfo("America/New_York")
# The workshop: Monday 2 March 2026. New York springs forward on Sunday 8 March.
STARTS_ON = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)


def ny(text: str) -> dt.datetime:
    """A wall time in New York."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@dataclass
class Cohorts:
    cohort: Cohort
    people: dict[str, Membership] = field(default_factory=dict)
    enrollments: dict[str, Enrollment] = field(default_factory=dict)


def person(w: World, key: str, role: Role, zone: str = "America/New_York") -> Membership:
    member = w.members.get(key) or make_member(w.workspace, key, role)
    profile = member.user.profile
    profile.time_zone = zone
    profile.save()
    w.members[key] = member
    return member


def make_cohort(w: World, facilitator: Membership, starts_on: dt.date = STARTS_ON) -> Cohort:
    program = Program.objects.create(workspace=w.workspace, name="Manager as Sales Coach")
    return Cohort.objects.create(
        workspace=w.workspace,
        program=program,
        name="Spring",
        facilitator=facilitator,
        starts_on=starts_on,
    )


def enroll(cohort: Cohort, manager: Membership) -> Enrollment:
    return Enrollment.objects.create(
        workspace=cohort.workspace, program=cohort.program, cohort=cohort, manager=manager
    )


def plan(
    coach: Membership,
    rep: Membership,
    per_week: int = 1,
    *,
    low: int | None = None,
    metric: str = "",
    starts_on: dt.date = dt.date(2026, 1, 5),
    deadline: dt.date = dt.date(2026, 5, 4),
) -> Plan:
    return Plan.objects.create(
        workspace=coach.workspace,
        coach=coach,
        rep=rep,
        purpose=f"{rep.user.name} with {coach.user.name}",
        starts_on=starts_on,
        deadline=deadline,
        sessions_per_week=per_week,
        target_metric=metric,
        target_low=Decimal(low) if low is not None else None,
        created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )


def held(the_plan: Plan, when: dt.datetime) -> Session:
    return Session.objects.create(
        workspace=the_plan.workspace,
        plan=the_plan,
        starts_at=when - dt.timedelta(minutes=45),
        state=SessionState.FINISHED,
        finished_at=when,
    )


def commitment(
    session: Session,
    owner: Membership,
    due_on: dt.date,
    state: str = CommitmentState.OPEN,
) -> Commitment:
    return Commitment.objects.create(
        workspace=session.workspace,
        plan=session.plan,
        session=session,
        owner=owner,
        text="Call ten past clients",
        due_on=due_on,
        state=state,
    )


def checkin(
    c: Commitment,
    sent_at: dt.datetime,
    state: str = State.SENT,
    answered_at: dt.datetime | None = None,
    source: str = Source.LINK,
) -> FollowUp:
    followup = FollowUp.objects.create(
        kind="check_in",
        workspace=c.workspace,
        to_email=c.owner.user.email,
        recipient=c.owner.user,
        about_type=ContentType.objects.get_for_model(Commitment),
        about_id=c.pk,
        template="checkin",
        send_at=sent_at,
        state=state,
        sent_at=sent_at if state == State.SENT else None,
    )
    if answered_at is not None:
        Response.objects.create(
            commitment=c,
            round=c.round,
            answer="done",
            source=source,
            created_at=answered_at,
            updated_at=answered_at,
        )
    return followup


def rubric(w: World) -> tuple[Rubric, list[list[Level]]]:
    """Two criteria: levels of 0, 2 and 4 points and of 0, 3 and 6: the best is 10."""
    made = Rubric.objects.create(workspace=w.workspace, name="Coaching conversation")
    levels = []
    for n, points in enumerate([(0, 2, 4), (0, 3, 6)]):
        criterion = Criterion.objects.create(rubric=made, sort_order=n, description=f"C{n}")
        levels.append(
            [Level.objects.create(criterion=criterion, points=p, definition=str(p)) for p in points]
        )
    return made, levels


def role_play(
    cohort: Cohort,
    made: Rubric,
    levels: list[list[Level]],
    played_by: Enrollment | None,
    played_on: dt.date,
    scores: list[tuple[Membership, str, int, int]],
) -> RolePlay:
    """A role-play and its assessments: (assessor, kind, points of criterion 1, of criterion 2)."""
    play = RolePlay.objects.create(
        workspace=cohort.workspace,
        cohort=cohort,
        rubric=made,
        manager=played_by,
        title=f"Role-play of {played_on}",
        scenario="A rep who missed the target",
        is_calibration=played_by is None,
        played_on=played_on,
    )
    for assessor, kind, first, second in scores:
        assessment = Assessment.objects.create(role_play=play, assessor=assessor, kind=kind)
        for row, points in zip(levels, (first, second), strict=True):
            level = next(level for level in row if level.points == points)
            Filling.objects.create(assessment=assessment, criterion=level.criterion, level=level)
    return play


def result(rep: Membership, day: dt.date, value: int, name: str = "Revenue") -> None:
    metric = Metric.of(rep.workspace).get(name=name)
    Entry.objects.create(
        workspace=rep.workspace, member=rep, metric=metric, day=day, value=Decimal(value)
    )


KINDS = AssessorKind
