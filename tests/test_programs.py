"""Programs and cohorts: making them, enrolling managers (once per program), the session held
with attendance, a debrief, private notes and commitments that are followed up like any other;
who reads what; and bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from followthrough.accounts import actions as accounts
from followthrough.accounts.models import CoachingRelationship, Role
from followthrough.coaching import actions as coaching
from followthrough.coaching.models import Commitment, Plan, SessionState
from followthrough.events.models import Event
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib.errors import ActionRefused
from followthrough.programs import actions
from followthrough.programs.models import (
    Attendance,
    Enrollment,
    Program,
    ProgramSession,
    ProgramSessionState,
)
from tests.coaching_helpers import NEW_YORK, live_in
from tests.conftest import World, make_member
from tests.programs_helpers import cast, cohort_of

BERLIN = "Europe/Berlin"
NOW = dt.datetime(2026, 10, 19, 12, 0, tzinfo=dt.UTC)  # a Monday
WORKSHOP_DAY = dt.date(2026, 10, 21)
AFTER_WORKSHOP = dt.datetime(2026, 10, 21, 22, 0, tzinfo=dt.UTC)


def errors(html: str) -> list[str]:
    return re.findall(r'role="alert"><p>(.*?)</p>', html)


def test_a_program_gets_default_topics_in_the_workspace_language(world: World) -> None:
    world.workspace.language = "es"
    world.workspace.save()
    response = world.client("admin").post(
        reverse("program_new", args=["acme"]),
        {"name": "Gerente coach", "goal": "Coaching", "phone_sessions": "6", "weeks_between": "2"},
    )
    program = Program.objects.get()
    assert response.status_code == 302
    assert len(program.topics) == 7
    assert program.topics[0] == "El modelo de coaching: panorama y herramientas"
    assert program.topics[1] == "Escuchar"
    assert Event.objects.filter(verb="program.created").count() == 1
    # Eight calls: the usual seven topics, then one named by its number.
    longer = actions.create_program(
        world.workspace, by=world.user("admin"), name="Longer", phone_sessions=8
    )
    assert len(longer.topics) == 9 and longer.topics[-1] == "Sesión telefónica 8"


def test_enrolling_makes_the_facilitator_the_managers_coach_with_a_plan(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    manager, facilitator = world.members["manager"], world.members["facilitator"]
    assert CoachingRelationship.objects.filter(coach=facilitator, rep=manager).exists()
    plan = Enrollment.objects.get(cohort=cohort, manager=manager).plan
    assert plan is not None
    assert (plan.coach, plan.rep, plan.purpose) == (
        facilitator,
        manager,
        "Coach reps with the new model",
    )
    assert Event.objects.filter(verb="cohort.enrolled").count() == 2
    # The facilitator reads the manager's plan; the peer does not.
    assert world.client("facilitator").get(plan.get_absolute_url()).status_code == 200
    assert world.client("manager").get(plan.get_absolute_url()).status_code == 200
    assert world.client("peer").get(plan.get_absolute_url()).status_code == 403


def test_a_manager_is_enrolled_once_per_program(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        with pytest.raises(ActionRefused, match="already enrolled"):
            actions.enroll(cohort, world.members["manager"], by=world.user("admin"))
        other = actions.create_cohort(
            cohort.program,
            by=world.user("admin"),
            name="Autumn",
            facilitator=world.members["coach"],
            starts_on=WORKSHOP_DAY,
        )
        response = world.client("admin").post(
            reverse("cohort_enroll", args=["acme", other.pk]),
            {"manager": world.members["manager"].pk},
        )
    assert response.status_code == 400
    assert errors(response.text) == [
        "Marco Díaz is already enrolled in this program (cohort “Spring cohort”)."
    ]
    assert Enrollment.objects.filter(manager=world.members["manager"]).count() == 1
    # A rep, a stakeholder and the facilitator themselves are not managers to enroll.
    for key, message in [
        ("rep", "is not a manager"),
        ("stakeholder", "is not a manager"),
        ("coach", "facilitator cannot be enrolled"),
    ]:
        with pytest.raises(ActionRefused, match=message):
            actions.enroll(other, world.members[key], by=world.user("admin"))


def hold_workshop(world: World) -> ProgramSession:
    cohort = cohort_of(world)
    return cohort.sessions.get(number=0)


def test_the_session_held_flow_with_commitments_and_check_ins(world: World) -> None:
    cast(world)
    live_in(world, "manager", BERLIN, country="DE")
    live_in(world, "facilitator", NEW_YORK)
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    workshop = cohort.sessions.get(number=0)
    mine = cohort.enrollments.get(manager=world.members["manager"])
    peers = cohort.enrollments.get(manager=world.members["peer"])
    url = reverse("program_session_held", args=["acme", workshop.pk])
    due = dt.date(2026, 11, 3)
    with time_machine.travel(AFTER_WORKSHOP, tick=False):
        page = world.client("facilitator").get(workshop.get_absolute_url())
        assert "Record the session as held" in page.text
        response = world.client("facilitator").post(
            url,
            {
                "debrief": "We **practised** the model.",
                f"present_{mine.pk}": "on",
                f"note_{mine.pk}": "Talks over his reps <b>a lot</b>",
                f"commitment_{mine.pk}_0": "Run two coaching sessions with the new model",
                f"due_{mine.pk}_0": due.isoformat(),
                f"note_{peers.pk}": "Absent: ill",
            },
        )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.state == ProgramSessionState.HELD
    attended = Attendance.objects.get(session=workshop, enrollment=mine)
    absent = Attendance.objects.get(session=workshop, enrollment=peers)
    assert (attended.present, absent.present) == (True, False)
    assert absent.coaching_session is None
    call = attended.coaching_session
    assert call is not None and call.state == SessionState.FINISHED
    assert call.plan == mine.plan
    commitment = Commitment.objects.get(session=call)
    assert (commitment.owner, commitment.due_on) == (world.members["manager"], due)
    # The check-in goes to the manager at 09:00 in Berlin, the second working day after the
    # date; a reminder after it; the facilitator has the follow-up to-do.
    checkin = FollowUp.objects.get(kind=Kind.CHECK_IN, recipient=world.user("manager"))
    assert checkin.context["time_zone"] == BERLIN
    local = checkin.send_at.astimezone(world.user("manager").profile.zone)
    assert (local.date(), local.hour) == (dt.date(2026, 11, 5), 9)
    assert FollowUp.objects.filter(kind=Kind.REMINDER, recipient=world.user("manager")).exists()
    assert commitment.todos.get().owner == world.members["facilitator"]
    assert Event.objects.filter(verb="program_session.held").count() == 1
    # Answering closes the loop as for any commitment.
    coaching.record_response(commitment, answer="done", comment="Did three")
    checkin.refresh_from_db()
    assert checkin.state == State.CANCELLED


def test_who_reads_the_debrief_and_the_private_note(world: World) -> None:
    cast(world)
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    workshop = cohort.sessions.get(number=0)
    mine = cohort.enrollments.get(manager=world.members["manager"])
    with time_machine.travel(AFTER_WORKSHOP, tick=False):
        actions.record_held(
            workshop,
            by=world.user("facilitator"),
            debrief="Listening before telling",
            managers={
                mine.pk: actions.Present(
                    present=True,
                    private_note="Marco <script>x</script> interrupts",
                    commitments=[("Ask three questions first", dt.date(2026, 11, 3))],
                )
            },
        )
        pages = {
            key: world.client(key).get(workshop.get_absolute_url())
            for key in ("facilitator", "manager", "peer", "admin", "stakeholder", "coach", "rep")
        }
    for key in ("facilitator", "manager", "peer", "admin", "stakeholder"):
        assert pages[key].status_code == 200
        assert "Listening before telling" in pages[key].text  # the cohort's debrief
    for key in ("facilitator", "manager"):
        assert "interrupts" in pages[key].text
        assert "<script>x" not in pages[key].text
        assert "Ask three questions first" in pages[key].text
    for key in ("peer", "admin", "stakeholder"):
        assert "interrupts" not in pages[key].text
    for key in ("peer", "stakeholder"):
        assert "Ask three questions first" not in pages[key].text
    assert (pages["coach"].status_code, pages["rep"].status_code) == (403, 403)
    for key in ("coach", "rep"):
        assert "Listening before telling" not in pages[key].text


def test_a_facilitator_who_also_coaches_a_managers_rep(world: World) -> None:
    """Allowed: the facilitator sees that rep as their coach, and nothing more of the
    manager's team; the rep sees nothing of the program."""
    cast(world)
    manager, facilitator = world.members["manager"], world.members["facilitator"]
    accounts.set_relationships(world.members["rep"], [manager, facilitator], [])
    accounts.set_relationships(world.members["other_rep"], [manager], [])
    rep_plan = coaching.create_plan(
        coach=manager,
        rep=world.members["rep"],
        purpose="Rep plan",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 1),
    )
    other_plan = coaching.create_plan(
        coach=manager,
        rep=world.members["other_rep"],
        purpose="Other plan",
        starts_on=dt.date(2026, 10, 1),
        deadline=dt.date(2026, 12, 1),
    )
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    f = world.client("facilitator")
    assert f.get(rep_plan.get_absolute_url()).status_code == 200
    assert f.get(other_plan.get_absolute_url()).status_code == 403
    # Both coach the rep; the manager keeps their own coach (the facilitator) apart.
    assert set(world.members["rep"].coaches()) == {manager, facilitator}
    peer = world.client("peer")
    assert peer.get(rep_plan.get_absolute_url()).status_code == 403
    rep = world.client("rep")
    assert rep.get(cohort.get_absolute_url()).status_code == 403
    manager_plan = Enrollment.objects.get(manager=manager).plan
    assert manager_plan is not None
    assert rep.get(manager_plan.get_absolute_url()).status_code == 403
    assert Plan.objects.filter(rep=manager).count() == 1


