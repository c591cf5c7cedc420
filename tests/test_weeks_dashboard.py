"""The team dashboard and its weekly CSV read the stored weekly summaries: what they show is
what the live computation from the source rows shows, whatever the rows, the day of the week,
the viewer's zone or a daylight-saving change."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Membership, Profile, Role
from followthrough.coaching.models import Answer, CommitmentState, Response
from followthrough.insights import dashboard
from followthrough.metrics.models import Entry, EntrySource, Metric
from followthrough.weeks.models import WeekSummary
from tests.conftest import World, make_member
from tests.test_insights_dashboard import commitment, log, opportunity, plan_for, rate

# Sunday 1 November 2026: New York leaves summer time at 2:00.
START = dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC)
DAYS = [
    dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC),  # Monday in UTC, still Sunday in New York
    dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC),  # a Wednesday
    dt.datetime(2026, 11, 8, 23, 0, tzinfo=dt.UTC),  # a Sunday
    dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),  # a Monday
]


def random_team(world: World, seed: int) -> None:
    """Four reps with random entries, commitments, answers, ratings and opportunities over
    the last five months."""
    chance = random.Random(seed)
    coach = world.members["coach"]
    metrics = list(Metric.of(world.workspace))
    with time_machine.travel(START, tick=False):
        for i in range(4):
            rep = make_member(world.workspace, f"random_{i}", Role.REP)
            accounts.set_relationships(rep, [coach], [])
            plan = plan_for(
                coach,
                rep,
                starts_on=dt.date(2026, 9, 1) + dt.timedelta(days=chance.randint(0, 50)),
                deadline=dt.date(2026, 11, 1) + dt.timedelta(days=chance.randint(0, 60)),
            )
            logged = {
                (chance.choice(metrics).name, dt.date(2026, 8, 1) + dt.timedelta(days=n))
                for n in (chance.randint(0, 130) for _ in range(60))
            }
            for name, day in sorted(logged):
                log(rep, name, day, chance.randint(0, 30))
            for _ in range(25):
                due = dt.date(2026, 8, 1) + dt.timedelta(days=chance.randint(0, 125))
                made = commitment(plan, due, chance.choice(CommitmentState.values))
                if chance.random() < 0.4:
                    Response.objects.create(commitment=made, round=1, answer=Answer.NOT_YET)
                if chance.random() < 0.2:
                    made.open_loop_at = START + dt.timedelta(days=chance.randint(0, 90))
                    made.save()
            for _ in range(3):
                opportunity(rep, chance.randint(1, 90) * 100)
        for key, zone in [("random_1", "America/New_York"), ("random_2", "Asia/Tokyo")]:
            profile = Profile.objects.get(user__email=f"{key}@example.org")
            profile.time_zone = zone
            profile.save()
        rate(world.members["rep"], 3, days_ago=0)


def same_rows(viewer: Membership) -> None:
    stored = dashboard.build_rows(viewer)
    live = dashboard.build_rows(viewer, live=True)
    assert [row.member.pk for row in stored] == [row.member.pk for row in live]
    for mine, theirs in zip(stored, live, strict=True):
        assert mine == theirs
        assert mine.cells == theirs.cells
        assert mine.reasons == theirs.reasons
    assert list(dashboard.weekly_rows(viewer, 14)) == list(
        dashboard.weekly_rows(viewer, 14, live=True)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_and_live_agree(world: World, seed: int) -> None:
    random_team(world, seed)
    coach = world.members["coach"]
    for now in DAYS:
        for zone in ["UTC", "America/New_York", "Pacific/Auckland"]:
            Profile.objects.filter(user=coach.user).update(time_zone=zone)
            with time_machine.travel(now, tick=False), timezone_of(zone):
                same_rows(coach)
    assert WeekSummary.objects.filter(rep__user__email__startswith="random_").count() > 40


def test_a_change_shows_at_once(world: World) -> None:
    """A row read, then changed (as a check-in answer or a logged day changes it): the next
    read shows the change, the stored weeks recomputed in the same transaction."""
    random_team(world, 4)
    coach = world.members["coach"]
    rep = Membership.objects.get(user__email="random_0@example.org")
    with time_machine.travel(DAYS[1], tick=False):
        before = {row.member.pk: row for row in dashboard.build_rows(coach)}[rep.pk]
        Entry.objects.create(
            workspace=rep.workspace,
            member=rep,
            metric=Metric.of(rep.workspace).get(name="Calls made"),
            day=dt.date(2026, 11, 3),
            value=1000,
            source=EntrySource.IMPORT,
        )
        after = {row.member.pk: row for row in dashboard.build_rows(coach)}[rep.pk]
        assert after.activity_this_week == before.activity_this_week + 1000
        same_rows(coach)


class timezone_of:
    """Django's current time zone (the viewer's, as the middleware sets it)."""

    def __init__(self, zone: str) -> None:
        self.zone = zone

    def __enter__(self) -> None:
        from django.utils import timezone

        timezone.activate(self.zone)

    def __exit__(self, *args: object) -> None:
        from django.utils import timezone

        timezone.deactivate()
