"""What the cohort and session pages show, read in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching.models import Commitment
from followthrough.programs.forms import EnrollForm, HeldForm, MoveForm
from followthrough.programs.models import Attendance, Cohort, ProgramSession


def cohort_page(member: Membership, cohort: Cohort, **extra: Any) -> dict[str, Any]:
    can_run = permissions.can_run_cohort(member, cohort)
    return {
        "cohort": cohort,
        "program": cohort.program,
        "sessions": cohort.sessions.all(),
        "enrollments": cohort.enrollments.select_related("manager__user"),
        "can_run": can_run,
        "enroll_form": extra.pop("enroll_form", None)
        or (EnrollForm(cohort=cohort) if can_run else None),
        "now": timezone.now(),
        **extra,
    }


def session_page(member: Membership, session: ProgramSession, **extra: Any) -> dict[str, Any]:
    """The session with its attendance: each manager's private note and commitments only for
    those who may read them (permissions), never in the page for anyone else."""
    cohort = session.cohort
    attendances = (
        Attendance.objects.filter(session=session)
        .select_related("enrollment__manager__user", "coaching_session")
        .prefetch_related(
            Prefetch(
                "coaching_session__commitments",
                queryset=Commitment.objects.select_related("workspace").order_by("due_on", "id"),
            )
        )
    )
    rows = []
    for attendance in attendances:
        attendance.session = session
        rows.append(
            {
                "attendance": attendance,
                "manager": attendance.enrollment.manager,
                "note": attendance.private_note
                if permissions.can_read_private_note(member, attendance)
                else None,
                "commitments": list(attendance.coaching_session.commitments.all())
                if attendance.coaching_session
                and permissions.can_see_attendance_commitments(member, attendance)
                else None,
            }
        )
    can_run = permissions.can_run_cohort(member, cohort)
    scheduled = session.is_scheduled
    local = timezone.localtime(session.starts_at)
    return {
        "session": session,
        "cohort": cohort,
        "program": cohort.program,
        "rows": rows,
        "can_run": can_run,
        "move_form": extra.pop("move_form", None)
        or (
            MoveForm(
                initial={
                    "starts_at": local,
                    "duration_minutes": session.duration_minutes,
                    "location": session.location,
                }
            )
            if can_run and scheduled
            else None
        ),
        "held_form": extra.pop("held_form", None)
        or (HeldForm(session=session) if can_run and scheduled and session.has_started else None),
        **extra,
    }
