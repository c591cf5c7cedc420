"""People and workspace pages. Each view validates, calls one action, and renders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts import actions
from followthrough.accounts.forms import (
    InviteForm,
    NewAccountForm,
    ProfileForm,
    RelationshipsForm,
    RoleForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
    time_zone_names,
)
from followthrough.accounts.models import (
    ROLE_HELP,
    Invitation,
    Membership,
    Profile,
    Role,
    User,
)
from followthrough.lib import dates, languages, signing
from followthrough.lib.errors import ActionRefused
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, signed_in


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Sends a person to the workspace they used last, or lets them pick or create one."""
    user = signed_in(request)
    profile, _created = Profile.objects.get_or_create(user=user)
    memberships = list(user.active_memberships())
    for membership in memberships:
        if membership.workspace_id == profile.last_workspace_id:
            return redirect(membership.workspace)
    if len(memberships) == 1:
        return redirect(memberships[0].workspace)
    return redirect("workspaces")


@login_required
def workspaces(request: HttpRequest) -> HttpResponse:
    """The workspaces a person belongs to, and a form to start a new one."""
    profile, _created = Profile.objects.get_or_create(user=signed_in(request))
    form = WorkspaceForm(request.POST or None, time_zone=profile.time_zone)
    if request.method == "POST" and form.is_valid():
        workspace = actions.create_workspace(
            signed_in(request), form.cleaned_data["name"], form.cleaned_data["country"]
        )
        messages.success(
            request, _("Workspace “%(name)s” created. You are its admin.") % {"name": workspace}
        )
        return redirect(workspace)
    memberships = signed_in(request).active_memberships().order_by("workspace__name")
    return render(request, "accounts/workspaces.html", {"form": form, "memberships": memberships})


def overview(request: HttpRequest) -> HttpResponse:
    """A stakeholder's home (see web.home): the reps they follow, the workspace in figures."""
    member = current(request)
    context = {
        "coached_reps": member.coached_reps() if member.is_coach else [],
        "coaches": member.coaches() if member.is_rep else [],
        "followers": member.followers() if member.is_rep else [],
        "followed_reps": member.followed_reps() if member.is_stakeholder else [],
        "member_count": Membership.objects.filter(
            workspace=member.workspace, is_active=True
        ).count(),
        "pending_invitations": Invitation.objects.filter(
            workspace=member.workspace, accepted_at=None, revoked_at=None
        ).count()
        if permissions.can_invite(member)
        else 0,
    }
    return render(request, "accounts/workspace_home.html", context)


@workspace_view(permissions.can_view_people)
def people(request: HttpRequest) -> HttpResponse:
    members = (
        Membership.objects.filter(workspace=current(request).workspace)
        .select_related("user", "user__profile")
        .prefetch_related("coached_by__coach__user", "followed_by__stakeholder__user")
        .order_by("-is_active", "role", "user__name")
    )
    return render(
        request,
        "accounts/people.html",
        {"members": members, "can_invite": permissions.can_invite(current(request))},
    )


@workspace_view()
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = current(request)
    target = permissions.access_member(viewer, member_id)
    manage = permissions.can_manage_members(viewer)
    seen = permissions.visible_members(viewer).values("pk")
    context = {
        "target": target,
        "can_manage": manage,
        "roles": [(role.value, role.label, ROLE_HELP[role]) for role in Role],
        "relationships_form": RelationshipsForm(rep=target)
        if manage and target.can_be_coached
        else None,
        # Only the names the viewer may see: a rep never sees another rep, even on their
        # coach's page.
        "coaches": target.coaches().filter(pk__in=seen),
        "followers": target.followers().filter(pk__in=seen),
        "coached_reps": target.coached_reps().filter(pk__in=seen),
        "followed_reps": target.followed_reps().filter(pk__in=seen),
        "sees_all": permissions.sees_all_members(viewer) or viewer.pk == target.pk,
        **holidays_context(target),
    }
    return render(request, "accounts/member_detail.html", context)


def holidays_context(target: Membership) -> dict[str, object]:
    """Which public holidays apply to the member: the next few, and whose country they are."""
    profile = target.user.profile
    country = profile.country or target.workspace.country
    today = timezone.localdate(timezone.now(), profile.zone)
    return {
        "holiday_country": country,
        "holiday_country_is_own": bool(profile.country),
        "holidays": dates.upcoming_holidays(country, today),
    }


