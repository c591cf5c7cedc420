"""The program verbs: a program, its cohorts and their sessions. Each runs in one transaction
with its Event; the invitations it causes are written in that same transaction.

A manager is coached through the same loop as a rep: enrolling makes the facilitator their
coach and opens their plan, and the commitments of each call are a finished coaching session
on that plan (coaching.actions), so check-ins, reminders and open loops work as for anyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followthrough.accounts.models import CoachingRelationship, Membership, User, Workspace
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Session as CoachingSession
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from followthrough.lib import dates
from followthrough.lib.errors import ActionRefused
from followthrough.programs import events
from followthrough.programs.models import (
    PHONE_MINUTES,
    WORKSHOP_MINUTES,
    Attendance,
    Cohort,
    Enrollment,
    Program,
    ProgramSession,
    ProgramSessionKind,
    ProgramSessionState,
)

WORKSHOP_STARTS = dt.time(9, 0)
# A plan runs a little past the last call: its commitments are checked after it.
PLAN_TAIL = dt.timedelta(weeks=2)


# Programs -------------------------------------------------------------------------------------


def create_program(
    workspace: Workspace,
    *,
    by: User,
    name: str,
    goal: str = "",
    phone_sessions: int = 6,
    weeks_between: int = 2,
    topics: list[str] | None = None,
    sponsors: Iterable[Membership] = (),
) -> Program:
    """A program; with no topics, the default ones in the workspace's language."""
    if topics is None:
        topics = Program.default_topics(workspace.language, phone_sessions)
    with transaction.atomic():
        program = Program.objects.create(
            workspace=workspace,
            name=name,
            goal=goal,
            phone_sessions=phone_sessions,
            weeks_between=weeks_between,
            topics=topics,
            created_by=by,
        )
        program.sponsors.set(_sponsors(workspace, sponsors))
        events.log("program.created", workspace, program, by, name=name)
    return program


def change_program(
    program: Program,
    *,
    by: User,
    name: str,
    goal: str,
    topics: list[str],
    sponsors: Iterable[Membership],
) -> Program:
    """New words and sponsors; the sessions of running cohorts keep their times."""
    with transaction.atomic():
        program.name, program.goal, program.topics = name, goal, topics
        program.save(update_fields=["name", "goal", "topics"])
        program.sponsors.set(_sponsors(program.workspace, sponsors))
        events.log("program.changed", program.workspace, program, by, name=name)
    return program


def _sponsors(workspace: Workspace, sponsors: Iterable[Membership]) -> list[Membership]:
    chosen = list(sponsors)
    if any(m.workspace_id != workspace.pk or m.is_rep for m in chosen):
        raise ActionRefused(_("Sponsors are stakeholders or admins of this workspace."))
    return chosen


# Cohorts --------------------------------------------------------------------------------------


def session_times(
    program: Program, facilitator: Membership, starts_on: dt.date
) -> list[tuple[int, dt.datetime]]:
    """(number, start) of each session: the workshop at 09:00 the facilitator's time on its
    day, then a call every `weeks_between` weeks on the same weekday at the same wall time
    (across a daylight-saving change too), moved to the next working day when it is not one."""
    profile = facilitator.user.profile
    zone, working = profile.zone, profile.working_time(program.workspace)
    found = []
    for number in range(program.phone_sessions + 1):
        day = starts_on + dt.timedelta(weeks=program.weeks_between * number)
        if number and not dates.is_working_day(day, working):
            day = dates.next_working_day(day, working)
        found.append((number, dt.datetime.combine(day, WORKSHOP_STARTS, tzinfo=zone)))
    return found


def _check_facilitator(program: Program, facilitator: Membership) -> None:
    if (
        facilitator.workspace_id != program.workspace_id
        or not facilitator.is_coach
        or not facilitator.is_active
    ):
        raise ActionRefused(
            _("%(name)s cannot facilitate: choose a coach or an admin of this workspace.")
            % {"name": facilitator.user.name}
        )


def create_cohort(
    program: Program,
    *,
    by: User,
    name: str,
    facilitator: Membership,
    starts_on: dt.date,
    location: str = "",
) -> Cohort:
    """A cohort and its sessions; the facilitator is invited to those still to come (each
    manager is when enrolled). Sessions already past are the record of a program under way."""
    _check_facilitator(program, facilitator)
    if not dates.is_working_day(
        starts_on, facilitator.user.profile.working_time(program.workspace)
    ):
        raise ActionRefused(_("The workshop day is not a working day for the facilitator."))
    now = timezone.now()
    with transaction.atomic():
        cohort = Cohort.objects.create(
            workspace=program.workspace,
            program=program,
            name=name,
            facilitator=facilitator,
            starts_on=starts_on,
        )
        for number, starts_at in session_times(program, facilitator, starts_on):
            session = ProgramSession.objects.create(
                workspace=program.workspace,
                cohort=cohort,
                number=number,
                kind=ProgramSessionKind.PHONE if number else ProgramSessionKind.WORKSHOP,
                topic=program.topic_of(number)[:200],
                starts_at=starts_at,
                duration_minutes=PHONE_MINUTES if number else WORKSHOP_MINUTES,
                location=location,
                invited=starts_at > now,
            )
            if session.invited:
                _send_calendar(session, "REQUEST", by, [facilitator])
        events.log("cohort.created", program.workspace, cohort, by, name=name, program=program.name)
    return cohort


