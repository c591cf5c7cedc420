"""The pace arithmetic (insights/pace.py): plain numbers in, a Pace out, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from followthrough.insights.pace import FORECAST_MIN_DAYS, Pace, assess

START = dt.date(2026, 3, 2)  # a Monday
DEADLINE = START + dt.timedelta(days=59)  # a 60-day plan, both ends counted
D = Decimal


def day(n: int) -> dt.date:
    """The plan's nth day, the first being 1."""
    return START + dt.timedelta(days=n - 1)


def pace(daily: dict[dt.date, Decimal], today: dt.date, **kwargs: object) -> Pace:
    args: dict[str, object] = {
        "starts_on": START,
        "deadline": DEADLINE,
        "low": D(6000),
        "high": D(8000),
        "daily": daily,
        "today": today,
    }
    args.update(kwargs)
    return assess(**args)  # type: ignore[arg-type]


def test_no_data_yet_is_behind_with_no_forecast_date() -> None:
    p = pace({}, day(10))
    assert p.days_total == 60 and p.days_elapsed == 10
    assert p.total == 0 and not p.has_data
    assert p.expected_now == D(1000)
    assert p.status() == "behind" and p.behind_pace
    assert p.needed_rate == D(6000) / 50
    assert p.forecast_total == 0 and p.forecast_recent_total == 0
    assert p.low_reached_on is None and p.low_reached_on_recent is None


def test_a_plan_not_started_yet() -> None:
    p = pace({day(-3): D(500)}, START - dt.timedelta(days=2))
    assert p.status() == "not_started"
    assert p.days_elapsed == 0 and p.total == 0  # what came before the start does not count
    assert not p.behind_pace
    assert p.expected_now == 0
    assert p.needed_rate == D(100)  # the whole target over the whole plan
    assert p.days_left == 61


def test_past_the_deadline_counts_the_plan_only_and_is_missed() -> None:
    daily = {day(1): D(1000), day(60): D(2000), day(61): D(9000)}
    p = pace(daily, DEADLINE + dt.timedelta(days=5))
    assert p.is_over and p.days_left == 0
    assert p.total == D(3000)  # the day after the deadline is not counted
    assert p.days_elapsed == 60
    assert p.status() == "missed"
    assert p.needed_rate is None
    assert p.forecast_total == D(3000) and p.forecast_recent_total == D(3000)
    # At 50 a day the low target would have come 60 days after the deadline.
    assert p.low_reached_on == DEADLINE + dt.timedelta(days=60)


def test_met_after_the_deadline_is_still_met() -> None:
    p = pace({day(60): D(6000)}, DEADLINE + dt.timedelta(days=1))
    assert p.status() == "met"
    assert p.low_reached_on == DEADLINE


def test_met_early_tells_the_day_it_was_met() -> None:
    daily = {day(3): D(2500), day(9): D(2500), day(12): D(1500), day(14): D(700)}
    p = pace(daily, day(20))
    assert p.met_low and p.status() == "met"
    assert p.total == D(7200)
    assert p.low_reached_on == day(12) and p.low_reached_on_recent == day(12)
    assert p.needed_rate is None and not p.behind_pace
    assert p.share_of_low == D("1.2")


def test_behind_and_the_forecast_dates_at_the_pace_and_the_trend() -> None:
    # 20 days in: 50 a day for the first 6 days, then 100 a day for the last 14.
    daily = {day(n): D(50) for n in range(1, 7)} | {day(n): D(100) for n in range(7, 21)}
    p = pace(daily, day(20))
    assert p.total == D(1700)
    assert p.expected_now == D(2000)
    assert p.behind_pace and p.status() == "behind"
    assert p.daily_rate == D(85)
    assert p.recent_rate == D(100)
    assert p.needed_rate == (D(6000) - D(1700)) / 40
    assert p.forecast_total == D(1700) + D(85) * 40
    assert p.forecast_recent_total == D(1700) + D(100) * 40
    # 4300 left: 51 days at 85 (50.6 rounded up), 43 days at 100, counted from today.
    assert p.low_reached_on == day(20) + dt.timedelta(days=51)
    assert p.low_reached_on_recent == day(20) + dt.timedelta(days=43)


def test_nobody_is_behind_in_the_first_week() -> None:
    nothing_yet = pace({}, day(6))
    assert nothing_yet.total < nothing_yet.expected_now
    assert not nothing_yet.behind_pace and nothing_yet.status() == "early"
    assert nothing_yet.status_label() == "first week"
    a_week_in = pace({}, day(7))
    assert a_week_in.behind_pace and a_week_in.status_label() == "behind pace"


