"""The weekly digests of the last two Mondays: Tom's roll-up of Bob and Derek (story 000), and
a quiet week at Harbor, where nothing is logged: Priya, who coaches Marco, gets the three-line
note; Rachel, a VP following two reps, gets nothing that week.

Told like the other stories: each reader's subscription made before, then the planner run at
each reader's Monday 08:00 (their clock), and the real dispatcher sending the digests into the
outbox, rendered at that moment.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from followthrough.accounts.models import Workspace
from followthrough.demo import clock
from followthrough.digests import actions
from followthrough.digests.models import Subscription

WEEKS = 2


def seed(*workspaces: Workspace) -> None:
    now = timezone.now()
    today = now.date()
    last_monday = today - dt.timedelta(days=today.weekday())
    begin = dt.datetime.combine(
        last_monday - dt.timedelta(weeks=WEEKS - 1, days=3), dt.time(12), tzinfo=dt.UTC
    )
    for workspace in workspaces:
        with clock.at(begin, workspace):
            actions.ensure_subscriptions(workspace.pk)
    ids = [workspace.pk for workspace in workspaces]
    while True:
        due = (
            Subscription.objects.running()
            .filter(workspace__in=ids, next_send_at__lte=now)
            .order_by("next_send_at")
            .values_list("next_send_at", flat=True)
            .first()
        )
        if due is None:
            break
        for workspace in workspaces:
            clock.deliver_until(due, workspace)
        with clock.at(due, workspaces[0]):
            actions.plan_digests(due)
    for workspace in workspaces:
        clock.deliver_until(now, workspace)
