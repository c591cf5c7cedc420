"""CSV import of numbers: upload, a dry run checked by a background task, then import or
discard.

A run belongs to the member who uploaded it: only they and the workspace's admins see it;
anyone else gets a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks.base import TaskResultStatus
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Membership, Role
from followthrough.core.tasks import error_of
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports, tasks
from followthrough.metrics.forms import ImportForm
from followthrough.metrics.models import ImportRun, ImportState
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, is_htmx, signed_in

SHOWN_PROBLEMS = 200


def runs_of(request: HttpRequest) -> list[ImportRun]:
    """The latest runs this member may see (without their content, which may be large)."""
    member = current(request)
    runs = ImportRun.objects.filter(workspace=member.workspace).defer("content", "problems")
    if member.role != Role.ADMIN:
        runs = runs.filter(member=member)
    return list(runs.select_related("member__user")[:20])


@workspace_view(permissions.can_import_entries)
def import_new(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = ImportForm(request.POST or None, request.FILES or None, uploader=member)
    if request.method == "POST":
        if form.is_valid():
            run = imports.start(member, form.filename, form.cleaned_data["file"])
            tasks.enqueue_check(run)
            return redirect("import_detail", member.workspace.slug, run.pk)
        status = 400
    else:
        status = 200
    context = {"form": form, "runs": runs_of(request), "is_rep": member.role == Role.REP}
    return render(request, "metrics/import_new.html", context, status=status)


@workspace_view(permissions.can_import_entries)
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = permissions.access_import_run(current(request), run_id)
    if request.GET.get("download") == "problems":
        response = HttpResponse(imports.problems_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
        return response
    if is_htmx(request):  # the progress bar asks again every second while the check runs
        return render(request, "metrics/import_status.html", report(run, current(request)))
    return render(request, "metrics/import_detail.html", report(run, current(request)))


def report(run: ImportRun, viewer: Membership) -> dict[str, object]:
    problem_count = len(run.problems)
    check = tasks.check_of(run) if run.state == ImportState.CHECKING else None
    failed = check is not None and check.status == TaskResultStatus.FAILED
    under_way = tasks.check_under_way(run, check)
    return {
        "check": check,
        "check_waiting": under_way and (check is None or check.status == TaskResultStatus.READY),
        "check_active": under_way,
        "check_failed": failed,
        # What went wrong is for admins; the uploader learns that it did, and may try again.
        "check_error": error_of(check) if check and failed and viewer.role == Role.ADMIN else "",
        "run": run,
        "problems": run.problems[:SHOWN_PROBLEMS],
        "problem_count": problem_count,
        "more_problems": max(0, problem_count - SHOWN_PROBLEMS),
        "percent": round(100 * run.checked_rows / run.total_rows) if run.total_rows else 100,
    }


@workspace_view(permissions.can_import_entries)
@require_POST
def import_step(request: HttpRequest, run_id: int) -> HttpResponse:
    """Checks the rows (again): a check that failed, or whose worker was lost, resumes."""
    run = permissions.access_import_run(current(request), run_id)
    tasks.check_again(run)
    if is_htmx(request):
        return render(request, "metrics/import_status.html", report(run, current(request)))
    return redirect("import_detail", run.workspace.slug, run.pk)


@workspace_view(permissions.can_import_entries)
@require_POST
def import_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = permissions.access_import_run(current(request), run_id)
    try:
        count = imports.confirm(run, by=signed_in(request))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        imported = ngettext(
            "Imported %(count)s row from %(filename)s.",
            "Imported %(count)s rows from %(filename)s.",
            count,
        ) % {"count": f"{count:,}", "filename": run.filename}
        messages.success(request, imported)
    return redirect("import_detail", run.workspace.slug, run.pk)


@workspace_view(permissions.can_import_entries)
@require_POST
def import_discard(request: HttpRequest, run_id: int) -> HttpResponse:
    run = permissions.access_import_run(current(request), run_id)
    try:
        imports.discard(run)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("import_detail", run.workspace.slug, run.pk)
    messages.success(
        request,
        gettext("%(filename)s discarded: nothing of it was imported.") % {"filename": run.filename},
    )
    return redirect("import_new", run.workspace.slug)
