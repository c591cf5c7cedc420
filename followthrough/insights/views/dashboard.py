"""The team dashboard: one row per visible rep, sortable, with who needs attention; and the
weekly figures as CSV. The rows come from insights.dashboard, in a fixed number of queries."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.insights import dashboard, presenters
from followthrough.web.decorators import workspace_view
from followthrough.web.errors import error_page
from followthrough.web.requests import current


@workspace_view(permissions.can_view_dashboard)
def team(request: HttpRequest) -> HttpResponse:
    member = current(request)
    sort = request.GET.get("sort") or presenters.DEFAULT_SORT
    key = sort.removeprefix("-")
    if key not in dashboard.SORTS:
        names = ", ".join(dashboard.SORTS)
        return error_page(
            request,
            400,
            gettext("Bad request"),
            gettext("Cannot sort by “%(sort)s”. Sort by one of: %(names)s.")
            % {"sort": sort, "names": names},
        )
    descending = sort.startswith("-")
    rows = dashboard.sort_rows(dashboard.build_rows(member), key, descending)
    return render(
        request,
        "insights/dashboard.html",
        {
            "rows": rows,
            "table_rows": [presenters.table_row(row) for row in rows],
            "attention": [row for row in rows if row.reasons],
            "headers": presenters.sort_headers(key, descending),
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
        return error_page(request, 400, gettext("Bad request"), str(problem))
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
