"""History pages: a plan's and a rep's story, newest first, in the viewer's time zone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching.models import Plan
from followthrough.events import queries
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view()
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = get_object_or_404(
        Plan.objects.select_related("rep__user"), pk=plan_id, workspace=member.workspace
    )
    if not permissions.can_view_plan(member, plan):
        raise PermissionDenied(_("This plan belongs to a rep you do not coach or follow."))
    lines = queries.plan_history(member, plan.pk, plan.rep)
    return render(request, "events/history.html", {"plan": plan, "rep": plan.rep, "lines": lines})


@workspace_view()
def rep_history(request: HttpRequest, member_id: int) -> HttpResponse:
    member = current(request)
    rep = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, workspace=member.workspace
    )
    if not rep.is_rep:
        raise Http404(_("Only reps have a history of their coaching."))
    if not permissions.can_view_rep_private(member, rep):
        raise PermissionDenied(_("You do not coach or follow this rep."))
    lines = queries.rep_history(member, rep)
    return render(request, "events/history.html", {"rep": rep, "lines": lines})
