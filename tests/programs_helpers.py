"""A program in the test world: "facilitator" (a coach-role member from outside) runs a cohort
of Acme's managers "manager" and "peer"; the stakeholder is the program's sponsor."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from followthrough.accounts.models import Membership, Role
from followthrough.lib import dates
from followthrough.programs import actions
from followthrough.programs.models import Cohort, Enrollment, ProgramSession
from tests.conftest import World, make_member

PROGRAM_VISITORS = ["facilitator", "manager", "peer"]
# People's names, never words of the app ("Manager" is one).
NAMES = {"facilitator": "Fiona Walsh", "manager": "Marco Díaz", "peer": "Pia Noor"}
COHORT = "Spring cohort"


def cast(world: World) -> None:
    """The facilitator, the manager and the peer, once per world (again after a rollback)."""
    for key in PROGRAM_VISITORS:
        known = world.members.get(key)
        if known is None or not Membership.objects.filter(pk=known.pk).exists():
            member = make_member(world.workspace, key, Role.COACH)
            member.user.name = NAMES[key]
            member.user.save(update_fields=["name"])
            world.members[key] = member


def last_working_day(member: Membership) -> dt.date:
    """The latest working day before today, for a cohort whose workshop is already past."""
    day = timezone.localdate() - dt.timedelta(days=1)
    while not dates.is_working_day(day, member.user.profile.working_time(member.workspace)):
        day -= dt.timedelta(days=1)
    return day


def cohort_of(world: World, starts_on: dt.date | None = None) -> Cohort:
    """The cohort (made once per world): its workshop yesterday or the last working day, the
    manager and the peer enrolled."""
    cast(world)
    found = Cohort.objects.filter(workspace=world.workspace, name=COHORT).first()
    if found is not None:
        return found
    admin = world.user("admin")
    program = actions.create_program(
        world.workspace,
        by=admin,
        name="Manager as Sales Coach",
        goal="Coach reps with the new model",
        sponsors=[world.members["stakeholder"]],
    )
    facilitator = world.members["facilitator"]
    cohort = actions.create_cohort(
        program,
        by=admin,
        name=COHORT,
        facilitator=facilitator,
        starts_on=starts_on or last_working_day(facilitator),
    )
    for key in ("manager", "peer"):
        actions.enroll(cohort, world.members[key], by=admin)
    return cohort


def session_of(world: World, number: int = 1) -> ProgramSession:
    return cohort_of(world).sessions.get(number=number)


def enrollment_of(world: World, key: str = "manager") -> Enrollment:
    return cohort_of(world).enrollments.get(manager=world.members[key])


def next_working_day(world: World) -> str:
    """The facilitator's next working day, for a cohort form (ISO)."""
    cast(world)
    member = world.members["facilitator"]
    day = timezone.localdate() + dt.timedelta(days=1)
    while not dates.is_working_day(day, member.user.profile.working_time(member.workspace)):
        day += dt.timedelta(days=1)
    return day.isoformat()
