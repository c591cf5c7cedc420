"""A cohort's adoption page (who is really coaching), its weekly email's subscribe button, and
the email's unsubscribe link (signed, no login; GET confirms, POST stops)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.coaching.views.checkin import link_problem
from followthrough.lib import languages, signing
from followthrough.programs import adoption, adoption_digest
from followthrough.programs.models import ADOPTION_UNSUBSCRIBE_SCOPE, AdoptionSubscription
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, signed_in

LINK_AGE = dt.timedelta(days=120)


@workspace_view()
def cohort_adoption(request: HttpRequest, cohort_id: int) -> HttpResponse:
    member = current(request)
    cohort, own = permissions.access_cohort_adoption(member, cohort_id)
    subscribed = own is None and adoption_digest.subscription_of(member, cohort) is not None
    context = {"page": adoption.page(cohort, own), "subscribed": subscribed, "own": own}
    return render(request, "programs/adoption/cohort.html", context)


@require_POST
@workspace_view()
def adoption_subscription(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Subscribe (or, with stop=1, unsubscribe) to the weekly email of the page."""
    member = current(request)
    cohort = permissions.access_adoption_subscription(member, cohort_id)
    found = adoption_digest.subscription_of(member, cohort)
    if request.POST.get("stop"):
        if found is not None:
            adoption_digest.unsubscribe(found, signed_in(request))
    else:
        adoption_digest.subscribe(member, cohort, signed_in(request))
    return redirect("cohort_adoption", cohort.workspace.slug, cohort.pk)


@csrf_exempt  # RFC 8058: the mail provider's POST carries no session and no CSRF token
def adoption_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        sub_id, holder = signing.read_holder_token(ADOPTION_UNSUBSCRIBE_SCOPE, token, LINK_AGE)
    except signing.ExpiredToken:
        return link_problem(
            request,
            _("This unsubscribe link has expired."),
            _("Log in and open the cohort's adoption page to stop it."),
        )
    except signing.BadToken:
        return link_problem(
            request,
            _("This unsubscribe link is not valid."),
            _("It may have been cut short when it was copied. Use the link of a recent email."),
        )
    found = (
        AdoptionSubscription.objects.select_related("recipient__user__profile", "cohort")
        .filter(pk=sub_id, recipient_id=holder)
        .first()
    )
    if found is None:
        return link_problem(
            request, _("This email no longer exists."), _("There is nothing to unsubscribe."), 404
        )
    translation.activate(languages.of_user(found.recipient.user))
    if request.method != "POST":
        return render(request, "programs/adoption/unsubscribe.html", {"subscription": found})
    adoption_digest.unsubscribe(found, None)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
    context = {"subscription": found, "done": True}
    return render(request, "programs/adoption/unsubscribe.html", context)
