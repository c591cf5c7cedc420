"""Writing the event log, and telling whoever listens once the change is committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from followthrough.accounts.models import Membership, User, Workspace
from followthrough.events.models import Event

Receiver = Callable[[Event], None]
_receivers: list[tuple[str, Receiver]] = []


def listen(verb_prefix: str, receiver: Receiver) -> None:
    """Call `receiver` after commit for every event whose verb starts with `verb_prefix`
    ("" for all). Weekly updates and webhooks subscribe here."""
    _receivers.append((verb_prefix, receiver))


def record(
    verb: str,
    *,
    workspace: Workspace,
    about: models.Model,
    actor: User | None = None,
    rep: Membership | None = None,
    plan_id: int | None = None,
    data: dict[str, Any] | None = None,
    private: bool = False,
) -> Event:
    """Writes one event in the caller's transaction; receivers run only once it commits."""
    event = Event.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        about_type=ContentType.objects.get_for_model(about),
        about_id=about.pk,
        rep=rep,
        plan_id=plan_id,
        data=data or {},
        private=private,
        at=timezone.now(),
    )
    for prefix, receiver in _receivers:
        if verb.startswith(prefix):
            transaction.on_commit(lambda receiver=receiver: receiver(event))  # type: ignore[misc]
    return event


def record_for_member(
    verb: str,
    workspace: Workspace,
    about: models.Model,
    by: User | None,
    *,
    member: Membership | None = None,
    **data: Any,
) -> Event:
    """Records an event about a person: on their History when they are a rep (other people
    have no History page), in the caller's transaction."""
    return record(
        verb,
        workspace=workspace,
        about=about,
        actor=by,
        rep=member if member is not None and member.is_rep else None,
        data=data,
    )
