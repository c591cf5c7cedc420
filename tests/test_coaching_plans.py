"""Opening and editing a plan, and scheduling its sessions, through the pages."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from followthrough.accounts.models import Profile
from followthrough.coaching.models import Plan, Session
from followthrough.metrics.models import Metric
from tests.conftest import World

NOW = dt.datetime(2026, 11, 16, 14, 0, tzinfo=dt.UTC)


def plan_data(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "rep": world.members["rep"].pk,
        "coach": world.members["coach"].pk,
        "purpose": "Keep the job: 60-day ultimatum",
        "starts_on": "2026-11-16",
        "deadline": "2027-01-15",
        "target_metric": "revenue",
        "target_low": "14000",
        "target_high": "16000",
        "target_unit": "USD",
        "why": "Pay off the car and keep the family's health cover",
        "sessions_per_week": 3,
        "stakeholders": [world.members["stakeholder"].pk],
    }
    data.update(changes)
    return data


def test_a_coach_opens_a_plan_and_schedules_its_first_session(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        coach = world.client("coach")
        response = coach.post(reverse("plan_new", args=["acme"]), plan_data(world))
        assert response.status_code == 302
        plan = Plan.objects.get()
        assert plan.target_display() == "revenue 14,000-16,000 USD"
        assert list(plan.stakeholders.all()) == [world.members["stakeholder"]]
        page = coach.get(plan.get_absolute_url()).text
        assert "Pay off the car" in page and "revenue 14,000-16,000 USD" in page
        scheduled = coach.post(
            reverse("session_new", args=["acme", plan.pk]),
            {"starts_at": "2026-11-18T10:00", "duration_minutes": 45, "location": "Phone"},
        )
        assert scheduled.status_code == 302
        session = Session.objects.get()
        assert session.starts_at == dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
        assert not session.invited  # the box was not ticked


def test_bad_plans_are_refused_with_reasons(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        coach = world.client("coach")
        cases: list[tuple[dict[str, object], str]] = [
            ({"deadline": "2026-11-01"}, "The deadline must come after the start."),
            ({"target_high": "9000"}, "The high end cannot be below the low end."),
            ({"target_low": "-5"}, "Give a target between 0"),
            ({"target_low": "", "target_high": "100"}, "Give the low end of the target too."),
            ({"purpose": ""}, "This field is required."),
            ({"sessions_per_week": 40}, "less than or equal to 14"),
            ({"rep": world.members["other_rep"].pk}, "Select a valid choice"),  # not coached
            ({"coach": world.members["admin"].pk}, "Select a valid choice"),  # not oneself
        ]
        for changes, error in cases:
            response = coach.post(reverse("plan_new", args=["acme"]), plan_data(world, **changes))
            assert response.status_code == 200, changes
            assert error in response.text, changes
        assert not Plan.objects.exists()


def test_an_admin_may_open_a_plan_for_any_rep_with_any_coach(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        response = world.client("admin").post(
            reverse("plan_new", args=["acme"]),
            plan_data(world, rep=world.members["other_rep"].pk, coach=world.members["coach"].pk),
        )
        assert response.status_code == 302
        assert Plan.objects.get().rep == world.members["other_rep"]


def test_a_session_long_past_or_at_a_missing_hour_is_refused(world: World) -> None:
    # A recent past session is the record of a call (see test_coaching_sessions.py).
    with time_machine.travel(NOW, tick=False):
        world.client("coach").post(reverse("plan_new", args=["acme"]), plan_data(world))
        plan = Plan.objects.get()
        past = world.client("coach").post(
            reverse("session_new", args=["acme", plan.pk]),
            {"starts_at": "2025-01-01T10:00", "duration_minutes": 45},
        )
        assert past.status_code == 400 and "within the last year" in past.text
        # 02:30 on 14 March 2027 does not exist in New York (clocks spring forward).
        Profile.objects.filter(user=world.user("coach")).update(time_zone="America/New_York")
        gap = world.client("coach").post(
            reverse("session_new", args=["acme", plan.pk]),
            {"starts_at": "2027-03-14T02:30", "duration_minutes": 45},
        )
        assert gap.status_code == 400
        assert "America/New_York" in gap.text
        assert not Session.objects.exists()


def test_a_target_names_one_of_the_workspace_s_metrics(world: World) -> None:
    """ "referals recieved" was accepted, and then nothing counted toward it."""
    with time_machine.travel(NOW, tick=False):
        coach = world.client("coach")
        form = coach.get(reverse("plan_new", args=["acme"])).text
        assert 'list="plan-metrics"' in form and '<option value="Referrals received">' in form
        typo = coach.post(
            reverse("plan_new", args=["acme"]),
            plan_data(world, target_metric="referals recieved", target_unit=""),
        )
        assert typo.status_code == 200 and not Plan.objects.exists()
        assert "“referals recieved” is not one of the workspace&#x27;s metrics." in typo.text
        assert "Did you mean “Referrals received”?" in typo.text
        # Another name of a metric is as good as its name ("dials" is one of Calls made's).
        other_name = coach.post(
            reverse("plan_new", args=["acme"]), plan_data(world, target_metric=" dials ")
        )
        assert other_name.status_code == 302
        assert Plan.objects.get().target_metric == "dials"


def test_a_new_metric_can_be_added_with_the_plan(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        coach = world.client("coach")
        response = coach.post(
            reverse("plan_new", args=["acme"]),
            plan_data(world, target_metric="Client visits", new_metric="activity"),
        )
        assert response.status_code == 302
        metric = Metric.objects.get(workspace=world.workspace, name="Client visits")
        assert metric.kind == "activity"
        plan = Plan.objects.get()
        assert plan.target_metric == "Client visits"
        # Editing the plan to another new name adds that one too; a known name adds nothing.
        edit = reverse("plan_edit", args=["acme", plan.pk])
        coach.post(edit, plan_data(world, target_metric="Site tours", new_metric="result"))
        coach.post(edit, plan_data(world, target_metric="revenue", new_metric="result"))
        names = set(Metric.objects.filter(workspace=world.workspace).values_list("name", flat=True))
        assert {"Client visits", "Site tours"} <= names and "revenue" not in names
        assert Metric.objects.filter(workspace=world.other_workspace).count() == 0
