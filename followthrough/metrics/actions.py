"""Verbs of metrics: log a day's counts, count the numbers of a check-in answer, take the
rep's confidence pulse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from followthrough.accounts.models import Membership, User
from followthrough.coaching.models import Response, Todo, TodoKind
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import events
from followthrough.metrics.models import (
    MAX_VALUE,
    ConfidenceRating,
    Entry,
    EntrySource,
    Metric,
    normalize,
)

# The pulse is asked at most this often; answering again within it changes the last rating.
PULSE_EVERY = dt.timedelta(days=6)


def log_day(
    member: Membership, day: dt.date, values: Mapping[Metric, Decimal | None], *, by: User
) -> int:
    """The day's counts as the rep gives them: a number sets that metric's log entry for the
    day, an empty one removes it. Returns how many numbers are now logged for the day."""
    today = timezone.localdate(timezone.now(), member.user.profile.zone)
    if day > today:
        raise ActionRefused(gettext("That day has not happened yet: log today or an earlier day."))
    for metric, value in values.items():
        if metric.workspace_id != member.workspace_id:
            raise ActionRefused(
                gettext("%(name)s is not a metric of this workspace.") % {"name": metric.name}
            )
        if value is not None and not (0 <= value <= MAX_VALUE):
            raise ActionRefused(
                gettext("%(name)s: give a number from 0 to %(most)s.")
                % {"name": metric.name, "most": f"{MAX_VALUE:,}"}
            )
    with transaction.atomic():
        removed = 0
        for metric, value in values.items():
            existing = Entry.objects.filter(
                member=member, metric=metric, day=day, source=EntrySource.LOG
            )
            if value is None:
                removed += existing.delete()[0]
            elif not existing.update(value=value, recorded_by=by, updated_at=timezone.now()):
                Entry.objects.create(
                    workspace=member.workspace,
                    member=member,
                    metric=metric,
                    day=day,
                    value=value,
                    recorded_by=by,
                )
        numbers = events.figures(values)
        if numbers or removed:  # an empty form saved over an empty day is no news
            events.log(
                "log.saved",
                member.workspace,
                member,
                by,
                member=member,
                day=day.isoformat(),
                numbers=numbers,
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


def last_rating(member: Membership) -> ConfidenceRating | None:
    return ConfidenceRating.objects.filter(member=member).order_by("-rated_at", "-id").first()


def pulse_due(member: Membership) -> bool:
    """Ask for the confidence pulse: never asked, or not within the last week."""
    last = last_rating(member)
    return last is None or last.rated_at <= timezone.now() - PULSE_EVERY


def rate_confidence(
    member: Membership,
    rating: int,
    *,
    comment: str = "",
    response: Response | None = None,
    by: User | None = None,
    replacing: ConfidenceRating | None = None,
) -> ConfidenceRating:
    """Records the rep's confidence, 1 to 5. A rating given with a check-in answer that is
    answered again is updated, not doubled; so is the one given with a weekly update written
    again (`replacing`). A fall of two points or more from the rating before
    tells each of the rep's coaches now: an email and a to-do."""
    if not 1 <= rating <= 5:
        raise ActionRefused(gettext("Rate your confidence from 1 (not at all) to 5 (very)."))
    now = timezone.now()
    with transaction.atomic():
        current = None
        if replacing is not None:
            current = ConfidenceRating.objects.select_for_update().filter(pk=replacing.pk).first()
        elif response is not None:
            current = ConfidenceRating.objects.select_for_update().filter(response=response).first()
        if current is not None and current.rating == rating and current.comment == comment:
            return current
        earlier = ConfidenceRating.objects.filter(member=member)
        if current is not None:
            earlier = earlier.exclude(pk=current.pk).filter(rated_at__lte=current.rated_at)
        before = earlier.order_by("-rated_at", "-id").first()
        if current is None:
            current = ConfidenceRating.objects.create(
                workspace=member.workspace,
                member=member,
                rating=rating,
                comment=comment,
                response=response,
                rated_at=now,
            )
        else:
            current.rating, current.comment = rating, comment
            current.save(update_fields=["rating", "comment"])
        if before is not None and ConfidenceRating.is_alarming_drop(rating - before.rating):
            _tell_coaches_of_drop(current, before)
        # The rating only: the comment is the rep's words and stays on its row.
        events.log(
            "confidence.rated",
            member.workspace,
            current,
            by or member.user,
            member=member,
            rating=rating,
            previous=before.rating if before is not None else None,
        )
    return current


def save_metric(metric: Metric, *, by: User | None) -> Metric:
    """Adds a metric to its workspace or saves its changes (a form's unsaved instance)."""
    with transaction.atomic():
        old_name = (
            Metric.objects.filter(pk=metric.pk).values_list("name", flat=True).first()
            if metric.pk is not None
            else None
        )
        metric.save()
        if old_name is None:
            verb = "metric.added"
        elif old_name != metric.name:
            verb = "metric.renamed"
        else:
            verb = "metric.changed"
        events.log(verb, metric.workspace, metric, by, name=metric.name, old_name=old_name)
    return metric


def _tell_coaches_of_drop(rating: ConfidenceRating, before: ConfidenceRating) -> None:
    rep = rating.member
    for relationship in rep.coached_by.select_related("coach__user__profile"):
        coach = relationship.coach
        todo = Todo.written(
            TodoKind.TALK, name=rep.user.name, before=before.rating, after=rating.rating
        )
        todo.workspace, todo.owner = rep.workspace, coach
        todo.due_on = timezone.localdate(timezone.now(), coach.user.profile.zone)
        todo.save()
        followups.schedule(
            kind=Kind.NOTICE,
            template="confidence_drop",
            to_email=coach.user.email,
            recipient=coach.user,
            workspace=rep.workspace,
            about=rating,
            context={
                "before": before.rating,
                "rep_name": rep.user.name,
                "progress_path": reverse("rep_progress", args=[rep.workspace.slug, rep.pk]),
                "time_zone": coach.user.profile.time_zone,
            },
        )
