"""The import of past won deals and their clients from a CRM export. Only the upload is here:
the check, the report, the confirmation and the discard are the metrics import's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from followthrough import permissions
from followthrough.clients import crm
from followthrough.clients.forms_crm import CrmImportForm
from followthrough.metrics import imports, tasks
from followthrough.metrics.models import ImportRun
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current


@workspace_view(permissions.can_import_deals)
def crm_import(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = CrmImportForm(request.POST or None, request.FILES or None, uploader=member)
    if request.method == "POST" and form.is_valid():
        run = imports.start(member, form.filename, form.cleaned_data["file"])
        tasks.enqueue_check(run)
        return redirect("import_detail", member.workspace.slug, run.pk)
    runs = ImportRun.objects.filter(member=member, kind=crm.KIND).defer("content", "problems")
    context = {"form": form, "runs": runs[:20], "headers": crm.HEADERS}
    return render(request, "clients/crm_import.html", context, status=400 if form.errors else 200)
