"""Keeping the stored weekly summaries (weeks.models) equal to what figures.compute finds in the
source rows.

A change marks the rep's weeks it touches (`mark`); once the transaction commits, `flush`
recomputes those weeks from the rows, a fixed number of queries for all of them, and replaces
the stored rows. Readers flush first, so a reader inside the changing transaction (a test, a
page that changes then shows) sees its own change. A week nobody stored yet is computed and
stored when first read (`read`, `ensure`); `rebuild` recomputes a workspace from scratch.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from followthrough.accounts.models import Membership, Role, Workspace
from followthrough.coaching.models import Commitment, Session
from followthrough.metrics.models import ConfidenceRating, Entry
from followthrough.pipeline.models import StageChange
from followthrough.weeks.figures import ZERO, Facts, compute, week_of
from followthrough.weeks.models import WeekMetric, WeekSummary

log = logging.getLogger(__name__)
WEEK = dt.timedelta(weeks=1)
BATCH = 2000
# Reps per round of a rebuild: bounds the rows held in memory (two years of daily entries of
# ten metrics for 25 reps is about 180,000).
REBUILD_REPS = 25

Key = tuple[int, dt.date]


class _Pending(threading.local):
    def __init__(self) -> None:
        # rep id -> (first week, last week, and every stored week after it too)
        self.weeks: dict[int, tuple[dt.date, dt.date, bool]] = {}


_pending = _Pending()


def mark(rep_id: int | None, *days: dt.date | dt.datetime | None, onward: bool = False) -> None:
    """The rep's weeks from the earliest to the latest of `days` (dates or moments; a moment
    also marks the day on either side, whatever the rep's zone) need recomputing once the
    current transaction commits; `onward`, every stored week after them as well (what is
    open at a week's end, the latest rating: a change now reaches weeks already stored
    ahead, such as the week a commitment is due in)."""
    if rep_id is None:
        return
    found = [
        d if not isinstance(d, dt.datetime) else d.astimezone(dt.UTC).date()
        for d in days
        if d is not None
    ]
    if not found:
        return
    moments = any(isinstance(d, dt.datetime) for d in days)
    margin = dt.timedelta(days=1 if moments else 0)
    first, last = week_of(min(found) - margin), week_of(max(found) + margin)
    if rep_id in _pending.weeks:
        was_first, was_last, was_onward = _pending.weeks[rep_id]
        first, last, onward = min(first, was_first), max(last, was_last), onward or was_onward
    _pending.weeks[rep_id] = (first, last, onward)
    # Once per transaction (a bulk delete marks once per row); again after a rollback, which
    # drops the callback but not the marks.
    connection = transaction.get_connection()
    if not connection.in_atomic_block or all(
        callback is not flush for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Recomputes and stores every marked week."""
    pending, _pending.weeks = _pending.weeks, {}
    if not pending:
        return
    onward = [rep_id for rep_id, (_, _, ahead) in pending.items() if ahead]
    spans = {rep_id: (first, last) for rep_id, (first, last, _) in pending.items()}
    if onward:
        latest = (
            WeekSummary.objects.filter(rep_id__in=onward)
            .values_list("rep_id")
            .annotate(last=Max("week"))
            .order_by()
        )
        for rep_id, last in latest:
            spans[rep_id] = (spans[rep_id][0], max(spans[rep_id][1], last))
    reps = list(Membership.objects.filter(pk__in=list(spans)).select_related("user__profile"))
    if not reps:
        return
    first = min(first for first, _ in spans.values())
    last = max(last for _, last in spans.values())
    facts = compute(reps, first, last)
    wanted = {
        key: found for key, found in facts.items() if spans[key[0]][0] <= key[1] <= spans[key[0]][1]
    }
    save(reps, wanted, replace=True)


