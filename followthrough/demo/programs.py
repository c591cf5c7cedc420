"""Harbor Office Supply's "Manager as Sales Coach" program (story 004), told by the real
actions on the demo's clock.

Morgan Reyes facilitates; Rachel Adler, who bought the program, sponsors it; Priya, Sam and
Helen are the managers. The workshop was held seven weeks ago and three of the six calls since:
attendance, a debrief for the cohort after each, a private note, and each present manager's
commitments on their own plan (Priya and Sam answer theirs; Helen, skeptical, misses a call and
leaves a check-in unanswered). Three calls are still to come, their invitations sent.

Idempotent: a second run finds the program and returns its cohort.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Answer, Commitment, Source
from followthrough.demo import clock
from followthrough.lib import dates
from followthrough.programs import actions
from followthrough.programs.models import Attendance, Cohort, ProgramSession

NAME = "Manager as Sales Coach"
GOAL = (
    "Coach your account reps with the new model: ask before telling, agree one measurable "
    "step, follow up."
)
COHORT = "Harbor managers, autumn"
CALLS_DONE = 3


@dataclass(frozen=True)
class Call:
    """What a call agreed: the debrief, each manager's steps (None: absent) and one private
    note (email, text)."""

    debrief: str
    steps: dict[str, list[str] | None]
    note: tuple[str, str]


CALLS = [
    Call(
        "We walked through the coaching model and its tools, and practised opening a session by "
        "reviewing last time's commitments. Homework: one coaching conversation a week with "
        "each of your reps.",
        {
            "priya@example.com": ["Run two coaching sessions with Marco using the new model"],
            "sam@example.com": ["Run two coaching sessions with Jess using the new model"],
            "helen@example.com": ["Try the model once with Jess"],
        },
        ("helen@example.com", "Helen doubts the model fits her reps; she agreed to try it once."),
    ),
    Call(
        "Listening: we counted who talked more in your real sessions. Most of you talked 70% "
        "of the time. Next: ask three questions before giving any advice.",
        {
            "priya@example.com": ["Ask three questions before advising in each session"],
            "sam@example.com": ["Let Jess speak first in both sessions this fortnight"],
            "helen@example.com": None,
        },
        ("sam@example.com", "Sam interrupts when he is sure of the answer; name it kindly."),
    ),
    Call(
        "Asking before telling, with two role-plays. Everyone noticed the rep commits more "
        "when the step is theirs. Bring one real session to debrief next call.",
        {
            "priya@example.com": ["Agree one measurable step with a date in every session"],
            "sam@example.com": ["Follow up each of Jess's steps on the agreed day"],
            "helen@example.com": ["Hold one coaching session with Jess before the next call"],
        },
        ("priya@example.com", "Priya is ready to demo a real session to the cohort."),
    ),
]
MANAGERS = ["priya@example.com", "sam@example.com", "helen@example.com"]


def seed(harbor: Workspace) -> Cohort:
    """The program and its cohort, seeded once; returns the cohort."""
    found = Cohort.objects.filter(workspace=harbor, program__name=NAME).first()
    if found is not None:
        return found
    people = {
        m.user.email: m for m in harbor.memberships.select_related("user__profile", "workspace")
    }
    morgan = people["morgan@example.com"]
    workshop_day = _workshop_day(morgan)
    before = dates.local_datetime(
        workshop_day - dt.timedelta(days=10), dt.time(10), morgan.user.profile.zone
    )
    with clock.at(before.astimezone(dt.UTC), harbor):
        program = actions.create_program(
            harbor,
            by=morgan.user,
            name=NAME,
            goal=GOAL,
            sponsors=[people["rachel@example.com"]],
        )
        cohort = actions.create_cohort(
            program,
            by=morgan.user,
            name=COHORT,
            facilitator=morgan,
            starts_on=workshop_day,
            location="Harbor HQ, room 2 / phone bridge",
        )
        for email in MANAGERS:
            actions.enroll(cohort, people[email], by=morgan.user)
    _hold(cohort, 0, people, _workshop_said(cohort, people))
    agreed: list[list[Commitment]] = []
    for number in range(1, CALLS_DONE + 1):
        agreed.append(_hold(cohort, number, people, _call_said(cohort, people, number)))
    _answers(agreed)
    clock.deliver_until(timezone.now(), harbor)
    return cohort


def _workshop_day(morgan: Membership) -> dt.date:
    """About seven weeks ago, on a working day of Morgan's."""
    day = timezone.localdate(timezone.now(), morgan.user.profile.zone) - dt.timedelta(weeks=7)
    working = morgan.user.profile.working_time(morgan.workspace)
    while not dates.is_working_day(day, working):
        day -= dt.timedelta(days=1)
    return day


def _workshop_said(
    cohort: Cohort, people: dict[str, Membership]
) -> tuple[str, dict[int, actions.Present]]:
    said = {
        e.pk: actions.Present(present=True) for e in cohort.enrollments.select_related("manager")
    }
    return (
        "A full day on the coaching model: why coaching beats telling, the session plan, "
        "commitments with a date, and follow-up. Everyone scored the same recorded role-play.",
        said,
    )


def _call_said(
    cohort: Cohort, people: dict[str, Membership], number: int
) -> tuple[str, dict[int, actions.Present]]:
    call = CALLS[number - 1]
    session = cohort.sessions.get(number=number)
    due = dates.weekday_on_or_after(
        (session.starts_at + dt.timedelta(weeks=cohort.program.weeks_between, days=-2)).date()
    )
    note_for, note = call.note
    said = {}
    for email in MANAGERS:
        enrollment = cohort.enrollments.get(manager=people[email])
        steps = call.steps[email]
        said[enrollment.pk] = actions.Present(
            present=steps is not None,
            private_note=note if email == note_for else "",
            commitments=[(text, due) for text in steps or []],
        )
    return call.debrief, said


def _hold(
    cohort: Cohort,
    number: int,
    people: dict[str, Membership],
    what: tuple[str, dict[int, actions.Present]],
) -> list[Commitment]:
    session: ProgramSession = cohort.sessions.get(number=number)
    debrief, said = what
    with clock.at(session.ends_at, cohort.workspace):
        actions.record_held(session, by=cohort.facilitator.user, debrief=debrief, managers=said)
    calls = Attendance.objects.filter(session=session).exclude(coaching_session=None)
    return list(Commitment.objects.filter(session__in=calls.values("coaching_session")))


def _answers(agreed: list[list[Commitment]]) -> None:
    """Priya and Sam answer their check-ins; Helen answers the first and then goes quiet."""
    now = timezone.now() - dt.timedelta(minutes=30)
    for round_number, commitments in enumerate(agreed):
        for commitment in commitments:
            commitment.refresh_from_db()
            email = commitment.owner.user.email
            if commitment.checkin_at is None or commitment.checkin_at > now:
                continue  # its check-in is still to come
            if email == "helen@example.com" and round_number > 0:
                continue  # an open loop
            answer = Answer.PARTLY if email == "helen@example.com" else Answer.DONE
            at = min(commitment.checkin_at + dt.timedelta(hours=3), now)
            with clock.at(at, commitment.workspace):
                coaching.record_response(
                    commitment,
                    answer=answer,
                    comment=_COMMENTS[email],
                    source=Source.LINK,
                )


_COMMENTS = {
    "priya@example.com": "Done: Marco set his own target this time.",
    "sam@example.com": "Done, and Jess talked more than I did.",
    "helen@example.com": "Once, briefly. Not sure it changes much.",
}
