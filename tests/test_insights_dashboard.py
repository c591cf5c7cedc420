"""The team dashboard and its weekly CSV: the figures of each row, the reasons a rep needs
attention, sorting, the query count that does not grow with the number of reps, and the CSV's
contents and bad input; who sees whom. Who may open them is in tests/permission_matrix.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Membership, Profile, Role
from followthrough.coaching.models import (
    Answer,
    Commitment,
    CommitmentState,
    Plan,
    Response,
    Session,
)
from followthrough.insights import dashboard
from followthrough.metrics.models import ConfidenceRating, Entry, Metric
from followthrough.pipeline.models import Opportunity, Stage
from tests.binder_helpers import answer
from tests.clients_helpers import complaint_of
from tests.conftest import World, make_member

# Wednesday 25 November 2026, 15:00 UTC: this week began on Monday the 23rd.
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
MONDAY = dt.date(2026, 11, 23)
DASHBOARD = "/w/acme/dashboard/"
CSV_URL = "/w/acme/dashboard/weekly.csv"


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def metric(w: World, name: str) -> Metric:
    return Metric.of(w.workspace).get(name=name)


def log(member: Membership, name: str, day: dt.date, value: int | str | Decimal) -> Entry:
    return Entry.objects.create(
        workspace=member.workspace,
        member=member,
        metric=Metric.of(member.workspace).get(name=name),
        day=day,
        value=Decimal(value),
    )


def plan_for(
    coach: Membership, rep: Membership, *, starts_on: dt.date, deadline: dt.date, **fields: Any
) -> Plan:
    fields.setdefault("target_metric", "revenue")
    fields.setdefault("target_low", Decimal(14000))
    fields.setdefault("target_high", Decimal(16000))
    fields.setdefault("target_unit", "USD")
    fields.setdefault("purpose", "Keep the job")
    return Plan.objects.create(
        workspace=rep.workspace,
        coach=coach,
        rep=rep,
        starts_on=starts_on,
        deadline=deadline,
        **fields,
    )


def commitment(
    plan: Plan, due_on: dt.date, state: str = CommitmentState.OPEN, **fields: Any
) -> Commitment:
    session = Session.objects.create(
        workspace=plan.workspace, plan=plan, starts_at=NOW - dt.timedelta(days=100)
    )
    return Commitment.objects.create(
        workspace=plan.workspace,
        plan=plan,
        session=session,
        owner=plan.rep,
        text="Call ten past clients",
        due_on=due_on,
        state=state,
        **fields,
    )


def rate(member: Membership, rating: int, days_ago: int) -> None:
    ConfidenceRating.objects.create(
        workspace=member.workspace,
        member=member,
        rating=rating,
        rated_at=NOW - dt.timedelta(days=days_ago),
    )


def opportunity(
    member: Membership, value: int, stage: str = Stage.PROPOSAL, currency: str = "USD"
) -> None:
    Opportunity.objects.create(
        workspace=member.workspace,
        owner=member,
        account="Northwind",
        value=Decimal(value),
        stage=stage,
        currency=currency,
    )


@pytest.fixture
def bob(world: World, frozen: None) -> Membership:
    """ "rep", coached by "coach", 30 days into a 60-day plan for 14,000-16,000 USD of revenue,
    with 3,500 so far: behind pace (7,000 expected by now)."""
    rep, coach = world.members["rep"], world.members["coach"]
    plan = plan_for(
        coach, rep, starts_on=TODAY - dt.timedelta(days=29), deadline=TODAY + dt.timedelta(days=30)
    )
    log(rep, "Revenue", TODAY - dt.timedelta(days=10), 2000)
    log(rep, "Revenue", TODAY - dt.timedelta(days=2), 1500)
    log(rep, "Revenue", TODAY - dt.timedelta(days=40), 9999)  # before the plan: not counted
    # Commitments due in the last 12 weeks: done, missed, answered, silent (an open loop).
    commitment(plan, TODAY - dt.timedelta(days=20), CommitmentState.DONE)
    commitment(plan, TODAY - dt.timedelta(days=15), CommitmentState.MISSED)
    answered = commitment(plan, TODAY - dt.timedelta(days=10))
    Response.objects.create(commitment=answered, round=1, answer=Answer.NOT_YET)
    commitment(plan, TODAY - dt.timedelta(days=5), open_loop_at=NOW - dt.timedelta(hours=1))
    # Not counted: dropped, due long ago, due today or later.
    commitment(plan, TODAY - dt.timedelta(days=3), CommitmentState.DROPPED)
    commitment(plan, TODAY - dt.timedelta(weeks=13), CommitmentState.DONE)
    commitment(plan, TODAY, CommitmentState.DONE)
    commitment(plan, TODAY + dt.timedelta(days=3), open_loop_at=NOW + dt.timedelta(days=4))
    # Activity: calls and meetings this week and last; a result and an older week do not count.
    log(rep, "Calls made", MONDAY, 10)
    log(rep, "Meetings booked", TODAY, 2)
    log(rep, "Calls made", MONDAY - dt.timedelta(days=1), 30)  # last Sunday: not the same days
    log(rep, "Calls made", TODAY - dt.timedelta(weeks=1), 20)  # last Wednesday: compared
    log(rep, "Referrals received", TODAY, 5)
    log(rep, "Calls made", MONDAY - dt.timedelta(days=8), 100)
    # Pipeline: open opportunities count; won and lost do not.
    opportunity(rep, 5000)
    opportunity(rep, 2000, Stage.LEAD)
    opportunity(rep, 9000, Stage.WON)
    opportunity(rep, 4000, Stage.LOST)
    # Confidence: 4, then 2 (a fall of two).
    rate(rep, 4, days_ago=8)
    rate(rep, 2, days_ago=1)
    return rep


def rows_of(member: Membership) -> dict[str, dashboard.RepRow]:
    return {row.member.user.email: row for row in dashboard.build_rows(member)}


def test_a_row_has_every_figure(world: World, bob: Membership) -> None:
    row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.pace is not None
    assert row.pace.total == Decimal(3500)
    assert row.pace_status == "behind"
    assert row.percent_of_low == 25  # 3,500 of 14,000
    assert row.due == 4
    assert row.answered == 3
    assert row.follow_through == 75
    assert (row.done, row.missed) == (1, 1)
    assert row.open_loops == 1
    assert row.activity_this_week == Decimal(12)
    assert row.activity_last_week == Decimal(20)  # Monday to Wednesday of last week
    assert row.pipeline == {"USD": Decimal(7000)}
    assert (row.confidence, row.confidence_before, row.confidence_change) == (2, 4, -2)


def test_the_reasons_a_rep_needs_attention(world: World, bob: Membership) -> None:
    row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.reasons == [
        "behind pace: 25% of the low target, 30 days left",
        "confidence fell from 4 to 2",
        "1 open loop: a check-in without an answer",
    ]


def test_low_follow_through_and_no_activity_need_attention(world: World, frozen: None) -> None:
    rep = world.members["other_rep"]
    plan = plan_for(
        world.members["admin"],
        rep,
        starts_on=TODAY - dt.timedelta(days=5),
        deadline=TODAY + dt.timedelta(days=50),
    )
    commitment(plan, TODAY - dt.timedelta(days=3), CommitmentState.DONE)
    commitment(plan, TODAY - dt.timedelta(days=2))
    commitment(plan, TODAY - dt.timedelta(days=1))
    log(rep, "Calls made", MONDAY - dt.timedelta(days=1), 30)  # last week only
    row = rows_of(world.members["admin"])["other_rep@example.org"]
    assert row.follow_through == 33
    assert "follow-through 33%" in row.reasons
    assert "no activity logged this week" in row.reasons


def test_no_activity_is_not_flagged_on_a_monday(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC), tick=False):
        row = rows_of(world.members["admin"])["other_rep@example.org"]
        assert row.reasons == ["no plan yet"]
    with time_machine.travel(dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC), tick=False):
        row = rows_of(world.members["admin"])["other_rep@example.org"]
        assert row.reasons == ["no plan yet", "no activity logged this week"]


def test_no_movement_in_weeks_8_to_12(world: World, frozen: None) -> None:
    rep = world.members["rep"]
    starts = TODAY - dt.timedelta(weeks=13)
    plan_for(
        world.members["coach"],
        rep,
        starts_on=starts,
        deadline=TODAY + dt.timedelta(days=10),
        target_low=Decimal(100),
        target_high=None,
    )
    log(rep, "Revenue", starts + dt.timedelta(days=3), 60)  # all of it in the first week
    log(rep, "Calls made", TODAY, 1)
    row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.pace is not None and row.pace.no_movement
    assert "no movement in weeks 8-12" in row.reasons


def test_pace_needs_a_plan_a_target_and_a_known_metric(world: World, frozen: None) -> None:
    admin = world.members["admin"]
    rep, other = world.members["rep"], world.members["other_rep"]
    assert rows_of(admin)["rep@example.org"].pace_note == "no plan yet"
    plan_for(
        admin, rep, starts_on=TODAY, deadline=TODAY + dt.timedelta(days=9), target_metric="smiles"
    )
    plan_for(admin, other, starts_on=TODAY, deadline=TODAY + dt.timedelta(days=9), target_low=None)
    rows = rows_of(admin)
    assert rows["rep@example.org"].pace is None
    assert rows["rep@example.org"].pace_note == "“smiles” is not a metric"
    assert rows["other_rep@example.org"].pace_note == "no target"


def test_pace_uses_the_latest_active_plan_and_metric_aliases(world: World, frozen: None) -> None:
    admin, rep = world.members["admin"], world.members["rep"]
    plan_for(
        admin,
        rep,
        starts_on=TODAY - dt.timedelta(days=60),
        deadline=TODAY + dt.timedelta(days=9),
        closed_at=NOW,
    )
    plan_for(
        admin,
        rep,
        starts_on=TODAY - dt.timedelta(days=9),
        deadline=TODAY + dt.timedelta(days=20),
        target_metric="  Dials ",  # an alias of "Calls made"
        target_low=Decimal(100),
        target_high=Decimal(120),
    )
    log(rep, "Calls made", TODAY - dt.timedelta(days=1), 40)
    log(rep, "Revenue", TODAY - dt.timedelta(days=1), 900)
    row = rows_of(admin)["rep@example.org"]
    assert row.pace is not None and row.pace.total == Decimal(40)
    assert row.percent_of_low == 40
    assert row.pace_status == "on_pace"  # 40 of 100 on day 10 of 30: ahead of 33


def test_other_workspaces_and_inactive_reps_are_not_rows(world: World, frozen: None) -> None:
    world.members["other_rep"].is_active = False
    world.members["other_rep"].save()
    make_member(world.other_workspace, "rep", Role.REP)  # the same person, elsewhere
    assert list(rows_of(world.members["admin"])) == ["rep@example.org"]


# The page -------------------------------------------------------------------------------------


def test_the_page_shows_rows_links_and_attention(world: World, bob: Membership) -> None:
    response = world.client("coach").get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    rep_page = reverse("rep_progress", args=["acme", bob.pk])
    assert f'href="{rep_page}"' in body
    assert "Needs attention" in body
    assert "confidence fell from 4 to 2" in body
    assert "behind pace" in body
    assert "25% of 14,000 USD" in body
    assert "75%" in body
    assert "7,000 USD" in body
    assert "2/5" in body and "(-2)" in body
    assert "Other Rep" not in body  # not coached by this coach
    assert 'aria-sort="ascending"' in body  # by rep, the default
    assert reverse("dashboard_csv", args=["acme"]) in body


def test_names_are_escaped(world: World, frozen: None) -> None:
    user = world.user("rep")
    user.name = "<script>alert(1)</script>"
    user.save()
    Membership.objects.filter(pk=world.members["rep"].pk).update(title="<b>AE</b>")
    body = world.client("coach").get(DASHBOARD).content.decode()
    assert "<script>alert(1)" not in body and "<b>AE" not in body
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # the table, the attention list
    assert "&lt;b&gt;AE&lt;/b&gt;" in body


def test_an_empty_dashboard(world: World, frozen: None) -> None:
    coach = make_member(world.workspace, "new_coach", Role.COACH)
    response = Client()
    response.force_login(coach.user)
    body = response.get(DASHBOARD).content.decode()
    assert "No reps to show yet." in body


def names_in_order(body: str) -> list[str]:
    """The reps' names in the order of the table's rows."""
    table = body[body.index("<tbody>") :]
    found = [(table.index(f">{n}</a></th>"), n) for n in NAMES if f">{n}</a></th>" in table]
    return [name for _, name in sorted(found)]


NAMES = ["Ann", "Ben", "Cleo"]


@pytest.fixture
def three_reps(world: World, frozen: None) -> Membership:
    """Three reps of the admin with different figures in each column."""
    admin = world.members["admin"]
    for name, revenue, calls, pipeline, confidence in [
        ("Ann", 7000, 5, 300, 2),
        ("Ben", 1000, 50, 100, None),
        ("Cleo", 3000, 20, 200, 5),
    ]:
        rep = make_member(world.workspace, name.lower(), Role.REP)
        rep.user.name = name
        rep.user.save()
        plan_for(
            admin,
            rep,
            starts_on=TODAY - dt.timedelta(days=29),
            deadline=TODAY + dt.timedelta(days=30),
        )
        log(rep, "Revenue", TODAY, revenue)
        log(rep, "Calls made", TODAY, calls)
        opportunity(rep, pipeline)
        if confidence:
            rate(rep, confidence, days_ago=1)
    for key in ("rep", "other_rep"):
        Membership.objects.filter(pk=world.members[key].pk).update(is_active=False)
    return admin


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Ann", "Ben", "Cleo"]),
        ("-rep", ["Cleo", "Ben", "Ann"]),
        ("pace", ["Ben", "Cleo", "Ann"]),
        ("-pace", ["Ann", "Cleo", "Ben"]),
        ("activity", ["Ann", "Cleo", "Ben"]),
        ("-pipeline", ["Ann", "Cleo", "Ben"]),
        ("confidence", ["Ann", "Cleo", "Ben"]),  # no rating sorts last, either way
        ("-confidence", ["Cleo", "Ann", "Ben"]),
    ],
)
def test_sorting(world: World, three_reps: Membership, sort: str, expected: list[str]) -> None:
    response = world.client("admin").get(DASHBOARD, {"sort": sort} if sort else {})
    assert response.status_code == 200
    body = response.content.decode()
    assert names_in_order(body) == expected


def test_sort_links_and_aria_sort(world: World, three_reps: Membership) -> None:
    body = world.client("admin").get(DASHBOARD, {"sort": "pace"}).content.decode()
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=-pace">Plan pace' in body
    assert '<th scope="col"><a href="?sort=rep">Rep</a></th>' in body
    assert body.count("aria-sort=") == 1
    body = world.client("admin").get(DASHBOARD, {"sort": "-pace"}).content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?sort=pace">Plan pace' in body


@pytest.mark.parametrize("sort", ["bogus", "--pace", "pace;drop"])
def test_an_unknown_sort_is_a_clear_400(world: World, frozen: None, sort: str) -> None:
    response = world.client("admin").get(DASHBOARD, {"sort": sort})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cannot sort by" in body and "Sort by one of: rep, pace" in body
    assert "Traceback" not in body


def test_weeks_are_the_viewers_local_weeks(world: World) -> None:
    """Monday 30 November, 03:00 UTC is still Sunday the 29th in Chicago: for a viewer there,
    Monday the 23rd is this week; for a viewer in UTC it was last week."""
    rep = world.members["rep"]
    log(rep, "Calls made", MONDAY, 7)
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        utc = world.client("coach").get(DASHBOARD).context["rows"][0]
        assert (utc.activity_this_week, utc.activity_last_week) == (0, 7)
        Profile.objects.filter(user=world.user("coach")).update(time_zone="America/Chicago")
        local = world.client("coach").get(DASHBOARD).context["rows"][0]
        assert (local.activity_this_week, local.activity_last_week) == (7, 0)


def make_team(world: World, count: int) -> None:
    """`count` reps coached by the coach, each with a plan, entries, commitments (one
    answered), opportunities, confidence ratings and an unhappy client not called back."""
    coach = world.members["coach"]
    for i in range(count):
        rep = make_member(world.workspace, f"team_{i}", Role.REP)
        accounts.set_relationships(rep, [coach], [world.members["stakeholder"]])
        plan = plan_for(
            coach,
            rep,
            starts_on=TODAY - dt.timedelta(days=20),
            deadline=TODAY + dt.timedelta(days=40),
        )
        log(rep, "Revenue", TODAY - dt.timedelta(days=3), 1000)
        log(rep, "Calls made", TODAY, 10)
        log(rep, "Calls made", TODAY - dt.timedelta(days=7), 10)
        done = commitment(plan, TODAY - dt.timedelta(days=2), CommitmentState.DONE)
        Response.objects.create(commitment=done, round=1, answer=Answer.DONE)
        commitment(plan, TODAY - dt.timedelta(days=2), open_loop_at=NOW - dt.timedelta(hours=2))
        opportunity(rep, 1000)
        opportunity(rep, 2000, currency="EUR")
        rate(rep, 4, days_ago=8)
        rate(rep, 2, days_ago=1)
        world.members[f"team_{i}"] = rep
        with time_machine.travel(NOW - dt.timedelta(days=5), tick=False):
            complaint_of(world, f"team_{i}")


# Queries: the auth session and user, the profile's time zone, the workspace and membership, the
# profile's last workspace (10 in all with the nav's three context processors), then the
# dashboard's own 11: reps with their two latest ratings, metrics (exists, then the list), plans,
# the stored weeks present (weeks.store.ensure), pace (stored days), commitments (whole weeks
# stored, the window's two cut weeks from the rows), open loops, activity (stored days),
# pipeline, service after the sale (clients.service_column: one grouped query).
DASHBOARD_QUERIES = 21


@pytest.mark.parametrize("count", [2, 20])
def test_the_query_count_does_not_grow_with_the_reps(
    world: World, frozen: None, django_assert_num_queries: Any, count: int
) -> None:
    make_team(world, count)
    client = world.client("coach")
    client.get(DASHBOARD)  # sessions and metrics settle
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert len(response.context["rows"]) == count + 1  # and "rep"
    assert all(row.open_loops == 1 for row in response.context["rows"][1:])
    assert all(row.service.late_callbacks == 1 for row in response.context["rows"][1:])


# The weekly CSV -------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_weekly_csv(world: World, bob: Membership) -> None:
    response = world.client("coach").get(CSV_URL, {"weeks": 3})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-weekly-2026-11-25.csv"'
    rows = read_csv(response)
    assert rows[0] == ["rep", "email", "week starting", "metric", "unit", "total"]
    metrics = list(Metric.of(world.workspace))
    assert len(rows) == 1 + 3 * len(metrics)  # one rep, three weeks, every metric
    assert {row[0] for row in rows[1:]} == {"Rep"}  # the coach's one rep
    by_key = {(row[2], row[3]): row for row in rows[1:]}
    assert by_key[("2026-11-23", "Calls made")] == [
        "Rep",
        "rep@example.org",
        "2026-11-23",
        "Calls made",
        "calls",
        "10",
    ]
    assert by_key[("2026-11-16", "Calls made")][5] == "50"  # Wednesday 20, Sunday 30
    assert by_key[("2026-11-09", "Revenue")][4:] == ["USD", "2000"]  # Sunday the 15th
    assert by_key[("2026-11-16", "Revenue")][5] == "0"
    assert by_key[("2026-11-23", "Revenue")][5] == "1500"
    assert by_key[("2026-11-23", "Referrals received")][5] == "5"
    assert by_key[("2026-11-16", "Deals won")][5] == "0"


def test_the_csv_covers_twelve_weeks_by_default_and_sums_a_week(world: World, frozen: None) -> None:
    rep = world.members["rep"]
    log(rep, "Calls made", MONDAY - dt.timedelta(weeks=11), 3)  # the first of the 12 weeks
    log(rep, "Calls made", MONDAY - dt.timedelta(weeks=11) + dt.timedelta(days=6), Decimal("2.5"))
    log(rep, "Calls made", MONDAY - dt.timedelta(weeks=12), 1000)  # before them
    rows = read_csv(world.client("admin").get(CSV_URL))
    weeks = sorted({row[2] for row in rows[1:]})
    assert len(weeks) == 12
    assert weeks[0] == "2026-09-07" and weeks[-1] == "2026-11-23"
    assert {row[0] for row in rows[1:]} == {"Rep", "Other Rep"}
    calls = [row for row in rows[1:] if row[0] == "Rep" and row[3] == "Calls made"]
    assert [row[5] for row in calls] == ["5.5"] + ["0"] * 11


def test_the_csv_defuses_formulas(world: World, frozen: None) -> None:
    user = world.user("rep")
    user.name = '=HYPERLINK("http://evil")'
    user.save()
    Metric.of(world.workspace)
    Metric.objects.create(workspace=world.workspace, name="@SUM(A1)", unit="+1", position=99)
    Metric.objects.create(workspace=world.workspace, name="-minus", unit="", position=98)
    rows = read_csv(world.client("coach").get(CSV_URL, {"weeks": 1}))
    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://evil")'}
    assert ["'@SUM(A1)", "'+1"] in [row[3:5] for row in rows[1:]]
    assert "'-minus" in [row[3] for row in rows[1:]]


def test_safe_cell() -> None:
    assert dashboard.safe_cell("=1+2") == "'=1+2"
    assert dashboard.safe_cell("\tx") == "'\tx"
    assert dashboard.safe_cell("Bob") == "Bob"
    assert dashboard.safe_cell("a=b") == "a=b"


@pytest.mark.parametrize("weeks", ["0", "105", "-3", "abc", "1.5", "12 weeks"])
def test_bad_weeks_are_a_clear_400(world: World, frozen: None, weeks: str) -> None:
    response = world.client("coach").get(CSV_URL, {"weeks": weeks})
    assert response.status_code == 400
    body = response.content.decode()
    assert "“weeks” must be" in body and "104" in body
    assert "Traceback" not in body
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("weeks", ["1", "104"])
def test_the_bounds_of_weeks(world: World, frozen: None, weeks: str) -> None:
    rows = read_csv(world.client("coach").get(CSV_URL, {"weeks": weeks}))
    assert len({row[2] for row in rows[1:]}) == int(weeks)


def test_csv_queries_do_not_grow_with_the_reps(
    world: World, frozen: None, django_assert_max_num_queries: Any
) -> None:
    make_team(world, 15)
    client = world.client("coach")
    client.get(CSV_URL)
    with django_assert_max_num_queries(14):
        response = client.get(CSV_URL)
    assert len({row[0] for row in read_csv(response)[1:]}) == 16


def test_week_start_is_the_monday_of_every_day_of_the_week(world: World) -> None:
    """The database works out the week (SQLite and PostgreSQL each their own way)."""
    rep = world.members["rep"]
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(15)]  # a Sunday first
    for day in days:
        log(rep, "Calls made", day, 1)
    weeks = dict(
        Entry.objects.filter(member=rep)
        .annotate(week=dashboard.WeekStart("day"))
        .values_list("day", "week")
    )
    assert weeks == {day: day - dt.timedelta(days=day.weekday()) for day in days}
    assert all(type(week) is dt.date for week in weeks.values())


# Issue 9: every active plan, "no plan yet", Mondays, plurals ------------------------------------


def test_a_second_plan_does_not_hide_the_first(world: World, frozen: None) -> None:
    """Alejandro's real plan (22 of 30 referrals asked) stays on the dashboard when a second
    plan is opened; the one nearest its deadline comes first and leads sorting and attention."""
    coach, rep = world.members["coach"], world.members["rep"]
    real = plan_for(
        coach,
        rep,
        purpose="Referrals",
        starts_on=TODAY - dt.timedelta(days=20),
        deadline=TODAY + dt.timedelta(days=10),
        target_metric="referrals asked",
        target_low=Decimal(30),
        target_high=None,
        target_unit="",
    )
    log(rep, "Referrals asked", TODAY - dt.timedelta(days=3), 22)
    newer = plan_for(
        coach,
        rep,
        purpose="Proposals",
        starts_on=TODAY,
        deadline=TODAY + dt.timedelta(days=30),
        target_metric="proposals sent",
        target_low=Decimal(20),
        target_high=None,
        target_unit="",
    )
    log(rep, "Proposals sent", TODAY, 2)
    row = rows_of(coach)["rep@example.org"]
    assert [s.plan for s in row.standings] == [real, newer]
    assert row.plan == real and row.percent_of_low == 73  # 22 of 30
    body = world.client("coach").get(DASHBOARD).content.decode()
    table = body[body.index("<tbody>") :]
    assert "73% of 30" in table and "10% of 20" in table
    assert table.index("Referrals") < table.index("Proposals")


def test_a_rep_without_a_plan_is_flagged(world: World, frozen: None) -> None:
    """Not "every rep is on pace": a rep with no plan and no activity needs attention."""
    body = world.client("admin").get(DASHBOARD).content.decode()
    attention = body[body.index("Needs attention") : body.index("</section>")]
    assert "Nobody right now" not in attention
    assert "Rep</a>: no plan yet" in attention
    assert "Other Rep</a>: no plan yet" in attention


def test_on_a_monday_activity_is_compared_with_last_monday(world: World) -> None:
    """A whole last week against a Monday would put a red ▼ by every rep every Monday."""
    rep = world.members["rep"]
    log(rep, "Calls made", dt.date(2026, 11, 16), 5)  # last Monday
    log(rep, "Calls made", dt.date(2026, 11, 18), 40)  # last Wednesday: not yet comparable
    log(rep, "Calls made", MONDAY, 6)
    with time_machine.travel(dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC), tick=False):
        row = rows_of(world.members["coach"])["rep@example.org"]
        assert (row.activity_this_week, row.activity_last_week) == (6, 5)
        body = world.client("coach").get(DASHBOARD).content.decode()
    assert "▼" not in body[body.index("<tbody>") :]
    assert "more than on the same days last week" in body


def test_one_of_a_thing_is_singular(world: World, frozen: None) -> None:
    coach, rep = world.members["coach"], world.members["rep"]
    plan = plan_for(
        coach, rep, starts_on=TODAY - dt.timedelta(days=29), deadline=TODAY + dt.timedelta(days=1)
    )
    commitment(plan, TODAY - dt.timedelta(days=5), open_loop_at=NOW - dt.timedelta(hours=1))
    row = rows_of(coach)["rep@example.org"]
    assert row.cells.plans[0].days_left == "1 day left"
    assert "behind pace: 0% of the low target, 1 day left" in row.reasons
    assert "1 open loop: a check-in without an answer" in row.reasons


# Service after the sale (issue 13): the clients' average score, open complaints, late callbacks


def test_the_service_column_and_a_late_callback(world: World, frozen: None) -> None:
    """Two happy clients and one unhappy one whose callback (one working day) is now late: the
    row's average and open complaint, a reason to look at the rep; the client's words stay
    off the page, even the coach's."""
    answer(world, "Great.", score=10)
    answer(world, "Fine.", score=9)
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        complaint_of(world)  # 2/10
    row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.service is not None
    assert (row.service.average, row.service.open_complaints) == (Decimal(7), 1)
    assert row.cells.service == dashboard.ServiceCells("7/10", "1 open complaint", late=True)
    assert row.reasons[-1] == "1 unhappy client not called back in time"
    body = world.client("coach").get(DASHBOARD).content.decode()
    table = body[body.index("<tbody>") :]
    assert '7/10<br><small class="complaints late">1 open complaint</small>' in table
    attention = body[body.index("Needs attention") : body.index("</section>")]
    assert "1 unhappy client not called back in time" in attention
    assert "never heard back" not in body  # the complaint's comment
    # A stakeholder reads the figures, not the words.
    body = world.client("stakeholder").get(DASHBOARD).content.decode()
    assert "1 open complaint" in body and "never heard back" not in body


