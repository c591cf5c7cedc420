"""A session: scheduling it, its page, notes, the commitments agreed, finishing, moving and
cancelling it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.coaching import actions
from followthrough.coaching.forms import (
    CommitmentForm,
    FinishForm,
    MoveSessionForm,
    NotesForm,
    SessionForm,
    quick_dates,
)
from followthrough.coaching.models import CommitmentState, Session
from followthrough.coaching.views.sharing import words_context
from followthrough.lib import shortdates
from followthrough.lib.errors import ActionRefused
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, is_htmx, signed_in


@workspace_view()
@require_POST
def session_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = permissions.access_plan(member, plan_id, for_change=True)
    form = SessionForm(request.POST)
    if not form.is_valid():
        context = {
            "plan": plan,
            "sessions": plan.sessions.select_related("workspace"),
            "commitments": plan.commitments.select_related("owner__user", "workspace"),
            "can_run": permissions.can_run_plan(member, plan),
            "session_form": form,
            "today": timezone.localdate(),
            **words_context(member, plan),
        }
        return render(request, "coaching/plan_detail.html", context, status=400)
    data = form.cleaned_data
    session = actions.schedule_session(
        plan,
        data["starts_at"],
        by=signed_in(request),
        duration_minutes=data["duration_minutes"],
        location=data["location"],
        invite=data["invite"],
    )
    if not session.has_started():
        messages.success(
            request,
            gettext("Session scheduled, invitations on their way.")
            if session.invited
            else gettext("Session scheduled."),
        )
    else:
        messages.success(
            request, gettext("Session recorded; it took place, so no invitation is sent.")
        )
    return redirect(session)


def session_context(request: HttpRequest, session: Session, **extra: Any) -> dict[str, Any]:
    member = current(request)
    plan = session.plan
    today = timezone.localdate()
    return {
        "session": session,
        "plan": plan,
        "agenda": session.agenda(),
        "agreed": session.agreed().prefetch_related("responses"),
        "can_run": permissions.can_run_plan(member, plan),
        "can_see_notes": permissions.can_view_private_notes(member, plan),
        "notes_form": NotesForm(
            initial={"private_notes": session.private_notes, "summary": session.summary}
        ),
        "commitment_form": CommitmentForm(plan=plan, initial={"owner": plan.rep_id}),
        **words_context(member, plan),
        "finish_form": FinishForm(session=session),
        "move_form": MoveSessionForm(
            initial={
                "starts_at": timezone.localtime(session.starts_at),
                "duration_minutes": session.duration_minutes,
                "location": session.location,
            }
        ),
        "quick_dates": quick_dates(today),
        "today": today,
        **extra,
    }


def session_page(request: HttpRequest, session: Session, **extra: Any) -> HttpResponse:
    """The session's page again, with a form that has errors (400)."""
    context = session_context(request, session, **extra)
    return render(request, "coaching/session_detail.html", context, status=400)


@workspace_view()
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id)
    return render(request, "coaching/session_detail.html", session_context(request, session))


@workspace_view()
@require_POST
def session_notes(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id, for_change=True)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return session_page(request, session, notes_form=form)
    actions.save_notes(session, **form.cleaned_data, by=signed_in(request))
    if is_htmx(request):
        return HttpResponse(f'<span class="saved">Saved at {timezone.localtime():%H:%M}</span>')
    messages.success(request, gettext("Notes saved."))
    return redirect(session)


@workspace_view()
@require_POST
def commitment_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id, for_change=True)
    form = CommitmentForm(request.POST, plan=session.plan)
    commitment = None
    if form.is_valid():
        try:
            commitment = actions.add_commitment(
                session,
                owner=form.owner_membership(),
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
                measures=form.cleaned_data["measures"],
                followup_at=form.cleaned_data["followup_at"],
                by=signed_in(request),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
    if is_htmx(request):
        # htmx swaps only 2xx answers: a form with errors comes back as 200 to be shown in place.
        fresh = CommitmentForm(plan=session.plan, initial={"owner": session.plan.rep_id})
        context = session_context(
            request, session, commitment_form=form if commitment is None else fresh
        )
        if commitment is not None:
            context["just_added"] = commitment
        return render(request, "coaching/_commitments.html", context)
    if commitment is None:
        return session_page(request, session, commitment_form=form)
    messages.success(request, gettext("Commitment added."))
    return redirect(session)


@workspace_view()
@require_POST
def session_finish(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id, for_change=True)
    form = FinishForm(request.POST, session=session)
    if not form.is_valid():
        return session_page(request, session, finish_form=form)
    try:
        next_session = actions.finish_session(
            session,
            by=signed_in(request),
            next_starts_at=form.cleaned_data["next_starts_at"],
            held_now=form.cleaned_data.get("held_now", False),
            nothing_agreed=bool(request.POST.get("confirm_empty")),
        )
    except actions.NothingAgreed as refusal:
        messages.error(request, str(refusal))
        return redirect(session)
    except ActionRefused as refusal:
        messages.info(request, str(refusal))
        return redirect(session)
    count = session.commitments.filter(state=CommitmentState.OPEN).count()
    if next_session is None:
        text = ngettext(
            "Session finished: recap sent, %(count)d check-in scheduled.",
            "Session finished: recap sent, %(count)d check-ins scheduled.",
            count,
        ) % {"count": count}
    else:
        starts = timezone.localtime(next_session.starts_at)
        text = ngettext(
            "Session finished: recap sent, %(count)d check-in scheduled, next session on "
            "%(day)s at %(time)s with invitations.",
            "Session finished: recap sent, %(count)d check-ins scheduled, next session on "
            "%(day)s at %(time)s with invitations.",
            count,
        ) % {
            "count": count,
            "day": shortdates.short(starts, "D j M"),
            "time": formats.date_format(starts, "H:i"),
        }
    messages.success(request, text)
    return redirect(session)


@workspace_view()
@require_POST
def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id, for_change=True)
    form = MoveSessionForm(request.POST)
    if not form.is_valid():
        return session_page(request, session, move_form=form)
    data = form.cleaned_data
    attempt(
        request,
        lambda: actions.move_session(
            session,
            data["starts_at"],
            by=signed_in(request),
            duration_minutes=data["duration_minutes"],
            location=data["location"],
        ),
        gettext("Session moved: updated invitations are on their way.")
        if session.invited
        else gettext("Session moved."),
    )
    return redirect(session)


@workspace_view()
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id, for_change=True)
    attempt(
        request,
        lambda: actions.cancel_session(session, by=signed_in(request)),
        gettext("Session cancelled: the calendar cancellation is on its way.")
        if session.invited
        else gettext("Session cancelled."),
    )
    return redirect(session)
