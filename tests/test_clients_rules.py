"""The rules about one client answer, in their one home (clients.models): what is a complaint,
what is quotable, what goes in the binder, and how a quote may be shortened. The queryset
filters say the same as the methods, for every score and consent."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from followthrough.clients import actions
from followthrough.clients.models import (
    ClientCheckIn,
    Contact,
    Credit,
    QuoteState,
    is_cut_of,
)
from followthrough.lib.errors import ActionRefused
from tests.clients_helpers import client_of
from tests.conftest import World


def test_complaints_promoters_and_what_is_quotable_agree_with_the_filters(world: World) -> None:
    contact = client_of(world)
    deal = contact.deals.get()
    now = timezone.now()
    expected: dict[int, tuple[bool, bool]] = {}
    candidates: set[int] = set()
    for score, consent, withdrawn, comment, state in itertools.product(
        range(11), [True, False], [True, False], ["Great work", ""], list(QuoteState)
    ):
        other = Contact.objects.create(workspace=world.workspace, name="x")
        row = ClientCheckIn.objects.create(
            workspace=world.workspace,
            contact=other,
            opportunity=deal,
            rep=world.members["rep"],
            score=score,
            comment=comment,
            credit=Credit.FULL if consent else "",
            consent_at=now if consent else None,
            withdrawn_at=now if withdrawn else None,
            quote_state=state,
        )
        assert row.is_complaint == (score <= 6)
        quotable = score >= 9 and consent and not withdrawn and bool(comment)
        assert row.is_quotable == quotable, (score, consent, withdrawn, comment)
        assert row.in_binder == (quotable and state == QuoteState.APPROVED)
        expected[row.pk] = (row.is_quotable, row.in_binder)
        if row.is_candidate:
            candidates.add(row.pk)
    in_binder = set(ClientCheckIn.objects.in_binder().values_list("pk", flat=True))
    found = ClientCheckIn.objects.filter(pk__in=expected).candidates()
    assert in_binder == {pk for pk, (_, binder) in expected.items() if binder}
    assert set(found.values_list("pk", flat=True)) == candidates != set()
    # Never a 0-6 comment, whatever was ticked.
    assert not ClientCheckIn.objects.in_binder().filter(score__lte=6).exists()


@pytest.mark.parametrize(
    ("short", "ok"),
    [
        ("Derek was there every step.", True),
        ("Derek was there … and he still calls.", True),
        ("Derek was there... he still calls", True),
        ("Derek was always there.", False),  # reworded
        ("he still calls … Derek was there", False),  # out of order
        ("…", False),
        ("", False),
    ],
)
def test_a_quote_is_shortened_with_the_clients_own_words(short: str, ok: bool) -> None:
    original = "Derek was there every step of the rollout,  and he still calls."
    assert is_cut_of(short, original) is ok


def test_credit_lines(world: World) -> None:
    contact = client_of(world)
    contact.name, contact.company = "Helen Moy", "Lakeshore"
    checkin = ClientCheckIn(contact=contact, opportunity=contact.deals.get())
    lines = {}
    for credit in Credit.values:
        checkin.credit = credit
        lines[credit] = checkin.credit_line()
    assert lines == {
        "full": "Helen Moy, Lakeshore",
        "first": "Helen, Lakeshore",
        "initials": "H.M.",
        "anonymous": "A client",
        "internal": "Helen Moy, Lakeshore (for use inside the company only)",
    }


def test_one_contact_per_address_in_a_workspace(world: World) -> None:
    actions.create_contact(world.workspace.pk, by=None, name="A", email="a@x.example")
    with pytest.raises(ActionRefused):
        actions.create_contact(world.workspace.pk, by=None, name="B", email="A@X.example")
    # Without an address, as many as needed; another workspace may know the same address.
    actions.create_contact(world.workspace.pk, by=None, name="C", email="")
    actions.create_contact(world.workspace.pk, by=None, name="D", email="")
    actions.create_contact(world.other_workspace.pk, by=None, name="E", email="a@x.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(workspace=world.workspace, name="F", email="a@x.example")


def test_the_database_refuses_a_score_outside_zero_to_ten(world: World) -> None:
    contact = client_of(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientCheckIn.objects.create(
            workspace=world.workspace,
            contact=contact,
            opportunity=contact.deals.get(),
            rep=world.members["rep"],
            score=11,
        )


def test_contact_pages_escape_what_people_type_and_refuse_bad_input(world: World) -> None:
    rep = world.client("rep")
    new = reverse("contact_new", args=["acme"])
    made = rep.post(
        new,
        {
            "name": "<script>alert(1)</script>",
            "email": "x@y.example",
            "company": "<b>Co</b>",
            "time_zone": "",
            "country": "",
            "language": "es",
        },
    )
    assert made.status_code == 302
    contact = Contact.objects.get(email="x@y.example")
    page = rep.get(reverse("contact_detail", args=["acme", contact.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    bad = rep.post(
        new,
        {"name": "Z", "email": "X@y.example", "time_zone": "Mars/Base", "country": "ZZ"},
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Mars/Base" in body and "Traceback" not in body
    duplicate = rep.post(new, {"name": "Z", "email": "X@y.example", "language": "en"})
    assert duplicate.status_code == 400
    assert "Another contact already has the address x@y.example." in duplicate.content.decode()
    # The list shows it to the rep who typed it, not to another rep.
    assert "&lt;script&gt;" in rep.get(reverse("contact_list", args=["acme"])).content.decode()
    other = world.client("other_rep").get(reverse("contact_list", args=["acme"]))
    assert "&lt;script&gt;" not in other.content.decode()


def test_a_deals_typed_contact_becomes_a_client_in_one_click(world: World) -> None:
    from followthrough.pipeline import actions as pipeline

    deal = pipeline.create_opportunity(
        world.members["rep"],
        by=world.user("rep"),
        account="Lakeshore",
        contact_name="Helen Moy",
        contact_email="helen@lakeshore.example",
    )
    url = reverse("opportunity_detail", args=["acme", deal.pk])
    page = world.client("rep").get(url).content.decode()
    assert "Add Helen Moy as a client" in page
    world.client("rep").post(
        reverse("deal_contact_add", args=["acme", deal.pk]), {"from_deal": "1"}
    )
    contact = Contact.objects.get(email="helen@lakeshore.example")
    assert list(contact.deals.all()) == [deal]
    assert contact.company == "Lakeshore"
    page = world.client("rep").get(url).content.decode()
    assert "Add Helen Moy as a client" not in page
    # Named once only; a known contact can be named on another deal from the list.
    world.client("rep").post(
        reverse("deal_contact_add", args=["acme", deal.pk]), {"from_deal": "1"}
    )
    assert Contact.objects.filter(email="helen@lakeshore.example").count() == 1


def test_an_admin_sets_when_and_in_whose_name_clients_are_asked(world: World) -> None:
    from followthrough.clients.models import ClientSettings, SenderChoice

    url = reverse("client_settings", args=["acme"])
    admin = world.client("admin")
    assert "Ask after (days since the sale)" in admin.get(url).content.decode()
    bad = admin.post(
        url,
        {
            "days_after_won": "0",
            "send_time": "10:00",
            "sender": "rep",
            "reminder_working_days": "5",
            "throttle_days": "90",
            "time_zone": "Nowhere/City",
        },
    )
    assert bad.status_code == 400
    assert "Between 1 and 365." in bad.content.decode()
    assert not ClientSettings.objects.exists()
    saved = admin.post(
        url,
        {
            "days_after_won": "14",
            "send_time": "09:30",
            "sender": "rep",
            "reminder_working_days": "3",
            "throttle_days": "180",
            "time_zone": "Europe/Madrid",
        },
    )
    assert saved.status_code == 302
    options = ClientSettings.of(world.workspace)
    assert (options.days_after_won, options.sender, options.throttle_days) == (
        14,
        SenderChoice.REP,
        180,
    )
    assert options.time_zone == "Europe/Madrid"


def test_a_message_in_a_persons_name_keeps_our_address(settings: Any) -> None:
    from email import message_from_bytes, policy

    from followthrough.lib import emails

    message = emails.build("notice", ["a@b.example"], {"text": "hi"}, from_name="Lucía Núñez")
    raw = emails.as_smtp_bytes(message)
    assert raw is not None
    sender = message_from_bytes(raw, policy=policy.default)["From"].addresses[0]
    assert sender.display_name == "Lucía Núñez"
    assert sender.addr_spec == emails.envelope_sender()
    assert emails.from_address("") == emails.from_address() == settings.DEFAULT_FROM_EMAIL
