"""The outbox: every follow-up of a workspace, what it says, and the buttons to change it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import User
from followthrough.core.tasks import failed_in
from followthrough.followups import actions, delivery, transports
from followthrough.followups.forms import OutboxFilter, RescheduleForm
from followthrough.followups.models import FollowUp, Heartbeat, Suppression
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, signed_in


@workspace_view(permissions.can_view_outbox)
def outbox(request: HttpRequest) -> HttpResponse:
    member = current(request)
    visible = permissions.visible_followups(member)
    rows = visible.select_related("recipient").prefetch_related("about")
    filters = OutboxFilter(request.GET or None, member=member)
    if filters.is_valid():
        if person := filters.cleaned_data["person"]:
            rows = rows.filter(recipient=person.user)
        if kind := filters.cleaned_data["kind"]:
            rows = rows.filter(kind=kind)
        if state := filters.cleaned_data["state"]:
            rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-send_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followups/outbox.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "heartbeats": Heartbeat.objects.order_by("-last_seen")[:10],
            "dispatchers": Heartbeat.state(),
            "failed_count": visible.failed().count(),
            "can_retry": permissions.can_retry_failed_followups(member),
            "can_see_suppressions": permissions.can_manage_suppressions(member),
            "failed_tasks": failed_in(member.workspace)
            if permissions.can_see_failed_tasks(member)
            else [],
        },
    )


@require_POST
@workspace_view(permissions.can_retry_failed_followups)
def outbox_retry_failed(request: HttpRequest) -> HttpResponse:
    member = current(request)
    count = actions.retry_all(
        permissions.visible_followups(member), by=member.user, workspace=member.workspace
    )
    if count:
        text = ngettext(
            "%(count)d failed follow-up will be tried again now.",
            "%(count)d failed follow-ups will be tried again now.",
            count,
        )
        messages.success(request, text % {"count": count})
    else:
        messages.info(request, gettext("Nothing to retry: no follow-up has failed."))
    return redirect("outbox", member.workspace.slug)


# The HTML preview (a sandboxed srcdoc frame, which inherits the page's policy) shows the email
# as mail clients do, with its style="" attributes; scripts stay as strict as everywhere.
PREVIEW_CSP: dict[str, Any] = {**settings.SECURE_CSP, "style-src-attr": [CSP.UNSAFE_INLINE]}


@csp_override(PREVIEW_CSP)
@workspace_view(permissions.can_view_outbox)
def followup_detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = permissions.access_followup(current(request), followup_id)
    return render(request, "followups/followup_detail.html", detail_context(request, followup))


def detail_context(
    request: HttpRequest, followup: FollowUp, reschedule_form: RescheduleForm | None = None
) -> dict[str, object]:
    preview_error = ""
    subject, text, html = followup.subject, followup.body_text, followup.body_html
    if not followup.sent_at and transports.for_kind(followup.kind) is None:
        # Not sent yet: show what it would say now (it is built again when it goes out).
        try:
            message = followup.build_message()
            subject, text = str(message.subject), str(message.body)
            html = next((str(c) for c, kind in message.alternatives if kind == "text/html"), "")
        except Exception as error:  # a broken template is shown, not raised
            preview_error = str(error)
    return {
        "followup": followup,
        "subject": subject,
        "text": text,
        "html": html,
        "preview_error": preview_error,
        "can_change": permissions.can_change_followup(current(request), followup),
        "reschedule_form": reschedule_form
        or RescheduleForm(
            initial={"send_at": followup.send_at} if followup.is_changeable else None
        ),
    }


Verb = Callable[[FollowUp, User], actions.Outcome]


def change(request: HttpRequest, followup_id: int, verb: Verb, done: str) -> HttpResponse:
    followup = permissions.access_followup(current(request), followup_id, for_change=True)
    outcome = verb(followup, signed_in(request))
    if outcome in (actions.Outcome.CANCELLED, actions.Outcome.RESCHEDULED):
        messages.success(request, done)
    elif outcome == actions.Outcome.TOO_LATE:
        messages.warning(
            request,
            gettext("Too late: it is already %(state)s.")
            % {"state": followup.get_state_display().lower()},
        )
    else:
        messages.info(request, gettext("Nothing to do: it is already cancelled."))
    return redirect(followup)


@require_POST
@workspace_view(permissions.can_view_outbox)
def followup_cancel(request: HttpRequest, followup_id: int) -> HttpResponse:
    return change(request, followup_id, actions.cancel, gettext("Cancelled. It will not be sent."))


@require_POST
@workspace_view(permissions.can_view_outbox)
def followup_send_now(request: HttpRequest, followup_id: int) -> HttpResponse:
    return change(request, followup_id, actions.send_now, gettext("It goes out now."))


@require_POST
@workspace_view(permissions.can_view_outbox)
def followup_retry(request: HttpRequest, followup_id: int) -> HttpResponse:
    return change(request, followup_id, actions.retry, gettext("It will be tried again now."))


@require_POST
@workspace_view(permissions.can_view_outbox)
def followup_reschedule(request: HttpRequest, followup_id: int) -> HttpResponse:
    followup = permissions.access_followup(current(request), followup_id)
    form = RescheduleForm(request.POST, followup=followup)
    if not form.is_valid():
        context = detail_context(request, followup, reschedule_form=form)
        return render(request, "followups/followup_detail.html", context, status=400)
    when = form.cleaned_data["send_at"]
    return change(
        request,
        followup_id,
        lambda followup, by: actions.reschedule(followup, when, by),
        gettext("Rescheduled."),
    )


@workspace_view(permissions.can_manage_suppressions)
def suppressions(request: HttpRequest) -> HttpResponse:
    """Addresses held back after a hard bounce or a spam complaint, newest first."""
    member = current(request)
    rows = Suppression.objects.filter(workspace=member.workspace).select_related("lifted_by")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "followups/suppressions.html", {"page": page})


@require_POST
@workspace_view(permissions.can_manage_suppressions)
def suppression_lift(request: HttpRequest, suppression_id: int) -> HttpResponse:
    member = current(request)
    suppression = permissions.access_suppression(member, suppression_id)
    if not suppression.is_active:
        messages.info(request, gettext("Nothing to do: mail already goes to this address."))
        return redirect("suppressions", member.workspace.slug)
    count = delivery.lift(suppression, signed_in(request))
    text = ngettext(
        "Mail goes to %(address)s again; %(count)d follow-up held back goes out now.",
        "Mail goes to %(address)s again; %(count)d follow-ups held back go out now.",
        count,
    )
    messages.success(request, text % {"address": suppression.address, "count": count})
    return redirect("suppressions", member.workspace.slug)


# The providers' delivery webhooks, checked and parsed by django-anymail (its tracking signal
# reaches followups.delivery.on_tracking).
TRACKING_VIEWS = {
    "postmark": "anymail.webhooks.postmark.PostmarkTrackingWebhookView",
    "ses": "anymail.webhooks.amazon_ses.AmazonSESTrackingWebhookView",
    "mailgun": "anymail.webhooks.mailgun.MailgunTrackingWebhookView",
    "sendgrid": "anymail.webhooks.sendgrid.SendGridTrackingWebhookView",
    "brevo": "anymail.webhooks.brevo.BrevoTrackingWebhookView",
    "resend": "anymail.webhooks.resend.ResendTrackingWebhookView",
}


# What makes a provider's webhook trustworthy: its own signature where it signs (Mailgun
# always; Resend when given its secret), else the shared secret of basic auth. Without any,
# anymail would take anybody's word (it only warns), so the webhook is not there at all.
WEBHOOK_KEYS = {
    "mailgun": ("MAILGUN_WEBHOOK_SIGNING_KEY",),
    "resend": ("RESEND_SIGNING_SECRET", "WEBHOOK_SECRET"),
}


@csrf_exempt
def delivery_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Live only for the provider EMAIL_URL names, and only once its webhook can be trusted."""
    keys = WEBHOOK_KEYS.get(provider, ("WEBHOOK_SECRET",))
    if (
        provider != settings.EMAIL_PROVIDER
        or provider not in TRACKING_VIEWS
        or not any(settings.ANYMAIL.get(key) for key in keys)
    ):
        raise Http404("No delivery webhook here")
    view = import_string(TRACKING_VIEWS[provider]).as_view()
    response: HttpResponse = view(request)
    return response
