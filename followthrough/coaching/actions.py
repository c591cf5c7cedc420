"""The coaching loop's verbs. Each runs in one transaction and writes the follow-ups it causes
in that same transaction, so a commitment exists exactly when its check-in does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough.accounts.models import Membership, User
from followthrough.coaching import events
from followthrough.coaching.models import (
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Reply,
    Response,
    Session,
    SessionState,
    SharedWords,
    Source,
    Todo,
    TodoKind,
)
from followthrough.followups import actions as followups
from followthrough.followups.models import CHANGEABLE, FollowUp, Kind, State
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions as progress
from followthrough.metrics.models import Metric

# The follow-ups that wait on a commitment's answer; an answer cancels them.
WAITING_KINDS = [Kind.CHECK_IN, Kind.REMINDER]

Measures = list[dict[str, object]]


# Plans and sessions ---------------------------------------------------------------------------


def create_plan(
    *,
    coach: Membership,
    rep: Membership,
    stakeholders: Iterable[Membership] = (),
    new_metric: Metric | None = None,
    **fields: object,
) -> Plan:
    """A plan; with `new_metric` (unsaved), the metric its target names is added with it."""
    if not coach.is_coach:
        raise ActionRefused(
            _("%(name)s is not a coach in this workspace.") % {"name": coach.user.name}
        )
    if rep.pk == coach.pk:
        raise ActionRefused(_("Nobody coaches themselves: choose another coach for this plan."))
    if not rep.can_be_coached_by(coach):
        raise ActionRefused(
            _("%(name)s cannot be coached in this workspace.") % {"name": rep.user.name}
        )
    with transaction.atomic():
        if new_metric is not None:
            new_metric.workspace = coach.workspace
            new_metric.save()
        plan = Plan.objects.create(workspace=coach.workspace, coach=coach, rep=rep, **fields)
        plan.stakeholders.set(list(stakeholders))
        events.log("plan.opened", plan, plan, coach.user, purpose=plan.purpose, rep=rep.user.name)
    return plan


def schedule_session(
    plan: Plan,
    starts_at: dt.datetime,
    *,
    by: User,
    duration_minutes: int = 45,
    location: str = "",
    invite: bool = False,
) -> Session:
    """A new session of the plan; with `invite`, a calendar invitation to both at once. A
    session that has already started is the record of a call that took place: it gets no
    invitation."""
    invite = invite and starts_at > timezone.now()
    with transaction.atomic():
        session = Session.objects.create(
            workspace=plan.workspace,
            plan=plan,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location,
            created_by=by,
            invited=invite,
        )
        if invite:
            _send_calendar(session, "REQUEST", by)
        events.log("session.scheduled", plan, session, by, starts=starts_at.isoformat())
    return session


def move_session(
    session: Session,
    starts_at: dt.datetime,
    *,
    by: User,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> Session:
    """A new time: an invitation already sent gets an update with the same UID."""
    if not session.is_scheduled:
        raise ActionRefused(_("Only a scheduled session can be moved."))
    with transaction.atomic():
        session.starts_at = starts_at
        if duration_minutes is not None:
            session.duration_minutes = duration_minutes
        if location is not None:
            session.location = location
        if session.invited:
            session.sequence += 1
        session.save()
        if session.invited:
            followups.cancel_about(session, [Kind.MEETING_INVITE])
            _send_calendar(session, "REQUEST", by)
        events.log("session.moved", session.plan, session, by, starts=starts_at.isoformat())
    return session


def cancel_session(session: Session, *, by: User) -> Session:
    if not session.is_scheduled:
        raise ActionRefused(_("Only a scheduled session can be cancelled."))
    with transaction.atomic():
        session.state = SessionState.CANCELLED
        session.cancelled_at = timezone.now()
        if session.invited:
            session.sequence += 1
        session.save()
        if session.invited:
            followups.cancel_about(session, [Kind.MEETING_INVITE])
            _send_calendar(session, "CANCEL", by)
        events.log(
            "session.cancelled", session.plan, session, by, starts=session.starts_at.isoformat()
        )
    return session


def _send_calendar(session: Session, method: str, by: User) -> None:
    """One invitation (or update, or cancellation) each to the rep and to the coach."""
    for person in (session.plan.rep.user, session.plan.coach.user):
        followups.schedule(
            kind=Kind.MEETING_INVITE,
            template="session_invitation",
            to_email=person.email,
            recipient=person,
            workspace=session.workspace,
            about=session,
            created_by=by,
            reply_to=session.plan.coach.user.email,
            context={
                "calendar_method": method,
                "calendar_sequence": session.sequence,
                "time_zone": person.profile.time_zone,
            },
        )


def save_notes(
    session: Session, *, private_notes: str, summary: str, by: User | None = None
) -> Session:
    with transaction.atomic():
        session.private_notes = private_notes
        session.summary = summary
        session.save(update_fields=["private_notes", "summary"])
        # Private: it says when the coach wrote, and nobody but coaches needs to know that.
        events.log(
            "session.notes_saved",
            session.plan,
            session,
            by,
            private=True,
            starts=session.starts_at.isoformat(),
        )
    return session


# Commitments ----------------------------------------------------------------------------------


def add_commitment(
    session: Session,
    *,
    owner: Membership,
    text: str,
    due_on: dt.date,
    measures: Measures | None = None,
    followup_at: dt.datetime | None = None,
    by: User,
) -> Commitment:
    """A commitment agreed in a session. Its follow-ups are scheduled when the session is
    finished, or at once if it already is."""
    plan = session.plan
    if not plan.step_owners().filter(pk=owner.pk).exists():
        raise ActionRefused(_("A commitment belongs to the rep or one of the rep's coaches."))
    if session.state == SessionState.CANCELLED:
        raise ActionRefused(_("This session was cancelled."))
    with transaction.atomic():
        commitment = Commitment.objects.create(
            workspace=session.workspace,
            plan=plan,
            session=session,
            owner=owner,
            text=text,
            due_on=due_on,
            measures=measures or [],
            followup_at=followup_at,
        )
        if session.state == SessionState.FINISHED:
            _schedule_checkin(commitment, by)
        events.log("commitment.agreed", plan, commitment, by, owner=owner.user.name, text=text)
    return commitment


class NothingAgreed(ActionRefused):
    """A session finished with no commitment is usually a slip: it needs saying so."""


def finish_session(
    session: Session,
    *,
    by: User,
    next_starts_at: dt.datetime | None = None,
    held_now: bool = False,
    nothing_agreed: bool = False,
) -> Session | None:
    """Finishing is the moment everything gets scheduled, in one transaction: the recap now, a
    check-in, a reminder and a coach's to-do for each commitment, and the next session if
    asked. Returns the next session, if any.

    With `held_now`, a session finished before its start took place early: its start moves to
    now (so the recap names the right day), invitations not sent yet are cancelled and those
    already sent get an update to the time it was held.

    A second click finds the session finished and changes nothing: the state moves with one
    conditional UPDATE, which only one request can win, on either database.

    A session with no commitment at all finishes only when the coach says so (`nothing_agreed`);
    otherwise NothingAgreed.
    """
    if not nothing_agreed and not session.commitments.exists():
        raise NothingAgreed(
            _("No commitments were agreed. Add one, or finish anyway with the box ticked.")
        )
    with transaction.atomic():
        won = Session.objects.filter(pk=session.pk, state=SessionState.SCHEDULED).update(
            state=SessionState.FINISHED, finished_at=timezone.now()
        )
        if not won:
            session.refresh_from_db()
            raise ActionRefused(
                _("This session was already finished; its follow-ups are scheduled.")
                if session.state == SessionState.FINISHED
                else _("This session was cancelled.")
            )
        session.refresh_from_db()
        if held_now and not session.has_started():
            _record_as_held_now(session, by)
        rep = session.plan.rep.user
        followups.schedule(
            kind=Kind.RECAP,
            template="session_recap",
            to_email=rep.email,
            recipient=rep,
            workspace=session.workspace,
            about=session,
            created_by=by,
            reply_to=session.plan.coach.user.email,
            context={"time_zone": rep.profile.time_zone},
        )
        for commitment in session.commitments.filter(state=CommitmentState.OPEN):
            _schedule_checkin(commitment, by)
        next_session = None
        if next_starts_at is not None:
            next_session = schedule_session(
                session.plan,
                next_starts_at,
                by=by,
                duration_minutes=session.duration_minutes,
                location=session.location,
                invite=True,
            )
        agreed = session.commitments.exclude(state=CommitmentState.DROPPED).count()
        events.log("session.finished", session.plan, session, by, agreed=agreed)
    return next_session


def _record_as_held_now(session: Session, by: User) -> None:
    """The session took place before its planned start: it starts now. Calendars that got the
    invitation are updated; an invitation still waiting to go out is not sent at all."""
    followups.cancel_about(session, [Kind.MEETING_INVITE])
    sent = FollowUp.objects.about(session).filter(kind=Kind.MEETING_INVITE, state=State.SENT)
    session.starts_at = timezone.now()
    session.invited = sent.exists()
    if session.invited:
        session.sequence += 1
    session.save(update_fields=["starts_at", "invited", "sequence"])
    if session.invited:
        _send_calendar(session, "REQUEST", by)


def _schedule_checkin(commitment: Commitment, by: User | None) -> None:
    """This round's check-in, the one reminder after it, and the coach's to-do; the commitment
    learns when each is due and when silence makes it an open loop."""
    owner = commitment.owner.user
    coach = commitment.plan.coach
    times = commitment.loop_times(max(commitment.checkin_time(), timezone.now()))
    for kind, template, send_at in (
        (Kind.CHECK_IN, "checkin", times.checkin_at),
        (Kind.REMINDER, "checkin_reminder", times.reminder_at),
    ):
        followups.schedule(
            kind=kind,
            template=template,
            send_at=send_at,
            to_email=owner.email,
            recipient=owner,
            workspace=commitment.workspace,
            about=commitment,
            created_by=by,
            reply_to=coach.user.email,
            context={"time_zone": owner.profile.time_zone},
        )
    commitment.checkin_at, commitment.open_loop_at = times.checkin_at, times.open_loop_at
    commitment.updated_at = timezone.now()
    commitment.save(update_fields=["checkin_at", "open_loop_at", "updated_at"])
    coach_zone = coach.user.profile.zone
    todo = Todo.written(TodoKind.FOLLOW_UP, name=owner.name, text=commitment.text)
    todo.workspace, todo.owner, todo.commitment = commitment.workspace, coach, commitment
    todo.due_on = times.checkin_at.astimezone(coach_zone).date()
    todo.save()


def _stop_waiting(commitment: Commitment) -> None:
    """An answer (or a drop) ends the wait: pending check-in and reminder cancelled, the
    follow-up to-do ticked, no open loop."""
    followups.cancel_about(commitment, WAITING_KINDS)
    commitment.todos.filter(kind=TodoKind.FOLLOW_UP, done_at=None).update(done_at=timezone.now())
    commitment.open_loop_at = None


def record_response(
    commitment: Commitment,
    *,
    answer: Answer | str,
    numbers: Mapping[str, Decimal | int | float] | None = None,
    comment: str = "",
    new_due_on: dt.date | None = None,
    source: Source | str = Source.LINK,
    by: User | None = None,
    confidence: int | None = None,
    share: bool | None = None,
) -> Response:
    """The rep's answer for the current round; answering again updates the same Response.

    done: the commitment is done. partly: partly done; before the due date this is a progress
    report and the check-in still goes out, after it the wait ends. not yet: a new due date,
    a new round with its own check-in. let's talk: the coach gets a to-do to book a talk. In
    every case the coach is told by email and on their Today page. A confidence rating (the
    weekly pulse, 1-5) given with the answer is recorded with it. `share` is the rep's choice
    to share the comment with the stakeholders (None leaves it as it was).
    """
    answer = Answer(answer)
    if commitment.state in (CommitmentState.DROPPED, CommitmentState.MISSED):
        raise ActionRefused(_("This commitment is closed; there is nothing to answer."))
    if answer == Answer.NOT_YET:
        today = timezone.localdate(timezone.now(), commitment.owner.user.profile.zone)
        if new_due_on is None:
            raise ActionRefused(_("Give the new date by which it will be done."))
        if new_due_on < today:
            raise ActionRefused(_("The new date cannot be in the past."))
    now = timezone.now()
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        response, created = Response.objects.update_or_create(
            commitment=commitment,
            round=commitment.round,
            defaults={
                "answer": answer,
                "numbers": {
                    name: float(value) if not float(value).is_integer() else int(value)
                    for name, value in (numbers or {}).items()
                },
                "comment": comment,
                "new_due_on": new_due_on if answer == Answer.NOT_YET else None,
                "source": source,
                "recorded_by": by,
                "updated_at": now,
            },
        )
        before_due = now.astimezone(commitment.owner.user.profile.zone).date() <= commitment.due_on
        commitment.needs_talk = False
        if answer == Answer.DONE:
            commitment.state = CommitmentState.DONE
            commitment.outcome_at = now
            _stop_waiting(commitment)
        elif answer == Answer.PARTLY:
            commitment.state = CommitmentState.PARTLY
            commitment.outcome_at = now
            # Before the due date "partly" is a progress report and the check-in still goes
            # out; once this round's check-in has gone (on time or by "Send now"), it answers it.
            if not before_due or commitment.checkin_went_out():
                _stop_waiting(commitment)
        elif answer == Answer.NOT_YET:
            assert new_due_on is not None
            _stop_waiting(commitment)
            commitment.state = CommitmentState.OPEN
            commitment.due_on = new_due_on
            commitment.followup_at = None
            commitment.round = F("round") + 1
        else:
            _stop_waiting(commitment)
            commitment.state = CommitmentState.OPEN
            commitment.needs_talk = True
            talk = Todo.written(
                TodoKind.BOOK_TALK, name=commitment.owner.user.name, text=commitment.text
            )
            Todo.objects.get_or_create(
                workspace=commitment.workspace,
                owner=commitment.plan.coach,
                kind=TodoKind.BOOK_TALK,
                commitment=commitment,
                done_at=None,
                defaults={
                    "text": talk.text,
                    "params": talk.params,
                    "due_on": timezone.localdate(now, commitment.plan.coach.user.profile.zone),
                },
            )
        commitment.updated_at = now
        commitment.save()
        commitment.refresh_from_db()
        if answer == Answer.NOT_YET and commitment.session.state == SessionState.FINISHED:
            _schedule_checkin(commitment, by)
        if share is not None and share != response.words_shared:
            # The rep's own choice, made where they wrote the comment.
            response.set_shared(share, commitment.owner.user)
        progress.count_answer(response)
        if confidence is not None:
            progress.rate_confidence(commitment.owner, confidence, response=response)
        if source != Source.COACH:
            _tell_coach(response, updated=not created)
            events.log(
                "commitment.answered",
                commitment.plan,
                response,
                by or commitment.owner.user,  # a signed link acts for the person it was made for
                answer=answer.value,
                numbers=events.figures(response.numbers),
                text=commitment.text,
            )
    return response


def _tell_coach(response: Response, *, updated: bool) -> None:
    coach = response.commitment.plan.coach.user
    followups.schedule(
        kind=Kind.NOTICE,
        template="answer_received",
        to_email=coach.email,
        recipient=coach,
        workspace=response.commitment.workspace,
        about=response,
        context={"updated": updated, "time_zone": coach.profile.time_zone},
    )


def record_outcome(
    commitment: Commitment,
    *,
    state: CommitmentState | str,
    note: str = "",
    numbers: Mapping[str, Decimal | int | float] | None = None,
    by: User,
) -> Commitment:
    """The coach writes down how it went (done, partly, missed), e.g. after a talk."""
    state = CommitmentState(state)
    if state not in CommitmentState.with_outcome():
        raise ActionRefused(_("An outcome is done, partly done or missed."))
    if commitment.state == CommitmentState.DROPPED:
        raise ActionRefused(_("This commitment was dropped."))
    with transaction.atomic():
        if state == CommitmentState.MISSED:
            _stop_waiting(commitment)
            commitment.state = CommitmentState.MISSED
            commitment.needs_talk = False
        else:
            record_response(
                commitment,
                answer=Answer.DONE if state == CommitmentState.DONE else Answer.PARTLY,
                numbers=numbers,
                comment=note,
                source=Source.COACH,
                by=by,
            )
            commitment.refresh_from_db()
            _stop_waiting(commitment)
        commitment.outcome = note
        commitment.outcome_at = timezone.now()
        commitment.updated_at = timezone.now()
        commitment.save()
        commitment.todos.filter(kind=TodoKind.BOOK_TALK, done_at=None).update(
            done_at=timezone.now()
        )
        events.log(
            "commitment.outcome",
            commitment.plan,
            commitment,
            by,
            state=state.value,
            text=commitment.text,
        )
    return commitment


def change_commitment(
    commitment: Commitment,
    *,
    text: str,
    due_on: dt.date,
    measures: Measures,
    followup_at: dt.datetime | None,
    by: User,
) -> Commitment:
    """A new text, measures or date; a new date or follow-up time moves the pending check-in,
    its reminder and the coach's to-do."""
    if commitment.state == CommitmentState.DROPPED:
        raise ActionRefused(_("This commitment was dropped."))
    with transaction.atomic():
        when_changed = due_on != commitment.due_on or followup_at != commitment.followup_at
        commitment.text, commitment.due_on, commitment.measures = text, due_on, measures
        commitment.followup_at = followup_at
        commitment.updated_at = timezone.now()
        commitment.save()
        pending = FollowUp.objects.about(commitment).filter(
            kind__in=WAITING_KINDS, state__in=CHANGEABLE
        )
        if when_changed and pending.exists():
            followups.cancel_about(commitment, WAITING_KINDS)
            commitment.todos.filter(kind=TodoKind.FOLLOW_UP, done_at=None).delete()
            _schedule_checkin(commitment, by)
        events.log("commitment.changed", commitment.plan, commitment, by, text=text)
    return commitment