def enroll(cohort: Cohort, manager: Membership, *, by: User) -> Enrollment:
    """A manager joins the cohort: the facilitator becomes their coach, their plan opens with
    the program's goal as its purpose, and the invitations of the sessions to come go out."""
    program = cohort.program
    if manager.workspace_id != cohort.workspace_id or not manager.is_active:
        raise ActionRefused(_("Only active members of this workspace can be enrolled."))
    if not manager.is_coach:
        raise ActionRefused(
            _("%(name)s is not a manager: enroll coaches and admins.") % {"name": manager.user.name}
        )
    if manager.pk == cohort.facilitator_id:
        raise ActionRefused(_("The facilitator cannot be enrolled in their own cohort."))
    if cohort.closed_at is not None:
        raise ActionRefused(_("This cohort is closed."))
    already = Enrollment.objects.filter(program=program, manager=manager).first()
    if already is not None:
        raise ActionRefused(_already_enrolled(manager, already))
    facilitator = cohort.facilitator
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                workspace=cohort.workspace, program=program, cohort=cohort, manager=manager
            )
            CoachingRelationship.objects.get_or_create(
                workspace=cohort.workspace, coach=facilitator, rep=manager
            )
            last = cohort.sessions.order_by("-number").values_list("starts_at", flat=True).first()
            enrollment.plan = coaching.create_plan(
                coach=facilitator,
                rep=manager,
                purpose=(program.goal or program.name)[:200],
                starts_on=timezone.localdate(),
                deadline=((last or timezone.now()) + PLAN_TAIL).date(),
            )
            enrollment.save(update_fields=["plan"])
            for session in cohort.sessions.filter(
                state=ProgramSessionState.SCHEDULED, starts_at__gt=timezone.now()
            ):
                session.invited = True
                session.save(update_fields=["invited"])
                _send_calendar(session, "REQUEST", by, [manager])
            events.log(
                "cohort.enrolled",
                cohort.workspace,
                enrollment,
                by,
                manager=manager.user.name,
                cohort=str(cohort),
            )
    except IntegrityError:  # the same manager enrolled twice at once: one wins
        raise ActionRefused(_already_enrolled(manager, None)) from None
    return enrollment


def _already_enrolled(manager: Membership, enrollment: Enrollment | None) -> str:
    if enrollment is None:
        return _("%(name)s is already enrolled in this program.") % {"name": manager.user.name}
    return _("%(name)s is already enrolled in this program (cohort “%(cohort)s”).") % {
        "name": manager.user.name,
        "cohort": enrollment.cohort.name,
    }


def leave(enrollment: Enrollment, *, by: User) -> Enrollment:
    """The manager leaves the cohort: their calendar loses the sessions to come; attendance,
    notes and their plan stay."""
    if enrollment.left_at is not None:
        raise ActionRefused(_("This manager already left the cohort."))
    with transaction.atomic():
        enrollment.left_at = timezone.now()
        enrollment.save(update_fields=["left_at"])
        for session in enrollment.cohort.sessions.filter(
            state=ProgramSessionState.SCHEDULED, invited=True, starts_at__gt=timezone.now()
        ):
            _send_calendar(session, "CANCEL", by, [enrollment.manager])
        events.log(
            "cohort.left",
            enrollment.workspace,
            enrollment,
            by,
            manager=enrollment.manager.user.name,
            cohort=str(enrollment.cohort),
        )
    return enrollment


# Sessions -------------------------------------------------------------------------------------


