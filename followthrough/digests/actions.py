"""Verbs of the weekly digest: subscribe by default, plan each week's digests, change the
preferences, unsubscribe.

plan_digests is the planner every dispatcher runs (followups.planners). It takes the
subscriptions whose moment has come (next_send_at), locks them (FOR UPDATE SKIP LOCKED on
PostgreSQL, the IMMEDIATE transaction on SQLite), and for each writes the week's Digest row and
its follow-up together, then moves next_send_at to the next week's moment. The unique
(subscription, week) row is the guarantee: two planners, a restart or a re-run never write a
second digest for one week, and a week is always the recipient's own ISO week, whatever the
daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Membership,
    Role,
    User,
    Workspace,
)
from followthrough.coaching.models import Plan
from followthrough.digests import compose
from followthrough.digests import events as digest_events
from followthrough.digests.models import (
    SILENT_WEEKS_BEFORE_HEARTBEAT,
    Digest,
    Outcome,
    Subscription,
    report_week,
)
from followthrough.events import actions as events
from followthrough.events.models import Event
from followthrough.followups import actions as followups
from followthrough.followups.models import CHANGEABLE, FollowUp

# A digest that could not be planned within this long of its moment (every dispatcher down)
# is not sent late: next week's comes at its time.
LATE_LIMIT = dt.timedelta(days=1)
KIND = "weekly_digest"
TEMPLATE = "weekly_digest"
BATCH = 200


# Who receives a digest ------------------------------------------------------------------------


def ensure_subscriptions(workspace_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Gives a subscription (Monday 08:00 in their profile's zone, about everyone they follow or
    coach) to every active stakeholder who follows a rep, every coach of a rep and every coach
    of an open plan who has none yet. Idempotent: a stopped subscription stays stopped (it is
    still a row), and a second run creates nothing. Returns how many it created."""
    now = now or timezone.now()
    # Ids first, then one fetch of the few missing: an OR of three EXISTS over every member
    # took seconds on PostgreSQL with 10,000 readers, and the planner runs this every time.
    scope = {"workspace_id": workspace_id} if workspace_id is not None else {}
    wanted_ids = (
        set(Following.objects.filter(**scope).values_list("stakeholder_id", flat=True))
        | set(CoachingRelationship.objects.filter(**scope).values_list("coach_id", flat=True))
        | set(Plan.objects.filter(closed_at=None, **scope).values_list("coach_id", flat=True))
    )
    wanted_ids -= set(Subscription.objects.filter(**scope).values_list("recipient_id", flat=True))
    wanted = (
        list(
            Membership.objects.filter(
                pk__in=wanted_ids,
                is_active=True,
                role__in=[Role.STAKEHOLDER, Role.COACH, Role.ADMIN],
            ).select_related("user__profile", "workspace")
        )
        if wanted_ids
        else []
    )
    created = 0
    for member in wanted:
        with transaction.atomic():
            subscription = Subscription(
                workspace_id=member.workspace_id, recipient=member, not_before=now
            )
            subscription.next_send_at = subscription.next_moment(now)
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:  # made meanwhile by another run
                continue
            digest_events.log("digest.subscribed", subscription, None)
            created += 1
    return created


def subscribe_on_event(event: Event) -> None:
    """A follow, a coach or a plan began: its people get their subscription now."""
    ensure_subscriptions(event.workspace_id)


def stop_for_deactivated(event: Event) -> None:
    """A deactivated member receives no more digests: the ones already planned are cancelled
    (the planner skips their subscription while they are inactive)."""
    subscription = Subscription.objects.filter(recipient_id=event.about_id).first()
    if subscription is not None:
        cancel_pending(subscription)


# Planning each week's digests -----------------------------------------------------------------


@dataclass
class Planned:
    examined: int = 0
    sent: int = 0
    skipped: int = 0


