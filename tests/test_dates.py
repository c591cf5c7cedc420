"""Business time: working days, public holidays, working hours and clock changes."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import event, given, settings
from hypothesis import strategies as st

from followthrough.accounts.models import Profile, Workspace, validate_country
from followthrough.lib.dates import (
    WorkingTime,
    add_working_days,
    is_working_day,
    local_datetime,
    next_working_moment,
    weekday_on_or_after,
    weekday_on_or_before,
    working_days_after,
)
from tests.conftest import World

NEW_YORK = "America/New_York"
MADRID = "Europe/Madrid"
WEEKDAYS = frozenset(range(5))


def working_time(
    time_zone: str = "UTC",
    days: frozenset[int] = WEEKDAYS,
    starts: time = time(9),
    ends: time = time(17, 30),
    country: str = "",
) -> WorkingTime:
    return WorkingTime(time_zone, days, starts, ends, country)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# Working days and public holidays


def test_a_weekend_is_skipped() -> None:
    wt = working_time()
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1, wt) == date(2026, 3, 9)
    assert add_working_days(friday, 2, wt) == date(2026, 3, 10)
    assert working_days_after(date(2026, 3, 5), 2, wt) == utc(2026, 3, 9, 9)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day() -> None:
    wt = working_time()
    assert add_working_days(date(2026, 3, 6), 0, wt) == date(2026, 3, 6)
    assert add_working_days(date(2026, 3, 7), 0, wt) == date(2026, 3, 9)
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 3, 6), -1, wt)


def test_us_thanksgiving_is_skipped_only_with_country_us() -> None:
    wednesday = date(2026, 11, 25)
    assert not is_working_day(date(2026, 11, 26), working_time(country="US"))
    assert add_working_days(wednesday, 1, working_time(country="US")) == date(2026, 11, 27)
    assert add_working_days(wednesday, 1, working_time(country="ES")) == date(2026, 11, 26)
    assert add_working_days(wednesday, 1, working_time()) == date(2026, 11, 26)


def test_an_observed_holiday_in_the_previous_year_is_skipped() -> None:
    # New Year's Day 2022 was a Saturday; the US observed it on Friday 2021-12-31.
    wt = working_time(country="US")
    assert not is_working_day(date(2021, 12, 31), wt)
    assert add_working_days(date(2021, 12, 30), 1, wt) == date(2022, 1, 3)


def test_a_person_who_works_on_saturdays() -> None:
    wt = working_time(days=frozenset({0, 1, 2, 3, 4, 5}))
    friday = date(2026, 3, 6)
    assert is_working_day(date(2026, 3, 7), wt)
    assert add_working_days(friday, 1, wt) == date(2026, 3, 7)
    assert add_working_days(friday, 2, wt) == date(2026, 3, 9)


def test_a_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        is_working_day(utc(2026, 3, 6), working_time())


# Clock changes: 09:00 stays 09:00 local, so its UTC hour moves


@pytest.mark.parametrize(
    ("zone", "before", "after", "utc_before", "utc_after"),
    [
        # US: DST starts 2026-03-08, ends 2026-11-01.
        (NEW_YORK, date(2026, 3, 5), date(2026, 3, 6), utc(2026, 3, 6, 14), utc(2026, 3, 9, 13)),
        (
            NEW_YORK,
            date(2026, 10, 29),
            date(2026, 10, 30),
            utc(2026, 10, 30, 13),
            utc(2026, 11, 2, 14),
        ),
        # EU: DST starts 2026-03-29, ends 2026-10-25.
        (MADRID, date(2026, 3, 26), date(2026, 3, 27), utc(2026, 3, 27, 8), utc(2026, 3, 30, 7)),
        (
            MADRID,
            date(2026, 10, 22),
            date(2026, 10, 23),
            utc(2026, 10, 23, 7),
            utc(2026, 10, 26, 8),
        ),
    ],
)
def test_nine_o_clock_on_both_sides_of_a_clock_change(
    zone: str, before: date, after: date, utc_before: datetime, utc_after: datetime
) -> None:
    wt = working_time(zone)
    first, second = working_days_after(before, 1, wt), working_days_after(after, 1, wt)
    assert (first, second) == (utc_before, utc_after)
    assert first.astimezone(wt.zone).time() == second.astimezone(wt.zone).time() == time(9)
    assert first.tzinfo is UTC and second.tzinfo is UTC


def test_a_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    new_york = local_datetime(date(2026, 3, 8), time(2, 30), zoneinfo.ZoneInfo(NEW_YORK))
    assert (new_york.time(), new_york.tzname()) == (time(3, 30), "EDT")
    assert new_york.astimezone(UTC) == utc(2026, 3, 8, 7, 30)
    madrid = local_datetime(date(2026, 3, 29), time(2, 30), zoneinfo.ZoneInfo(MADRID))
    assert (madrid.time(), madrid.tzname()) == (time(3, 30), "CEST")
    assert madrid.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    # The same through a follow-up, for someone who works on Sunday nights.
    night = working_time(NEW_YORK, frozenset({6}), time(1), time(6))
    assert working_days_after(date(2026, 3, 1), 1, night, time(2, 30)) == utc(2026, 3, 8, 7, 30)


def test_an_ambiguous_time_is_the_first_occurrence() -> None:
    new_york = local_datetime(date(2026, 11, 1), time(1, 30), zoneinfo.ZoneInfo(NEW_YORK))
    assert (new_york.tzname(), new_york.fold) == ("EDT", 0)
    assert new_york.astimezone(UTC) == utc(2026, 11, 1, 5, 30)
    madrid = local_datetime(date(2026, 10, 25), time(2, 30), zoneinfo.ZoneInfo(MADRID))
    assert madrid.tzname() == "CEST"
    assert madrid.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    # fold=1 asked for explicitly is still resolved to the first occurrence.
    again = local_datetime(date(2026, 11, 1), time(1, 30, fold=1), zoneinfo.ZoneInfo(NEW_YORK))
    assert again == new_york


def test_lord_howe_moves_its_clocks_by_thirty_minutes() -> None:
    zone = "Australia/Lord_Howe"  # +10:30, +11:00 in summer: starts 2026-10-04, ends 2026-04-05
    gap = local_datetime(date(2026, 10, 4), time(2, 15), zoneinfo.ZoneInfo(zone))
    assert gap.time() == time(2, 45)
    assert gap.astimezone(UTC) == utc(2026, 10, 3, 15, 45)
    twice = local_datetime(date(2026, 4, 5), time(1, 45), zoneinfo.ZoneInfo(zone))
    assert twice.astimezone(UTC) == utc(2026, 4, 4, 14, 45)  # +11:00, the first
    wt = working_time(zone)
    assert working_days_after(date(2026, 10, 1), 1, wt) == utc(2026, 10, 1, 22, 30)
    assert working_days_after(date(2026, 10, 2), 1, wt) == utc(2026, 10, 4, 22)


def test_southern_hemisphere_summer_time_ends_in_april() -> None:
    # Sydney leaves summer time (+11) on 2026-04-05 for +10; Easter falls on the same weekend.
    wt = working_time("Australia/Sydney")
    assert working_days_after(date(2026, 4, 2), 1, wt) == utc(2026, 4, 2, 22)  # Fri 09:00 +11
    assert working_days_after(date(2026, 4, 3), 1, wt) == utc(2026, 4, 5, 23)  # Mon 09:00 +10
    # With Australian public holidays, Good Friday and Easter Monday are not working days.
    au = working_time("Australia/Sydney", country="AU")
    assert working_days_after(date(2026, 4, 2), 1, au) == utc(2026, 4, 6, 23)  # Tue 09:00 +10
    # And summer time starts on 2026-10-04: 09:00 is 22:00 UTC the day before.
    assert working_days_after(date(2026, 10, 4), 1, wt) == utc(2026, 10, 4, 22)


# Working hours


def test_a_time_before_working_hours_moves_to_the_start_of_that_day() -> None:
    wt = working_time(MADRID)
    assert working_days_after(date(2026, 5, 4), 1, wt, time(7)) == utc(2026, 5, 5, 7)


def test_a_time_at_or_after_the_end_moves_to_the_start_of_the_next_working_day() -> None:
    wt = working_time(MADRID)
    thursday = date(2026, 5, 7)
    assert working_days_after(thursday, 1, wt, time(17, 29)) == utc(2026, 5, 8, 15, 29)
    assert working_days_after(thursday, 1, wt, time(17, 30)) == utc(2026, 5, 11, 7)
    assert working_days_after(thursday, 1, wt, time(22)) == utc(2026, 5, 11, 7)


def test_next_working_moment() -> None:
    wt = working_time(NEW_YORK, country="US")
    inside = utc(2026, 3, 10, 15, 12, 7)  # Tuesday 11:12:07 EDT
    assert next_working_moment(inside, wt) == inside
    assert next_working_moment(utc(2026, 3, 10, 11), wt) == utc(2026, 3, 10, 13)  # 07:00
    assert next_working_moment(utc(2026, 3, 10, 21, 30), wt) == utc(2026, 3, 11, 13)  # 17:30
    friday_night = utc(2026, 3, 7, 1)  # Friday 20:00 EST
    assert next_working_moment(friday_night, wt) == utc(2026, 3, 9, 13)  # Monday 09:00 EDT
    thanksgiving = datetime(2026, 11, 26, 10, tzinfo=zoneinfo.ZoneInfo(NEW_YORK))
    assert next_working_moment(thanksgiving, wt) == utc(2026, 11, 27, 14)
    assert next_working_moment(inside, wt).tzinfo is UTC


def test_next_working_moment_in_a_repeated_hour_compares_instants() -> None:
    # Work from 01:00 to 01:45 every day; on 2026-11-01, New York lives 01:00-02:00 twice.
    zone = zoneinfo.ZoneInfo(NEW_YORK)
    wt = working_time(NEW_YORK, frozenset(range(7)), time(1), time(1, 45))
    first = datetime(2026, 11, 1, 1, 40, tzinfo=zone)  # EDT, 05:40 UTC
    second = datetime(2026, 11, 1, 1, 40, fold=1, tzinfo=zone)  # EST, 06:40 UTC
    assert next_working_moment(first, wt) == utc(2026, 11, 1, 5, 40)
    # The work ended at 01:45 EDT, before this second 01:40: the next start is Monday 01:00 EST.
    assert next_working_moment(second, wt) == utc(2026, 11, 2, 6)


def test_next_working_moment_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_working_moment(datetime(2026, 3, 10, 12), working_time())


def test_working_time_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        working_time(days=frozenset())
    with pytest.raises(ValueError, match="end after"):
        working_time(starts=time(18), ends=time(9))
    with pytest.raises(ValueError, match="XX"):
        working_time(country="XX")
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        working_time("Mars/Olympus_Mons")


# Profiles and workspaces


def test_the_profile_country_wins_over_the_workspace_country() -> None:
    profile = Profile(
        time_zone=MADRID, working_days=[4, 0, 0], work_starts=time(8), work_ends=time(15)
    )
    workspace = Workspace(name="Acme", country="US")
    assert profile.working_time().country == ""
    assert profile.working_time(workspace).country == "US"
    profile.country = "ES"
    wt = profile.working_time(workspace)
    assert wt == WorkingTime(MADRID, frozenset({0, 4}), time(8), time(15), "ES")
    assert WorkingTime.for_profile(profile, workspace) == wt


def test_country_codes_are_checked_against_the_holidays_package() -> None:
    validate_country("")
    validate_country("ES")
    with pytest.raises(ValidationError, match="“XX” is not a country"):
        validate_country("XX")
    with pytest.raises(ValidationError, match="“USA”"):
        validate_country("USA")


def test_profile_page_saves_the_country_and_the_member_page_shows_it(world: World) -> None:
    client = world.client("rep")
    data = {
        "name": "Rep",
        "time_zone": MADRID,
        "country": " es ",
        "working_days": ["0", "1", "2", "3", "4"],
        "work_starts": "09:00",
        "work_ends": "17:30",
        "language": "en",
    }
    response = client.post(reverse("profile"), {**data, "country": "ZZ"})
    assert "“ZZ” is not a country whose public holidays are known" in response.content.decode()
    assert Profile.objects.get(user=world.user("rep")).country == ""
    client.post(reverse("profile"), data)
    profile = Profile.objects.get(user=world.user("rep"))
    assert profile.country == "ES"
    detail = reverse("member_detail", args=["acme", world.members["rep"].pk])
    body = world.client("coach").get(detail).content.decode()
    assert "<dt>Country</dt><dd>ES</dd>" in body
    profile.country = ""
    profile.save()
    world.workspace.country = "US"
    world.workspace.save()
    body = world.client("coach").get(detail).content.decode()
    assert 'US <span class="muted">(the workspace\'s)</span>' in body


# Properties, over every time zone

ZONES = sorted(zoneinfo.available_timezones())
COUNTRIES = ["", "US", "ES", "GB", "AU", "NZ", "JP", "BR", "CL", "EG", "IR", "ZA"]
_calendars: dict[str, holidays.HolidayBase] = {}


def is_holiday(day: date, country: str) -> bool:
    """Independent of the code under test: one calendar per country, growing as asked."""
    if not country:
        return False
    if country not in _calendars:
        _calendars[country] = holidays.country_holidays(country)
    return day in _calendars[country]


def works(day: date, wt: WorkingTime) -> bool:
    return day.weekday() in wt.working_days and not is_holiday(day, wt.country)


def working_days_between(first: date, last: date, wt: WorkingTime) -> int:
    """Working days d with first <= d < last."""
    return sum(works(first + timedelta(days=i), wt) for i in range((last - first).days))


def wall_clock_expectation(
    day: date, at: time, zone: zoneinfo.ZoneInfo
) -> tuple[datetime, datetime]:
    """The wall time a clock should show for `at` on `day`, and the instant it should be."""
    wanted = datetime.combine(day, at)
    first = wanted.replace(tzinfo=zone, fold=0)
    second = wanted.replace(tzinfo=zone, fold=1)
    gap = (second.utcoffset() or timedelta()) - (first.utcoffset() or timedelta())
    exists = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wanted
    if exists:
        # Once, or twice (fall-back): the earlier instant.
        return wanted, min(first.astimezone(UTC), second.astimezone(UTC))
    assert gap > timedelta(), "a wall time that does not exist is in a forward gap"
    shown = wanted + gap
    return shown, first.astimezone(UTC)


minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))


@st.composite
def working_times(draw: st.DrawFn) -> WorkingTime:
    start, end = sorted(
        draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=2, unique=True))
    )
    return WorkingTime(
        draw(st.sampled_from(ZONES)),
        draw(st.frozensets(st.integers(0, 6), min_size=1)),
        time(start // 60, start % 60),
        time(end // 60, end % 60),
        draw(st.sampled_from(COUNTRIES)),
    )


dates = st.dates(date(2020, 1, 1), date(2035, 12, 31))
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(day=dates, at=minutes, zone=st.sampled_from(ZONES))
def test_local_datetime_keeps_the_wall_time_or_moves_past_the_gap(
    day: date, at: time, zone: str
) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    result = local_datetime(day, at, tz)
    shown, instant = wall_clock_expectation(day, at, tz)
    assert result.tzinfo is tz
    assert result.replace(tzinfo=None) == shown
    assert result.astimezone(UTC) == instant
    assert result.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == shown


@PROPERTY
@given(day=dates, n=st.integers(0, 15), wt=working_times(), at=st.none() | minutes)
def test_working_days_after(day: date, n: int, wt: WorkingTime, at: time | None) -> None:
    result = working_days_after(day, n, wt, at)
    assert result.tzinfo is UTC
    local = result.astimezone(wt.zone)
    # Where `at` ends up: inside working hours, perhaps on the next working day.
    effective, extra = wt.work_starts if at is None else at, 0
    if effective < wt.work_starts:
        effective = wt.work_starts
    elif effective >= wt.work_ends:
        effective, extra = wt.work_starts, 1
    assert works(local.date(), wt)
    shown, instant = wall_clock_expectation(local.date(), effective, wt.zone)
    assert local.replace(tzinfo=None) == shown
    assert result == instant
    if n >= 1:
        assert local.date() > day
        assert working_days_between(day + timedelta(days=1), local.date(), wt) == n - 1 + extra
    else:
        assert local.date() >= day
        assert working_days_between(day, local.date(), wt) == extra


@PROPERTY
@given(
    moment=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31)).map(
        lambda naive: naive.replace(tzinfo=UTC)
    ),
    wt=working_times(),
)
def test_next_working_moment_is_the_moment_or_the_next_start(
    moment: datetime, wt: WorkingTime
) -> None:
    check_next_working_moment(moment, wt)


def check_next_working_moment(moment: datetime, wt: WorkingTime) -> None:
    result = next_working_moment(moment, wt)
    assert result.tzinfo is UTC
    assert next_working_moment(moment.astimezone(wt.zone), wt) == result
    assert result >= moment
    day = result.astimezone(wt.zone).date()
    assert works(day, wt)
    _, starts = wall_clock_expectation(day, wt.work_starts, wt.zone)
    _, ends = wall_clock_expectation(day, wt.work_ends, wt.zone)
    if result == moment:
        assert moment == starts or starts < moment < ends
    else:
        assert result == starts
        # Nothing working was skipped on the way.
        first = moment.astimezone(wt.zone).date()
        if first == day:
            assert moment < starts
        else:
            _, first_ends = wall_clock_expectation(first, wt.work_ends, wt.zone)
            assert not works(first, wt) or moment >= first_ends
            assert working_days_between(first + timedelta(days=1), day, wt) == 0
    assert next_working_moment(result, wt) == result


# Random dates seldom fall on a clock change: these properties start from one.


@functools.cache
def clock_changes(zone: str, year: int) -> list[datetime]:
    """The instants (UTC, to the minute) at which `zone` changes its offset during `year`."""
    tz = zoneinfo.ZoneInfo(zone)
    changes = []
    day = utc(year, 1, 1)
    while day.year == year:
        low, high = day, day + timedelta(days=1)
        if low.astimezone(tz).utcoffset() != high.astimezone(tz).utcoffset():
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            changes.append(high.replace(second=0, microsecond=0))
        day += timedelta(days=1)
    return changes


def has_summer_time(zone: str) -> bool:
    tz = zoneinfo.ZoneInfo(zone)
    return any(
        utc(year, 1, 15).astimezone(tz).utcoffset() != utc(year, 7, 15).astimezone(tz).utcoffset()
        for year in range(2020, 2036)
    )


# Zones with summer time, for clock changes; the property still allows the others.
CHANGING_ZONES = [zone for zone in ZONES if has_summer_time(zone)]


@st.composite
def near_clock_changes(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone, and a local wall time (naive) within 90 minutes of one of its clock changes."""
    zone = draw(st.sampled_from(CHANGING_ZONES) | st.sampled_from(ZONES))
    year = draw(st.integers(2020, 2035))
    # A zone that did not change its clocks that year: around 00:00 UTC on 30 June.
    change = draw(st.sampled_from(clock_changes(zone, year) or [utc(year, 6, 30)]))
    offset = (change - timedelta(minutes=1)).astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    wall = (change + (offset or timedelta())).replace(tzinfo=None)  # with the offset before
    return zone, wall + timedelta(minutes=draw(st.sampled_from(range(-90, 91))))


