"""What the updates app does when told: by the dispatcher's planner loop, and by events after
their change committed (a plan opened, a rep deactivated)."""

from __future__ import annotations

import datetime as dt

from followthrough.accounts.models import Membership
from followthrough.coaching.models import Plan
from followthrough.events.models import Event
from followthrough.updates import actions


def plan_all(now: dt.datetime) -> int:
    return actions.plan_asks(now)


def plan_opened(event: Event) -> None:
    """A new plan: its rep is asked this week already, if their hour has not long passed."""
    plan = Plan.objects.filter(pk=event.about_id).first()
    if plan is not None:
        actions.plan_asks(reps=actions.eligible_reps().filter(pk=plan.rep_id))


def member_deactivated(event: Event) -> None:
    member = Membership.objects.filter(pk=event.about_id).select_related("user").first()
    if member is not None:
        actions.stop_asking(member)
