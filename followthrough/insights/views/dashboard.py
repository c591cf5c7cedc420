"""The team dashboard: one row per visible rep, sortable, with who needs attention; and the
weekly figures as CSV. The rows come from progress.dashboard, in a fixed number of queries."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followthrough import permissions
from followthrough.insights import dashboard
from followthrough.web.decorators import workspace_view
from followthrough.web.errors import error_page
from followthrough.web.requests import current

# Column headers, in order: (sort key, label).
COLUMNS = [
    ("rep", "Rep"),
    ("pace", "Plan pace"),
    ("follow_through", "Follow-through"),
    ("done", "Done"),
    ("missed", "Missed"),
    ("activity", "Activity this week"),
    ("pipeline", "Pipeline"),
    ("confidence", "Confidence"),
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
    if c.plans:
        named = len(c.plans) > 1
        pace = format_html_join(
            "", '<div class="plan-line">{}</div>', ((plan_pace(p, named),) for p in c.plans)
        )
    else:
        pace = format_html('<span class="badge pace-none">{}</span>', row.pace_note)
    follow_through = (
        format_html('{}<br><small class="muted">{}</small>', c.follow_through, c.due)
        if c.follow_through
        else MUTED_DASH
    )
    pipeline = format_html_join(mark_safe("<br>"), "{}", ((amount,) for amount in c.pipeline))
    if not c.confidence:
        confidence = MUTED_DASH
    elif c.confidence_change:
        confidence = format_html(
            '{} <small class="trend {}">{}</small>',
            c.confidence,
            c.confidence_trend,
            c.confidence_change,
        )
    else:
        confidence = format_html("{}", c.confidence)
    return format_html(
        '<tr{}><th scope="row"><a href="{}">{}</a>{}</th><td class="pace">{}</td><td>{}</td>'
        '<td>{}</td><td>{}</td><td>{} <small class="muted">{} {}</small>{}</td>'
        "<td>{}</td><td>{}</td></tr>\n",
        mark_safe(' class="needs-attention"') if row.reasons else "",
        row.url,
        row.name,
        title if row.member.title else "",
        pace,
        follow_through,
        c.done,
        c.missed,
        c.activity,
        _("same days last week"),
        c.activity_last,
        trend(c.activity_trend),
        pipeline or MUTED_DASH,
        confidence,
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


@workspace_view(permissions.can_view_dashboard)
def team(request: HttpRequest) -> HttpResponse:
    member = current(request)
    sort = request.GET.get("sort") or DEFAULT_SORT
    key = sort.removeprefix("-")
    if key not in dashboard.SORTS:
        names = ", ".join(dashboard.SORTS)
        return error_page(
            request, 400, "Bad request", f"Cannot sort by “{sort}”. Sort by one of: {names}."
        )
    descending = sort.startswith("-")
    rows = dashboard.sort_rows(dashboard.build_rows(member), key, descending)
    headers = [
        {
            "key": column,
            "label": label,
            # A click on the sorted column turns it round; another column starts ascending.
            "link": f"-{column}" if column == key and not descending else column,
            "aria_sort": ("descending" if descending else "ascending") if column == key else "",
        }
        for column, label in COLUMNS
    ]
    return render(
        request,
        "insights/dashboard.html",
        {
            "rows": rows,
            "table_rows": [table_row(row) for row in rows],
            "attention": [row for row in rows if row.reasons],
            "headers": headers,
            "sort": sort,
            "today": timezone.localdate(),
            "commitment_weeks": dashboard.COMMITMENT_WEEKS,
        },
    )


@workspace_view(permissions.can_view_dashboard)
def weekly_csv(request: HttpRequest) -> HttpResponse:
    member = current(request)
    try:
        weeks = dashboard.parse_weeks(request.GET.get("weeks"))
    except ValueError as problem:
        return error_page(request, 400, "Bad request", str(problem))
    today = timezone.localdate()
    filename = f"{member.workspace.slug}-weekly-{today.isoformat()}.csv"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    writer = csv.writer(response)
    writer.writerow(dashboard.CSV_HEADER)
    writer.writerows(dashboard.weekly_rows(member, weeks))
    return response
