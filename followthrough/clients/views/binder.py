"""The praise binder's pages: quotes to review, a rep's or a team's binder (with its links and
its PDF), and the shared link that opens without a login."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.clients import binder as binders
from followthrough.clients import pdf
from followthrough.clients.binder_models import BinderPdf, BinderShare
from followthrough.clients.forms_binder import QuoteForm, ShareForm
from followthrough.lib.errors import ActionRefused, NotAllowed
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, is_htmx, signed_in


@workspace_view(permissions.can_review_quotes)
def quotes_review(request: HttpRequest) -> HttpResponse:
    member = current(request)
    candidates = binders.candidates_for(permissions.reviewing_reps(member))
    forms = [
        (row, QuoteForm(initial={"text": row.comment}, prefix=f"q{row.pk}")) for row in candidates
    ]
    context = {"forms": forms, "own_binder": binders.own_binder_scope(member)}
    return render(request, "clients/binder_review.html", context)


@workspace_view(permissions.can_review_quotes)
@require_POST
def quote_decide(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """Approves (as written or shortened) or declines one quote."""
    member = current(request)
    checkin = permissions.access_quote(member, checkin_id)
    form = QuoteForm(request.POST, prefix=f"q{checkin.pk}")
    try:
        if not form.is_valid():
            raise ActionRefused(" ".join(str(e) for e in form.errors.values()))
        if form.cleaned_data["decision"] == QuoteForm.DECLINE:
            binders.decline_quote(checkin, by=signed_in(request))
            messages.success(request, gettext("Quote declined: it stays out of the binder."))
        else:
            binders.approve_quote(checkin, by=signed_in(request), text=form.quote_text(checkin))
            messages.success(request, gettext("Quote approved: it is in the binder."))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("quotes_review", member.workspace.slug)


def _page(
    request: HttpRequest, scope: str, owner: Membership, **extra: object
) -> dict[str, object]:
    member = current(request)
    try:
        permissions.access_binder(member, scope, owner.pk, for_change=True)
        may_share = True
    except NotAllowed:
        may_share = False
    return {
        "binder": binders.binder_of(scope, owner),
        "owner": owner,
        "scope": scope,
        "may_share": may_share,
        "shares": list(binders.shares_of(scope, owner)) if may_share else [],
        "share_form": ShareForm(),
        **extra,
    }


@workspace_view(permissions.can_view_binders)
def binder_page(request: HttpRequest, scope: str, member_id: int) -> HttpResponse:
    owner = permissions.access_binder(current(request), scope, member_id)
    return render(request, "clients/binder.html", _page(request, scope, owner))


@workspace_view(permissions.can_view_binders)
def binder_pdf(request: HttpRequest, scope: str, member_id: int) -> HttpResponse:
    owner = permissions.access_binder(current(request), scope, member_id)
    return _pdf_or_wait(request, scope, owner)


def _pdf_or_wait(
    request: HttpRequest, scope: str, owner: Membership, **context: object
) -> HttpResponse:
    """The kept PDF if current; otherwise a page that waits for the render: htmx asks again
    every few seconds, and is sent to the PDF once it is ready."""
    kept = pdf.ready_or_ask(scope, owner)
    if kept is not None and is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.path
        return response
    if kept is not None:
        return pdf_response(kept)
    part = is_htmx(request)
    template = "clients/binder_pdf_wait_part.html" if part else "clients/binder_pdf_wait.html"
    context.update(owner=owner, scope=scope)
    return render(request, template, context, status=202)


def pdf_response(kept: BinderPdf) -> HttpResponse:
    response = HttpResponse(bytes(kept.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="binder-{kept.scope}-{kept.member_id}.pdf"'
    return response


@workspace_view(permissions.can_view_binders)
@require_POST
def binder_share(request: HttpRequest, scope: str, member_id: int) -> HttpResponse:
    member = current(request)
    owner = permissions.access_binder(member, scope, member_id, for_change=True)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "clients/binder.html",
            _page(request, scope, owner, share_form=form),
            status=400,
        )
    link = binders.share(
        scope, owner, by=member, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
    )
    messages.success(
        request, gettext("Link made. Copy it and send it: %(url)s") % {"url": link.url()}
    )
    return redirect("binder_page", member.workspace.slug, scope, owner.pk)


@workspace_view(permissions.can_view_binders)
@require_POST
def binder_revoke(request: HttpRequest, share_id: int) -> HttpResponse:
    member = current(request)
    link = permissions.access_binder_share(member, share_id)
    binders.revoke(link, by=member)
    messages.success(request, gettext("Link withdrawn: it opens nothing from now on."))
    return redirect("binder_page", member.workspace.slug, link.scope, link.member_id)


def _shared(request: HttpRequest, token: str) -> BinderShare | HttpResponse:
    try:
        return binders.open_share(token)
    except binders.ClosedLink as closed:
        context = {"title": gettext("This binder link does not open"), "message": closed.reason}
        return render(request, "link_problem.html", context, status=closed.status)


def binder_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The binder for whoever holds the link: no login, only the approved quotes."""
    link = _shared(request, token)
    if isinstance(link, HttpResponse):
        return link
    context = {"binder": binders.binder_of(link.scope, link.member), "link": link, "token": token}
    return render(request, "clients/binder_shared.html", context)


def binder_shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = _shared(request, token)
    if isinstance(link, HttpResponse):
        return link
    return _pdf_or_wait(request, link.scope, link.member, token=token)
