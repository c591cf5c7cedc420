"""Verbs of the delivery engine: schedule, cancel, reschedule, send now, retry.

Each change of what or when bumps the row's version in the same UPDATE that checks its state,
so it can never race a dispatcher: whichever UPDATE comes first wins, and the other sees it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.followups import events, kinds
from followthrough.followups.models import CHANGEABLE, FollowUp, Kind, State
from followthrough.lib import shortdates

MAIL_FLOWS_AGAIN = "mail_flows_again"


class Outcome(StrEnum):
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    TOO_LATE = "too late"  # already sending or sent
    ALREADY_CANCELLED = "already cancelled"


def schedule(
    *,
    kind: Kind | str,
    template: str,
    to_email: str,
    send_at: dt.datetime | None = None,
    workspace: Workspace | None = None,
    recipient: User | None = None,
    about: models.Model | None = None,
    context: dict[str, object] | None = None,
    created_by: User | None = None,
    reply_to: str = "",
) -> FollowUp:
    """Writes one follow-up; call it inside the transaction of the change that causes it.
    A kind no app registered, or an object its kind is not about, is refused
    (kinds.UnknownKind) before anything is written."""
    kinds.get(kind).check(about)
    return FollowUp.objects.create(
        kind=kind,
        template=template,
        to_email=to_email,
        send_at=send_at or timezone.now(),
        workspace=workspace,
        recipient=recipient,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        context=context or {},
        created_by=created_by,
        reply_to=reply_to,
    )


def _change(followup: FollowUp, allowed: tuple[State, ...], **fields: object) -> bool:
    """One compare-and-set UPDATE: applies `fields` and bumps the version if the row is still
    in an allowed state. Refreshes `followup` either way."""
    updated = FollowUp.objects.filter(pk=followup.pk, state__in=allowed).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    followup.refresh_from_db()
    return bool(updated)


def _refusal(followup: FollowUp) -> Outcome:
    if followup.state == State.CANCELLED:
        return Outcome.ALREADY_CANCELLED
    return Outcome.TOO_LATE


def cancel(followup: FollowUp, by: User | None = None) -> Outcome:
    """Cancelled, or too late (already sending or sent)."""
    with transaction.atomic():
        if _change(followup, CHANGEABLE, state=State.CANCELLED, claimed_by="", lease_until=None):
            events.log("followup.cancelled", followup, by)
            return Outcome.CANCELLED
    return _refusal(followup)


def reschedule(
    followup: FollowUp,
    send_at: dt.datetime,
    by: User | None = None,
    *,
    verb: str = "followup.rescheduled",
) -> Outcome:
    """A new time; the new version means any claim on the old one can never send."""
    with transaction.atomic():
        if _change(
            followup,
            CHANGEABLE,
            state=State.SCHEDULED,
            send_at=send_at,
            claimed_by="",
            lease_until=None,
            last_error="",
            first_attempt_at=None,
        ):
            events.log(verb, followup, by, send_at=send_at.isoformat())
            return Outcome.RESCHEDULED
    return _refusal(followup)


def send_now(followup: FollowUp, by: User | None = None) -> Outcome:
    return reschedule(followup, timezone.now(), by, verb="followup.sent_now")


def retry(followup: FollowUp, by: User | None = None) -> Outcome:
    """A failed one, once more, now, with a fresh count of attempts."""
    with transaction.atomic():
        if _change(
            followup,
            (State.FAILED,),
            state=State.SCHEDULED,
            send_at=timezone.now(),
            attempts=0,
            last_error="",
            first_attempt_at=None,
        ):
            events.log("followup.retried", followup, by)
            return Outcome.RESCHEDULED
    return _refusal(followup)


def retry_all(
    rows: models.QuerySet[FollowUp],
    by: User | None = None,
    workspace: Workspace | None = None,
) -> int:
    """Every failed row of `rows` (what one person may see), once more, now: one UPDATE, with
    the same changes as retry() makes to one. One event in `workspace` tells how many."""
    with transaction.atomic():
        count = rows.filter(state=State.FAILED).update(
            state=State.SCHEDULED,
            send_at=timezone.now(),
            attempts=0,
            last_error="",
            first_attempt_at=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if count and workspace is not None:
            events.log_many(workspace, by, count, about=workspace)
    return count


def tell_admins_mail_flows_again(workspace_id: int, waiting_since: dt.datetime) -> int:
    """After follow-ups waited a long time for the mail server, each admin of the workspace is
    emailed once that mail flows again: a row that waited since `waiting_since` finds the
    notice already written if any was written after that moment. The workspace row's lock
    makes two dispatchers recovering together write it once. Returns the notices written."""
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace_id)
        told = FollowUp.objects.filter(
            workspace=workspace, template=MAIL_FLOWS_AGAIN, created_at__gte=waiting_since
        )
        if told.exists():
            return 0
        admins = Membership.objects.filter(
            workspace=workspace, role=Role.ADMIN, is_active=True
        ).select_related("user", "user__profile")
        for admin in admins:
            zone = admin.user.profile.time_zone
            with timezone.override(zone):
                since = shortdates.short(timezone.localtime(waiting_since), "D j M, H:i")
            schedule(
                kind=Kind.NOTICE,
                template=MAIL_FLOWS_AGAIN,
                to_email=admin.user.email,
                recipient=admin.user,
                workspace=workspace,
                about=workspace,
                context={
                    "time_zone": zone,
                    "waiting_since": since,
                    "outbox_path": reverse("outbox", args=[workspace.slug]),
                },
            )
        return len(admins)


def cancel_about(about: models.Model, of_kinds: list[Kind] | None = None) -> int:
    """Cancels every pending follow-up about one object (a dropped commitment, say)."""
    pending = FollowUp.objects.about(about).filter(state__in=CHANGEABLE)
    if of_kinds:
        pending = pending.filter(kind__in=of_kinds)
    return pending.update(
        state=State.CANCELLED,
        version=F("version") + 1,
        claimed_by="",
        lease_until=None,
        updated_at=timezone.now(),
    )
