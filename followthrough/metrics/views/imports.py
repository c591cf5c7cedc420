"""CSV import of numbers: upload, a dry run checked in steps, then import or discard.

A run belongs to the member who uploaded it: only they and the workspace's admins see it;
anyone else gets a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Role
from followthrough.lib.errors import ActionRefused
from followthrough.metrics import imports
from followthrough.metrics.forms import ImportForm
from followthrough.metrics.models import ImportRun
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, is_htmx, signed_in

SHOWN_PROBLEMS = 200


def run_for(request: HttpRequest, run_id: int) -> ImportRun:
    member = current(request)
    run = get_object_or_404(
        # The content (up to 20 MB) is read only by the steps that need it.
        ImportRun.objects.select_related("member__user__profile", "workspace").defer("content"),
        pk=run_id,
        workspace=member.workspace,
    )
    if run.member_id != member.pk and member.role != Role.ADMIN:
        raise Http404("No such import")
    return run


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
            return redirect("import_detail", member.workspace.slug, run.pk)
        status = 400
    else:
        status = 200
    context = {"form": form, "runs": runs_of(request), "is_rep": member.role == Role.REP}
    return render(request, "metrics/import_new.html", context, status=status)


@workspace_view(permissions.can_import_entries)
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_for(request, run_id)
    if request.GET.get("download") == "problems":
        response = HttpResponse(imports.problems_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
        return response
    return render(request, "metrics/import_detail.html", report(run))


def report(run: ImportRun) -> dict[str, object]:
    problem_count = len(run.problems)
    return {
        "run": run,
        "problems": run.problems[:SHOWN_PROBLEMS],
        "problem_count": problem_count,
        "more_problems": max(0, problem_count - SHOWN_PROBLEMS),
        "percent": round(100 * run.checked_rows / run.total_rows) if run.total_rows else 100,
    }


@workspace_view(permissions.can_import_entries)
@require_POST
def import_step(request: HttpRequest, run_id: int) -> HttpResponse:
    run = imports.check_next(run_for(request, run_id))
    if is_htmx(request):
        return render(request, "metrics/import_status.html", report(run))
    return redirect("import_detail", run.workspace.slug, run.pk)


@workspace_view(permissions.can_import_entries)
@require_POST
def import_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_for(request, run_id)
    try:
        count = imports.confirm(run, by=signed_in(request))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Imported {imports.plural(count, 'row')} from {run.filename}.")
    return redirect("import_detail", run.workspace.slug, run.pk)


@workspace_view(permissions.can_import_entries)
@require_POST
def import_discard(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_for(request, run_id)
    try:
        imports.discard(run)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("import_detail", run.workspace.slug, run.pk)
    messages.success(request, f"{run.filename} discarded: nothing of it was imported.")
    return redirect("import_new", run.workspace.slug)