def drop_commitment(commitment: Commitment, *, by: User) -> Commitment:
    """No longer wanted: every follow-up about it is cancelled, its to-dos closed."""
    if commitment.state == CommitmentState.DROPPED:
        raise ActionRefused(_("This commitment was already dropped."))
    with transaction.atomic():
        followups.cancel_about(commitment)
        commitment.todos.filter(done_at=None).update(done_at=timezone.now())
        commitment.state = CommitmentState.DROPPED
        commitment.open_loop_at = None
        commitment.needs_talk = False
        commitment.updated_at = timezone.now()
        commitment.save()
        events.log("commitment.dropped", commitment.plan, commitment, by, text=commitment.text)
    return commitment


# The rep's words and the coach's replies -------------------------------------------------------


def share_words(
    thing: SharedWords, *, plan: Plan, by: Membership, shared: bool, rep_agreed: bool = False
) -> SharedWords:
    """Shares the rep's words on `thing` with the stakeholders (or stops). The rep decides; a
    coach shares only with the rep's agreement, which they confirm and the page then shows."""
    if shared and by.pk != plan.rep_id and not rep_agreed:
        raise ActionRefused(
            _("Share only with %(name)s's agreement: tick the box that says they agreed.")
            % {"name": plan.rep.user.get_short_name()}
        )
    with transaction.atomic():
        thing.set_shared(shared, by.user)
        events.log(
            "words.shared" if shared else "words.unshared",
            plan,
            thing,
            by.user,
            what=type(thing)._meta.model_name,
        )
    return thing


