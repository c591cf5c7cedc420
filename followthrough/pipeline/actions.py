"""Verbs of the pipeline: create an opportunity, change it, move it to a stage. Each runs in one
transaction and keeps the stage history and the deal's entries right.

A won opportunity is a deal: it counts 1 in "Deals won" and its value in "Revenue", on the day
it was won, for its owner (Entry rows with source DEAL). Moving it away from Won takes both back;
changing a won deal's value, currency or owner changes what it counts. A deal in a currency other
than the one the Revenue metric counts is a deal all the same, but its value is not added to
revenue: adding euros to dollars would make the plan's pace a fiction.

Every action takes `at`, the moment it happened: now, unless the demo replays the past.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from followthrough import permissions
from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.clients import actions as clients
from followthrough.lib.errors import ActionRefused
from followthrough.metrics.models import MAX_VALUE, Entry, EntrySource, Metric, normalize
from followthrough.pipeline import events
from followthrough.pipeline.models import Opportunity, Stage, StageChange

CURRENCY = re.compile(r"^[A-Z]{3}$")
DEALS_METRIC = "deals won"
REVENUE_METRIC = "revenue"
# What `update_opportunity` may change; the stage changes only by a move (it has a history).
EDITABLE = (
    "owner",
    "account",
    "contact_name",
    "contact_email",
    "value",
    "currency",
    "expected_close_on",
    "next_step",
)


def visible_opportunities(member: Membership) -> QuerySet[Opportunity]:
    """The opportunities of the reps whose progress this member may see."""
    return Opportunity.objects.filter(
        workspace=member.workspace, owner__in=permissions.visible_reps(member)
    )


def editable_owners(member: Membership) -> QuerySet[Membership]:
    """The reps whose pipeline this member may change: the same people as
    permissions.can_edit_opportunity_of, in one query (a stakeholder writes nothing; an admin
    any rep, a coach the reps they coach, a rep themselves)."""
    reps = permissions.visible_reps(member)
    return reps if permissions.can_write(member) else reps.none()


def may_edit(member: Membership, opportunity: Opportunity) -> bool:
    return permissions.can_edit_opportunity(member, opportunity)


def local_day(member: Membership, at: dt.datetime | None = None) -> dt.date:
    """The member's own calendar day at `at` (now by default)."""
    return timezone.localdate(at or timezone.now(), member.user.profile.zone)


@dataclass(frozen=True)
class DealMetrics:
    """The workspace's metrics a deal counts in (None if an admin removed or renamed one)."""

    deals: Metric | None
    revenue: Metric | None

    @classmethod
    def of(cls, workspace: Workspace) -> DealMetrics:
        found = Metric.by_name(workspace)
        return cls(found.get(normalize(DEALS_METRIC)), found.get(normalize(REVENUE_METRIC)))


def revenue_problem(opportunity: Opportunity, revenue: Metric | None) -> str:
    """Why a won opportunity's value is not counted as revenue, in words; "" when it is."""
    if revenue is None:
        return gettext(
            "This workspace has no Revenue metric, so the value is not counted as revenue."
        )
    unit = revenue.unit.strip()
    if CURRENCY.match(unit) and unit != opportunity.currency:
        return gettext(
            "The value is not counted as revenue: this deal is in %(currency)s and "
            "the %(metric)s metric counts %(unit)s. The deal itself is counted."
        ) % {"currency": opportunity.currency, "metric": revenue.name, "unit": unit}
    return ""


def deal_note(opportunity: Opportunity) -> str:
    """What the pages say about a won deal whose value does not count as revenue."""
    if not opportunity.is_won:
        return ""
    return revenue_problem(opportunity, DealMetrics.of(opportunity.workspace).revenue)


def _check(opportunity: Opportunity) -> None:
    """The rules an opportunity keeps whoever writes it (the forms say the same, earlier)."""
    if not opportunity.account.strip():
        raise ActionRefused(gettext("Name the account: the company or household."))
    if not (Decimal(0) <= opportunity.value <= MAX_VALUE):
        raise ActionRefused(
            gettext("The value must be from 0 to %(most)s.") % {"most": f"{MAX_VALUE:,}"}
        )
    if not CURRENCY.match(opportunity.currency):
        raise ActionRefused(gettext("The currency is three capital letters, like USD or EUR."))
    if opportunity.stage not in Stage.values:
        raise ActionRefused(gettext("“%(value)s” is not a stage.") % {"value": opportunity.stage})
    owner = opportunity.owner
    if owner.workspace_id != opportunity.workspace_id or owner.role != Role.REP:
        raise ActionRefused(gettext("An opportunity belongs to a rep of this workspace."))
    if not owner.is_active:
        raise ActionRefused(
            gettext("%(name)s no longer has access to this workspace.") % {"name": owner.user}
        )


def _closed_on(opportunity: Opportunity, at: dt.datetime) -> dt.date | None:
    return None if opportunity.is_open else local_day(opportunity.owner, at)


