"""Issue 14, item 2: managers coached through the same loop. One rule says who may be coached
(a rep, a coach or an admin; never a stakeholder, never oneself); a facilitator opens a plan for
a manager, the manager's commitments get check-ins, reminders and open loops in the manager's
time zone, the manager answers them like a rep; and who sees what around a coached manager."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followthrough import permissions
from followthrough.accounts import actions as accounts
from followthrough.accounts.models import CoachingRelationship, Membership, Role
from followthrough.clients import binder as binders
from followthrough.coaching import actions
from followthrough.coaching.models import Commitment, CommitmentState, Plan, Response, Session
from followthrough.events.models import Event
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib.errors import ActionRefused, NotFound
from tests.coaching_helpers import NEW_YORK, checkin_links, live_in
from tests.conftest import Inbox, World, dispatch, make_member
from tests.test_i18n import speaks

UTC = dt.UTC
MADRID = "Europe/Madrid"
# Thursday 29 October 2026, 16:00 in Madrid (CET since Sunday 25 October, UTC+1).
SESSION_DAY = dt.datetime(2026, 10, 29, 15, 0, tzinfo=UTC)


@pytest.fixture
def program(world: World) -> World:
    """The world, plus an outside facilitator who coaches the manager ("coach", who coaches
    "rep") and a peer manager of the same workspace who coaches nobody here."""
    world.members["facilitator"] = make_member(world.workspace, "facilitator", Role.COACH)
    world.members["peer"] = make_member(world.workspace, "peer", Role.COACH)
    accounts.set_relationships(world.members["coach"], [world.members["facilitator"]], [])
    return world


def manager_plan(world: World) -> Plan:
    return actions.create_plan(
        coach=world.members["facilitator"],
        rep=world.members["coach"],
        purpose="Become a coach, not a boss",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 15),
        why="My team deserves better than my old habits",
    )


def rep_plan(world: World) -> Plan:
    return actions.create_plan(
        coach=world.members["coach"],
        rep=world.members["rep"],
        purpose="Keep the job",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 11, 30),
        why="Rep's secret reason",
    )


def session_with_commitment(
    world: World, plan: Plan, text: str, owner: str, by: str
) -> tuple[Session, Commitment]:
    session = actions.schedule_session(plan, SESSION_DAY, by=world.user(by))
    commitment = actions.add_commitment(
        session,
        owner=world.members[owner],
        text=text,
        due_on=dt.date(2026, 10, 30),  # Friday
        measures=[{"name": "coaching sessions", "target": 2}],
        by=world.user(by),
    )
    return session, commitment


# The rule -------------------------------------------------------------------------------------


def test_who_may_be_coached_by_whom(program: World) -> None:
    m = program.members
    assert m["rep"].can_be_coached_by(m["coach"])
    assert m["coach"].can_be_coached_by(m["facilitator"])
    assert m["admin"].can_be_coached_by(m["facilitator"])
    assert m["coach"].can_be_coached_by(m["admin"])
    assert not m["coach"].can_be_coached_by(m["coach"])  # never oneself
    assert not m["stakeholder"].can_be_coached_by(m["coach"])  # stakeholders are not coached
    assert not m["coach"].can_be_coached_by(m["rep"])  # a rep coaches nobody
    assert not m["coach"].can_be_coached_by(m["outsider"])  # another workspace
    assert [r.can_be_coached for r in (m["admin"], m["coach"], m["rep"], m["stakeholder"])] == [
        True,
        True,
        True,
        False,
    ]


def test_a_manager_is_coached_by_another_coach_with_its_event(program: World) -> None:
    m = program.members
    assert list(m["coach"].coaches()) == [m["facilitator"]]
    event = Event.objects.filter(verb="member.relationships_set").latest("pk")
    assert event.data["name"] == m["coach"].user.name
    assert event.data["coaches"] == [m["facilitator"].user.name]
    # An admin may be coached too, by a coach; and a coach by an admin.
    accounts.set_relationships(m["admin"], [m["facilitator"]], [])
    accounts.set_relationships(m["facilitator"], [m["admin"]], [])
    assert CoachingRelationship.objects.filter(rep=m["admin"], coach=m["facilitator"]).exists()


@pytest.mark.parametrize(
    ("person", "coaches", "followers", "message"),
    [
        ("coach", ["coach"], [], "Nobody coaches themselves."),
        ("stakeholder", ["coach"], [], "Stakeholders are not coached or followed."),
        ("coach", ["rep"], [], "Only coaches and admins can coach a rep."),
        ("coach", ["facilitator"], ["stakeholder"], "Only reps are followed by stakeholders."),
    ],
)
def test_relationships_that_are_refused(
    program: World, person: str, coaches: list[str], followers: list[str], message: str
) -> None:
    m = program.members
    before = list(CoachingRelationship.objects.values_list("coach_id", "rep_id"))
    with pytest.raises(ActionRefused, match=re.escape(message)):
        accounts.set_relationships(m[person], [m[c] for c in coaches], [m[f] for f in followers])
    assert list(CoachingRelationship.objects.values_list("coach_id", "rep_id")) == before


def test_rep_relationships_unchanged(program: World) -> None:
    m = program.members
    accounts.set_relationships(m["other_rep"], [m["admin"], m["coach"]], [m["stakeholder"]])
    assert set(m["other_rep"].coaches()) == {m["admin"], m["coach"]}
    assert list(m["other_rep"].followers()) == [m["stakeholder"]]
    with pytest.raises(ActionRefused, match=re.escape("A rep cannot follow another rep.")):
        accounts.set_relationships(m["other_rep"], [], [m["rep"]])


def test_a_role_change_keeps_coaching_that_still_fits(program: World) -> None:
    m = program.members
    accounts.change_role(m["coach"], Role.ADMIN)
    assert list(m["coach"].coaches()) == [m["facilitator"]]  # an admin may be coached
    accounts.change_role(m["coach"], Role.STAKEHOLDER)
    assert not m["coach"].coaches().exists()  # a stakeholder may not


def test_the_people_page_sets_who_coaches_a_manager(program: World) -> None:
    m = program.members
    admin = program.client("admin")
    url = reverse("member_detail", args=["acme", m["peer"].pk])
    page = admin.get(url)
    assert "Who coaches Peer" in page.text
    assert 'name="followers"' not in page.text  # stakeholders follow reps only
    assert f'value="{m["peer"].pk}"' not in page.text.split("Who coaches Peer")[1]  # not oneself
    saved = admin.post(
        reverse("member_relationships", args=["acme", m["peer"].pk]),
        {"coaches": [m["facilitator"].pk]},
    )
    assert saved.status_code == 302
    assert list(m["peer"].coaches()) == [m["facilitator"]]
    refused = admin.post(
        reverse("member_relationships", args=["acme", m["peer"].pk]),
        {"coaches": [m["peer"].pk]},
        follow=True,
    )
    assert "Choose coaches and followers from the lists." in refused.text
    assert list(m["peer"].coaches()) == [m["facilitator"]]


# Opening a plan -------------------------------------------------------------------------------


def test_a_facilitator_opens_a_plan_for_a_manager(program: World) -> None:
    plan = manager_plan(program)
    assert plan.rep == program.members["coach"]
    event = Event.objects.get(verb="plan.opened")
    assert (event.rep_id, event.data["rep"]) == (program.members["coach"].pk, "Coach")


def test_plans_that_are_refused(program: World) -> None:
    m = program.members
    fields: dict[str, Any] = {
        "purpose": "x",
        "starts_on": dt.date(2026, 1, 1),
        "deadline": dt.date(2026, 2, 1),
    }
    with pytest.raises(ActionRefused, match="Nobody coaches themselves"):
        actions.create_plan(coach=m["coach"], rep=m["coach"], **fields)
    with pytest.raises(ActionRefused, match="Stakeholder cannot be coached"):
        actions.create_plan(coach=m["coach"], rep=m["stakeholder"], **fields)
    with pytest.raises(ActionRefused, match="is not a coach"):
        actions.create_plan(coach=m["rep"], rep=m["coach"], **fields)
    assert not Plan.objects.exists()


def test_the_plan_form_offers_reps_then_the_managers_one_coaches(program: World) -> None:
    m = program.members
    accounts.set_relationships(m["rep"], [m["coach"], m["facilitator"]], [m["stakeholder"]])
    page = program.client("facilitator").get(reverse("plan_new", args=["acme"]))
    assert page.status_code == 200
    reps = page.text.split('<optgroup label="Reps">')[1].split("</optgroup>")[0]
    managers = page.text.split('<optgroup label="Managers you coach">')[1].split("</optgroup>")[0]
    assert f'value="{m["rep"].pk}"' in reps and f'value="{m["coach"].pk}"' not in reps
    assert f'value="{m["coach"].pk}"' in managers
    assert page.text.index("Managers you coach") > page.text.index('label="Reps"')
    # The manager is offered the rep they coach, and no group of managers.
    theirs = program.client("coach").get(reverse("plan_new", args=["acme"])).text
    offered = theirs.split('name="rep"')[1].split("</select>")[0]
    assert f'<option value="{m["rep"].pk}"' in offered
    assert "Managers you coach" not in offered
    assert f'<option value="{m["coach"].pk}"' not in offered


def plan_post(rep: Membership, coach: Membership) -> dict[str, object]:
    return {
        "rep": rep.pk,
        "coach": coach.pk,
        "purpose": "Coach, do not tell",
        "starts_on": "2026-10-01",
        "deadline": "2026-12-15",
        "sessions_per_week": "1",
    }


def test_the_plan_form_opens_a_managers_plan_and_refuses_coaching_oneself(
    program: World,
) -> None:
    m = program.members
    admin = program.client("admin")
    opened = admin.post(reverse("plan_new", args=["acme"]), plan_post(m["peer"], m["admin"]))
    assert opened.status_code == 302, opened.text
    assert Plan.objects.get().rep == m["peer"]
    oneself = admin.post(reverse("plan_new", args=["acme"]), plan_post(m["admin"], m["admin"]))
    assert oneself.status_code == 200
    assert "Nobody coaches themselves: choose another coach for this plan." in oneself.text
    # A coach may not open one for a manager they do not coach.
    theirs = program.client("facilitator").post(
        reverse("plan_new", args=["acme"]), plan_post(m["peer"], m["facilitator"])
    )
    assert theirs.status_code == 200 and "Select a valid choice" in theirs.text
    assert Plan.objects.count() == 1


def test_the_plan_form_in_spanish(program: World) -> None:
    speaks(program, "facilitator", "es")
    page = program.client("facilitator").get(reverse("plan_new", args=["acme"]))
    assert '<optgroup label="Gerentes a quienes acompañas">' in page.text
    assert "Persona acompañada" in page.text
    speaks(program, "admin", "es")
    oneself = program.client("admin").post(
        reverse("plan_new", args=["acme"]),
        plan_post(program.members["admin"], program.members["admin"]),
    )
    assert "Nadie se acompaña a sí mismo" in oneself.text


# The loop for a manager -----------------------------------------------------------------------


def test_a_managers_commitment_goes_round_the_loop_in_their_time_zone(
    program: World, smtp_server: Inbox
) -> None:
    live_in(program, "coach", MADRID, "ES")
    live_in(program, "facilitator", NEW_YORK)
    plan = manager_plan(program)
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        session, commitment = session_with_commitment(
            program, plan, "Run two coaching sessions with the new model", "coach", "facilitator"
        )
        finished = program.client("facilitator").post(
            reverse("session_finish", args=["acme", session.pk]), {}
        )
        assert finished.status_code == 302
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        # Friday due; Monday 2 November, then Tuesday 3 at 09:00 in Madrid (CET) = 08:00 UTC.
        assert checkin.send_at == dt.datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
        assert checkin.recipient == program.user("coach")
        assert dispatch().sent == 1  # the recap, to the manager
        assert smtp_server.wait_for(1)[0]["To"] == program.user("coach").email

        # The manager's Today has their own coaching, and a page to answer from.
        today = program.client("coach").get(reverse("workspace_home", args=["acme"])).text
        own = today.split('id="own-title"')[1].split("</section>")[0]
        assert "Become a coach, not a boss" in own and "1 of your commitments waits" in own
        mine = program.client("coach").get(reverse("my_coaching", args=["acme"])).text
        assert "Run two coaching sessions with the new model" in mine
        assert reverse("commitment_report", args=["acme", commitment.pk]) in mine

        clock.move_to(dt.datetime(2026, 11, 3, 8, 0, 5, tzinfo=UTC))
        assert dispatch().sent == 1
        message = smtp_server.wait_for(2)[1]
        assert message["To"] == program.user("coach").email
        assert message["Reply-To"] == program.user("facilitator").email
        link = urlsplit(checkin_links(message)["Partly"])
        anonymous = Client()
        assert anonymous.get(f"{link.path}?{link.query}").status_code == 200
        answered = anonymous.post(
            link.path, {"answer": "partly", "measure_0": "1", "comment": "Held one with Rep"}
        )
        assert answered.status_code == 200
        commitment.refresh_from_db()
        assert commitment.state == CommitmentState.PARTLY and commitment.open_loop_at is None
        assert FollowUp.objects.get(kind=Kind.REMINDER).state == State.CANCELLED
        answer = Event.objects.get(verb="commitment.answered")
        assert answer.actor == program.user("coach")
        # The facilitator is told, and sees it on Today.
        assert dispatch().sent == 1
        assert smtp_server.wait_for(3)[2]["To"] == program.user("facilitator").email
        facilitator_today = program.client("facilitator").get(
            reverse("workspace_home", args=["acme"])
        )
        assert "Held one with Rep" in facilitator_today.text


def test_a_managers_silence_becomes_an_open_loop_for_the_facilitator(program: World) -> None:
    live_in(program, "coach", MADRID, "ES")
    plan = manager_plan(program)
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        session, commitment = session_with_commitment(
            program, plan, "Ask before telling, every session", "coach", "facilitator"
        )
        actions.finish_session(session, by=program.user("facilitator"))
        commitment.refresh_from_db()
        # The reminder two working days after the check-in, the open loop two more after it.
        assert FollowUp.objects.get(kind=Kind.REMINDER).send_at == dt.datetime(
            2026, 11, 5, 8, 0, tzinfo=UTC
        )
        assert commitment.open_loop_at == dt.datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
        clock.move_to(dt.datetime(2026, 11, 9, 8, 1, tzinfo=UTC))
        assert Commitment.objects.get(pk=commitment.pk).is_open_loop()
        today = program.client("facilitator").get(reverse("workspace_home", args=["acme"])).text
        loops = today.split('id="loops-title"')[1].split("</section>")[0]
        assert "Ask before telling, every session" in loops
        # Not the manager's own open loop on their Today, nor a peer's.
        for who in ("coach", "peer"):
            theirs = program.client(who).get(reverse("workspace_home", args=["acme"])).text
            assert (
                "Ask before telling"
                not in theirs.split('id="loops-title"')[1].split("</section>")[0]
            )


def test_a_manager_reports_from_their_own_page(program: World) -> None:
    plan = manager_plan(program)
    with time_machine.travel(SESSION_DAY, tick=False):
        session, commitment = session_with_commitment(
            program, plan, "Run two sessions", "coach", "facilitator"
        )
        actions.finish_session(session, by=program.user("facilitator"))
        sent = program.client("coach").post(
            reverse("commitment_report", args=["acme", commitment.pk]),
            {"answer": "done", "measure_0": "2", "comment": "Both held", "next": "home"},
        )
        assert sent.status_code == 302
        assert sent["Location"] == reverse("my_coaching", args=["acme"])
        assert Response.objects.get(commitment=commitment).comment == "Both held"
        # The manager does not run their own plan, nor read its private notes.
        assert not permissions.can_run_plan(program.members["coach"], plan)
        assert program.client("coach").post(
            reverse("commitment_outcome", args=["acme", commitment.pk]), {"state": "done"}
        ).status_code in (403, 404)


def test_a_coached_admin_does_not_run_their_own_plan(program: World) -> None:
    m = program.members
    plan = actions.create_plan(
        coach=m["facilitator"],
        rep=m["admin"],
        purpose="Admin learns",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 1),
    )
    assert permissions.can_view_plan(m["admin"], plan)
    assert not permissions.can_run_plan(m["admin"], plan)
    assert not permissions.can_view_private_notes(m["admin"], plan)
    assert not permissions.can_read_private_events(m["admin"], m["admin"])
    assert permissions.can_run_plan(m["admin"], rep_plan(program))  # others' plans as before


def test_my_coaching_page_in_spanish(program: World) -> None:
    speaks(program, "coach", "es")
    manager_plan(program)
    today = program.client("coach").get(reverse("workspace_home", args=["acme"])).text
    assert "Tu propio acompañamiento" in today
    assert "Informa sobre tus compromisos" in today


def test_a_manager_without_a_plan_has_no_own_section(program: World) -> None:
    today = program.client("peer").get(reverse("workspace_home", args=["acme"])).text
    assert 'id="own-title"' not in today


# Who sees what --------------------------------------------------------------------------------


def notes_and_answer(world: World, plan: Plan, owner: str, by: str, words: str) -> Commitment:
    session, commitment = session_with_commitment(world, plan, f"Step of {owner}", owner, by)
    actions.save_notes(
        session, private_notes=f"Private note about {owner}", summary="", by=world.user(by)
    )
    actions.finish_session(session, by=world.user(by))
    actions.record_response(commitment, answer="partly", comment=words)
    return commitment


@time_machine.travel(SESSION_DAY, tick=False)
def test_the_facilitator_sees_the_managers_plan_not_the_managers_reps(program: World) -> None:
    mine = notes_and_answer(program, manager_plan(program), "coach", "facilitator", "M words")
    theirs = notes_and_answer(program, rep_plan(program), "rep", "coach", "Rep words")
    m = program.members
    facilitator = program.client("facilitator")
    plan_page = facilitator.get(reverse("plan_detail", args=["acme", mine.plan_id]))
    assert plan_page.status_code == 200 and "My team deserves better" in plan_page.text
    assert "M words" in facilitator.get(mine.get_absolute_url()).text
    session = facilitator.get(reverse("session_detail", args=["acme", mine.session_id])).text
    assert "Private note about coach" in session
    # The manager's own rep: their plan, answer and notes are not the facilitator's.
    assert facilitator.get(reverse("plan_detail", args=["acme", theirs.plan_id])).status_code == 403
    assert facilitator.get(theirs.get_absolute_url()).status_code == 403
    assert (
        facilitator.get(reverse("session_detail", args=["acme", theirs.session_id])).status_code
        == 403
    )
    assert not permissions.can_read_words(m["facilitator"], m["rep"], False, theirs.plan)
    assert not permissions.can_view_private_notes(m["facilitator"], theirs.plan)
    today = facilitator.get(reverse("workspace_home", args=["acme"])).text
    assert "M words" in today and "Rep words" not in today
    assert theirs.plan not in permissions.visible_plans(m["facilitator"])
    seen = permissions.visible_followups(m["facilitator"])
    assert not seen.filter(recipient=program.user("rep")).exists()
    # The manager is told of their rep's answer; that notice is not the facilitator's to read.
    notice = FollowUp.objects.about(Response.objects.get(commitment=theirs)).get()
    assert notice.recipient == program.user("coach")
    assert not seen.filter(pk=notice.pk).exists()
    assert facilitator.get(reverse("followup_detail", args=["acme", notice.pk])).status_code == 403
    # The manager's own check-in and recap are.
    assert seen.filter(kind=Kind.CHECK_IN, recipient=program.user("coach")).exists()
    assert seen.filter(kind=Kind.RECAP, recipient=program.user("coach")).exists()
    assert "Rep words" not in facilitator.get(reverse("outbox", args=["acme"])).text
    # Coaching a manager gives no team binder: it holds the quotes of reps.
    assert binders.own_binder_scope(m["facilitator"]) == ""
    assert binders.own_binder_scope(m["coach"]) == "team"
    with pytest.raises(NotFound):
        permissions.access_binder(m["admin"], "team", m["facilitator"].pk)


def test_a_facilitator_who_also_coaches_the_rep_sees_them_as_their_coach(
    program: World,
) -> None:
    m = program.members
    accounts.set_relationships(m["rep"], [m["coach"], m["facilitator"]], [m["stakeholder"]])
    with time_machine.travel(SESSION_DAY, tick=False):
        theirs = notes_and_answer(program, rep_plan(program), "rep", "coach", "Rep words")
    facilitator = program.client("facilitator")
    assert "Rep words" in facilitator.get(theirs.get_absolute_url()).text
    session = facilitator.get(reverse("session_detail", args=["acme", theirs.session_id])).text
    assert "Private note about rep" in session
    assert permissions.can_read_words(m["facilitator"], m["rep"], False, theirs.plan)


def test_peers_and_the_managers_reps_do_not_see_a_managers_plan(program: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        mine = notes_and_answer(program, manager_plan(program), "coach", "facilitator", "M words")
    m = program.members
    for who in ("peer", "rep", "other_rep", "stakeholder"):
        client = program.client(who)
        assert client.get(reverse("plan_detail", args=["acme", mine.plan_id])).status_code == 403
        assert client.get(mine.get_absolute_url()).status_code == 403
        assert (
            client.get(reverse("session_detail", args=["acme", mine.session_id])).status_code == 403
        )
        assert mine.plan not in permissions.visible_plans(m[who])
        assert not permissions.can_read_words(m[who], m["coach"], False, mine.plan)
        assert not permissions.can_read_words(m[who], m["coach"], True, mine.plan)
    plans = program.client("peer").get(reverse("plans", args=["acme"])).text
    assert "Become a coach" not in plans
    for who in ("peer", "rep"):
        today = program.client(who).get(reverse("workspace_home", args=["acme"])).text
        assert "M words" not in today and "My team deserves better" not in today


def test_the_manager_sees_their_plan_without_its_private_notes(program: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        mine = notes_and_answer(program, manager_plan(program), "coach", "facilitator", "M words")
    manager = program.client("coach")
    plan_page = manager.get(reverse("plan_detail", args=["acme", mine.plan_id]))
    assert plan_page.status_code == 200 and "My team deserves better" in plan_page.text
    session = manager.get(reverse("session_detail", args=["acme", mine.session_id]))
    assert session.status_code == 200 and "Private note about coach" not in session.text
    plans = manager.get(reverse("plans", args=["acme"])).text
    assert "Become a coach, not a boss" in plans
    # And the manager's own coaching is not on their to-do list as a coach.
    assert not permissions.visible_todos(program.members["coach"]).filter(commitment=mine).exists()


def test_my_coaching_page_has_flat_query_count(program: World) -> None:
    plan = manager_plan(program)
    with time_machine.travel(SESSION_DAY, tick=False):
        for n in range(5):
            session_with_commitment(program, plan, f"Step {n}", "coach", "facilitator")
    client = program.client("coach")
    client.get(reverse("my_coaching", args=["acme"]))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("my_coaching", args=["acme"]))
    with time_machine.travel(SESSION_DAY, tick=False):
        for n in range(5, 25):
            session_with_commitment(program, plan, f"Step {n}", "coach", "facilitator")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("my_coaching", args=["acme"]))
    assert len(many) <= len(few)
