"""Who may see or do what: the one place that answers, used by every view (and the API).

Rules, in short:
- Nobody sees anything of a workspace they have no active membership in.
- Admins manage people and see everything in their workspace.
- Coaches see the people of their workspace; a rep's private data only if they coach the rep.
- Reps see themselves, their coaches and the stakeholders who follow them; never another rep.
- Stakeholders read what is shared about the reps they follow, and write nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from followthrough.accounts.models import (
    CoachingRelationship,
    Following,
    Membership,
    Role,
    User,
    Workspace,
)


def membership_of(user: User | AnonymousUser, workspace: Workspace) -> Membership | None:
    """The user's active membership in the workspace, or None for an outsider."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("user", "workspace")
        .filter(workspace=workspace, user=user, is_active=True)
        .first()
    )


def can_write(member: Membership) -> bool:
    """Stakeholders read; everyone else may write their own things."""
    return member.role != Role.STAKEHOLDER


def can_manage_members(member: Membership) -> bool:
    """Change roles, deactivate people, set who coaches and follows whom."""
    return member.role == Role.ADMIN


def can_view_people(member: Membership) -> bool:
    """The workspace's people list."""
    return member.role in (Role.ADMIN, Role.COACH)


def invitable_roles(member: Membership) -> list[Role]:
    """Admins invite anyone; coaches bring in reps and stakeholders; others invite nobody."""
    if member.role == Role.ADMIN:
        return list(Role)
    if member.role == Role.COACH:
        return [Role.REP, Role.STAKEHOLDER]
    return []


def can_invite(member: Membership, role: str | None = None) -> bool:
    roles = invitable_roles(member)
    return bool(roles) if role is None else role in roles


def coaches(coach: Membership, rep: Membership) -> bool:
    return CoachingRelationship.objects.filter(coach=coach, rep=rep).exists()


def follows(stakeholder: Membership, rep: Membership) -> bool:
    return Following.objects.filter(stakeholder=stakeholder, rep=rep).exists()


def can_view_member(viewer: Membership, target: Membership) -> bool:
    """A person's page: name, role, relationships, working hours."""
    if viewer.workspace_id != target.workspace_id:
        return False
    if viewer.pk == target.pk or viewer.role in (Role.ADMIN, Role.COACH):
        return True
    if viewer.role == Role.REP:
        # A rep sees the people around them, never another rep.
        return coaches(target, viewer) or follows(target, viewer)
    if viewer.role == Role.STAKEHOLDER:
        return target.role == Role.REP and follows(viewer, target)
    return False


def can_view_rep_private(viewer: Membership, rep: Membership) -> bool:
    """A rep's commitments, answers and numbers (what later pages show)."""
    if viewer.workspace_id != rep.workspace_id or not viewer.is_active:
        return False
    if viewer.pk == rep.pk or viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.COACH:
        return coaches(viewer, rep)
    if viewer.role == Role.STAKEHOLDER:
        return follows(viewer, rep)
    return False


def can_edit_rep_private(viewer: Membership, rep: Membership) -> bool:
    """Record things about a rep: a stakeholder may read them, never write."""
    return can_write(viewer) and can_view_rep_private(viewer, rep)
