"""The check-in page: no login, a signed link from the check-in email."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followthrough.coaching import actions
from followthrough.coaching.forms import AnswerForm
from followthrough.coaching.models import (
    CHECKIN_LINK_AGE,
    CHECKIN_SCOPE,
    Commitment,
    CommitmentState,
    Source,
)
from followthrough.lib import languages, signing
from followthrough.lib.errors import ActionRefused


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    commitment = linked_commitment(request, token)
    if isinstance(commitment, HttpResponse):
        return commitment
    timezone.activate(commitment.owner.user.profile.zone)  # the rep's dates, whoever opens it
    # The rep's language, whoever opens it; ?lang= is the page's switch (it stays on the POST,
    # which goes to the same URL).
    language = languages.supported(
        request.GET.get("lang") or languages.of_user(commitment.owner.user)
    )
    translation.activate(language)
    existing = commitment.current_response()
    form = AnswerForm.for_checkin(
        request.POST or None,
        commitment=commitment,
        today=timezone.localdate(),
        existing=existing,
        answer=request.GET.get("answer"),
    )
    context = {"commitment": commitment, "form": form, "existing": existing, "token": token}
    if request.method != "POST":
        return render(request, "coaching/checkin.html", context)
    if form.is_valid():
        try:
            response = actions.record_response(
                commitment,
                answer=form.cleaned_data["answer"],
                numbers=form.numbers(),
                comment=form.cleaned_data["comment"],
                new_due_on=form.cleaned_data["new_due_on"],
                source=Source.LINK,
                confidence=form.confidence(),
                share=form.share(),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            commitment.refresh_from_db()
            thanks = {"commitment": commitment, "response": response, "token": token}
            return render(request, "coaching/checkin_thanks.html", thanks)
    return render(request, "coaching/checkin.html", context, status=400)


def linked_commitment(request: HttpRequest, token: str) -> Commitment | HttpResponse:
    """The commitment the link is about, or a page that says plainly what is wrong."""
    try:
        commitment_id = signing.read_token(CHECKIN_SCOPE, token, CHECKIN_LINK_AGE)
    except signing.ExpiredToken:
        return link_problem(
            request,
            _("This check-in link has expired."),
            _(
                "Links work for 45 days. Your coach can send a new one, or answer from your "
                "own page after logging in."
            ),
        )
    except signing.BadToken:
        return link_problem(
            request,
            _("This check-in link is not valid."),
            _("It may have been cut short when it was copied. Open it from the email again."),
        )
    commitment = (
        Commitment.objects.select_related(
            "owner__user__profile", "plan__coach__user", "workspace", "session"
        )
        .filter(pk=commitment_id)
        .first()
    )
    if commitment is None:
        return link_problem(
            request,
            _("This commitment no longer exists."),
            _("Your coach removed it; there is nothing to answer."),
        )
    if commitment.state == CommitmentState.DROPPED:
        return link_problem(
            request,
            _("This commitment was dropped."),
            _("%(coach)s took it off the list, so there is nothing to answer. Thanks for checking.")
            % {"coach": commitment.plan.coach.user.name},
            status=410,
        )
    return commitment


def link_problem(request: HttpRequest, title: str, detail: str, status: int = 400) -> HttpResponse:
    return render(request, "link_problem.html", {"title": title, "message": detail}, status=status)
