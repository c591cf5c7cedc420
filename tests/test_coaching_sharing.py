"""Who sees what around a rep (issue 9, items 2, 3, 8 and 19): names on member pages, the rep's
own words and their sharing, the second coach's loop, and the coach's reply to an answer.

The world: "coach" coaches "rep" and runs the plan; "stakeholder" follows "rep"; "karen" (made
here) is a second coach of "rep" who does not run the plan."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
import time_machine
from django.urls import reverse

from followthrough import permissions
from followthrough.accounts import actions as accounts
from followthrough.accounts.models import Membership, Role
from followthrough.coaching import actions
from followthrough.coaching.forms import CommitmentForm
from followthrough.coaching.models import Commitment, Reply, Response, Todo
from followthrough.followups.models import FollowUp, Kind
from followthrough.lib.errors import ActionRefused
from followthrough.metrics.models import ConfidenceRating
from tests.builders import commitment_of
from tests.coaching_helpers import make_plan, make_session
from tests.conftest import Inbox, World, dispatch, make_member, text_body
from tests.permission_matrix import VISITORS

UTC = dt.UTC
MONDAY = dt.datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
SECRET = "How do I ask without stepping on Karen's accounts?"
WHY = "Paying off the credit card, for my family"


def add_karen(world: World) -> Membership:
    """A second coach of the rep (the rep's manager), who does not run the plan."""
    karen = make_member(world.workspace, "karen", Role.COACH)
    world.members["karen"] = karen
    accounts.set_relationships(
        world.members["rep"],
        [world.members["coach"], karen],
        [world.members["stakeholder"]],
    )
    return karen


def answered(world: World, comment: str = SECRET) -> Commitment:
    """A finished session with one commitment, answered "partly" with a comment."""
    session = make_session(world, starts_at=MONDAY)
    commitment = actions.add_commitment(
        session,
        owner=world.members["rep"],
        text="Ask Dana for two referrals",
        due_on=dt.date(2026, 11, 16),
        by=world.user("coach"),
    )
    actions.finish_session(session, by=world.user("coach"))
    actions.record_response(commitment, answer="partly", comment=comment)
    return commitment


def page(world: World, who: str | None, url: str) -> str:
    return world.client(who).get(url).content.decode()


# Item 2: a rep never sees another rep ----------------------------------------------------------


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in ("outsider", None)])
@pytest.mark.parametrize("target", ["coach", "stakeholder", "rep", "admin"])
def test_member_pages_name_only_people_the_viewer_may_see(
    world: World, visitor: str, target: str
) -> None:
    """The coach coaches both reps and the stakeholder follows both: whoever opens a page,
    every name it lists is someone they may see."""
    reps = (world.members["rep"], world.members["other_rep"])
    for rep in reps:
        accounts.set_relationships(rep, [world.members["coach"]], [world.members["stakeholder"]])
    viewer = world.members[visitor]
    response = world.client(visitor).get(world.members[target].get_absolute_url())
    if response.status_code != 200:
        assert not permissions.can_view_member(viewer, world.members[target])
        return
    listed = [
        member
        for key in ("coaches", "followers", "coached_reps", "followed_reps")
        for member in response.context[key]
    ]
    assert all(permissions.can_view_member(viewer, member) for member in listed)
    if visitor in ("rep", "other_rep") and target in ("coach", "stakeholder"):
        other = "other_rep" if visitor == "rep" else "rep"
        assert world.members[other] not in listed
        assert world.members[visitor] in listed
    if visitor in ("admin", "coach") and target == "coach":
        assert set(response.context["coached_reps"]) == set(reps)


def test_visible_members_is_can_view_member_as_a_list(world: World) -> None:
    add_karen(world)
    everyone = list(Membership.objects.all())
    for viewer in everyone:
        visible = set(permissions.visible_members(viewer))
        for target in everyone:
            assert (target in visible) == permissions.can_view_member(viewer, target), (
                viewer,
                target,
            )


# Item 3: the rep's words reach stakeholders only when shared ------------------------------------


# Who reads the rep's words (unshared, shared): the rep's coach and the admin always; the
# stakeholder only when shared; another rep and the outsider never.
READS = {
    "admin": (True, True),
    "coach": (True, True),
    "rep": (True, True),
    "other_rep": (False, False),
    "stakeholder": (False, True),
    "outsider": (False, False),
}


