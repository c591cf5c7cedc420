"""Adoption per manager: are the managers of a cohort coaching? (issue 14, item 4)

Every figure comes from rows Followthrough already has (the managers' own coaching plans,
sessions, commitments, check-ins and answers, their reps' results, the role-plays of the
cohort), and each has its formula in words (FORMULAS), shown on the page beside it: a figure
nobody can explain is not one a manager will act on.

The window is the cohort's: from the workshop day (midnight on the manager's clock) to now, or
to the moment the manager left the cohort or was deactivated (Enrollment.frozen_at): their
history is kept and their figures stop there. "Before" figures look at as many whole weeks
before the workshop as have passed since it (at most COMPARE_WEEKS).

`cohort_figures` costs a fixed number of queries whatever the number of managers, reps and
sessions (pinned in tests/test_programs_adoption.py): each query covers every manager at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
)
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Role
from followthrough.coaching.models import (
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    Source,
    followed_through,
)
from followthrough.followups.models import State
from followthrough.insights.reports import target_metric, week_start
from followthrough.lib import dates
from followthrough.metrics.models import Entry, Metric
from followthrough.programs.models import (
    Cohort,
    CommitmentCheckIns,
    Enrollment,
    Filling,
    Level,
    RolePlay,
)

ZERO = Decimal(0)
WEEK_DAYS = 7
# The before/after comparisons look at most this many weeks on either side of the workshop:
# coaching shows its effect in 8-12 weeks (insights.pace.CHANGE_WEEKS).
COMPARE_WEEKS = 12
CHECK_IN = "check_in"
NO_DATA = _("no data")


@dataclass(frozen=True)
class Formula:
    """One figure of the adoption page: its name and how it is worked out, in words."""

    key: str
    label: Promise
    words: Promise


SESSIONS = Formula(
    "sessions",
    _("Sessions a week"),
    _(
        "Coaching sessions finished with their own reps (on plans they coach) since the workshop "
        "day, divided by the weeks since then; against the cadence, the sessions a week agreed in "
        "their open plans, added up. Sessions others hold with their reps do not count. Before: "
        "the same count over as many weeks before the workshop."
    ),
)
COMMITMENTS = Formula(
    "commitments",
    _("Commitments a session"),
    _("Commitments agreed in those sessions, divided by the number of sessions."),
)
ANSWERS = Formula(
    "answers",
    _("Reps' answer rate"),
    _(
        "Check-ins sent to their reps since the workshop day that the rep answered (an answer "
        "recorded by a coach does not count), out of the check-ins sent."
    ),
)
FOLLOW_THROUGH = Formula(
    "follow_through",
    _("Reps' follow-through"),
    _(
        "Their reps' commitments due since the workshop day (not dropped) that have an answer or "
        "an outcome, out of those due: the follow-through of the Today page, over the program."
    ),
)
GAPS = Formula(
    "gaps",
    _("Days between sessions"),
    _(
        "The median of the days between two sessions in a row with the same rep, every rep's "
        "gaps together."
    ),
)
RUBRIC = Formula(
    "rubric",
    _("Rubric trend"),
    _(
        "For each of their role-plays, the points given as a share of the rubric's best, "
        "averaged over the assessors (facilitator, peer, self); the first role-play against the "
        "latest."
    ),
)
PACE = Formula(
    "pace",
    _("Reps' pace, before and after"),
    _(
        "For each rep with a target: their results per week, as a share of the pace their plan "
        "needs (the low target spread over the plan's weeks), over the whole weeks since the "
        "workshop (at most 12) and as many weeks before it; averaged over the reps."
    ),
)
FORMULAS = (SESSIONS, COMMITMENTS, ANSWERS, FOLLOW_THROUGH, GAPS, RUBRIC, PACE)


def _ratio(part: Decimal | int, whole: Decimal | int, places: str = "0.1") -> Decimal | None:
    """part / whole rounded half up, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _percent(part: Decimal | int, whole: Decimal | int) -> int | None:
    share = _ratio(100 * Decimal(part), whole, "1")
    return None if share is None else int(share)


