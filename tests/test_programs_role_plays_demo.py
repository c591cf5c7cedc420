"""The role-plays of the demo's program (followthrough.demo.role_plays.seed), on a cohort
built here like Harbor's: the workshop and three calls held, Priya, Sam and Helen enrolled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from followthrough.accounts.models import Role, Workspace
from followthrough.demo import role_plays
from followthrough.programs import scoring
from followthrough.programs.models import (
    Assessment,
    Cohort,
    ProgramSession,
    ProgramSessionKind,
    RolePlay,
)
from followthrough.programs.rubrics.defaults import KEY
from tests.rubrics_helpers import make_cohort, person

NOW = dt.datetime(2026, 12, 7, 15, tzinfo=dt.UTC)


def harbor_like() -> Cohort:
    harbor = Workspace.objects.create(name="Harbor", slug="harbor")
    facilitator = person(harbor, "coach", "Morgan Reyes", Role.ADMIN)
    managers = [
        person(harbor, key, name, Role.COACH)
        for key, name in [("priya", "Priya N"), ("sam", "Sam O"), ("helen", "Helen B")]
    ]
    cohort = make_cohort(harbor, facilitator, managers)
    workshop = cohort.sessions.get(number=0)
    workshop.starts_at = NOW - dt.timedelta(weeks=7)
    workshop.save()
    for number in range(1, 7):
        ProgramSession.objects.create(
            workspace=harbor,
            cohort=cohort,
            number=number,
            kind=ProgramSessionKind.PHONE,
            topic=f"Llamada {number}",
            starts_at=workshop.starts_at + dt.timedelta(weeks=2 * number),
        )
    return cohort


def test_the_demo_s_role_plays(db: object) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = harbor_like()
        made = role_plays.seed(cohort)
        assert role_plays.seed(cohort) == []  # once only
    calibration = RolePlay.objects.get(cohort=cohort, is_calibration=True)
    assert calibration.rubric.key == KEY and calibration.session.number == 0  # type: ignore[union-attr]
    assert calibration.assessments.count() == 4
    played = RolePlay.objects.filter(cohort=cohort, is_calibration=False)
    # Calls 1-3 were held (call 3 ended a week ago); calls 4-6 are still ahead.
    assert played.count() == 9 and len(made) == 10
    assert sorted({rp.session.number for rp in played}) == [1, 2, 3]  # type: ignore[union-attr]
    assert all(rp.assessments.count() == 3 for rp in played)
    assert set(Assessment.objects.filter(role_play__in=played).values_list("kind", flat=True)) == {
        "facilitator",
        "peer",
        "self",
    }
    # Each role-play was scored at the end of its call, on the demo's clock.
    for rp in played:
        assert rp.played_on == timezone.localdate(rp.session.ends_at)  # type: ignore[union-attr]
    trend = {}
    for key in ["priya", "sam", "helen"]:
        mine = list(
            played.filter(manager__manager__user__email=f"{key}@example.org").order_by(
                "session__number"
            )
        )
        by_facilitator = scoring.percent_by_role_play(mine, kinds=["facilitator"])
        trend[key] = [by_facilitator[rp.pk] for rp in mine]
    # Hand-computed from FACILITATOR_SCORES: totals of 18.
    assert trend["priya"] == [Decimal("22.2"), Decimal("55.6"), Decimal("83.3")]
    assert trend["sam"] == [Decimal("22.2"), Decimal("50.0"), Decimal("72.2")]
    assert trend["helen"] == [Decimal("16.7"), Decimal("22.2"), Decimal("16.7")]