@PROPERTY
@given(near=near_clock_changes())
def test_wall_times_near_a_clock_change(near: tuple[str, datetime]) -> None:
    zone, wall = near
    tz = zoneinfo.ZoneInfo(zone)
    shown, instant = wall_clock_expectation(wall.date(), wall.time(), tz)
    result = local_datetime(wall.date(), wall.time(), tz)
    twice = (
        wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()
    )
    event("in a gap" if shown != wall else "repeated" if twice else "once")
    assert result.replace(tzinfo=None) == shown
    assert result.astimezone(UTC) == instant
    every_day = WorkingTime(zone, frozenset(range(7)), time(0), time(23, 59))
    yesterday = wall.date() - timedelta(days=1)
    at = wall.time()
    if at < time(23, 59):
        assert working_days_after(yesterday, 1, every_day, at) == instant


@PROPERTY
@given(near=near_clock_changes(), wt=working_times(), shift=st.integers(-180, 180))
def test_next_working_moment_near_a_clock_change(
    near: tuple[str, datetime], wt: WorkingTime, shift: int
) -> None:
    zone, wall = near
    wt = WorkingTime(zone, wt.working_days, wt.work_starts, wt.work_ends, wt.country)
    moment = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)
    moment += timedelta(minutes=shift)
    check_next_working_moment(moment, wt)


def test_weekday_on_or_before_and_after_move_off_the_weekend() -> None:
    saturday, sunday, monday = date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)
    friday = date(2026, 11, 27)
    assert [weekday_on_or_before(d) for d in (saturday, sunday, monday)] == [
        friday,
        friday,
        monday,
    ]
    assert [weekday_on_or_after(d) for d in (friday, saturday, sunday)] == [
        friday,
        monday,
        monday,
    ]
