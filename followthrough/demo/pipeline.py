"""The demo's pipeline at Brightline, dated relative to today, played with the real actions on
the demo's clock (clock.py) so that stage history and deal entries are what the app would have
written.

- Bob (story 000), five weeks into his 60 days for $14-16K: a slow start (two weeks of calls and
  meetings, nothing won), then deals won from week three. By today his won revenue is about
  $7,400, behind the steady pace to $14,000, but the last two weeks' trend would reach the low
  target around the deadline; Harlow Logistics' renewal, the proposals to Northwind Freight and
  Castle Dental, and the webinar leads are open, each with its next step.
- Alejandro (story 001): the referrals his past clients gave him, as new opportunities.
- Derek (story 002): the star closer's two recent deals (the clients he is to call 30 days
  after the sale) and a big one in negotiation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from followthrough.accounts.models import Membership, Workspace
from followthrough.coaching.models import Plan
from followthrough.demo import clock
from followthrough.lib import dates
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.models import Opportunity, Stage

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Story:
    """One opportunity: created `created` days ago in its first stage, then moved on the days
    of `moves` (days ago, weekends moved back to the Friday). Open ones close `closes` days
    from today."""

    account: str
    value: int
    created: int
    moves: list[tuple[Stage, int]] = field(default_factory=list)
    first: Stage = Stage.LEAD
    closes: int | None = None
    next_step: str = ""
    contact: str = ""
    email: str = ""


# Bob: nothing won in the first two weeks; $3,600 won in week three, $3,800 in the last two.
BOB = [
    Story(
        "Pinecrest Veterinary Group",
        1900,
        30,
        [(Stage.QUALIFIED, 26), (Stage.PROPOSAL, 21), (Stage.WON, 14)],
        contact="Anna Pryce",
        email="anna.pryce@pinecrest-vets.example",
    ),
    Story(
        "Summit Roofing Co.",
        1700,
        31,
        [(Stage.MEETING, 24), (Stage.PROPOSAL, 20), (Stage.WON, 15)],
        contact="Luis Ortega",
    ),
    Story(
        "Redwood Dental Lab",
        1100,
        27,
        [(Stage.QUALIFIED, 23), (Stage.PROPOSAL, 17), (Stage.WON, 10)],
        contact="Meg Tan",
    ),
    Story(
        "Carver & Sons Plumbing",
        1400,
        25,
        [(Stage.MEETING, 19), (Stage.NEGOTIATION, 11), (Stage.WON, 6)],
        contact="Ray Carver",
    ),
    Story(
        "Brightwater Marina",
        1300,
        24,
        [(Stage.QUALIFIED, 18), (Stage.PROPOSAL, 8), (Stage.WON, 2)],
        contact="Jo Lindqvist",
    ),
    Story(
        "Crestview Self Storage",
        2200,
        33,
        [(Stage.PROPOSAL, 25), (Stage.LOST, 18)],
        contact="Paul Dreyer",
        next_step="Lost on price; ask again at their renewal in the spring",
    ),
    Story(
        "Harlow Logistics",
        4200,
        17,
        [(Stage.NEGOTIATION, 9)],
        first=Stage.PROPOSAL,
        closes=3,
        contact="Greg Harlow",
        email="greg@harlowlogistics.example",
        next_step="Renewal signature from their CFO when he is back from travelling",
    ),
    Story(
        "Northwind Freight",
        3800,
        28,
        [(Stage.MEETING, 24), (Stage.PROPOSAL, 12)],
        closes=12,
        contact="Irene Novak",
        next_step="Follow up on the proposal with their operations director",
    ),
    Story(
        "Castle Dental Group",
        2900,
        28,
        [(Stage.MEETING, 23), (Stage.PROPOSAL, 12)],
        closes=16,
        contact="Dr. Sam Castle",
        next_step="Joint call with Karen: she has sold to dental groups before",
    ),
    Story(
        "Fairfield Credit Union",
        3200,
        20,
        [(Stage.QUALIFIED, 15), (Stage.MEETING, 8)],
        closes=21,
        contact="Nora Fields",
        next_step="Send the proposal by Friday",
    ),
    Story(
        "Bellmont Print & Sign",
        2400,
        27,
        [(Stage.QUALIFIED, 24)],
        closes=20,
        contact="Victor Bell",
        next_step="Call back: their budget meeting is over",
    ),
    Story(
        "Ridgeway Supply",
        2500,
        4,
        [(Stage.QUALIFIED, 1)],
        closes=30,
        contact="Hannah Reed",
        next_step="Demo booked from the channel webinar",
    ),
    Story(
        "Oakline Partners",
        1800,
        4,
        closes=35,
        contact="Omar Diallo",
        next_step="Call: one of the 12 channel webinar leads",
    ),
]

# Alejandro: the referrals his past clients gave him (story 001).
ALEJANDRO = [
    Story(
        "Familia Ortiz",
        1800,
        7,
        [(Stage.QUALIFIED, 5), (Stage.MEETING, 2)],
        closes=14,
        contact="Pablo Ortiz",
        next_step="Referred by Lucía Fernández: send the life policy quote",
    ),
    Story(
        "Estudio Contable Ríos",
        6000,
        7,
        [(Stage.QUALIFIED, 4)],
        closes=28,
        contact="Marina Ríos",
        next_step="Referred by Martín Gómez: group cover for the four partners, meeting Tuesday",
    ),
    Story(
        "Carolina Suárez",
        1200,
        6,
        closes=21,
        contact="Carolina Suárez",
        next_step="Referred by Sofía Herrera: first call",
    ),
    Story(
        "Hernán Paz",
        1500,
        6,
        closes=25,
        contact="Hernán Paz",
        next_step="Referred by Diego Álvarez: first call",
    ),
]

# Derek: the star closer (story 002).
DEREK = [
    Story(
        "Lakeshore Medical Group",
        18500,
        60,
        [(Stage.MEETING, 50), (Stage.PROPOSAL, 40), (Stage.WON, 27)],
        contact="Dr. Helen Moy",
        next_step="Client check-in 30 days after the sale",
    ),
    Story(
        "Northstar Credit Union",
        12000,
        45,
        [(Stage.QUALIFIED, 38), (Stage.NEGOTIATION, 16), (Stage.WON, 9)],
        contact="Brian Kohl",
        next_step="Client check-in 30 days after the sale",
    ),
    Story(
        "Twin Cities Logistics",
        22000,
        21,
        [(Stage.PROPOSAL, 10), (Stage.NEGOTIATION, 3)],
        first=Stage.QUALIFIED,
        closes=18,
        contact="Kari Lund",
        next_step="Legal review of the contract; call Kari on Monday",
    ),
]


def seed(workspace: Workspace) -> None:
    """Adds this part of the demo to Brightline (called once, after the coaching loop); a
    workspace that already has opportunities is left alone."""
    if Opportunity.objects.filter(workspace=workspace).exists():
        return
    people = {
        m.user.email: m for m in workspace.memberships.select_related("user__profile", "workspace")
    }
    with transaction.atomic():
        for email, stories in (
            ("bob@example.com", BOB),
            ("alejandro@example.com", ALEJANDRO),
            ("derek@example.com", DEREK),
        ):
            rep = people.get(email)
            if rep is not None:
                for story in stories:
                    play(rep, story)


def play(rep: Membership, story: Story) -> Opportunity:
    """The story's opportunity, created and moved at the moments it says, by its owner."""
    today = timezone.localdate(timezone.now(), rep.user.profile.zone)
    closes = dates.weekday_on_or_after(today + story.closes * DAY) if story.closes else None
    by = rep.user
    with clock.at(_moment(rep, today, story.created, 11), rep.workspace):
        opportunity = pipeline.create_opportunity(
            rep,
            by=by,
            account=story.account,
            contact_name=story.contact,
            contact_email=story.email,
            value=Decimal(story.value),
            stage=story.first,
            expected_close_on=closes,
            next_step=story.next_step,
        )
    for stage, days_ago in story.moves:
        with clock.at(_moment(rep, today, days_ago, 15), rep.workspace):
            pipeline.move_opportunity(opportunity, stage, by=by)
    return opportunity


def _moment(rep: Membership, today: dt.date, days_ago: int, hour: int) -> dt.datetime:
    """`hour` o'clock on the working day `days_ago` days before today, where the rep lives
    (never later than a minute ago)."""
    day = dates.weekday_on_or_before(today - days_ago * DAY)
    local = dates.local_datetime(day, dt.time(hour), rep.user.profile.zone)
    return min(local.astimezone(dt.UTC), timezone.now() - dt.timedelta(minutes=1))


def bob_plan(workspace: Workspace) -> Plan | None:
    """Bob's 60-day plan, whose target his won deals count toward."""
    return (
        Plan.objects.filter(workspace=workspace, rep__user__email="bob@example.com")
        .order_by("starts_on")
        .first()
    )
