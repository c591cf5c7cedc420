"""A rep's weekly figures (followthrough.weeks.figures): each figure from the source rows, the
rep's own weeks across time zones, a quiet week, and a query count that does not grow with the
number of reps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from followthrough.accounts.models import Membership, Profile, Role
from followthrough.coaching.models import Answer, CommitmentState, Response, SessionState
from followthrough.pipeline.models import Opportunity, Stage, StageChange
from followthrough.weeks import figures, store
from followthrough.weeks.models import WeekSummary
from tests.coaching_helpers import live_in
from tests.conftest import World, make_member
from tests.test_insights_dashboard import commitment, log, plan_for, rate

# Wednesday 25 November 2026, 15:00 UTC: this week began on Monday the 23rd.
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 23)
LAST_MONDAY = MONDAY - dt.timedelta(weeks=1)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def move(opportunity: Opportunity, to_stage: str, when: dt.datetime, from_stage: str = "") -> None:
    StageChange.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=to_stage, changed_at=when
    )


def test_week_of_is_the_monday() -> None:
    assert figures.week_of(dt.date(2026, 11, 29)) == MONDAY  # a Sunday
    assert figures.week_of(MONDAY) == MONDAY
    assert figures.week_of(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)


def test_every_figure_of_a_week(world: World, frozen: None) -> None:
    rep, coach = world.members["rep"], world.members["coach"]
    plan = plan_for(coach, rep, starts_on=MONDAY - dt.timedelta(days=60), deadline=MONDAY)
    # Activity: this week 3 + 4 (two metrics), the week before 5; results: revenue and deals.
    log(rep, "Calls made", MONDAY, 3)
    log(rep, "Conversations", MONDAY + dt.timedelta(days=1), 4)
    log(rep, "Calls made", LAST_MONDAY + dt.timedelta(days=6), 5)
    log(rep, "Revenue", MONDAY + dt.timedelta(days=2), 1500)
    log(rep, "Deals won", MONDAY + dt.timedelta(days=2), 1)
    log(rep, "Referrals received", MONDAY, 0)  # a zero is not a result
    log(rep, "Calls made", MONDAY + dt.timedelta(weeks=1), 99)  # next week
    # Commitments: done and partly this week, missed this week, done last week, one open loop
    # this week, one whose loop time is still to come, one open since last week, one dropped.
    made = at(LAST_MONDAY)
    commitment(plan, MONDAY, CommitmentState.DONE, outcome_at=at(MONDAY), created_at=made)
    commitment(plan, MONDAY, CommitmentState.PARTLY, outcome_at=at(MONDAY), created_at=made)
    commitment(plan, MONDAY, CommitmentState.MISSED, outcome_at=NOW, created_at=made)
    commitment(plan, MONDAY, CommitmentState.DONE, outcome_at=at(LAST_MONDAY), created_at=made)
    commitment(plan, MONDAY, open_loop_at=NOW - dt.timedelta(hours=2), created_at=made)
    commitment(plan, MONDAY, open_loop_at=NOW + dt.timedelta(hours=2), created_at=made)
    commitment(plan, MONDAY, CommitmentState.DROPPED, created_at=made)
    # Sessions: one finished this week, one last week, one still scheduled.
    for finished_at, state in [
        (at(MONDAY), SessionState.FINISHED),
        (at(LAST_MONDAY), SessionState.FINISHED),
        (None, SessionState.SCHEDULED),
    ]:
        plan.sessions.create(
            workspace=plan.workspace, starts_at=NOW, state=state, finished_at=finished_at
        )
    # Pipeline: a new 1,000 lead, a 5,000 one won (leaves the open pipeline), a move between
    # open stages (changes nothing), and last week's move.
    lead = Opportunity.objects.create(workspace=rep.workspace, owner=rep, account="A", value=1000)
    won = Opportunity.objects.create(workspace=rep.workspace, owner=rep, account="B", value=5000)
    move(lead, Stage.LEAD, at(MONDAY))
    move(won, Stage.WON, at(MONDAY), from_stage=Stage.NEGOTIATION)
    move(lead, Stage.QUALIFIED, at(MONDAY, 13), from_stage=Stage.LEAD)
    move(won, Stage.NEGOTIATION, at(LAST_MONDAY), from_stage=Stage.LEAD)
    rate(rep, 4, days_ago=9)
    rate(rep, 2, days_ago=1)

    week = figures.for_rep(rep, MONDAY)

    assert week.rep_id == rep.pk and week.week == MONDAY
    assert (week.activity, week.activity_before) == (Decimal(7), Decimal(5))
    assert week.results == {"Revenue": Decimal(1500), "Deals won": Decimal(1)}
    assert week.commitments_done == 2
    assert (week.commitments_missed, week.open_loops) == (2, 1)
    # Open now: the two loops (one past, one to come); done, partly, missed and dropped are not.
    assert week.commitments_open == 2
    assert week.sessions_held == 1
    assert (week.pipeline_moves, week.pipeline_change) == (3, Decimal(-4000))
    assert (week.confidence, week.confidence_before, week.rated) == (2, 4, True)
    assert week.confidence_change == -2
    assert not week.quiet

    before = figures.for_rep(rep, LAST_MONDAY + dt.timedelta(days=3))  # any day of the week
    assert before.week == LAST_MONDAY
    assert (before.activity, before.commitments_done, before.sessions_held) == (5, 1, 1)
    # Open at the end of last week: all seven made then but the dropped one and the one done.
    assert before.commitments_open == 5
    assert (before.confidence, before.confidence_before, before.rated) == (4, None, True)
    assert before.pipeline_moves == 1 and before.pipeline_change == 0


def test_a_quiet_week_and_a_rep_with_nothing(world: World, frozen: None) -> None:
    rep = world.members["rep"]
    rate(rep, 3, days_ago=30)
    log(rep, "Revenue", LAST_MONDAY, 0)
    week = figures.for_rep(rep, MONDAY)
    assert week.quiet
    # The last rating is still the confidence, but it is not news this week.
    assert (week.confidence, week.rated) == (3, False)
    assert (week.activity, week.results, week.commitments_open) == (0, {}, 0)
    nothing = figures.for_rep(world.members["other_rep"], MONDAY)
    assert nothing.quiet and nothing.confidence is None


def test_moments_count_in_the_reps_own_week(world: World) -> None:
    """Sunday 22 November 23:30 in New York is Monday 04:30 UTC: it belongs to the rep's week
    before; in Tokyo, Monday 08:00 is still Sunday in UTC."""
    rep, coach = world.members["rep"], world.members["coach"]
    plan = plan_for(coach, rep, starts_on=MONDAY, deadline=MONDAY + dt.timedelta(days=30))
    late_sunday = dt.datetime(2026, 11, 23, 4, 30, tzinfo=dt.UTC)
    commitment(plan, MONDAY, CommitmentState.DONE, outcome_at=late_sunday, created_at=late_sunday)
    rating = rate  # one rating at the same moment
    with time_machine.travel(NOW, tick=False):
        rating(rep, 5, days_ago=0)
    rep.confidence_ratings.update(rated_at=late_sunday)
    live_in(world, "rep", "America/New_York")
    with time_machine.travel(NOW, tick=False):
        new_york = figures.for_reps([rep], MONDAY)[rep.pk]
        sunday = figures.for_reps([rep], LAST_MONDAY)[rep.pk]
    assert (new_york.commitments_done, new_york.rated) == (0, False)
    assert (sunday.commitments_done, sunday.rated, sunday.confidence) == (1, True, 5)
    # Saved as the profile page saves it: the stored weeks of the rep are recomputed.
    profile = Profile.objects.get(user=rep.user)
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    rep.user.profile = profile
    with time_machine.travel(NOW, tick=False):
        tokyo = figures.for_rep(rep, MONDAY)
    assert (tokyo.commitments_done, tokyo.rated) == (1, True)


def test_an_answered_loop_is_no_longer_missed(world: World, frozen: None) -> None:
    rep, coach = world.members["rep"], world.members["coach"]
    plan = plan_for(coach, rep, starts_on=MONDAY, deadline=MONDAY + dt.timedelta(days=30))
    loop = commitment(plan, MONDAY, open_loop_at=NOW - dt.timedelta(hours=1))
    assert figures.for_rep(rep, MONDAY).commitments_missed == 1
    Response.objects.create(commitment=loop, round=1, answer=Answer.NOT_YET)
    loop.open_loop_at = None
    loop.save()
    assert figures.for_rep(rep, MONDAY).commitments_missed == 0


def team(world: World, count: int) -> list[Membership]:
    coach = world.members["coach"]
    reps: list[int] = []
    for i in range(count):
        rep = make_member(world.workspace, f"rep_{i}", Role.REP)
        plan = plan_for(coach, rep, starts_on=MONDAY, deadline=MONDAY + dt.timedelta(days=30))
        log(rep, "Calls made", MONDAY, i + 1)
        commitment(plan, MONDAY, CommitmentState.DONE, outcome_at=at(MONDAY))
        rate(rep, 3, days_ago=1)
        opp = Opportunity.objects.create(workspace=rep.workspace, owner=rep, account="A")
        move(opp, Stage.LEAD, at(MONDAY))
        reps.append(rep.pk)
    return list(Membership.objects.filter(pk__in=reps).select_related("user__profile"))


# Stored weeks: which are missing, the summaries, their metrics, open loops, the metrics.
FIGURES_QUERIES = 5
# The first read of a week also computes it (entries, commitments, sessions, stage changes,
# ratings twice) and stores it (a savepoint, two inserts, its release).
FIRST_READ_QUERIES = FIGURES_QUERIES + 6 + 4


@pytest.mark.parametrize("count", [1, 12])
def test_the_query_count_does_not_grow_with_the_reps(
    world: World, frozen: None, django_assert_num_queries: Any, count: int
) -> None:
    reps = team(world, count)
    store.flush()  # what the commit of each change does
    WeekSummary.objects.all().delete()
    with django_assert_num_queries(FIRST_READ_QUERIES):
        found = figures.for_reps(reps, MONDAY)
    with django_assert_num_queries(FIGURES_QUERIES):
        assert figures.for_reps(reps, MONDAY) == found
    assert sorted(found) == sorted(rep.pk for rep in reps)
    assert {week.commitments_done for week in found.values()} == {1}
    assert sorted(week.activity for week in found.values()) == list(range(1, count + 1))
    assert figures.for_reps([], MONDAY) == {}
