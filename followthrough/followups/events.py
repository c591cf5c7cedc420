"""What a person's changes to a follow-up say on a History page, and one helper that files such
an event. Sending is not logged here: the outbox row is its record (and the dispatcher is hot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event
from followthrough.followups import kinds
from followthrough.followups.models import FollowUp
from followthrough.lib import shortdates


def log(verb: str, followup: FollowUp, by: User | None, **data: Any) -> Event | None:
    """Records a change to one follow-up in the caller's transaction; one sent to a rep goes on
    the rep's History, for coaches only (the outbox is theirs). Rows outside any workspace (a
    password reset) have no History."""
    if followup.workspace_id is None:
        return None
    rep = (
        Membership.objects.filter(
            workspace=followup.workspace_id, user=followup.recipient_id, role=Role.REP
        ).first()
        if followup.recipient_id is not None
        else None
    )
    return events.record(
        verb,
        workspace=Workspace(pk=followup.workspace_id),
        about=followup,
        actor=by,
        rep=rep,
        data={"kind": followup.kind, "to": followup.to_email, **data},
        private=True,
    )


def log_many(workspace: Workspace, by: User | None, count: int, about: models.Model) -> Event:
    return events.record(
        "followup.retried_all",
        workspace=workspace,
        about=about,
        actor=by,
        data={"count": count},
        private=True,
    )


def _about(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    """The kind's name (a check-in, a recap) and the new time in the reader's time zone."""

    def say(data: dict[str, Any]) -> str:
        kind = data.get("kind")
        name = str(kinds.label(kind)) if kind else ""
        send_at = parse_datetime(str(data.get("send_at") or ""))
        when = shortdates.short(timezone.localtime(send_at), "D j M, H:i") if send_at else ""
        text = str(sentence).replace("{kind_name}", verbs.literal(name.lower()))
        return text.replace("{when}", when)

    return say


def _retried_all(data: dict[str, Any]) -> str:
    count = int(data.get("count") or 0)
    return ngettext(
        "{actor} tried %(count)d failed follow-up again",
        "{actor} tried %(count)d failed follow-ups again",
        count,
    ) % {"count": count}


def register_verbs() -> None:
    verbs.register("followup.cancelled", _about(_("{actor} cancelled the {kind_name} to {to}")))
    verbs.register(
        "followup.rescheduled", _about(_("{actor} moved the {kind_name} to {to} to {when}"))
    )
    verbs.register("followup.sent_now", _about(_("{actor} sent the {kind_name} to {to} now")))
    verbs.register("followup.retried", _about(_("{actor} tried the {kind_name} to {to} again")))
    verbs.register("followup.retried_all", _retried_all)
    verbs.register("followup.bounced", _about(_("The {kind_name} to {to} bounced: {reason}")))
    verbs.register("followup.complained", _about(_("The {kind_name} to {to} was marked as spam")))
    verbs.register(
        "suppression.added", _("Mail to {address} is held back: it bounced or was marked as spam")
    )
    verbs.register("suppression.lifted", _("{actor} let mail go to {address} again"))
    # Written by the dispatcher only when a webhook endpoint listens for them (webhooks app).
    verbs.register("followup.sent", _about(_("The {kind_name} to {to} was sent")))
    verbs.register("followup.failed", _about(_("The {kind_name} to {to} could not be sent")))