@dataclass(frozen=True)
class RolePlayScore:
    """One role-play of a manager: the average over its assessors of their percent."""

    role_play_id: int
    title: str
    played_on: dt.date
    percent: Decimal
    assessors: int


@dataclass
class ManagerFigures:
    """One enrolled manager's figures (None: nothing to measure, shown as "no data")."""

    enrollment: Enrollment
    starts: dt.datetime  # the workshop day's midnight on the manager's clock
    ends: dt.datetime  # now, or when their figures froze
    frozen_at: dt.datetime | None
    days: int  # days of the window, both ends counted (0 before the workshop)
    compare_weeks: int  # whole weeks compared before and after (0: none yet)
    held: int = 0
    held_before: int = 0
    cadence: int = 0
    commitments: int = 0
    checkins_sent: int = 0
    checkins_answered: int = 0
    due: int = 0
    followed: int = 0
    gaps: list[int] = field(default_factory=list)
    role_plays: list[RolePlayScore] = field(default_factory=list)
    pace_before: Decimal | None = None
    pace_after: Decimal | None = None
    paced_reps: int = 0
    weekly: list[tuple[dt.date, int]] = field(default_factory=list)
    held_weeks: dict[dt.date, int] = field(default_factory=dict)  # sessions by local Monday

    @property
    def name(self) -> str:
        user = self.enrollment.manager.user
        return user.name or user.email

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def per_week(self) -> Decimal | None:
        return _ratio(self.held * WEEK_DAYS, self.days) if self.days else None

    @property
    def per_week_before(self) -> Decimal | None:
        return _ratio(self.held_before, self.compare_weeks) if self.compare_weeks else None

    @property
    def of_cadence(self) -> int | None:
        """Sessions a week as a percent of the cadence (the sort key: little use first)."""
        if self.per_week is None or not self.cadence:
            return None
        return _percent(self.per_week, self.cadence)

    @property
    def per_session(self) -> Decimal | None:
        return _ratio(self.commitments, self.held)

    @property
    def answer_rate(self) -> int | None:
        return _percent(self.checkins_answered, self.checkins_sent)

    @property
    def follow_through(self) -> int | None:
        return _percent(self.followed, self.due)

    @property
    def median_gap(self) -> Decimal | None:
        if not self.gaps:
            return None
        return Decimal(str(statistics.median(self.gaps))).quantize(Decimal("0.1"))

    @property
    def rubric_first(self) -> Decimal | None:
        return self.role_plays[0].percent if self.role_plays else None

    @property
    def rubric_latest(self) -> Decimal | None:
        return self.role_plays[-1].percent if len(self.role_plays) > 1 else None

    @property
    def rubric_change(self) -> Decimal | None:
        if self.rubric_first is None or self.rubric_latest is None:
            return None
        return self.rubric_latest - self.rubric_first

    @property
    def pace_change(self) -> Decimal | None:
        if self.pace_before is None or self.pace_after is None:
            return None
        return self.pace_after - self.pace_before

    def value(self, key: str) -> Decimal | int | None:
        """The figure the spread is taken of, by the formula's key."""
        return {
            "sessions": self.per_week,
            "commitments": self.per_session,
            "answers": self.answer_rate,
            "follow_through": self.follow_through,
            "gaps": self.median_gap,
            "rubric": self.rubric_latest if self.rubric_latest is not None else self.rubric_first,
            "pace": self.pace_after,
        }[key]


def sort_key(row: ManagerFigures) -> tuple[bool, int, str]:
    """Little use first: sessions a week against the cadence, ascending; no figure at all
    (no plan, no session) before anyone; ties by name."""
    share = row.of_cadence
    return (share is not None, share or 0, row.name.casefold())


