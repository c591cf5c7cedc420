"""Personal API tokens on the profile page: make one (shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.api import actions
from followthrough.api.forms import TokenForm
from followthrough.api.models import ApiToken
from followthrough.lib.errors import ActionRefused, NotFound
from followthrough.web.requests import signed_in


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The list, and the form for a new one; a new token is shown on this answer only."""
    user = signed_in(request)
    form = TokenForm(request.POST or None, user=user)
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = actions.create_token(
                    form.cleaned_data["membership"],
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expiry_days=form.cleaned_data["expiry_days"],
                    by=user,
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                form = TokenForm(user=user)
        status = 201 if secret else 400
    rows = ApiToken.objects.filter(membership__user=user).select_related("membership__workspace")
    context = {"form": form, "secret": secret, "tokens": rows}
    response = render(request, "api/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the one answer that holds the token
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = permissions.access_api_token(signed_in(request), token_id)
    except NotFound:
        raise Http404 from None
    try:
        actions.revoke_token(token, by=signed_in(request))
    except ActionRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, _("Token revoked: it no longer works."))
    return redirect("api_tokens")