def test_leaving_keeps_history_and_cancels_the_calendar(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        mine = cohort.enrollments.get(manager=world.members["manager"])
        response = world.client("facilitator").post(
            reverse("enrollment_leave", args=["acme", mine.pk])
        )
        assert response.status_code == 302
        cancels = FollowUp.objects.filter(
            kind=Kind.PROGRAM_INVITATION,
            recipient=world.user("manager"),
            context__calendar_method="CANCEL",
        )
        assert cancels.count() == 7
        mine.refresh_from_db()
        assert mine.left_at is not None and mine.frozen_at() == mine.left_at
        with pytest.raises(ActionRefused, match="already left"):
            actions.leave(mine, by=world.user("admin"))
        # Moving a session now invites only those still in the cohort.
        first = cohort.sessions.get(number=1)
        actions.move_session(first, first.starts_at + dt.timedelta(hours=2), by=world.user("admin"))
        updated = FollowUp.objects.filter(
            kind=Kind.PROGRAM_INVITATION, about_id=first.pk, context__calendar_sequence=1
        )
        assert world.user("manager").email not in {f.to_email for f in updated}
        assert updated.count() == 2


# Bad input ------------------------------------------------------------------------------------


def test_a_cancelled_session_cannot_be_moved_or_held(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        first = cohort.sessions.get(number=1)
        client = world.client("facilitator")
        assert (
            client.post(reverse("program_session_cancel", args=["acme", first.pk])).status_code
            == 302
        )
        response = client.post(
            reverse("program_session_move", args=["acme", first.pk]),
            {"starts_at": "2026-11-20T10:00", "duration_minutes": "60"},
        )
        assert response.status_code == 400
        assert "Only a scheduled session can be moved." in response.text
        again = client.post(reverse("program_session_cancel", args=["acme", first.pk]), follow=True)
        assert "Only a scheduled session can be cancelled." in again.text
    with pytest.raises(ActionRefused):
        actions.record_held(first, by=world.user("admin"), debrief="", managers={})
    first.refresh_from_db()
    assert first.state == ProgramSessionState.CANCELLED and first.sequence == 1


def test_times_in_the_past_and_other_bad_input_are_refused(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
        first = cohort.sessions.get(number=1)
        client = world.client("facilitator")
        past = client.post(
            reverse("program_session_move", args=["acme", first.pk]),
            {"starts_at": "2026-10-01T10:00", "duration_minutes": "60"},
        )
        assert past.status_code == 400
        assert "That is in the past. Pick a time to come." in errors(past.text)
        # Recording a session that has not started yet.
        with pytest.raises(ActionRefused, match="not started"):
            actions.record_held(first, by=world.user("admin"), debrief="", managers={})
        admin = world.client("admin")
        program_url = reverse("cohort_new", args=["acme", cohort.program_id])
        for day, message in [
            ("2026-10-01", "The workshop day cannot be in the past."),
            ("2026-10-24", "The workshop day is not a working day for the facilitator."),
        ]:
            response = admin.post(
                program_url,
                {"name": "X", "facilitator": world.members["facilitator"].pk, "starts_on": day},
            )
            assert response.status_code == 400 and message in response.text
        too_many = admin.post(
            reverse("program_new", args=["acme"]),
            {"name": "Long", "phone_sessions": "40", "weeks_between": "0"},
        )
        assert too_many.status_code == 400 and len(errors(too_many.text)) == 2
    workshop = cohort.sessions.get(number=0)
    mine = cohort.enrollments.get(manager=world.members["manager"])
    with time_machine.travel(AFTER_WORKSHOP, tick=False):
        response = world.client("facilitator").post(
            reverse("program_session_held", args=["acme", workshop.pk]),
            {
                f"commitment_{mine.pk}_0": "Something",
                f"due_{mine.pk}_0": "2026-10-01",
                f"present_{mine.pk}": "on",
            },
        )
        assert response.status_code == 400
        assert "The date cannot be in the past." in errors(response.text)
        absent = world.client("facilitator").post(
            reverse("program_session_held", args=["acme", workshop.pk]),
            {f"commitment_{mine.pk}_0": "Something", f"due_{mine.pk}_0": "2026-11-01"},
        )
        assert "Commitments are for the managers present." in errors(absent.text)
    workshop.refresh_from_db()
    assert workshop.state == ProgramSessionState.SCHEDULED
    assert not Attendance.objects.exists() and not Commitment.objects.exists()


def test_cohort_pages_do_not_grow_queries_with_managers(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        cohort = cohort_of(world, starts_on=WORKSHOP_DAY)
    client = world.client("facilitator")
    workshop = cohort.sessions.get(number=0)

    def counts() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        found = []
        for url in (cohort.get_absolute_url(), workshop.get_absolute_url()):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found[0], found[1]

    with time_machine.travel(AFTER_WORKSHOP, tick=False):
        before = counts()
        for n in range(5):
            actions.enroll(
                cohort, make_member(world.workspace, f"m{n}", Role.COACH), by=world.user("admin")
            )
        enrollments = {
            e.pk: actions.Present(present=True, private_note="n")
            for e in cohort.active_enrollments()
        }
        actions.record_held(
            workshop, by=world.user("facilitator"), debrief="d", managers=enrollments
        )
        after = counts()
    assert after[0] == before[0]
    assert after[1] <= before[1] + 2  # the attendance rows appear once held, in fixed queries
