"""@workspace_view: the door of every page inside a workspace."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.accounts.models import Membership, Profile, Workspace
from followthrough.lib.errors import NotAllowed, NotFound

View = Callable[..., HttpResponse]


def workspace_view(allowed: Callable[[Membership], bool] | None = None) -> Callable[[View], View]:
    """Resolves /w/<slug>/ to the workspace and the visitor's membership.

    Anonymous visitors go to the login page; people with no active membership get a 404 (the
    workspace's existence is not confirmed to outsiders); members who fail `allowed` get a 403.
    The view receives request.workspace and request.membership.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            workspace = get_object_or_404(Workspace, slug=slug)
            membership = permissions.membership_of(request.user, workspace)
            if membership is None:
                raise Http404("No such workspace")
            if allowed is not None and not allowed(membership):
                raise PermissionDenied(
                    gettext("Your role in this workspace does not allow this page.")
                )
            request.workspace = workspace  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            Profile.objects.filter(user=request.user).exclude(last_workspace=workspace).update(
                last_workspace=workspace
            )
            try:
                return view(request, *args, **kwargs)
            except NotAllowed as refusal:
                raise PermissionDenied(str(refusal)) from refusal
            except NotFound as missing:
                raise Http404(str(missing)) from missing

        return wrapper

    return decorate
