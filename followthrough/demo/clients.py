"""Derek's clients after the sale (story 002), told with the real actions on the demo's clock.

Derek, the star closer, won a dozen deals over the last four months. Each client was named on
the deal; thirty days after each sale the check-in went out in his manager Linda's name (the
demo's dispatcher sends it into the outbox at its time). Most clients are happy, several said
so in words they allow to be quoted (binder candidates for Linda to approve), one is lukewarm,
one has not answered (the reminder went), and two are unhappy: their callbacks were due a week
ago and nobody called, so they show late on Linda's to-dos and on the deals. The two deals he
won in the last weeks (pipeline.py) get their clients too: their check-ins are still to come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from followthrough.accounts.models import Membership, Workspace
from followthrough.clients import actions as clients
from followthrough.clients.models import ClientCheckIn, Contact, Credit
from followthrough.demo import clock
from followthrough.lib import dates
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Sale:
    """A deal Derek won `won` days ago, its client, and what the client answered (None: no
    answer) with the credit they chose for a quote ("" for none)."""

    account: str
    value: int
    won: int
    client: str
    email: str
    time_zone: str = ""
    language: str = "en"
    score: int | None = None
    comment: str = ""
    credit: str = ""


SALES = [
    Sale(
        "Hennepin Orthopedics",
        16500,
        118,
        "Dr. Carla Weiss",
        "carla.weiss@hennepin-ortho.example",
        score=10,
        comment="Derek understood our scheduling mess better than we did. The rollout "
        "was on time, and he still checks in.",
        credit=Credit.FULL,
    ),
    Sale(
        "Prairie Grain Cooperative",
        9800,
        110,
        "Tom Lindgren",
        "tom@prairiegrain.example",
        score=9,
        comment="Straight answers, no surprises on the invoice.",
        credit=Credit.FIRST,
    ),
    Sale(
        "Lakes Area Realty",
        7400,
        101,
        "Judy Ramsey",
        "judy@lakesrealty.example",
        score=10,
        comment="Best vendor experience we have had in years.",
        credit=Credit.INITIALS,
    ),
    Sale(
        "North Loop Architects",
        12800,
        94,
        "Sam Okafor",
        "sam.okafor@northloop.example",
        score=8,
        comment="Good product. Onboarding took longer than promised.",
    ),
    Sale(
        "Duluth Harbor Freight",
        21000,
        86,
        "Mike Aho",
        "mike.aho@duluthfreight.example",
        score=9,
        comment="He made sure our drivers were trained before go-live.",
        credit=Credit.INTERNAL,
    ),
    Sale(
        "Clínica Santa Fe",
        8900,
        79,
        "Lucía Herrera",
        "lucia.herrera@clinicasantafe.example",
        time_zone="America/Mexico_City",
        language="es",
        score=10,
        comment="Derek nos acompañó en cada paso. ¡Excelente servicio!",
        credit=Credit.FULL,
    ),
    Sale(
        "St. Croix Dental",
        6200,
        71,
        "Anne Paulsen",
        "anne@stcroixdental.example",
        score=9,
        comment="Responsive and honest.",
        credit=Credit.ANONYMOUS,
    ),
    Sale(
        "Twin Ports Insurance",
        11200,
        63,
        "Greg Nyberg",
        "greg.nyberg@twinports.example",
        score=10,
    ),
    Sale(
        "Metro Fitness Clubs",
        14300,
        52,
        "Dana Price",
        "dana.price@metrofitness.example",
    ),
    Sale(
        "Cedar Valley Schools",
        18900,
        47,
        "Rob Klein",
        "rob.klein@cedarvalley.example",
        score=3,
        comment="Since the contract was signed we have not heard from Derek once. "
        "Two support tickets are still open.",
    ),
    Sale(
        "Riverbend Credit Union",
        10400,
        44,
        "Pat Moreno",
        "pat.moreno@riverbendcu.example",
        score=5,
        comment="The sale was great. After that, nothing: he only calls when he wants "
        "to sell us something.",
    ),
]
# The two recent deals of pipeline.py: their clients, whose check-ins are still to come.
RECENT = {
    "Lakeshore Medical Group": "helen.moy@lakeshoremedical.example",
    "Northstar Credit Union": "brian.kohl@northstarcu.example",
}
DEREK = "derek@example.com"


def seed(workspace: Workspace) -> None:
    """Adds Derek's clients to Brightline (once: a workspace with contacts is left alone)."""
    derek = (
        Membership.objects.filter(workspace=workspace, user__email=DEREK)
        .select_related("user__profile", "workspace")
        .first()
    )
    if derek is None or Contact.objects.filter(workspace=workspace).exists():
        return
    with transaction.atomic():
        for sale in SALES:
            play(derek, sale)
        for opportunity in Opportunity.objects.filter(
            owner=derek, stage=Stage.WON, account__in=RECENT
        ):
            with clock.at(timezone.now() - dt.timedelta(minutes=1), workspace):
                pipeline.update_opportunity(
                    opportunity, by=derek.user, contact_email=RECENT[opportunity.account]
                )
                clients.contact_from_deal(opportunity, by=derek.user)


def play(derek: Membership, sale: Sale) -> Opportunity:
    """The sale, won `won` days ago with its client named; the client's answer a few hours
    after the check-in reached them."""
    today = timezone.localdate(timezone.now(), derek.user.profile.zone)
    won_day = dates.weekday_on_or_before(today - sale.won * DAY)
    won_at = dates.local_datetime(won_day, dt.time(15), derek.user.profile.zone)
    by = derek.user
    with clock.at(won_at - 2 * DAY, derek.workspace):
        opportunity = pipeline.create_opportunity(
            derek,
            by=by,
            account=sale.account,
            contact_name=sale.client,
            contact_email=sale.email,
            value=Decimal(sale.value),
            stage=Stage.NEGOTIATION,
        )
        contact = clients.contact_from_deal(opportunity, by=by)
        clients.update_contact(
            contact,
            by=by,
            name=sale.client,
            time_zone=sale.time_zone,
            language=sale.language,
        )
    with clock.at(won_at, derek.workspace):
        pipeline.move_opportunity(opportunity, Stage.WON, by=by)
    if sale.score is None:
        return opportunity
    checkin = ClientCheckIn.objects.get(opportunity=opportunity, contact=contact)
    assert checkin.send_at is not None
    answered_at = min(checkin.send_at + dt.timedelta(hours=3), timezone.now() - DAY)
    with clock.at(answered_at, derek.workspace), translation.override(sale.language):
        checkin = clients.record_answer(
            checkin, score=sale.score, comment=sale.comment, language=sale.language
        )
        if sale.credit:
            clients.record_consent(checkin, credit=sale.credit)
    return opportunity
