"""What a weekly digest says: composed when it is sent (and when it is previewed), by one code.

Figures first, one screen. For one rep: the pace against the target with the week's change,
commitments closed, slipped and open (with the rep's words where the recipient may read them),
sessions held, the pipeline's change, confidence, the rep's own update, the newest client
quote approved for the praise binder, and "needs you". For
several reps: one roll-up, a row per rep, those needing attention first, capped at ROLLUP_CAP
rows with a link to the dashboard.

Everything is read for all the reps at once (`Book.load`): a fixed number of queries whatever
the number of reps (pinned in tests/test_digests.py), so a VP's roll-up of 200 reps costs what
a manager's of two does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.clients import binder
from followthrough.clients.binder import Quote
from followthrough.coaching.models import Commitment, CommitmentState, Plan, Response
from followthrough.digests.models import (
    ROLLUP_CAP,
    Digest,
    Outcome,
    Scope,
    Subscription,
    report_week,
)
from followthrough.insights import pace as pace_rules
from followthrough.insights.dashboard import plan_daily_totals
from followthrough.insights.reports import target_metric
from followthrough.metrics.models import ConfidenceRating, Metric
from followthrough.permissions import WordsAccess
from followthrough.updates.models import WeeklyUpdate
from followthrough.weeks import figures as weeks
from followthrough.weeks.figures import WeekFigures

ZERO = Decimal(0)
# A rep with this many check-ins gone out and still unanswered needs the recipient.
UNANSWERED_CHECKINS = 2
# In a one-rep digest, each list of commitments shows at most this many.
LIST_CAP = 8


@dataclass
class Line:
    """One commitment in a one-rep digest: its words, date and state, and the rep's own words
    about it when the recipient may read them."""

    text: str
    due_on: dt.date
    state: str
    words: str = ""


@dataclass
class RepPart:
    rep: Membership
    url: str
    figures: WeekFigures
    plan: Plan | None = None
    pace: pace_rules.Pace | None = None
    pace_before: pace_rules.Pace | None = None
    pace_note: str = ""
    update: WeeklyUpdate | None = None
    update_readable: bool = False
    quote: Quote | None = None  # the client's newest approved quote (consented to be shown)
    open_loops: int = 0
    unanswered: int = 0
    needs: list[str] = field(default_factory=list)
    closed: list[Line] = field(default_factory=list)
    slipped: list[Line] = field(default_factory=list)
    still_open: list[Line] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.rep.user.name or self.rep.user.email

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing needs the recipient: the figures are quiet, no update,
        no open loop, no silence to chase."""
        return self.figures.quiet and self.update is None and not self.needs

    @property
    def percent(self) -> int | None:
        return round(100 * self.pace.share_of_low) if self.pace is not None else None

    @property
    def percent_change(self) -> int | None:
        """Points of the low target gained this week."""
        if self.pace is None or self.pace_before is None:
            return None
        return round(100 * self.pace.share_of_low) - round(100 * self.pace_before.share_of_low)

    @property
    def pace_label(self) -> str:
        return self.pace.status_label() if self.pace is not None else self.pace_note

    @property
    def pipeline(self) -> list[tuple[str, Decimal]]:
        return sorted(self.figures.pipeline_changes.items())

    @property
    def update_text(self) -> list[tuple[str, str]]:
        """The update's words, by heading, when the recipient may read them."""
        update = self.update
        if update is None or not self.update_readable:
            return []
        parts = [
            (_("Wins"), update.wins),
            (_("Next"), update.next_steps),
            (_("Needs help with"), update.help_needed),
        ]
        return [(heading, words) for heading, words in parts if words.strip()]


