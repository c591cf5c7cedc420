"""The cohort's adoption page by email, every Monday at 08:00 on the reader's clock: subscribe,
unsubscribe, and the planner the dispatchers run (the machinery of the weekly digest: one row
per subscription and ISO week, written with its follow-up, so a re-run sends nothing twice;
List-Unsubscribe with one-click POST).

Its own two tables (programs.models.AdoptionSubscription, AdoptionDigest) rather than a column
on the weekly digest's Subscription, which is one per member about reps: a sponsor may read
several cohorts, and the weekly digest's code stays as it was.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followthrough import permissions
from followthrough.accounts.models import Membership, User
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.followups import actions as followups
from followthrough.followups.models import CHANGEABLE, FollowUp
from followthrough.programs.models import AdoptionDigest, AdoptionSubscription, Cohort

KIND = "cohort_adoption"
TEMPLATE = "cohort_adoption"
BATCH = 200
# Not planned within this long of its moment (every dispatcher down): next week's comes instead.
LATE_LIMIT = dt.timedelta(days=1)


def register() -> None:
    """Called from ProgramsConfig.ready()."""
    from followthrough.followups import kinds, planners

    kinds.register(kinds.Kind(KIND, _("Cohort adoption"), (TEMPLATE,), "programs.AdoptionDigest"))
    planners.register("cohort_adoption", plan_adoption_digests)
    verbs.register("adoption.subscribed", _("{name} will receive the adoption of {cohort} weekly"))
    verbs.register("adoption.unsubscribed", _("{name} stopped the weekly adoption of {cohort}"))


def _log(verb: str, subscription: AdoptionSubscription, by: User | None) -> None:
    events.record(
        verb,
        workspace=subscription.workspace,
        about=subscription,
        actor=by,
        data={"name": subscription.recipient.user.name, "cohort": str(subscription.cohort)},
    )


def subscription_of(member: Membership, cohort: Cohort) -> AdoptionSubscription | None:
    return AdoptionSubscription.objects.filter(
        cohort=cohort, recipient=member, stopped_at=None
    ).first()


def subscribe(member: Membership, cohort: Cohort, by: User | None) -> AdoptionSubscription:
    """Starts (or starts again) the weekly email of the cohort's page for this reader."""
    with transaction.atomic():
        subscription, _created = AdoptionSubscription.objects.select_for_update().get_or_create(
            cohort=cohort, recipient=member, defaults={"workspace_id": cohort.workspace_id}
        )
        subscription.recipient = member
        subscription.stopped_at = None
        subscription.next_send_at = subscription.next_moment(timezone.now())
        subscription.save(update_fields=["stopped_at", "next_send_at"])
        _log("adoption.subscribed", subscription, by)
    return subscription


def unsubscribe(subscription: AdoptionSubscription, by: User | None) -> bool:
    """Stops it at once, and cancels a week planned and not yet being sent. False when it was
    already stopped."""
    with transaction.atomic():
        locked = AdoptionSubscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.is_stopped:
            return False
        locked.stopped_at, locked.next_send_at = timezone.now(), None
        locked.save(update_fields=["stopped_at", "next_send_at"])
        subscription.stopped_at, subscription.next_send_at = locked.stopped_at, None
        _log("adoption.unsubscribed", subscription, by)
        pending = FollowUp.objects.filter(
            kind=KIND,
            about_id__in=subscription.digests.values("pk"),
            state__in=list(CHANGEABLE),
        )
        for followup in pending:
            followups.cancel(followup)
    return True


def plan_adoption_digests(now: dt.datetime | None = None) -> int:
    """The planner: each subscription whose Monday has come gets that week's email, if its
    reader may still read the whole page and the cohort is not closed. Returns how many."""
    now = now or timezone.now()
    planned = 0
    while True:
        with transaction.atomic():
            due = AdoptionSubscription.objects.filter(
                stopped_at=None, next_send_at__lte=now
            ).order_by("next_send_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            subs = list(
                due.select_related(
                    "recipient__user__profile", "workspace", "cohort__program", "cohort__workspace"
                )[:BATCH]
            )
            for sub in subs:
                planned += _plan_one(sub, now)
            if len(subs) < BATCH:
                return planned


def _plan_one(sub: AdoptionSubscription, now: dt.datetime) -> int:
    assert sub.next_send_at is not None
    moment = sub.next_send_at
    sub.next_send_at = sub.next_moment(max(moment, now))
    sub.save(update_fields=["next_send_at"])
    reader = sub.recipient
    readable = (
        reader.is_active
        and reader.user.is_active
        and sub.cohort.closed_at is None
        and permissions.sees_whole_cohort(reader, sub.cohort)
    )
    if not readable or now - moment > LATE_LIMIT:
        return 0
    week = moment.astimezone(reader.user.profile.zone).date()
    try:
        with transaction.atomic():
            digest = AdoptionDigest.objects.create(
                workspace_id=sub.workspace_id, subscription=sub, week=week, send_at=moment
            )
            followups.schedule(
                kind=KIND,
                template=TEMPLATE,
                to_email=reader.user.email,
                recipient=reader.user,
                workspace=sub.workspace,
                about=digest,
                send_at=moment,
                context={"time_zone": reader.user.profile.time_zone},
            )
    except IntegrityError:  # another planner wrote this week first
        return 0
    return 1
