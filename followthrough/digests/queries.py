"""Reads of the digest pages: one's subscription, the reps one may choose, the digests one may
preview, and what goes out next."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import CoachingRelationship, Following, Membership, Role
from followthrough.coaching.models import Plan
from followthrough.digests import compose
from followthrough.digests.actions import choose, recent_outcomes
from followthrough.digests.models import Digest, Outcome, Subscription


def subscription_of(member: Membership) -> Subscription:
    """The member's subscription, or a new one with the defaults (saved by the first change)."""
    found = Subscription.objects.filter(recipient=member).select_related("workspace").first()
    if found is not None:
        return found
    fresh = Subscription(workspace=member.workspace, recipient=member)
    fresh.next_send_at = fresh.next_moment(timezone.now())
    return fresh


def choosable_reps(member: Membership) -> list[Membership]:
    return list(permissions.visible_reps(member).select_related("user").order_by("user__name"))


@dataclass
class Previewable:
    subscription: Subscription
    own: bool


def previewable(member: Membership) -> list[Previewable]:
    """The member's own digest, then those that tell about the member (a rep) or about the reps
    the member sees as a coach or an admin: only those whose parts they may preview."""
    rows = []
    own = Subscription.objects.filter(recipient=member).select_related(
        "recipient__user__profile", "workspace"
    )
    rows += [Previewable(sub, True) for sub in own]
    if member.role == Role.STAKEHOLDER:
        return rows
    mine = permissions.visible_rep_ids([member])[member.pk]
    if member.role == Role.ADMIN:
        # An admin sees every rep; the digests worth listing are about the reps they coach.
        mine &= set(
            CoachingRelationship.objects.filter(coach=member).values_list("rep_id", flat=True)
        )
    if not mine:
        return rows
    candidates = list(
        Subscription.objects.filter(workspace=member.workspace)
        .exclude(recipient=member)
        .filter(
            Q(recipient__in=Following.objects.filter(rep__in=mine).values("stakeholder"))
            | Q(recipient__in=CoachingRelationship.objects.filter(rep__in=mine).values("coach"))
            | Q(recipient__in=Plan.objects.filter(rep__in=mine, closed_at=None).values("coach"))
            | Q(reps__in=mine)
        )
        .distinct()
        .select_related("recipient__user__profile", "workspace")
        .order_by("recipient__user__name")
    )
    about = compose.reps_of(candidates)
    rows += [
        Previewable(sub, False)
        for sub in candidates
        if any(rep.pk in mine for rep in about[sub.pk])
    ]
    return rows


@dataclass
class Next:
    """What goes out next: when, and what (None when the quiet week sends nothing)."""

    send_at: object
    composed: compose.Composed | None


def next_digest(subscription: Subscription, only: set[int] | None) -> Next:
    """The next digest as it would go out if it were sent now: the same composition and the
    same quiet-week choice as the planner's; narrowed to `only` reps' parts for a viewer who
    may see only those."""
    if subscription.is_stopped or subscription.pk is None:
        return Next(None, None)
    now = timezone.now()
    send_at = subscription.next_send_at or subscription.next_moment(now)
    week = subscription.week_of(send_at)
    whole = compose.compose(subscription, send_at=send_at, now=now)
    planned = Digest.objects.filter(subscription=subscription, week=week).first()
    if planned is not None:
        outcome = planned.outcome
    else:
        outcome = choose(
            whole, recent_outcomes([subscription], {subscription.pk: week})[subscription.pk]
        )
    if outcome == Outcome.SKIPPED:
        return Next(send_at, None)
    whole.outcome = outcome
    if only is not None:
        whole.narrow(only)
    return Next(send_at, whole)
