"""Reads of the clients app: a deal's clients and their check-ins, and a rep's service after
the sale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.clients.models import (
    COMPLAINT_MAX,
    PROMOTER_MIN,
    ClientCheckIn,
    Contact,
    DealContact,
)
from followthrough.followups.models import FollowUp
from followthrough.pipeline.models import Opportunity


@dataclass
class DealClient:
    """One client of a deal as the deal page shows it: the contact, their check-in (if the deal
    was won), and its emails."""

    contact: Contact
    checkin: ClientCheckIn | None
    followups: list[FollowUp] = field(default_factory=list)


def deal_clients(opportunity: Opportunity) -> list[DealClient]:
    links = DealContact.objects.filter(opportunity=opportunity).select_related("contact")
    checkins = {
        c.contact_id: c
        for c in ClientCheckIn.objects.filter(opportunity=opportunity).select_related(
            "callback", "sender__user"
        )
    }
    rows = [DealClient(link.contact, checkins.pop(link.contact_id, None)) for link in links]
    # A check-in of a contact since removed from the deal still shows (it may be answered).
    rows += [DealClient(c.contact, c) for c in checkins.values()]
    for row in rows:
        if row.checkin is not None:
            row.followups = list(FollowUp.objects.about(row.checkin).order_by("send_at", "id"))
    return rows


@dataclass(frozen=True)
class Service:
    """A rep's service after the sale: check-ins sent and answered, the average score and the
    NPS (promoters minus detractors, in % of answers), complaints (0-6), and callbacks: done on
    time, done late, and still open past their deadline."""

    sent: int
    answered: int
    average: Decimal | None
    nps: int | None
    complaints: int
    callbacks_on_time: int
    callbacks_late: int
    callbacks_overdue: int

    @property
    def answer_rate(self) -> int | None:
        return round(100 * self.answered / self.sent) if self.sent else None


def service(rep: Membership, since: dt.datetime | None = None) -> Service:
    """The figures of one rep (the check-ins of the deals they won), all time or since a
    moment (by answer time for the answers, by send time for the sends)."""
    checkins = ClientCheckIn.objects.filter(rep=rep)
    sent = checkins.sent()
    answered = checkins.answered()
    if since is not None:
        sent = sent.filter(send_at__gte=since)
        answered = answered.filter(answered_at__gte=since)
    figures = answered.aggregate(
        count=Count("pk"),
        average=Avg("score"),
        promoters=Count("pk", filter=Q(score__gte=PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(score__lte=COMPLAINT_MAX)),
    )
    count = figures["count"]
    nps = round(100 * (figures["promoters"] - figures["detractors"]) / count) if count else None
    average = figures["average"]
    now = timezone.now()
    callbacks = answered.filter(callback__isnull=False)
    return Service(
        sent=sent.count(),
        answered=count,
        average=Decimal(str(round(average, 1))) if average is not None else None,
        nps=nps,
        complaints=answered.complaints().count(),
        callbacks_on_time=callbacks.filter(callback__done_at__lte=F("callback_due_at")).count(),
        callbacks_late=callbacks.filter(callback__done_at__gt=F("callback_due_at")).count(),
        callbacks_overdue=callbacks.filter(
            callback__done_at__isnull=True, callback_due_at__lt=now
        ).count(),
    )


def deal_section(member: Membership, opportunity: Opportunity) -> dict[str, object]:
    """What the deal page shows of its clients, for those who may see them (else nothing: a
    stakeholder reads the pipeline, not the clients' words)."""
    from followthrough import permissions
    from followthrough.clients.forms import DealContactForm
    from followthrough.clients.models import ClientSettings

    if not permissions.can_view_client_answers(member, opportunity):
        return {}
    rows = deal_clients(opportunity)
    named = {row.contact.pk for row in rows}
    typed = opportunity.contact_email.strip().lower()
    already = any(row.contact.email == typed for row in rows) if typed else bool(rows)
    choices = permissions.visible_contacts(member).exclude(pk__in=named)
    return {
        "show_clients": True,
        "deal_clients": rows,
        "client_settings": ClientSettings.of(opportunity.workspace),
        "offer_from_deal": bool(opportunity.contact_name or typed) and not already,
        "contact_form": DealContactForm(contacts=choices),
    }
