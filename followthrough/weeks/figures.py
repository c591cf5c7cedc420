"""One set of weekly figures per rep: what the weekly update, the digests and the team dashboard
read about a rep's week (issue 12, "One set of weekly figures").

A week is an ISO week, Monday to Sunday. Entries are dated days (the rep's local days); things
that happen at a moment (an outcome, a finished session, a stage change, a rating) count in the
week of the rep's local day at that moment, so a rep's week is the same whoever reads it.

`compute` works the figures out from the source rows for any number of reps and weeks with a
fixed number of grouped queries; `for_reps` and `for_rep` answer for one week.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.coaching.models import (
    Commitment,
    CommitmentState,
    Response,
    Session,
    SessionState,
)
from followthrough.insights.reports import week_start
from followthrough.metrics.models import ConfidenceRating, Entry, Metric, MetricKind
from followthrough.pipeline.models import Stage, StageChange

ZERO = Decimal(0)
DAYS = 7
# Moments are fetched with this much to spare on either side of the weeks, then placed on the
# rep's local day in Python (zones run from UTC-12 to UTC+14).
MARGIN = dt.timedelta(days=1)


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's ISO week (one rule: insights.reports.week_start)."""
    return week_start(day)


@dataclass(frozen=True)
class WeekFigures:
    """A rep's week in figures. `week` is its Monday."""

    rep_id: int
    week: dt.date
    activity: Decimal  # total of the activity metrics that week
    activity_before: Decimal  # the week before
    results: dict[str, Decimal]  # result metric name -> total that week (only non-zero)
    commitments_done: int  # closed done or partly done that week
    commitments_missed: int  # closed missed that week, or turned into an open loop
    commitments_open: int  # open at the end of the week (for the current week: now)
    sessions_held: int  # sessions finished that week
    pipeline_moves: int  # stage changes that week
    pipeline_change: Decimal  # change of the open pipeline's value by those moves
    confidence: int | None  # latest confidence rating up to the week's end
    confidence_before: int | None  # the one before it
    rated: bool = False  # a new confidence rating that week
    open_loops: int = 0  # of commitments_missed, those that turned into open loops
    pipeline_changes: dict[str, Decimal] = field(default_factory=dict)  # per currency

    @property
    def quiet(self) -> bool:
        """Nothing happened: no activity, no commitment closed or missed, no session, no
        pipeline move, no new rating."""
        return not (
            self.activity
            or self.commitments_done
            or self.commitments_missed
            or self.sessions_held
            or self.pipeline_moves
            or self.rated
        )

    @property
    def activity_change(self) -> Decimal:
        return self.activity - self.activity_before

    @property
    def confidence_change(self) -> int | None:
        if self.confidence is None or self.confidence_before is None:
            return None
        return self.confidence - self.confidence_before


@dataclass
class Facts:
    """What happened in one rep's week, as `compute` finds it in the source rows; the stored
    summary keeps the same. Per-day lists run Monday (0) to Sunday (6)."""

    days: dict[int, list[Decimal]] = field(default_factory=dict)  # metric id -> daily totals
    done: int = 0
    missed: int = 0  # closed missed that week
    open: int = 0  # open at the week's end (or now)
    sessions: int = 0
    moves: int = 0
    pipeline_changes: dict[str, Decimal] = field(default_factory=dict)
    confidence: int | None = None
    confidence_before: int | None = None
    rated: bool = False
    # The dashboard's follow-through counts of the commitments due that week (see
    # coaching.models.due_for_follow_through): not dropped, answered or with an outcome, done,
    # missed.
    due: int = 0
    answered: int = 0
    due_done: int = 0
    due_missed: int = 0

    def activity(self, metrics: dict[int, Metric]) -> Decimal:
        """The week's total of the activity metrics (a metric deleted since counts no more)."""
        return sum(
            (
                sum(daily, ZERO)
                for metric_id, daily in self.days.items()
                if metric_id in metrics and metrics[metric_id].kind == MetricKind.ACTIVITY
            ),
            ZERO,
        )

    def results(self, metrics: dict[int, Metric]) -> dict[str, Decimal]:
        """Result metric name -> the week's total, the non-zero ones."""
        found: dict[str, Decimal] = {}
        for metric_id, daily in self.days.items():
            metric = metrics.get(metric_id)
            if metric is not None and metric.kind == MetricKind.RESULT:
                found[metric.name] = found.get(metric.name, ZERO) + sum(daily, ZERO)
        return {name: total for name, total in found.items() if total}


