"""A coach's to-dos, beside the open loops of the reps they coach."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.coaching import actions, queries
from followthrough.coaching.forms import TodoForm
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, is_htmx


@workspace_view(permissions.can_start_plans)
def todos(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = TodoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_todo(member, **form.cleaned_data)
        messages.success(request, gettext("To-do added."))
        return redirect("todos", member.workspace.slug)
    return render(
        request,
        "coaching/todos.html",
        {
            "form": form,
            "open_loops": queries.open_loops(member),
            "todos": permissions.visible_todos(member)
            .filter(done_at=None)
            .select_related("commitment__workspace", "workspace", "owner__user"),
            "done": permissions.visible_todos(member)
            .exclude(done_at=None)
            .select_related("owner__user")
            .order_by("-done_at")[:20],
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view(permissions.can_start_plans)
@require_POST
def todo_tick(request: HttpRequest, todo_id: int) -> HttpResponse:
    member = current(request)
    todo = permissions.access_todo(member, todo_id)
    actions.tick_todo(todo, done=request.POST.get("done", "1") == "1")
    if is_htmx(request):
        return render(request, "coaching/_todo.html", {"todo": todo, "today": timezone.localdate()})
    if request.POST.get("next") == "home":
        return redirect("workspace_home", member.workspace.slug)
    return redirect("todos", member.workspace.slug)
