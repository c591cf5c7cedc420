"""The demo's weekly updates: Bob's, for the weeks of his plan so far, asked and answered
through the real planner, dispatcher and action."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from followthrough.demo import clock
from followthrough.followups.models import FollowUp, State
from followthrough.updates.models import UpdateAsk, WeeklyUpdate

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC),  # a Monday
        dt.datetime(2026, 11, 6, 21, 0, tzinfo=dt.UTC),  # a Friday evening, after DST ends
    ],
)
def test_the_demo_tells_bobs_weekly_updates(db: object, day: dt.datetime) -> None:
    with time_machine.travel(day, tick=True):
        call_command("demo", stdout=StringIO())
        updates = list(WeeklyUpdate.objects.filter(rep__user__email="bob@example.com"))
        assert len(updates) >= 4
        weeks = sorted(u.week for u in updates)
        assert all(w.weekday() == 0 for w in weeks)
        assert weeks == [weeks[0] + dt.timedelta(weeks=n) for n in range(len(weeks))]
        assert all(u.wins and u.written_at < timezone.now() for u in updates)
        assert [u.words_shared for u in sorted(updates, key=lambda u: u.week)][3] is False
        # Each ask went out on its Friday at 15:00 in New York, through the demo's dispatcher.
        asks = FollowUp.objects.filter(kind="weekly_update_ask", state=State.SENT)
        answered = set(weeks)
        # This week's ask, when the demo runs after its hour, has gone out unanswered (the
        # demo's dispatcher delivers what is due by now); every other ask has its update.
        unanswered = [a for a in asks if a.about is None or a.about.week not in answered]
        assert asks.count() - len(unanswered) == len(updates) and len(unanswered) <= 1
        for ask in asks.exclude(pk__in=[a.pk for a in unanswered]):
            local = ask.send_at.astimezone(NEW_YORK)
            assert (local.weekday(), local.hour) == (4, 15) and ask.claimed_by == clock.WORKER
        # One week Bob answered after the Monday reminder; the others cancelled theirs.
        reminders = FollowUp.objects.filter(kind="weekly_update_reminder")
        assert reminders.filter(state=State.SENT).count() == 1
        assert reminders.filter(state=State.CANCELLED).count() == len(updates) - 1
        asked = UpdateAsk.objects.filter(rep__user__email="bob@example.com").count()
        call_command("demo", stdout=StringIO())  # idempotent
        assert WeeklyUpdate.objects.filter(rep__user__email="bob@example.com").count() == len(
            updates
        )
        assert UpdateAsk.objects.filter(rep__user__email="bob@example.com").count() == asked
