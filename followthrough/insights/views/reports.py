"""A rep's progress page: each plan's pace, activity by week, conversion, confidence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.coaching.models import Plan
from followthrough.insights import charts, reports
from followthrough.insights.pace import FORECAST_MIN_DAYS
from followthrough.metrics.models import Metric, MetricKind
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


def pace_context(plan_pace: reports.PlanPace) -> dict[str, Any]:
    """What the pace partials show for one plan: the pace, its chart and the weekly table."""
    pace, plan = plan_pace.pace, plan_pace.plan
    if pace is None:
        return {"plan": plan, "pace": None, "missing": plan_pace.missing_reason}
    unit = plan.target_unit or (plan_pace.metric.unit if plan_pace.metric else "")
    chart = charts.pace_chart(pace, plan_pace.daily, label=f"Pace: {plan.purpose}", unit=unit)
    return {
        "plan": plan,
        "pace": pace,
        "status": pace.status(),
        "status_label": pace.status_label(),
        "percent": f"{pace.share_of_low * 100:.0f}%",
        "needed": "" if pace.needed_rate is None else charts.amount(pace.needed_rate),
        "gap": charts.amount(pace.expected_now - pace.total),
        "sentence": charts.pace_sentence(pace, unit),
        "forecast_min_days": FORECAST_MIN_DAYS,
        "late": pace.low_reached_on is not None and pace.low_reached_on > pace.deadline,
        "late_recent": (
            pace.low_reached_on_recent is not None and pace.low_reached_on_recent > pace.deadline
        ),
        "unit": unit,
        "metric": plan_pace.metric,
        # Safe: built from numbers and escaped text only (see charts.py).
        "chart": mark_safe(chart),
        "weeks": reports.cumulative_by_week(pace, plan_pace.daily),
    }


def bars(weekly: reports.Weekly, metric: Metric) -> SafeString:
    series = weekly.series(metric)
    total = sum((value for _, value in series), reports.ZERO)
    chart = charts.weekly_bars(
        series,
        label=f"{metric.name} by week",
        description=f"{metric.name} in each of the last {len(series)} weeks: "
        f"{charts.amount(total)} in all.",
    )
    return mark_safe(chart)


@workspace_view()
def rep_progress(request: HttpRequest, member_id: int) -> HttpResponse:
    viewer = current(request)
    rep = get_object_or_404(
        Membership.objects.select_related("user__profile", "workspace"),
        pk=member_id,
        workspace=viewer.workspace,
        role=Role.REP,
    )
    if not permissions.can_view_rep_private(viewer, rep):
        raise PermissionDenied(
            "You may see the progress of yourself or the reps you coach or follow."
        )
    today = timezone.localdate(timezone.now(), rep.user.profile.zone)
    metrics = Metric.by_name(rep.workspace)
    plans = list(
        Plan.objects.filter(rep=rep, closed_at=None)
        .select_related("workspace")
        .order_by("deadline", "pk")
    )
    paces = [pace_context(p) for p in reports.plan_paces(rep, plans, today, metrics)]
    weekly = reports.weekly_totals(rep, today)
    ordered = reports.metric_list(metrics)
    activity = [m for m in ordered if m.kind == MetricKind.ACTIVITY]
    # The bars: the activity metrics counted at all in the last weeks.
    counted = [m for m in activity if weekly.overall(m)]
    return render(
        request,
        "insights/rep_progress.html",
        {
            "rep": rep,
            "today": today,
            "paces": paces,
            "week_rows": reports.this_week_and_last(weekly, ordered),
            "this_week": weekly.weeks[-1],
            "first_week": weekly.weeks[0],
            "bars": [(m, bars(weekly, m), weekly.series(m)) for m in counted],
            "conversion": reports.conversion(weekly, metrics),
            "confidence": reports.confidence_history(rep),
            "is_self": viewer.pk == rep.pk,
            # The pulse's comment is the rep's own words, never shared with stakeholders.
            "reads_words": permissions.can_read_words(viewer, rep, shared=False),
        },
    )
