"""Harbor's managers coaching their own account reps (story 004): what the cohort's adoption
page reads. Before the workshop the managers managed the old way (a session now and then, a
step at most); since, Priya coaches Marco and Sam coaches Jess every week with a commitment or
two each time, and the reps answer their check-ins; Helen, skeptical, held one session with
Jess. Seeded once, through the real actions on the demo's clock, after the program's cohort.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.coaching import actions
from followthrough.coaching.models import Answer, Commitment, Plan, Source
from followthrough.demo import clock
from followthrough.lib import dates
from followthrough.programs.models import Cohort

# (manager, rep): days from the workshop of each session held, and the steps agreed in each.
OLD_WAY = [-25, -11]  # Priya before the workshop: a catch-up now and then
STEPS = {
    "marco@example.com": [
        "Call three accounts about the new furniture line",
        "Ask two happy clients for a referral",
        "Book a review with the school district before the end of the month",
    ],
    "jess@example.com": [
        "Follow up the two open quotes by phone",
        "Ask each client this week what else they buy elsewhere",
        "Send the healthcare catalogue to three clinics",
    ],
}
PAIRS = [
    # manager, rep, days from the workshop of the sessions held, steps a session
    ("priya@example.com", "marco@example.com", [*OLD_WAY, 3, 10, 17, 24, 31, 38, 45], 2),
    ("sam@example.com", "jess@example.com", [-18, 2, 9, 16, 30, 37, 44], 2),
    ("helen@example.com", "jess@example.com", [-30, 22], 1),
]


def seed(cohort: Cohort) -> None:
    """The managers' plans with their reps, their sessions and the reps' answers."""
    harbor = cohort.workspace
    if Plan.objects.filter(workspace=harbor, coach__enrollments__cohort=cohort).exists():
        return
    people = {
        m.user.email: m for m in harbor.memberships.select_related("user__profile", "workspace")
    }
    agreed: list[Commitment] = []
    for manager_email, rep_email, days, per_session in PAIRS:
        manager, rep = people[manager_email], people[rep_email]
        held = [cohort.starts_on + dt.timedelta(days=n) for n in days]
        held = [day for day in held if day < timezone.localdate() - dt.timedelta(days=1)]
        plan = _plan(manager, rep, held[0] - dt.timedelta(days=7), cohort)
        for number, day in enumerate(held):
            old_way = day < cohort.starts_on
            steps = 0 if old_way and number % 2 else (1 if old_way else per_session)
            agreed += _held(plan, day, STEPS[rep_email][:steps])
    _answer(agreed)
    clock.deliver_until(timezone.now(), harbor)  # what fell due on the way went out then


def _plan(manager: Membership, rep: Membership, starts_on: dt.date, cohort: Cohort) -> Plan:
    opened = dates.local_datetime(starts_on, dt.time(11), manager.user.profile.zone)
    with clock.at(opened.astimezone(dt.UTC), manager.workspace):
        return actions.create_plan(
            coach=manager,
            rep=rep,
            purpose="Grow the accounts: offer the whole range",
            starts_on=starts_on,
            deadline=cohort.starts_on + dt.timedelta(weeks=16),
            sessions_per_week=1,
        )


def _held(plan: Plan, day: dt.date, steps: list[str]) -> list[Commitment]:
    """A session on `day` (10:00 the manager's time, moved to a working day) and its steps."""
    coach = plan.coach
    working = coach.user.profile.working_time(coach.workspace)
    while not dates.is_working_day(day, working):
        day += dt.timedelta(days=1)
    starts = dates.local_datetime(day, dt.time(10), coach.user.profile.zone).astimezone(dt.UTC)
    with clock.at(starts - dt.timedelta(days=2), plan.workspace):
        session = actions.schedule_session(plan, starts, by=coach.user, location="Phone")
    due = dates.add_working_days(day, 4, working)
    with clock.at(session.ends_at, plan.workspace):
        agreed = [
            actions.add_commitment(session, owner=plan.rep, text=text, due_on=due, by=coach.user)
            for text in steps
        ]
        actions.finish_session(session, by=coach.user, nothing_agreed=not steps)
    return agreed


def _answer(agreed: list[Commitment]) -> None:
    """The reps answer their check-ins a few hours after they arrive, in time order."""
    now = timezone.now() - dt.timedelta(minutes=30)
    for commitment in agreed:
        commitment.refresh_from_db()
    waiting = [c for c in agreed if c.checkin_at is not None and c.checkin_at < now]
    for n, commitment in enumerate(sorted(waiting, key=lambda c: c.checkin_at or now)):
        at = min((commitment.checkin_at or now) + dt.timedelta(hours=3), now)
        answer = Answer.PARTLY if n % 4 == 3 else Answer.DONE
        with clock.at(at, commitment.workspace):
            actions.record_response(commitment, answer=answer, source=Source.LINK)
