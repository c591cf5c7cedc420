"""What the verbs about people and workspaces say on a History page, and one helper that files
such an event, under the rep it is about when there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from followthrough.accounts.models import Role
from followthrough.events import actions as events
from followthrough.events import verbs

ROLE_NAMES = {
    Role.ADMIN: _("an admin"),
    Role.COACH: _("a coach"),
    Role.REP: _("a rep"),
    Role.STAKEHOLDER: _("a stakeholder"),
}


log = events.record_for_member


def _with_role(sentence: Promise) -> Callable[[dict[str, Any]], str]:
    def say(data: dict[str, Any]) -> str:
        role = data.get("role")
        name = str(ROLE_NAMES[Role(role)]) if role in Role.values else ""
        return str(sentence).replace("{role_name}", verbs.literal(name))

    return say


def _relationships(data: dict[str, Any]) -> str:
    coaches = ", ".join(data.get("coaches") or []) or str(_("nobody"))
    followers = ", ".join(data.get("followers") or []) or str(_("nobody"))
    sentence = _(
        "{actor} set who works with {name}: coached by {coaches_list}, followed by {followers_list}"
    )
    return (
        str(sentence)
        .replace("{coaches_list}", verbs.literal(coaches))
        .replace("{followers_list}", verbs.literal(followers))
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