@pytest.mark.parametrize("visitor", READS)
def test_can_read_words_for_every_role(world: World, visitor: str) -> None:
    plan = make_plan(world)
    viewer, rep = world.members[visitor], world.members["rep"]
    expected = READS[visitor]
    assert (
        permissions.can_read_words(viewer, rep, False, plan),
        permissions.can_read_words(viewer, rep, True, plan),
    ) == expected
    assert (
        permissions.can_read_words(viewer, rep, False),
        permissions.can_read_words(viewer, rep, True),
    ) == expected


def test_a_stakeholder_named_on_the_plan_reads_only_what_is_shared(world: World) -> None:
    named = make_member(world.workspace, "vp", Role.STAKEHOLDER)
    plan = make_plan(world)
    plan.stakeholders.add(named)
    assert not permissions.can_read_words(named, plan.rep, False, plan)
    assert permissions.can_read_words(named, plan.rep, True, plan)


def test_the_demo_case_the_comment_reaches_the_stakeholder_only_once_shared(
    world: World,
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
        response = commitment.responses.get()
        pages = [
            commitment.get_absolute_url(),
            commitment.plan.get_absolute_url(),
            commitment.session.get_absolute_url(),
        ]
        escaped = "How do I ask without stepping on Karen&#x27;s accounts?"
        for url in pages[:2]:
            for visitor in ("coach", "admin", "rep"):
                assert escaped in page(world, visitor, url), (visitor, url)
        for url in pages:
            body = page(world, "stakeholder", url)
            assert "Ask Dana" in body  # the figures: the commitment, its state and dates
            assert "Karen&#x27;s accounts" not in body
        # The rep shares it from the commitment's page; the stakeholder now reads it.
        reply = world.client("rep").post(
            reverse("response_share", args=["acme", response.pk]), {"shared": "1"}
        )
        assert reply.status_code == 302
        response.refresh_from_db()
        assert response.words_shared and response.words_shared_by == world.user("rep")
        for url in pages[:2]:
            assert escaped in page(world, "stakeholder", url)
        # And stops sharing it.
        world.client("rep").post(reverse("response_share", args=["acme", response.pk]), {})
        assert "Karen&#x27;s accounts" not in page(world, "stakeholder", pages[0])


def test_a_coach_shares_the_why_only_with_the_reps_agreement(world: World) -> None:
    plan = make_plan(world)
    plan.why = WHY
    plan.save()
    url = reverse("plan_share", args=["acme", plan.pk])
    assert WHY not in page(world, "stakeholder", plan.get_absolute_url())
    assert WHY in page(world, "coach", plan.get_absolute_url())
    world.client("coach").post(url, {"shared": "1"})  # no agreement ticked
    plan.refresh_from_db()
    assert not plan.words_shared
    world.client("coach").post(url, {"shared": "1", "rep_agreed": "1"})
    plan.refresh_from_db()
    assert plan.words_shared and plan.words_shared_by == world.user("coach")
    assert WHY in page(world, "stakeholder", plan.get_absolute_url())
    assert "with Rep's agreement" in page(world, "rep", plan.get_absolute_url())


def test_the_share_action_refuses_a_coach_without_the_agreement(world: World) -> None:
    plan = make_plan(world)
    with pytest.raises(ActionRefused):
        actions.share_words(plan, plan=plan, by=world.members["coach"], shared=True)
    actions.share_words(plan, plan=plan, by=world.members["rep"], shared=True)
    assert plan.words_shared


def test_the_checkin_page_says_who_reads_and_lets_the_rep_share(world: World) -> None:
    add_karen(world)
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world, comment="")
        url = reverse("checkin", args=[commitment.checkin_token()])
        body = page(world, None, url)
        assert "Your coaches Coach and Karen read this." in body
        assert "So does Admin, the workspace's admin." in body
        assert "Stakeholder (stakeholder) reads it only if you share it." in body
        assert "Share my comment with Stakeholder" in body
        world.client(None).post(url, {"answer": "done", "comment": "Dana said yes", "share": "on"})
        response = commitment.responses.get()
        assert response.words_shared and response.words_shared_by == world.user("rep")
        assert "Dana said yes" in page(world, "stakeholder", commitment.get_absolute_url())


