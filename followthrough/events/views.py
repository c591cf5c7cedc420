"""History pages: a plan's and a rep's story, newest first, in the viewer's time zone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followthrough import permissions
from followthrough.events import queries
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view()
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = permissions.access_plan(member, plan_id)
    lines = queries.plan_history(member, plan.pk, plan.rep)
    return render(request, "events/history.html", {"plan": plan, "rep": plan.rep, "lines": lines})


@workspace_view()
def rep_history(request: HttpRequest, member_id: int) -> HttpResponse:
    member = current(request)
    rep = permissions.access_rep(member, member_id)
    lines = queries.rep_history(member, rep)
    return render(request, "events/history.html", {"rep": rep, "lines": lines})