def move_session(
    session: ProgramSession,
    starts_at: dt.datetime,
    *,
    by: User,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> ProgramSession:
    """A new time: the cohort's calendars get an update with the same UID, SEQUENCE + 1."""
    if not session.is_scheduled:
        raise ActionRefused(_("Only a scheduled session can be moved."))
    if starts_at <= timezone.now():
        raise ActionRefused(_("That is in the past. Pick a time to come."))
    with transaction.atomic():
        session.starts_at = starts_at
        if duration_minutes is not None:
            session.duration_minutes = duration_minutes
        if location is not None:
            session.location = location
        if session.invited:
            session.sequence += 1
        session.invited = True
        session.save()
        followups.cancel_about(session, [Kind.PROGRAM_INVITATION])
        _send_calendar(session, "REQUEST", by)
        _log_session("program_session.moved", session, by)
    return session


def cancel_session(session: ProgramSession, *, by: User) -> ProgramSession:
    if not session.is_scheduled:
        raise ActionRefused(_("Only a scheduled session can be cancelled."))
    with transaction.atomic():
        session.state = ProgramSessionState.CANCELLED
        session.cancelled_at = timezone.now()
        if session.invited:
            session.sequence += 1
        session.save()
        if session.invited:
            followups.cancel_about(session, [Kind.PROGRAM_INVITATION])
            _send_calendar(session, "CANCEL", by)
        _log_session("program_session.cancelled", session, by)
    return session


def _log_session(verb: str, session: ProgramSession, by: User, **data: object) -> None:
    events.log(
        verb,
        session.workspace,
        session,
        by,
        title=session.title(),
        cohort=str(session.cohort),
        starts=session.starts_at.isoformat(),
        **data,
    )


def _send_calendar(
    session: ProgramSession, method: str, by: User, to: Iterable[Membership] | None = None
) -> None:
    """One invitation (or update, or cancellation) to each of `to`, by default the whole
    cohort, each in their own zone and language."""
    reply_to = session.cohort.facilitator.user.email
    for member in session.attendees() if to is None else to:
        person = member.user
        followups.schedule(
            kind=Kind.PROGRAM_INVITATION,
            template="program_invitation",
            to_email=person.email,
            recipient=person,
            workspace=session.workspace,
            about=session,
            created_by=by,
            reply_to=reply_to,
            context={
                "calendar_method": method,
                "calendar_sequence": session.sequence,
                "time_zone": person.profile.time_zone,
            },
        )


@dataclass
class Present:
    """What the facilitator records for one manager at one session."""

    present: bool | None = None
    private_note: str = ""
    # (what, by when): agreed on the call, followed up like any commitment.
    commitments: list[tuple[str, dt.date]] = field(default_factory=list)


def record_held(
    session: ProgramSession,
    *,
    by: User,
    debrief: str,
    managers: Mapping[int, Present],
) -> ProgramSession:
    """The session took place: attendance, the cohort's debrief and a private note per manager
    (keyed by enrollment id). Each present manager's commitments are agreed in a coaching
    session on their own plan, finished at once, so their check-ins are scheduled."""
    if not session.is_scheduled:
        raise ActionRefused(_("Only a scheduled session can be recorded as held."))
    if not session.has_started:
        raise ActionRefused(_("This session has not started yet."))
    enrollments = {e.pk: e for e in session.cohort.active_enrollments().select_related("plan")}
    if unknown := set(managers) - set(enrollments):
        raise ActionRefused(
            _("Some of these managers are not in the cohort: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in sorted(unknown))}
        )
    with transaction.atomic():
        # One conditional UPDATE: a second click (or a stale page) finds it held already.
        won = ProgramSession.objects.filter(
            pk=session.pk, state=ProgramSessionState.SCHEDULED
        ).update(state=ProgramSessionState.HELD, held_at=timezone.now(), debrief=debrief)
        if not won:
            raise ActionRefused(_("Only a scheduled session can be recorded as held."))
        session.refresh_from_db()
        for enrollment in enrollments.values():
            said = managers.get(enrollment.pk, Present())
            attendance, _created = Attendance.objects.update_or_create(
                session=session,
                enrollment=enrollment,
                defaults={
                    "workspace": session.workspace,
                    "present": said.present,
                    "private_note": said.private_note,
                },
            )
            if said.present and said.commitments:
                attendance.coaching_session = _agree(session, enrollment, said, by)
                attendance.save(update_fields=["coaching_session"])
        present = sum(1 for said in managers.values() if said.present)
        _log_session("program_session.held", session, by, present=present)
    return session


def _agree(
    session: ProgramSession, enrollment: Enrollment, said: Present, by: User
) -> CoachingSession:
    plan = enrollment.plan
    if plan is None:
        raise ActionRefused(
            _("%(name)s has no plan to hold commitments.") % {"name": enrollment.manager.user.name}
        )
    today = timezone.localdate(timezone.now(), enrollment.manager.user.profile.zone)
    if any(due_on < today for _text, due_on in said.commitments):
        raise ActionRefused(_("A commitment's date cannot be in the past."))
    call = coaching.schedule_session(
        plan, session.starts_at, by=by, duration_minutes=session.duration_minutes
    )
    for text, due_on in said.commitments:
        coaching.add_commitment(call, owner=enrollment.manager, text=text, due_on=due_on, by=by)
    coaching.finish_session(call, by=by)
    return call
