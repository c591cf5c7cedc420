"""Pace: will a plan reach its target by its deadline? Plain arithmetic, no database.

A plan has a target band (low to high) for one metric and a deadline. Given the metric's daily
totals since the plan started, `assess` tells how far it has come, the pace needed from here,
and where the current pace (and the recent trend) would land by the deadline. The change that
coaching brings shows at 8-12 weeks (story 000), so a plan of that length with no movement in
those weeks is flagged as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import gettext_lazy as _

# The "recent trend" looks at this many days.
RECENT_DAYS = 14
# Coaching shows its effect between these weeks (story 000).
CHANGE_WEEKS = (8, 12)
# Before this many days of a plan, nobody is "behind pace" yet (day 1 would always be).
EARLY_DAYS = 7
# A forecast (where the pace lands by the deadline, the day the low target is reached) needs
# this many days of the plan's figures behind it: one good first day multiplied over the whole
# plan promises anything (122 referrals "by the deadline" on day one).
FORECAST_MIN_DAYS = 7
ZERO = Decimal(0)

STATUS_LABELS = {
    "met": _("target met"),
    "missed": _("missed"),
    "not_started": _("not started"),
    "early": _("first week"),
    "behind": _("behind pace"),
    "on_pace": _("on pace"),
}


@dataclass(frozen=True)
class Pace:
    """Where a plan stands on `today`; amounts are in the target metric's unit."""

    starts_on: dt.date
    deadline: dt.date
    today: dt.date
    low: Decimal
    high: Decimal
    total: Decimal  # the result so far (to today, or to the deadline once it has passed)
    days_total: int  # days in the plan, both ends counted
    days_elapsed: int  # days of the plan up to today, both ends counted (0 before the start)
    expected_now: Decimal  # where a steady pace to the low target would be today
    daily_rate: Decimal  # the result per day so far
    recent_rate: Decimal  # the result per day over the last RECENT_DAYS days
    needed_rate: Decimal | None  # per day from tomorrow to reach the low target; None if met/over
    forecast_total: Decimal  # at the deadline, at the current pace
    forecast_recent_total: Decimal  # at the deadline, at the recent trend
    # When the low target is (or was) reached: the day it was met, or the day the current pace
    # (and the recent trend) would reach it, which may be after the deadline; None at no pace.
    low_reached_on: dt.date | None
    low_reached_on_recent: dt.date | None
    no_movement: bool  # weeks 8-12 passed and they brought nothing more than before

    @property
    def has_data(self) -> bool:
        return self.total != ZERO

    @property
    def is_over(self) -> bool:
        return self.today > self.deadline

    @property
    def met_low(self) -> bool:
        return self.total >= self.low

    @property
    def is_early(self) -> bool:
        """Too soon to judge: a plan in its first week has had no time to fall behind."""
        return self.days_elapsed < EARLY_DAYS and not self.is_over

    @property
    def can_forecast(self) -> bool:
        """Enough days of figures (FORECAST_MIN_DAYS) to say where the pace leads; a plan that
        is over or met needs no forecast."""
        return self.days_elapsed >= FORECAST_MIN_DAYS and not self.is_over and not self.met_low

    @property
    def behind_pace(self) -> bool:
        """Below where a steady pace to the low target would be by now (not met, not early)."""
        return not self.met_low and not self.is_early and self.total < self.expected_now

    @property
    def days_left(self) -> int:
        return max((self.deadline - self.today).days, 0)

    @property
    def share_of_low(self) -> Decimal:
        """How much of the low target is done, 0 to 1 (or more)."""
        return self.total / self.low if self.low else ZERO

    def status(self) -> str:
        """One word for a badge: met, missed, not_started, early, behind, on_pace."""
        if self.met_low:
            return "met"
        if self.is_over:
            return "missed"
        if self.days_elapsed == 0:
            return "not_started"
        if self.is_early:
            return "early"
        return "behind" if self.behind_pace else "on_pace"

    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status()])


def _date_reached(
    start_from: dt.date, total: Decimal, low: Decimal, rate: Decimal
) -> dt.date | None:
    """The day `total` growing by `rate` a day from the day after `start_from` reaches `low`."""
    if total >= low:
        return None
    if rate <= ZERO:
        return None
    days = ((low - total) / rate).to_integral_value(rounding=ROUND_CEILING)
    try:
        return start_from + dt.timedelta(days=int(days))
    except OverflowError:
        return None


def assess(
    *,
    starts_on: dt.date,
    deadline: dt.date,
    low: Decimal,
    high: Decimal | None,
    daily: Mapping[dt.date, Decimal],
    today: dt.date,
) -> Pace:
    """The plan's pace on `today` from its daily results (days without a result count as 0;
    days outside the plan are ignored)."""
    high = high if high is not None and high >= low else low
    # A deadline before the start (bad data) is read as a one-day plan, never a division by 0.
    deadline = max(deadline, starts_on)
    last_day = min(today, deadline)
    days_total = (deadline - starts_on).days + 1
    days_elapsed = max((last_day - starts_on).days + 1, 0)
    in_plan = {day: value for day, value in daily.items() if starts_on <= day <= last_day}
    total = sum(in_plan.values(), ZERO)
    expected_now = low * days_elapsed / days_total
    daily_rate = total / days_elapsed if days_elapsed else ZERO
    recent_from = max(starts_on, last_day - dt.timedelta(days=RECENT_DAYS - 1))
    recent_days = (last_day - recent_from).days + 1 if days_elapsed else 0
    recent_total = sum((v for d, v in in_plan.items() if d >= recent_from), ZERO)
    recent_rate = recent_total / recent_days if recent_days > 0 else ZERO
    days_after = max((deadline - last_day).days, 0) if days_elapsed else days_total
    needed_rate = (low - total) / days_after if total < low and days_after > 0 else None
    return Pace(
        starts_on=starts_on,
        deadline=deadline,
        today=today,
        low=low,
        high=high,
        total=total,
        days_total=days_total,
        days_elapsed=days_elapsed,
        expected_now=expected_now,
        daily_rate=daily_rate,
        recent_rate=recent_rate,
        needed_rate=needed_rate,
        forecast_total=total + daily_rate * days_after,
        forecast_recent_total=total + recent_rate * days_after,
        low_reached_on=_met_on(in_plan, low) or _date_reached(last_day, total, low, daily_rate),
        low_reached_on_recent=(
            _met_on(in_plan, low) or _date_reached(last_day, total, low, recent_rate)
        ),
        no_movement=_no_movement(starts_on, last_day, in_plan),
    )


def _met_on(daily: Mapping[dt.date, Decimal], low: Decimal) -> dt.date | None:
    """The first day the running total reached `low`, if it did."""
    running = ZERO
    for day in sorted(daily):
        running += daily[day]
        if running >= low:
            return day
    return None


def _no_movement(starts_on: dt.date, last_day: dt.date, daily: Mapping[dt.date, Decimal]) -> bool:
    """Weeks 8-12 of the plan are over and brought no more a week than the weeks before them."""
    first_week, last_week = CHANGE_WEEKS
    change_starts = starts_on + dt.timedelta(weeks=first_week - 1)
    change_ends = starts_on + dt.timedelta(weeks=last_week) - dt.timedelta(days=1)
    if last_day < change_ends:
        return False
    before = sum((v for d, v in daily.items() if d < change_starts), ZERO)
    during = sum((v for d, v in daily.items() if change_starts <= d <= change_ends), ZERO)
    weeks_before = first_week - 1
    weeks_during = last_week - first_week + 1
    return during / weeks_during <= before / weeks_before
