"""Bob's weekly updates at Brightline (story 000: "He gives us a weekly status update").

Each week of his plan so far, the real planner asks him on Friday at 15:00 in New York, the real
dispatcher sends the ask into the outbox, and Bob answers from the link an hour and a half
later, through the real action; in week two he forgets, the Monday reminder goes out, and he
answers after it. He shares his updates with Tom, the VP, except the one where he asks for help
with the review. This week's ask, if Friday has not come yet, stays scheduled for the dispatcher
of `make run`. The figures on each update are the week's own, read from what the other stories
logged (followthrough.weeks); his confidence is the weekly rating of the activity story
(activity.py), so the updates leave the question unanswered rather than rate twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.models import Plan
from followthrough.demo import clock
from followthrough.updates import actions
from followthrough.updates.models import AskSetting, UpdateAsk, WeeklyUpdate
from followthrough.weeks.figures import week_of


@dataclass(frozen=True)
class Said:
    wins: str
    next_steps: str
    help_needed: str = ""
    shared: bool = True
    after_reminder: bool = False


BOB_WRITES = [
    Said(
        "Kickoff with Morgan. Rebuilt my call list: 40 past prospects worth a second try.",
        "Eight calls a day; book two first meetings.",
        "How to open a call with someone who said no last year.",
    ),
    Said(
        "Booked my first two meetings from the old list.",
        "Send the Hartwell proposal; keep up eight calls a day.",
        "Pricing: I freeze when they ask for a discount.",
        after_reminder=True,
    ),
    Said(
        "Hartwell proposal is out. Calls up to eleven a day, and twice the conversations.",
        "Follow up Hartwell on Thursday; add five new opportunities to the pipeline.",
    ),
    Said(
        "Won Hartwell. Three proposals out at once, a first for me.",
        "Close Pinecrest; two discovery calls booked.",
        "Karen's review is coming: I want her to see the numbers, not only the gap.",
        shared=False,
    ),
    Said(
        "Best week of calls since I started; Pinecrest asked for the contract.",
        "Sign Pinecrest; keep the pipeline at ten open deals.",
    ),
]


def seed(workspace: Workspace) -> None:
    """Bob's updates, once (nothing if the workspace has updates already)."""
    if WeeklyUpdate.objects.filter(workspace=workspace).exists():
        return
    plan = (
        Plan.objects.filter(workspace=workspace, rep__user__email="bob@example.com")
        .select_related("rep__user__profile", "workspace")
        .first()
    )
    if plan is None:
        return
    bob = plan.rep
    zone = bob.user.profile.zone
    setting = AskSetting.of(bob)
    week = week_of(plan.starts_on)
    said = iter(BOB_WRITES)
    while (asked_at := setting.moment(week, zone)) < timezone.now():
        words = next(said, None)
        if words is None:
            break
        with clock.at(asked_at - dt.timedelta(hours=1), workspace):
            actions.plan_asks(reps=actions.eligible_reps(workspace).filter(pk=bob.pk))
        ask = UpdateAsk.objects.filter(rep=bob, week=week).first()
        if ask is not None and ask.reminder is not None:
            answer_at = asked_at + dt.timedelta(minutes=90)
            if words.after_reminder:
                answer_at = ask.reminder.send_at + dt.timedelta(minutes=50)
            if answer_at < timezone.now():
                _answer(bob, week, words, answer_at)
        week += dt.timedelta(weeks=1)
    # This week's ask, when Friday is still to come: the dispatcher of `make run` sends it.
    actions.plan_asks(reps=actions.eligible_reps(workspace).filter(pk=bob.pk))


def _answer(bob: Membership, week: dt.date, words: Said, at: dt.datetime) -> None:
    with clock.at(at, bob.workspace):
        actions.write_update(
            bob,
            week,
            wins=words.wins,
            next_steps=words.next_steps,
            help_needed=words.help_needed,
            share=words.shared,
            by=bob.user,
        )
