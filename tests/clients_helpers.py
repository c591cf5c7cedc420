"""Builders for the client check-in tests and the permission matrix: a client on a rep's deal,
a won deal whose client complained."""

from __future__ import annotations

import itertools

from followthrough.clients import actions
from followthrough.clients.models import ClientCheckIn, Contact
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Stage
from tests.builders import opportunity_of
from tests.conftest import World

_numbers = itertools.count(1)


def client_of(w: World, rep: str = "rep") -> Contact:
    """A new client contact named on a new opportunity of `rep`, typed by the rep."""
    deal = opportunity_of(w, rep)
    contact = actions.create_contact(
        w.workspace.pk,
        by=w.user(rep),
        name=f"Client of {rep}",
        email=f"client{next(_numbers)}@{rep.replace('_', '')}.example",
        company=f"Account of {rep}",
    )
    actions.add_contact_to_deal(deal, contact, by=w.user(rep))
    return contact


def complaint_of(w: World, rep: str = "rep") -> ClientCheckIn:
    """A won deal of `rep` whose client answered 2/10: a complaint with a callback to-do."""
    contact = client_of(w, rep)
    deal = contact.deals.get()
    pipeline.move_opportunity(deal, Stage.WON, by=w.user(rep))
    checkin = ClientCheckIn.objects.get(contact=contact, opportunity=deal)
    return actions.record_answer(checkin, score=2, comment="Secret next step: never heard back")
