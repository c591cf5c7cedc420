"""Permission rules that are not a row of the matrix (tests/permission_matrix.py): a list shows
only what the viewer may see, an id from another workspace is not found, a coach invites no
admin, a write endpoint refuses GET, and Django's admin is for site admins only."""

from __future__ import annotations

from django.urls import reverse

from followthrough.accounts.models import Invitation, Membership
from tests.builders import commitment_of, followup_to
from tests.conftest import World

# Members and invitations ----------------------------------------------------------------------


def test_a_member_id_of_another_workspace_is_not_found(world: World) -> None:
    outsider = world.members["outsider"]
    response = world.client("admin").get(reverse("member_detail", args=["acme", outsider.pk]))
    assert response.status_code == 404
    response = world.client("admin").post(reverse("member_deactivate", args=["acme", outsider.pk]))
    assert response.status_code == 404
    assert Membership.objects.get(pk=outsider.pk).is_active


def test_a_coach_cannot_invite_an_admin(world: World) -> None:
    response = world.client("coach").post(
        reverse("invitations", args=["acme"]), {"email": "boss@example.org", "role": "admin"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.filter(email="boss@example.org").exists()


def test_get_on_a_write_endpoint_is_refused(world: World) -> None:
    response = world.client("admin").get(
        reverse("member_deactivate", args=["acme", world.members["rep"].pk])
    )
    assert response.status_code == 405
    assert world.members["rep"].is_active


def test_django_admin_is_for_site_admins_only(world: World) -> None:
    user = world.user("admin")
    assert world.client("admin").get(reverse("admin:index")).status_code == 302
    user.is_staff = user.is_superuser = True
    user.save()
    response = world.client("admin").get(reverse("admin:accounts_membership_changelist"))
    assert response.status_code == 200
    assert "Other Rep" in response.content.decode()


def test_people_page_lists_no_one_from_another_workspace(world: World) -> None:
    body = world.client("admin").get(reverse("people", args=["acme"])).content.decode()
    assert "Other Rep" in body
    assert "Outsider" not in body
    assert "outsider@example.org" not in body


# The outbox -----------------------------------------------------------------------------------


def test_the_outbox_lists_only_what_the_viewer_may_see(world: World) -> None:
    followup_to(world, "rep")
    followup_to(world, "other_rep")
    coach = world.client("coach").get(reverse("outbox", args=["acme"])).content.decode()
    assert "rep@example.org" in coach and "other_rep@example.org" not in coach
    admin = world.client("admin").get(reverse("outbox", args=["acme"])).content.decode()
    assert "rep@example.org" in admin and "other_rep@example.org" in admin
    outsider_admin = world.client("outsider").get(reverse("outbox", args=["globex"]))
    assert "rep@example.org" not in outsider_admin.content.decode()


# The coaching loop ----------------------------------------------------------------------------


def test_coaching_lists_show_only_what_the_viewer_may_see(world: World) -> None:
    mine, theirs = commitment_of(world), commitment_of(world, "other_rep")
    coach_plans = world.client("coach").get(reverse("plans", args=["acme"])).text
    assert "Plan of rep" in coach_plans and "Plan of other_rep" not in coach_plans
    rep_home = world.client("rep").get(reverse("workspace_home", args=["acme"])).text
    assert mine.text in rep_home
    other_home = world.client("other_rep").get(reverse("workspace_home", args=["acme"])).text
    assert "Plan of rep" not in other_home
    assert theirs.pk != mine.pk
    outsider = world.client("outsider").get(reverse("plans", args=["globex"])).text
    assert "Plan of" not in outsider


def test_a_commitment_id_from_another_workspace_is_not_found(world: World) -> None:
    commitment = commitment_of(world)
    response = world.client("outsider").get(
        reverse("commitment_detail", args=["globex", commitment.pk])
    )
    assert response.status_code == 404
