"""What the progress pages read: a plan's daily results and pace, weekly totals, conversion and
the confidence history. Each function costs a fixed number of queries, whatever the number of
entries (and of plans), so the pages that use them keep a pinned query count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext, gettext_lazy

from followthrough.accounts.models import Membership
from followthrough.coaching.models import Plan
from followthrough.insights.pace import Pace, assess
from followthrough.metrics.models import ConfidenceRating, Entry, Metric, normalize

ZERO = Decimal(0)
WEEKS = 12

Daily = dict[dt.date, Decimal]


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


# Pace -----------------------------------------------------------------------------------------


def target_metric(plan: Plan, metrics: Mapping[str, Metric]) -> Metric | None:
    """The metric the plan's target names ("revenue", "Referrals asked"...), if any."""
    if not plan.target_metric:
        return None
    return metrics.get(normalize(plan.target_metric))


def daily_totals(
    member: Membership, metric_ids: Iterable[int], since: dt.date, until: dt.date
) -> dict[int, Daily]:
    """Per metric, the member's entries of every source summed per day (one query)."""
    totals: dict[int, Daily] = defaultdict(dict)
    rows = (
        Entry.objects.filter(
            member=member, metric_id__in=list(metric_ids), day__gte=since, day__lte=until
        )
        .values_list("metric_id", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for metric_id, day, total in rows:
        totals[metric_id][day] = total
    return totals


@dataclass(frozen=True)
class PlanPace:
    """A plan with its pace (None when its target names no metric or has no low value), the
    daily results it was measured from, and the metric."""

    plan: Plan
    metric: Metric | None
    pace: Pace | None
    daily: Daily

    @property
    def missing_reason(self) -> str:
        if self.plan.target_low is None:
            return gettext("This plan has no target, so there is no pace to show.")
        if self.metric is None:
            name = self.plan.target_metric or gettext("(none)")
            return gettext(
                'The target "%(name)s" is not one of the workspace\'s metrics, so nothing '
                "counts toward it."
            ) % {"name": name}
        return ""


def plan_paces(
    rep: Membership,
    plans: Sequence[Plan],
    today: dt.date,
    metrics: Mapping[str, Metric] | None = None,
) -> list[PlanPace]:
    """The pace of each of the rep's plans on `today`: one query, plus the metrics' two when
    they are not given."""
    if not plans:
        return []
    metrics = Metric.by_name(rep.workspace) if metrics is None else metrics
    targets = {plan.pk: target_metric(plan, metrics) for plan in plans}
    ids = {m.pk for m in targets.values() if m is not None}
    since = min(plan.starts_on for plan in plans)
    totals = daily_totals(rep, ids, since, today) if ids else {}
    found = []
    for plan in plans:
        metric = targets[plan.pk]
        if metric is None or plan.target_low is None:
            found.append(PlanPace(plan, metric, None, {}))
            continue
        daily = {
            day: value
            for day, value in totals.get(metric.pk, {}).items()
            if plan.starts_on <= day <= plan.deadline
        }
        pace = assess(
            starts_on=plan.starts_on,
            deadline=plan.deadline,
            low=plan.target_low,
            high=plan.target_high,
            daily=daily,
            today=today,
        )
        found.append(PlanPace(plan, metric, pace, daily))
    return found


def plan_pace(plan: Plan, today: dt.date) -> Pace | None:
    """The plan's pace on `today`: None when its target names no metric or has no low value."""
    return plan_paces(plan.rep, [plan], today)[0].pace


def cumulative_by_week(
    pace: Pace, daily: Mapping[dt.date, Decimal]
) -> list[tuple[dt.date, Decimal]]:
    """(last day of each plan week so far, the running total by then): the chart's table."""
    rows = []
    last = min(pace.today, pace.deadline)
    end = pace.starts_on + dt.timedelta(days=6)
    running = ZERO
    day = pace.starts_on
    while day <= last:
        running += daily.get(day, ZERO)
        if day in (end, last):
            rows.append((day, running))
            end += dt.timedelta(days=7)
        day += dt.timedelta(days=1)
    return rows


# Weekly totals and conversion -----------------------------------------------------------------


@dataclass(frozen=True)
class Weekly:
    """A member's totals per metric and per week (Monday first), oldest week first."""

    weeks: list[dt.date]
    totals: dict[int, dict[dt.date, Decimal]]  # metric id -> week -> total

    def of(self, metric: Metric | None, week: dt.date) -> Decimal:
        if metric is None:
            return ZERO
        return self.totals.get(metric.pk, {}).get(week, ZERO)

    def series(self, metric: Metric) -> list[tuple[dt.date, Decimal]]:
        return [(week, self.of(metric, week)) for week in self.weeks]

    def overall(self, metric: Metric | None) -> Decimal:
        return sum((self.of(metric, week) for week in self.weeks), ZERO)


def weekly_totals(member: Membership, today: dt.date, weeks: int = WEEKS) -> Weekly:
    """The last `weeks` weeks to `today` (this week included), every metric, one query."""
    this_week = week_start(today)
    starts = [this_week - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    totals: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = (
        Entry.objects.filter(member=member, day__gte=starts[0], day__lte=today)
        .values_list("metric_id", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for metric_id, day, total in rows:
        totals[metric_id][week_start(day)] += total
    return Weekly(starts, {k: dict(v) for k, v in totals.items()})


def metric_list(metrics: Mapping[str, Metric]) -> list[Metric]:
    """The distinct metrics of a `Metric.by_name` mapping, in their order."""
    return sorted({m.pk: m for m in metrics.values()}.values(), key=lambda m: (m.position, m.name))


def this_week_and_last(
    weekly: Weekly, metrics: Iterable[Metric]
) -> list[tuple[Metric, Decimal, Decimal]]:
    """(metric, this week, last week) for each metric counted in either week."""
    this, last = weekly.weeks[-1], weekly.weeks[-2]
    rows = [(m, weekly.of(m, this), weekly.of(m, last)) for m in metrics]
    return [row for row in rows if row[1] or row[2]]


@dataclass(frozen=True)
class Ratio:
    """One step of conversion: `done` of `base`, e.g. 4 referrals received of 5 asked."""

    label: str  # "Referrals asked → received"
    base_name: str  # "asked"
    base: Decimal
    done: Decimal

    @property
    def rate(self) -> Decimal | None:
        """done / base, or None when nothing was done to convert (never a division by 0)."""
        return self.done / self.base if self.base else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "–" if rate is None else f"{rate * 100:.0f}%"

    def __str__(self) -> str:
        return gettext("%(done)s of %(base)s %(word)s") % {
            "done": _count(self.done),
            "base": _count(self.base),
            "word": self.base_name,
        }


def _count(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}"


# (label, the step's base word, metric it starts from, metric it converts to): default keys.
FUNNEL = [
    (
        gettext_lazy("Referrals asked → received"),
        gettext_lazy("asked"),
        "referrals_asked",
        "referrals_received",
    ),
    (gettext_lazy("Calls → meetings"), gettext_lazy("calls"), "calls_made", "meetings_booked"),
    (
        gettext_lazy("Meetings → deals won"),
        gettext_lazy("meetings"),
        "meetings_booked",
        "deals_won",
    ),
]


def funnel_metrics(metrics: Mapping[str, Metric]) -> list[tuple[str, str, Metric, Metric]]:
    """The conversion steps whose two default metrics the workspace has (by key, whatever
    their names and language)."""
    found = []
    for label, word, base, done in FUNNEL:
        base_metric, done_metric = Metric.keyed(metrics, base), Metric.keyed(metrics, done)
        if base_metric is not None and done_metric is not None:
            found.append((str(label), str(word), base_metric, done_metric))
    return found


@dataclass(frozen=True)
class Conversion:
    overall: list[Ratio]
    by_week: list[tuple[dt.date, list[Ratio]]]  # newest week first


def conversion(weekly: Weekly, metrics: Mapping[str, Metric]) -> Conversion:
    """Conversion over the weeks of `weekly`, overall and week by week (no query)."""
    steps = funnel_metrics(metrics)
    overall = [
        Ratio(label, word, weekly.overall(base), weekly.overall(done))
        for label, word, base, done in steps
    ]
    by_week = [
        (
            week,
            [
                Ratio(label, word, weekly.of(base, week), weekly.of(done, week))
                for label, word, base, done in steps
            ],
        )
        for week in reversed(weekly.weeks)
    ]
    return Conversion(overall, by_week)


# Confidence -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rated:
    rating: ConfidenceRating
    change: int | None  # from the rating before; None for the first

    @property
    def drop(self) -> int:
        return -self.change if self.change is not None and self.change < 0 else 0

    @property
    def dropped(self) -> bool:
        return ConfidenceRating.is_alarming_drop(self.change)


def confidence_history(member: Membership, limit: int = 26) -> list[Rated]:
    """The member's latest confidence ratings, oldest first, each with its change."""
    latest = list(
        ConfidenceRating.objects.filter(member=member).order_by("-rated_at", "-id")[:limit]
    )
    latest.reverse()
    history, before = [], None
    for rating in latest:
        history.append(Rated(rating, None if before is None else rating.rating - before))
        before = rating.rating
    return history
