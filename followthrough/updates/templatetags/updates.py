"""The weekly update's card on the rep's home page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from followthrough.accounts.models import Membership
from followthrough.updates.models import WeeklyUpdate, week_of_rep

register = template.Library()


@register.inclusion_tag("updates/_card.html", takes_context=True)
def weekly_update_card(context: dict[str, Any], rep: Membership) -> dict[str, Any]:
    week = week_of_rep(rep, timezone.now())
    return {
        "workspace": rep.workspace,
        "week": week,
        "update": WeeklyUpdate.of(rep, week),
    }
