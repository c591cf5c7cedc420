"""After a follow-up left: what the recipient's side said (delivered, deferred, bounced,
marked as spam), from the provider's webhook or a bounce message, and the suppressions a hard
bounce or a complaint puts on an address until an admin lifts them.

Each verb runs in one transaction and writes its event. Delivered and deferred are not events:
the report row is their record (every message gets one, and History is for people's news).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone

from followthrough.accounts.models import Membership, Role, User
from followthrough.events import actions as event_actions
from followthrough.followups import events
from followthrough.followups.models import (
    Delivery,
    DeliveryReport,
    FollowUp,
    State,
    Suppression,
)
from followthrough.lib import dsn

log = logging.getLogger("followthrough.delivery")

OURS = re.compile(r"<followup\.(\d+)\.(\d+)@([^>]+)>")
# anymail's event types -> ours; the others (opened, clicked, queued...) are not delivery news.
ANYMAIL_TYPES = {
    "delivered": Delivery.DELIVERED,
    "deferred": Delivery.DEFERRED,
    "bounced": Delivery.BOUNCED,
    "rejected": Delivery.BOUNCED,  # the provider refused the address (on its own list)
    "complained": Delivery.COMPLAINED,
}


class ReplayedReport(SuspiciousOperation):
    """A webhook notification we already recorded: Django answers 400, nothing changes."""


def record(
    followup: FollowUp,
    status: Delivery,
    *,
    source: DeliveryReport.Source,
    provider: str = "",
    event_id: str | None = None,
    recipient: str = "",
    code: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> DeliveryReport:
    """One report on a follow-up; a hard bounce or a complaint suppresses its address in its
    workspace and puts a to-do on the list of whoever fixes it (not for a cancelled one)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = DeliveryReport.objects.create(
                    followup=followup,
                    status=status,
                    source=source,
                    provider=provider,
                    event_id=event_id or None,
                    recipient=(recipient or followup.to_email).lower(),
                    code=code[:16],
                    reason=reason[:2000],
                    at=at or timezone.now(),
                )
        except IntegrityError:
            raise ReplayedReport(f"{provider} event {event_id} was already recorded") from None
        FollowUp.objects.filter(pk=followup.pk).update(delivery=status)
        followup.delivery = status
        if status in (Delivery.BOUNCED, Delivery.COMPLAINED):
            events.log(f"followup.{status}", followup, None, reason=reason[:300], code=code)
            # What we send to, whatever alias the remote server reported.
            suppression = suppress(followup, followup.to_email.lower(), status, reason)
            if suppression is not None and followup.state != State.CANCELLED:
                ask_to_fix(followup, suppression)
    return report


def suppress(followup: FollowUp, address: str, status: Delivery, reason: str) -> Suppression | None:
    """The address's suppression in the follow-up's workspace, new, or None when it already
    had one (its to-do is written) or the follow-up is outside any workspace."""
    if followup.workspace_id is None:
        return None
    if Suppression.objects.filter(
        workspace_id=followup.workspace_id, address=address, lifted_at__isnull=True
    ).exists():
        return None
    try:
        with transaction.atomic():
            suppression = Suppression.objects.create(
                workspace_id=followup.workspace_id,
                address=address,
                reason=status,
                detail=reason[:2000],
                followup=followup,
            )
    except IntegrityError:  # another report on the address won the race: it wrote the to-do
        return None
    event_actions.record(
        "suppression.added",
        workspace=suppression.workspace,
        about=suppression,
        data={"address": address, "reason": str(status)},
    )
    return suppression


def ask_to_fix(followup: FollowUp, suppression: Suppression) -> None:
    """A to-do for the recipient's coaches (the ones who know the address), else for who
    scheduled it, else the workspace's admins."""
    from followthrough.coaching.models import Todo, TodoKind  # coaching builds on followups

    owners = fixers(followup)
    name = followup.recipient.name if followup.recipient else suppression.address
    if suppression.reason == Delivery.COMPLAINED:
        todo = Todo.written(TodoKind.SPAM_COMPLAINT, name=name, address=suppression.address)
    else:
        reason = suppression.detail[:120] or str(Delivery.BOUNCED.label)
        todo = Todo.written(
            TodoKind.FIX_ADDRESS, name=name, address=suppression.address, reason=reason
        )
    for owner in owners:
        Todo.objects.create(
            workspace_id=owner.workspace_id,
            owner=owner,
            kind=todo.kind,
            text=todo.text,
            params=todo.params,
            due_on=timezone.localdate(timezone.now(), owner.user.profile.zone),
        )


