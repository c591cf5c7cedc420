"""The stored weekly summaries (followthrough.weeks.store) against the source rows: after any
sequence of actions, committed one by one as the pages commit them, each stored week equals
what figures.compute finds in the rows, and `followthrough rebuild_weeks` stores the same."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Membership, Profile, Role, Workspace
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Answer, Commitment, CommitmentState, Session
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import actions as metrics
from followthrough.metrics import imports
from followthrough.metrics.models import Metric
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from followthrough.weeks import figures, store
from followthrough.weeks.figures import Facts
from followthrough.weeks.models import WeekMetric, WeekSummary
from tests.conftest import make_member

START = dt.datetime(2026, 10, 5, 14, 0, tzinfo=dt.UTC)  # a Monday; Europe changes its clocks
ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Europe/Madrid", "Pacific/Kiritimati"]


def stored_against_rows(reps: list[Membership]) -> tuple[int, dict[Any, Any]]:
    """How many weeks are stored, and those that differ from the rows (should be none)."""
    reps = list(
        Membership.objects.filter(pk__in=[r.pk for r in reps]).select_related("user__profile")
    )
    weeks = WeekSummary.objects.filter(rep__in=reps).values_list("week", flat=True)
    if not weeks:
        return 0, {}
    first, last = min(weeks), max(weeks)
    kept = store.stored(reps, first, last)
    rows = figures.compute(reps, first, last)
    return len(kept), {k: (v, rows[k]) for k, v in kept.items() if v != rows[k]}


class Story:
    """A workspace with three reps in different zones, and random things happening to them."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.workspace = Workspace.objects.create(name=f"Story {seed}", slug=f"story-{seed}")
        self.coach = make_member(self.workspace, f"coach-{seed}", Role.COACH)
        self.reps = [make_member(self.workspace, f"rep-{seed}-{i}", Role.REP) for i in range(3)]
        self.sessions: dict[int, Session] = {}
        self.done: list[str] = []  # what happened, for a failure's message
        self.clock: Any = None  # the time machine
        for rep in self.reps:
            accounts.set_relationships(rep, [self.coach], [])
            self.zone(rep)
            plan = coaching.create_plan(
                coach=self.coach,
                rep=rep,
                purpose="Keep the job",
                starts_on=START.date(),
                deadline=START.date() + dt.timedelta(days=90),
            )
            self.sessions[rep.pk] = coaching.schedule_session(
                plan, START + dt.timedelta(days=1), by=self.coach.user
            )
        self.metrics = list(Metric.of(self.workspace))

    def zone(self, rep: Membership) -> None:
        profile = Profile.objects.get(user=rep.user)
        profile.time_zone = self.random.choice(ZONES)
        profile.save()  # as the profile page saves it
        rep.user.profile = profile

    def now(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.now()

    def step(self) -> None:
        rep = self.random.choice(self.reps)
        rep = Membership.objects.select_related("user__profile").get(pk=rep.pk)
        action = self.random.choice(ACTIONS)
        self.done.append(f"{action.__name__} {rep.pk} at {self.now()}")
        with contextlib.suppress(ActionRefused):  # a refusal changes nothing
            action(self, rep)

    def commitment(self, rep: Membership) -> Commitment | None:
        found = list(Commitment.objects.filter(owner=rep).exclude(state=CommitmentState.DROPPED))
        return self.random.choice(found) if found else None

    def day(self, rep: Membership, back: int = 20) -> dt.date:
        from django.utils import timezone

        today = timezone.localdate(self.now(), rep.user.profile.zone)
        return today - dt.timedelta(days=self.random.randint(0, back))


def log(story: Story, rep: Membership) -> None:
    values = {
        metric: (None if story.random.random() < 0.2 else Decimal(story.random.randint(0, 9)))
        for metric in story.random.sample(story.metrics, 3)
    }
    metrics.log_day(rep, story.day(rep), values, by=rep.user)


def agree(story: Story, rep: Membership) -> None:
    session = story.sessions[rep.pk]
    coaching.add_commitment(
        session,
        owner=rep,
        text="Call ten past clients",
        due_on=story.day(rep, back=10) + dt.timedelta(days=story.random.randint(0, 14)),
        measures=[{"name": "calls", "target": 10}],
        by=story.coach.user,
    )


def finish(story: Story, rep: Membership) -> None:
    session = story.sessions[rep.pk]
    session.refresh_from_db()
    following = coaching.finish_session(
        session,
        by=story.coach.user,
        next_starts_at=story.now() + dt.timedelta(days=7),
        nothing_agreed=True,
        held_now=True,
    )
    assert following is not None
    story.sessions[rep.pk] = following


def answer(story: Story, rep: Membership) -> None:
    commitment = story.commitment(rep)
    if commitment is None:
        return
    given = story.random.choice(list(Answer))
    coaching.record_response(
        commitment,
        answer=given,
        numbers={"calls": story.random.randint(1, 5)},
        new_due_on=story.day(rep) + dt.timedelta(days=9) if given == Answer.NOT_YET else None,
        confidence=story.random.choice([None, 2, 4]),
    )


def outcome(story: Story, rep: Membership) -> None:
    commitment = story.commitment(rep)
    if commitment is not None:
        state = story.random.choice(CommitmentState.with_outcome())
        coaching.record_outcome(commitment, state=state, by=story.coach.user)


def drop(story: Story, rep: Membership) -> None:
    commitment = story.commitment(rep)
    if commitment is not None:
        coaching.drop_commitment(commitment, by=story.coach.user)


def rate(story: Story, rep: Membership) -> None:
    metrics.rate_confidence(rep, story.random.randint(1, 5))


def opportunity(story: Story, rep: Membership) -> None:
    found = list(Opportunity.objects.filter(owner=rep))
    choice = story.random.random()
    if not found or choice < 0.3:
        pipeline.create_opportunity(
            rep,
            by=rep.user,
            account="Northwind",
            value=Decimal(story.random.randint(1, 50) * 100),
            stage=story.random.choice(Stage.values),
        )
    elif choice < 0.8:
        pipeline.move_opportunity(
            story.random.choice(found), story.random.choice(Stage.values), by=rep.user
        )
    else:
        pipeline.update_opportunity(
            story.random.choice(found), by=rep.user, value=Decimal(story.random.randint(1, 9000))
        )


def upload(story: Story, rep: Membership) -> None:
    lines = ["email,date,metric,value"]
    for _ in range(story.random.randint(1, 6)):
        day = story.day(rep, back=60)
        metric = story.random.choice(story.metrics)
        lines.append(f"{rep.user.email},{day},{metric.name},{story.random.randint(0, 20)}")
    data = "\n".join(lines).encode()
    admin = Membership.objects.filter(workspace=story.workspace, role=Role.COACH).first()
    assert admin is not None
    run = imports.check_all(imports.start(admin, "numbers.csv", imports.read(data, admin)))
    imports.confirm(run, admin.user)


def move_zone(story: Story, rep: Membership) -> None:
    story.zone(rep)


def wait(story: Story, rep: Membership) -> None:
    story.clock.shift(dt.timedelta(hours=story.random.randint(1, 60)))


def read(story: Story, rep: Membership) -> None:
    """Someone reads a week (stores it if it was not)."""
    week = figures.week_of(story.day(rep, back=30))
    assert figures.for_rep(rep, week) == figures.live([rep], week)[rep.pk]


ACTIONS = [log, log, agree, agree, finish, answer, answer, outcome, drop, rate, opportunity]
ACTIONS += [opportunity, upload, move_zone, wait, wait, wait, read, read]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", [1, 2])
def test_stored_weeks_always_equal_the_rows(seed: int, settings: Any) -> None:
    """Each action commits on its own (a transactional test), so the receivers' recomputing
    after commit is what runs; after every step the stored weeks equal the rows."""
    with time_machine.travel(START, tick=False) as clock:
        story = Story(seed)
        story.clock = clock
        checked = 0
        for _ in range(50):
            story.step()
            count, wrong = stored_against_rows(story.reps)
            assert not wrong, (wrong, story.done)
            checked = max(checked, count)
        assert checked > 10  # the story stored weeks to compare
        before = {
            key: facts
            for key, facts in store.stored(
                list(
                    Membership.objects.filter(pk__in=[r.pk for r in story.reps]).select_related(
                        "user__profile"
                    )
                ),
                dt.date(2000, 1, 3),
                dt.date(2100, 1, 4),
            ).items()
        }
        out = io.StringIO()
        call_command("rebuild_weeks", workspace=story.workspace.slug, stdout=out)
        assert out.getvalue().startswith(f"{story.workspace.slug}: ")
        count, wrong = stored_against_rows(story.reps)
        assert not wrong
        rebuilt = store.stored(
            list(
                Membership.objects.filter(pk__in=[r.pk for r in story.reps]).select_related(
                    "user__profile"
                )
            ),
            dt.date(2000, 1, 3),
            dt.date(2100, 1, 4),
        )
        # The rebuild agrees with what the receivers stored; it starts at the first week with
        # a row, so weeks read before that (stored empty) are left to be computed when read.
        assert all(rebuilt[key] == facts for key, facts in before.items() if key in rebuilt)
        assert all(facts == Facts() for key, facts in before.items() if key not in rebuilt)
        assert len(rebuilt) >= len([key for key in before if key in rebuilt]) > 10


def test_rebuild_of_an_unknown_workspace_says_so(db: Any) -> None:
    with pytest.raises(CommandError, match="No workspace"):
        call_command("rebuild_weeks", workspace="nowhere")


def test_a_changed_row_is_recomputed_at_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rep = world.members["rep"]
    monday = figures.week_of(dt.date(2026, 11, 25))
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False):
        assert figures.for_rep(rep, monday).activity == 0
        calls = Metric.of(world.workspace).get(name="Calls made")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            metrics.log_day(rep, dt.date(2026, 11, 24), {calls: Decimal(6)}, by=rep.user)
        # One recomputation for the whole action (the event log's own receivers, such as
        # webhooks, run at commit too).
        assert [callback.__module__ for callback in callbacks].count(store.__name__) == 1
        row = WeekMetric.objects.get(rep=rep, week=monday, metric=calls)
        assert (row.d1, row.total) == (6, 6)
        assert WeekSummary.objects.get(rep=rep, week=monday).updated_at is not None
        assert figures.for_rep(rep, monday).activity == 6
