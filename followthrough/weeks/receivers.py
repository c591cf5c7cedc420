"""What keeps the stored weeks up to date: each change to a source row marks the rep's weeks it
touches (weeks.store.mark), and they are recomputed once the transaction commits.

Rows saved one by one are seen by post_save and post_delete (with the values they were loaded
with, kept by post_init, so that a row moved to another week marks both). Changes made with a
queryset update or a bulk insert are seen through the event their action writes in the same
transaction: "log.saved" (a day's log), "session.finished", "import.confirmed" (every week the
file touched, once, at the end: not a mark per row). Events are read as they are written
(post_save of Event) rather than after commit (events.actions.listen), so that a reader in the
same transaction already sees the change.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone
from django.utils.dateparse import parse_date

from followthrough.accounts.models import Membership, Profile
from followthrough.coaching.models import Commitment, Plan, Response, Session
from followthrough.events.models import Event
from followthrough.metrics.models import ConfidenceRating, Entry
from followthrough.pipeline.models import Opportunity, StageChange
from followthrough.weeks import store
from followthrough.weeks.models import WeekMetric, WeekSummary

WAS = "_weeks_was"


def _remember(*fields: str) -> Any:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        instance.__dict__[WAS] = tuple(instance.__dict__.get(name) for name in fields)

    return receiver


def _was(instance: Any) -> tuple[Any, ...] | None:
    return instance.__dict__.get(WAS)


# Entries: their day's week.


def entry_saved(sender: Any, instance: Entry, created: bool, **kwargs: Any) -> None:
    store.mark(instance.member_id, instance.day)
    was = _was(instance)
    if was is not None and not created and was != (instance.member_id, instance.day):
        store.mark(*was)


def entry_deleted(sender: Any, instance: Entry, **kwargs: Any) -> None:
    store.mark(instance.member_id, instance.day)


# Commitments: the weeks of their outcome, their due date, and those they were open at the end
# of (from the outcome, or its undoing, to now).

COMMITMENT = ("owner_id", "due_on", "outcome_at", "state")


def commitment_saved(sender: Any, instance: Commitment, created: bool, **kwargs: Any) -> None:
    was = _was(instance)
    now = timezone.now()
    made = instance.created_at
    if created or was is None:
        store.mark(instance.owner_id, made, instance.due_on, instance.outcome_at, now, onward=True)
        return
    owner_id, due_on, outcome_at, state = was
    if (owner_id, due_on, outcome_at, state) == tuple(getattr(instance, f) for f in COMMITMENT):
        return
    weeks = [instance.due_on, due_on, instance.outcome_at, outcome_at, now]
    if state != instance.state:  # dropped (or not any more): gone from every week it was open
        weeks.append(made)
    store.mark(instance.owner_id, *weeks, onward=True)
    if owner_id != instance.owner_id:
        store.mark(owner_id, made, due_on, outcome_at, now, onward=True)


def commitment_deleted(sender: Any, instance: Commitment, **kwargs: Any) -> None:
    store.mark(
        instance.owner_id,
        instance.created_at,
        instance.due_on,
        instance.outcome_at,
        timezone.now(),
        onward=True,
    )


def response_changed(sender: Any, instance: Response, **kwargs: Any) -> None:
    """An answer counts toward its commitment's due week, and its numbers are entries on the
    day it was last given (count_answer writes them in bulk)."""
    found = (
        Commitment.objects.filter(pk=instance.commitment_id)
        .values_list("owner_id", "due_on")
        .first()
    )
    if found is None:  # deleted with its commitment, which marked its weeks
        return
    owner_id, due_on = found
    was = _was(instance)
    store.mark(owner_id, due_on)
    store.mark(owner_id, instance.updated_at, *(was or ()))


# Sessions, stage changes, opportunities, ratings.


def session_saved(sender: Any, instance: Session, created: bool, **kwargs: Any) -> None:
    was = _was(instance)
    if was == (instance.state, instance.finished_at) or (created and not instance.finished_at):
        return
    rep_id = Plan.objects.values_list("rep_id", flat=True).get(pk=instance.plan_id)
    store.mark(rep_id, instance.finished_at, *(was[1:] if was else ()))


def session_deleted(sender: Any, instance: Session, **kwargs: Any) -> None:
    if instance.finished_at is not None:
        rep_id = Plan.objects.filter(pk=instance.plan_id).values_list("rep_id", flat=True).first()
        store.mark(rep_id, instance.finished_at)


def stage_changed(sender: Any, instance: StageChange, **kwargs: Any) -> None:
    owner_id = (
        Opportunity.objects.filter(pk=instance.opportunity_id)
        .values_list("owner_id", flat=True)
        .first()
    )
    store.mark(owner_id, instance.changed_at)


def opportunity_saved(sender: Any, instance: Opportunity, created: bool, **kwargs: Any) -> None:
    """A new value, currency or owner changes what each of its moves did to the pipeline."""
    was = _was(instance)
    if created or was is None or was == (instance.owner_id, instance.value, instance.currency):
        return
    moves = instance.stage_changes.aggregate(first=Min("changed_at"), last=Max("changed_at"))
    for owner_id in {was[0], instance.owner_id}:
        store.mark(owner_id, moves["first"], moves["last"])


def rating_changed(sender: Any, instance: ConfidenceRating, **kwargs: Any) -> None:
    """The latest rating up to a week's end: every week from it to now."""
    was = _was(instance)
    store.mark(instance.member_id, instance.rated_at, *(was or ()), timezone.now(), onward=True)