@dataclass(frozen=True)
class Spread:
    """The cohort's spread of one figure, anonymised: median, lowest, highest, and of how many
    managers (those with the figure)."""

    formula: Formula
    median: Decimal | None
    low: Decimal | None
    high: Decimal | None
    count: int


def spread(rows: Sequence[ManagerFigures]) -> list[Spread]:
    found = []
    for formula in FORMULAS:
        values = [Decimal(v) for row in rows if (v := row.value(formula.key)) is not None]
        if not values:
            found.append(Spread(formula, None, None, None, 0))
            continue
        middle = Decimal(str(statistics.median(values))).quantize(Decimal("0.1"))
        found.append(Spread(formula, middle, min(values), max(values), len(values)))
    return found


# Reading the figures: one query per kind of row, for every manager at once ---------------------


@dataclass(frozen=True)
class _Window:
    enrollment_id: int
    manager_id: int
    zone: zoneinfo.ZoneInfo
    starts: dt.datetime
    ends: dt.datetime
    before: dt.datetime  # the start of the "before" weeks
    days: int
    compare_weeks: int
    start_day: dt.date
    end_day: dt.date


def _window(cohort: Cohort, enrollment: Enrollment, now: dt.datetime) -> _Window:
    zone = enrollment.manager.user.profile.zone
    starts = dates.local_datetime(cohort.starts_on, dt.time(), zone)
    frozen = enrollment.frozen_at()
    ends = min(now, frozen) if frozen is not None else now
    end_day = timezone.localdate(ends, zone)
    days = max((end_day - cohort.starts_on).days + 1, 0) if ends >= starts else 0
    compare = min(days // WEEK_DAYS, COMPARE_WEEKS)
    before = dates.local_datetime(
        cohort.starts_on - dt.timedelta(weeks=max(compare, 1)), dt.time(), zone
    )
    return _Window(
        enrollment.pk,
        enrollment.manager_id,
        zone,
        starts,
        ends,
        before,
        days,
        compare,
        cohort.starts_on,
        end_day,
    )


def _in_windows(windows: Iterable[_Window], coach: str, moment: str) -> Q:
    """Rows of each manager within their own window (one OR term per distinct window: the
    managers still taking part share one)."""
    groups: dict[tuple[dt.datetime, dt.datetime], list[int]] = defaultdict(list)
    for w in windows:
        groups[(w.starts, w.ends)].append(w.manager_id)
    found = Q(pk__in=[])
    for (first, last), ids in groups.items():
        found |= Q(**{f"{coach}__in": ids, f"{moment}__gte": first, f"{moment}__lte": last})
    return found


def _due_in_windows(windows: Iterable[_Window]) -> Q:
    """Commitments due from the workshop day to the day before the window's end (as on Today,
    a commitment due today is not late yet)."""
    groups: dict[tuple[dt.date, dt.date], list[int]] = defaultdict(list)
    for w in windows:
        groups[(w.start_day, w.end_day)].append(w.manager_id)
    found = Q(pk__in=[])
    for (first, last), ids in groups.items():
        found |= Q(plan__coach_id__in=ids, due_on__gte=first, due_on__lt=last)
    return found


def cohort_figures(
    cohort: Cohort, *, now: dt.datetime | None = None, only: Enrollment | None = None
) -> list[ManagerFigures]:
    """Every enrolled manager's figures (those who left too: their figures frozen), little use
    first. A fixed number of queries; pass `only` to compute none but one manager's (the
    spread then needs every manager's anyway: see the page)."""
    now = now or timezone.now()
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort)
        .select_related("manager__user__profile")
        .order_by("manager__user__name", "pk")
    )
    if only is not None:
        enrollments = [e for e in enrollments if e.pk == only.pk]
    if not enrollments:
        return []
    windows = {e.manager_id: _window(cohort, e, now) for e in enrollments}
    rows = {
        e.manager_id: ManagerFigures(
            enrollment=e,
            starts=windows[e.manager_id].starts,
            ends=windows[e.manager_id].ends,
            frozen_at=e.frozen_at(),
            days=windows[e.manager_id].days,
            compare_weeks=windows[e.manager_id].compare_weeks,
        )
        for e in enrollments
    }
    ids = list(rows)
    plans = list(
        Plan.objects.filter(coach_id__in=ids, rep__role=Role.REP)
        .values_list(
            "pk",
            "coach_id",
            "rep_id",
            "sessions_per_week",
            "created_at",
            "closed_at",
            "starts_on",
            "deadline",
            "target_metric",
            "target_low",
        )
        .order_by("starts_on", "pk")
    )
    _add_cadence(rows, windows, plans)
    _add_sessions(rows, windows, ids)
    _add_commitments(rows, windows)
    _add_answers(rows, windows, ids)
    _add_follow_through(rows, windows, ids)
    _add_rubric(rows, cohort, windows)
    _add_pace(rows, windows, plans, cohort)
    return sorted(rows.values(), key=sort_key)


