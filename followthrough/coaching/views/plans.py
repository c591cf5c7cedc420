"""Plans: the list, opening one, its page and its edit form."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.coaching import actions
from followthrough.coaching.forms import PlanForm, SessionForm
from followthrough.coaching.models import CommitmentState
from followthrough.coaching.views.sharing import words_context
from followthrough.insights import reports as progress_reports
from followthrough.insights.presenters import pace_context
from followthrough.lib.errors import ActionRefused
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view()
def plans(request: HttpRequest) -> HttpResponse:
    member = current(request)
    rows = (
        permissions.visible_plans(member)
        .select_related("rep__user", "coach__user", "workspace")
        .annotate(
            open_count=Count("commitments", filter=Q(commitments__state=CommitmentState.OPEN)),
            done_count=Count("commitments", filter=Q(commitments__state=CommitmentState.DONE)),
        )
    )
    return render(
        request,
        "coaching/plans.html",
        {
            "plans": rows,
            "can_start": permissions.can_start_plans(member),
            "today": timezone.localdate(),
        },
    )


@workspace_view(permissions.can_start_plans)
def plan_new(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = PlanForm(request.POST or None, member=member, initial={"rep": request.GET.get("rep")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("new_metric")
        try:
            plan = actions.create_plan(
                coach=data.pop("coach"),
                rep=data.pop("rep"),
                stakeholders=data.pop("stakeholders"),
                new_metric=form.new_metric_to_add(),
                **data,
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, gettext("Plan opened. Schedule its first session below."))
            return redirect(plan)
    return render(request, "coaching/plan_form.html", {"form": form})


@workspace_view()
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = permissions.access_plan(member, plan_id)
    commitments = plan.commitments.select_related("owner__user", "workspace").prefetch_related(
        "responses"
    )
    rep_today = timezone.localdate(timezone.now(), plan.rep.user.profile.zone)
    (plan_pace,) = progress_reports.plan_paces(plan.rep, [plan], rep_today)
    return render(
        request,
        "coaching/plan_detail.html",
        {
            "plan": plan,
            "pace": pace_context(plan_pace),
            "sessions": plan.sessions.select_related("workspace"),
            "commitments": commitments,
            "can_run": permissions.can_run_plan(member, plan),
            "session_form": SessionForm(),
            "today": timezone.localdate(),
            **words_context(member, plan),
        },
    )


@workspace_view()
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = permissions.access_plan(member, plan_id, for_change=True)
    form = PlanForm(request.POST or None, instance=plan, member=member)
    form.fields["rep"].disabled = True
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Plan saved."))
        return redirect(plan)
    return render(request, "coaching/plan_form.html", {"form": form, "plan": plan})