def save(reps: Sequence[Membership], facts: dict[Key, Facts], *, replace: bool) -> None:
    """Stores the facts; `replace` deletes what was stored for those weeks first (otherwise a
    week someone else stored meanwhile is kept: both computed it from the same rows)."""
    workspace_of = {rep.pk: rep.workspace_id for rep in reps}
    now = timezone.now()
    summaries, metrics = [], []
    for (rep_id, week), found in facts.items():
        workspace_id = workspace_of[rep_id]
        summaries.append(
            WeekSummary(
                workspace_id=workspace_id,
                rep_id=rep_id,
                week=week,
                done=found.done,
                missed=found.missed,
                open=found.open,
                sessions=found.sessions,
                moves=found.moves,
                pipeline_changes={c: str(v) for c, v in found.pipeline_changes.items()},
                confidence=found.confidence,
                confidence_before=found.confidence_before,
                rated=found.rated,
                due=found.due,
                answered=found.answered,
                due_done=found.due_done,
                due_missed=found.due_missed,
                updated_at=now,
            )
        )
        for metric_id, daily in found.days.items():
            if any(daily):
                metrics.append(
                    WeekMetric(
                        workspace_id=workspace_id,
                        rep_id=rep_id,
                        metric_id=metric_id,
                        week=week,
                        **dict(zip(WeekMetric.DAYS, daily, strict=True)),
                        total=sum(daily, ZERO),
                    )
                )
    with transaction.atomic():
        if replace and facts:
            where = _weeks_of(facts)
            WeekSummary.objects.filter(where).delete()
            WeekMetric.objects.filter(where).delete()
        WeekSummary.objects.bulk_create(summaries, batch_size=BATCH, ignore_conflicts=True)
        WeekMetric.objects.bulk_create(metrics, batch_size=BATCH, ignore_conflicts=True)


def _weeks_of(facts: Iterable[Key]) -> Q:
    """The stored rows of these (rep, week) pairs: one range per rep."""
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for rep_id, week in facts:
        first, last = spans.get(rep_id, (week, week))
        spans[rep_id] = (min(first, week), max(last, week))
    where = Q(pk__in=[])
    for rep_id, (first, last) in spans.items():
        where |= Q(rep_id=rep_id, week__gte=first, week__lte=last)
    return where


