"""Reads of the coaching loop that are more than a line: Today's lists, the rep's home, the
coach's rates. Views render what these return; the API will serve the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching.models import (
    FOLLOW_THROUGH_WEEKS,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
    SessionState,
    Source,
    due_for_follow_through,
    followed_through,
)
from followthrough.followups.models import State
from followthrough.insights import reports as progress_reports


def coached_commitments(member: Membership) -> QuerySet[Commitment]:
    """Commitments of the plans this member coaches: those they run and those of every rep
    they coach, so co-coaches see the same loop."""
    return Commitment.objects.filter(plan__in=permissions.coached_plans(member)).select_related(
        "owner__user", "plan__rep__user", "workspace"
    )


def open_loops(member: Membership) -> QuerySet[Commitment]:
    return (
        coached_commitments(member)
        .filter(open_loop_at__lte=timezone.now(), state__in=CommitmentState.carried())
        .order_by("open_loop_at")
    )


def rates(member: Membership, today: dt.date) -> dict[str, int | None]:
    """Follow-through: share of due commitments (due_for_follow_through: the recent weeks, not
    dropped) with an outcome or an answer. Completion: share of them done."""
    due = coached_commitments(member).filter(due_for_follow_through(today))
    counts = due.aggregate(
        total=Count("id", distinct=True),
        answered=Count("id", distinct=True, filter=followed_through()),
        done=Count("id", distinct=True, filter=Q(state=CommitmentState.DONE)),
    )
    total = counts["total"]
    if not total:
        return {"follow_through": None, "completion": None, "due": 0}
    return {
        "follow_through": round(100 * counts["answered"] / total),
        "completion": round(100 * counts["done"] / total),
        "due": total,
    }


def new_answers(member: Membership, since: dt.datetime) -> QuerySet[Response]:
    """The reps' answers on the plans this member coaches, changed since then, newest first."""
    return (
        Response.objects.filter(
            commitment__plan__in=permissions.coached_plans(member), updated_at__gt=since
        )
        .exclude(source=Source.COACH)
        .select_related("commitment__owner__user", "commitment__workspace")
        .order_by("-updated_at")
    )


def today(member: Membership, now: dt.datetime) -> dict[str, Any]:
    """Everything on a coach's Today page, in the active time zone's day."""
    day = timezone.localdate(now)
    day_starts = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    day_ends = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    mine = coached_commitments(member)
    return {
        "due_today": mine.filter(due_on=day, state=CommitmentState.OPEN),
        "overdue": mine.filter(
            due_on__lt=day, state=CommitmentState.OPEN, open_loop_at=None, checkin_at=None
        ),
        "answers": list(new_answers(member, member.new_answers_since(now))[:30]),
        "since": member.today_seen_at,
        "open_loops": open_loops(member),
        "talks": mine.filter(needs_talk=True),
        "todos": permissions.visible_todos(member)
        .filter(done_at=None)
        .filter(Q(due_on__lte=day) | Q(due_on=None))
        .select_related("commitment__workspace", "workspace", "owner__user"),
        "upcoming": Session.objects.filter(
            plan__coach=member,
            state=SessionState.SCHEDULED,
            starts_at__gte=now - dt.timedelta(hours=2),
        )
        .select_related("plan__rep__user", "workspace")
        .order_by("starts_at")[:10],
        "going_out": permissions.visible_followups(member)
        .filter(state=State.SCHEDULED, send_at__gte=day_starts, send_at__lt=day_ends)
        .select_related("recipient", "workspace")
        .order_by("send_at")[:50],
        "rates": rates(member, day),
        "follow_through_weeks": FOLLOW_THROUGH_WEEKS,
        "reps": member.coached_reps(),
        "planned": set(
            Plan.objects.filter(coach=member, closed_at=None).values_list("rep_id", flat=True)
        ),
        "today": day,
        "now": now,
        **own_coaching(member),
    }


def own_coaching(member: Membership) -> dict[str, Any]:
    """A coached manager's own plans (they are the person coached) and how many of their
    commitments on them wait for their word: the "Your own coaching" part of Today."""
    plans = list(
        Plan.objects.filter(rep=member, closed_at=None).select_related("coach__user", "workspace")
    )
    waiting = (
        Commitment.objects.filter(
            owner=member, plan__rep=member, state__in=CommitmentState.carried()
        ).count()
        if plans
        else 0
    )
    return {"own_plans": plans, "own_waiting": waiting}


def rep_commitments(member: Membership) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(owner=member)
        .select_related("plan", "session", "workspace")
        .prefetch_related("responses")
    )


def pending_commitments(member: Membership) -> list[Commitment]:
    """The rep's commitments still waiting for their word, soonest due first."""
    return list(
        rep_commitments(member).filter(state__in=CommitmentState.carried()).order_by("due_on")
    )


def rep_home(member: Membership, now: dt.datetime) -> dict[str, Any]:
    """A rep's own page, but for the answer forms (see views.home): plans, their pace, the next
    session, finished commitments, and the people around them."""
    plans = list(
        Plan.objects.filter(rep=member, closed_at=None).select_related("coach__user", "workspace")
    )
    rep_today = timezone.localdate(now, member.user.profile.zone)
    return {
        "finished": rep_commitments(member)
        .exclude(state__in=CommitmentState.carried())
        .order_by("-updated_at")[:10],
        "plans": plans,
        "plan_paces": progress_reports.plan_paces(member, plans, rep_today),
        "next_session": Session.objects.filter(
            plan__rep=member, state=SessionState.SCHEDULED, starts_at__gte=now
        )
        .select_related("plan__coach__user")
        .order_by("starts_at")
        .first(),
        # The plan's why, with who reads it and the rep's control to share it.
        "whys": [(p, permissions.word_readers(p)) for p in plans if p.why],
        "words": permissions.WordsAccess(unshared=True, shared=True),
        "coaches": member.coaches(),
        "followers": member.followers(),
    }