@dataclass
class Composed:
    """One digest as it goes out: to whom, when, about which week, and its parts."""

    subscription: Subscription
    week: dt.date  # Monday of the week it tells about
    send_at: dt.datetime
    parts: list[RepPart]
    total: int  # reps it tells about (more than the parts when capped)
    outcome: str = Outcome.FULL
    narrowed: bool = False  # a preview showing only some reps' parts

    def narrow(self, rep_ids: set[int]) -> None:
        """Only these reps' parts, as they are in the whole digest (a rep's preview)."""
        self.parts = [part for part in self.parts if part.rep.pk in rep_ids]
        self.narrowed = True

    @property
    def recipient(self) -> Membership:
        return self.subscription.recipient

    @property
    def week_end(self) -> dt.date:
        return self.week + dt.timedelta(days=6)

    @property
    def rollup(self) -> bool:
        return self.total > 1

    @property
    def hidden(self) -> int:
        return 0 if self.narrowed else self.total - len(self.parts)

    @property
    def quiet(self) -> bool:
        return all(part.quiet for part in self.parts)

    @property
    def is_vp(self) -> bool:
        """A stakeholder following several reps: quiet weeks are not news to them."""
        return self.recipient.role == Role.STAKEHOLDER and self.total > 1

    @property
    def needing(self) -> int:
        return sum(1 for part in self.parts if part.needs)

    @property
    def dashboard_url(self) -> str:
        return settings.BASE_URL + reverse("team_dashboard", args=[self.recipient.workspace.slug])

    @property
    def mode(self) -> str:
        """full, quiet (three lines) or heartbeat (one line)."""
        if self.outcome == Outcome.HEARTBEAT:
            return "heartbeat"
        return "quiet" if self.quiet else "full"

    def open_total(self) -> int:
        return sum(part.figures.commitments_open for part in self.parts)


# Reading ---------------------------------------------------------------------------------------


def reps_of(subscriptions: Sequence[Subscription]) -> dict[int, list[Membership]]:
    """The reps each subscription tells about now, by name: its chosen reps or everyone the
    recipient follows or coaches, always narrowed to those the recipient may see. A fixed
    number of queries for any number of subscriptions."""
    recipients = [sub.recipient for sub in subscriptions]
    default = permissions.digest_rep_ids(recipients)
    chosen_subs = [sub.pk for sub in subscriptions if sub.scope == Scope.CHOSEN]
    chosen: dict[int, set[int]] = defaultdict(set)
    if chosen_subs:
        through = Subscription.reps.through.objects.filter(subscription_id__in=chosen_subs)
        for sub_id, rep_id in through.values_list("subscription_id", "membership_id"):
            chosen[sub_id].add(rep_id)
        visible = permissions.visible_rep_ids(
            [sub.recipient for sub in subscriptions if sub.scope == Scope.CHOSEN]
        )
    ids: dict[int, set[int]] = {}
    for sub in subscriptions:
        if sub.scope == Scope.CHOSEN:
            ids[sub.pk] = chosen[sub.pk] & visible[sub.recipient_id]
        else:
            ids[sub.pk] = default[sub.recipient_id]
    wanted = set().union(*ids.values()) if ids else set()
    reps = {
        rep.pk: rep
        for rep in Membership.objects.filter(pk__in=wanted, is_active=True, role=Role.REP)
        .select_related("user__profile", "workspace")
        .order_by("user__name", "pk")
    }
    return {
        sub_id: sorted((reps[i] for i in rep_ids if i in reps), key=lambda r: (r.user.name, r.pk))
        for sub_id, rep_ids in ids.items()
    }


@dataclass
class Book:
    """Everything the digests of one week say about a set of reps, read at once."""

    week: dt.date
    now: dt.datetime
    figures: dict[int, WeekFigures]
    standings: dict[int, tuple[Plan | None, pace_rules.Pace | None, pace_rules.Pace | None, str]]
    updates: dict[int, WeeklyUpdate]
    loops: dict[int, tuple[int, int]]  # rep id -> (open loops, check-ins unanswered)
    urls: dict[int, str]
    reps: list[Membership] = field(default_factory=list)
    quotes: dict[int, Quote] = field(default_factory=dict)

    @classmethod
    def load(cls, reps: Sequence[Membership], week: dt.date, now: dt.datetime) -> Book:
        reps = list({rep.pk: rep for rep in reps}.values())
        ids = [rep.pk for rep in reps]
        return cls(
            week=week,
            now=now,
            figures=weeks.for_reps(reps, week, now=now) if reps else {},
            standings=_standings(reps, week, now),
            updates={u.rep_id: u for u in WeeklyUpdate.objects.filter(rep__in=ids, week=week)}
            if ids
            else {},
            loops=_loops(ids, now),
            urls=_urls(reps),
            reps=reps,
            quotes=binder.newest_quotes(ids),
        )


def _urls(reps: Sequence[Membership]) -> dict[int, str]:
    marker = 987654321
    urls = {}
    for rep in reps:
        head, _sep, tail = reverse("rep_progress", args=[rep.workspace.slug, marker]).rpartition(
            str(marker)
        )
        urls[rep.pk] = f"{settings.BASE_URL}{head}{rep.pk}{tail}"
    return urls


