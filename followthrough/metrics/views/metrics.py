"""The workspace's metrics: what is counted, in which unit, and under which other names."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.metrics import actions
from followthrough.metrics.forms import MetricForm
from followthrough.metrics.models import Metric
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, signed_in


@workspace_view(permissions.can_manage_metrics)
def metrics(request: HttpRequest) -> HttpResponse:
    workspace = current(request).workspace
    rows = list(Metric.of(workspace))
    last = max((m.position for m in rows), default=0)
    form = MetricForm(
        request.POST or None, workspace=workspace, metrics=rows, initial={"position": last + 1}
    )
    if request.method == "POST":
        if form.is_valid():
            metric = actions.save_metric(form.save(commit=False), by=signed_in(request))
            messages.success(request, gettext("“%(name)s” added.") % {"name": metric.label})
            return redirect("metrics", workspace.slug)
        status = 400
    else:
        status = 200
    return render(request, "metrics/metrics.html", {"metrics": rows, "form": form}, status=status)


@workspace_view(permissions.can_manage_metrics)
def metric_edit(request: HttpRequest, metric_id: int) -> HttpResponse:
    workspace = current(request).workspace
    metric = get_object_or_404(Metric, pk=metric_id, workspace=workspace)
    title = metric.label  # the form may change the instance's name before it is saved
    form = MetricForm(
        request.POST or None,
        instance=metric,
        workspace=workspace,
        metrics=list(Metric.of(workspace)),
    )
    if request.method == "POST":
        if form.is_valid():
            actions.save_metric(form.save(commit=False), by=signed_in(request))
            messages.success(request, gettext("“%(name)s” saved.") % {"name": metric.label})
            return redirect("metrics", workspace.slug)
        status = 400
    else:
        status = 200
    context = {"form": form, "metric": metric, "title": title}
    return render(request, "metrics/metric_form.html", context, status=status)