def _zone(rep: Membership) -> zoneinfo.ZoneInfo:
    profile = getattr(rep.user, "profile", None)
    return profile.zone if profile is not None else zoneinfo.ZoneInfo("UTC")


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def compute(
    reps: Sequence[Membership], first_week: dt.date, last_week: dt.date
) -> dict[tuple[int, dt.date], Facts]:
    """The facts of every (rep, week) from `first_week` to `last_week` (Mondays), from the
    source rows, in a fixed number of queries whatever the number of reps and weeks. They do
    not depend on the clock (see count_loops), so a stored week stays right until a row of it
    changes. Pass the reps with `select_related("user__profile")`."""
    first_week, last_week = week_of(first_week), week_of(last_week)
    mondays = _mondays(first_week, last_week)
    facts = {(rep.pk, monday): Facts() for rep in reps for monday in mondays}
    if not reps:
        return facts
    ids = [rep.pk for rep in reps]
    zones = {rep.pk: _zone(rep) for rep in reps}
    first_day, last_day = first_week, last_week + dt.timedelta(days=DAYS - 1)
    since = dt.datetime.combine(first_day, dt.time.min, tzinfo=dt.UTC) - MARGIN
    until = dt.datetime.combine(last_day, dt.time.max, tzinfo=dt.UTC) + MARGIN

    def place(rep_id: int, moment: dt.datetime | None) -> Facts | None:
        """The facts of the rep's week that moment falls in, if it is one of ours."""
        if moment is None:
            return None
        return facts.get((rep_id, week_of(timezone.localdate(moment, zones[rep_id]))))

    _add_entries(facts, ids, first_day, last_day)
    _add_commitments(facts, ids, first_day, last_day, since, until, zones)
    for rep_id, finished_at in Session.objects.filter(
        plan__rep_id__in=ids,
        state=SessionState.FINISHED,
        finished_at__gte=since,
        finished_at__lte=until,
    ).values_list("plan__rep_id", "finished_at"):
        if (found := place(rep_id, finished_at)) is not None:
            found.sessions += 1
    _add_stage_changes(facts, ids, since, until, place)
    _add_ratings(facts, ids, mondays, since, until, zones)
    return facts


