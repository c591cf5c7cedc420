"""Programs, cohorts and their sessions: thin pages over programs.actions; every rule is in
followthrough.permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.lib.errors import ActionRefused
from followthrough.programs import actions
from followthrough.programs.forms import CohortForm, EnrollForm, HeldForm, MoveForm, ProgramForm
from followthrough.programs.models import ProgramSession
from followthrough.programs.queries import cohort_page, session_page
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, signed_in


@workspace_view(permissions.can_view_programs)
def programs(request: HttpRequest) -> HttpResponse:
    member = current(request)
    rows = permissions.visible_programs(member).prefetch_related("cohorts__facilitator__user")
    context = {
        "programs": rows,
        "can_create": permissions.can_create_programs(member),
        "can_view_rubrics": permissions.can_view_rubrics(member),
    }
    return render(request, "programs/programs.html", context)


@workspace_view(permissions.can_create_programs)
def program_new(request: HttpRequest) -> HttpResponse:
    workspace = current(request).workspace
    form = ProgramForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        program = actions.create_program(workspace, by=signed_in(request), **form.cleaned_data)
        messages.success(request, gettext("Program created. Start its first cohort."))
        return redirect(program)
    status = 400 if form.is_bound else 200
    return render(request, "programs/program_form.html", {"form": form}, status=status)


@workspace_view(permissions.can_view_programs)
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    member = current(request)
    program = permissions.access_program(member, program_id)
    context = {
        "program": program,
        "cohorts": permissions.visible_cohorts(member, program).select_related("facilitator__user"),
        "can_change": permissions.can_change_program(member, program),
        "can_start_cohort": permissions.can_create_programs(member),
    }
    return render(request, "programs/program_detail.html", context)


@workspace_view()
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    member = current(request)
    program = permissions.access_program(member, program_id, for_change=True)
    form = ProgramForm(request.POST or None, workspace=member.workspace, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.change_program(
            program,
            by=signed_in(request),
            name=data["name"],
            goal=data["goal"],
            topics=data["topics"] or [],
            sponsors=data["sponsors"],
        )
        messages.success(request, gettext("Program saved."))
        return redirect(program)
    context = {"form": form, "program": program}
    return render(
        request, "programs/program_form.html", context, status=400 if form.is_bound else 200
    )


@workspace_view(permissions.can_create_programs)
def cohort_new(request: HttpRequest, program_id: int) -> HttpResponse:
    member = current(request)
    program = permissions.access_program(member, program_id, for_change=True)
    form = CohortForm(request.POST or None, workspace=member.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.create_cohort(program, by=signed_in(request), **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, gettext("Cohort started: its sessions are scheduled."))
            return redirect(cohort)
    context = {"form": form, "program": program}
    return render(
        request, "programs/cohort_form.html", context, status=400 if form.is_bound else 200
    )


@workspace_view()
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = permissions.access_cohort(current(request), cohort_id)
    return render(request, "programs/cohort_detail.html", cohort_page(current(request), cohort))


@workspace_view()
@require_POST
def cohort_enroll(request: HttpRequest, cohort_id: int) -> HttpResponse:
    member = current(request)
    cohort = permissions.access_cohort(member, cohort_id, for_change=True)
    form = EnrollForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            actions.enroll(cohort, form.cleaned_data["manager"], by=signed_in(request))
        except ActionRefused as refusal:
            form.add_error("manager", str(refusal))
        else:
            messages.success(request, gettext("Enrolled: their plan is open and invitations sent."))
            return redirect(cohort)
    context = cohort_page(member, cohort, enroll_form=form)
    return render(request, "programs/cohort_detail.html", context, status=400)


@workspace_view()
@require_POST
def enrollment_leave(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = permissions.access_enrollment(current(request), enrollment_id)
    _attempt(
        request,
        lambda: actions.leave(enrollment, by=signed_in(request)),
        gettext("Left the cohort; history kept."),
    )
    return redirect(enrollment.cohort)


@workspace_view()
def program_session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    member = current(request)
    session = permissions.access_program_session(member, session_id)
    return render(request, "programs/session_detail.html", session_page(member, session))


@workspace_view()
@require_POST
def program_session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    member = current(request)
    session = permissions.access_program_session(member, session_id, for_change=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            lambda: actions.move_session(
                session,
                data["starts_at"],
                by=signed_in(request),
                duration_minutes=data["duration_minutes"],
                location=data["location"],
            ),
            gettext("Session moved; the cohort's calendars are updated."),
        )
        if done:
            return redirect(session)
    return _session_again(request, session, move_form=form)


@workspace_view()
@require_POST
def program_session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_program_session(current(request), session_id, for_change=True)
    _attempt(
        request,
        lambda: actions.cancel_session(session, by=signed_in(request)),
        gettext("Session cancelled; the cohort's calendars are updated."),
    )
    return redirect(session)


@workspace_view()
@require_POST
def program_session_held(request: HttpRequest, session_id: int) -> HttpResponse:
    member = current(request)
    session = permissions.access_program_session(member, session_id, for_change=True)
    form = HeldForm(request.POST, session=session)
    if form.is_valid():
        done = _attempt(
            request,
            lambda: actions.record_held(
                session,
                by=signed_in(request),
                debrief=form.cleaned_data["debrief"],
                managers=form.managers(),
            ),
            gettext("Recorded as held; each manager's commitments will be checked in on."),
        )
        if done:
            return redirect(session)
    return _session_again(request, session, held_form=form)


def _attempt(request: HttpRequest, action: Any, success: str) -> bool:
    """Runs one action: a refusal becomes an error message (False), success a message."""
    try:
        action()
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, success)
    return True


def _session_again(request: HttpRequest, session: ProgramSession, **forms: Any) -> HttpResponse:
    """The session's page with the form that has errors (400)."""
    context = session_page(current(request), session, **forms)
    context["now"] = timezone.now()
    return render(request, "programs/session_detail.html", context, status=400)
