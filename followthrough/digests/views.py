"""The weekly digest's pages: unsubscribe (signed link, no login), preferences and previews."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from followthrough import permissions
from followthrough.accounts.forms import time_zone_names
from followthrough.coaching.views.checkin import link_problem
from followthrough.digests import actions, queries
from followthrough.digests.forms import PreferencesForm
from followthrough.digests.models import UNSUBSCRIBE_LINK_AGE, UNSUBSCRIBE_SCOPE, Subscription
from followthrough.lib import languages, signing
from followthrough.web.decorators import workspace_view

ONE_CLICK = "List-Unsubscribe=One-Click"


@csrf_exempt  # RFC 8058: the mail provider's POST carries no session and no CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a confirmation page (a link scanner opening it changes nothing). POST: stops the
    digest at once, the provider's one-click (body List-Unsubscribe=One-Click) and the page's
    button alike; the signed token is the authority, scoped to one recipient and one
    subscription."""
    subscription = linked_subscription(request, token)
    if isinstance(subscription, HttpResponse):
        return subscription
    translation.activate(languages.of_user(subscription.recipient.user))
    context = {"subscription": subscription, "token": token}
    if request.method != "POST":
        return render(request, "digests/unsubscribe.html", context)
    if request.POST.get("again"):
        actions.resubscribe(subscription)
        return render(request, "digests/unsubscribe.html", {**context, "again": True})
    outcome = actions.unsubscribe(subscription)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
    done = {**context, "done": True, "too_late": outcome == "too late"}
    return render(request, "digests/unsubscribe.html", done)


def linked_subscription(request: HttpRequest, token: str) -> Subscription | HttpResponse:
    try:
        sub_id, holder = signing.read_holder_token(UNSUBSCRIBE_SCOPE, token, UNSUBSCRIBE_LINK_AGE)
    except signing.ExpiredToken:
        return link_problem(
            request,
            _("This unsubscribe link has expired."),
            _("Log in and open your digest preferences to stop it or change it."),
        )
    except signing.BadToken:
        return link_problem(
            request,
            _("This unsubscribe link is not valid."),
            _("It may have been cut short when it was copied. Use the link of a recent digest."),
        )
    subscription = (
        Subscription.objects.select_related("recipient__user__profile", "workspace")
        .filter(pk=sub_id, recipient_id=holder)
        .first()
    )
    if subscription is None:
        return link_problem(
            request, _("This digest no longer exists."), _("There is nothing to unsubscribe."), 404
        )
    return subscription


@workspace_view(permissions.can_have_digest)
def preferences(request: HttpRequest) -> HttpResponse:
    member = request.membership  # type: ignore[attr-defined]
    subscription = queries.subscription_of(member)
    choosable = queries.choosable_reps(member)
    form = PreferencesForm(request.POST or None, instance=subscription, choosable=choosable)
    if request.method == "POST" and form.is_valid():
        actions.change_preferences(subscription, request.user, **form.changes())  # type: ignore[arg-type]
        return redirect("digest_preferences", request.workspace.slug)  # type: ignore[attr-defined]
    context = {"form": form, "subscription": subscription, "time_zones": time_zone_names()}
    return render(request, "digests/preferences.html", context, status=400 if form.errors else 200)


@workspace_view(permissions.can_preview_digests)
def previews(request: HttpRequest) -> HttpResponse:
    """The digests this member receives, and those about them or about the reps they coach."""
    member = request.membership  # type: ignore[attr-defined]
    rows = queries.previewable(member)
    return render(request, "digests/previews.html", {"rows": rows})


@workspace_view()
def preview(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Exactly what goes out next and when, rendered by the email's own template; a rep sees
    only their own part, a coach the parts of the reps they coach."""
    member = request.membership  # type: ignore[attr-defined]
    subscription, only = permissions.access_digest(member, subscription_id)
    timezone.activate(subscription.zone)  # "Monday at 08:00 his time"
    upcoming = queries.next_digest(subscription, only)
    context = {"subscription": subscription, "c": upcoming, "whole": only is None}
    return render(request, "digests/preview.html", context)
