"""The whole loop, with frozen time across a weekend and the end of daylight saving time in New
York: finish a session, the check-in reaches a real SMTP server, its link is answered, and the
coach's Today page shows it. Also silence: reminder, then open loop."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from followthrough.coaching import actions
from followthrough.coaching.models import (
    Commitment,
    CommitmentState,
    Response,
    Session,
    Todo,
    TodoKind,
)
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, Kind, State
from followthrough.lib.errors import ActionRefused
from tests.coaching_helpers import NEW_YORK, checkin_links, live_in, make_session
from tests.conftest import Inbox, World, dispatch, text_body

UTC = dt.UTC
# Thursday 29 October 2026, 11:00 in New York (EDT, UTC-4). Clocks go back on Sunday 1 November.
SESSION_DAY = dt.datetime(2026, 10, 29, 15, 0, tzinfo=UTC)


def finish_with_one_commitment(world: World) -> Commitment:
    live_in(world, "rep", NEW_YORK)
    live_in(world, "coach", NEW_YORK)
    session = make_session(world, starts_at=SESSION_DAY)
    coach = world.client("coach")
    added = coach.post(
        reverse("commitment_add", args=["acme", session.pk]),
        {
            "text": "Call 10 past clients and ask each for 3 referrals",
            "owner": world.members["rep"].pk,
            "due_on": "2026-10-30",  # Friday
            "measures": "calls: 10, referrals asked: 30",
        },
    )
    assert added.status_code == 302, added.content
    finished = coach.post(reverse("session_finish", args=["acme", session.pk]), {})
    assert finished.status_code == 302
    return Commitment.objects.get(session=session)


def test_check_in_goes_out_on_the_second_working_day_after_the_due_date_across_dst(
    world: World, smtp_server: Inbox
) -> None:
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        commitment = finish_with_one_commitment(world)
        by_kind = {f.kind: f for f in FollowUp.objects.filter(workspace=world.workspace)}
        # Friday due; Saturday and Sunday are not working days: Monday 1, Tuesday 2.
        # Tuesday 3 November 09:00 EST (UTC-5, after the change) is 14:00 UTC, not 13:00.
        assert by_kind[Kind.CHECK_IN].send_at == dt.datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
        assert by_kind[Kind.REMINDER].send_at == dt.datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
        assert by_kind[Kind.RECAP].send_at == SESSION_DAY
        assert commitment.open_loop_at == dt.datetime(2026, 11, 9, 14, 0, tzinfo=UTC)
        todo = Todo.objects.get(commitment=commitment)
        assert (todo.owner, todo.kind, todo.due_on) == (
            world.members["coach"],
            TodoKind.FOLLOW_UP,
            dt.date(2026, 11, 3),
        )

        # The recap goes at once; nothing else is due yet, over the weekend either.
        assert dispatch().sent == 1
        recap = smtp_server.wait_for(1)[0]
        assert "Call 10 past clients" in text_body(recap)
        clock.move_to(dt.datetime(2026, 11, 3, 13, 59, tzinfo=UTC))
        assert dispatch().sent == 0

        clock.move_to(dt.datetime(2026, 11, 3, 14, 0, 5, tzinfo=UTC))
        assert dispatch().sent == 1
        checkin = smtp_server.wait_for(2)[1]
        assert checkin["To"] == world.user("rep").email
        assert checkin["Reply-To"] == world.user("coach").email
        assert "How did it go?" in checkin["Subject"]
        links = checkin_links(checkin)
        assert set(links) == {"Done", "Partly", "Not yet", "Let's talk"}

        # The rep follows "Partly" without logging in, and answers with numbers.
        path = urlsplit(links["Partly"])
        anonymous = Client()
        page = anonymous.get(f"{path.path}?{path.query}")
        assert page.status_code == 200
        assert b'value="partly" required checked' in page.content or b"checked" in page.content
        answered = anonymous.post(
            path.path,
            {"answer": "partly", "measure_0": "5", "measure_1": "4", "comment": "Got 4 names"},
        )
        assert answered.status_code == 200
        assert b"has your answer" in answered.content

        commitment.refresh_from_db()
        assert commitment.state == CommitmentState.PARTLY
        assert commitment.open_loop_at is None
        response = Response.objects.get(commitment=commitment)
        assert response.numbers == {"calls": 5, "referrals asked": 4}
        # The reminder will not go; the coach is told by email.
        reminder = FollowUp.objects.get(kind=Kind.REMINDER)
        assert reminder.state == State.CANCELLED
        assert dispatch().sent == 1
        notice = smtp_server.wait_for(3)[2]
        assert notice["To"] == world.user("coach").email
        assert "Partly" in notice["Subject"]
        assert "referrals asked: 4" in text_body(notice)

        # The coach's Today page shows the answer, and the to-do is ticked.
        today = world.client("coach").get(reverse("workspace_home", args=["acme"]))
        assert today.status_code == 200
        assert "Got 4 names" in today.text
        assert "calls: 5, referrals asked: 4" in today.text
        assert Todo.objects.get(commitment=commitment).is_done
        # Answering again updates the same response rather than adding one.
        anonymous.post(path.path, {"answer": "done", "measure_0": "10", "measure_1": "30"})
        assert Response.objects.filter(commitment=commitment).count() == 1
        commitment.refresh_from_db()
        assert commitment.state == CommitmentState.DONE


def test_silence_brings_one_reminder_then_an_open_loop(world: World, smtp_server: Inbox) -> None:
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        commitment = finish_with_one_commitment(world)
        dispatch()
        clock.move_to(dt.datetime(2026, 11, 3, 14, 1, tzinfo=UTC))
        dispatch()
        coach = world.client("coach")
        assert "open loop" not in coach.get(reverse("todos", args=["acme"])).text.lower()

        clock.move_to(dt.datetime(2026, 11, 5, 14, 1, tzinfo=UTC))
        assert dispatch().sent == 1
        reminder = smtp_server.wait_for(3)[2]
        assert reminder["Subject"].startswith("Reminder:")
        assert set(checkin_links(reminder)) == {"Done", "Partly", "Not yet", "Let's talk"}
        # Only one reminder, ever.
        clock.move_to(dt.datetime(2026, 11, 8, 14, 1, tzinfo=UTC))
        assert dispatch().sent == 0
        assert not Commitment.objects.get(pk=commitment.pk).is_open_loop()

        clock.move_to(dt.datetime(2026, 11, 9, 14, 1, tzinfo=UTC))
        assert Commitment.objects.get(pk=commitment.pk).is_open_loop()
        today = coach.get(reverse("workspace_home", args=["acme"])).text
        loops = today.split('id="loops-title"')[1].split("</section>")[0]
        assert "Call 10 past clients" in loops
        todos = coach.get(reverse("todos", args=["acme"])).text
        assert "Open loops" in todos and "Call 10 past clients" in todos


def test_not_yet_opens_a_new_round_with_its_own_check_in(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 3, 14, 5, tzinfo=UTC), tick=False):
        with time_machine.travel(SESSION_DAY, tick=False):
            commitment = finish_with_one_commitment(world)
        actions.record_response(
            commitment, answer="not_yet", new_due_on=dt.date(2026, 11, 13), comment="Sick"
        )
        commitment.refresh_from_db()
        assert (commitment.state, commitment.round, commitment.due_on) == (
            CommitmentState.OPEN,
            2,
            dt.date(2026, 11, 13),
        )
        pending = FollowUp.objects.filter(kind=Kind.CHECK_IN, state=State.SCHEDULED)
        # Friday 13th due: Monday 16, Tuesday 17 at 09:00 EST.
        assert [f.send_at for f in pending] == [dt.datetime(2026, 11, 17, 14, 0, tzinfo=UTC)]
        # The next answer is a new response, for round 2.
        actions.record_response(commitment, answer="done")
        assert sorted(Response.objects.values_list("round", "answer")) == [
            (1, "not_yet"),
            (2, "done"),
        ]


def test_lets_talk_gives_the_coach_a_to_do(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        actions.record_response(commitment, answer="talk", comment="Stuck on the script")
        commitment.refresh_from_db()
        assert commitment.needs_talk
        talk = Todo.objects.get(kind=TodoKind.BOOK_TALK)
        assert talk.owner == world.members["coach"] and "Book a talk" in talk.text
        assert not FollowUp.objects.filter(kind=Kind.CHECK_IN, state=State.SCHEDULED).exists()
        # Recording the outcome after the talk closes it.
        actions.record_outcome(commitment, state="done", note="Sorted", by=world.user("coach"))
        talk.refresh_from_db()
        assert talk.is_done


def test_double_click_on_finish_schedules_one_set(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        again = world.client("coach").post(
            reverse("session_finish", args=["acme", commitment.session_id]), {}, follow=True
        )
        assert "already finished" in again.text
        assert FollowUp.objects.filter(kind=Kind.CHECK_IN).count() == 1
        assert FollowUp.objects.filter(kind=Kind.RECAP).count() == 1
        assert Todo.objects.count() == 1


def test_changing_the_due_date_moves_check_in_and_reminder(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        old = FollowUp.objects.get(kind=Kind.CHECK_IN)
        response = world.client("coach").post(
            reverse("commitment_edit", args=["acme", commitment.pk]),
            {"text": commitment.text, "due_on": "2026-11-06", "measures": "calls: 10"},
        )
        assert response.status_code == 302
        old.refresh_from_db()
        assert old.state == State.CANCELLED
        new = FollowUp.objects.get(kind=Kind.CHECK_IN, state=State.SCHEDULED)
        assert new.send_at == dt.datetime(2026, 11, 10, 14, 0, tzinfo=UTC)
        assert FollowUp.objects.filter(kind=Kind.REMINDER, state=State.SCHEDULED).count() == 1
        assert Todo.objects.get(done_at=None).due_on == dt.date(2026, 11, 10)


def test_dropping_cancels_follow_ups_and_its_link_says_so(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        url = commitment.checkin_url("done")
        world.client("coach").post(reverse("commitment_drop", args=["acme", commitment.pk]))
        assert not FollowUp.objects.filter(
            kind__in=[Kind.CHECK_IN, Kind.REMINDER], state=State.SCHEDULED
        ).exists()
        page = Client().get(urlsplit(url).path)
        assert page.status_code == 410
        assert "was dropped" in page.text
        posted = Client().post(urlsplit(url).path, {"answer": "done"})
        assert posted.status_code == 410
        assert not Response.objects.exists()


def test_tampered_and_expired_links_get_a_clear_page(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False) as clock:
        commitment = finish_with_one_commitment(world)
        path = urlsplit(commitment.checkin_url()).path
        tampered = Client().get(path[:-3] + "xyz/")
        assert tampered.status_code == 400 and "not valid" in tampered.text
        clock.shift(dt.timedelta(days=46))
        expired = Client().get(path)
        assert expired.status_code == 400 and "expired" in expired.text
        other_scope = Client().get(reverse("checkin", args=["not-a-token"]))
        assert other_scope.status_code == 400


def test_the_rep_reports_progress_from_their_page(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        rep = world.client("rep")
        home = rep.get(reverse("workspace_home", args=["acme"]))
        assert "Call 10 past clients" in home.text
        done = rep.post(
            reverse("commitment_report", args=["acme", commitment.pk]),
            {"answer": "done", "measure_0": "10", "measure_1": "31", "next": "home"},
        )
        assert done.status_code == 302
        commitment.refresh_from_db()
        assert commitment.state == CommitmentState.DONE
        # Its check-in and reminder are no longer needed.
        assert not FollowUp.objects.filter(
            kind__in=[Kind.CHECK_IN, Kind.REMINDER], state=State.SCHEDULED
        ).exists()
        assert Response.objects.get().source == "rep"


def test_partly_before_the_due_date_keeps_the_check_in(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        actions.record_response(commitment, answer="partly", numbers={"calls": 3}, source="rep")
        assert FollowUp.objects.filter(kind=Kind.CHECK_IN, state=State.SCHEDULED).count() == 1
        message = FollowUp.objects.get(kind=Kind.CHECK_IN).build_message()
        assert "Last you said: Partly (calls: 3)" in str(message.body)


def test_an_answer_after_send_now_ends_the_rounds_wait(world: World, smtp_server: Inbox) -> None:
    """The check-in went out early with "Send now"; "partly" before the due date answers it,
    so the round's reminder is cancelled and the commitment is no longer waiting."""
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        checkin = FollowUp.objects.get(kind=Kind.CHECK_IN)
        followups.send_now(checkin)
        dispatch()
        checkin.refresh_from_db()
        assert checkin.state == State.SENT
        assert any(world.user("rep").email in m["To"] for m in smtp_server.messages)
        actions.record_response(commitment, answer="partly", numbers={"calls": 3}, source="link")
        reminder = FollowUp.objects.get(kind=Kind.REMINDER)
        assert reminder.state == State.CANCELLED
        commitment.refresh_from_db()
        assert commitment.open_loop_at is None
        assert not commitment.todos.filter(kind=TodoKind.FOLLOW_UP, done_at=None).exists()