def fixers(followup: FollowUp) -> list[Membership]:
    if followup.workspace_id is None:
        return []
    members = Membership.objects.filter(workspace_id=followup.workspace_id, is_active=True)
    if followup.recipient_id is not None:
        member = members.filter(user_id=followup.recipient_id).first()
        if member is not None and (coaches := list(member.coaches())):
            return coaches
    if followup.created_by_id is not None:
        creator = members.filter(user_id=followup.created_by_id).first()
        if creator is not None and creator.role in (Role.ADMIN, Role.COACH):
            return [creator]
    return list(members.filter(role=Role.ADMIN)[:1])


def lift(suppression: Suppression, by: User) -> int:
    """The address may be written to again: the follow-ups held back for it are sent now.
    Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        Suppression.objects.filter(pk=suppression.pk).update(lifted_at=now, lifted_by=by)
        suppression.refresh_from_db()
        held = FollowUp.objects.filter(
            workspace_id=suppression.workspace_id,
            to_email__iexact=suppression.address,
            state=State.FAILED,
            error_code="suppressed",
        )
        count = held.update(
            state=State.SCHEDULED,
            send_at=now,
            last_error="",
            error_code="",
            error_params={},
            first_attempt_at=None,
            attempts=0,
            updated_at=now,
        )
        event_actions.record(
            "suppression.lifted",
            workspace=suppression.workspace,
            about=suppression,
            actor=by,
            data={"address": suppression.address, "count": count},
        )
    return count


def suppressed(followups: Iterable[FollowUp]) -> dict[tuple[int, str], Suppression]:
    """The active suppressions on these follow-ups' addresses, by (workspace id, address):
    one query for a batch."""
    pairs = {(f.workspace_id, f.to_email.lower()) for f in followups if f.workspace_id is not None}
    if not pairs:
        return {}
    rows = Suppression.objects.filter(
        lifted_at__isnull=True,
        workspace_id__in={workspace for workspace, _ in pairs},
        address__in={address for _, address in pairs},
    )
    return {(row.workspace_id, row.address): row for row in rows}


# Where reports come from ----------------------------------------------------------------------


def followup_of(message_id: str) -> FollowUp | None:
    """The follow-up a Message-ID of ours names, if it was ever tried (a version it has had)."""
    found = OURS.fullmatch(message_id.strip())
    if not found or found.group(3) != settings.MESSAGE_ID_DOMAIN:
        return None
    pk, version = int(found.group(1)), int(found.group(2))
    return FollowUp.objects.filter(pk=pk, version__gte=version, attempts__gt=0).first()


def record_bounce(raw: bytes) -> tuple[FollowUp | None, dsn.Report]:
    """A bounce message (DSN or complaint) that came back to our bounce address."""
    report = dsn.parse(raw)
    followup = next(
        (found for mid in report.message_ids if (found := followup_of(mid)) is not None), None
    )
    if followup is None:
        log.info("a bounce for no message of ours: %s", ", ".join(report.message_ids) or "-")
        return None, report
    if report.complaint:
        status = Delivery.COMPLAINED
    elif report.hard:
        status = Delivery.BOUNCED
    elif report.soft:
        status = Delivery.DEFERRED
    else:
        status = Delivery.DELIVERED
    record(
        followup,
        status,
        source=DeliveryReport.Source.DSN,
        recipient=report.recipient,
        code=report.status,
        reason=report.diagnostic,
    )
    return followup, report


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's tracking signal: a provider's webhook, its signature already checked."""
    status = ANYMAIL_TYPES.get(event.event_type)
    if status is None or not event.message_id:
        return
    # The provider's id (indexed); else our own Message-ID, where the provider reports that.
    followup = FollowUp.objects.filter(provider_message_id=event.message_id).first()
    followup = followup or followup_of(event.message_id)
    if followup is None:
        log.info("%s reported on message %s, not one of ours", esp_name, event.message_id)
        return
    record(
        followup,
        status,
        source=DeliveryReport.Source.WEBHOOK,
        provider=esp_name,
        event_id=event.event_id,
        recipient=event.recipient or "",
        code=str(event.reject_reason or ""),
        reason=event.mta_response or event.description or "",
        at=event.timestamp,
    )
