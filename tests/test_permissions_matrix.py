"""Every page and endpoint, for every role, the outsider and an anonymous visitor.

A row says what each visitor gets. Writes refused must also change nothing, which the tests at
the bottom check for each refused POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from followthrough.accounts.models import Invitation, Membership, Role
from followthrough.followups import actions as followups
from followthrough.followups.models import FollowUp, Kind, State
from tests.conftest import World

VISITORS = ["admin", "coach", "rep", "other_rep", "stakeholder", "outsider", None]
LOGIN = "login"  # a redirect to the login page


@dataclass
class Row:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str | None, int | str]
    data: Callable[[World], dict[str, object]] | None = None

    def __str__(self) -> str:
        return self.name


def member_url(view: str, key: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", w.members[key].pk])


def invitation_url(view: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        invitation = Invitation.objects.create(
            workspace=w.workspace, email="new@example.org", role=Role.REP
        )
        return reverse(view, args=["acme", invitation.pk])

    return build


def followup_url(view: str, to: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        followup = followups.schedule(
            kind=Kind.CHECK_IN,
            template="notice",
            to_email=w.user(to).email,
            recipient=w.user(to),
            workspace=w.workspace,
            context={"subject": "How did it go?", "text": "Private to the rep and coach."},
        )
        return reverse(view, args=["acme", followup.pk])

    return build


def everyone(status: int, outsider: int | None = None, anonymous: int | str = LOGIN) -> dict:
    table: dict[str | None, int | str] = {v: status for v in VISITORS}
    if outsider is not None:
        table["outsider"] = outsider
    table[None] = anonymous
    return table


def by_role(**statuses: int | str) -> dict[str | None, int | str]:
    table: dict[str | None, int | str] = {"outsider": 404, None: LOGIN}
    table.update(statuses)
    return table


ROWS = [
    Row("home", "get", lambda w: reverse("home"), everyone(302)),
    Row("workspaces", "get", lambda w: reverse("workspaces"), everyone(200)),
    Row("profile", "get", lambda w: reverse("profile"), everyone(200)),
    Row("password change", "get", lambda w: reverse("password_change"), everyone(200)),
    Row(
        "workspace home",
        "get",
        lambda w: reverse("workspace_home", args=["acme"]),
        everyone(200, outsider=404),
    ),
    Row(
        "people",
        "get",
        lambda w: reverse("people", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a rep's page",
        "get",
        member_url("member_detail", "rep"),
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200),
    ),
    Row(
        "another rep's page",
        "get",
        member_url("member_detail", "other_rep"),
        by_role(admin=200, coach=200, rep=403, other_rep=200, stakeholder=403),
    ),
    Row(
        "the coach's page",
        "get",
        member_url("member_detail", "coach"),
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
    ),
    Row(
        "invitations",
        "get",
        lambda w: reverse("invitations", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "invite a rep",
        "post",
        lambda w: reverse("invitations", args=["acme"]),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"email": "fresh@example.org", "role": "rep"},
    ),
    Row(
        "change a role",
        "post",
        member_url("member_role", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"role": "coach"},
    ),
    Row(
        "deactivate",
        "post",
        member_url("member_deactivate", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "reactivate",
        "post",
        member_url("member_reactivate", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "set relationships",
        "post",
        member_url("member_relationships", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"coaches": [w.members["coach"].pk]},
    ),
    Row(
        "resend invitation",
        "post",
        invitation_url("invitation_resend"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "withdraw invitation",
        "post",
        invitation_url("invitation_revoke"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "outbox",
        "get",
        lambda w: reverse("outbox", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a follow-up to a coached rep",
        "get",
        followup_url("followup_detail", "rep"),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a follow-up to a rep the coach does not coach",
        "get",
        followup_url("followup_detail", "other_rep"),
        by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "cancel a follow-up",
        "post",
        followup_url("followup_cancel", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "cancel another coach's rep's follow-up",
        "post",
        followup_url("followup_cancel", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "reschedule a follow-up",
        "post",
        followup_url("followup_reschedule", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"send_at": "2099-01-05T09:00"},
    ),
    Row(
        "send a follow-up now",
        "post",
        followup_url("followup_send_now", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "retry a follow-up",
        "post",
        followup_url("followup_retry", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "retry all failed follow-ups",
        "post",
        lambda w: reverse("outbox_retry_failed", args=["acme"]),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "django admin",
        "get",
        lambda w: reverse("admin:index"),
        {v: 302 for v in VISITORS},  # nobody here is staff: all go to the admin's login
    ),
]


def visit(world: World, row: Row, visitor: str | None) -> Any:
    """Requests the row's page as the visitor and checks what every matrix checks: the status
    expected, anonymous visitors sent to log in, and a refusal that is a clear page in our
    layout, never a stack trace. Returns the response for checks of the row's own."""
    client = world.client(visitor)
    url = row.url(world)
    data = row.data(world) if row.data else {}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    expected = row.expected[visitor]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content[:300]
    body = response.content.decode()
    assert "Traceback" not in body
    if response.status_code in (403, 404) and "text/html" in response.get("Content-Type", ""):
        assert "Not allowed" in body or "Not found" in body
    return response


