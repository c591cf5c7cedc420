"""Webhook endpoints of a workspace: list, add, change, disable, rotate, test, and the log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, signed_in
from followthrough.webhooks import actions, queries
from followthrough.webhooks.forms import EndpointForm
from followthrough.webhooks.models import Endpoint

admins = workspace_view(permissions.can_manage_webhooks)


@admins
def webhooks(request: HttpRequest) -> HttpResponse:
    endpoints = Endpoint.objects.filter(workspace=current(request).workspace)
    return render(request, "webhooks/list.html", {"endpoints": endpoints})


@admins
def webhook_add(request: HttpRequest) -> HttpResponse:
    member = current(request)
    form = EndpointForm(request.POST or None, instance=Endpoint(workspace=member.workspace))
    if request.method == "POST" and form.is_valid():
        endpoint = actions.save(form.instance, by=signed_in(request))
        return render(request, "webhooks/secret.html", {"endpoint": endpoint, "added": True})
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/form.html", {"form": form}, status=status)


@admins
def webhook_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        actions.save(form.instance, by=signed_in(request))
        messages.success(request, gettext("Saved."))
        return redirect(endpoint)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/form.html", context, status=status)


@admins
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    context = {"endpoint": endpoint, "log": queries.delivery_log(endpoint)}
    return render(request, "webhooks/detail.html", context)


@require_POST
@admins
def webhook_disable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    if actions.disable(endpoint, by=signed_in(request)):
        messages.success(request, gettext("Disabled: nothing more is sent to it."))
    return redirect(endpoint)


@require_POST
@admins
def webhook_enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    if actions.enable(endpoint, by=signed_in(request)):
        messages.success(request, gettext("Enabled: new events are sent to it again."))
    return redirect(endpoint)


@require_POST
@admins
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    actions.delete(endpoint, by=signed_in(request))
    messages.success(request, gettext("The endpoint and its log were deleted."))
    return redirect("webhooks", current(request).workspace.slug)


@require_POST
@admins
def webhook_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    actions.rotate(endpoint, by=signed_in(request))
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "added": False})


@require_POST
@admins
def webhook_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = permissions.access_endpoint(current(request), endpoint_id)
    if not endpoint.is_active:
        messages.warning(request, gettext("The endpoint is disabled: enable it first."))
        return redirect(endpoint)
    actions.send_test(endpoint, by=signed_in(request))
    messages.success(request, gettext("A test event is on its way; its delivery shows below."))
    return redirect(endpoint)


@require_POST
@admins
def webhook_redeliver(request: HttpRequest, endpoint_id: int, message_id: int) -> HttpResponse:
    message = permissions.access_webhook_message(current(request), endpoint_id, message_id)
    if not message.endpoint.is_active:
        messages.warning(request, gettext("The endpoint is disabled: enable it first."))
        return redirect(message.endpoint)
    actions.redeliver(message, by=signed_in(request))
    messages.success(request, gettext("It will be delivered again, with the same webhook-id."))
    return redirect(message.endpoint)
