"""What the thread page and the review brief read. The brief costs a fixed number of queries,
whatever the number of entries, notes and commitments."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching.models import Commitment, CommitmentState, Plan
from followthrough.insights import charts, reports
from followthrough.metrics.models import Metric, MetricKind
from followthrough.sync.models import Note, NoteKind, Review

ZERO = Decimal(0)
WEEK = dt.timedelta(days=7)
# Below this age a plan's first week and its last week overlap too much to compare.
COMPARE_AFTER_DAYS = 14
# The brief's lists of notes stay one page.
BRIEF_NOTES = 10


def thread_notes(viewer: Membership, rep: Membership) -> QuerySet[Note]:
    """The rep's thread as the viewer may read it: every note for those in the thread, the
    shared ones for the rep, none for anyone else."""
    notes = Note.objects.filter(workspace_id=rep.workspace_id, rep=rep).select_related(
        "author__user", "review"
    )
    if permissions.is_in_thread(viewer, rep):
        return notes
    if viewer.pk == rep.pk:
        return notes.filter(shared_with_rep=True)
    return notes.none()


# The thread lists the rep's latest reviews, the coming ones first.
REVIEWS_LISTED = 5


def latest_reviews(rep: Membership) -> list[Review]:
    return list(
        Review.objects.filter(rep=rep)
        .select_related("manager__user")
        .order_by("-starts_at")[:REVIEWS_LISTED]
    )


@dataclass(frozen=True)
class Change:
    """One figure in the plan's first week and in the last seven days."""

    label: str
    first: str
    latest: str
    better: bool | None  # None: the same, or nothing to compare


@dataclass
class Brief:
    """The one-page review brief: what changed since the plan started, improvements first."""

    review: Review
    rep: Membership
    plan: Plan | None
    today: dt.date
    first_week: tuple[dt.date, dt.date] | None = None
    last_week: tuple[dt.date, dt.date] | None = None
    improvements: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    worse: list[Change] = field(default_factory=list)
    pace_label: str = ""
    pace_sentence: str = ""
    kept: dict[str, int] = field(default_factory=dict)
    confidence: tuple[int, int] | None = None  # first and latest rating since the start
    notes_for_manager: list[Note] = field(default_factory=list)
    observations: list[Note] = field(default_factory=list)

    @property
    def can_compare(self) -> bool:
        return self.first_week is not None

    @property
    def kept_total(self) -> int:
        return sum(self.kept.get(s, 0) for s in CommitmentState.with_outcome())


def _count(value: Decimal) -> str:
    return charts.amount(value)


def _compare(first: Decimal | None, latest: Decimal | None) -> bool | None:
    if first is None or latest is None or first == latest:
        return None
    return latest > first