def post_commitment(world: World, session_id: int, **fields: Any) -> Any:
    data = {"text": "Call", "owner": world.members["rep"].pk, "due_on": "2026-11-02"}
    data.update(fields)
    return world.client("coach").post(reverse("commitment_add", args=["acme", session_id]), data)


def test_bad_commitments_are_refused_with_a_reason(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        session = make_session(world, starts_at=SESSION_DAY)
        cases: dict[str, tuple[dict[str, Any], str]] = {
            "due date in the past": ({"due_on": "2026-10-28"}, "in the past"),
            "empty text": ({"text": "   "}, "Say what will be done"),
            "negative": ({"measures": "calls: -3"}, "cannot be negative"),
            "absurd": ({"measures": "calls: 99999999999"}, "more than"),
            "not a number": ({"measures": "calls: lots"}, "not a number"),
            "no colon": ({"measures": "ten calls"}, "is not a measure"),
            "check-in before due": (
                {"due_on": "2026-11-05", "followup_at": "2026-11-02T09:00"},
                "not before",
            ),
            "someone else": ({"owner": world.members["other_rep"].pk}, "Select a valid choice"),
        }
        for name, (fields, error) in cases.items():
            response = post_commitment(world, session.pk, **fields)
            assert response.status_code == 400, name
            assert error in response.text, name
        assert not Commitment.objects.exists()
        # Inline with htmx: the errors come back in place of the list, nothing saved.
        response = world.client("coach").post(
            reverse("commitment_add", args=["acme", session.pk]),
            {"text": "", "owner": world.members["rep"].pk, "due_on": "2026-11-02"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and 'id="commitments"' in response.text
        assert "Say what will be done" in response.text
        ok = world.client("coach").post(
            reverse("commitment_add", args=["acme", session.pk]),
            {"text": "Ask for referrals", "owner": world.members["rep"].pk, "due_on": "2026-11-02"},
            headers={"HX-Request": "true"},
        )
        assert "Ask for referrals" in ok.text and "just-added" in ok.text


def test_bad_answers_are_refused_and_lose_nothing(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        path = urlsplit(commitment.checkin_url()).path
        cases = [
            ({"answer": "not_yet"}, "give the new date"),
            ({"answer": "not_yet", "new_due_on": "2026-10-01"}, "cannot be before today"),
            ({"answer": "partly", "measure_0": "-1"}, "greater than or equal to 0"),
            ({"answer": "partly", "measure_0": "1e12"}, "less than or equal to"),
            ({"answer": "maybe"}, "Select a valid choice"),
        ]
        for data, error in cases:
            response = Client().post(path, {**data, "comment": "keep me"})
            assert response.status_code == 400, data
            assert error in response.text, data
            assert "keep me" in response.text  # what was typed is still there
        assert not Response.objects.exists()


def test_html_in_notes_and_comments_is_harmless(world: World) -> None:
    with time_machine.travel(SESSION_DAY, tick=False):
        commitment = finish_with_one_commitment(world)
        session = commitment.session
        actions.save_notes(
            session,
            private_notes="<img src=x onerror=alert(1)>",
            summary="**Good call** <script>alert('x')</script> [link](javascript:alert(1))",
        )
        actions.record_response(commitment, answer="done", comment="<script>alert(2)</script>")
        page = world.client("coach").get(session.get_absolute_url()).text
        assert "<strong>Good call</strong>" in page
        assert "<script>alert" not in page and "onerror" not in page
        assert "javascript:" not in page
        detail = world.client("coach").get(commitment.get_absolute_url()).text
        assert "&lt;script&gt;alert(2)" in detail
        recap = FollowUp.objects.get(kind=Kind.RECAP).build_message()
        html = str(recap.alternatives[0][0])
        assert "<strong>Good call</strong>" in html and "<script>" not in html


@pytest.mark.django_db(transaction=True)
def test_two_finishes_at_the_same_moment_schedule_one_set(world: World) -> None:
    """Two requests racing (a double click on a slow network): one wins, the other is told."""
    session = make_session(world, starts_at=SESSION_DAY)
    actions.add_commitment(
        session,
        owner=world.members["rep"],
        text="Call Dana",
        due_on=dt.date(2099, 1, 2),
        by=world.user("coach"),
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def finish() -> None:
        try:
            start.wait()
            actions.finish_session(Session.objects.get(pk=session.pk), by=world.user("coach"))
            outcomes.append("finished")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["finished", "refused"]
    assert FollowUp.objects.filter(kind=Kind.CHECK_IN).count() == 1
    assert FollowUp.objects.filter(kind=Kind.RECAP).count() == 1