def test_the_reps_home_shows_the_why_with_who_reads_it(world: World) -> None:
    plan = make_plan(world)
    plan.why = WHY
    plan.save()
    body = page(world, "rep", reverse("workspace_home", args=["acme"]))
    assert WHY in body
    assert "Stakeholder (stakeholder) reads it only if you share it." in body
    assert "Share with Stakeholder" in body


def test_the_confidence_comment_is_not_for_stakeholders(world: World) -> None:
    ConfidenceRating.objects.create(
        workspace=world.workspace, member=world.members["rep"], rating=2, comment=SECRET[:40]
    )
    url = reverse("rep_progress", args=["acme", world.members["rep"].pk])
    assert "Karen&#x27;s" in page(world, "coach", url)
    body = page(world, "stakeholder", url)
    assert "2</strong> of 5" in body and "Karen&#x27;s" not in body


@pytest.mark.parametrize("visitor", ["stakeholder", "other_rep", "outsider"])
def test_who_may_not_share_changes_nothing(world: World, visitor: str) -> None:
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
    response = commitment.responses.get()
    client = world.client(visitor)
    plan, session = commitment.plan, commitment.session
    for view, pk in (
        ("response_share", response.pk),
        ("plan_share", plan.pk),
        ("session_share", session.pk),
    ):
        status = client.post(reverse(view, args=["acme", pk]), {"shared": "1"}).status_code
        assert status == (404 if visitor == "outsider" else 403)
    for thing in (response, plan, session):
        thing.refresh_from_db()
        assert not thing.words_shared


# Item 8: the second coach sees the same loop --------------------------------------------------


def test_a_co_coach_sees_the_reps_answers_open_loops_and_to_dos(world: World) -> None:
    add_karen(world)
    with time_machine.travel(MONDAY, tick=False) as clock:
        talked = answered(world, comment="Can we talk about the accounts")
        session = make_session(world, starts_at=MONDAY)
        silent = actions.add_commitment(
            session,
            owner=world.members["rep"],
            text="Call the Hendersons",
            due_on=dt.date(2026, 11, 16),
            by=world.user("coach"),
        )
        actions.finish_session(session, by=world.user("coach"))
        answers = world.client("karen").get(reverse("workspace_home", args=["acme"]))
        assert "Can we talk about the accounts" in answers.content.decode()
        clock.move_to(dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC))  # silence: an open loop
        silent.refresh_from_db()
        assert silent.is_open_loop()
        today = world.client("karen").get(reverse("workspace_home", args=["acme"]))
        assert silent in today.context["open_loops"]
        assert "Call the Hendersons" in today.content.decode()
        todos = world.client("karen").get(reverse("todos", args=["acme"]))
        assert silent in todos.context["open_loops"]
        coach_todo = Todo.objects.get(commitment=silent)
        assert coach_todo.owner == world.members["coach"]
        assert coach_todo in todos.context["todos"]
        assert "Coach's to-do" in todos.content.decode()
        # She may tick it; a coach of nobody here may not.
        world.client("karen").post(reverse("todo_tick", args=["acme", coach_todo.pk]))
        coach_todo.refresh_from_db()
        assert coach_todo.is_done
        assert talked.pk
        other = world.client("admin").get(reverse("todos", args=["acme"]))
        assert silent not in other.context["open_loops"]


def test_any_coach_of_the_rep_may_own_a_step(world: World) -> None:
    karen = add_karen(world)
    session = make_session(world, starts_at=MONDAY)
    form = CommitmentForm(plan=session.plan)
    choices = dict(form.fields["owner"].choices)  # type: ignore[attr-defined]
    assert set(choices) == {
        str(m.pk) for m in (world.members["rep"], world.members["coach"], karen)
    }
    assert choices[str(karen.pk)] == "Karen (coach)"
    with time_machine.travel(MONDAY - dt.timedelta(days=1), tick=False):
        world.client("coach").post(
            reverse("commitment_add", args=["acme", session.pk]),
            {
                "text": "Introduce Rep to the Acme account",
                "owner": karen.pk,
                "due_on": "2026-11-20",
            },
        )
    assert Commitment.objects.get(text__startswith="Introduce").owner == karen
    with pytest.raises(ActionRefused):
        actions.add_commitment(
            session,
            owner=world.members["other_rep"],
            text="Not theirs",
            due_on=dt.date(2026, 11, 20),
            by=world.user("coach"),
        )