def test_a_callback_done_or_not_yet_due_is_no_reason(world: World, frozen: None) -> None:
    checkin = complaint_of(world)  # due in one working day: not late yet
    row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.service is not None and row.service.open_complaints == 1
    assert row.cells.service == dashboard.ServiceCells("2/10", "1 open complaint", late=False)
    assert not any("called back" in reason for reason in row.reasons)
    assert checkin.callback is not None
    with time_machine.travel(NOW + dt.timedelta(days=5), tick=False):
        checkin.callback.done_at = timezone.now()
        checkin.callback.save()
        row = rows_of(world.members["coach"])["rep@example.org"]
    assert row.service is not None and row.service.open_complaints == 0
    assert row.cells.service == dashboard.ServiceCells("2/10", "", late=False)
    assert not any("called back" in reason for reason in row.reasons)


def test_no_answer_yet_is_a_dash_and_sorts_last(world: World, three_reps: Membership) -> None:
    for key, score in [("ann", 6), ("cleo", 9)]:
        world.members[key] = Membership.objects.get(user__email=f"{key}@example.org")
        answer(world, "Words.", rep=key, score=score)
    for sort, expected in [
        ("service", ["Ann", "Cleo", "Ben"]),
        ("-service", ["Cleo", "Ann", "Ben"]),
    ]:
        body = world.client("admin").get(DASHBOARD, {"sort": sort}).content.decode()
        assert names_in_order(body) == expected
    row = rows_of(world.members["admin"])["ben@example.org"]
    assert row.service is None and row.cells.service is None


