"""What the verbs of metrics say on a History page, and one helper that files such an event.
Events hold figures and metric names, never a comment: words stay on their rows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followthrough.events import actions as events
from followthrough.events import verbs
from followthrough.lib import shortdates
from followthrough.metrics.models import Metric

log = events.record_for_member


def number(value: Decimal) -> str:
    """5, 12.5 or 4,200: as a person writes it."""
    text = f"{value.normalize():,f}"
    return text


def figures(values: Mapping[Metric, Decimal | None]) -> str:
    """ "calls 5, meetings 2" for the numbers given (an emptied one is not a figure)."""
    return ", ".join(
        f"{metric.name} {number(value)}" for metric, value in values.items() if value is not None
    )


def _logged(data: dict[str, Any]) -> str:
    day = parse_date(str(data.get("day") or ""))
    shown = verbs.literal(shortdates.short(day, "D j M")) if day else ""
    if data.get("numbers"):
        return str(_("{actor} logged {day_shown}: {numbers}")).replace("{day_shown}", shown)
    return str(_("{actor} cleared the log of {day_shown}")).replace("{day_shown}", shown)


def _imported(data: dict[str, Any]) -> str:
    count = int(data.get("count") or 0)
    return ngettext(
        "{actor} imported %(count)d row from {filename}",
        "{actor} imported %(count)d rows from {filename}",
        count,
    ) % {"count": count}


def register_verbs() -> None:
    verbs.register("log.saved", _logged)
    verbs.register("confidence.rated", _("{actor} rated confidence in the plan {rating} of 5"))
    verbs.register("metric.added", _("{actor} added the metric {name}"))
    verbs.register("metric.renamed", _("{actor} renamed the metric {old_name} to {name}"))
    verbs.register("metric.changed", _("{actor} changed the metric {name}"))
    verbs.register("import.confirmed", _imported)