# Item 19: the coach replies to an answer --------------------------------------------------------


def test_a_coach_replies_and_the_rep_gets_it_by_email(world: World, smtp_server: Inbox) -> None:
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
        dispatch()  # the recap and the coach's notice of the answer
        before = len(smtp_server.messages)
        response = commitment.responses.get()
        text = "Ask Karen first <script>alert(1)</script> & then Dana"
        reply = world.client("coach").post(
            reverse("commitment_reply", args=["acme", commitment.pk]),
            {"response": response.pk, "text": text},
        )
        assert reply.status_code == 302 and reply["Location"] == commitment.get_absolute_url()
        saved = Reply.objects.get()
        assert (saved.response, saved.author, saved.text) == (
            response,
            world.members["coach"],
            text,
        )
        followup = FollowUp.objects.get(kind=Kind.NOTICE, template="answer_reply")
        assert followup.recipient == world.user("rep")
        assert dispatch().sent == 1
        message: EmailMessage = smtp_server.wait_for(before + 1)[-1]
    assert message["To"] == world.user("rep").email
    assert message["Reply-To"] == world.user("coach").email
    assert "Coach replied" in message["Subject"]
    assert text in text_body(message)
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = page(world, "rep", commitment.get_absolute_url())
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert body.index("Karen&#x27;s accounts") < body.index("Coach replied")  # in order


def test_a_reply_from_today_goes_back_to_today(world: World) -> None:
    add_karen(world)
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
        response = commitment.responses.get()
        assert "Send the reply" in page(world, "karen", reverse("workspace_home", args=["acme"]))
        back = world.client("karen").post(
            reverse("commitment_reply", args=["acme", commitment.pk]),
            {"response": response.pk, "text": "Good start", "next": "today"},
        )
    assert back["Location"] == reverse("workspace_home", args=["acme"])
    assert Reply.objects.get().author == world.members["karen"]


def test_a_reply_follows_the_answers_sharing(world: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
        response = commitment.responses.get()
        actions.reply_to_answer(response, author=world.members["coach"], text="Call Karen first")
    url = commitment.get_absolute_url()
    assert "Call Karen first" not in page(world, "stakeholder", url)
    response.set_shared(True, world.user("rep"))
    assert "Call Karen first" in page(world, "stakeholder", url)


@pytest.mark.parametrize("visitor", ["rep", "other_rep", "stakeholder", "outsider"])
def test_who_may_not_reply_sends_nothing(world: World, visitor: str) -> None:
    with time_machine.travel(MONDAY, tick=False):
        commitment = answered(world)
        response: Response = commitment.responses.get()
        status = (
            world.client(visitor)
            .post(
                reverse("commitment_reply", args=["acme", commitment.pk]),
                {"response": response.pk, "text": "Sneaky"},
            )
            .status_code
        )
    assert status == (404 if visitor == "outsider" else 403)
    assert not Reply.objects.exists()
    assert not FollowUp.objects.filter(template="answer_reply").exists()


# Private notes: only for those who run the plan -----------------------------------------------


def test_private_notes_reach_only_those_who_run_the_plan(world: World) -> None:
    commitment = commitment_of(world)
    session = commitment.session
    actions.save_notes(session, private_notes="Worried about his confidence", summary="Good talk")
    actions.finish_session(session, by=world.user("coach"))
    for visitor in ("coach", "admin"):
        assert "Worried about" in world.client(visitor).get(session.get_absolute_url()).text
    rep_page = world.client("rep").get(session.get_absolute_url()).text
    assert "Good talk" in rep_page and "Worried about" not in rep_page
    # The summary is the rep's words: a stakeholder reads it only once shared.
    stakeholder_page = world.client("stakeholder").get(session.get_absolute_url()).text
    assert "Good talk" not in stakeholder_page and "Worried about" not in stakeholder_page
    session.set_shared(True, world.user("rep"))
    stakeholder_page = world.client("stakeholder").get(session.get_absolute_url()).text
    assert "Good talk" in stakeholder_page and "Worried about" not in stakeholder_page
    recap = FollowUp.objects.get(kind="recap").build_message()
    assert "Worried about" not in str(recap.body)
