"""What the verbs of the pipeline say on a History page, and one helper that files such an
event on the owner's History. The next step and the contact are the rep's notes: not logged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, User, Workspace
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event
from followthrough.pipeline.models import Opportunity, Stage


def log(verb: str, opportunity: Opportunity, by: User | None, **data: Any) -> Event:
    """Records the event in the caller's transaction, on the owner's History."""
    value = Decimal(opportunity.value)
    return events.record(
        verb,
        # Only their ids are written: no query to load rows the action already points at.
        workspace=Workspace(pk=opportunity.workspace_id),
        about=opportunity,
        actor=by,
        rep=Membership(pk=opportunity.owner_id),
        data={
            "account": opportunity.account,
            "value": f"{value.normalize():,f}",
            "currency": opportunity.currency,
            **data,
        },
    )


def _stage_name(value: object) -> str:
    return verbs.literal(str(Stage(value).label)) if value in Stage.values else ""


def _with_stages(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    def say(data: dict[str, Any]) -> str:
        text = str(sentence).replace("{from_name}", _stage_name(data.get("from_stage")))
        return text.replace("{to_name}", _stage_name(data.get("to_stage")))

    return say


def register_verbs() -> None:
    verbs.register(
        "opportunity.created",
        _with_stages(_("{actor} added {account} at {to_name} ({value} {currency})")),
    )
    verbs.register("opportunity.updated", _("{actor} updated {account} ({value} {currency})"))
    verbs.register(
        "opportunity.moved",
        _with_stages(_("{actor} moved {account} to {to_name} ({value} {currency})")),
    )
    verbs.register("opportunity.won", _("{actor} won {account} ({value} {currency})"))