@pytest.mark.parametrize("row", ROWS, ids=str)
@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_matrix(world: World, row: Row, visitor: str | None) -> None:
    visit(world, row, visitor)


@pytest.mark.parametrize("visitor", ["coach", "rep", "stakeholder", "outsider"])
def test_refused_writes_change_nothing(world: World, visitor: str) -> None:
    client = world.client(visitor)
    target = world.members["other_rep"]
    client.post(reverse("member_role", args=["acme", target.pk]), {"role": "admin"})
    client.post(reverse("member_deactivate", args=["acme", target.pk]))
    client.post(
        reverse("member_relationships", args=["acme", target.pk]),
        {"followers": [world.members["stakeholder"].pk]},
    )
    target.refresh_from_db()
    assert target.role == Role.REP
    assert target.is_active
    assert not target.followers().exists()


@pytest.mark.parametrize("visitor", ["coach", "rep", "stakeholder", "outsider"])
def test_refused_follow_up_changes_change_nothing(world: World, visitor: str) -> None:
    url = followup_url("followup_cancel", "other_rep")(world)
    followup = FollowUp.objects.get()
    client = world.client(visitor)
    client.post(url)
    client.post(url.replace("cancel", "reschedule"), {"send_at": "2099-01-05T09:00"})
    client.post(url.replace("cancel", "send-now"))
    FollowUp.objects.filter(pk=followup.pk).update(state=State.FAILED)
    client.post(reverse("outbox_retry_failed", args=["acme"]))
    client.post(reverse("outbox_retry_failed", args=["globex"]))
    FollowUp.objects.filter(pk=followup.pk, state=State.FAILED).update(state=State.SCHEDULED)
    followup.refresh_from_db()
    assert (followup.state, followup.version) == (State.SCHEDULED, 1)


def test_the_outbox_lists_only_what_the_viewer_may_see(world: World) -> None:
    followup_url("followup_detail", "rep")(world)
    followup_url("followup_detail", "other_rep")(world)
    coach = world.client("coach").get(reverse("outbox", args=["acme"])).content.decode()
    assert "rep@example.org" in coach and "other_rep@example.org" not in coach
    admin = world.client("admin").get(reverse("outbox", args=["acme"])).content.decode()
    assert "rep@example.org" in admin and "other_rep@example.org" in admin
    outsider_admin = world.client("outsider").get(reverse("outbox", args=["globex"]))
    assert "rep@example.org" not in outsider_admin.content.decode()


@pytest.mark.parametrize("visitor", ["rep", "stakeholder", "outsider"])
def test_refused_invitations_create_nothing(world: World, visitor: str) -> None:
    world.client(visitor).post(
        reverse("invitations", args=["acme"]), {"email": "sneaky@example.org", "role": "admin"}
    )
    assert not Invitation.objects.filter(email="sneaky@example.org").exists()


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
