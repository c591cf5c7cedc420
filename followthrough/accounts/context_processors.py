from typing import Any

from django.http import HttpRequest

from followthrough.accounts.models import Profile


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and membership, and the switcher's list.

    Inside a workspace (@workspace_view) they are the request's; on pages outside one (profile,
    workspaces) the navigation keeps pointing at the workspace used last.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace": None, "membership": None, "my_memberships": []}
    memberships = list(user.active_memberships().order_by("workspace__name"))
    membership = getattr(request, "membership", None)
    if membership is None:
        last_id = Profile.objects.filter(user=user).values_list("last_workspace", flat=True).first()
        membership = next((m for m in memberships if m.workspace_id == last_id), None)
    return {
        "workspace": membership.workspace if membership else None,
        "membership": membership,
        "my_memberships": memberships,
    }