def reply_to_answer(response: Response, *, author: Membership, text: str) -> Reply:
    """The coach's feedback on an answer: kept on the commitment's thread and emailed to the
    person who answered, in one transaction."""
    commitment = response.commitment
    if author.pk == commitment.owner_id:
        raise ActionRefused(_("This is your own answer."))
    with transaction.atomic():
        reply = Reply.objects.create(
            workspace=commitment.workspace,
            commitment=commitment,
            response=response,
            author=author,
            text=text,
        )
        to = commitment.owner.user
        followups.schedule(
            kind=Kind.NOTICE,
            template="answer_reply",
            to_email=to.email,
            recipient=to,
            workspace=commitment.workspace,
            about=reply,
            created_by=author.user,
            reply_to=author.user.email,
            context={"time_zone": to.profile.time_zone},
        )
        events.log("answer.replied", commitment.plan, reply, author.user, text=commitment.text)
    return reply


# To-dos ---------------------------------------------------------------------------------------


def add_todo(owner: Membership, *, text: str, due_on: dt.date | None = None) -> Todo:
    return Todo.objects.create(workspace=owner.workspace, owner=owner, text=text, due_on=due_on)


def tick_todo(todo: Todo, *, done: bool = True) -> Todo:
    todo.done_at = timezone.now() if done else None
    todo.save(update_fields=["done_at"])
    return todo