def plan_digests(now: dt.datetime | None = None) -> Planned:
    """The planner: every subscription whose moment has come gets its week's digest (or,
    in a quiet week, the choice recorded not to send one). Safe to run anywhere, any time."""
    now = now or timezone.now()
    ensure_subscriptions(now=now)
    total = Planned()
    books: dict[dt.date, compose.Book] = {}
    while True:
        batch = _plan_batch(now, books)
        total.examined += batch.examined
        total.sent += batch.sent
        total.skipped += batch.skipped
        if batch.examined < BATCH:
            return total


def _book(
    books: dict[dt.date, compose.Book], week: dt.date, reps: list[Membership], now: dt.datetime
) -> compose.Book:
    """The week's figures for these reps, read once per planner run: batches of readers who
    follow the same reps (every VP follows all of them) share one read."""
    book = books.get(week)
    if book is None or any(rep.pk not in book.figures for rep in reps):
        known = list(book.reps) if book is not None else []
        book = books[week] = compose.Book.load([*known, *reps], week, now)
    return book


def _plan_batch(now: dt.datetime, books: dict[dt.date, compose.Book]) -> Planned:
    planned = Planned()
    with transaction.atomic():
        due = Subscription.objects.due(now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        subs = list(due.select_related("recipient__user__profile", "workspace")[:BATCH])
        planned.examined = len(subs)
        if not subs:
            return planned
        weeks = {sub.pk: sub.week_of(_moment(sub)) for sub in subs}
        done = set(
            Digest.objects.filter(subscription__in=subs, week__in=set(weeks.values())).values_list(
                "subscription_id", "week"
            )
        )
        todo = [
            sub
            for sub in subs
            if (sub.pk, weeks[sub.pk]) not in done and now - _moment(sub) <= LATE_LIMIT
        ]
        history = recent_outcomes(todo, weeks)
        reps = compose.reps_of(todo)
        by_week: dict[dt.date, list[Subscription]] = defaultdict(list)
        for sub in todo:
            by_week[report_week(_moment(sub).astimezone(sub.zone).date())].append(sub)
        counts: dict[int, int] = defaultdict(int)
        for report, group in by_week.items():
            book = _book(books, report, [r for sub in group for r in reps[sub.pk]], now)
            for sub in group:
                moment = _moment(sub)
                composed = compose.assemble(sub, book, reps[sub.pk], send_at=moment, detail=False)
                outcome = choose(composed, history[sub.pk])
                if _write(sub, weeks[sub.pk], report, moment, outcome):
                    counts[sub.workspace_id] += outcome != Outcome.SKIPPED
                    planned.sent += outcome != Outcome.SKIPPED
                    planned.skipped += outcome == Outcome.SKIPPED
        for sub in subs:
            sub.next_send_at = sub.next_moment(_moment(sub))
        Subscription.objects.bulk_update(subs, ["next_send_at"])
        for workspace_id, count in counts.items():
            if count:
                workspace = Workspace(pk=workspace_id)
                events.record(
                    "digest.planned", workspace=workspace, about=workspace, data={"count": count}
                )
    return planned


def _moment(sub: Subscription) -> dt.datetime:
    """The moment of the week that fell due: the one next_send_at holds, recomputed from the
    schedule (a zone changed since is honoured)."""
    assert sub.next_send_at is not None
    return sub.moment_in_week(sub.week_of(sub.next_send_at))


def recent_outcomes(subs: list[Subscription], weeks: dict[int, dt.date]) -> dict[int, list[str]]:
    """The outcomes of each subscription's last SILENT_WEEKS_BEFORE_HEARTBEAT weeks, newest
    first, with None for a week that has no row (the run of silent weeks is broken)."""
    found: dict[int, dict[dt.date, str]] = defaultdict(dict)
    if subs:
        earliest = min(weeks.values()) - dt.timedelta(weeks=SILENT_WEEKS_BEFORE_HEARTBEAT)
        rows = Digest.objects.filter(subscription__in=subs, week__gte=earliest).values_list(
            "subscription_id", "week", "outcome"
        )
        for sub_id, week, outcome in rows:
            found[sub_id][week] = outcome
    history: dict[int, list[str]] = {}
    for sub in subs:
        history[sub.pk] = [
            found[sub.pk].get(weeks[sub.pk] - dt.timedelta(weeks=n), "")
            for n in range(1, SILENT_WEEKS_BEFORE_HEARTBEAT + 1)
        ]
    return history


def choose(composed: compose.Composed, recent: list[str]) -> str:
    """What goes out this week: the digest; in a quiet week a three-line note for managers and
    coaches (and for VPs who asked), nothing for a VP, except one line after three silent
    weeks in a row. A digest about nobody (no rep to tell about) is not sent."""
    if not composed.parts:
        return Outcome.SKIPPED
    if not composed.quiet:
        return Outcome.FULL
    if composed.subscription.quiet_weeks or not composed.is_vp:
        return Outcome.QUIET
    if recent and all(outcome == Outcome.SKIPPED for outcome in recent):
        return Outcome.HEARTBEAT
    return Outcome.SKIPPED


def _write(
    sub: Subscription, week: dt.date, report: dt.date, moment: dt.datetime, outcome: str
) -> bool:
    """The week's row and its follow-up, together or not at all (a savepoint: another planner
    may have written the row first, and then this one writes nothing)."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                workspace_id=sub.workspace_id,
                subscription=sub,
                week=week,
                report_week=report,
                send_at=moment,
                outcome=outcome,
            )
            if outcome != Outcome.SKIPPED:
                user = sub.recipient.user
                followups.schedule(
                    kind=KIND,
                    template=TEMPLATE,
                    to_email=user.email,
                    recipient=user,
                    workspace=sub.workspace,
                    about=digest,
                    send_at=moment,
                    context={"time_zone": sub.zone_name()},
                )
    except IntegrityError:
        return False
    return True


# The recipient's choices ----------------------------------------------------------------------


def change_preferences(subscription: Subscription, by: User | None, **changes: object) -> None:
    """Saves the recipient's choices (weekday, hour, zone, reps, quiet weeks, pause, stop) and
    moves the next digest accordingly; a week already sent is not sent again."""
    reps = changes.pop("reps", None)
    with transaction.atomic():
        was_stopped = subscription.is_stopped
        for name, value in changes.items():
            setattr(subscription, name, value)
        now = timezone.now()
        subscription.updated_at = now
        subscription.reschedule(now)
        subscription.save()
        if reps is not None:
            subscription.reps.set(reps)  # type: ignore[arg-type]
        if subscription.is_stopped and not was_stopped:
            cancel_pending(subscription)
        digest_events.log("digest.preferences_changed", subscription, by)


def unsubscribe(subscription: Subscription) -> followups.Outcome | None:
    """Stops the subscription at once (the one-click POST, or the confirmation page). A digest
    already planned is cancelled if it is not yet being sent; one a dispatcher already started
    to send goes out (followups.cancel's rule). Returns that outcome, or None when nothing was
    pending."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.is_stopped:
            return None
        locked.stopped_at = timezone.now()
        locked.next_send_at = None
        locked.save(update_fields=["stopped_at", "next_send_at"])
        subscription.stopped_at, subscription.next_send_at = locked.stopped_at, None
        digest_events.log("digest.unsubscribed", locked, None)
    return cancel_pending(subscription)


def resubscribe(subscription: Subscription) -> None:
    """Starts the digest again, from the next moment on."""
    with transaction.atomic():
        subscription.stopped_at = None
        subscription.reschedule(timezone.now())
        subscription.save(update_fields=["stopped_at", "not_before", "next_send_at"])
        digest_events.log("digest.resubscribed", subscription, None)


def cancel_pending(subscription: Subscription) -> followups.Outcome | None:
    """Cancels the subscription's digests not yet sent; the last outcome (cancelled, or too
    late when a dispatcher already began sending) or None when none was pending."""
    pending = FollowUp.objects.filter(
        kind=KIND,
        about_id__in=subscription.digests.values("pk"),
        state__in=[*CHANGEABLE, "sending"],
    )
    outcome = None
    for followup in pending:
        outcome = followups.cancel(followup)
    return outcome