def profile_saved(sender: Any, instance: Profile, created: bool, **kwargs: Any) -> None:
    """Another time zone puts moments in other weeks: the rep's stored weeks are forgotten,
    and computed again when read."""
    was = _was(instance)
    if created or was is None or was == (instance.time_zone,):
        return
    reps = Membership.objects.filter(user_id=instance.user_id)
    WeekSummary.objects.filter(rep__in=reps).delete()
    WeekMetric.objects.filter(rep__in=reps).delete()


# Events of the actions that write with a queryset update or a bulk insert.


def event_recorded(sender: Any, instance: Event, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    if instance.verb == "log.saved":
        store.mark(instance.rep_id, parse_date(str(instance.data.get("day", ""))))
    elif instance.verb == "session.finished":
        store.mark(instance.rep_id, instance.at)
    elif instance.verb == "import.confirmed":
        import_confirmed(instance.about_id)


def import_confirmed(run_id: int) -> None:
    """Every rep's span of weeks in the file, marked once (not a mark per row)."""
    spans = (
        Entry.objects.filter(import_run_id=run_id)
        .values("member_id")
        .annotate(first=Min("day"), last=Max("day"))
        .order_by()
    )
    for found in spans:
        store.mark(found["member_id"], found["first"], found["last"])


def connect() -> None:
    uid = "weeks"
    for model, fields in [
        (Entry, ("member_id", "day")),
        (Commitment, COMMITMENT),
        (Response, ("updated_at",)),
        (Session, ("state", "finished_at")),
        (Opportunity, ("owner_id", "value", "currency")),
        (ConfidenceRating, ("rated_at",)),
        (Profile, ("time_zone",)),
    ]:
        post_init.connect(_remember(*fields), sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(entry_saved, sender=Entry, dispatch_uid=uid)
    post_delete.connect(entry_deleted, sender=Entry, dispatch_uid=uid)
    post_save.connect(commitment_saved, sender=Commitment, dispatch_uid=uid)
    post_delete.connect(commitment_deleted, sender=Commitment, dispatch_uid=uid)
    post_save.connect(response_changed, sender=Response, dispatch_uid=uid)
    post_delete.connect(response_changed, sender=Response, dispatch_uid=uid)
    post_save.connect(session_saved, sender=Session, dispatch_uid=uid)
    post_delete.connect(session_deleted, sender=Session, dispatch_uid=uid)
    post_save.connect(stage_changed, sender=StageChange, dispatch_uid=uid)
    post_delete.connect(stage_changed, sender=StageChange, dispatch_uid=uid)
    post_save.connect(opportunity_saved, sender=Opportunity, dispatch_uid=uid)
    post_save.connect(rating_changed, sender=ConfidenceRating, dispatch_uid=uid)
    post_delete.connect(rating_changed, sender=ConfidenceRating, dispatch_uid=uid)
    post_save.connect(profile_saved, sender=Profile, dispatch_uid=uid)
    post_save.connect(event_recorded, sender=Event, dispatch_uid=uid)
