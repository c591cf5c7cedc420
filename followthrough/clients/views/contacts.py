"""The client contacts pages (coaches, admins and the reps whose deals they are on), and the
deal page's clients: name one on a deal, take one off, mark a client called back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.clients import actions, binder
from followthrough.clients.forms import ClientSettingsForm, ContactForm, DealContactForm
from followthrough.clients.models import ClientSettings, Contact
from followthrough.lib.errors import ActionRefused
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import attempt, current, signed_in


@workspace_view(permissions.can_view_contacts)
def contact_list(request: HttpRequest) -> HttpResponse:
    member = current(request)
    contacts = permissions.visible_contacts(member).prefetch_related("deals")
    context = {"contacts": contacts, "own_binder": binder.own_binder_scope(member)}
    return render(request, "clients/contact_list.html", context)


@workspace_view(permissions.can_view_contacts)
def contact_new(request: HttpRequest) -> HttpResponse:
    member = current(request)
    if request.method == "POST" and not permissions.can_write(member):
        return redirect("contact_list", member.workspace.slug)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = actions.create_contact(
                member.workspace_id, by=signed_in(request), **form.fields_for_action()
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, gettext("Contact added."))
            return redirect(contact.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/contact_form.html", {"form": form}, status=status)


@workspace_view(permissions.can_view_contacts)
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    member = current(request)
    contact = permissions.access_contact(member, contact_id, for_change=request.method == "POST")
    initial = {name: getattr(contact, name) for name in actions.CONTACT_FIELDS}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(contact, by=signed_in(request), **form.fields_for_action())
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, gettext("Saved."))
            return redirect(contact.get_absolute_url())
    deals = permissions.visible_opportunities_of_contact(member, contact)
    checkins = contact.checkins.filter(opportunity__in=deals).select_related("opportunity")
    context = {"contact": contact, "form": form, "deals": deals, "checkins": checkins}
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/contact_detail.html", context, status=status)


@workspace_view(permissions.can_view_pipeline)
@require_POST
def deal_contact_add(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """Names a known contact on the deal, or the deal's typed contact as a new one
    (`from_deal`)."""
    member = current(request)
    opportunity = permissions.access_opportunity(member, opportunity_id, for_change=True)
    by = signed_in(request)
    if request.POST.get("from_deal"):
        attempt(
            request,
            lambda: actions.contact_from_deal(opportunity, by=by),
            gettext("Client added to the deal."),
        )
    else:
        form = DealContactForm(request.POST, contacts=permissions.visible_contacts(member))
        contact = form.cleaned_data.get("contact") if form.is_valid() else None
        if contact is None:
            messages.error(request, gettext("Choose one of your contacts."))
        else:
            attempt(
                request,
                lambda: actions.add_contact_to_deal(opportunity, contact, by=by),
                gettext("Client added to the deal."),
            )
    return redirect(reverse("opportunity_detail", args=[member.workspace.slug, opportunity.pk]))


@workspace_view(permissions.can_view_pipeline)
@require_POST
def deal_contact_remove(request: HttpRequest, opportunity_id: int, contact_id: int) -> HttpResponse:
    member = current(request)
    opportunity = permissions.access_opportunity(member, opportunity_id, for_change=True)
    contact = Contact.objects.filter(pk=contact_id, workspace=member.workspace).first()
    if contact is not None:
        actions.remove_contact_from_deal(opportunity, contact, by=signed_in(request))
        messages.success(request, gettext("Client removed from the deal."))
    return redirect(reverse("opportunity_detail", args=[member.workspace.slug, opportunity.pk]))


@workspace_view(permissions.can_view_pipeline)
@require_POST
def called_back(request: HttpRequest, checkin_id: int) -> HttpResponse:
    member = current(request)
    checkin = permissions.access_client_checkin(member, checkin_id)
    attempt(
        request,
        lambda: actions.mark_called_back(checkin, by=signed_in(request)),
        gettext("Marked as called back."),
    )
    return redirect(checkin.get_absolute_url())


@workspace_view(permissions.can_change_client_settings)
def client_settings(request: HttpRequest) -> HttpResponse:
    """When and in whose name the clients of won deals are asked."""
    member = current(request)
    form = ClientSettingsForm(request.POST or None, instance=ClientSettings.of(member.workspace))
    if request.method == "POST" and form.is_valid():
        actions.save_settings(form.save(commit=False), by=signed_in(request))
        messages.success(request, gettext("Saved. It applies to deals won from now on."))
        return redirect("client_settings", member.workspace.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "clients/settings.html", {"form": form}, status=status)