def brief(review: Review, today: dt.date | None = None) -> Brief:
    """The brief of a review, as of `today` in the rep's time zone (default: now)."""
    rep = review.rep
    today = today or timezone.localdate(timezone.now(), rep.user.profile.zone)
    plans = list(
        Plan.objects.filter(rep=rep, starts_on__lte=today)
        .select_related("workspace")
        .order_by("closed_at", "-starts_on", "-pk")[:1]
    )
    plan = plans[0] if plans else None
    found = Brief(review=review, rep=rep, plan=plan, today=today)
    since = plan.starts_on if plan else today - dt.timedelta(weeks=reports.WEEKS)
    notes = Note.objects.filter(rep=rep, created_at__date__gte=since).select_related("author__user")
    found.notes_for_manager = list(notes.filter(for_manager=True)[:BRIEF_NOTES])
    found.observations = list(
        notes.filter(kind=NoteKind.SEEING, for_manager=False)[: BRIEF_NOTES // 2]
    )
    if plan is None:
        return found
    _add_changes(found, plan, today)
    _add_standing(found, plan, today)
    return found


def _add_changes(found: Brief, plan: Plan, today: dt.date) -> None:
    """Activity, results and conversion in the plan's first week against the last seven days;
    the result's pace of late against its average; confidence; commitments kept."""
    metrics = Metric.by_name(plan.workspace)
    ordered = reports.metric_list(metrics)
    changes: list[Change] = []
    if (today - plan.starts_on).days >= COMPARE_AFTER_DAYS:
        first = (plan.starts_on, plan.starts_on + WEEK - dt.timedelta(days=1))
        last = (today - WEEK, today - dt.timedelta(days=1))
        found.first_week, found.last_week = first, last
        daily = reports.daily_totals(found.rep, [m.pk for m in ordered], first[0], last[1])

        def total(metric_id: int, window: tuple[dt.date, dt.date]) -> Decimal:
            values = daily.get(metric_id, {})
            return sum((v for d, v in values.items() if window[0] <= d <= window[1]), ZERO)

        for kind in (MetricKind.ACTIVITY, MetricKind.RESULT):
            for metric in (m for m in ordered if m.kind == kind):
                a, b = total(metric.pk, first), total(metric.pk, last)
                if a or b:
                    changes.append(Change(metric.name, _count(a), _count(b), _compare(a, b)))
        for label, word, base, done in reports.funnel_metrics(metrics):
            before = reports.Ratio(label, word, total(base.pk, first), total(done.pk, first))
            now = reports.Ratio(label, word, total(base.pk, last), total(done.pk, last))
            if before.base or now.base:
                better = _compare(before.rate, now.rate)
                if before.rate is None and now.rate:
                    better = True
                changes.append(Change(label, before.percent, now.percent, better))
    kept_early, kept_late = _kept_rates(found, plan, today)
    if kept_early is not None and kept_late is not None:
        changes.append(
            Change(
                _("Commitments kept"),
                f"{kept_early * 100:.0f}%",
                f"{kept_late * 100:.0f}%",
                _compare(kept_early, kept_late),
            )
        )
    zone = found.rep.user.profile.zone
    ratings = [
        rated.rating.rating
        for rated in reports.confidence_history(found.rep)
        if timezone.localdate(rated.rating.rated_at, zone) >= plan.starts_on
    ]
    if ratings:
        found.confidence = (ratings[0], ratings[-1])
        if len(ratings) > 1:
            a, b = Decimal(ratings[0]), Decimal(ratings[-1])
            changes.append(Change(_("Confidence (1 to 5)"), _count(a), _count(b), _compare(a, b)))
    for change in changes:
        bucket = {True: found.improvements, None: found.unchanged, False: found.worse}
        bucket[change.better].append(change)


def _kept_rates(found: Brief, plan: Plan, today: dt.date) -> tuple[Decimal | None, Decimal | None]:
    """Counts every commitment of the plan by state (found.kept), and the share kept (done)
    of those with an outcome due in the plan's first two weeks and in the last two."""
    rows = list(Commitment.objects.filter(plan=plan).values_list("state", "due_on"))
    found.kept = dict(Counter(state for state, _due in rows))
    early_end = plan.starts_on + 2 * WEEK
    late_start = today - 2 * WEEK
    judged = CommitmentState.with_outcome()

    def rate(selected: list[str]) -> Decimal | None:
        outcomes = [s for s in selected if s in judged]
        if not outcomes:
            return None
        return Decimal(sum(1 for s in outcomes if s == CommitmentState.DONE)) / len(outcomes)

    if (today - plan.starts_on).days < 2 * COMPARE_AFTER_DAYS:
        return None, None
    return (
        rate([s for s, due in rows if due < early_end]),
        rate([s for s, due in rows if late_start <= due < today]),
    )


def _add_standing(found: Brief, plan: Plan, today: dt.date) -> None:
    """Results against the pace: where the plan stands, in words; and its result per day of
    the last two weeks against its average, as an improvement when it is above."""
    plan_pace = reports.plan_paces(found.rep, [plan], today)[0]
    pace = plan_pace.pace
    if pace is None:
        found.pace_sentence = plan_pace.missing_reason
        return
    unit = plan.target_unit or (plan_pace.metric.unit_label if plan_pace.metric else "")
    found.pace_label = pace.status_label()
    found.pace_sentence = charts.pace_sentence(pace, unit)
    if pace.days_elapsed >= COMPARE_AFTER_DAYS and (pace.daily_rate or pace.recent_rate):
        change = Change(
            _("%(metric)s a day: since the start, and the last two weeks")
            % {"metric": plan_pace.metric.name if plan_pace.metric else plan.target_metric},
            _count(pace.daily_rate),
            _count(pace.recent_rate),
            _compare(pace.daily_rate, pace.recent_rate),
        )
        {True: found.improvements, None: found.unchanged, False: found.worse}[change.better].insert(
            0, change
        )
