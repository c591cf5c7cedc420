"""Verbs about people and workspaces. Each one is a single transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from followthrough.accounts import events
from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Invitation,
    Membership,
    Profile,
    Role,
    User,
    Workspace,
    normalize_email,
)
from followthrough.followups import actions as followups
from followthrough.followups.models import Kind
from followthrough.lib import languages
from followthrough.lib.errors import ActionRefused


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, number = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def create_workspace(owner: User, name: str, country: str = "") -> Workspace:
    """A new workspace with its creator as the first admin; `country` for public holidays; its
    language (of its default metrics' names) is the creator's."""
    workspace = Workspace.objects.create(
        name=name.strip(),
        slug=unique_slug(name),
        country=country,
        language=languages.of_user(owner),
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Role.ADMIN)
    events.log("workspace.created", workspace, workspace, owner, name=workspace.name)
    return workspace


def schedule_invitation_email(invitation: Invitation) -> None:
    """The email goes out through the delivery engine, written with the invitation itself."""
    followups.schedule(
        kind=Kind.INVITATION,
        template="invitation",
        to_email=invitation.email,
        workspace=invitation.workspace,
        about=invitation,
        created_by=invitation.invited_by,
        reply_to=invitation.invited_by.email if invitation.invited_by else "",
        # Nobody's profile tells the newcomer's language yet: the inviter's is the best guess.
        context={"language": languages.of_user(invitation.invited_by)},
    )


@transaction.atomic
def invite(workspace: Workspace, invited_by: User, email: str, role: str) -> Invitation:
    email = normalize_email(email)
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise ActionRefused(
            _("%(email)s is already a member of %(workspace)s.")
            % {"email": email, "workspace": workspace}
        )
    pending = Invitation.objects.filter(
        workspace=workspace, email=email, accepted_at=None, revoked_at=None
    )
    if any(invitation.state == "pending" for invitation in pending):
        raise ActionRefused(
            _("%(email)s has already been invited. Resend the invitation from the list below.")
            % {"email": email}
        )
    invitation = Invitation.objects.create(
        workspace=workspace, email=email, role=role, invited_by=invited_by
    )
    schedule_invitation_email(invitation)
    events.log("invitation.sent", workspace, invitation, invited_by, email=email, role=role)
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation, by: User | None = None) -> None:
    """A fresh link with a fresh expiry date."""
    if not invitation.is_pending:
        raise ActionRefused(_("This invitation has already been used or withdrawn."))
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    schedule_invitation_email(invitation)
    events.log("invitation.resent", invitation.workspace, invitation, by, email=invitation.email)


@transaction.atomic
def revoke_invitation(invitation: Invitation, by: User | None = None) -> None:
    if not invitation.is_pending:
        raise ActionRefused(_("This invitation has already been used or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    events.log("invitation.revoked", invitation.workspace, invitation, by, email=invitation.email)


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    user: User | None = None,
    name: str = "",
    password: str = "",
    time_zone: str = "UTC",
) -> Membership:
    """Joins the invitee to the workspace: an existing user as they are, or a new account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ActionRefused(_("This invitation has already been used or withdrawn."))
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ActionRefused(_("An account with this email exists already: log in to accept."))
        user = User.objects.create_user(invitation.email, password, name=name.strip())
        Profile.objects.filter(user=user).update(time_zone=time_zone)
    elif user.email != invitation.email:
        raise ActionRefused(_("This invitation is for %(email)s.") % {"email": invitation.email})
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    if not created and not membership.is_active:
        # Invited back after being deactivated: access returns, history was kept all along.
        membership.is_active, membership.deactivated_at = True, None
        membership.role = invitation.role
        membership.save(update_fields=["is_active", "deactivated_at", "role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    events.log(
        "invitation.accepted",
        membership.workspace,
        membership,
        user,
        member=membership,
        role=membership.role,
    )
    return membership


def _refuse_losing_last_admin(membership: Membership) -> None:
    if membership.role == Role.ADMIN and membership.workspace.admins().count() <= 1:
        raise ActionRefused(
            _("%(name)s is the only admin of %(workspace)s. Make someone else an admin first.")
            % {"name": membership.user, "workspace": membership.workspace}
        )


@transaction.atomic
def change_role(membership: Membership, role: str, by: User | None = None) -> None:
    if role == membership.role:
        return
    _refuse_losing_last_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    # Relationships that no longer fit the new role end with it.
    if role not in (Role.ADMIN, Role.COACH):
        CoachingRelationship.objects.filter(coach=membership).delete()
    if not membership.can_be_coached:
        CoachingRelationship.objects.filter(rep=membership).delete()
    if role != Role.REP:
        Following.objects.filter(rep=membership).delete()
    if role == Role.REP:
        Following.objects.filter(stakeholder=membership).delete()
    events.log(
        "member.role_changed",
        membership.workspace,
        membership,
        by,
        member=membership,
        role=role,
        name=membership.user.name,
    )


@transaction.atomic
def deactivate_member(membership: Membership, by: Membership) -> None:
    """Access ends at once; everything the person did stays in the workspace's history."""
    if membership.pk == by.pk:
        raise ActionRefused(_("You cannot deactivate yourself."))
    if not membership.is_active:
        return
    _refuse_losing_last_admin(membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    events.log(
        "member.deactivated",
        membership.workspace,
        membership,
        by.user,
        member=membership,
        name=membership.user.name,
    )


@transaction.atomic
def reactivate_member(membership: Membership, by: User | None = None) -> None:
    was_active = membership.is_active
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    if not was_active:
        events.log(
            "member.reactivated",
            membership.workspace,
            membership,
            by,
            member=membership,
            name=membership.user.name,
        )


@transaction.atomic
def set_relationships(
    rep: Membership,
    coaches: Iterable[Membership],
    followers: Iterable[Membership],
    by: User | None = None,
) -> None:
    """Sets exactly who coaches this person (a rep, or a manager coached in a program:
    Membership.can_be_coached_by) and which stakeholders follow them (reps only)."""
    if not rep.can_be_coached:
        raise ActionRefused(_("Stakeholders are not coached or followed."))
    coaches, followers = list(coaches), list(followers)
    for member in [*coaches, *followers]:
        if member.workspace_id != rep.workspace_id:
            raise ActionRefused(_("Coaches and followers must belong to the same workspace."))
    if any(coach.pk == rep.pk for coach in coaches):
        raise ActionRefused(_("Nobody coaches themselves."))
    if any(not rep.can_be_coached_by(coach) for coach in coaches):
        raise ActionRefused(_("Only coaches and admins can coach a rep."))
    if followers and not rep.is_rep:
        # Stakeholders follow reps' figures; a manager's coaching is between them and their coach.
        raise ActionRefused(_("Only reps are followed by stakeholders."))
    if any(follower.role == Role.REP for follower in followers):
        raise ActionRefused(_("A rep cannot follow another rep."))
    removed, _count = (
        CoachingRelationship.objects.filter(rep=rep).exclude(coach__in=coaches).delete()
    )
    changed = bool(removed)
    for coach in coaches:
        _row, created = CoachingRelationship.objects.get_or_create(
            workspace=rep.workspace, coach=coach, rep=rep
        )
        changed |= created
    removed, _count = Following.objects.filter(rep=rep).exclude(stakeholder__in=followers).delete()
    changed |= bool(removed)
    for follower in followers:
        _following, created = Following.objects.get_or_create(
            workspace=rep.workspace, stakeholder=follower, rep=rep
        )
        changed |= created
    if changed:  # saving the same choices again is no news
        events.log(
            "member.relationships_set",
            rep.workspace,
            rep,
            by,
            member=rep,
            name=rep.user.name,
            coaches=sorted(coach.user.name for coach in coaches),
            followers=sorted(follower.user.name for follower in followers),
        )
