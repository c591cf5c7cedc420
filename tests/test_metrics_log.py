"""Metrics, the rep's daily log, and numbers from check-in answers counting by themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse

from followthrough.coaching import actions as coaching
from followthrough.metrics.models import Entry, EntrySource, Metric
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Stage
from tests.coaching_helpers import NEW_YORK, live_in, make_session
from tests.conftest import World

NOW = dt.datetime(2026, 11, 18, 22, 0, tzinfo=dt.UTC)  # 17:00 in New York, Wednesday


def metric(world: World, name: str) -> Metric:
    return Metric.of(world.workspace).get(name=name)


def test_a_workspace_starts_with_the_default_metrics(world: World) -> None:
    names = list(Metric.of(world.workspace).values_list("name", flat=True))
    assert names == [
        "Calls made",
        "Conversations",
        "Referrals asked",
        "Referrals received",
        "Meetings booked",
        "Proposals sent",
        "Deals won",
        "Revenue",
    ]
    assert Metric.of(world.workspace).count() == 8  # asked again: not created twice
    assert metric(world, "Revenue").kind == "result"


def test_the_rep_logs_the_day_and_corrects_it(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        rep = world.client("rep")
        url = reverse("day_log", args=["acme"])
        calls, meetings = metric(world, "Calls made"), metric(world, "Meetings booked")
        form = rep.get(url)
        assert form.status_code == 200 and 'value="2026-11-18"' in form.text  # their today
        response = rep.post(
            url, {"day": "2026-11-18", f"metric_{calls.pk}": "12", f"metric_{meetings.pk}": "2"}
        )
        assert response.status_code == 302
        assert rep.get(response["Location"]).text.count("logged for Wed 18 Nov") == 1
        # Again for the same day: corrected, not added; an empty box clears.
        rep.post(url, {"day": "2026-11-18", f"metric_{calls.pk}": "14"})
        logged = Entry.objects.filter(member=world.members["rep"], source=EntrySource.LOG)
        assert [(e.metric.name, e.value) for e in logged] == [("Calls made", Decimal("14"))]


def test_bad_days_and_numbers_are_refused_and_nothing_is_written(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        rep = world.client("rep")
        url = reverse("day_log", args=["acme"])
        calls = metric(world, "Calls made")
        cases = [
            ({"day": "2026-11-19"}, "has not happened yet"),  # tomorrow in New York
            ({"day": "2026-11-18", f"metric_{calls.pk}": "-3"}, "greater than or equal to 0"),
            ({"day": "2026-11-18", f"metric_{calls.pk}": "lots"}, "Enter a number"),
            ({"day": "2026-11-18", f"metric_{calls.pk}": "1e12"}, "less than or equal to"),
            ({"day": "yesterday"}, "Enter a valid date"),
        ]
        for data, error in cases:
            response = rep.post(url, data)
            assert response.status_code == 400, data
            assert error in response.text, data
        assert not Entry.objects.exists()


def test_only_reps_log_their_day(world: World) -> None:
    url = reverse("day_log", args=["acme"])
    for visitor, status in [
        ("coach", 403),
        ("admin", 403),
        ("stakeholder", 403),
        ("outsider", 404),
    ]:
        assert world.client(visitor).get(url).status_code == status
        assert world.client(visitor).post(url, {"day": "2026-01-01"}).status_code == status
    assert not Entry.objects.exists()


def test_check_in_numbers_count_by_themselves_and_are_corrected_with_the_answer(
    world: World,
) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        session = make_session(world, starts_at=NOW)
        commitment = coaching.add_commitment(
            session,
            owner=world.members["rep"],
            text="Call 10 past clients, ask each for 3 referrals",
            due_on=dt.date(2026, 11, 20),
            measures=[
                {"name": "calls", "target": 10},
                {"name": "Referrals Asked", "target": 30},
                {"name": "smiles", "target": 5},
            ],
            by=world.user("coach"),
        )
        coaching.record_response(
            commitment, answer="partly", numbers={"calls": 5, "Referrals Asked": 4, "smiles": 9}
        )
        counted = {e.metric.name: e.value for e in Entry.objects.filter(source=EntrySource.CHECKIN)}
        # "smiles" is no metric: it stays on the answer only. The local day of the answer.
        assert counted == {"Calls made": Decimal(5), "Referrals asked": Decimal(4)}
        assert {e.day for e in Entry.objects.all()} == {dt.date(2026, 11, 18)}
        coaching.record_response(commitment, answer="done", numbers={"calls": 10})
        counted = {e.metric.name: e.value for e in Entry.objects.filter(source=EntrySource.CHECKIN)}
        assert counted == {"Calls made": Decimal(10)}
        page = world.client("rep").get(reverse("day_log", args=["acme"])).text
        assert "Counted by themselves" in page and "Calls made: 10" in page


def test_a_won_deal_shows_on_the_day_log_as_counted(world: World) -> None:
    live_in(world, "rep", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        pipeline.create_opportunity(
            world.members["rep"],
            by=world.user("rep"),
            account="Harlow & Sons",
            value=Decimal("14250"),
            stage=Stage.WON,
        )
        page = world.client("rep").get(reverse("day_log", args=["acme"])).text
    assert 'Revenue: 14,250 <small class="muted">· won: Harlow &amp; Sons</small>' in page
    assert "Deals won: 1 <small" in page
    assert "Revenue: <strong>14,250</strong>" in page  # the last seven days, grouped