def missing(reps: Sequence[Membership], first: dt.date, last: dt.date) -> list[Key]:
    """The (rep, week) pairs of the range that have no stored summary: a count per rep, then
    (only when some are missing) which weeks those reps have."""
    weeks = [first + WEEK * i for i in range((last - first).days // 7 + 1)]
    ids = [rep.pk for rep in reps]
    counts = dict(
        WeekSummary.objects.filter(rep_id__in=ids, week__gte=first, week__lte=last)
        .values_list("rep_id")
        .annotate(Count("id"))
        .order_by()
    )
    lacking = [rep_id for rep_id in ids if counts.get(rep_id, 0) < len(weeks)]
    if not lacking:
        return []
    stored = set(
        WeekSummary.objects.filter(
            rep_id__in=[r for r in lacking if r in counts], week__gte=first, week__lte=last
        ).values_list("rep_id", "week")
    )
    return [(rep_id, week) for rep_id in lacking for week in weeks if (rep_id, week) not in stored]


def ensure(reps: Sequence[Membership], first: dt.date, last: dt.date) -> None:
    """Every week of the range is stored for every rep: marked ones recomputed, missing ones
    computed (once, for all reps missing any)."""
    flush()
    first, last = week_of(first), week_of(last)
    absent = missing(reps, first, last)
    if not absent:
        return
    lacking = {rep_id for rep_id, _ in absent}
    some = [rep for rep in reps if rep.pk in lacking]
    facts = compute(some, min(w for _, w in absent), max(w for _, w in absent))
    wanted = set(absent)
    save(some, {key: found for key, found in facts.items() if key in wanted}, replace=False)


def read(reps: Sequence[Membership], first: dt.date, last: dt.date) -> dict[Key, Facts]:
    """The stored facts of every rep and week of the range (computing what is missing)."""
    first, last = week_of(first), week_of(last)
    ensure(reps, first, last)
    ids = [rep.pk for rep in reps]
    facts: dict[Key, Facts] = {}
    for row in WeekSummary.objects.filter(rep_id__in=ids, week__gte=first, week__lte=last):
        facts[(row.rep_id, row.week)] = Facts(
            done=row.done,
            missed=row.missed,
            open=row.open,
            sessions=row.sessions,
            moves=row.moves,
            pipeline_changes={c: Decimal(v) for c, v in row.pipeline_changes.items()},
            confidence=row.confidence,
            confidence_before=row.confidence_before,
            rated=row.rated,
            due=row.due,
            answered=row.answered,
            due_done=row.due_done,
            due_missed=row.due_missed,
        )
    for rep_id, week, metric_id, *daily in WeekMetric.objects.filter(
        rep_id__in=ids, week__gte=first, week__lte=last
    ).values_list("rep_id", "week", "metric_id", *WeekMetric.DAYS):
        facts[(rep_id, week)].days[metric_id] = list(daily)
    return facts


def stored(reps: Sequence[Membership], first: dt.date, last: dt.date) -> dict[Key, Facts]:
    """What is stored now for the range, nothing computed (for the tests that compare)."""
    ids = [rep.pk for rep in reps]
    present = set(
        WeekSummary.objects.filter(rep_id__in=ids, week__gte=first, week__lte=last).values_list(
            "rep_id", "week"
        )
    )
    if not present:
        return {}
    found = read([rep for rep in reps if any(r == rep.pk for r, _ in present)], first, last)
    return {key: facts for key, facts in found.items() if key in present}


def span(workspace: Workspace, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The weeks a rebuild covers: from the first source row to the current week (or a later
    one, when entries or due dates are ahead)."""
    days = [
        Entry.objects.filter(workspace=workspace).aggregate(first=Min("day"))["first"],
        Commitment.objects.filter(workspace=workspace).aggregate(first=Min("due_on"))["first"],
    ]
    moments = [
        Commitment.objects.filter(workspace=workspace).aggregate(first=Min("created_at"))["first"],
        ConfidenceRating.objects.filter(workspace=workspace).aggregate(first=Min("rated_at"))[
            "first"
        ],
        StageChange.objects.filter(opportunity__workspace=workspace).aggregate(
            first=Min("changed_at")
        )["first"],
        Session.objects.filter(workspace=workspace).aggregate(first=Min("finished_at"))["first"],
    ]
    starts = [d for d in days if d] + [m.date() - dt.timedelta(days=1) for m in moments if m]
    if not starts:
        return None
    ends = [
        today,
        *(
            d
            for d in (
                Entry.objects.filter(workspace=workspace)
                .order_by("-day")
                .values_list("day", flat=True)[:1]
                .first(),
                Commitment.objects.filter(workspace=workspace)
                .order_by("-due_on")
                .values_list("due_on", flat=True)[:1]
                .first(),
            )
            if d
        ),
    ]
    return week_of(min(starts)), week_of(max(ends) + dt.timedelta(days=1))


def rebuild(workspace: Workspace) -> int:
    """Forgets the workspace's stored weeks and computes them all again from the rows, every
    rep from the first week with a source row to the current week. Returns how many weeks
    were stored."""
    _pending.weeks.clear()
    found = span(workspace, timezone.localdate())
    members = list(
        Membership.objects.filter(workspace=workspace, role=Role.REP)
        .select_related("user__profile")
        .order_by("pk")
    )
    with transaction.atomic():
        WeekSummary.objects.filter(workspace=workspace).delete()
        WeekMetric.objects.filter(workspace=workspace).delete()
    if found is None:
        return 0
    first, last = found
    count = 0
    for start in range(0, len(members), REBUILD_REPS):
        some = members[start : start + REBUILD_REPS]
        facts = compute(some, first, last)
        save(some, facts, replace=False)
        count += len(facts)
    return count
