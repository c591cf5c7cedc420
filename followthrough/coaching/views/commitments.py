"""A commitment: its page, and changing, dropping, closing and reporting on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.coaching import actions
from followthrough.coaching.forms import AnswerForm, CommitmentEditForm, OutcomeForm, quick_dates
from followthrough.coaching.models import Source
from followthrough.coaching.views.home import own_coaching_url
from followthrough.coaching.views.sharing import words_context
from followthrough.followups.models import FollowUp
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, signed_in


@workspace_view()
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    member = current(request)
    commitment = permissions.access_commitment(member, commitment_id)
    can_run = permissions.can_run_plan(member, commitment.plan)
    return render(
        request,
        "coaching/commitment_detail.html",
        {
            "commitment": commitment,
            "checkin": commitment.checkin_followup(),
            "plan": commitment.plan,
            "thread": commitment.thread(),
            "can_reply": permissions.can_reply(member, commitment),
            **words_context(member, commitment.plan),
            "followups": FollowUp.objects.about(commitment).order_by("send_at", "id")
            if can_run
            else [],
            "can_run": can_run,
            "can_report": permissions.can_report_on(member, commitment),
            "edit_form": CommitmentEditForm(commitment=commitment),
            "outcome_form": OutcomeForm(),
            "answer_form": AnswerForm(commitment=commitment, today=timezone.localdate()),
            "quick_dates": quick_dates(timezone.localdate()),
            "now": timezone.now(),
        },
    )


@workspace_view()
@require_POST
def commitment_edit(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = permissions.access_commitment(current(request), commitment_id, for_change=True)
    form = CommitmentEditForm(request.POST, commitment=commitment)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label if field in form.fields else ''}: {error}".lstrip(
                        ": "
                    ),
                )
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.change_commitment(
            commitment,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            measures=form.cleaned_data["measures"],
            followup_at=form.cleaned_data["followup_at"],
            by=signed_in(request),
        ),
        gettext("Commitment saved; its follow-ups follow the new date."),
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_drop(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = permissions.access_commitment(current(request), commitment_id, for_change=True)
    attempt(
        request,
        lambda: actions.drop_commitment(commitment, by=signed_in(request)),
        gettext("Commitment dropped; its follow-ups are cancelled."),
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_outcome(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = permissions.access_commitment(current(request), commitment_id, for_change=True)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Pick an outcome: done, partly done or missed."))
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.record_outcome(
            commitment,
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
            by=signed_in(request),
        ),
        gettext("Outcome recorded."),
    )
    return redirect(commitment)


@workspace_view()
@require_POST
def commitment_report(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """The owner reports progress from their own page, whenever they like."""
    member = current(request)
    commitment = permissions.access_commitment(member, commitment_id)
    if not permissions.can_report_on(member, commitment):
        raise PermissionDenied(gettext("Only the person who owns this commitment reports on it."))
    form = AnswerForm(request.POST, commitment=commitment, today=timezone.localdate())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(commitment)
    attempt(
        request,
        lambda: actions.record_response(
            commitment,
            answer=form.cleaned_data["answer"],
            numbers=form.numbers(),
            comment=form.cleaned_data["comment"],
            new_due_on=form.cleaned_data["new_due_on"],
            source=Source.REP,
            by=signed_in(request),
            share=form.share(),
        ),
        gettext("Thanks, your coach has it."),
    )
    if request.POST.get("next") == "home":
        return redirect(own_coaching_url(member))
    return redirect(commitment)
