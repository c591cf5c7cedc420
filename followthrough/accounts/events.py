"""What the verbs about people and workspaces say on a History page, and one helper that files
such an event, under the rep it is about when there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.events.models import Event

ROLE_NAMES = {
    Role.ADMIN: _("an admin"),
    Role.COACH: _("a coach"),
    Role.REP: _("a rep"),
    Role.STAKEHOLDER: _("a stakeholder"),
}


def log(
    verb: str,
    workspace: Workspace,
    about: models.Model,
    by: User | None,
    *,
    member: Membership | None = None,
    **data: Any,
) -> Event:
    """Records the event in the caller's transaction; on the History of `member` when the
    member is a rep (other people have no History page)."""
    return events.record(
        verb,
        workspace=workspace,
        about=about,
        actor=by,
        rep=member if member is not None and member.role == Role.REP else None,
        data=data,
    )


def _escaped(text: str) -> str:
    """A label put into a sentence that is formatted afterwards."""
    return text.replace("{", "{{").replace("}", "}}")


def _with_role(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    def say(data: dict[str, Any]) -> str:
        role = data.get("role")
        name = str(ROLE_NAMES[Role(role)]) if role in Role.values else ""
        return str(sentence).replace("{role_name}", _escaped(name))

    return say


def _relationships(data: dict[str, Any]) -> str:
    coaches = ", ".join(data.get("coaches") or []) or str(_("nobody"))
    followers = ", ".join(data.get("followers") or []) or str(_("nobody"))
    sentence = _(
        "{actor} set who works with {name}: coached by {coaches_list}, followed by {followers_list}"
    )
    return (
        str(sentence)
        .replace("{coaches_list}", _escaped(coaches))
        .replace("{followers_list}", _escaped(followers))
    )


def register_verbs() -> None:
    verbs.register("workspace.created", _("{actor} created the workspace {name}"))
    verbs.register("invitation.sent", _with_role(_("{actor} invited {email} as {role_name}")))
    verbs.register("invitation.resent", _("{actor} sent the invitation to {email} again"))
    verbs.register("invitation.revoked", _("{actor} withdrew the invitation to {email}"))
    verbs.register("invitation.accepted", _with_role(_("{actor} joined as {role_name}")))
    verbs.register("member.role_changed", _with_role(_("{actor} made {name} {role_name}")))
    verbs.register("member.deactivated", _("{actor} ended {name}'s access"))
    verbs.register("member.reactivated", _("{actor} gave {name} access again"))
    verbs.register("member.relationships_set", _relationships)
