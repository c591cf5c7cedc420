"""Demo activity at Brightline, on the weeks of the coaching loop (see stories.py).

Bob (story 000) logs his working days since his plan started: calls, conversations, meetings
and proposals, thin at first and growing from about week 3, when the backfilling starts to
work. His won deals (the revenue his pace is measured by) come from the pipeline's demo, not
from here. Alejandro (story 001) called five of his ten past clients and got four referrals,
then called them all again and got more. Both rate their confidence once a week.

The numbers a check-in answer already counted are not logged again for the days that answer
covers (the app counts them by themselves, and the log page says so).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.models import Plan
from followthrough.demo import clock
from followthrough.lib import dates
from followthrough.metrics import actions
from followthrough.metrics.models import DEFAULTS_BY_KEY, Entry, EntrySource, Metric

DAY = dt.timedelta(days=1)


def seed(workspace: Workspace) -> None:
    """Adds this part of the demo to Brightline (called once, after the coaching loop); does
    nothing if the workspace already has logged entries."""
    if Entry.objects.filter(workspace=workspace, source=EntrySource.LOG).exists():
        return
    # The stories name the default metrics in English, whatever the workspace's language.
    metrics = {
        DEFAULTS_BY_KEY[m.key].in_language("en")[0] if m.key in DEFAULTS_BY_KEY else m.name: m
        for m in Metric.of(workspace)
    }
    for plan in Plan.objects.filter(workspace=workspace).select_related("rep__user__profile"):
        email = plan.rep.user.email
        if email == "bob@example.com":
            bob_logs_his_days(plan, metrics)
            rate_weekly(plan, [2, 2, 3, 3, 4], BOB_SAYS)
        elif email == "alejandro@example.com":
            alejandro_calls_again(plan, metrics)
            rate_weekly(plan, [2, 4], ALEJANDRO_SAYS)


def bob_logs_his_days(plan: Plan, metrics: dict[str, Metric]) -> None:
    rep = plan.rep
    rng = random.Random(14_000)  # the same demo every time
    days = {}
    for day in _working_days(plan.starts_on, _today(rep) - DAY):
        week = (day - plan.starts_on).days // 7
        grown = max(week - 1, 0)  # from week 3 the numbers climb
        calls = rng.randint(6, 9) + 3 * grown
        days[day] = {
            "Calls made": calls,
            "Conversations": calls * rng.randint(25, 45) // 100,
            "Meetings booked": rng.choice([0, 0, 1]) + (rng.random() < grown / 4),
            "Proposals sent": int(week >= 2 and rng.random() < 0.2 + grown / 10),
        }
    _log(rep, days, metrics)


def alejandro_calls_again(plan: Plan, metrics: dict[str, Metric]) -> None:
    """Story 001: the first five calls were counted by his check-in answer (calls and asks),
    so the log has only the referrals they brought; then he calls the ten again."""
    rep = plan.rep
    _first, second, third, *later = _working_days(plan.starts_on, _today(rep) - DAY)
    days: dict[dt.date, dict[str, int]] = {
        second: {"Referrals received": 1},
        third: {"Referrals received": 3},
    }
    # The second round starts with the second session, three days ago (a working day).
    again = _working_days(plan.starts_on, _today(rep) - 3 * DAY)[-1]
    for n, day in enumerate(d for d in later if d >= again):
        calls = 3 + n
        days[day] = {
            "Calls made": calls,
            "Referrals asked": 3 * calls,
            "Referrals received": 2 * calls,
        }
    _log(rep, days, metrics)


BOB_SAYS = [
    "Honestly? Not sure 60 days is enough.",
    "The calls feel like a numbers game I am losing.",
    "Nine people asked for a meeting. That helped.",
    "Karen said she sees a difference on the phone.",
    "The Harlow renewal is close. I can see the number now.",
]
ALEJANDRO_SAYS = [
    "Me da vergüenza llamarlos otra vez.",
    "Cinco llamadas, cuatro referidos. Funciona.",
]


def rate_weekly(plan: Plan, ratings: list[int], comments: list[str]) -> None:
    """One rating a week, the last one two days ago, at 17:00 where the rep lives."""
    rep = plan.rep
    last = _today(rep) - 2 * DAY
    for n, (rating, comment) in enumerate(zip(ratings, comments, strict=True)):
        day = last - dt.timedelta(weeks=len(ratings) - 1 - n)
        evening = dates.local_datetime(day, dt.time(17), rep.user.profile.zone)
        with clock.at(evening, rep.workspace):
            actions.rate_confidence(rep, rating, comment=comment)


def _log(rep: Membership, days: dict[dt.date, dict[str, int]], metrics: dict[str, Metric]) -> None:
    """The rep logs the days, at the end of each, except what a check-in answer already
    counted."""
    counted = _counted_by_checkins(rep)
    for day, values in days.items():
        logged: dict[Metric, Decimal | None] = {
            metrics[name]: Decimal(value)
            for name, value in values.items()
            if value and (metrics[name].pk, day) not in counted
        }
        if logged:
            end = dates.local_datetime(day, dt.time(17, 30), rep.user.profile.zone)
            with clock.at(end, rep.workspace):
                actions.log_day(rep, day, logged, by=rep.user)


def _counted_by_checkins(rep: Membership) -> set[tuple[int, dt.date]]:
    """(metric, day) from each commitment's agreement to the answer that counted the metric."""
    covered = set()
    zone = rep.user.profile.zone
    for entry in Entry.objects.filter(member=rep, source=EntrySource.CHECKIN).select_related(
        "response__commitment"
    ):
        assert entry.response is not None  # check-in entries come from an answer
        day = timezone.localdate(entry.response.commitment.created_at, zone)
        while day <= entry.day:
            covered.add((entry.metric_id, day))
            day += DAY
    return covered


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        first + dt.timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + dt.timedelta(days=n)).weekday() < 5
    ]


def _today(member: Membership) -> dt.date:
    return timezone.localdate(timezone.now(), member.user.profile.zone)
