"""The dashboard's "service" figures for many reps at once (one grouped query), and the
needs-attention reason for a complaint whose callback is late. The figures are those of
queries.service (one rep, more of them); the rules are the models' (complaints(), the
callback's deadline), not repeated here.

The team dashboard (insights/dashboard.py) adds `service_by_rep(ids)` to its rows and
`late_callback_reason(cell)` to its reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import ngettext

from followthrough.clients.models import ClientCheckIn


@dataclass(frozen=True)
class ServiceCell:
    """A rep's service after the sale on the dashboard: the average score of the answers,
    complaints (0-6) whose callback is not done, and of those the ones past their deadline."""

    average: Decimal | None
    open_complaints: int
    late_callbacks: int


def service_by_rep(rep_ids: list[int], now: dt.datetime | None = None) -> dict[int, ServiceCell]:
    """Every rep of `rep_ids` with an answered check-in; the others have no figures."""
    now = now or timezone.now()
    complaints = ClientCheckIn.objects.complaints()
    open_complaint = Q(pk__in=complaints.values("pk"), callback__done_at__isnull=True)
    rows = (
        ClientCheckIn.objects.answered()
        .filter(rep_id__in=rep_ids)
        .values("rep_id")
        .annotate(
            average=Avg("score"),
            open_complaints=Count("pk", filter=open_complaint),
            late=Count("pk", filter=open_complaint & Q(callback_due_at__lt=now)),
        )
        .order_by("rep_id")
    )
    return {
        row["rep_id"]: ServiceCell(
            average=Decimal(str(round(row["average"], 1))),
            open_complaints=row["open_complaints"],
            late_callbacks=row["late"],
        )
        for row in rows
    }


def late_callback_reason(cell: ServiceCell | None) -> str:
    """The needs-attention reason, or "" when no callback is late."""
    if cell is None or not cell.late_callbacks:
        return ""
    return ngettext(
        "%(count)d unhappy client not called back in time",
        "%(count)d unhappy clients not called back in time",
        cell.late_callbacks,
    ) % {"count": cell.late_callbacks}