def sync_deal_entries(
    opportunity: Opportunity, *, by: User | None, at: dt.datetime | None = None
) -> list[Entry]:
    """Makes the opportunity's entries what it counts now: for a won one, 1 deal and its value
    as revenue on the day it was won, for its owner; for any other, nothing. Run inside the
    transaction of the change. Returns the entries it counts."""
    moment = at or timezone.now()
    wanted: dict[Metric, Decimal] = {}
    day = opportunity.closed_on
    if opportunity.is_won and day is not None:
        metrics = DealMetrics.of(opportunity.workspace)
        if metrics.deals is not None:
            wanted[metrics.deals] = Decimal(1)
        if metrics.revenue is not None and not revenue_problem(opportunity, metrics.revenue):
            wanted[metrics.revenue] = opportunity.value
    existing = {e.metric_id: e for e in Entry.objects.filter(opportunity=opportunity)}
    wanted_ids = {metric.pk for metric in wanted}
    stale = [metric_id for metric_id in existing if metric_id not in wanted_ids]
    if stale:
        Entry.objects.filter(opportunity=opportunity, metric_id__in=stale).delete()
    counted = []
    for metric, value in wanted.items():
        assert day is not None  # only a won opportunity, closed on a day, wants entries
        entry = existing.get(metric.pk)
        if entry is None:
            entry = Entry.objects.create(
                workspace_id=opportunity.workspace_id,
                member_id=opportunity.owner_id,
                metric=metric,
                day=day,
                value=value,
                source=EntrySource.DEAL,
                opportunity=opportunity,
                recorded_by=by,
                created_at=moment,
                updated_at=moment,
            )
        elif (entry.value, entry.day, entry.member_id) != (value, day, opportunity.owner_id):
            entry.value, entry.day, entry.member_id = value, day, opportunity.owner_id
            entry.recorded_by, entry.updated_at = by, moment
            entry.save(update_fields=["value", "day", "member", "recorded_by", "updated_at"])
        counted.append(entry)
    return counted


@transaction.atomic
def create_opportunity(
    owner: Membership,
    *,
    by: User | None,
    account: str,
    contact_name: str = "",
    contact_email: str = "",
    value: Decimal = Decimal(0),
    currency: str = "USD",
    stage: str = Stage.LEAD,
    expected_close_on: dt.date | None = None,
    next_step: str = "",
    at: dt.datetime | None = None,
) -> Opportunity:
    """A new opportunity of `owner`; its history starts with a move from nothing to `stage`
    (created won, it counts at once)."""
    moment = at or timezone.now()
    opportunity = Opportunity(
        workspace_id=owner.workspace_id,
        owner=owner,
        account=account.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        value=value,
        currency=currency,
        stage=stage,
        expected_close_on=expected_close_on,
        next_step=next_step.strip(),
        created_by=by,
        created_at=moment,
        updated_at=moment,
    )
    _check(opportunity)
    opportunity.closed_on = _closed_on(opportunity, moment)
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity, from_stage="", to_stage=stage, changed_at=moment, changed_by=by
    )
    sync_deal_entries(opportunity, by=by, at=moment)
    events.log("opportunity.created", opportunity, by, to_stage=stage)
    return opportunity


@transaction.atomic
def update_opportunity(
    opportunity: Opportunity, *, by: User | None, at: dt.datetime | None = None, **changes: Any
) -> Opportunity:
    """Changes what people typed about it (not its stage: see move_opportunity). A won deal's
    entries follow its new value, currency or owner."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    moment = at or timezone.now()
    for name, value in changes.items():
        setattr(opportunity, name, value.strip() if isinstance(value, str) else value)
    _check(opportunity)
    opportunity.updated_at = moment
    opportunity.save(update_fields=[*changes, "updated_at"])
    sync_deal_entries(opportunity, by=by, at=moment)
    events.log("opportunity.updated", opportunity, by)
    return opportunity


@transaction.atomic
def move_opportunity(
    opportunity: Opportunity, stage: str, *, by: User | None, at: dt.datetime | None = None
) -> bool:
    """Moves it to `stage`, with a line of history. Won: closed on the owner's day and counted
    as a deal; lost: closed, counts nothing; back to an open stage: open again, and a deal it
    was counts no more. Returns False, changing nothing, when it is already there (a second
    click, or a page left open while someone else moved it)."""
    if stage not in Stage.values:
        raise ActionRefused(f"“{stage}” is not a stage.")
    moment = at or timezone.now()
    # Locked, so that two moves at once write two lines of history that follow each other.
    current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if current.stage == stage:
        opportunity.stage = current.stage
        return False
    from_stage = current.stage
    opportunity.stage = stage
    opportunity.closed_on = _closed_on(opportunity, moment)
    opportunity.updated_at = moment
    opportunity.save(update_fields=["stage", "closed_on", "updated_at"])
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=stage,
        changed_at=moment,
        changed_by=by,
    )
    sync_deal_entries(opportunity, by=by, at=moment)
    # A deal's clients are asked some days after it is won; a deal no longer won asks nobody.
    if stage == Stage.WON:
        clients.deal_won(opportunity, by=by, at=moment)
    elif from_stage == Stage.WON:
        clients.deal_left_won(opportunity)
    verb = "opportunity.won" if stage == Stage.WON else "opportunity.moved"
    events.log(verb, opportunity, by, from_stage=from_stage, to_stage=stage)
    return True
