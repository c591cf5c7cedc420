"""The rep's own words: who reads them on a page, sharing them with stakeholders, and the
coach's reply to an answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.coaching import actions
from followthrough.coaching.forms import ReplyForm, ShareForm
from followthrough.coaching.models import Plan, SharedWords
from followthrough.coaching.views.home import own_coaching_url
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current


def words_context(member: Membership, plan: Plan) -> dict[str, Any]:
    """What the page may show of the rep's own words, who reads them, and who may share them."""
    return {
        "words": permissions.words_access(member, plan.rep, plan),
        "can_share": permissions.can_share_words(member, plan),
        "readers": permissions.word_readers(plan),
    }


def share(request: HttpRequest, thing: SharedWords, plan: Plan, back: str) -> HttpResponse:
    """Shares the rep's words on `thing` (a plan, a session, an answer) or stops sharing."""
    member = current(request)
    if not permissions.can_share_words(member, plan):
        raise PermissionDenied(_("Only the rep and their coaches decide what is shared."))
    form = ShareForm(request.POST)
    form.is_valid()
    shared = bool(form.cleaned_data.get("shared"))
    attempt(
        request,
        lambda: actions.share_words(
            thing,
            plan=plan,
            by=member,
            shared=shared,
            rep_agreed=bool(form.cleaned_data.get("rep_agreed")),
        ),
        _("Shared with the stakeholders.") if shared else _("No longer shared."),
    )
    return redirect(back)


@workspace_view()
@require_POST
def plan_share(request: HttpRequest, plan_id: int) -> HttpResponse:
    member = current(request)
    plan = permissions.access_plan(member, plan_id)
    back = plan.get_absolute_url()
    if request.POST.get("next") == "home":
        back = own_coaching_url(member)
    return share(request, plan, plan, back)


@workspace_view()
@require_POST
def session_share(request: HttpRequest, session_id: int) -> HttpResponse:
    session = permissions.access_session(current(request), session_id)
    return share(request, session, session.plan, session.get_absolute_url())


@workspace_view()
@require_POST
def response_share(request: HttpRequest, response_id: int) -> HttpResponse:
    response = permissions.access_response(current(request), response_id)
    commitment = response.commitment
    return share(request, response, commitment.plan, commitment.get_absolute_url())


@workspace_view()
@require_POST
def commitment_reply(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """A coach answers a rep's answer; the rep gets it by email, the thread keeps it."""
    member = current(request)
    commitment = permissions.access_commitment(member, commitment_id)
    if not permissions.can_reply(member, commitment):
        raise PermissionDenied(_("Only the rep's coaches reply to an answer."))
    back = (
        redirect("workspace_home", member.workspace.slug)
        if request.POST.get("next") == "today"
        else redirect(commitment)
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    response = get_object_or_404(commitment.responses, pk=form.cleaned_data["response"])
    attempt(
        request,
        lambda: actions.reply_to_answer(response, author=member, text=form.cleaned_data["text"]),
        _("Reply sent to %(name)s.") % {"name": commitment.owner.user.get_short_name()},
    )
    return back