def _add_entries(
    facts: dict[tuple[int, dt.date], Facts], ids: list[int], first_day: dt.date, last_day: dt.date
) -> None:
    """Daily totals per metric, every source together."""
    totals = (
        Entry.objects.filter(member_id__in=ids, day__gte=first_day, day__lte=last_day)
        .exclude(value=0)
        .values_list("member_id", "metric_id", "day")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for member_id, metric_id, day, total in totals.iterator(chunk_size=10_000):
        found = facts.get((member_id, week_of(day)))
        if found is not None and total:
            found.days.setdefault(metric_id, [ZERO] * DAYS)[day.weekday()] += total


def _add_commitments(
    facts: dict[tuple[int, dt.date], Facts],
    ids: list[int],
    first_day: dt.date,
    last_day: dt.date,
    since: dt.datetime,
    until: dt.datetime,
    zones: dict[int, zoneinfo.ZoneInfo],
) -> None:
    """Closed in each week, open at each week's end, and the dashboard's counts by due week,
    from one query over the commitments that touch the weeks. A commitment is open at the end
    of the weeks from the one it was made in to the one before it was closed (for the current
    week: open now)."""
    touching = (
        Q(outcome_at__gte=since, outcome_at__lte=until)
        | Q(due_on__gte=first_day, due_on__lte=last_day)
        # Open at some week's end: made before the last one ended, not closed before the first.
        | Q(created_at__lte=until, state=CommitmentState.OPEN)
        | Q(created_at__lte=until, outcome_at__gte=since)
    )
    rows = (
        Commitment.objects.filter(touching, owner_id__in=ids)
        .exclude(state=CommitmentState.DROPPED)
        .annotate(has_response=Exists(Response.objects.filter(commitment=OuterRef("pk"))))
        .values_list("owner_id", "state", "due_on", "created_at", "outcome_at", "has_response")
        .order_by()
    )
    first_week, last_week = week_of(first_day), week_of(last_day)
    week = dt.timedelta(weeks=1)
    for rep_id, state, due_on, created_at, outcome_at, has_response in rows.iterator(
        chunk_size=10_000
    ):
        zone = zones[rep_id]
        # An open commitment may keep the moment of an earlier "partly": only an outcome closes.
        closed = outcome_at if state in CommitmentState.with_outcome() else None
        closed_week = week_of(timezone.localdate(closed, zone)) if closed else None
        if closed_week is not None and first_week <= closed_week <= last_week:
            closing = facts[(rep_id, closed_week)]
            if state == CommitmentState.MISSED:
                closing.missed += 1
            else:
                closing.done += 1
        monday = max(week_of(timezone.localdate(created_at, zone)), first_week)
        stop = min(closed_week or last_week + week, last_week + week)
        while monday < stop:
            facts[(rep_id, monday)].open += 1
            monday += week
        found = facts.get((rep_id, week_of(due_on)))
        if found is not None:
            found.due += 1
            if has_response or state in CommitmentState.with_outcome():
                found.answered += 1
            if state == CommitmentState.DONE:
                found.due_done += 1
            elif state == CommitmentState.MISSED:
                found.due_missed += 1


def count_loops(
    reps: Sequence[Membership], first_week: dt.date, last_week: dt.date, now: dt.datetime
) -> dict[tuple[int, dt.date], int]:
    """Per (rep, week): the commitments whose silence turned them into an open loop that week
    (by now) and that are still unanswered. Read when asked, never stored: a loop opens when
    its time passes, with no write to tell anyone."""
    zones = {rep.pk: _zone(rep) for rep in reps}
    since = dt.datetime.combine(first_week, dt.time.min, tzinfo=dt.UTC) - MARGIN
    until = dt.datetime.combine(last_week + dt.timedelta(days=DAYS), dt.time.min, tzinfo=dt.UTC)
    loops: dict[tuple[int, dt.date], int] = defaultdict(int)
    if not reps:
        return loops
    found = Commitment.objects.filter(
        owner_id__in=list(zones),
        state__in=CommitmentState.carried(),
        open_loop_at__gte=since,
        open_loop_at__lte=min(until + MARGIN, now),
    ).values_list("owner_id", "open_loop_at")
    for rep_id, open_loop_at in found:
        monday = week_of(timezone.localdate(open_loop_at, zones[rep_id]))
        if first_week <= monday <= last_week:
            loops[(rep_id, monday)] += 1
    return loops


def _add_stage_changes(
    facts: dict[tuple[int, dt.date], Facts],
    ids: list[int],
    since: dt.datetime,
    until: dt.datetime,
    place: Any,
) -> None:
    """Moves, and what each did to the open pipeline: an opportunity entering an open stage
    adds its value, one leaving the open stages (won, lost) takes it away."""
    open_stages = set(Stage.open_stages())
    changes = StageChange.objects.filter(
        opportunity__owner_id__in=ids, changed_at__gte=since, changed_at__lte=until
    ).values_list(
        "opportunity__owner_id",
        "changed_at",
        "from_stage",
        "to_stage",
        "opportunity__value",
        "opportunity__currency",
    )
    for rep_id, changed_at, from_stage, to_stage, value, currency in changes:
        found = place(rep_id, changed_at)
        if found is None:
            continue
        found.moves += 1
        sign = (to_stage in open_stages) - (from_stage in open_stages)
        if sign:
            found.pipeline_changes[currency] = (
                found.pipeline_changes.get(currency, ZERO) + sign * value
            )
    for found in facts.values():
        found.pipeline_changes = {c: v for c, v in found.pipeline_changes.items() if v}


def _add_ratings(
    facts: dict[tuple[int, dt.date], Facts],
    ids: list[int],
    mondays: list[dt.date],
    since: dt.datetime,
    until: dt.datetime,
    zones: dict[int, zoneinfo.ZoneInfo],
) -> None:
    """The latest rating up to each week's end and the one before: the two before the first
    week (subqueries on the reps), then every rating within the weeks, walked in order."""
    earlier = ConfidenceRating.objects.filter(member=OuterRef("pk"), rated_at__lt=since).order_by(
        "-rated_at", "-id"
    )
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for rep_id, *older in Membership.objects.filter(pk__in=ids).values_list(
        "pk",
        Subquery(earlier.values("rated_at")[1:2]),
        Subquery(earlier.values("rating")[1:2]),
        Subquery(earlier.values("rated_at")[:1]),
        Subquery(earlier.values("rating")[:1]),
    ):
        for at, rating in ((older[0], older[1]), (older[2], older[3])):
            if at is not None:
                history[rep_id].append((week_of(timezone.localdate(at, zones[rep_id])), rating))
    for rep_id, at, rating in (
        ConfidenceRating.objects.filter(member_id__in=ids, rated_at__gte=since, rated_at__lte=until)
        .order_by("rated_at", "id")
        .values_list("member_id", "rated_at", "rating")
    ):
        history[rep_id].append((week_of(timezone.localdate(at, zones[rep_id])), rating))
    for rep_id in ids:
        ratings = history[rep_id]
        seen = 0  # how many ratings fall in or before the week
        for monday in mondays:
            while seen < len(ratings) and ratings[seen][0] <= monday:
                seen += 1
            found = facts[(rep_id, monday)]
            if seen:
                found.confidence = ratings[seen - 1][1]
                found.rated = ratings[seen - 1][0] == monday
            if seen > 1:
                found.confidence_before = ratings[seen - 2][1]


def figures(
    rep_id: int,
    week: dt.date,
    facts: Facts,
    before: Facts,
    metrics: dict[int, Metric],
    loops: int = 0,
) -> WeekFigures:
    """The figures of a week from its facts, those of the week before and its open loops."""
    changes = dict(facts.pipeline_changes)
    return WeekFigures(
        rep_id=rep_id,
        week=week,
        activity=facts.activity(metrics),
        activity_before=before.activity(metrics),
        results=facts.results(metrics),
        commitments_done=facts.done,
        commitments_missed=facts.missed + loops,
        commitments_open=facts.open,
        sessions_held=facts.sessions,
        pipeline_moves=facts.moves,
        pipeline_change=sum(changes.values(), ZERO),
        confidence=facts.confidence,
        confidence_before=facts.confidence_before,
        rated=facts.rated,
        open_loops=loops,
        pipeline_changes=changes,
    )


def for_reps(
    reps: Sequence[Membership], week: dt.date, *, now: dt.datetime | None = None
) -> dict[int, WeekFigures]:
    """The week's figures of each rep, keyed by membership id, from the stored summaries (a
    week not stored yet is computed and stored), in a fixed number of queries whatever the
    number of reps. Pass the reps with `select_related("user__profile")`."""
    from followthrough.weeks import store

    return _assemble(reps, week, store.read, now)


def live(
    reps: Sequence[Membership], week: dt.date, *, now: dt.datetime | None = None
) -> dict[int, WeekFigures]:
    """As for_reps, straight from the source rows (what the stored summaries must equal)."""
    return _assemble(reps, week, compute, now)


def for_rep(rep: Membership, week: dt.date, *, now: dt.datetime | None = None) -> WeekFigures:
    return for_reps([rep], week, now=now)[rep.pk]


def _assemble(
    reps: Sequence[Membership],
    week: dt.date,
    facts_of: Callable[[Sequence[Membership], dt.date, dt.date], dict[tuple[int, dt.date], Facts]],
    now: dt.datetime | None,
) -> dict[int, WeekFigures]:
    if not reps:
        return {}
    monday = week_of(week)
    before = monday - dt.timedelta(weeks=1)
    found = facts_of(reps, before, monday)
    loops = count_loops(reps, monday, monday, now or timezone.now())
    metrics = metrics_of(reps)
    return {
        rep.pk: figures(
            rep.pk,
            monday,
            found[(rep.pk, monday)],
            found[(rep.pk, before)],
            metrics,
            loops.get((rep.pk, monday), 0),
        )
        for rep in reps
    }


def metrics_of(reps: Sequence[Membership]) -> dict[int, Metric]:
    """The metrics of the reps' workspaces, by id."""
    workspaces = {rep.workspace_id for rep in reps}
    return {metric.pk: metric for metric in Metric.objects.filter(workspace_id__in=workspaces)}