def _add_cadence(
    rows: dict[int, ManagerFigures], windows: dict[int, _Window], plans: list[tuple[Any, ...]]
) -> None:
    """The cadence: sessions a week of the plans open at the window's end."""
    for _pk, coach_id, _rep, per_week, created_at, closed_at, *_rest in plans:
        ends = windows[coach_id].ends
        if created_at <= ends and (closed_at is None or closed_at > ends):
            rows[coach_id].cadence += per_week


def _add_sessions(
    rows: dict[int, ManagerFigures], windows: dict[int, _Window], ids: list[int]
) -> None:
    """Sessions held since the workshop (and counted in the weeks before), their weeks for the
    trend, and the gaps between two sessions in a row with the same rep."""
    # The weeks before need only a count: counted by the database.
    spans: dict[tuple[dt.datetime, dt.datetime], list[int]] = defaultdict(list)
    for w in windows.values():
        if w.compare_weeks:
            spans[(w.before, w.starts)].append(w.manager_id)
    before = Q(pk__in=[])
    for (span_from, span_to), managers in spans.items():
        before |= Q(
            plan__coach_id__in=managers, finished_at__gte=span_from, finished_at__lt=span_to
        )
    counted = (
        Session.objects.filter(before, state=SessionState.FINISHED, plan__rep__role=Role.REP)
        .values_list("plan__coach_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for coach_id, count in counted:
        rows[coach_id].held_before = count
    if connection.vendor == "postgresql":
        _held_in_sql(rows, windows)
    else:
        _held_in_python(rows, windows, ids)
    for coach_id, row in rows.items():
        w = windows[coach_id]
        if not w.days:
            continue
        monday, last = week_start(w.start_day), week_start(w.end_day)
        while monday <= last:
            row.weekly.append((monday, row.held_weeks.get(monday, 0)))
            monday += dt.timedelta(weeks=1)


def _held_in_python(
    rows: dict[int, ManagerFigures], windows: dict[int, _Window], ids: list[int]
) -> None:
    """The sessions held in each window, their local days' gaps and weeks, worked out row by
    row (SQLite has no time zones to do it in the query)."""
    earliest = min(w.starts for w in windows.values())
    latest = max(w.ends for w in windows.values())
    found = (
        Session.objects.filter(
            state=SessionState.FINISHED,
            plan__coach_id__in=ids,
            plan__rep__role=Role.REP,
            finished_at__gte=earliest,
            finished_at__lte=latest,
        )
        .values_list("plan__coach_id", "plan__rep_id", "finished_at")
        .order_by("finished_at", "pk")
    )
    days: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    weekly: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for coach_id, rep_id, finished_at in found:
        assert finished_at is not None  # a finished session has its moment
        w, row = windows[coach_id], rows[coach_id]
        if w.starts <= finished_at <= w.ends:
            row.held += 1
            day = finished_at.astimezone(w.zone).date()
            days[(coach_id, rep_id)].append(day)
            weekly[coach_id][week_start(day)] += 1
    for (coach_id, _rep), held_on in days.items():
        rows[coach_id].gaps += [(b - a).days for a, b in itertools.pairwise(held_on)]
    for coach_id, by_week in weekly.items():
        rows[coach_id].held_weeks.update(by_week)


# A session's local day, the gap to the same rep's previous session (in the window) and its
# week, counted per manager and week: some 600 rows instead of every session (25,000 for 50
# managers over a year), and no time zone conversion per session in Python.
_HELD_SQL = """
WITH w(coach_id, starts, ends, zone) AS (VALUES {windows}),
held AS (
    SELECT p.coach_id, p.rep_id, s.id, s.finished_at,
           (s.finished_at AT TIME ZONE w.zone)::date AS day
    FROM {session} s
    JOIN {plan} p ON p.id = s.plan_id
    JOIN {member} r ON r.id = p.rep_id
    JOIN w ON w.coach_id = p.coach_id
    WHERE s.state = %s AND r.role = %s AND s.finished_at >= w.starts AND s.finished_at <= w.ends
),
gaps AS (
    SELECT coach_id, day,
           day - LAG(day) OVER (PARTITION BY coach_id, rep_id ORDER BY finished_at, id) AS gap
    FROM held
)
SELECT coach_id, date_trunc('week', day)::date, COUNT(*),
       ARRAY_AGG(gap) FILTER (WHERE gap IS NOT NULL)
FROM gaps GROUP BY 1, 2
"""


def _held_in_sql(rows: dict[int, ManagerFigures], windows: dict[int, _Window]) -> None:
    """As _held_in_python, in one PostgreSQL query (window function and time zones)."""
    params: list[Any] = []
    for w in windows.values():
        params += [w.manager_id, w.starts, w.ends, w.zone.key]
    sql = _HELD_SQL.format(
        windows=", ".join(
            ["(%s::bigint, %s::timestamptz, %s::timestamptz, %s::text)"] * len(windows)
        ),
        session=Session._meta.db_table,
        plan=Plan._meta.db_table,
        member=Plan._meta.get_field("rep").related_model._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, SessionState.FINISHED.value, Role.REP.value])
        for coach_id, monday, count, gaps in cursor.fetchall():
            row = rows[coach_id]
            row.held += count
            row.held_weeks[monday] = count
            row.gaps += gaps or []


def _add_commitments(rows: dict[int, ManagerFigures], windows: dict[int, _Window]) -> None:
    """Commitments agreed in the sessions counted above."""
    counted = (
        Commitment.objects.filter(
            _in_windows(windows.values(), "session__plan__coach_id", "session__finished_at"),
            session__state=SessionState.FINISHED,
            session__plan__rep__role=Role.REP,
        )
        .values_list("session__plan__coach_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for coach_id, count in counted:
        rows[coach_id].commitments = count


def _theirs(ids: list[int]) -> Any:
    """Their reps' own commitments on the plans they coach."""
    return Commitment.objects.filter(
        plan__coach_id__in=ids, plan__rep__role=Role.REP, owner_id=F("plan__rep_id")
    )


def _add_answers(
    rows: dict[int, ManagerFigures], windows: dict[int, _Window], ids: list[int]
) -> None:
    """Check-ins sent to their reps in the window, and those the rep answered after they went
    out and before the window's end (an answer after a manager's figures froze is not theirs).
    One join of their reps' commitments with their sent check-ins (CommitmentCheckIns)."""
    # Sent in the window, the first answer after it is in the window too exactly when some
    # answer falls between the sending and the window's end: one EXISTS (an index probe)
    # rather than the first answer's subquery, which PostgreSQL ran twice per check-in.
    ends: dict[dt.datetime, list[int]] = defaultdict(list)
    for w in windows.values():
        ends[w.ends].append(w.manager_id)
    answered = Q(pk__in=[])
    for last, managers in ends.items():
        answered |= Q(
            Exists(
                Response.objects.filter(
                    commitment_id=OuterRef("pk"),
                    created_at__gte=OuterRef("followups__sent_at"),
                    created_at__lte=last,
                ).exclude(source=Source.COACH)
            ),
            plan__coach_id__in=managers,
        )
    sent_in_window = Q(followups__kind=CHECK_IN, followups__state=State.SENT) & _in_windows(
        windows.values(), "plan__coach_id", "followups__sent_at"
    )
    counted = (
        CommitmentCheckIns.objects.filter(
            plan__coach_id__in=ids, plan__rep__role=Role.REP, owner_id=F("plan__rep_id")
        )
        .filter(sent_in_window)
        .values_list("plan__coach_id")
        .annotate(sent=Count("followups__id"), answered=Count("followups__id", filter=answered))
        .order_by()
    )
    for coach_id, sent, answered in counted:
        rows[coach_id].checkins_sent = sent
        rows[coach_id].checkins_answered = answered


def _add_follow_through(
    rows: dict[int, ManagerFigures], windows: dict[int, _Window], ids: list[int]
) -> None:
    counted = (
        _theirs(ids)
        .filter(_due_in_windows(windows.values()))
        .exclude(state=CommitmentState.DROPPED)
        .values_list("plan__coach_id")
        .annotate(due=Count("id"), followed=Count("id", filter=followed_through()))
        .order_by()
    )
    for coach_id, due, followed in counted:
        rows[coach_id].due, rows[coach_id].followed = due, followed


def _add_rubric(
    rows: dict[int, ManagerFigures], cohort: Cohort, windows: dict[int, _Window]
) -> None:
    """Each role-play a manager played (not calibration), up to their window's end: the
    average over its assessors of points / the rubric's best."""
    manager_of = {row.enrollment.pk: coach_id for coach_id, row in rows.items()}
    plays = list(
        RolePlay.objects.filter(
            cohort=cohort, is_calibration=False, manager_id__in=list(manager_of)
        )
        .values_list("pk", "manager_id", "rubric_id", "title", "played_on")
        .order_by("played_on", "pk")
    )
    if not plays:
        return
    tops = (
        Level.objects.filter(criterion__rubric_id__in={p[2] for p in plays})
        .values_list("criterion__rubric_id", "criterion_id")
        .annotate(top=Max("points"))
        .order_by()
    )
    best: dict[int, int] = defaultdict(int)
    for rubric_id, _criterion, top in tops:
        best[rubric_id] += top
    points = (
        Filling.objects.filter(assessment__role_play_id__in=[p[0] for p in plays])
        .values_list("assessment__role_play_id", "assessment_id")
        .annotate(points=Sum("level__points"))
        .order_by()
    )
    by_play: dict[int, list[int]] = defaultdict(list)
    for play_id, _assessment, total in points:
        by_play[play_id].append(total)
    for play_id, enrollment_id, rubric_id, title, played_on in plays:
        coach_id = manager_of[enrollment_id]
        if played_on > windows[coach_id].end_day or not by_play[play_id] or not best[rubric_id]:
            continue
        percents = [assessment_percent(total, best[rubric_id]) for total in by_play[play_id]]
        average = (sum(percents, ZERO) / len(percents)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        rows[coach_id].role_plays.append(
            RolePlayScore(play_id, title, played_on, average, len(percents))
        )


def assessment_percent(total: int, best: int) -> Decimal:
    """One assessment's points as a share of the rubric's best, as Assessment.percent()."""
    share = Decimal(100) * total / best
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _add_pace(
    rows: dict[int, ManagerFigures],
    windows: dict[int, _Window],
    plans: list[tuple[Any, ...]],
    cohort: Cohort,
) -> None:
    """For each rep with a target (their latest plan with this manager that has one): results
    per day over the compared weeks before and since the workshop, as a percent of the pace
    the plan needs (the low target over the plan's days); the mean over the reps."""
    metrics = Metric.named(list(Metric.of(cohort.workspace)))
    metric_of: dict[str, Metric | None] = {}
    chosen: dict[tuple[int, int], tuple[int, Decimal]] = {}  # (coach, rep) -> (metric, needed/day)
    for _pk, coach_id, rep_id, _per_week, *_rest, starts_on, deadline, name, low in plans:
        if name not in metric_of:  # a few names among many plans: one Plan made per name
            metric_of[name] = target_metric(Plan(target_metric=name), metrics)
        metric = metric_of[name]
        if metric is None or not low or not windows[coach_id].compare_weeks:
            continue
        plan_days = max((deadline - starts_on).days + 1, 1)
        chosen[(coach_id, rep_id)] = (metric.pk, Decimal(low) / plan_days)
    if not chosen:
        return
    # One sum before and one after per length of the weeks compared (every manager still
    # taking part has the same; a manager whose figures froze may have fewer).
    start = cohort.starts_on
    groups: dict[int, set[int]] = defaultdict(set)
    for coach_id, rep_id in chosen:
        groups[windows[coach_id].compare_weeks].add(rep_id)
    sums: dict[str, Sum] = {}
    for weeks, reps in groups.items():
        span = dt.timedelta(weeks=weeks)
        before = Q(member_id__in=reps, day__gte=start - span, day__lt=start)
        sums[f"before_{weeks}"] = Sum("value", filter=before)
        sums[f"after_{weeks}"] = Sum(
            "value", filter=Q(member_id__in=reps, day__gte=start, day__lt=start + span)
        )
    widest = dt.timedelta(weeks=max(groups))
    totals: dict[tuple[int, int], dict[str, Any]] = {
        (found["member_id"], found["metric_id"]): dict(found)
        for found in Entry.objects.filter(
            member_id__in={rep for _, rep in chosen},
            metric_id__in={m for m, _ in chosen.values()},
            day__gte=start - widest,
            day__lt=start + widest,
        )
        .values("member_id", "metric_id")
        .annotate(**sums)
        .order_by()
    }
    shares: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for (coach_id, rep_id), (metric_id, needed) in chosen.items():
        weeks = windows[coach_id].compare_weeks
        sums_of = totals.get((rep_id, metric_id), {})
        before_total: Decimal = sums_of.get(f"before_{weeks}") or ZERO
        after_total: Decimal = sums_of.get(f"after_{weeks}") or ZERO
        days = weeks * WEEK_DAYS
        shares[coach_id].append(
            (100 * before_total / days / needed, 100 * after_total / days / needed)
        )
    for coach_id, pairs in shares.items():
        row = rows[coach_id]
        row.paced_reps = len(pairs)
        row.pace_before = _mean([b for b, _ in pairs])
        row.pace_after = _mean([a for _, a in pairs])


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, ZERO) / len(values)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


# The page: rows as text, the trend as a small SVG, the spread -------------------------------


def _number(value: Decimal | int, places: int = 1) -> str:
    return formats.number_format(value, places)


def cells(row: ManagerFigures) -> dict[str, str]:
    """The row's figures as the page and the email show them, formatted once; "no data" where
    there is nothing to measure."""
    none = str(NO_DATA)
    found: dict[str, str] = {}
    if row.per_week is None:
        found["sessions"] = none
    elif row.cadence:
        found["sessions"] = gettext("%(per_week)s a week of %(cadence)s (%(percent)s%%)") % {
            "per_week": _number(row.per_week),
            "cadence": row.cadence,
            "percent": row.of_cadence,
        }
    else:
        found["sessions"] = gettext("%(per_week)s a week, no open plan") % {
            "per_week": _number(row.per_week)
        }
    found["sessions_before"] = (
        gettext("before: %(per_week)s a week") % {"per_week": _number(row.per_week_before)}
        if row.per_week_before is not None
        else ""
    )
    found["commitments"] = none if row.per_session is None else _number(row.per_session)
    found["answers"] = (
        none
        if row.answer_rate is None
        else gettext("%(percent)s%% (%(part)s of %(whole)s)")
        % {"percent": row.answer_rate, "part": row.checkins_answered, "whole": row.checkins_sent}
    )
    found["follow_through"] = (
        none
        if row.follow_through is None
        else gettext("%(percent)s%% (%(part)s of %(whole)s)")
        % {"percent": row.follow_through, "part": row.followed, "whole": row.due}
    )
    found["gaps"] = (
        none
        if row.median_gap is None
        else gettext("%(days)s days") % {"days": _number(row.median_gap)}
    )
    if row.rubric_first is None:
        found["rubric"] = none
    elif row.rubric_latest is None:
        found["rubric"] = f"{_number(row.rubric_first)}%"
    else:
        found["rubric"] = f"{_number(row.rubric_first)}% → {_number(row.rubric_latest)}%"
    found["pace"] = (
        none
        if row.pace_before is None or row.pace_after is None
        else f"{_number(row.pace_before, 0)}% → {_number(row.pace_after, 0)}%"
    )
    return found


def spread_cells(found: Spread) -> str:
    if found.median is None or found.low is None or found.high is None:
        return str(NO_DATA)
    return gettext("median %(median)s, from %(low)s to %(high)s (%(count)s managers)") % {
        "median": _number(found.median),
        "low": _number(found.low),
        "high": _number(found.high),
        "count": found.count,
    }


SPARK_W, SPARK_H = 120, 28


def sparkline(row: ManagerFigures) -> str:
    """Sessions held each week of the program as a small SVG line (server-side, no script);
    its <title> says the same in words. Built from numbers and escaped words only."""
    weeks = row.weekly
    if not weeks:
        return ""
    top = max(max(count for _, count in weeks), 1)
    step = SPARK_W / max(len(weeks) - 1, 1)
    points = " ".join(
        f"{n * step:.1f},{SPARK_H - 2 - (SPARK_H - 4) * count / top:.1f}"
        for n, (_, count) in enumerate(weeks)
    )
    words = gettext("Sessions each week since the workshop: %(counts)s") % {
        "counts": ", ".join(str(count) for _, count in weeks)
    }
    return (
        f'<svg class="sparkline" viewBox="-2 0 {SPARK_W + 4} {SPARK_H}" width="{SPARK_W}" '
        f'height="{SPARK_H}" role="img" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(words)}</title>"
        f'<polyline fill="none" stroke="currentColor" stroke-width="2" points="{points}"/></svg>'
    )


@dataclass(frozen=True)
class Line:
    """One manager's line on the page."""

    figures: ManagerFigures
    cells: dict[str, str]
    trend: str  # SVG, safe: numbers and escaped words


@dataclass(frozen=True)
class Page:
    cohort: Cohort
    lines: list[Line]
    spread: list[tuple[Formula, str]]
    formulas: tuple[Formula, ...]
    whole: bool


def figures(
    cohort: Cohort, own: Enrollment | None, *, now: dt.datetime | None = None
) -> tuple[list[ManagerFigures], list[Spread]]:
    """What a reader of the cohort's adoption sees (the page and the API): every manager's
    figures for those who see the whole, one's own only for an enrolled manager (own); the
    cohort's anonymised spread for both."""
    rows = cohort_figures(cohort, now=now)
    shown = rows if own is None else [row for row in rows if row.enrollment.pk == own.pk]
    return shown, spread(rows)


def page(cohort: Cohort, own: Enrollment | None, *, now: dt.datetime | None = None) -> Page:
    """The adoption page of a cohort: every manager's line (little use first) for those who see
    the whole; one's own line only for an enrolled manager; the spread for both."""
    shown, spreads = figures(cohort, own, now=now)
    lines = [Line(row, cells(row), sparkline(row)) for row in shown]
    return Page(
        cohort=cohort,
        lines=lines,
        spread=[(found.formula, spread_cells(found)) for found in spreads],
        formulas=FORMULAS,
        whole=own is None,
    )
