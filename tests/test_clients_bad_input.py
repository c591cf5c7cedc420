"""Bad input of issue 13 not covered elsewhere, through the pages people use: a contact without
an email (the deal says why), a deal moved back from Won before the check-in, the same contact
twice, an address that unsubscribed, a binder link after revocation."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.test import Client, TestCase
from django.urls import reverse

from followthrough.clients import actions
from followthrough.clients import binder as binders
from followthrough.clients.binder_models import BinderPdf, Scope
from followthrough.clients.models import CheckInState, ClientCheckIn, Contact, SkipReason
from followthrough.followups.models import FollowUp, State
from followthrough.lib.errors import ActionRefused
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage
from tests.binder_helpers import approved
from tests.conftest import World, dispatch, run_tasks

# Monday 5 October 2026, 15:00 UTC: the check-ins go out 30 days later, in November.
WON_AT = dt.datetime(2026, 10, 5, 15, 0, tzinfo=dt.UTC)
LATER = WON_AT + dt.timedelta(days=45)


def deal_page(w: World, deal: Opportunity, who: str = "rep") -> str:
    response = w.client(who).get(reverse("opportunity_detail", args=["acme", deal.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def clients_section(body: str) -> str:
    return body[body.index('class="card deal-clients"') :][:4000]


def new_deal(w: World, account: str = "Lakeshore Medical Group") -> Opportunity:
    return pipeline.create_opportunity(
        w.members["rep"], by=w.user("rep"), account=account, stage=Stage.NEGOTIATION
    )


def name_on_deal(w: World, deal: Opportunity, contact: Contact) -> None:
    url = reverse("deal_contact_add", args=["acme", deal.pk])
    assert w.client("rep").post(url, {"contact": contact.pk}).status_code == 302


def move(w: World, deal: Opportunity, stage: str) -> None:
    url = reverse("opportunity_stage", args=["acme", deal.pk])
    assert w.client("rep").post(url, {"stage": stage}).status_code == 302


def add_contact(w: World, name: str, email: str = "") -> Contact:
    response = w.client("rep").post(
        reverse("contact_new", args=["acme"]), {"name": name, "email": email, "language": "en"}
    )
    assert response.status_code == 302
    return Contact.objects.get(name=name)


def test_a_contact_without_an_email_is_not_asked_and_the_deal_says_why(world: World) -> None:
    with time_machine.travel(WON_AT, tick=False):
        deal = new_deal(world)
        kari = add_contact(world, "Kari Lund")
        name_on_deal(world, deal, kari)
        assert "No email address: no check-in can be sent." not in deal_page(world, deal)
        move(world, deal, Stage.WON)
    checkin = ClientCheckIn.objects.get(contact=kari)
    assert (checkin.state, checkin.skip_reason) == (CheckInState.SKIPPED, SkipReason.NO_EMAIL)
    assert not FollowUp.objects.about(checkin).exists()
    section = clients_section(deal_page(world, deal))
    assert "Kari Lund" in section and "Not sent" in section
    assert "The contact has no email address." in section
    with time_machine.travel(LATER, tick=False):
        assert dispatch().sent == 0


@pytest.mark.parametrize("stage", [Stage.LOST, Stage.NEGOTIATION])
def test_a_deal_moved_back_from_won_before_the_checkin_sends_nothing(
    world: World, stage: str
) -> None:
    with time_machine.travel(WON_AT, tick=False):
        deal = new_deal(world)
        helen = add_contact(world, "Helen Moy", "helen@lakeshore.example")
        name_on_deal(world, deal, helen)
        move(world, deal, Stage.WON)
    checkin = ClientCheckIn.objects.get(contact=helen)
    emails = FollowUp.objects.about(checkin)
    assert sorted(emails.values_list("state", flat=True)) == [State.SCHEDULED] * 2
    with time_machine.travel(WON_AT + dt.timedelta(days=10), tick=False):
        move(world, deal, stage)
    checkin.refresh_from_db()
    assert checkin.state == CheckInState.CANCELLED
    assert set(emails.values_list("state", flat=True)) == {State.CANCELLED}  # and the reminder
    section = clients_section(deal_page(world, deal))
    assert "Cancelled" in section
    with time_machine.travel(LATER, tick=False):
        assert dispatch().sent == 0
        gone = Client().get(reverse("client_answer", args=[checkin.survey_token()]))
    assert gone.status_code == 410


def test_the_same_contact_twice_on_a_deal_is_named_and_asked_once(world: World) -> None:
    with time_machine.travel(WON_AT, tick=False):
        deal = new_deal(world)
        move(world, deal, Stage.WON)
        helen = add_contact(world, "Helen Moy", "helen@lakeshore.example")
        name_on_deal(world, deal, helen)
        name_on_deal(world, deal, helen)  # a double click, a second tab
    assert deal.client_contacts.count() == 1
    checkin = ClientCheckIn.objects.get(contact=helen)
    assert FollowUp.objects.about(checkin).count() == 2  # the check-in and its reminder
    assert clients_section(deal_page(world, deal)).count("Helen Moy</a>") == 1


def test_the_same_contact_on_two_deals_won_the_same_day_is_asked_once(world: World) -> None:
    with time_machine.travel(WON_AT, tick=False):
        helen = add_contact(world, "Helen Moy", "helen@lakeshore.example")
        first, second = new_deal(world, "Lakeshore North"), new_deal(world, "Lakeshore South")
        for deal in (first, second):
            name_on_deal(world, deal, helen)
            move(world, deal, Stage.WON)
    asked = ClientCheckIn.objects.get(opportunity=first)
    dropped = ClientCheckIn.objects.get(opportunity=second)
    assert asked.state == CheckInState.SCHEDULED
    assert (dropped.state, dropped.skip_reason) == (CheckInState.SKIPPED, SkipReason.THROTTLED)
    assert "was asked less than the workspace's interval ago" in deal_page(world, second)
    with time_machine.travel(LATER, tick=False):
        assert dispatch().sent == 2  # the check-in and its reminder, for the first deal only
    sent = FollowUp.objects.filter(state=State.SENT)
    assert set(sent) == set(FollowUp.objects.about(asked))
    # The same address typed again, in another case, is the same person: refused.
    response = world.client("rep").post(
        reverse("contact_new", args=["acme"]),
        {"name": "H. Moy", "email": "HELEN@Lakeshore.example", "language": "en"},
    )
    assert response.status_code == 400
    assert Contact.objects.filter(email="helen@lakeshore.example").count() == 1


def test_an_address_that_unsubscribed_stays_unasked(world: World) -> None:
    with time_machine.travel(WON_AT, tick=False):
        helen = add_contact(world, "Helen Moy", "helen@lakeshore.example")
        stale = Contact.objects.get(pk=helen.pk)  # read before she stops, saved after
        assert actions.unsubscribe(helen)
        deal = new_deal(world)
        name_on_deal(world, deal, helen)
        move(world, deal, Stage.WON)
    checkin = ClientCheckIn.objects.get(contact=helen)
    assert checkin.skip_reason == SkipReason.UNSUBSCRIBED
    assert not FollowUp.objects.about(checkin).exists()
    assert "The contact asked to receive no more surveys." in deal_page(world, deal)
    # Its address cannot be moved off the contact (then typed again on a new one, and asked).
    url = reverse("contact_detail", args=["acme", helen.pk])
    response = world.client("rep").post(
        url, {"name": "Helen Moy", "email": "helen.moy@lakeshore.example", "language": "en"}
    )
    assert response.status_code == 400
    assert "helen@lakeshore.example asked for no more surveys" in html.unescape(
        response.content.decode()
    )
    with pytest.raises(ActionRefused):
        actions.update_contact(helen, by=None, email="")
    helen.refresh_from_db()
    assert helen.email == "helen@lakeshore.example" and helen.is_unsubscribed
    # The rest of what was typed about her may change.
    response = world.client("rep").post(
        url, {"name": "Helen Moy-Park", "email": "Helen@lakeshore.example", "language": "es"}
    )
    assert response.status_code == 302
    helen.refresh_from_db()
    assert (helen.name, helen.language, helen.is_unsubscribed) == ("Helen Moy-Park", "es", True)
    # A page read before she unsubscribed, saved after: her choice is not undone.
    actions.update_contact(stale, by=None, name="Helen M.", email=stale.email)
    helen.refresh_from_db()
    assert (helen.name, helen.is_unsubscribed) == ("Helen M.", True)
    with time_machine.travel(LATER, tick=False):
        assert dispatch().sent == 0


def test_a_binder_link_after_revocation_opens_neither_page_nor_pdf(world: World) -> None:
    approved(world, "Praise kept in the PDF.")
    link = binders.share(
        Scope.REP, world.members["rep"], by=world.members["coach"], days=30, note="Executives"
    )
    page = reverse("binder_shared", args=[link.token()])
    pdf = reverse("binder_shared_pdf", args=[link.token()])
    outsider = Client()
    with TestCase.captureOnCommitCallbacks(execute=True):
        outsider.get(pdf)  # asks for the PDF: a render, once committed
    run_tasks()
    assert outsider.get(pdf).status_code == 200 and BinderPdf.objects.exists()
    revoke = reverse("binder_revoke", args=["acme", link.pk])
    assert world.client("coach").post(revoke).status_code == 302
    for url in (page, pdf):
        gone = outsider.get(url)
        assert gone.status_code == 410, url
        assert "withdrawn" in gone.content.decode()
        assert gone["Content-Type"].startswith("text/html")
    # Withdrawn twice: still withdrawn, one event; the binder page lists it as withdrawn.
    assert world.client("coach").post(revoke).status_code == 302
    binder = world.client("coach").get(
        reverse("binder_page", args=["acme", "rep", world.members["rep"].pk])
    )
    assert "Withdrawn" in binder.content.decode()
    assert link.url() not in binder.content.decode()
    # Another rep's coach, or a stakeholder, may not withdraw it (nor learn of it).
    assert world.client("stakeholder").post(revoke).status_code in (403, 404)
