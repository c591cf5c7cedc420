"""The team dashboard's rows and its weekly CSV: a handful of grouped queries for all the reps.

A coach with 200 reps must get the page as fast as one with two, so nothing here runs a query
per rep: each figure is one aggregate over every visible rep at once, grouped by member
(values().annotate()), and the rows are put together in Python. The number of queries is
pinned in tests/test_insights_dashboard.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.clients import service_column
from followthrough.coaching.models import (
    FOLLOW_THROUGH_WEEKS,
    Commitment,
    CommitmentState,
    Plan,
    due_for_follow_through,
    followed_through,
    format_number,
)
from followthrough.insights import pace as pace_rules
from followthrough.insights.reports import target_metric, week_start
from followthrough.metrics.models import ConfidenceRating, Entry, Metric, MetricKind
from followthrough.pipeline.models import Opportunity, Stage
from followthrough.weeks import store
from followthrough.weeks.models import WeekMetric, WeekSummary

ZERO = Decimal(0)


class WeekStart(Func):
    """The Monday of a date's week, computed by the database. Django's TruncWeek runs a Python
    function for every row on SQLite (a second for the 12-week CSV of 200 reps)."""

    output_field = DateField()
    template = "CAST(date_trunc('week', %(expressions)s) AS date)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # The next Sunday (or the day itself), then back six days: that week's Monday.
        template = "date(%(expressions)s, 'weekday 0', '-6 days')"
        return self.as_sql(compiler, connection, template=template, **extra)


# Follow-through, done and missed count the commitments due in these recent weeks (one rule
# with Today's rate: coaching.models.due_for_follow_through).
COMMITMENT_WEEKS = FOLLOW_THROUGH_WEEKS
# Below this share of due commitments with an answer or an outcome, the rep needs attention.
FOLLOW_THROUGH_FLOOR = 50
LINK_ID = 987654321
# What a rep without an active plan is flagged with, on the row and in "Needs attention".
NO_PLAN = gettext_noop("no plan yet")


@dataclass
class PlanStanding:
    """One active plan of a rep and its pace (None, with a note saying why, when there is
    none to measure: no target, an unknown metric)."""

    plan: Plan
    pace: pace_rules.Pace | None = None
    note: str = ""

    def sort_key(self, today: dt.date) -> tuple[bool, dt.date, int]:
        """Plans still running first, the one nearest its deadline first of all."""
        return (self.plan.deadline < today, self.plan.deadline, self.plan.pk)


@dataclass
class RepRow:
    """One rep's line on the dashboard. Figures are None when there is nothing to measure.
    `plan`, `pace` and `pace_note` are those of the active plan nearest its deadline; every
    active plan is in `standings`, in that order."""

    member: Membership
    url: str = ""  # the rep's progress page
    plan: Plan | None = None
    pace: pace_rules.Pace | None = None
    pace_note: str = ""  # why there is no pace: no plan, no target, an unknown metric
    standings: list[PlanStanding] = field(default_factory=list)
    due: int = 0
    answered: int = 0
    done: int = 0
    missed: int = 0
    open_loops: int = 0
    activity_this_week: Decimal = ZERO
    # The same days of the week before (Monday to this weekday): a Monday is compared with a
    # Monday, not with a whole week.
    activity_last_week: Decimal = ZERO
    pipeline: dict[str, Decimal] = field(default_factory=dict)  # currency -> open value
    confidence: int | None = None
    confidence_before: int | None = None
    # Service after the sale: the clients' average score and the open complaints (None: no
    # client has answered yet).
    service: service_column.ServiceCell | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.member.user.name or self.member.user.email

    @property
    def follow_through(self) -> int | None:
        """Percent of due commitments with an answer or an outcome; None if none was due."""
        return round(100 * self.answered / self.due) if self.due else None

    @property
    def confidence_change(self) -> int | None:
        if self.confidence is None or self.confidence_before is None:
            return None
        return self.confidence - self.confidence_before

    @property
    def activity_change(self) -> Decimal:
        return self.activity_this_week - self.activity_last_week

    @property
    def pipeline_total(self) -> Decimal:
        """For sorting: the open value, whatever the currency (most workspaces have one)."""
        return sum(self.pipeline.values(), ZERO)

    @property
    def service_average(self) -> Decimal | None:
        return self.service.average if self.service else None

    @property
    def share_of_low(self) -> Decimal | None:
        return self.pace.share_of_low if self.pace else None

    @property
    def percent_of_low(self) -> int | None:
        share = self.share_of_low
        return None if share is None else round(100 * share)

    @property
    def pace_status(self) -> str:
        return self.pace.status() if self.pace else ""

    @property
    def pace_label(self) -> str:
        return self.pace.status_label() if self.pace else ""

    @cached_property
    def cells(self) -> Cells:
        """The row's figures as the page shows them, formatted once here: the template then
        only prints strings (localising 2,000 numbers in the template costs more than all the
        dashboard's queries together)."""
        change = self.confidence_change
        activity = self.activity_change
        return Cells(
            plans=[plan_cells(standing) for standing in self.standings],
            follow_through="" if self.follow_through is None else f"{self.follow_through}%",
            due=_("of %(due)s") % {"due": self.due},
            done=str(self.done),
            missed=str(self.missed),
            activity=format_number(self.activity_this_week),
            activity_last=format_number(self.activity_last_week),
            activity_trend="up" if activity > 0 else "down" if activity < 0 else "",
            pipeline=[f"{format_number(v)} {c}" for c, v in self.pipeline.items()],
            confidence="" if self.confidence is None else f"{self.confidence}/5",
            confidence_change="" if not change else f"({change:+d})",
            confidence_trend="" if not change else "up" if change > 0 else "down",
            service=service_cells(self.service),
        )


def service_cells(cell: service_column.ServiceCell | None) -> ServiceCells | None:
    """The service column: the average score out of 10 and the open complaints."""
    if cell is None or cell.average is None:
        return None
    complaints = cell.open_complaints
    return ServiceCells(
        average=_("%(score)s/10") % {"score": format_number(cell.average)},
        complaints=ngettext("%(count)d open complaint", "%(count)d open complaints", complaints)
        % {"count": complaints}
        if complaints
        else "",
        late=bool(cell.late_callbacks),
    )


@dataclass(frozen=True)
class ServiceCells:
    """A rep's service after the sale as text: `complaints` is empty when there is none open;
    `late` when a callback is past its deadline."""

    average: str
    complaints: str
    late: bool


def plan_cells(standing: PlanStanding) -> PlanCells:
    """One plan's pace as the dashboard shows it."""
    pace, plan = standing.pace, standing.plan
    if pace is None:
        return PlanCells(purpose=plan.purpose, note=standing.note)
    unit = f" {plan.target_unit}" if plan.target_unit else ""
    percent = round(100 * pace.share_of_low)
    expected = round(100 * pace.expected_now / pace.low) if pace.low else 0
    return PlanCells(
        purpose=plan.purpose,
        status=pace.status(),
        label=pace.status_label(),
        share=_("%(percent)s%% of %(low)s%(unit)s")
        % {"percent": percent, "low": format_number(pace.low), "unit": unit},
        days_left=ngettext("%(days)d day left", "%(days)d days left", pace.days_left)
        % {"days": pace.days_left},
        bar=str(max(0, min(100, percent))),
        # A mark 2 wide, so at most 98.
        expected=str(max(0, min(98, expected))),
    )


@dataclass(frozen=True)
class PlanCells:
    """One plan's pace as text (see plan_cells); `note` alone when there is no pace."""

    purpose: str
    note: str = ""
    status: str = ""
    label: str = ""
    share: str = ""
    days_left: str = ""
    bar: str = "0"
    expected: str = "0"


@dataclass(frozen=True)
class Cells:
    """A dashboard row's figures as text (see RepRow.cells)."""

    plans: list[PlanCells]
    follow_through: str
    due: str
    done: str
    missed: str
    activity: str
    activity_last: str
    activity_trend: str
    pipeline: list[str]
    confidence: str
    confidence_change: str
    confidence_trend: str
    service: ServiceCells | None


# How each column sorts; None sorts last in either direction.
SORTS: dict[str, Any] = {
    "rep": lambda row: row.name.casefold(),
    "pace": lambda row: row.share_of_low,
    "follow_through": lambda row: row.follow_through,
    "done": lambda row: row.done,
    "missed": lambda row: row.missed,
    "activity": lambda row: row.activity_this_week,
    "pipeline": lambda row: row.pipeline_total,
    "confidence": lambda row: row.confidence,
    "service": lambda row: row.service_average,
}


def sort_rows(rows: list[RepRow], key: str, descending: bool) -> list[RepRow]:
    """Rows by one column (ties by name); rows without a figure go last either way."""
    value = SORTS[key]
    by_name = sorted(rows, key=SORTS["rep"])
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(present, key=value, reverse=descending) + missing


def build_rows(
    viewer: Membership, *, now: dt.datetime | None = None, live: bool = False
) -> list[RepRow]:
    """One row per rep the viewer may see, with the reasons each needs attention. Weeks are the
    viewer's local weeks (Monday to Sunday), as `timezone.localdate()` gives them.

    The figures come from the stored weekly summaries (followthrough.weeks): a few rows per
    rep instead of their entries and commitments. `live` computes them from the source rows
    instead, as before the summaries (what they are tested against)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    workspace = viewer.workspace
    reps = list(
        permissions.visible_reps(viewer)
        .select_related("user__profile")
        .annotate(
            confidence=_nth_rating(0),
            confidence_before=_nth_rating(1),
        )
        .order_by("user__name", "pk")
    )
    # One reverse() for all the rows' links (200 of them cost 4 ms): a stand-in id, replaced.
    head, _, tail = reverse("rep_progress", args=[workspace.slug, LINK_ID]).rpartition(str(LINK_ID))
    rows = {rep.pk: RepRow(member=rep, url=f"{head}{rep.pk}{tail}") for rep in reps}
    if not rows:
        return []
    for rep in reps:
        rows[rep.pk].confidence = rep.confidence
        rows[rep.pk].confidence_before = rep.confidence_before
    ids = list(rows)
    metrics = list(Metric.of(workspace))
    plans = _active_plans(rows)
    if not live:
        starts = [plan.starts_on for plan in plans]
        first = min([today - dt.timedelta(weeks=COMMITMENT_WEEKS), *starts])
        store.ensure(reps, week_start(first), week_start(today))
    _add_pace(rows, plans, metrics, now, live)
    (_add_commitments_live if live else _add_commitments)(rows, ids, today, now)
    (_add_activity_live if live else _add_activity)(rows, ids, metrics, today)
    _add_pipeline(rows, ids, workspace.pk)
    for rep_id, cell in service_column.service_by_rep(ids, now).items():
        rows[rep_id].service = cell
    for row in rows.values():
        row.reasons = attention_reasons(row, today)
    return list(rows.values())


def _nth_rating(n: int) -> Subquery:
    """The rep's n-th latest confidence rating (0: the latest), as a subquery of the reps
    query: two index lookups per rep inside one query."""
    latest = ConfidenceRating.objects.filter(member=OuterRef("pk")).order_by("-rated_at", "-id")
    return Subquery(latest.values("rating")[n : n + 1])


def _active_plans(rows: dict[int, RepRow]) -> list[Plan]:
    return list(Plan.objects.filter(rep_id__in=list(rows), closed_at=None).order_by("id"))


def _add_pace(
    rows: dict[int, RepRow],
    plans: list[Plan],
    metrics: Sequence[Metric],
    now: dt.datetime,
    live: bool,
) -> None:
    """Every active plan of each rep and its pace: the plans in one query, the daily totals of
    every plan's target metric in another. A plan's day is its rep's day (as on the plan's
    page): entries are counted on the rep's local days. A second plan does not hide the first:
    each has its line, the one nearest its deadline first."""
    by_name = Metric.named(metrics)
    standings: list[PlanStanding] = []
    targets: list[tuple[Plan, Metric]] = []
    for plan in plans:
        standing = PlanStanding(plan)
        metric = target_metric(plan, by_name)
        if plan.target_low is None or not plan.target_metric:
            standing.note = _("no target")
        elif metric is None:
            standing.note = _("“%(name)s” is not a metric") % {"name": plan.target_metric}
        else:
            targets.append((plan, metric))
        standings.append(standing)
    rep_today = {
        rep_id: timezone.localdate(now, row.member.user.profile.zone)
        for rep_id, row in rows.items()
    }
    daily = (plan_daily_totals if live else stored_daily_totals)(
        targets, max(rep_today.values(), default=now.date())
    )
    for standing in standings:
        plan = standing.plan
        today = rep_today[plan.rep_id]
        if not standing.note:
            assert plan.target_low is not None
            standing.pace = pace_rules.assess(
                starts_on=plan.starts_on,
                deadline=plan.deadline,
                low=plan.target_low,
                high=plan.target_high,
                daily=daily.get(plan.pk, {}),
                today=today,
            )
        rows[plan.rep_id].standings.append(standing)
    for rep_id, row in rows.items():
        row.standings.sort(key=lambda standing: standing.sort_key(rep_today[rep_id]))
        if row.standings:
            first = row.standings[0]
            row.plan, row.pace, row.pace_note = first.plan, first.pace, first.note
        else:
            row.pace_note = _(NO_PLAN)


def plan_daily_totals(
    plans: Iterable[tuple[Plan, Metric]], today: dt.date
) -> dict[int, dict[dt.date, Decimal]]:
    """The bulk version of one plan's pace data: for each (plan, target metric), the rep's daily
    totals of that metric from the plan's start to today (or its deadline), all in one query.
    Keyed by plan id, then day; days whose total is 0 are left out (they add nothing).

    One window for all (the earliest start to the latest end) rather than one per plan: 200
    OR'ed windows cost more to build and plan than the few extra rows they would save when
    plans start on different days. Zero entries are skipped in the database: a daily log
    full of "0 revenue" would otherwise be most of the rows fetched."""
    plans = list(plans)
    if not plans:
        return {}
    totals = (
        Entry.objects.filter(
            member_id__in={plan.rep_id for plan, _ in plans},
            metric_id__in={metric.pk for _, metric in plans},
            day__gte=min(plan.starts_on for plan, _ in plans),
            day__lte=min(today, max(plan.deadline for plan, _ in plans)),
        )
        .exclude(value=0)
        .values_list("member_id", "metric_id", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    plan_of = {(plan.rep_id, metric.pk): plan for plan, metric in plans}
    daily: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for member_id, metric_id, day, total in totals:
        plan = plan_of.get((member_id, metric_id))
        if plan is not None and plan.starts_on <= day <= plan.deadline:
            daily[plan.pk][day] = total
    return daily


def stored_daily_totals(
    plans: Iterable[tuple[Plan, Metric]], today: dt.date
) -> dict[int, dict[dt.date, Decimal]]:
    """As plan_daily_totals, from the stored weekly rows of each rep and metric (weeks.models.
    WeekMetric: a row a week with its seven days) rather than from the entries."""
    plans = list(plans)
    if not plans:
        return {}
    last = min(today, max(plan.deadline for plan, _ in plans))
    found = WeekMetric.objects.filter(
        rep_id__in={plan.rep_id for plan, _ in plans},
        metric_id__in={metric.pk for _, metric in plans},
        week__gte=week_start(min(plan.starts_on for plan, _ in plans)),
        week__lte=week_start(last),
    ).values_list("rep_id", "metric_id", "week", *WeekMetric.DAYS)
    plan_of = {(plan.rep_id, metric.pk): plan for plan, metric in plans}
    daily: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    one_day = dt.timedelta(days=1)
    for rep_id, metric_id, monday, *days in found:
        plan = plan_of.get((rep_id, metric_id))
        if plan is None:
            continue
        first_day, last_day = plan.starts_on, min(plan.deadline, last)
        for weekday, total in enumerate(days):
            if total:  # most days of a result count nothing: skip them first
                day = monday + one_day * weekday
                if first_day <= day <= last_day:
                    daily[plan.pk][day] = total
    return daily


def _add_commitments(
    rows: dict[int, RepRow], ids: list[int], today: dt.date, now: dt.datetime
) -> None:
    """As _add_commitments_live, the whole weeks of the window from the stored summaries: only
    its first and last weeks, cut by the window, are counted from the commitments."""
    first_day = today - dt.timedelta(weeks=COMMITMENT_WEEKS)
    first_whole = week_start(first_day - dt.timedelta(days=1)) + dt.timedelta(weeks=1)
    this_monday = week_start(today)
    whole = (
        WeekSummary.objects.filter(rep_id__in=ids, week__gte=first_whole, week__lt=this_monday)
        .values_list("rep_id")
        .annotate(Sum("due"), Sum("answered"), Sum("due_done"), Sum("due_missed"))
        .order_by()
    )
    for rep_id, due, answered, done, missed in whole:
        row = rows[rep_id]
        row.due, row.answered, row.done, row.missed = due, answered, done, missed
    # Those of due_for_follow_through in its two cut weeks only, each spelled out as a range
    # (the index on owner and due date then reads those days, not the twelve weeks).
    edges = (
        Commitment.objects.filter(due_for_follow_through(today), owner_id__in=ids)
        .filter(
            Q(due_on__gte=first_day, due_on__lt=first_whole)
            | Q(due_on__gte=this_monday, due_on__lt=today)
        )
        .values("owner_id")
        .annotate(
            due=Count("id"),
            answered=Count("id", filter=followed_through()),
            done=Count("id", filter=Q(state=CommitmentState.DONE)),
            missed=Count("id", filter=Q(state=CommitmentState.MISSED)),
        )
        .order_by()
    )
    for edge in edges:
        row = rows[edge["owner_id"]]
        row.due += edge["due"]
        row.answered += edge["answered"]
        row.done += edge["done"]
        row.missed += edge["missed"]
    _add_open_loops(rows, ids, now)


def _add_commitments_live(
    rows: dict[int, RepRow], ids: list[int], today: dt.date, now: dt.datetime
) -> None:
    """Follow-through, done and missed over the commitments due in the last COMMITMENT_WEEKS
    weeks (before today); open loops whenever they began."""
    due = (
        Commitment.objects.filter(due_for_follow_through(today), owner_id__in=ids)
        .values("owner_id")
        .annotate(
            due=Count("id"),
            answered=Count("id", filter=followed_through()),
            done=Count("id", filter=Q(state=CommitmentState.DONE)),
            missed=Count("id", filter=Q(state=CommitmentState.MISSED)),
        )
        .order_by()
    )
    for found in due:
        row = rows[found["owner_id"]]
        row.due, row.answered = found["due"], found["answered"]
        row.done, row.missed = found["done"], found["missed"]
    _add_open_loops(rows, ids, now)


def _add_open_loops(rows: dict[int, RepRow], ids: list[int], now: dt.datetime) -> None:
    """Check-ins unanswered past their time, whenever that was (they open with the clock, with
    no write to store them by)."""
    loops = (
        Commitment.objects.filter(
            owner_id__in=ids, open_loop_at__lte=now, state__in=CommitmentState.carried()
        )
        .values("owner_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for loop in loops:
        rows[loop["owner_id"]].open_loops = loop["count"]


def _add_activity(
    rows: dict[int, RepRow], ids: list[int], metrics: Sequence[Metric], today: dt.date
) -> None:
    """As _add_activity_live, from the stored days of this week and the week before."""
    this_monday = week_start(today)
    last_monday = this_monday - dt.timedelta(weeks=1)
    activity = [m.pk for m in metrics if m.kind == MetricKind.ACTIVITY]
    # Monday to today's weekday, in both weeks.
    days = sum((F(name) for name in WeekMetric.DAYS[1 : today.weekday() + 1]), F("d0"))
    sums = (
        WeekMetric.objects.filter(
            week__gte=last_monday, week__lte=this_monday, rep_id__in=ids, metric_id__in=activity
        )
        .values("rep_id")
        .annotate(
            this_week=Sum(days, filter=Q(week=this_monday)),
            last_week=Sum(days, filter=Q(week=last_monday)),
        )
        .order_by()
    )
    for found in sums:
        row = rows[found["rep_id"]]
        row.activity_this_week = found["this_week"] or ZERO
        row.activity_last_week = found["last_week"] or ZERO


def _add_activity_live(
    rows: dict[int, RepRow], ids: list[int], metrics: Sequence[Metric], today: dt.date
) -> None:
    """The sum of all activity metrics this week (to today) and over the same days of the week
    before (its Monday to the same weekday): on a Monday, one Monday against another."""
    this_monday = week_start(today)
    last_monday = this_monday - dt.timedelta(weeks=1)
    same_day_last_week = today - dt.timedelta(weeks=1)
    activity = [m.pk for m in metrics if m.kind == MetricKind.ACTIVITY]
    sums = (
        Entry.objects.filter(
            member_id__in=ids, metric_id__in=activity, day__gte=last_monday, day__lte=today
        )
        .exclude(day__gt=same_day_last_week, day__lt=this_monday)
        .values("member_id")
        .annotate(
            this_week=Sum("value", filter=Q(day__gte=this_monday)),
            last_week=Sum("value", filter=Q(day__lt=this_monday)),
        )
        .order_by()
    )
    for found in sums:
        row = rows[found["member_id"]]
        row.activity_this_week = found["this_week"] or ZERO
        row.activity_last_week = found["last_week"] or ZERO


def _add_pipeline(rows: dict[int, RepRow], ids: list[int], workspace_id: int) -> None:
    """The value of each rep's open opportunities, per currency. (The workspace leads the
    index on opportunities, so it is named although the owners imply it.)"""
    sums = (
        Opportunity.objects.filter(
            workspace_id=workspace_id, owner_id__in=ids, stage__in=Stage.open_stages()
        )
        .values("owner_id", "currency")
        .annotate(total=Sum("value"))
        .order_by("owner_id", "currency")
    )
    for found in sums:
        rows[found["owner_id"]].pipeline[found["currency"]] = found["total"]


def attention_reasons(row: RepRow, today: dt.date) -> list[str]:
    """Why a coach should look at this rep now, in words; empty if all is well."""
    reasons = []
    if not row.standings:
        reasons.append(_(NO_PLAN))
    several = len(row.standings) > 1
    for standing in row.standings:
        pace = standing.pace
        if pace is None:
            continue
        # With several plans, each reason names its plan.
        on = _("“%(purpose)s”: ") % {"purpose": standing.plan.purpose} if several else ""
        if pace.status() == "behind":
            reasons.append(
                on
                + ngettext(
                    "behind pace: %(percent)d%% of the low target, %(days)d day left",
                    "behind pace: %(percent)d%% of the low target, %(days)d days left",
                    pace.days_left,
                )
                % {"percent": round(100 * pace.share_of_low), "days": pace.days_left}
            )
        if pace.no_movement:
            first, last = pace_rules.CHANGE_WEEKS
            reasons.append(
                on + _("no movement in weeks %(first)d-%(last)d") % {"first": first, "last": last}
            )
    change = row.confidence_change
    if ConfidenceRating.is_alarming_drop(change):
        reasons.append(
            _("confidence fell from %(before)s to %(after)s")
            % {"before": row.confidence_before, "after": row.confidence}
        )
    if row.open_loops:
        reasons.append(
            ngettext(
                "%(count)d open loop: a check-in without an answer",
                "%(count)d open loops: check-ins without an answer",
                row.open_loops,
            )
            % {"count": row.open_loops}
        )
    rate = row.follow_through
    if rate is not None and rate < FOLLOW_THROUGH_FLOOR:
        reasons.append(_("follow-through %(rate)s%%") % {"rate": rate})
    # On a Monday nobody has logged this week yet: that is not a reason to worry.
    if today.weekday() > 0 and not row.activity_this_week:
        reasons.append(_("no activity logged this week"))
    late_callbacks = service_column.late_callback_reason(row.service)
    if late_callbacks:
        reasons.append(late_callbacks)
    return reasons


# The weekly CSV -------------------------------------------------------------------------------

CSV_HEADER = ["rep", "email", "week starting", "metric", "unit", "total"]
DEFAULT_WEEKS = 12
MAX_WEEKS = 104
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def weekly_rows(viewer: Membership, weeks: int, *, live: bool = False) -> Iterable[list[str]]:
    """Per visible rep, per metric, per week (Monday start, the viewer's local weeks; the
    current week so far is the last): the total, 0 for a week without entries. From the stored
    weekly summaries; `live` sums the entries instead (what they are tested against)."""
    today = timezone.localdate()
    this_monday = week_start(today)
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    reps = list(
        permissions.visible_reps(viewer).select_related("user__profile").order_by("user__name")
    )
    metrics = list(Metric.of(viewer.workspace))
    totals: dict[tuple[int, int, dt.date], Decimal] = {}
    if reps and not live:
        store.ensure(reps, first, this_monday)
        # This week: only its days so far.
        so_far = sum((F(name) for name in WeekMetric.DAYS[1 : today.weekday() + 1]), F("d0"))
        stored = (
            WeekMetric.objects.filter(
                rep_id__in=[rep.pk for rep in reps], week__gte=first, week__lte=this_monday
            )
            .annotate(
                so_far=Case(When(week=this_monday, then=so_far), default=F("total")),
            )
            .values_list("rep_id", "metric_id", "week", "so_far")
        )
        for rep_id, metric_id, monday, total in stored:
            totals[(rep_id, metric_id, monday)] = total
    elif reps:
        found = (
            Entry.objects.filter(
                member_id__in=[rep.pk for rep in reps], day__gte=first, day__lte=today
            )
            .annotate(week=WeekStart("day"))
            .values("member_id", "metric_id", "week")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for item in found:
            totals[(item["member_id"], item["metric_id"], item["week"])] = item["total"]
    for rep in reps:
        for monday in mondays:
            for metric in metrics:
                total = totals.get((rep.pk, metric.pk, monday), ZERO)
                yield [
                    safe_cell(rep.user.name),
                    safe_cell(rep.user.email),
                    monday.isoformat(),
                    safe_cell(metric.name),
                    safe_cell(metric.unit),
                    f"{total.normalize():f}" if total else "0",
                ]


def parse_weeks(raw: str | None) -> int:
    """?weeks=: 1 to MAX_WEEKS, DEFAULT_WEEKS when absent; ValueError with a message if not."""
    if raw is None or raw == "":
        return DEFAULT_WEEKS
    try:
        weeks = int(raw)
    except ValueError:
        raise ValueError(
            _("“weeks” must be a whole number from 1 to %(most)d.") % {"most": MAX_WEEKS}
        ) from None
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(
            _("“weeks” must be from 1 to %(most)d; %(weeks)d is out of range.")
            % {"most": MAX_WEEKS, "weeks": weeks}
        )
    return weeks
