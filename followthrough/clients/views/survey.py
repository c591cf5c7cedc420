"""The client's pages: no login, signed links from the check-in, thank-you and survey emails.

A link only shows a page; the change happens when the page is submitted (mail scanners open
every link: a GET records nothing). The pages speak the client's language (Contact.language)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from followthrough.clients import actions
from followthrough.clients.forms import AnswerForm, ConsentForm
from followthrough.clients.models import CheckInState, ClientCheckIn, Contact
from followthrough.lib import languages, signing
from followthrough.lib.errors import ActionRefused


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The 0-10 page: ?score=N (the number clicked in the email) comes chosen."""
    checkin = linked_checkin(request, token, ClientCheckIn.SURVEY_SCOPE)
    if isinstance(checkin, HttpResponse):
        return checkin
    chosen = request.GET.get("score")
    initial = {"score": chosen if chosen in {str(n) for n in range(11)} else None}
    initial["comment"] = checkin.comment
    if checkin.is_answered and initial["score"] is None:
        initial["score"] = str(checkin.score)
    form = AnswerForm(request.POST or None, initial=initial)
    context = {"checkin": checkin, "form": form, "token": token}
    if request.method != "POST":
        return render(request, "clients/answer.html", context)
    if form.is_valid():
        try:
            checkin = actions.record_answer(
                checkin,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                language=translation.get_language() or "",
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return thanks(request, checkin, token)
    return render(request, "clients/answer.html", context, status=400)


def thanks(request: HttpRequest, checkin: ClientCheckIn, token: str) -> HttpResponse:
    form = None
    if actions.may_ask_consent(checkin):
        form = ConsentForm(wordings=actions.consent_wordings(checkin))
    context = {"checkin": checkin, "consent_form": form, "token": token}
    return render(request, "clients/answer_thanks.html", context)


def consent(request: HttpRequest, token: str) -> HttpResponse:
    """ "May we quote you?", sent from the thank-you page (POST only)."""
    checkin = linked_checkin(request, token, ClientCheckIn.SURVEY_SCOPE)
    if isinstance(checkin, HttpResponse):
        return checkin
    if request.method != "POST":
        return thanks(request, checkin, token)
    form = ConsentForm(request.POST, wordings=actions.consent_wordings(checkin))
    if form.is_valid():
        try:
            checkin = actions.record_consent(checkin, credit=form.chosen_credit())
        except ActionRefused as refusal:
            return link_problem(request, _("Nothing to quote"), str(refusal))
        context = {"checkin": checkin, "token": token, "consent_given": checkin.has_consent}
        return render(request, "clients/consent_done.html", context)
    context = {"checkin": checkin, "consent_form": form, "token": token}
    return render(request, "clients/answer_thanks.html", context, status=400)


def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the thank-you email: a page that asks, and a POST that withdraws."""
    checkin = linked_checkin(request, token, ClientCheckIn.WITHDRAW_SCOPE)
    if isinstance(checkin, HttpResponse):
        return checkin
    done = False
    if request.method == "POST":
        done = actions.withdraw_consent(checkin) or checkin.withdrawn_at is not None
        checkin.refresh_from_db()
    return render(request, "clients/withdraw.html", {"checkin": checkin, "done": done})


@csrf_exempt  # RFC 8058: the mail provider POSTs with no cookie; the signed token is the key.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe: GET shows a page whose button POSTs here (a scanner's GET changes
    nothing); a provider's POST "List-Unsubscribe=One-Click" unsubscribes at once."""
    try:
        contact_id = signing.read_token(Contact.UNSUBSCRIBE_SCOPE, token, Contact.UNSUBSCRIBE_AGE)
    except signing.BadToken:
        return link_problem(request, _("This link is not valid."), BROKEN)
    contact = Contact.objects.select_related("workspace").filter(pk=contact_id).first()
    if contact is None:
        return link_problem(request, _("This address is no longer on our list."), GONE, 410)
    translation.activate(languages.supported(contact.language))
    if request.method == "POST":
        actions.unsubscribe(contact)
        contact.refresh_from_db()
    return render(request, "clients/unsubscribe.html", {"contact": contact, "token": token})


BROKEN = gettext_lazy(
    "It may have been cut short when it was copied. Open it from the email again."
)
GONE = gettext_lazy("There is nothing more to do: you will receive no surveys from us.")


def linked_checkin(request: HttpRequest, token: str, scope: str) -> ClientCheckIn | HttpResponse:
    """The check-in the link is about, in the client's language, or a page that says plainly
    what is wrong (tampered, expired, withdrawn)."""
    age = ClientCheckIn.SURVEY_MAX_AGE
    if scope == ClientCheckIn.WITHDRAW_SCOPE:
        age = ClientCheckIn.WITHDRAW_MAX_AGE
    try:
        checkin_id = signing.read_token(scope, token, age)
    except signing.ExpiredToken:
        return link_problem(request, _("This link has expired."), EXPIRED)
    except signing.BadToken:
        return link_problem(request, _("This link is not valid."), BROKEN)
    checkin = (
        ClientCheckIn.objects.select_related("contact", "opportunity", "workspace", "rep__user")
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None or (checkin.state == CheckInState.CANCELLED and not checkin.is_answered):
        return link_problem(request, _("This survey was withdrawn."), WITHDRAWN, 410)
    translation.activate(languages.supported(checkin.contact.language))
    return checkin


EXPIRED = gettext_lazy("Survey links work for 60 days. Thank you for opening it all the same.")
WITHDRAWN = gettext_lazy("There is nothing to answer. Thank you for checking.")


def link_problem(
    request: HttpRequest, title: str, detail: object, status: int = 400
) -> HttpResponse:
    return render(request, "link_problem.html", {"title": title, "message": detail}, status=status)
