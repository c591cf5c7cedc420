"""Adoption per manager (programs.adoption): every figure against a cohort worked out by hand.

The cohort's workshop is Monday 2 March 2026; the clock stands at Tuesday 31 March, 12:00 UTC
(08:00 in New York, where everyone lives). New York springs forward on Sunday 8 March, inside
the window: a session at 00:30 on Monday 9 March is in the week of the 9th only on the real
clock (on a fixed UTC-5 it would be Sunday the 8th, the week before).

- Priya: two reps (Rick, Rita), cadence 1 + 2 = 3 a week; the facilitator also coaches Rick.
- Helen: one rep (Hugo), deactivated on Wednesday 18 March at 12:00 UTC: her figures stop.
- Sam: enrolled, no plan, no session: "no data" everywhere, never a division by zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from followthrough.accounts.models import Role
from followthrough.coaching.models import CommitmentState, Source
from followthrough.followups.models import State
from followthrough.programs import adoption
from followthrough.programs.models import AssessorKind
from tests import adoption_helpers as h
from tests.conftest import World

D = dt.date
UTC = dt.UTC


@pytest.fixture
def cohort(world: World) -> h.Cohorts:
    w = world
    facilitator = h.person(w, "facilitator", Role.COACH)
    priya = h.person(w, "priya", Role.COACH)
    helen = h.person(w, "helen", Role.COACH)
    h.person(w, "sam", Role.COACH)
    rick, rita, hugo = (h.person(w, key, Role.REP) for key in ("rick", "rita", "hugo"))
    made = h.make_cohort(w, facilitator)
    found = h.Cohorts(made, {k: w.members[k] for k in ("facilitator", "priya", "helen", "sam")})
    for key in ("priya", "helen", "sam"):
        found.enrollments[key] = h.enroll(made, w.members[key])
    # Priya ---------------------------------------------------------------------------------
    p1 = h.plan(priya, rick, 1, low=10_000, metric="Revenue")  # 5 Jan - 4 May: 120 days
    p2 = h.plan(priya, rita, 2)
    h.held(p1, h.ny("2026-01-20 10:00"))  # before the "before" weeks: not counted
    before = h.held(p1, h.ny("2026-02-10 10:00"))
    h.held(p2, h.ny("2026-02-20 10:00"))
    s1 = h.held(p1, h.ny("2026-03-03 10:00"))
    s2 = h.held(p2, h.ny("2026-03-04 10:00"))
    s3 = h.held(p2, h.ny("2026-03-09 00:30"))  # the day after the clocks sprang forward
    h.held(p1, h.ny("2026-03-10 10:00"))
    s5 = h.held(p2, h.ny("2026-03-16 10:00"))
    h.held(p1, h.ny("2026-03-24 10:00"))
    h.held(p2, h.ny("2026-03-30 10:00"))
    # A plan of Priya's not finished: scheduled sessions never count.
    # The facilitator coaches Rick too: those sessions and check-ins are not Priya's.
    fp = h.plan(facilitator, rick, 1)
    f1 = h.held(fp, h.ny("2026-03-05 10:00"))
    fc = h.commitment(f1, rick, D(2026, 3, 9))
    h.checkin(fc, h.ny("2026-03-11 09:00"), answered_at=h.ny("2026-03-11 10:00"))
    h.commitment(before, rick, D(2026, 2, 14), CommitmentState.DONE)
    c1 = h.commitment(s1, rick, D(2026, 3, 6), CommitmentState.DONE)
    c2 = h.commitment(s1, rick, D(2026, 3, 10))
    c3 = h.commitment(s2, rita, D(2026, 3, 11))
    h.commitment(s3, priya, D(2026, 3, 12))  # Priya's own step: agreed, but not a rep's
    h.commitment(s5, rita, D(2026, 3, 20), CommitmentState.DROPPED)
    c5 = h.commitment(s5, rita, D(2026, 3, 25), CommitmentState.MISSED)
    c6 = h.commitment(s1, rick, D(2026, 4, 5))  # due after now
    h.checkin(c1, h.ny("2026-03-09 09:00"), answered_at=h.ny("2026-03-09 11:00"))
    h.checkin(c2, h.ny("2026-03-12 09:00"), answered_at=h.ny("2026-03-12 12:00"))
    h.checkin(c3, h.ny("2026-03-13 09:00"))
    h.checkin(
        c5, h.ny("2026-03-27 09:00"), answered_at=h.ny("2026-03-28 09:00"), source=Source.COACH
    )
    h.checkin(c6, h.ny("2026-04-07 09:00"), state=State.SCHEDULED)
    for day, value in [
        (D(2026, 1, 20), 500),  # before the "before" weeks
        (D(2026, 2, 10), 1_000),
        (D(2026, 2, 25), 1_400),
        (D(2026, 3, 5), 3_000),
        (D(2026, 3, 20), 2_600),
        (D(2026, 3, 30), 999),  # after the four weeks compared
    ]:
        h.result(rick, day, value)
    made_rubric, levels = h.rubric(w)
    h.role_play(
        made,
        made_rubric,
        levels,
        found.enrollments["priya"],
        D(2026, 3, 2),
        [
            (facilitator, AssessorKind.FACILITATOR, 2, 3),
            (priya, AssessorKind.SELF, 4, 3),
            (helen, AssessorKind.PEER, 2, 0),
        ],
    )
    h.role_play(
        made,
        made_rubric,
        levels,
        found.enrollments["priya"],
        D(2026, 3, 16),
        [(facilitator, AssessorKind.FACILITATOR, 4, 6), (helen, AssessorKind.PEER, 4, 3)],
    )
    h.role_play(made, made_rubric, levels, None, D(2026, 3, 2), [(priya, AssessorKind.SELF, 0, 0)])
    # Helen ---------------------------------------------------------------------------------
    p3 = h.plan(helen, hugo, 2)
    h.held(p3, h.ny("2026-02-20 10:00"))
    t1 = h.held(p3, h.ny("2026-03-05 10:00"))
    h.held(p3, h.ny("2026-03-17 10:00"))
    late = h.held(p3, h.ny("2026-03-25 10:00"))  # after she was deactivated
    done = h.commitment(t1, hugo, D(2026, 3, 10), CommitmentState.DONE)
    # Hugo answered on 19 March, after Helen was deactivated: not in her figures.
    h.checkin(done, h.ny("2026-03-12 09:00"), answered_at=h.ny("2026-03-19 09:00"))
    h.commitment(late, hugo, D(2026, 3, 20))
    h.role_play(
        made,
        made_rubric,
        levels,
        found.enrollments["helen"],
        D(2026, 3, 20),
        [(facilitator, AssessorKind.FACILITATOR, 4, 6)],
    )
    helen.is_active = False
    helen.deactivated_at = dt.datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
    helen.save()
    return found


def figures(found: h.Cohorts) -> dict[str, adoption.ManagerFigures]:
    with time_machine.travel(h.NOW, tick=False):
        rows = adoption.cohort_figures(found.cohort)
    return {row.enrollment.manager.user.email.split("@")[0]: row for row in rows}


def test_priya_figure_by_figure(cohort: h.Cohorts) -> None:
    priya = figures(cohort)["priya"]
    # 2 March to 31 March, both counted: 30 days; 30 // 7 = 4 whole weeks compared.
    assert (priya.days, priya.compare_weeks) == (30, 4)
    # a. Seven sessions since the workshop (the facilitator's with Rick is not hers):
    #    7 x 7 / 30 = 1.63 -> 1.6 a week; cadence 1 + 2 = 3; 1.6 / 3 = 53 %.
    #    Before: 10 and 20 February are in the 4 weeks from 2 February: 2 / 4 = 0.5 a week.
    assert (priya.held, priya.cadence) == (7, 3)
    assert priya.per_week == Decimal("1.6")
    assert priya.of_cadence == 53
    assert (priya.held_before, priya.per_week_before) == (2, Decimal("0.5"))
    # b. Commitments agreed in those sessions: 3 on 3 March, 1 on 4 March, Priya's own on the
    #    9th, 2 on the 16th = 7 (the one of 10 February was before): 7 / 7 = 1.0.
    assert priya.commitments == 7
    assert priya.per_session == Decimal("1.0")
    # c. Check-ins sent since the workshop: c1, c2, c3, c5 (c6's is still scheduled; Rick's
    #    check-in on the facilitator's plan is not hers). Answered by the rep: c1, c2 (c5's
    #    answer was recorded by a coach): 2 / 4 = 50 %.
    assert (priya.checkins_sent, priya.checkins_answered, priya.answer_rate) == (4, 2, 50)
    # d. Reps' commitments due 2-30 March, not dropped: c1 (done), c2 (answered), c3 (silent),
    #    c5 (missed) = 4; with an answer or an outcome: 3 -> 75 %. (Priya's own step and the
    #    one due 5 April are not counted.)
    assert (priya.due, priya.followed, priya.follow_through) == (4, 3, 75)
    # e. Rick: 3 -> 10 -> 24 March: 7, 14 days; Rita: 4 -> 9 -> 16 -> 30 March: 5, 7, 14.
    #    Pooled: 5, 7, 7, 14, 14: the median is 7.
    assert sorted(priya.gaps) == [5, 7, 7, 14, 14]
    assert priya.median_gap == Decimal("7.0")
    # f. Rubric best 4 + 6 = 10. 2 March: 5/10 = 50.0, 7/10 = 70.0, 2/10 = 20.0: mean 46.7;
    #    16 March: 10/10 = 100.0, 7/10 = 70.0: mean 85.0. Change +38.3. (Calibration ignored.)
    assert [(r.percent, r.assessors) for r in priya.role_plays] == [
        (Decimal("46.7"), 3),
        (Decimal("85.0"), 2),
    ]
    assert priya.rubric_change == Decimal("38.3")
    # g. Rick needs 10,000 / 120 days = 83.33 a day. 4 weeks = 28 days on either side:
    #    before (2 Feb - 1 Mar) 1,000 + 1,400 = 2,400: 2,400 / 28 / 83.33 = 102.9 % -> 103;
    #    since (2 - 29 March) 3,000 + 2,600 = 5,600: 5,600 / 28 / 83.33 = 240 %. Rita has no
    #    target: one rep counted.
    assert (priya.pace_before, priya.pace_after, priya.paced_reps) == (
        Decimal(103),
        Decimal(240),
        1,
    )
    assert priya.pace_change == Decimal(137)


def test_the_weekly_trend_counts_local_weeks_across_the_clock_change(cohort: h.Cohorts) -> None:
    priya = figures(cohort)["priya"]
    # 3, 4 March | 9 March 00:30 (EDT), 10 March | 16 | 24 | 30 March.
    assert priya.weekly == [
        (D(2026, 3, 2), 2),
        (D(2026, 3, 9), 2),
        (D(2026, 3, 16), 1),
        (D(2026, 3, 23), 1),
        (D(2026, 3, 30), 1),
    ]


def test_a_deactivated_manager_keeps_her_history_and_her_figures_stop(cohort: h.Cohorts) -> None:
    helen = figures(cohort)["helen"]
    assert helen.is_frozen
    # 2 to 18 March: 17 days; 17 // 7 = 2 weeks compared (from 16 February).
    assert (helen.days, helen.compare_weeks) == (17, 2)
    # 5 and 17 March count, 25 March does not: 2 x 7 / 17 = 0.82 -> 0.8 a week; cadence 2:
    # 40 %. Before: 20 February: 1 / 2 weeks = 0.5.
    assert (helen.held, helen.per_week, helen.of_cadence) == (2, Decimal("0.8"), 40)
    assert helen.per_week_before == Decimal("0.5")
    # One commitment agreed in the two sessions: 0.5; due 2-17 March: the done one, 100 %.
    assert (helen.commitments, helen.per_session) == (1, Decimal("0.5"))
    assert (helen.due, helen.follow_through) == (1, 100)
    assert helen.median_gap == Decimal("12.0")  # 5 -> 17 March
    assert helen.role_plays == []  # played on 20 March, after she left
    # One check-in sent on 12 March, answered on the 19th, after she left: 0 of 1.
    assert (helen.checkins_sent, helen.checkins_answered, helen.answer_rate) == (1, 0, 0)
    assert helen.pace_before is None


def test_a_manager_with_no_reps_and_no_sessions_has_no_data(cohort: h.Cohorts) -> None:
    sam = figures(cohort)["sam"]
    assert sam.cadence == 0 and sam.held == 0
    assert sam.per_week == Decimal("0.0")
    for name in (
        "of_cadence",
        "per_session",
        "answer_rate",
        "follow_through",
        "median_gap",
        "rubric_first",
        "rubric_change",
        "pace_before",
        "pace_change",
    ):
        assert getattr(sam, name) is None, name


def test_little_use_first(cohort: h.Cohorts) -> None:
    # Sam has no cadence at all, Helen 40 %, Priya 53 %.
    assert list(figures(cohort)) == ["sam", "helen", "priya"]


def test_the_spread_is_median_low_high_without_names(cohort: h.Cohorts) -> None:
    rows = list(figures(cohort).values())
    by_key = {s.formula.key: s for s in adoption.spread(rows)}
    # Sessions a week: 0.0 (Sam), 0.8, 1.6: median 0.8.
    sessions = by_key["sessions"]
    assert (sessions.median, sessions.low, sessions.high, sessions.count) == (
        Decimal("0.8"),
        Decimal("0.0"),
        Decimal("1.6"),
        3,
    )
    # Follow-through: 75 and 100: median 87.5.
    assert by_key["follow_through"].median == Decimal("87.5")
    # Answer rate: Helen 0, Priya 50: median 25.
    assert (by_key["answers"].count, by_key["answers"].median) == (2, Decimal("25.0"))


def test_before_the_workshop_there_is_nothing_to_measure(cohort: h.Cohorts) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        rows = adoption.cohort_figures(cohort.cohort)
    for row in rows:
        assert row.days == 0 and row.per_week is None and row.weekly == []


def many(w: World, managers: int) -> h.Cohorts:
    facilitator = h.person(w, "facilitator", Role.COACH)
    made = h.make_cohort(w, facilitator)
    found = h.Cohorts(made)
    made_rubric, levels = h.rubric(w)
    for n in range(managers):
        manager = h.person(w, f"m{n}", Role.COACH)
        enrollment = h.enroll(made, manager)
        for r in range(2):
            rep = h.person(w, f"m{n}r{r}", Role.REP)
            p = h.plan(manager, rep, 1, low=1000, metric="Revenue")
            s = h.held(p, h.ny("2026-03-10 10:00"))
            h.held(p, h.ny("2026-03-17 10:00"))
            c = h.commitment(s, rep, D(2026, 3, 12))
            h.checkin(c, h.ny("2026-03-14 09:00"), answered_at=h.ny("2026-03-14 10:00"))
            h.result(rep, D(2026, 3, 12), 100)
        h.role_play(
            made,
            made_rubric,
            levels,
            enrollment,
            D(2026, 3, 3),
            [(facilitator, AssessorKind.FACILITATOR, 2, 3)],
        )
    return found


# Enrollments, plans, sessions before and since, commitments, check-ins, follow-through,
# role-plays, rubric levels, fillings, the metrics (a look, then the rows), entries.
QUERIES = 13


@pytest.mark.parametrize("managers", [2, 12])
def test_the_same_queries_for_any_cohort_size(
    world: World, managers: int, django_assert_num_queries: Any
) -> None:
    found = many(world, managers)
    with time_machine.travel(h.NOW, tick=False), django_assert_num_queries(QUERIES):
        rows = adoption.cohort_figures(found.cohort)
    assert len(rows) == managers
    assert all(row.held == 4 and row.answer_rate == 100 for row in rows)
