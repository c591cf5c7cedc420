"""Charts as server-side SVG: no JavaScript, no network, readable without colour.

Each function returns SVG text built only from numbers and escaped words, so a view may mark
it safe. Every chart has a <title> and a <desc>; the pages also give a text alternative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal

from django.utils import dateformat
from django.utils.html import escape
from django.utils.translation import gettext, pgettext

from followthrough.insights.pace import Pace

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def amount(value: Decimal) -> str:
    """12,500; a small fraction keeps one decimal (an axis from 0 to 1)."""
    whole = value == value.to_integral_value() or abs(value) >= 10
    return f"{value:,.0f}" if whole else f"{value:,.1f}"


def _scale(value: Decimal) -> tuple[Decimal, int]:
    """A round top for the y axis a little above `value`, and how many gridlines divide it:
    the smallest step of 1, 2 or 5 times a power of ten (at least 1) that needs 6 at most."""
    value = max(value, Decimal(1)) * Decimal("1.1")
    power = Decimal(10) ** max(value.adjusted() - 1, 0)
    for step in (power * factor for factor in (1, 2, 5, 10, 20, 50)):
        lines = int((value / step).to_integral_value(rounding=ROUND_CEILING))
        if lines <= 6:
            return step * lines, lines
    raise AssertionError("unreachable: 50 steps of a tenth of the value exceed it")


def short_day(day: dt.date) -> str:
    """ "Nov 5" under a chart, in the reader's language."""
    return dateformat.format(day, pgettext("a day under a chart", "M j"))


def _svg(label: str, description: str, body: list[str], css: str) -> str:
    return (
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title><desc>{escape(description)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _y_axis(top: Decimal, lines: int, y: Callable[[Decimal], float]) -> list[str]:
    parts = []
    for n in range(lines + 1):
        value = top * n / lines
        pos = y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{pos:.1f}" y2="{pos:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{pos + 4:.1f}" text-anchor="end">'
            f"{amount(value)}</text>"
        )
    return parts


def pace_chart(pace: Pace, daily: Mapping[dt.date, Decimal], *, label: str, unit: str = "") -> str:
    """The running total against the target: the steady-pace line from 0 to the low target,
    the target band at the deadline, a "today" marker and dashed forecasts (current pace and
    recent trend) from today to the deadline."""
    days = pace.days_total
    forecasts = (
        (("forecast", pace.forecast_total), ("trend", pace.forecast_recent_total))
        if pace.can_forecast
        else ()
    )
    top, lines = _scale(max(pace.high, pace.total, *(end for _, end in forecasts)))

    def x(day_number: float) -> float:  # the end of the plan's nth day
        return LEFT + PLOT_W * day_number / days

    def y(value: Decimal) -> float:
        return TOP + PLOT_H - float(PLOT_H * value / top)

    body, base = _y_axis(top, lines, y), y(Decimal(0))
    body.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base:.1f}" y2="{base:.1f}"/>'
    )
    for day_number, anchor, day in ((0, "start", pace.starts_on), (days, "end", pace.deadline)):
        body.append(
            f'<text class="tick" x="{x(day_number):.1f}" y="{HEIGHT - 14}" text-anchor="{anchor}">'
            f"{short_day(day)}</text>"
        )
    # The target band at the deadline, and the steady pace that reaches its low end.
    body.append(
        f'<rect class="band" x="{x(days) - 8:.1f}" y="{y(pace.high):.1f}" width="8" '
        f'height="{max(y(pace.low) - y(pace.high), 2):.1f}"/>'
        f'<text class="note" x="{x(days) - 12:.1f}" y="{y(pace.high) - 4:.1f}" text-anchor="end">'
        + escape(
            gettext("target %(low)s–%(high)s %(unit)s")
            % {"low": amount(pace.low), "high": amount(pace.high), "unit": unit}
            if pace.high != pace.low
            else gettext("target %(low)s %(unit)s") % {"low": amount(pace.low), "unit": unit}
        )
        + "</text>"
        f'<line class="steady" x1="{x(0):.1f}" y1="{y(Decimal(0)):.1f}" '
        f'x2="{x(days):.1f}" y2="{y(pace.low):.1f}"/>'
    )
    # The running total, day by day.
    points, running = [f"{x(0):.1f},{y(Decimal(0)):.1f}"], Decimal(0)
    for n in range(pace.days_elapsed):
        running += daily.get(pace.starts_on + dt.timedelta(days=n), Decimal(0))
        points.append(f"{x(n + 1):.1f},{y(running):.1f}")
    body.append(f'<polyline class="total" points="{" ".join(points)}"/>')
    if 0 < pace.days_elapsed < days:
        now_x, now_y = x(pace.days_elapsed), y(pace.total)
        body.append(
            f'<line class="today" x1="{now_x:.1f}" x2="{now_x:.1f}" y1="{TOP}" y2="{base:.1f}"/>'
            f'<text class="note" x="{now_x + 4:.1f}" y="{TOP + 10}">'
            + escape(gettext("today"))
            + "</text>"
        )
        for css, end in forecasts:
            body.append(
                f'<line class="{css}" x1="{now_x:.1f}" y1="{now_y:.1f}" '
                f'x2="{x(days):.1f}" y2="{y(end):.1f}"/>'
            )
    return _svg(label, pace_sentence(pace, unit), body, "pace-chart")


def pace_sentence(pace: Pace, unit: str = "") -> str:
    """The chart in words (its <desc>, and the text beside it on the pages)."""
    unit = f" {unit}" if unit else ""
    sentence = gettext(
        "%(total)s%(unit)s so far, against a target of %(low)s%(unit)s by %(deadline)s; "
        "a steady pace would be at %(expected)s%(unit)s today."
    ) % {
        "total": amount(pace.total),
        "unit": unit,
        "low": amount(pace.low),
        "deadline": dateformat.format(pace.deadline, pgettext("a deadline in a sentence", "j F Y")),
        "expected": amount(pace.expected_now),
    }
    if not pace.can_forecast:
        return sentence
    return gettext(
        "%(sentence)s By the deadline the current pace makes %(forecast)s%(unit)s, "
        "the trend of the last two weeks %(recent)s%(unit)s."
    ) % {
        "sentence": sentence,
        "forecast": amount(pace.forecast_total),
        "unit": unit,
        "recent": amount(pace.forecast_recent_total),
    }


def weekly_bars(series: Sequence[tuple[dt.date, Decimal]], *, label: str, description: str) -> str:
    """One bar a week (oldest first), the week's start date under every other bar."""
    top, lines = _scale(max((value for _, value in series), default=Decimal(0)))
    slot = PLOT_W / max(len(series), 1)

    def y(value: Decimal) -> float:
        return TOP + PLOT_H - float(PLOT_H * value / top)

    body = _y_axis(top, lines, y)
    for n, (week, value) in enumerate(series):
        left = LEFT + slot * n + slot * 0.15
        body.append(
            f'<rect class="bar" x="{left:.1f}" y="{y(value):.1f}" width="{slot * 0.7:.1f}" '
            f'height="{y(Decimal(0)) - y(value):.1f}"><title>'
            + escape(
                gettext("week of %(day)s: %(amount)s")
                % {"day": short_day(week), "amount": amount(value)}
            )
            + "</title></rect>"
        )
        if (len(series) - 1 - n) % 2 == 0:  # every other week, ending with this one
            body.append(
                f'<text class="tick" x="{left + slot * 0.35:.1f}" y="{HEIGHT - 14}" '
                f'text-anchor="middle">{short_day(week)}</text>'
            )
    return _svg(label, description, body, "bars-chart")
