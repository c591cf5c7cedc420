"""Fetch-or-refuse without a request (permissions.access_*): what pages use now and the API and
background tasks will use later. Every role of the workspace and the outsider, for each kind of
object; then how pages turn the refusals into their 403 and 404 pages."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone

from followthrough import permissions
from followthrough.accounts.models import Invitation, Role
from followthrough.coaching import actions
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from followthrough.lib.errors import ActionRefused, NotAllowed, NotFound
from followthrough.pipeline import actions as pipeline
from tests.builders import run_of_rep
from tests.conftest import World

OK, REFUSED, MISSING = "ok", "refused", "missing"
ROLES = ["admin", "coach", "rep", "other_rep", "stakeholder", "outsider"]

# Who may see the rep's plan (coached by "coach", followed by "stakeholder") and what hangs on it.
SEE_REP = {"admin": OK, "coach": OK, "rep": OK, "other_rep": REFUSED, "stakeholder": OK}
RUN_REP = {"admin": OK, "coach": OK, "rep": REFUSED, "other_rep": REFUSED, "stakeholder": REFUSED}


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except NotAllowed:
        return REFUSED
    except NotFound:
        return MISSING
    return OK


def commitment_of(w: World) -> Any:
    plan = actions.create_plan(
        coach=w.members["coach"],
        rep=w.members["rep"],
        purpose="Keep the job",
        starts_on=dt.date(2099, 1, 1),
        deadline=dt.date(2099, 3, 1),
    )
    session = actions.schedule_session(
        plan, dt.datetime(2099, 1, 5, 15, 0, tzinfo=dt.UTC), by=w.user("coach")
    )
    return actions.add_commitment(
        session,
        owner=w.members["rep"],
        text="Call ten past clients",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        by=w.user("coach"),
    )


def call(access: Callable[..., object], member: Any, *, pk: int, for_change: bool) -> object:
    return access(member, pk, for_change=for_change)


def check(world: World, expected: dict[str, str], fetch: Callable[[Any], object]) -> None:
    expected = {**expected, "outsider": MISSING}
    got = {role: outcome(functools.partial(fetch, world.members[role])) for role in ROLES}
    assert got == expected


@pytest.mark.parametrize("for_change", [False, True])
def test_the_loop_s_objects_for_every_role(world: World, for_change: bool) -> None:
    commitment = commitment_of(world)
    response = actions.record_response(commitment, answer="partly", comment="Between us")
    expected = RUN_REP if for_change else SEE_REP
    fetchers: list[tuple[Callable[..., object], int]] = [
        (permissions.access_plan, commitment.plan_id),
        (permissions.access_session, commitment.session_id),
        (permissions.access_commitment, commitment.pk),
        (permissions.access_response, response.pk),
    ]
    for access, pk in fetchers:
        check(world, expected, functools.partial(call, access, pk=pk, for_change=for_change))


def test_what_comes_back_is_the_object_with_its_plan(world: World) -> None:
    commitment = commitment_of(world)
    coach = world.members["coach"]
    found = permissions.access_commitment(coach, commitment.pk, for_change=True)
    assert found == commitment and found.plan.rep == world.members["rep"]
    assert permissions.access_session(coach, commitment.session_id).plan == commitment.plan


def test_a_to_do_is_found_only_by_the_coaches_of_its_rep(world: World) -> None:
    commitment = commitment_of(world)
    own = actions.add_todo(world.members["coach"], text="Book the room")
    about_rep = actions.add_todo(world.members["admin"], text="Ask about the rep")
    about_rep.commitment = commitment
    about_rep.save()
    none_else = {"rep": MISSING, "other_rep": MISSING, "stakeholder": MISSING}
    check(
        world,
        {"admin": MISSING, "coach": OK, **none_else},
        lambda m: permissions.access_todo(m, own.pk),
    )
    check(
        world,
        {"admin": OK, "coach": OK, **none_else},  # co-coaches share the loop
        lambda m: permissions.access_todo(m, about_rep.pk),
    )


def test_a_person_s_page(world: World) -> None:
    check(
        world,
        {"admin": OK, "coach": OK, "rep": OK, "other_rep": REFUSED, "stakeholder": OK},
        lambda m: permissions.access_member(m, world.members["rep"].pk),
    )
    check(
        world,
        {"admin": OK, "coach": OK, "rep": REFUSED, "other_rep": OK, "stakeholder": REFUSED},
        lambda m: permissions.access_member(m, world.members["other_rep"].pk),
    )


def test_an_invitation_by_the_role_it_is_for(world: World) -> None:
    for role, coach in [(Role.REP, OK), (Role.COACH, REFUSED)]:
        invitation = Invitation.objects.create(
            workspace=world.workspace, email=f"{role}@example.org", role=role
        )
        check(
            world,
            {"admin": OK, "coach": coach, "rep": REFUSED, "other_rep": REFUSED}
            | {"stakeholder": REFUSED},
            functools.partial(access_invitation, pk=invitation.pk),
        )


def access_invitation(member: Any, *, pk: int) -> object:
    return permissions.access_invitation(member, pk)


@pytest.mark.parametrize("for_change", [False, True])
def test_a_follow_up_in_the_outbox(world: World, for_change: bool) -> None:
    followup = followups.schedule(
        kind=Kind.CHECK_IN,
        template="notice",
        to_email=world.user("rep").email,
        recipient=world.user("rep"),
        workspace=world.workspace,
        context={"subject": "How did it go?", "text": "Private to the rep and coach."},
    )
    check(
        world,
        {"admin": OK, "coach": OK, "rep": REFUSED, "other_rep": REFUSED, "stakeholder": REFUSED},
        lambda m: permissions.access_followup(m, followup.pk, for_change=for_change),
    )


def test_nothing_is_found_for_a_deactivated_member_or_a_missing_id(world: World) -> None:
    commitment = commitment_of(world)
    coach = world.members["coach"]
    with pytest.raises(NotFound):
        permissions.access_plan(coach, commitment.plan_id + 1000)
    coach.is_active = False
    with pytest.raises(NotFound):
        permissions.access_plan(coach, commitment.plan_id)


def test_the_refusals_are_the_project_s_refusal_and_django_s_not_found() -> None:
    # The API maps ActionRefused subclasses to problem responses and ObjectDoesNotExist to 404.
    assert issubclass(NotAllowed, ActionRefused)
    assert issubclass(NotFound, ObjectDoesNotExist)


def test_pages_turn_a_refusal_into_the_403_page_and_a_missing_object_into_404(
    world: World,
) -> None:
    commitment = commitment_of(world)
    plan_url = reverse("plan_detail", args=["acme", commitment.plan_id])
    refused = world.client("other_rep").get(plan_url)
    assert refused.status_code == 403
    assert "This plan belongs to a rep you do not coach or follow." in refused.text
    missing = world.client("coach").get(
        reverse("plan_detail", args=["acme", commitment.plan_id + 1000])
    )
    assert missing.status_code == 404 and "not yours to see" in missing.text
    outsider = world.client("outsider").get(plan_url)
    assert outsider.status_code == 404


@pytest.mark.parametrize("for_change", [False, True])
def test_an_opportunity_of_the_rep_s_pipeline(world: World, for_change: bool) -> None:
    opportunity = pipeline.create_opportunity(world.members["rep"], by=None, account="Dana's shop")
    stakeholder = REFUSED if for_change else OK  # stakeholders read
    check(
        world,
        {"admin": OK, "coach": OK, "rep": OK, "other_rep": REFUSED, "stakeholder": stakeholder},
        lambda m: permissions.access_opportunity(m, opportunity.pk, for_change=for_change),
    )


def test_a_rep_s_figures_and_history(world: World) -> None:
    check(
        world,
        {"admin": OK, "coach": OK, "rep": OK, "other_rep": REFUSED, "stakeholder": OK},
        lambda m: permissions.access_rep(m, world.members["rep"].pk),
    )
    coach = world.members["coach"]
    with pytest.raises(NotFound):  # a coach has no figures of their own
        permissions.access_rep(world.members["admin"], coach.pk)


def test_an_import_for_its_uploader_and_admins_only(world: World) -> None:
    run = run_of_rep(world)
    expected = {"admin": OK, "coach": MISSING, "rep": OK, "other_rep": MISSING}
    expected |= {"stakeholder": MISSING, "outsider": MISSING}
    for role in ROLES:
        member = world.members[role]
        found = outcome(functools.partial(permissions.access_import_run, member, run.pk))
        assert found == expected[role], role