def _standings(
    reps: Sequence[Membership], week: dt.date, now: dt.datetime
) -> dict[int, tuple[Plan | None, pace_rules.Pace | None, pace_rules.Pace | None, str]]:
    """Each rep's open plan nearest its deadline, its pace at the end of the week (or today,
    for the week in progress) and at the end of the week before: the week's change."""
    found: dict[int, tuple[Plan | None, pace_rules.Pace | None, pace_rules.Pace | None, str]] = {
        rep.pk: (None, None, None, _("no plan yet")) for rep in reps
    }
    if not reps:
        return found
    metrics: dict[int, dict[str, Metric]] = {}
    for workspace_id in {rep.workspace_id for rep in reps}:
        metrics[workspace_id] = Metric.named(list(Metric.objects.filter(workspace_id=workspace_id)))
    plans = list(
        Plan.objects.filter(rep__in=[rep.pk for rep in reps], closed_at=None).order_by(
            "deadline", "id"
        )
    )
    first: dict[int, Plan] = {}
    for plan in plans:
        first.setdefault(plan.rep_id, plan)
    end = week + dt.timedelta(days=6)
    targets = []
    for plan in first.values():
        metric = target_metric(plan, metrics[plan.workspace_id])
        if plan.target_low is not None and metric is not None:
            targets.append((plan, metric))
    daily = plan_daily_totals(targets, end)
    zones = {rep.pk: rep.user.profile.zone for rep in reps}
    with_target = {plan.pk for plan, _metric in targets}
    for rep_id, plan in first.items():
        if plan.pk not in with_target:
            found[rep_id] = (plan, None, None, _("no target"))
            continue
        assert plan.target_low is not None
        today = min(end, timezone.localdate(now, zones[rep_id]))

        def assess(on: dt.date, plan: Plan = plan) -> pace_rules.Pace:
            assert plan.target_low is not None
            return pace_rules.assess(
                starts_on=plan.starts_on,
                deadline=plan.deadline,
                low=plan.target_low,
                high=plan.target_high,
                daily={d: v for d, v in daily.get(plan.pk, {}).items() if d <= on},
                today=on,
            )

        found[rep_id] = (plan, assess(today), assess(week - dt.timedelta(days=1)), "")
    return found


def _loops(ids: list[int], now: dt.datetime) -> dict[int, tuple[int, int]]:
    """Per rep: open loops (checked in, reminded, silent) and check-ins gone out with no
    answer for their round yet."""
    if not ids:
        return {}
    answered = Response.objects.filter(commitment=OuterRef("pk"), round=OuterRef("round"))
    rows = (
        Commitment.objects.filter(owner__in=ids, state__in=CommitmentState.carried())
        .annotate(answered=Exists(answered))
        .values("owner_id")
        .annotate(
            loops=Count("id", filter=Q(open_loop_at__lte=now)),
            unanswered=Count("id", filter=Q(checkin_at__lte=now, answered=False)),
        )
        .order_by()
    )
    return {row["owner_id"]: (row["loops"], row["unanswered"]) for row in rows}


def needs_of(part: RepPart) -> list[str]:
    """Why the recipient should act for this rep, in words; empty if nothing needs them."""
    needs = []
    if part.open_loops:
        needs.append(
            ngettext(
                "%(count)d open loop: a check-in without an answer after its reminder",
                "%(count)d open loops: check-ins without an answer after their reminder",
                part.open_loops,
            )
            % {"count": part.open_loops}
        )
    if part.unanswered >= UNANSWERED_CHECKINS:
        needs.append(
            _("%(count)d check-ins unanswered") % {"count": part.unanswered},
        )
    change = part.figures.confidence_change
    if ConfidenceRating.is_alarming_drop(change):
        needs.append(
            _("confidence fell from %(before)s to %(after)s")
            % {"before": part.figures.confidence_before, "after": part.figures.confidence}
        )
    if part.update is not None and part.update_readable and part.update.help_needed.strip():
        needs.append(_("asks for help"))
    return needs


