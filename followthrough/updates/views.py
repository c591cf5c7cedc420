"""The weekly update's pages: the rep's own (from their home page, logged in) and the one the
ask's signed link opens (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.lib import languages, signing
from followthrough.lib.errors import ActionRefused
from followthrough.updates import actions, pages
from followthrough.updates.forms import AskTimeForm
from followthrough.updates.models import ASK_LINK_AGE, ASK_SCOPE, UpdateAsk, week_of_rep
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current


@workspace_view(permissions.can_write_weekly_update)
def weekly_update(request: HttpRequest) -> HttpResponse:
    """This week's update, written or edited from the rep's home page."""
    rep = current(request)
    week = week_of_rep(rep, timezone.now())
    form = pages.update_form(rep, week, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_update(rep, week, by=rep.user, **form.values())
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your weekly update is saved."))
            return redirect("workspace_home", request.workspace.slug)  # type: ignore[attr-defined]
    status = 400 if request.method == "POST" else 200
    return render(request, "updates/update.html", pages.context(rep, week, form), status=status)


@workspace_view(permissions.can_write_weekly_update)
@require_POST
def ask_time(request: HttpRequest) -> HttpResponse:
    rep = current(request)
    form = AskTimeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: actions.set_ask_time(
                rep, form.cleaned_data["weekday"], form.cleaned_data["hour"], rep.user
            ),
            _("We will ask you then."),
        )
    else:
        messages.error(request, _("Pick a day of the week and an hour from 0 to 23."))
    return redirect("weekly_update", request.workspace.slug)  # type: ignore[attr-defined]


def weekly_update_link(request: HttpRequest, token: str) -> HttpResponse:
    """The ask's link: the asked week's update, no login."""
    ask = linked_ask(request, token)
    if isinstance(ask, HttpResponse):
        return ask
    rep = ask.rep
    timezone.activate(rep.user.profile.zone)  # the rep's dates, whoever opens it
    translation.activate(
        languages.supported(request.GET.get("lang") or languages.of_user(rep.user))
    )
    form = pages.update_form(rep, ask.week, request.POST or None)
    context = {**pages.context(rep, ask.week, form), "token": token, "link": True}
    if request.method != "POST":
        return render(request, "updates/update.html", context)
    if form.is_valid():
        try:
            update = actions.write_update(rep, ask.week, by=rep.user, **form.values())
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            thanks = {"update": update, "rep": rep, "token": token}
            return render(request, "updates/thanks.html", thanks)
    return render(request, "updates/update.html", context, status=400)


def linked_ask(request: HttpRequest, token: str) -> UpdateAsk | HttpResponse:
    """The ask the link is about, or a page that says plainly what is wrong."""
    try:
        ask_id = signing.read_token(ASK_SCOPE, token, ASK_LINK_AGE)
    except signing.ExpiredToken:
        return problem(
            request,
            _("This weekly update link has expired."),
            _("Links work for three weeks. Log in to write this week's update from your page."),
        )
    except signing.BadToken:
        return problem(
            request,
            _("This weekly update link is not valid."),
            _("It may have been cut short when it was copied. Open it from the email again."),
        )
    ask = UpdateAsk.objects.select_related("rep__user__profile", "workspace").filter(pk=ask_id)
    found = ask.first()
    if found is None or not found.rep.is_active:
        return problem(
            request,
            _("This weekly update is no longer asked for."),
            _("Your access to this workspace has ended; there is nothing to write."),
            status=410,
        )
    return found


def problem(request: HttpRequest, title: str, detail: str, status: int = 400) -> HttpResponse:
    return render(request, "link_problem.html", {"title": title, "message": detail}, status=status)
