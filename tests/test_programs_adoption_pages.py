"""The cohort's adoption page and its weekly email: who sees what (the new viewers of the
matrix), a manager's own row and the anonymised spread, flat queries, and the sponsor's
Monday 08:00 email through a real SMTP server, in their zone and language, with one-click
unsubscribe."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from followthrough.accounts.models import Role
from followthrough.events.models import Event
from followthrough.followups.models import FollowUp
from followthrough.programs import adoption_digest
from followthrough.programs.models import AdoptionDigest, AdoptionSubscription, AssessorKind
from tests import adoption_helpers as h
from tests.adoption_matrix import EVERYONE
from tests.conftest import World, dispatch, text_body
from tests.permission_matrix import PROGRAMS
from tests.programs_helpers import cohort_of

ADOPTION_ROWS = [row for row in PROGRAMS if "adoption" in row.name]


def program_world(world: World) -> Any:
    """The matrix's cohort, its workshop on the fixtures' Monday 2 March 2026."""
    return cohort_of(world, starts_on=h.STARTS_ON)


def test_every_adoption_row_names_every_viewer() -> None:
    assert len(ADOPTION_ROWS) == 5
    for row in ADOPTION_ROWS:
        assert set(row.expected) == set(EVERYONE), row.name


def with_figures(world: World) -> Any:
    """The matrix's cohort, the manager with a rep and two sessions, the peer with none."""
    cohort = program_world(world)
    manager, peer = world.members["manager"], world.members["peer"]
    for member, name in ((manager, "Mandy <b>Manager</b>"), (peer, "Pete Peer")):
        member.user.name = name
        member.user.save()
    rep = h.person(world, "mandys_rep", Role.REP)
    plan = h.plan(manager, rep, 2)
    h.held(plan, h.ny("2026-03-03 10:00"))
    h.held(plan, h.ny("2026-03-10 10:00"))
    return cohort