def test_on_pace_when_at_or_above_the_steady_line() -> None:
    p = pace({day(n): D(100) for n in range(1, 11)}, day(10))
    assert p.total == p.expected_now == D(1000)
    assert p.status() == "on_pace" and not p.behind_pace
    assert p.low_reached_on == DEADLINE  # exactly at the deadline at 100 a day


def test_zero_rate_gives_no_forecast_date() -> None:
    p = pace({day(2): D(0)}, day(30))
    assert p.daily_rate == 0 and p.recent_rate == 0
    assert p.low_reached_on is None and p.low_reached_on_recent is None
    # An old burst and nothing in the last 14 days: a current pace, no recent trend.
    p = pace({day(2): D(600)}, day(30))
    assert p.low_reached_on is not None
    assert p.recent_rate == 0 and p.low_reached_on_recent is None


def test_decimal_amounts_stay_exact() -> None:
    daily = {day(1): D("0.10"), day(2): D("0.20"), day(3): D("1234.35")}
    p = pace(daily, day(3), low=D("1234.65"), high=None)
    assert p.total == D("1234.65") and isinstance(p.total, Decimal)
    assert p.status() == "met" and p.low_reached_on == day(3)
    assert p.high == p.low  # no high target: the band is the low one


def test_no_movement_in_weeks_8_to_12_is_flagged_once_they_are_over() -> None:
    deadline = START + dt.timedelta(weeks=14)
    weekly = {START + dt.timedelta(weeks=w): D(100) for w in range(14)}  # 100 every week
    end_of_week_12 = START + dt.timedelta(weeks=12, days=-1)
    assert pace(weekly, end_of_week_12, deadline=deadline, low=D(5000)).no_movement
    assert not pace(weekly, end_of_week_12 - dt.timedelta(days=1), deadline=deadline).no_movement
    # More a week in weeks 8-12 than before: movement.
    better = weekly | {START + dt.timedelta(weeks=9): D(300)}
    assert not pace(better, end_of_week_12, deadline=deadline).no_movement


def test_no_movement_is_never_flagged_on_a_60_day_plan() -> None:
    assert not pace({}, DEADLINE + dt.timedelta(days=100)).no_movement


def test_a_deadline_before_the_start_does_not_divide_by_zero() -> None:
    p = pace({START: D(5)}, START + dt.timedelta(days=3), deadline=START - dt.timedelta(days=9))
    assert p.days_total == 1 and p.total == D(5) and p.status() == "missed"


amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)


@given(
    values=st.dictionaries(st.integers(min_value=-10, max_value=80), amounts, max_size=40),
    today_n=st.integers(min_value=-20, max_value=100),
    low=st.decimals(min_value=1, max_value=1000000, places=2),
)
def test_pace_properties(values: dict[int, Decimal], today_n: int, low: Decimal) -> None:
    daily = {day(n): value for n, value in values.items()}
    today = day(today_n)
    p = pace(daily, today, low=low)
    counted = [v for d, v in daily.items() if START <= d <= min(today, DEADLINE)]
    assert p.total == sum(counted, D(0))
    assert 0 <= p.days_elapsed <= p.days_total
    assert p.forecast_total >= p.total and p.forecast_recent_total >= p.total
    assert p.status() in {"met", "missed", "not_started", "early", "behind", "on_pace"}
    if p.behind_pace:
        assert p.days_elapsed >= 7 and p.total < p.expected_now
    if p.met_low:
        assert p.status() == "met" and p.needed_rate is None and p.low_reached_on is not None
    elif p.low_reached_on is not None:
        # The forecast date is the first day the current pace reaches the low target.
        last = min(today, DEADLINE)
        days = (p.low_reached_on - last).days
        assert p.total + p.daily_rate * days >= low
        assert p.total + p.daily_rate * (days - 1) < low
    if p.needed_rate is not None and p.days_elapsed:
        left = (DEADLINE - min(today, DEADLINE)).days
        assert abs(p.total + p.needed_rate * left - low) < D("0.0001")


def test_no_forecast_from_the_first_days() -> None:
    """One good first day is not a pace: 4 referrals asked on day one of a 30-day plan would
    "make" 120 by the deadline. A forecast waits for FORECAST_MIN_DAYS days of figures."""
    deadline = START + dt.timedelta(days=29)
    daily = {START: Decimal(4)}
    day_one = assess(
        starts_on=START, deadline=deadline, low=Decimal(30), high=None, daily=daily, today=START
    )
    assert not day_one.can_forecast
    later = START + dt.timedelta(days=FORECAST_MIN_DAYS - 1)
    week_one = assess(
        starts_on=START, deadline=deadline, low=Decimal(30), high=None, daily=daily, today=later
    )
    assert week_one.can_forecast
