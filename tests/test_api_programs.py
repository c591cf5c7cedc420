"""Programs through the API: programs, cohorts with their enrollments, program sessions moved
and cancelled through the app's actions (Events written, calendars updated), and a cohort's
adoption figures with the page's visibility (an enrolled manager: their own line and the
anonymised spread)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from followthrough.accounts.models import Role
from followthrough.events.models import Event
from followthrough.programs import actions
from followthrough.programs.models import ProgramSessionState
from tests.api_helpers import call, token_of
from tests.conftest import World, make_member
from tests.programs_helpers import cohort_of, last_working_day, session_of
from tests.test_api import assert_problem


def in_days(days: int) -> str:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_programs_and_cohorts_with_their_enrollments(world: World) -> None:
    cohort = cohort_of(world)
    manager, peer = world.members["manager"], world.members["peer"]
    sponsor = token_of(world, "stakeholder")
    programs = call(sponsor, "get", "/programs").json()["items"]
    assert [p["id"] for p in programs] == [cohort.program_id]
    assert programs[0]["sponsors"] == [world.members["stakeholder"].pk]
    found = call(token_of(world, "manager"), "get", f"/cohorts/{cohort.pk}").json()
    assert found["facilitator_id"] == world.members["facilitator"].pk
    assert sorted(e["manager_id"] for e in found["enrollments"]) == sorted([manager.pk, peer.pk])
    listed = call(sponsor, "get", f"/cohorts?program={cohort.program_id}").json()["items"]
    assert [c["id"] for c in listed] == [cohort.pk]
    # The coach takes no part: no program, no cohort, no session in the lists.
    coach = token_of(world, "coach")
    for path in ("/programs", "/cohorts", "/program-sessions"):
        assert call(coach, "get", path).json()["items"] == []
    sessions = call(sponsor, "get", f"/program-sessions?cohort={cohort.pk}&state=scheduled")
    assert [s["number"] for s in sessions.json()["items"]][-1] == 0


def test_cohort_lists_do_not_grow_queries(world: World, django_assert_max_num_queries: Any) -> None:
    cohort = cohort_of(world)
    admin = token_of(world, "admin")
    call(admin, "get", "/cohorts")  # the first call warms the OpenAPI names (check_query)
    with django_assert_max_num_queries(12) as few:
        call(admin, "get", "/cohorts")
    for n in range(3):
        extra = actions.create_cohort(
            cohort.program,
            by=world.user("admin"),
            name=f"Cohort {n}",
            facilitator=world.members["facilitator"],
            starts_on=last_working_day(world.members["facilitator"]),
        )
        newcomer = make_member(world.workspace, f"newcomer{n}", Role.COACH)
        actions.enroll(extra, newcomer, by=world.user("admin"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(call(admin, "get", "/cohorts").json()["items"]) == 4


def test_the_facilitator_moves_and_cancels_a_session(world: World) -> None:
    session = session_of(world, 2)
    facilitator = token_of(world, "facilitator")
    moved = call(
        facilitator,
        "post",
        f"/program-sessions/{session.pk}/move",
        {"starts_at": in_days(30), "location": "Room 4"},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["location"] == "Room 4"
    session.refresh_from_db()
    assert session.location == "Room 4" and session.invited
    assert Event.objects.filter(verb="program_session.moved").count() == 1
    cancelled = call(facilitator, "post", f"/program-sessions/{session.pk}/cancel")
    assert cancelled.json()["state"] == ProgramSessionState.CANCELLED
    assert Event.objects.filter(verb="program_session.cancelled").count() == 1
    # Cancelled: moving or cancelling again is refused by the app's rule.
    body = assert_problem(call(facilitator, "post", f"/program-sessions/{session.pk}/cancel"), 409)
    assert "scheduled" in body["detail"]


def test_a_manager_cannot_move_a_session_and_nothing_changes(world: World) -> None:
    session = session_of(world, 2)
    before = session.starts_at
    manager = token_of(world, "manager")
    path = f"/program-sessions/{session.pk}/move"
    assert_problem(call(manager, "post", path, {"starts_at": in_days(30)}), 403)
    assert_problem(call(manager, "post", f"/program-sessions/{session.pk}/cancel"), 403)
    session.refresh_from_db()
    assert session.starts_at == before and session.is_scheduled
    assert not Event.objects.filter(verb__startswith="program_session.").exists()


def test_bad_moves(world: World) -> None:
    session = session_of(world, 2)
    before = (session.starts_at, session.sequence)
    facilitator = token_of(world, "facilitator")
    path = f"/program-sessions/{session.pk}/move"
    body = assert_problem(call(facilitator, "post", path, {"starts_at": in_days(-1)}), 409)
    assert "past" in body["detail"]
    body = assert_problem(call(facilitator, "post", path, {"starts_at": "next tuesday"}), 422)
    assert body["errors"][0]["field"] == "starts_at"
    too_long = {"starts_at": in_days(3), "duration_minutes": 6000}
    assert assert_problem(call(facilitator, "post", path, too_long), 422)["errors"]
    extra = {"starts_at": in_days(3), "cohort_id": 1}
    assert assert_problem(call(facilitator, "post", path, extra), 422)["errors"]
    assert_problem(
        call(facilitator, "post", "/program-sessions/999999/move", {"starts_at": in_days(3)}), 404
    )
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == before


def test_adoption_as_on_the_page(world: World) -> None:
    cohort = cohort_of(world)
    manager, peer = world.members["manager"], world.members["peer"]
    whole = call(token_of(world, "facilitator"), "get", f"/cohorts/{cohort.pk}/adoption").json()
    assert whole["whole"] is True
    assert sorted(m["manager_id"] for m in whole["managers"]) == sorted([manager.pk, peer.pk])
    assert whole["spread"][0]["figure"] == "sessions"
    own = call(token_of(world, "manager"), "get", f"/cohorts/{cohort.pk}/adoption").json()
    assert own["whole"] is False
    assert [m["manager_id"] for m in own["managers"]] == [manager.pk]
    # The spread is the cohort's, anonymised: the same for the manager as for the facilitator.
    assert own["spread"] == whole["spread"]
    assert str(peer.pk) not in str(own["managers"])
    body = assert_problem(
        call(token_of(world, "coach"), "get", f"/cohorts/{cohort.pk}/adoption"), 403
    )
    assert "adoption" in body["detail"]
    assert_problem(call(token_of(world, "manager"), "get", "/cohorts/0/adoption"), 422)