# Who sees whom: visible reps only, on the page and in the CSV ---------------------------------

SEES = {
    "admin": {"Rep", "Other Rep"},
    "coach": {"Rep"},
    "stakeholder": {"Rep"},
}


def names_on_page(world: World, visitor: str) -> set[str]:
    rows = world.client(visitor).get(reverse("team_dashboard", args=["acme"])).context["rows"]
    return {row.member.user.name for row in rows}


def names_in_csv(world: World, visitor: str) -> set[str]:
    response = world.client(visitor).get(reverse("dashboard_csv", args=["acme"]))
    return {row[0] for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]}


@pytest.mark.parametrize("visitor", list(SEES))
def test_each_sees_their_reps_only(world: World, visitor: str) -> None:
    assert names_on_page(world, visitor) == SEES[visitor]
    assert names_in_csv(world, visitor) == SEES[visitor]


def test_a_coach_never_sees_a_rep_they_do_not_coach(world: World) -> None:
    """Another coach's rep, a rep in another workspace coached by a namesake: never shown."""
    other_coach = make_member(world.workspace, "other_coach", Role.COACH)
    world.members["other_coach"] = other_coach
    accounts.set_relationships(world.members["other_rep"], [other_coach], [])
    elsewhere = make_member(world.other_workspace, "far_rep", Role.REP)
    globex_coach = make_member(world.other_workspace, "coach", Role.COACH)  # same user
    accounts.set_relationships(elsewhere, [globex_coach], [])
    for source in (names_on_page, names_in_csv):
        assert source(world, "coach") == {"Rep"}
        assert source(world, "other_coach") == {"Other Rep"}
    body = world.client("coach").get(reverse("team_dashboard", args=["acme"])).content.decode()
    assert "Other Rep" not in body and "Far Rep" not in body
    assert "other_rep@example.org" not in names_in_csv(world, "coach")


def test_a_stakeholder_sees_no_rep_they_stopped_following(world: World) -> None:
    accounts.set_relationships(world.members["rep"], [world.members["coach"]], [])
    assert names_on_page(world, "stakeholder") == set()
    assert names_in_csv(world, "stakeholder") == set()


def test_a_deactivated_member_is_an_outsider(world: World) -> None:
    coach = world.members["coach"]
    coach.is_active = False
    coach.save()
    assert world.client("coach").get(reverse("team_dashboard", args=["acme"])).status_code == 404
