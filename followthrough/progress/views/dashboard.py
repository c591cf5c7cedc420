"""The team dashboard: one row per visible rep, sortable, with who needs attention; and the
weekly figures as CSV. The rows come from progress.dashboard, in a fixed number of queries."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from followthrough import permissions
from followthrough.accounts.decorators import workspace_view
from followthrough.accounts.requests import current
from followthrough.core.views import error_page
from followthrough.progress import dashboard

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
TRENDS = {
    "up": mark_safe(
        ' <span class="trend up" title="more than last week">▲'
        '<span class="visually-hidden"> more than last week</span></span>'
    ),
    "down": mark_safe(
        ' <span class="trend down" title="less than last week">▼'
        '<span class="visually-hidden"> less than last week</span></span>'
    ),
    "": "",
}


def table_row(row: dashboard.RepRow) -> SafeString:
    """One rep's row of the table. Built here with format_html, which escapes every value,
    rather than in a template: for 200 reps the template's 8,000 nodes took 20 ms, a sixth of
    the page's time (bench/dashboard.py), and this a few."""
    c = row.cells
    title = format_html('<br><small class="muted">{}</small>', row.member.title)
    if row.pace:
        pace = format_html(
            '<span class="badge pace-{}">{}</span> <svg class="pace-bar" width="80" height="8" '
            'viewBox="0 0 100 8" aria-hidden="true" focusable="false"><rect class="track" '
            'width="100" height="8" rx="2"/><rect class="done" width="{}" height="8" rx="2"/>'
            '<rect class="expected" x="{}" width="2" height="8"/></svg><br>'
            '<span class="pace-share">{}</span> <small class="muted">· {}</small>',
            row.pace_status,
            row.pace_label,
            c.bar,
            c.expected,
            c.pace_share,
            c.days_left,
        )
    else:
        pace = format_html('<span class="muted">{}</span>', row.pace_note)
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
        '<td>{}</td><td>{}</td><td>{} <small class="muted">last week {}</small>{}</td>'
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
        c.activity_last,
        TRENDS[c.activity_trend],
        pipeline or MUTED_DASH,
        confidence,
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
        "progress/dashboard.html",
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
