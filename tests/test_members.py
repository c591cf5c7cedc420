"""Admins change roles, deactivate and restore members, and say who coaches and follows whom."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from followthrough.accounts import actions
from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Membership,
    Profile,
    Role,
)
from followthrough.lib.errors import ActionRefused
from tests.conftest import World


def test_admin_changes_a_role(world: World) -> None:
    rep = world.members["other_rep"]
    response = world.client("admin").post(
        reverse("member_role", args=["acme", rep.pk]), {"role": "coach"}, follow=True
    )
    assert "Other Rep is now coach." in response.content.decode()
    rep.refresh_from_db()
    assert rep.role == Role.COACH


def test_unknown_role_is_a_clear_error(world: World) -> None:
    rep = world.members["rep"]
    response = world.client("admin").post(
        reverse("member_role", args=["acme", rep.pk]), {"role": "emperor"}, follow=True
    )
    assert "Choose one of the roles listed." in response.content.decode()
    rep.refresh_from_db()
    assert rep.role == Role.REP


def test_the_last_admin_cannot_step_down_or_be_deactivated(world: World) -> None:
    admin = world.members["admin"]
    response = world.client("admin").post(
        reverse("member_role", args=["acme", admin.pk]), {"role": "rep"}, follow=True
    )
    assert "is the only admin of Acme Insurance" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    with pytest.raises(ActionRefused, match="yourself"):
        actions.deactivate_member(admin, by=admin)


def test_a_second_admin_can_let_the_first_go(world: World) -> None:
    coach = world.members["coach"]
    actions.change_role(coach, Role.ADMIN)
    actions.change_role(world.members["admin"], Role.COACH)
    assert list(world.workspace.admins()) == [coach]


def test_a_rep_made_stakeholder_loses_coaches_and_followers(world: World) -> None:
    rep = world.members["rep"]
    actions.change_role(rep, Role.STAKEHOLDER)
    assert not CoachingRelationship.objects.filter(rep=rep).exists()
    assert not Following.objects.filter(rep=rep).exists()


def test_a_coach_made_rep_stops_coaching(world: World) -> None:
    coach = world.members["coach"]
    actions.change_role(coach, Role.REP)
    assert not coach.coached_reps().exists()


def test_deactivate_and_reactivate(world: World) -> None:
    rep = world.members["other_rep"]
    admin = world.client("admin")
    response = admin.post(reverse("member_deactivate", args=["acme", rep.pk]), follow=True)
    assert "can no longer use this workspace" in response.content.decode()
    rep.refresh_from_db()
    assert not rep.is_active
    # Still listed, marked, on the people page: the history stays.
    people = admin.get(reverse("people", args=["acme"])).content.decode()
    assert "Other Rep" in people and "deactivated" in people
    admin.post(reverse("member_reactivate", args=["acme", rep.pk]))
    rep.refresh_from_db()
    assert rep.is_active and rep.deactivated_at is None


def test_admin_sets_coaches_and_followers(world: World) -> None:
    rep = world.members["other_rep"]
    response = world.client("admin").post(
        reverse("member_relationships", args=["acme", rep.pk]),
        {
            "coaches": [world.members["coach"].pk, world.members["admin"].pk],
            "followers": [world.members["stakeholder"].pk],
        },
    )
    assert response.status_code == 302
    assert set(rep.coaches()) == {world.members["coach"], world.members["admin"]}
    assert list(rep.followers()) == [world.members["stakeholder"]]
    # The coach now sees the rep on their home page.
    home = world.client("coach").get(reverse("workspace_home", args=["acme"])).content.decode()
    assert "Other Rep" in home


def test_a_rep_cannot_be_made_to_follow_or_coach(world: World) -> None:
    rep = world.members["other_rep"]
    response = world.client("admin").post(
        reverse("member_relationships", args=["acme", rep.pk]),
        {"coaches": [world.members["rep"].pk], "followers": [world.members["rep"].pk]},
        follow=True,
    )
    assert "Choose coaches and followers from the lists." in response.content.decode()
    assert not rep.coaches().exists()


def test_relationships_never_cross_workspaces(world: World) -> None:
    with pytest.raises(ActionRefused, match="same workspace"):
        actions.set_relationships(world.members["rep"], [world.members["outsider"]], [])


def test_clearing_relationships(world: World) -> None:
    rep = world.members["rep"]
    world.client("admin").post(reverse("member_relationships", args=["acme", rep.pk]), {})
    assert not rep.coaches().exists()
    assert not rep.followers().exists()


def test_a_rep_sees_coach_and_followers_on_home(world: World) -> None:
    body = world.client("rep").get(reverse("workspace_home", args=["acme"])).content.decode()
    assert "Coach" in body and "Stakeholder" in body
    assert "Other Rep" not in body


def test_stakeholder_home_lists_followed_reps_only(world: World) -> None:
    body = (
        world.client("stakeholder").get(reverse("workspace_home", args=["acme"])).content.decode()
    )
    assert "Reps you follow" in body
    assert ">Rep</a>" in body
    assert "Other Rep" not in body


def test_memberships_are_unique_per_workspace(world: World) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            workspace=world.workspace, user=world.user("rep"), role=Role.COACH
        )


def test_a_member_s_page_shows_the_holidays_that_apply_and_whose_they_are(world: World) -> None:
    """Alejandro's check-in fell on 8 December, a public holiday in Argentina: his page now
    says which holidays count for him, and from which country."""
    rep = world.members["rep"]
    Profile.objects.filter(user=rep.user).update(
        time_zone="America/Argentina/Buenos_Aires", country=""
    )
    world.workspace.country = "AR"
    world.workspace.save()
    page = reverse("member_detail", args=["acme", rep.pk])
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC), tick=False):
        body = world.client("admin").get(page).content.decode()
        assert "From the workspace's country, AR" in body
        assert '<time datetime="2026-12-08">Tue 8 Dec 2026</time> · Immaculate Conception' in body
        Profile.objects.filter(user=rep.user).update(country="ES")
        body = world.client("admin").get(page).content.decode()
        assert "From Rep's own country, ES" in body
        assert "Immaculate Conception" in body  # Spain keeps it too
        assert "Epiphany" in body  # Spain's, not Argentina's
        Profile.objects.filter(user=rep.user).update(country="")
        world.workspace.country = ""
        world.workspace.save()
        body = world.client("admin").get(page).content.decode()
        assert "neither this person nor the workspace has a country" in body
