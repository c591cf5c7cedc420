"""The progress queries (insights/reports.py), the charts, and the rep's progress page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Plan
from followthrough.demo import activity as metrics_demo
from followthrough.demo import stories as demo
from followthrough.insights import charts, reports
from followthrough.insights.pace import assess
from followthrough.metrics.models import ConfidenceRating, Entry, EntrySource, Metric
from tests.conftest import World
from tests.permission_matrix import VIEW_REP

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)  # a Wednesday; the rep lives in UTC
TODAY = NOW.date()
D = Decimal


def metric(world: World, name: str) -> Metric:
    return Metric.of(world.workspace).get(name=name)


def add(
    world: World,
    name: str,
    day: dt.date,
    value: str | int,
    source: str = EntrySource.IMPORT,
    who: str = "rep",
) -> Entry:
    return Entry.objects.create(
        workspace=world.workspace,
        member=world.members[who],
        metric=metric(world, name),
        day=day,
        value=D(value),
        source=source,
    )


def plan_for(world: World, **fields: Any) -> Plan:
    values: dict[str, Any] = {
        "purpose": "Keep the job",
        "starts_on": TODAY - dt.timedelta(days=20),
        "deadline": TODAY - dt.timedelta(days=20) + dt.timedelta(days=59),
        "target_metric": "revenue",
        "target_low": D(6000),
        "target_high": D(8000),
        "target_unit": "USD",
    }
    values.update(fields)
    return coaching.create_plan(coach=world.members["coach"], rep=world.members["rep"], **values)


def progress_url(world: World, who: str = "rep") -> str:
    return reverse("rep_progress", args=["acme", world.members[who].pk])


# The queries --------------------------------------------------------------------------------


def test_plan_pace_sums_every_source_per_day_within_the_plan(world: World) -> None:
    plan = plan_for(world)
    start = plan.starts_on
    add(world, "Revenue", start, 1000, EntrySource.LOG)
    add(world, "Revenue", start, 500, EntrySource.CHECKIN)
    add(world, "Revenue", start + dt.timedelta(days=3), 700, EntrySource.DEAL)
    add(world, "Revenue", start - dt.timedelta(days=1), 9000)  # before the plan
    add(world, "Revenue", TODAY, 300, who="other_rep")  # another rep's
    add(world, "Calls made", start, 40)  # another metric
    pace = reports.plan_pace(plan, TODAY)
    assert pace is not None
    assert pace.total == D(2200)
    assert pace.days_elapsed == 21
    (found,) = reports.plan_paces(world.members["rep"], [plan], TODAY)
    assert found.daily == {start: D(1500), start + dt.timedelta(days=3): D(700)}


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"target_metric": "happiness"}, '"happiness" is not one of'),
        ({"target_metric": ""}, '"(none)" is not one of'),
        ({"target_low": None, "target_high": None}, "no target"),
    ],
)
def test_no_pace_without_a_known_metric_or_a_low_target(
    world: World, fields: dict[str, Any], reason: str
) -> None:
    plan = plan_for(world, **fields)
    assert reports.plan_pace(plan, TODAY) is None
    (found,) = reports.plan_paces(world.members["rep"], [plan], TODAY)
    assert reason in found.missing_reason


def test_the_target_metric_is_found_by_alias_and_any_spelling(world: World) -> None:
    plan = plan_for(world, target_metric="  Referrals   ASKED ", target_low=D(30))
    add(world, "Referrals asked", plan.starts_on, 4)
    pace = reports.plan_pace(plan, TODAY)
    assert pace is not None and pace.total == D(4)
    plan = plan_for(world, target_metric="sales revenue")  # an alias of Revenue
    add(world, "Revenue", TODAY, 250)
    pace = reports.plan_pace(plan, TODAY)
    assert pace is not None and pace.total == D(250)


def test_weekly_totals_conversion_and_this_week_against_last(world: World) -> None:
    monday = reports.week_start(TODAY)
    last_week = monday - dt.timedelta(days=7)
    add(world, "Referrals asked", monday, 3)
    add(world, "Referrals asked", monday + dt.timedelta(days=1), 2, EntrySource.LOG)
    add(world, "Referrals received", monday + dt.timedelta(days=2), 4)
    add(world, "Calls made", last_week, 10)
    add(world, "Calls made", monday - dt.timedelta(weeks=12), 99)  # 13 weeks ago: not counted
    weekly = reports.weekly_totals(world.members["rep"], TODAY)
    assert len(weekly.weeks) == 12 and weekly.weeks[-1] == monday
    calls = metric(world, "Calls made")
    assert weekly.overall(calls) == D(10)
    metrics = Metric.by_name(world.workspace)
    rows = reports.this_week_and_last(weekly, reports.metric_list(metrics))
    assert [(m.name, this, last) for m, this, last in rows] == [
        ("Calls made", 0, 10),
        ("Referrals asked", 5, 0),
        ("Referrals received", 4, 0),
    ]
    found = reports.conversion(weekly, metrics)
    asked, calls_to_meetings, meetings_to_deals = found.overall
    assert str(asked) == "4 of 5 asked" and asked.rate == D("0.8") and asked.percent == "80%"
    assert str(calls_to_meetings) == "0 of 10 calls" and calls_to_meetings.percent == "0%"
    assert meetings_to_deals.rate is None and meetings_to_deals.percent == "–"  # never 0/0
    this_week, before = found.by_week[0], found.by_week[1]
    assert this_week[0] == monday and str(this_week[1][0]) == "4 of 5 asked"
    assert before[0] == last_week and str(before[1][1]) == "0 of 10 calls"


def test_conversion_skips_steps_whose_metric_the_workspace_lacks(world: World) -> None:
    Metric.of(world.workspace).filter(name="Deals won").delete()
    weekly = reports.weekly_totals(world.members["rep"], TODAY)
    found = reports.conversion(weekly, Metric.by_name(world.workspace))
    assert [r.label for r in found.overall] == [
        "Referrals asked → received",
        "Calls → meetings",
    ]


def test_confidence_history_oldest_first_with_drops_marked(world: World) -> None:
    rep = world.members["rep"]
    for n, rating in enumerate([4, 3, 1, 2]):
        ConfidenceRating.objects.create(
            workspace=world.workspace,
            member=rep,
            rating=rating,
            rated_at=NOW - dt.timedelta(weeks=4 - n),
        )
    history = reports.confidence_history(rep)
    assert [h.rating.rating for h in history] == [4, 3, 1, 2]
    assert [h.change for h in history] == [None, -1, -2, 1]
    assert [h.dropped for h in history] == [False, False, True, False]


def test_cumulative_by_week_is_the_chart_table(world: World) -> None:
    start = dt.date(2026, 11, 1)
    daily = {start: D(100), start + dt.timedelta(days=8): D(50)}
    pace = assess(
        starts_on=start,
        deadline=start + dt.timedelta(days=59),
        low=D(1000),
        high=None,
        daily=daily,
        today=start + dt.timedelta(days=9),
    )
    assert reports.cumulative_by_week(pace, daily) == [
        (start + dt.timedelta(days=6), D(100)),
        (start + dt.timedelta(days=9), D(150)),
    ]


# The charts ---------------------------------------------------------------------------------


def test_the_pace_chart_draws_the_target_the_total_and_both_forecasts() -> None:
    start = dt.date(2026, 11, 1)
    daily = {start + dt.timedelta(days=n): D(100) for n in range(20)}
    pace = assess(
        starts_on=start,
        deadline=start + dt.timedelta(days=59),
        low=D(14000),
        high=D(16000),
        daily=daily,
        today=start + dt.timedelta(days=19),
    )
    svg = charts.pace_chart(pace, daily, label="Pace: <Keep> the job", unit="USD")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Pace: &lt;Keep&gt; the job</title>" in svg
    assert "<desc>2,000 USD so far, against a target of 14,000 USD" in svg
    assert svg.count('class="band"') == 1 and "target 14,000–16,000 USD" in svg
    assert 'class="steady"' in svg and 'class="today"' in svg
    assert 'class="forecast"' in svg and 'class="trend"' in svg
    points = re.search(r'class="total" points="([^"]+)"', svg)
    assert points is not None and len(points.group(1).split()) == 21  # the origin and 20 days
    assert "Nov 1" in svg and "Dec 30" in svg  # the axis' first and last day
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")


def test_weekly_bars_one_bar_a_week() -> None:
    monday = dt.date(2026, 11, 16)
    series = [(monday - dt.timedelta(weeks=n), D(n * 10)) for n in range(11, -1, -1)]
    svg = charts.weekly_bars(series, label="Calls & more", description="<b>twelve</b>")
    assert svg.count('class="bar"') == 12
    assert "<title>Calls &amp; more</title>" in svg and "&lt;b&gt;twelve" in svg
    assert "week of Nov 16: 0" in svg and "week of Aug 31: 110" in svg


# The page -----------------------------------------------------------------------------------


def test_the_page_shows_pace_activity_conversion_and_confidence(world: World) -> None:
    plan = plan_for(world, purpose="Keep the <job>")
    start = plan.starts_on
    for n in range(21):
        add(world, "Revenue", start + dt.timedelta(days=n), 50)
    add(world, "Referrals asked", TODAY, 5, EntrySource.LOG)
    add(world, "Referrals received", TODAY, 4, EntrySource.LOG)
    add(world, "Calls made", TODAY - dt.timedelta(days=7), 12)
    rep = world.members["rep"]
    for n, rating in enumerate([4, 2]):
        ConfidenceRating.objects.create(
            workspace=world.workspace,
            member=rep,
            rating=rating,
            comment=f"<i>{n}</i>",
            rated_at=NOW - dt.timedelta(days=8 - 7 * n),
        )
    with time_machine.travel(NOW, tick=False):
        page = world.client("coach").get(progress_url(world)).text
    assert "Rep: progress" in page
    assert "Keep the &lt;job&gt;" in page and "Keep the <job>" not in page
    assert '<span class="badge pace-behind">behind pace</span>' in page
    assert "1,050 USD short of the steady pace" in page  # a steady pace would be at 2,100
    assert "1,050</strong> USD of 6,000–8,000 USD" in page
    assert "127 USD a day from tomorrow" in page  # 4,950 over 39 days, rounded
    assert "low target on" in page and "after the deadline" in page
    assert '<svg class="chart pace-chart"' in page
    assert "Running total by week" in page
    assert "4 of 5 asked" in page and "80%" in page
    assert '<svg class="chart bars-chart"' in page  # calls and referrals by week
    assert "down 2" in page and "&lt;i&gt;1&lt;/i&gt;" in page


def test_a_plan_without_a_known_metric_says_so(world: World) -> None:
    plan_for(world, target_metric="goodwill")
    with time_machine.travel(NOW, tick=False):
        page = world.client("rep").get(progress_url(world)).text
    assert "My progress" in page
    assert "&quot;goodwill&quot; is not one of the workspace&#x27;s metrics" in page
    assert "pace-chart" not in page


def test_met_and_not_started_badges(world: World) -> None:
    plan_for(world, purpose="Met one", target_low=D(100), target_high=None)
    plan_for(world, purpose="Later one", starts_on=TODAY + dt.timedelta(days=3))
    add(world, "Revenue", TODAY - dt.timedelta(days=2), 150)
    with time_machine.travel(NOW, tick=False):
        page = world.client("admin").get(progress_url(world)).text
    assert '<span class="badge pace-met">target met</span>' in page
    assert "reached on " + (TODAY - dt.timedelta(days=2)).strftime("%-d %b") in page
    assert '<span class="badge pace-not_started">not started</span>' in page


def test_closed_plans_are_left_out(world: World) -> None:
    plan = plan_for(world, purpose="Old plan")
    Plan.objects.filter(pk=plan.pk).update(closed_at=NOW)
    with time_machine.travel(NOW, tick=False):
        page = world.client("rep").get(progress_url(world)).text
    assert "Old plan" not in page and "No active plan" in page


def fill(world: World, plans: int) -> None:
    """`plans` plans, each with sixty days of revenue, calls and referrals."""
    for n in range(plans):
        plan = plan_for(world, purpose=f"Plan {n}", starts_on=TODAY - dt.timedelta(days=60 + n))
        for d in range(60):
            day = plan.starts_on + dt.timedelta(days=d)
            add(world, "Revenue", day, 10 + d, EntrySource.DEAL)
            add(world, "Calls made", day, 3, EntrySource.CHECKIN)
    for n in range(plans):
        ConfidenceRating.objects.create(
            workspace=world.workspace, member=world.members["rep"], rating=1 + n % 5
        )


@pytest.mark.parametrize("plans", [1, 10])
def test_the_query_count_does_not_grow_with_plans_or_entries(
    world: World, django_assert_num_queries: Any, plans: int
) -> None:
    fill(world, plans)
    client = world.client("coach")
    with time_machine.travel(NOW, tick=False):
        client.get(progress_url(world))  # warm up: the session, the metrics
        # The page's own: the rep, "do you coach them", metrics (2), plans, entries (2: the
        # plans' targets, 12 weeks of all metrics), ratings, "may they read the rep's words"
        # (the pulse's comments); the rest is the door and base.html.
        with django_assert_num_queries(QUERIES):
            response = client.get(progress_url(world))
    assert response.status_code == 200
    assert response.text.count('class="chart pace-chart"') == plans


QUERIES = 18


def test_another_workspaces_member_id_is_not_found(world: World) -> None:
    outsider: Membership = world.members["outsider"]
    response = world.client("admin").get(reverse("rep_progress", args=["acme", outsider.pk]))
    assert response.status_code == 404
    # Someone who is not a rep has no progress page.
    response = world.client("admin").get(progress_url(world, "coach"))
    assert response.status_code == 404


# The plan's page and the rep's home -------------------------------------------------------------


def test_the_plan_page_and_the_reps_home_show_the_pace(world: World) -> None:
    plan = plan_for(world)
    add(world, "Revenue", plan.starts_on, 3000, EntrySource.DEAL)
    with time_machine.travel(NOW, tick=False):
        for visitor, status in VIEW_REP.items():
            response = world.client(visitor).get(plan.get_absolute_url())
            assert response.status_code == (302 if status == "login" else status)
            if status == 200:
                assert '<span class="badge pace-on_pace">on pace</span>' in response.text
                assert "3,000</strong> USD of 6,000–8,000 USD" in response.text
                assert response.text.count('class="chart pace-chart"') == 1
        home = world.client("rep").get(reverse("workspace_home", args=["acme"])).text
    assert '<span class="badge pace-on_pace">on pace</span>' in home
    assert progress_url(world) in home
    no_target = plan_for(world, target_low=None)
    with time_machine.travel(NOW, tick=False):
        page = world.client("coach").get(no_target.get_absolute_url()).text
    assert "This plan has no target, so there is no pace to show." in page


# The demo -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 11, 29, 21, 0, tzinfo=dt.UTC),  # a Sunday evening
        dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC),  # a Tuesday, just after DST began
    ],
)
def test_the_demo_logs_bob_and_alejandros_days(db: object, now: dt.datetime) -> None:
    with time_machine.travel(now, tick=True):
        demo.load()
        bob = Membership.objects.get(user__email="bob@example.com", workspace__slug="brightline")
        alejandro = Membership.objects.get(user__email="alejandro@example.com")
        logged = Entry.objects.filter(member=bob, source=EntrySource.LOG)
        assert set(logged.values_list("metric__name", flat=True)) == {
            "Calls made",
            "Conversations",
            "Meetings booked",
            "Proposals sent",
        }  # his revenue and deals come from the pipeline's demo
        assert all(e.day.weekday() < 5 for e in logged)
        plan = Plan.objects.get(rep=bob)
        assert min(e.day for e in logged) >= plan.starts_on
        weekly = reports.weekly_totals(bob, timezone.localdate(now, bob.user.profile.zone))
        calls = Metric.objects.get(workspace=bob.workspace, name="Calls made")
        by_week = [value for _, value in weekly.series(calls) if value]
        assert by_week[-2] > by_week[0]  # growing
        # What a check-in answer counted sits on the answer's day and is not logged again.
        for entry in Entry.objects.filter(member=bob, source=EntrySource.CHECKIN):
            assert entry.response is not None
            assert entry.day == timezone.localdate(entry.response.updated_at, bob.user.profile.zone)
            assert not logged.filter(metric=entry.metric, day=entry.day).exists()
        ratings = reports.confidence_history(bob)
        assert [r.rating.rating for r in ratings] == [2, 2, 3, 3, 4]
        received = Entry.objects.filter(member=alejandro, metric__name="Referrals received")
        first_two = sorted(received.values_list("day", "value"))[:2]
        assert sum(value for _, value in first_two) == 4  # five calls, four referrals
        assert sum(received.values_list("value", flat=True)) > 4  # and later more
        assert [r.rating.rating for r in reports.confidence_history(alejandro)] == [2, 4]

        count = Entry.objects.count(), ConfidenceRating.objects.count()
        metrics_demo.seed(bob.workspace)
        assert (Entry.objects.count(), ConfidenceRating.objects.count()) == count

        client = Client()
        client.force_login(bob.user)
        page = client.get(reverse("rep_progress", args=["brightline", bob.pk]))
        assert page.status_code == 200 and '<svg class="chart pace-chart"' in page.text
        page = client.get(plan.get_absolute_url())
        assert page.status_code == 200 and "Running total by week" in page.text


# Who may open the progress page, and what reaches it ------------------------------------------


def test_the_outsider_cannot_reach_a_rep_through_their_own_workspace(world: World) -> None:
    url = reverse("rep_progress", args=["globex", world.members["rep"].pk])
    assert world.client("outsider").get(url).status_code == 404


def test_a_former_coach_loses_the_page(world: World) -> None:
    url = reverse("rep_progress", args=["acme", world.members["rep"].pk])
    assert world.client("coach").get(url).status_code == 200
    world.members["rep"].coached_by.all().delete()
    assert world.client("coach").get(url).status_code == 403


def test_no_numbers_of_another_rep_reach_the_page(world: World) -> None:
    calls = Metric.of(world.workspace).get(name="Calls made")
    today = timezone.localdate(timezone.now(), world.members["rep"].user.profile.zone)
    for who, value in (("rep", "11"), ("other_rep", "777")):
        Entry.objects.create(
            workspace=world.workspace,
            member=world.members[who],
            metric=calls,
            day=today,
            value=Decimal(value),
            source=EntrySource.LOG,
        )
        ConfidenceRating.objects.create(
            workspace=world.workspace,
            member=world.members[who],
            rating=3,
            comment=f"secret of {who}",
        )
    page = world.client("stakeholder").get(
        reverse("rep_progress", args=["acme", world.members["rep"].pk])
    )
    assert page.status_code == 200
    # The pulse's comment is the rep's own words: not for a stakeholder (issue 9, item 3).
    assert "secret of" not in page.text
    assert "777" not in page.text and "11 calls" in page.text
    coach = world.client("coach").get(
        reverse("rep_progress", args=["acme", world.members["rep"].pk])
    )
    assert "secret of rep" in coach.text and "secret of other_rep" not in coach.text
