"""What the metrics pages read: a rep's logged numbers, a week's totals, what counted by itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from followthrough.accounts.models import Membership
from followthrough.metrics.models import Entry, EntrySource


def logged_initial(member: Membership, day: dt.date) -> dict[str, Decimal]:
    """The numbers the rep logged that day, as the day log form's initial values."""
    return {
        f"metric_{entry.metric_id}": entry.value
        for entry in Entry.objects.filter(member=member, day=day, source=EntrySource.LOG)
    }


def week_totals(member: Membership, today: dt.date) -> QuerySet[Any, Any]:
    """Each metric's total over the seven days up to today, every source together."""
    return (
        Entry.objects.filter(member=member, day__gte=today - dt.timedelta(days=6), day__lte=today)
        .values("metric__name", "metric__position")
        .annotate(total=Sum("value"))
        .order_by("metric__position")
    )


def counted_by_itself(member: Membership, day: dt.date) -> QuerySet[Entry]:
    """What counted by itself that day: check-in answers and won deals, so nobody logs it twice."""
    return Entry.objects.filter(
        member=member, day=day, source__in=[EntrySource.CHECKIN, EntrySource.DEAL]
    ).select_related("metric", "response__commitment", "opportunity")