@require_POST
@workspace_view(permissions.can_manage_members)
def member_role(request: HttpRequest, member_id: int) -> HttpResponse:
    target = permissions.access_member(current(request), member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles listed."))
    else:
        attempt(
            request,
            lambda: actions.change_role(target, form.cleaned_data["role"], by=signed_in(request)),
            lambda: f"{target.user} is now {target.get_role_display().lower()}.",
        )
    return redirect(target)


@require_POST
@workspace_view(permissions.can_manage_members)
def member_deactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    target = permissions.access_member(current(request), member_id)
    attempt(
        request,
        lambda: actions.deactivate_member(target, by=current(request)),
        lambda: _("%(name)s can no longer use this workspace.") % {"name": target.user},
    )
    return redirect(target)


@require_POST
@workspace_view(permissions.can_manage_members)
def member_reactivate(request: HttpRequest, member_id: int) -> HttpResponse:
    target = permissions.access_member(current(request), member_id)
    actions.reactivate_member(target, by=signed_in(request))
    messages.success(request, _("%(name)s has access again.") % {"name": target.user})
    return redirect(target)


@require_POST
@workspace_view(permissions.can_manage_members)
def member_relationships(request: HttpRequest, member_id: int) -> HttpResponse:
    target = permissions.access_member(current(request), member_id)
    form = RelationshipsForm(request.POST, rep=target)
    if not form.is_valid():
        messages.error(request, _("Choose coaches and followers from the lists."))
        return redirect(target)
    attempt(
        request,
        lambda: actions.set_relationships(
            target,
            form.cleaned_data["coaches"],
            form.cleaned_data["followers"],
            by=signed_in(request),
        ),
        lambda: _("Saved who coaches and follows %(name)s.") % {"name": target.user},
    )
    return redirect(target)


@workspace_view(permissions.can_invite)
def invitations(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = InviteForm(request.POST or None, roles=permissions.invitable_roles(member))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite(
                member.workspace, member.user, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except ActionRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("invitations", member.workspace.slug)
    listed = Invitation.objects.filter(workspace=member.workspace).select_related("invited_by")
    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "invitations": listed[:100],
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        },
    )


@require_POST
@workspace_view(permissions.can_invite)
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = permissions.access_invitation(current(request), invitation_id)
    attempt(
        request,
        lambda: actions.resend_invitation(invitation, by=signed_in(request)),
        lambda: _("Invitation sent again to %(email)s.") % {"email": invitation.email},
    )
    return redirect("invitations", invitation.workspace.slug)


@require_POST
@workspace_view(permissions.can_invite)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = permissions.access_invitation(current(request), invitation_id)
    attempt(
        request,
        lambda: actions.revoke_invitation(invitation, by=signed_in(request)),
        lambda: _("Invitation to %(email)s withdrawn.") % {"email": invitation.email},
    )
    return redirect("invitations", invitation.workspace.slug)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation email: works without a login."""
    invitation = linked_invitation(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    context = {"invitation": invitation, "token": token}
    if request.user.is_authenticated and request.user.email != invitation.email:
        context["wrong_user"] = True
        return render(request, "accounts/accept_invitation.html", context, status=403)
    existing = User.objects.filter(email=invitation.email).first()
    if existing is not None:
        return accept_as_existing_user(request, invitation, existing, context)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.accept_invitation(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ActionRefused as refusal:
            return link_problem(request, str(refusal))
        login(request, membership.user, backend="followthrough.accounts.backends.EmailBackend")
        messages.success(
            request,
            _("Welcome to %(workspace)s, %(name)s.")
            % {"workspace": membership.workspace, "name": membership.user.name},
        )
        return redirect(membership.workspace)
    context.update({"form": form, "time_zones": time_zone_names()})
    return render(request, "accounts/accept_invitation.html", context)


def linked_invitation(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """The invitation the link is for, or a page that says why it cannot be used (an invitation
    already accepted by the visitor sends them to its workspace)."""
    try:
        invitation_id = signing.read_token(Invitation.TOKEN_SCOPE, token, Invitation.max_age())
    except signing.ExpiredToken:
        return link_problem(request, _("This invitation link has expired."), expired=True)
    except signing.BadToken:
        return link_problem(request, _("This invitation link is not valid."))
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.revoked_at:
        return link_problem(request, _("This invitation has been withdrawn."))
    if invitation.accepted_at:
        if request.user.is_authenticated and request.user.pk == invitation.accepted_by_id:
            return redirect(invitation.workspace)
        return link_problem(
            request, _("This invitation has already been used. Log in to continue.")
        )
    return invitation


def accept_as_existing_user(
    request: HttpRequest, invitation: Invitation, user: User, context: dict[str, object]
) -> HttpResponse:
    """Someone with an account joins by logging in as the invited address, then confirming."""
    if not request.user.is_authenticated:
        messages.info(
            request,
            _("Log in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        membership = actions.accept_invitation(invitation, user=user)
        messages.success(
            request, _("Welcome to %(workspace)s.") % {"workspace": membership.workspace}
        )
        return redirect(membership.workspace)
    return render(request, "accounts/accept_invitation.html", context)


def link_problem(request: HttpRequest, message: str, *, expired: bool = False) -> HttpResponse:
    return render(
        request,
        "link_problem.html",
        {"message": message, "expired": expired},
        status=410 if expired else 400,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    instance, _created = Profile.objects.get_or_create(user=signed_in(request))
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "time_zones": time_zone_names(),
            "unsupported_language": languages.unsupported_name(instance.language),
        },
    )


@workspace_view(permissions.can_manage_members)
def workspace_settings(request: HttpRequest) -> HttpResponse:
    """Name, country (public holidays) and when check-ins and reminders go out."""
    workspace = current(request).workspace
    form = WorkspaceSettingsForm(request.POST or None, instance=workspace)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(
                request, _("Settings saved. They apply to check-ins scheduled from now on.")
            )
            return redirect("workspace_settings", workspace.slug)
        return render(request, "accounts/workspace_settings.html", {"form": form}, status=400)
    return render(request, "accounts/workspace_settings.html", {"form": form})
