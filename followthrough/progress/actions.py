"""Verbs of progress: log a day's counts, count the numbers of a check-in answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from followthrough.accounts.actions import ActionRefused
from followthrough.accounts.models import Membership, User
from followthrough.coaching.models import Response
from followthrough.progress.models import MAX_VALUE, Entry, EntrySource, Metric, normalize


def log_day(
    member: Membership, day: dt.date, values: Mapping[Metric, Decimal | None], *, by: User
) -> int:
    """The day's counts as the rep gives them: a number sets that metric's log entry for the
    day, an empty one removes it. Returns how many numbers are now logged for the day."""
    today = timezone.localdate(timezone.now(), member.user.profile.zone)
    if day > today:
        raise ActionRefused("That day has not happened yet: log today or an earlier day.")
    for metric, value in values.items():
        if metric.workspace_id != member.workspace_id:
            raise ActionRefused(f"{metric.name} is not a metric of this workspace.")
        if value is not None and not (0 <= value <= MAX_VALUE):
            raise ActionRefused(f"{metric.name}: give a number from 0 to {MAX_VALUE:,}.")
    with transaction.atomic():
        for metric, value in values.items():
            existing = Entry.objects.filter(
                member=member, metric=metric, day=day, source=EntrySource.LOG
            )
            if value is None:
                existing.delete()
            elif not existing.update(value=value, recorded_by=by, updated_at=timezone.now()):
                Entry.objects.create(
                    workspace=member.workspace,
                    member=member,
                    metric=metric,
                    day=day,
                    value=value,
                    recorded_by=by,
                )
    return Entry.objects.filter(member=member, day=day, source=EntrySource.LOG).count()


def count_answer(response: Response) -> list[Entry]:
    """The numbers of a check-in answer become entries of the metrics their measures name, on
    the owner's local day of the answer; measures no metric knows stay on the answer only. Run
    inside the answer's transaction; answering again replaces what the last answer counted."""
    commitment = response.commitment
    owner = commitment.owner
    Entry.objects.filter(response=response).delete()
    metrics = Metric.by_name(commitment.workspace)
    day = timezone.localdate(response.updated_at, owner.user.profile.zone)
    totals: dict[Metric, Decimal] = {}
    for name, value in response.numbers.items():
        metric = metrics.get(normalize(name))
        if metric is not None:  # two measures naming one metric add up
            totals[metric] = totals.get(metric, Decimal(0)) + Decimal(str(value))
    return Entry.objects.bulk_create(
        Entry(
            workspace=commitment.workspace,
            member=owner,
            metric=metric,
            day=day,
            value=value,
            source=EntrySource.CHECKIN,
            response=response,
            recorded_by=response.recorded_by,
        )
        for metric, value in totals.items()
    )