def _lines(reps: Sequence[Membership], book: Book, words: WordsAccess) -> dict[int, dict]:
    """For one-rep digests: the commitments closed and slipped in the week, and those open,
    with the rep's latest words on each when the recipient may read them (two queries)."""
    start = dt.datetime.combine(book.week, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=1)
    end = start + dt.timedelta(days=9)
    rows = list(
        Commitment.objects.filter(owner__in=[rep.pk for rep in reps])
        .filter(
            Q(state__in=CommitmentState.carried())
            | Q(outcome_at__gte=start, outcome_at__lt=end)
            | Q(open_loop_at__gte=start, open_loop_at__lt=end)
        )
        .order_by("due_on", "id")
    )
    latest: dict[int, Response] = {}
    for response in Response.objects.filter(commitment__in=[c.pk for c in rows]).order_by(
        "updated_at", "id"
    ):
        latest[response.commitment_id] = response
    zones = {rep.pk: rep.user.profile.zone for rep in reps}
    found: dict[int, dict] = defaultdict(lambda: {"closed": [], "slipped": [], "open": []})
    for commitment in rows:
        found_response = latest.get(commitment.pk)
        said = (
            found_response.comment
            if found_response is not None and words.may_read(found_response)
            else ""
        )
        line = Line(commitment.text, commitment.due_on, commitment.get_state_display(), said)
        zone = zones[commitment.owner_id]

        def in_week(moment: dt.datetime | None, zone: dt.tzinfo = zone) -> bool:
            if moment is None:
                return False
            day = moment.astimezone(zone).date()
            return book.week <= day <= book.week + dt.timedelta(days=6)

        sorted_into = found[commitment.owner_id]
        if commitment.state in (CommitmentState.DONE, CommitmentState.PARTLY) and in_week(
            commitment.outcome_at
        ):
            sorted_into["closed"].append(line)
        elif (commitment.state == CommitmentState.MISSED and in_week(commitment.outcome_at)) or (
            commitment.is_pending and in_week(commitment.open_loop_at)
        ):
            sorted_into["slipped"].append(line)
        elif commitment.is_pending:
            sorted_into["open"].append(line)
    return found


def assemble(
    subscription: Subscription,
    book: Book,
    reps: Sequence[Membership],
    *,
    send_at: dt.datetime,
    detail: bool | None = None,
) -> Composed:
    """The digest of `subscription` from what `book` read: parts needing the recipient first,
    capped at ROLLUP_CAP. `detail` (by default: a one-rep digest) adds the commitment lists."""
    words = permissions.digest_words_access(subscription.recipient)
    detail = len(reps) == 1 if detail is None else detail
    lines = _lines(reps, book, words) if detail and reps else {}
    parts = []
    for rep in reps:
        plan, pace, before, note = book.standings.get(rep.pk, (None, None, None, ""))
        loops, unanswered = book.loops.get(rep.pk, (0, 0))
        update = book.updates.get(rep.pk)
        part = RepPart(
            rep=rep,
            url=book.urls.get(rep.pk, ""),
            figures=book.figures[rep.pk],
            plan=plan,
            pace=pace,
            pace_before=before,
            pace_note=note,
            update=update,
            update_readable=update is not None and words.may_read(update),
            quote=book.quotes.get(rep.pk),
            open_loops=loops,
            unanswered=unanswered,
        )
        part.needs = needs_of(part)
        if rep.pk in lines:
            part.closed = lines[rep.pk]["closed"][:LIST_CAP]
            part.slipped = lines[rep.pk]["slipped"][:LIST_CAP]
            part.still_open = lines[rep.pk]["open"][:LIST_CAP]
        parts.append(part)
    parts.sort(key=lambda part: (not part.needs, part.quiet, part.name.lower(), part.rep.pk))
    return Composed(
        subscription=subscription,
        week=book.week,
        send_at=send_at,
        parts=parts[:ROLLUP_CAP],
        total=len(parts),
    )


def compose(
    subscription: Subscription,
    *,
    send_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    only_reps: Iterable[int] | None = None,
    outcome: str = Outcome.FULL,
    week: dt.date | None = None,
) -> Composed:
    """One subscription's digest as it would go out at `send_at` (by default its next one),
    read now. `only_reps` narrows it to some reps' parts (a rep's preview shows only theirs)."""
    now = now or timezone.now()
    send_at = send_at or subscription.next_send_at or now
    week = week or report_week(send_at.astimezone(subscription.zone).date())
    reps = reps_of([subscription])[subscription.pk]
    if only_reps is not None:
        allowed = set(only_reps)
        reps = [rep for rep in reps if rep.pk in allowed]
    composed = assemble(subscription, Book.load(reps, week, now), reps, send_at=send_at)
    composed.outcome = outcome
    return composed


def for_digest(digest: Digest) -> Composed:
    """The digest as it goes out now (the dispatcher renders it at sending time)."""
    return compose(
        digest.subscription, send_at=digest.send_at, outcome=digest.outcome, week=digest.report_week
    )
