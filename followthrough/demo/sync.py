"""Demo of the coach and the manager in sync (story 000): Morgan, Karen and Tom's private thread
on Bob over his five weeks, and Karen's review with Bob, coming on his next working day, whose
brief shows what Bob gained since week one.

"His manager is developing into an excellent coach. They don't have the time to give him what
he really needs. But, if there's ways you guys can stay in sync that'd be great." Then a review
with two weeks to go left Bob with "I've got two weeks left before I'm gone": nobody had put his
improvements in front of his manager. Here somebody does.

Told through the real actions on the demo's clock (clock.py), after the coaching loop and the
activity; added once (a Brightline whose thread on Bob has notes is left alone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.db import models, transaction
from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.models import Plan
from followthrough.demo import clock
from followthrough.demo.stories import BRIGHTLINE, DEMO_COACH_EMAIL
from followthrough.followups.models import FollowUp
from followthrough.lib import dates
from followthrough.sync import actions
from followthrough.sync.models import Note, NoteKind, Review

# (days after the plan's start, hour in the writer's zone, who, kind, text, for the manager,
# shared with Bob)
THREAD = [
    (
        1,
        16,
        DEMO_COACH_EMAIL,
        NoteKind.NOTE,
        "Kick-off done. Bob's why is strong (see the plan); his pipeline is too thin to make "
        "the number. The first two weeks are about backfilling it: 40 calls to the channel list.",
        True,
        False,
    ),
    (
        8,
        12,
        "karen@example.com",
        NoteKind.SEEING,
        "I'm seeing more calls from Bob this week, and he asked me about the channel partners "
        "list. He still rushes the demos.",
        False,
        False,
    ),
    (
        9,
        9,
        "tom@example.com",
        NoteKind.NOTE,
        "Thanks both. I want this to work. His Friday updates are short, but they come.",
        False,
        False,
    ),
    (
        17,
        15,
        DEMO_COACH_EMAIL,
        NoteKind.NOTE,
        "He did not ask you to join the Castle Dental call, Karen: he was afraid it would look "
        "as if he cannot close alone. If you offer before he asks, he will say yes.",
        True,
        False,
    ),
    (
        30,
        17,
        DEMO_COACH_EMAIL,
        NoteKind.NOTE,
        "Four weeks in: his calls have more than doubled, the Harlow renewal ($4,200) is his "
        "first real money, and his confidence went from 2 to 4. In the review, start with what "
        "he gained: he hears 'two weeks left' where you mean progress.",
        True,
        False,
    ),
    (
        30,
        17,
        DEMO_COACH_EMAIL,
        NoteKind.NOTE,
        "Bob: Karen, Tom and I all hear the difference on the phone. Bring your numbers and "
        "your three wins to the review.",
        False,
        True,
    ),
]


def seed() -> None:
    """Adds the thread and the review to Brightline's demo, once."""
    workspace = Workspace.objects.filter(slug=BRIGHTLINE[0]).first()
    if workspace is None:
        return
    people = {
        m.user.email: m
        for m in Membership.objects.filter(workspace=workspace).select_related("user__profile")
    }
    bob = people["bob@example.com"]
    plan = Plan.objects.filter(rep=bob).order_by("starts_on").first()
    if plan is None or Note.objects.filter(rep=bob).exists():
        return
    with transaction.atomic():
        now = timezone.now()
        for days, hour, email, kind, text, for_manager, shared in THREAD:
            writer = people[email]
            day = dates.weekday_on_or_after(plan.starts_on + dt.timedelta(days=days))
            at = min(_at(day, hour, writer), now - dt.timedelta(hours=2))
            with clock.at(at, workspace):
                actions.write_note(
                    bob,
                    author=writer,
                    text=text,
                    kind=kind,
                    for_manager=for_manager,
                    shared_with_rep=shared,
                )
        karen = people["karen@example.com"]
        today = timezone.localdate(now, bob.user.profile.zone)
        review_day = dates.weekday_on_or_after(today + dt.timedelta(days=1))
        booked = min(_at(today - dt.timedelta(days=2), 11, karen), now - dt.timedelta(hours=1))
        if not Review.objects.filter(rep=bob).exists():
            with clock.at(booked, workspace):
                actions.book_review(
                    bob,
                    manager=karen,
                    starts_at=_at(review_day, 14, bob),
                    location="Karen's office",
                )
        # What of this story fell due by now went out (the coaches' notices, the thread's
        # emails, and the brief if Karen's morning has come); the rest waits for the dispatcher.
        _deliver_until(now, workspace)


SYNC_KINDS = ["sync_notes", "review_notice", "review_brief"]


@dataclass
class SyncOutboxDispatcher(clock.OutboxDispatcher):
    """The demo's dispatcher for this story's follow-ups only: what else the workspace has
    waiting (Nina's invitation of today) is left to the dispatcher of `make run`."""

    def due(self, now: dt.datetime) -> models.QuerySet[FollowUp]:
        return super().due(now).filter(kind__in=SYNC_KINDS)


def _deliver_until(moment: dt.datetime, workspace: Workspace) -> None:
    """As clock.deliver_until, for this story's follow-ups."""
    dispatcher = SyncOutboxDispatcher(worker=clock.WORKER, workspace=workspace)
    while True:
        due = dispatcher.due(moment).values_list("send_at", flat=True).first()
        if due is None:
            return
        with time_machine.travel(due, tick=False):
            dispatcher.run(once=True)


def _at(day: dt.date, hour: int, member: Membership) -> dt.datetime:
    return dates.local_datetime(day, dt.time(hour), member.user.profile.zone).astimezone(dt.UTC)
