"""The verbs of the coach-manager thread and of reviews. Each runs in one transaction, writes
its event, and schedules the emails it causes in that same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.accounts.models import Membership, User
from followthrough.events import actions as events
from followthrough.events.verbs import literal
from followthrough.followups import actions as followups
from followthrough.followups.models import CHANGEABLE, FollowUp, FollowUpQuerySet, Kind, State
from followthrough.lib.errors import ActionRefused
from followthrough.sync.models import MAX_NOTE, Note, NoteKind, Review, ReviewState

# At most one email about the thread per person and rep in this time: notes written meanwhile
# join the one already waiting (it lists every note since its first when it is sent).
NOTES_EMAIL_GAP = dt.timedelta(hours=1)


def write_note(
    rep: Membership,
    *,
    author: Membership,
    text: str,
    kind: str = NoteKind.NOTE,
    for_manager: bool = False,
    shared_with_rep: bool = False,
    review: Review | None = None,
) -> Note:
    """A note in the rep's thread; the others in the thread are told by email (see
    _tell_thread). "For the manager" is a coach's mark: anyone else's is ignored."""
    text = text.strip()
    if not text:
        raise ActionRefused(_("Write something first."))
    if len(text) > MAX_NOTE:
        raise ActionRefused(_("A note has at most %(max)d characters.") % {"max": MAX_NOTE})
    if not permissions.can_write_thread(author, rep):
        raise ActionRefused(_("This thread is for the rep's coaches and managers."))
    if review is not None and review.rep_id != rep.pk:
        raise ActionRefused(_("This review is about another rep."))
    with transaction.atomic():
        # One writer at a time per thread, so two notes at once never schedule two emails.
        Membership.objects.select_for_update().filter(pk=rep.pk).first()
        note = Note.objects.create(
            workspace=rep.workspace,
            rep=rep,
            author=author,
            kind=kind,
            text=text,
            for_manager=for_manager and permissions.can_mark_for_manager(author),
            shared_with_rep=shared_with_rep,
            review=review,
        )
        if review is not None and kind == NoteKind.AFTER_REVIEW and review.is_scheduled:
            Review.objects.filter(pk=review.pk).update(state=ReviewState.HELD)
        events.record(
            "thread.shared" if shared_with_rep else "thread.noted",
            workspace=rep.workspace,
            about=note,
            actor=author.user,
            rep=rep,
            data={"kind": kind, "rep_name": literal(rep.user.get_short_name())},
            # Only those who coach the rep read on its History that the thread moved, unless
            # the rep was meant to read the note.
            private=not shared_with_rep,
        )
        _tell_thread(note)
    return note


def _tell_thread(note: Note) -> None:
    """Each other person in the thread gets one email listing the notes since the last one:
    if one is already waiting, the note joins it; otherwise a new one goes out now, or an hour
    after the last one sent (NOTES_EMAIL_GAP)."""
    now = timezone.now()
    for member in permissions.thread_members(note.rep).exclude(pk=note.author_id):
        to = member.user
        theirs = FollowUp.objects.about(note.rep).filter(kind=Kind.SYNC_NOTES, recipient=to)
        if theirs.filter(state=State.SCHEDULED).exists():
            continue
        last = (
            theirs.filter(state__in=[State.CLAIMED, State.SENDING, State.SENT])
            .order_by("-send_at")
            .values_list("sent_at", "send_at")
            .first()
        )
        send_at = now if last is None else max(now, (last[0] or last[1]) + NOTES_EMAIL_GAP)
        followups.schedule(
            kind=Kind.SYNC_NOTES,
            template="sync_notes",
            to_email=to.email,
            recipient=to,
            workspace=note.workspace,
            about=note.rep,
            send_at=send_at,
            created_by=note.author.user,
            context={
                "since": note.created_at.isoformat(),
                "reader_id": member.pk,
                "time_zone": to.profile.time_zone,
            },
        )


# Reviews --------------------------------------------------------------------------------------


def book_review(
    rep: Membership, *, manager: Membership, starts_at: dt.datetime, location: str = ""
) -> Review:
    """The manager books a review with the rep: the brief is scheduled for the working day
    before, and the rep's coaches are told."""
    if not permissions.can_book_review(manager, rep):
        raise ActionRefused(_("Only the rep's coaches and managers book a review with them."))
    if starts_at <= timezone.now():
        raise ActionRefused(_("A review is booked for a time to come."))
    with transaction.atomic():
        review = Review.objects.create(
            workspace=rep.workspace,
            rep=rep,
            manager=manager,
            starts_at=starts_at,
            location=location,
            created_by=manager.user,
        )
        _schedule_brief(review)
        _tell_coaches(review, "booked", manager.user)
        _log("review.booked", review, manager.user)
    return review


def move_review(review: Review, *, starts_at: dt.datetime, by: User) -> Review:
    """A new time: the brief waiting for the old one moves with it (or, already sent, a new one
    is scheduled), and the coaches are told."""
    if not review.is_scheduled:
        raise ActionRefused(_("Only a scheduled review can be moved."))
    if starts_at <= timezone.now():
        raise ActionRefused(_("A review is booked for a time to come."))
    with transaction.atomic():
        review.starts_at = starts_at
        review.save(update_fields=["starts_at"])
        waiting = list(_briefs(review).filter(state__in=CHANGEABLE))
        for brief in waiting:
            followups.reschedule(brief, review.brief_send_at(), by)
        if not waiting:
            _schedule_brief(review)
        _tell_coaches(review, "moved", by)
        _log("review.moved", review, by)
    return review


def cancel_review(review: Review, *, by: User) -> Review:
    if not review.is_scheduled:
        raise ActionRefused(_("Only a scheduled review can be cancelled."))
    with transaction.atomic():
        review.state = ReviewState.CANCELLED
        review.cancelled_at = timezone.now()
        review.save(update_fields=["state", "cancelled_at"])
        followups.cancel_about(review, [Kind.REVIEW_BRIEF])
        _tell_coaches(review, "cancelled", by)
        _log("review.cancelled", review, by)
    return review


def _briefs(review: Review) -> FollowUpQuerySet:
    return FollowUp.objects.about(review).filter(kind=Kind.REVIEW_BRIEF)


def _schedule_brief(review: Review) -> None:
    manager = review.manager.user
    followups.schedule(
        kind=Kind.REVIEW_BRIEF,
        template="review_brief",
        to_email=manager.email,
        recipient=manager,
        workspace=review.workspace,
        about=review,
        send_at=review.brief_send_at(),
        created_by=review.created_by,
        context={"time_zone": manager.profile.time_zone},
    )


def _tell_coaches(review: Review, change: str, by: User | None) -> None:
    """The rep's coaches (but the manager, who knows) hear of a review booked, moved or
    cancelled."""
    for coach in review.rep.coaches().exclude(pk=review.manager_id).filter(Q(user__is_active=True)):
        followups.schedule(
            kind=Kind.REVIEW_NOTICE,
            template="review_notice",
            to_email=coach.user.email,
            recipient=coach.user,
            workspace=review.workspace,
            about=review,
            created_by=by,
            reply_to=review.manager.user.email,
            context={"change": change, "time_zone": coach.user.profile.time_zone},
        )


def _log(verb: str, review: Review, by: User | None) -> None:
    events.record(
        verb,
        workspace=review.workspace,
        about=review,
        actor=by,
        rep=review.rep,
        data={
            "starts": review.starts_at.isoformat(),
            "rep_name": literal(review.rep.user.get_short_name()),
        },
    )
