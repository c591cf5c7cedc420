"""What the insights pages show, ready for HTML: the pace partials' context (also on the plan
and the rep's home), the dashboard's table rows and headers, a rep's progress figures. Pages
call these; the figures themselves come from pace, reports and dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from followthrough.accounts.models import Membership
from followthrough.coaching.models import Plan
from followthrough.insights import charts, dashboard, reports
from followthrough.insights.pace import FORECAST_MIN_DAYS
from followthrough.metrics.models import Metric, MetricKind


def pace_context(plan_pace: reports.PlanPace) -> dict[str, Any]:
    """What the pace partials show for one plan: the pace, its chart and the weekly table."""
    pace, plan = plan_pace.pace, plan_pace.plan
    if pace is None:
        return {"plan": plan, "pace": None, "missing": plan_pace.missing_reason}
    unit = plan.target_unit or (plan_pace.metric.unit_label if plan_pace.metric else "")
    chart = charts.pace_chart(
        pace, plan_pace.daily, label=_("Pace: %(purpose)s") % {"purpose": plan.purpose}, unit=unit
    )
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
        label=_("%(name)s by week") % {"name": metric.label},
        description=ngettext(
            "%(name)s in each of the last %(weeks)d week: %(total)s in all.",
            "%(name)s in each of the last %(weeks)d weeks: %(total)s in all.",
            len(series),
        )
        % {"name": metric.label, "weeks": len(series), "total": charts.amount(total)},
    )
    return mark_safe(chart)


def progress(rep: Membership, today: dt.date) -> dict[str, Any]:
    """A rep's progress page: each open plan's pace, activity by week, conversion, confidence."""
    metrics = Metric.by_name(rep.workspace)
    plans = list(
        Plan.objects.filter(rep=rep, closed_at=None)
        .select_related("workspace")
        .order_by("deadline", "pk")
    )
    weekly = reports.weekly_totals(rep, today)
    ordered = reports.metric_list(metrics)
    activity = [m for m in ordered if m.kind == MetricKind.ACTIVITY]
    # The bars: the activity metrics counted at all in the last weeks.
    counted = [m for m in activity if weekly.overall(m)]
    return {
        "paces": [pace_context(p) for p in reports.plan_paces(rep, plans, today, metrics)],
        "week_rows": reports.this_week_and_last(weekly, ordered),
        "this_week": weekly.weeks[-1],
        "first_week": weekly.weeks[0],
        "bars": [(m, bars(weekly, m), weekly.series(m)) for m in counted],
        "conversion": reports.conversion(weekly, metrics),
        "confidence": reports.confidence_history(rep),
    }


# Column headers, in order: (sort key, label).
COLUMNS = [
    ("rep", gettext_lazy("Rep")),
    ("pace", gettext_lazy("Plan pace")),
    ("follow_through", gettext_lazy("Follow-through")),
    ("done", gettext_lazy("Done")),
    ("missed", gettext_lazy("Missed")),
    ("activity", gettext_lazy("Activity this week")),
    ("pipeline", gettext_lazy("Pipeline")),
    ("confidence", gettext_lazy("Confidence")),
    ("service", gettext_lazy("Service")),
]
DEFAULT_SORT = "rep"


MUTED_DASH = mark_safe('<span class="muted">—</span>')
TREND = ' <span class="trend {}" title="{}">{}<span class="visually-hidden"> {}</span></span>'


def trend(direction: str) -> SafeString | str:
    """▲ or ▼ against the same days of the week before (see dashboard._add_activity)."""
    if direction == "up":
        words = _("more than on the same days last week")
        return format_html(TREND, "up", words, "▲", words)
    if direction == "down":
        words = _("less than on the same days last week")
        return format_html(TREND, "down", words, "▼", words)
    return ""


def table_row(row: dashboard.RepRow) -> SafeString:
    """One rep's row of the table. Built here with format_html, which escapes every value,
    rather than in a template: for 200 reps the template's 8,000 nodes took 20 ms, a sixth of
    the page's time (bench/dashboard.py), and this a few."""
    c = row.cells
    title = format_html('<br><small class="muted">{}</small>', row.member.title)
    follow_through = (
        format_html('{}<br><small class="muted">{}</small>', c.follow_through, c.due)
        if c.follow_through
        else MUTED_DASH
    )
    pipeline = format_html_join(mark_safe("<br>"), "{}", ((amount,) for amount in c.pipeline))
    return format_html(
        '<tr{}><th scope="row"><a href="{}">{}</a>{}</th><td class="pace">{}</td><td>{}</td>'
        '<td>{}</td><td>{}</td><td>{} <small class="muted">{} {}</small>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        mark_safe(' class="needs-attention"') if row.reasons else "",
        row.url,
        row.name,
        title if row.member.title else "",
        pace_cell(row),
        follow_through,
        c.done,
        c.missed,
        c.activity,
        _("same days last week"),
        c.activity_last,
        trend(c.activity_trend),
        pipeline or MUTED_DASH,
        confidence_cell(c),
        service_cell(c),
    )


def pace_cell(row: dashboard.RepRow) -> SafeString:
    """Each plan's pace, or why there is none."""
    plans = row.cells.plans
    if not plans:
        return format_html('<span class="badge pace-none">{}</span>', row.pace_note)
    named = len(plans) > 1
    return format_html_join(
        "", '<div class="plan-line">{}</div>', ((plan_pace(p, named),) for p in plans)
    )


def confidence_cell(c: dashboard.Cells) -> SafeString:
    """The last rating, with its change since the one before."""
    if not c.confidence:
        return MUTED_DASH
    if c.confidence_change:
        return format_html(
            '{} <small class="trend {}">{}</small>',
            c.confidence,
            c.confidence_trend,
            c.confidence_change,
        )
    return format_html("{}", c.confidence)


def service_cell(c: dashboard.Cells) -> SafeString:
    """The clients' average score, with the open complaints (in the danger colour when a
    callback is late)."""
    if c.service is None:
        return MUTED_DASH
    if not c.service.complaints:
        return format_html("{}", c.service.average)
    return format_html(
        '{}<br><small class="{}">{}</small>',
        c.service.average,
        "complaints late" if c.service.late else "complaints",
        c.service.complaints,
    )


def plan_pace(cells: dashboard.PlanCells, named: bool) -> SafeString:
    """One plan's pace in the row's pace cell; with several plans, each says which it is."""
    purpose = format_html('<span class="plan-purpose">{}</span> ', cells.purpose) if named else ""
    if not cells.status:
        return format_html('{}<span class="muted">{}</span>', purpose, cells.note)
    return format_html(
        '{}<span class="badge pace-{}">{}</span> <svg class="pace-bar" width="80" height="8" '
        'viewBox="0 0 100 8" aria-hidden="true" focusable="false"><rect class="track" '
        'width="100" height="8" rx="2"/><rect class="done" width="{}" height="8" rx="2"/>'
        '<rect class="expected" x="{}" width="2" height="8"/></svg><br>'
        '<span class="pace-share">{}</span> <small class="muted">· {}</small>',
        purpose,
        cells.status,
        cells.label,
        cells.bar,
        cells.expected,
        cells.share,
        cells.days_left,
    )


def sort_headers(key: str, descending: bool) -> list[dict[str, Any]]:
    """The table's column headers, each linking to its sort."""
    return [
        {
            "key": column,
            "label": label,
            # A click on the sorted column turns it round; another column starts ascending.
            "link": f"-{column}" if column == key and not descending else column,
            "aria_sort": ("descending" if descending else "ascending") if column == key else "",
        }
        for column, label in COLUMNS
    ]
