"""The demo's story 002 after the sale: Derek's dozen won deals, most clients happy, two unhappy
with a callback overdue, written by the real actions on the demo's clock."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from followthrough.accounts.models import Membership
from followthrough.clients import queries
from followthrough.clients.models import CheckInState, ClientCheckIn, Contact
from followthrough.followups.models import FollowUp, State
from followthrough.pipeline.models import Stage


def derek() -> Membership:
    return Membership.objects.get(user__email="derek@example.com", workspace__slug="brightline")


@pytest.mark.parametrize(
    "day",
    [
        dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 2, 15, 0, tzinfo=dt.UTC),  # a Saturday, just after New Year
    ],
)
def test_derek_has_a_dozen_won_deals_with_happy_and_unhappy_clients(
    db: object, day: dt.datetime
) -> None:
    with time_machine.travel(day, tick=True):
        call_command("demo", stdout=StringIO())
        rep = derek()
        won = rep.opportunities.filter(stage=Stage.WON)
        assert won.count() >= 12
        checkins = ClientCheckIn.objects.filter(rep=rep)
        answered = checkins.answered()
        assert answered.count() == 10
        assert answered.filter(score__gte=9).count() == 7
        complaints = list(answered.complaints())
        assert len(complaints) == 2
        assert all(c.callback_overdue() for c in complaints)
        assert all(
            c.callback and c.callback.owner.user.email == "linda@example.com" for c in complaints
        )
        # Six quotable answers: Linda approved five for the binder (demo/binder.py), one waits.
        quotable = ClientCheckIn.objects.filter(rep=rep)
        assert quotable.candidates().count() + quotable.in_binder().count() == 6
        # The recent deals' clients are still to be asked.
        assert checkins.filter(state=CheckInState.SCHEDULED).count() >= 2
        # The check-ins went out through the dispatcher, into the outbox, in Linda's name.
        sent = FollowUp.objects.filter(kind="client_check_in", state=State.SENT)
        assert sent.count() == 11
        assert {f.reply_to for f in sent} == {"linda@example.com"}
        figures = queries.service(rep)
        assert (figures.sent, figures.answered, figures.complaints) == (11, 10, 2)
        assert figures.callbacks_overdue == 2
        spanish = Contact.objects.get(email="lucia.herrera@clinicasantafe.example")
        assert "podrá citar" in spanish.checkins.get().consent_wording

        linda = Client()
        linda.force_login(Membership.objects.get(user__email="linda@example.com").user)
        deal = complaints[0].opportunity
        page = linda.get(reverse("opportunity_detail", args=["brightline", deal.pk]))
        assert "callback overdue" in page.content.decode()
        assert linda.get(reverse("contact_list", args=["brightline"])).status_code == 200