def page_of(world: World, who: str, cohort: Any) -> str:
    with time_machine.travel(h.NOW, tick=False):
        response = world.client(who).get(reverse("cohort_adoption", args=["acme", cohort.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_sees_their_own_row_and_the_spread_without_names(world: World) -> None:
    cohort = with_figures(world)
    mine = page_of(world, "manager", cohort)
    assert "Mandy &lt;b&gt;Manager&lt;/b&gt;" in mine  # escaped
    assert "Pete Peer" not in mine
    assert "The cohort" in mine and "median" in mine
    theirs = page_of(world, "peer", cohort)
    assert "Pete Peer" in theirs and "Mandy" not in theirs


def test_the_facilitator_sees_every_manager_little_use_first_with_the_formulas(
    world: World,
) -> None:
    cohort = with_figures(world)
    body = page_of(world, "facilitator", cohort)
    # Pete has no plan (no data) and comes first; Mandy: 2 sessions in 30 days,
    # 2 x 7 / 30 = 0.47 -> 0.5 a week of 2 (25 %).
    assert body.index("Pete Peer") < body.index("Mandy")
    assert "0.5 a week of 2 (25%)" in body
    assert "no data" in body
    assert '<svg class="sparkline"' in body
    assert "Coaching sessions finished with their own reps" in body
    assert "Email me this page every Monday" in body


def test_the_page_in_spanish(world: World) -> None:
    cohort = with_figures(world)
    profile = world.members["facilitator"].user.profile
    profile.language = "es"
    profile.save()
    body = page_of(world, "facilitator", cohort)
    assert "¿Están coachando los gerentes?" in body
    assert "sin datos" in body
    assert "0,5 por semana de 2 (25%)" in body


@pytest.mark.parametrize("managers", [2, 10])
def test_the_page_costs_the_same_queries_for_2_managers_as_for_10(
    world: World, managers: int, django_assert_num_queries: Any
) -> None:
    cohort = program_world(world)
    for n in range(managers):
        manager = h.person(world, f"m{n}", Role.COACH)
        enrollment = h.enroll(cohort, manager)
        rep = h.person(world, f"m{n}rep", Role.REP)
        plan = h.plan(manager, rep, 1, low=1000, metric="Revenue")
        session = h.held(plan, h.ny("2026-03-10 10:00"))
        c = h.commitment(session, rep, dt.date(2026, 3, 12))
        h.checkin(c, h.ny("2026-03-14 09:00"), answered_at=h.ny("2026-03-14 10:00"))
        made, levels = h.rubric(world)
        h.role_play(
            cohort,
            made,
            levels,
            enrollment,
            dt.date(2026, 3, 3),
            [(world.members["facilitator"], AssessorKind.FACILITATOR, 2, 3)],
        )
    client = world.client("facilitator")
    url = reverse("cohort_adoption", args=["acme", cohort.pk])
    with time_machine.travel(h.NOW, tick=False):
        client.get(url)  # sessions, content types: the first request's own costs
        with django_assert_num_queries(PAGE_QUERIES):
            assert client.get(url).status_code == 200


# The request's own eleven (session, user, workspace, membership, last workspace, the menus,
# the cohort, the sponsor check, the subscription), then the figures' thirteen.
PAGE_QUERIES = 24


# The weekly email -----------------------------------------------------------------------------


def test_the_sponsor_subscribes_and_gets_it_monday_eight_their_time_in_spanish_over_smtp(
    world: World, smtp_server: Any
) -> None:
    cohort = with_figures(world)
    sponsor = world.members["stakeholder"]
    profile = sponsor.user.profile
    profile.time_zone, profile.language = "America/Mexico_City", "es"
    profile.save()
    client = world.client("stakeholder")
    url = reverse("adoption_subscription", args=["acme", cohort.pk])
    # Wednesday 25 March: the first email is Monday 30 March, 08:00 in Mexico City (14:00 UTC).
    with time_machine.travel(dt.datetime(2026, 3, 25, 12, tzinfo=dt.UTC), tick=False):
        assert client.post(url).status_code == 302
        assert client.post(url).status_code == 302  # twice: still one subscription
    sub = AdoptionSubscription.objects.get(recipient=sponsor)
    assert sub.next_send_at == dt.datetime(2026, 3, 30, 14, tzinfo=dt.UTC)
    assert Event.objects.filter(verb="adoption.subscribed").count() == 2
    with time_machine.travel(dt.datetime(2026, 3, 30, 13, 59, tzinfo=dt.UTC), tick=False):
        assert adoption_digest.plan_adoption_digests() == 0  # not yet
    monday = dt.datetime(2026, 3, 30, 14, 1, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False):
        assert adoption_digest.plan_adoption_digests() == 1
        assert adoption_digest.plan_adoption_digests() == 0  # a second planner: nothing
        dispatch()
    smtp_server.wait_for(1)
    (message,) = [m for m in smtp_server.messages if m["To"] == sponsor.user.email]
    assert "¿Están coachando los gerentes?" in str(message["Subject"])
    body = text_body(message)
    assert "Mandy <b>Manager</b>" in body and "Pete Peer" in body
    assert "sin datos" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip("<>")
    assert "/adoption/unsubscribe/" in link
    sub.refresh_from_db()
    assert sub.next_send_at == dt.datetime(2026, 4, 6, 14, tzinfo=dt.UTC)
    # The mail provider's one-click POST: no session, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    with time_machine.travel(monday + dt.timedelta(hours=2), tick=False):
        response = provider.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.is_stopped
    assert Event.objects.filter(verb="adoption.unsubscribed").exists()
    with time_machine.travel(dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC), tick=False):
        assert adoption_digest.plan_adoption_digests() == 0
    assert AdoptionDigest.objects.count() == 1


def test_a_link_scanner_opening_the_unsubscribe_link_changes_nothing(world: World) -> None:
    cohort = program_world(world)
    sub = adoption_digest.subscribe(world.members["stakeholder"], cohort, None)
    response = Client().get(reverse("adoption_unsubscribe", args=[sub.unsubscribe_token()]))
    assert response.status_code == 200
    assert b"Unsubscribe from the weekly adoption email?" in response.content
    sub.refresh_from_db()
    assert not sub.is_stopped
    response = Client().post(reverse("adoption_unsubscribe", args=[sub.unsubscribe_token()]), {})
    assert b"You are unsubscribed" in response.content


def test_a_bad_unsubscribe_link_gets_a_clear_page(world: World) -> None:
    cohort = program_world(world)
    sub = adoption_digest.subscribe(world.members["stakeholder"], cohort, None)
    token = sub.unsubscribe_token()[:-3] + "zzz"
    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("adoption_unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "Traceback" not in response.content.decode()
    sub.refresh_from_db()
    assert not sub.is_stopped


def test_a_sponsor_removed_from_the_program_gets_no_more(world: World) -> None:
    cohort = program_world(world)
    with time_machine.travel(dt.datetime(2026, 3, 25, 12, tzinfo=dt.UTC), tick=False):
        sub = adoption_digest.subscribe(world.members["stakeholder"], cohort, None)
    cohort.program.sponsors.clear()
    with time_machine.travel(dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC), tick=False):
        assert adoption_digest.plan_adoption_digests() == 0
    assert not FollowUp.objects.filter(kind="cohort_adoption").exists()
    sub.refresh_from_db()
    assert sub.next_send_at == dt.datetime(2026, 4, 6, 8, tzinfo=dt.UTC)


def test_the_weeks_across_daylight_saving_stay_at_eight_local(world: World) -> None:
    cohort = program_world(world)
    sponsor = world.members["stakeholder"]
    profile = sponsor.user.profile
    profile.time_zone = "America/New_York"
    profile.save()
    with time_machine.travel(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False):
        sub = adoption_digest.subscribe(sponsor, cohort, None)
    moments = []
    for _ in range(2):
        assert sub.next_send_at is not None
        moments.append(sub.next_send_at)
        with time_machine.travel(sub.next_send_at + dt.timedelta(minutes=1), tick=False):
            adoption_digest.plan_adoption_digests()
        sub.refresh_from_db()
    # 08:00 EST is 13:00 UTC (9 March is after the change: 08:00 EDT is 12:00 UTC).
    assert moments == [
        dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC),
    ]
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        assert sub.next_moment(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)) == dt.datetime(
            2026, 3, 2, 13, tzinfo=dt.UTC
        )
