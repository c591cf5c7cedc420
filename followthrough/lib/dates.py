"""Business time: working days, working hours and wall-clock times in a person's own time zone.

A follow-up is due "the second working day after this date at 09:00 where the rep is". These
functions answer such questions without the ORM: a profile is first turned into a
`WorkingTime` (`WorkingTime.for_profile(profile, workspace)`), and everything below works on
that. Every datetime they return is aware and in UTC (`datetime.UTC`), ready to be stored.

Decisions about the edge cases:

- A working day is a day whose weekday is one of the person's working days and which is not a
  public holiday of their country (the profile's country, else the workspace's, else none).
  Holidays are the `holidays` package's national public holidays, including the days on which a
  holiday is observed (US Independence Day on a Saturday is observed on the Friday). Regional
  holidays (a US state, a Spanish autonomous community) are not considered.
- Working hours are the half-open interval [work_starts, work_ends) in local wall time.
- A local wall time that does not exist (the spring-forward gap) is moved forward by the length
  of the gap: 02:30 on 2026-03-08 in America/New_York is 03:30 EDT. A wall time that exists twice
  (fall-back) is the first of the two (fold=0), i.e. the one with the summer offset.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from followthrough.accounts.models import Profile, Workspace

# A run of consecutive non-working days longer than this means the calendar is broken (all
# weekdays cannot be holidays for a year); stop rather than loop for ever.
MAX_DAYS_OFF = 400


@functools.cache
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries whose public holidays are known."""
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


@functools.lru_cache(maxsize=1024)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of `country` that fall in `year`, including observed days.

    An empty country has none. The `holidays` package files an observed day under the year it
    falls in: New Year's Day 2022 (a Saturday), observed in the US on Friday 2021-12-31, is in
    the 2021 calendar. Calendars are cached per (country, year) and returned as frozensets, as
    the package's own calendars grow when they are asked about other years.
    """
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


# Where the tz database lists each zone's country: the tzdata package (a dependency, through
# icalendar), else the system's copy. zone.tab gives one country per zone; zone1970.tab, the
# newer file, may list several (the first is the zone's own) and is read when zone.tab is gone.
ZONE_TABLES = ("zone.tab", "zone1970.tab")
SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")
UPCOMING_HOLIDAYS = 5  # how many of the coming holidays a member's page lists


def _tz_table(names: Iterable[str]) -> str:
    """The text of the first of these tz database tables found, tzdata's copy first, then the
    system's; "" when there is none."""
    for name in names:
        try:
            return importlib.resources.files("tzdata").joinpath("zoneinfo", name).read_text()
        except (ModuleNotFoundError, OSError):
            pass
        try:
            return (SYSTEM_ZONEINFO / name).read_text()
        except OSError:
            pass
    return ""


def _rows(text: str) -> Iterable[list[str]]:
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@functools.cache
def zone_countries() -> dict[str, str]:
    """IANA zone name -> ISO 3166-1 alpha-2 code of its country; {} when no table is found
    (then nothing is suggested, which is fine: the country is asked for anyway)."""
    return {
        fields[2]: fields[0].split(",")[0]
        for fields in _rows(_tz_table(ZONE_TABLES))
        if len(fields) >= 3
    }


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country whose public holidays are known, by name; the names from
    the tz database's iso3166.tab (the code alone if it is missing)."""
    names = {
        fields[0]: fields[1] for fields in _rows(_tz_table(["iso3166.tab"])) if len(fields) > 1
    }
    return sorted(
        ((code, names.get(code, code)) for code in supported_countries()),
        key=lambda choice: choice[1].casefold(),
    )


def country_of_zone(time_zone: str) -> str:
    """The country a time zone belongs to, if its public holidays are known; "" otherwise
    (UTC, Etc/GMT+3, an old alias such as US/Eastern, an unknown name)."""
    country = zone_countries().get(time_zone, "")
    return country if country in supported_countries() else ""


def upcoming_holidays(
    country: str, since: date, count: int = UPCOMING_HOLIDAYS
) -> list[tuple[date, str]]:
    """The next `count` public holidays of `country` from `since` (included), with their names;
    [] for no country."""
    if not country:
        return []
    years = [since.year, since.year + 1]
    try:  # English names where the calendar has them; its own language otherwise
        calendar = holidays.country_holidays(country, years=years, language="en_US")
    except NotImplementedError:
        calendar = holidays.country_holidays(country, years=years)
    return sorted((day, str(name)) for day, name in calendar.items() if day >= since)[:count]


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """When and where one person works: what the date functions need, without the ORM.

    `working_days` are weekday numbers (Monday is 0); `work_starts` and `work_ends` are naive
    local wall times with work_starts < work_ends; `country` is an ISO 3166-1 alpha-2 code, or
    "" for no public holidays.
    """

    time_zone: str
    working_days: frozenset[int]
    work_starts: time
    work_ends: time
    country: str = ""

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)  # raises ZoneInfoNotFoundError for an unknown name
        if not self.working_days or not set(self.working_days) <= set(range(7)):
            raise ValueError(f"working_days must be a non-empty set of 0..6: {self.working_days}")
        if self.work_starts.tzinfo is not None or self.work_ends.tzinfo is not None:
            raise ValueError("work_starts and work_ends are local wall times, without tzinfo")
        if self.work_ends <= self.work_starts:
            raise ValueError("the working day must end after it starts")
        if self.country and self.country not in supported_countries():
            raise ValueError(f"no public holidays are known for country {self.country!r}")

    @classmethod
    def build(
        cls,
        time_zone: str,
        working_days: Iterable[int],
        work_starts: time,
        work_ends: time,
        country: str = "",
    ) -> WorkingTime:
        """A WorkingTime from any iterable of weekday numbers."""
        return cls(time_zone, frozenset(working_days), work_starts, work_ends, country)

    @classmethod
    def for_profile(cls, profile: Profile, workspace: Workspace | None = None) -> WorkingTime:
        """The person's working time; the profile's country wins over the workspace's."""
        country = profile.country or (workspace.country if workspace is not None else "")
        return cls.build(
            profile.time_zone,
            profile.working_days,
            profile.work_starts,
            profile.work_ends,
            country,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def _check_date(day: date) -> None:
    if isinstance(day, datetime):
        raise TypeError("expected a date, not a datetime")


def _check_wall_time(at: time) -> None:
    if at.tzinfo is not None:
        raise ValueError("expected a local wall time without tzinfo")


def is_working_day(day: date, wt: WorkingTime) -> bool:
    """Whether `day` is one of the person's working days and not a public holiday there."""
    _check_date(day)
    return day.weekday() in wt.working_days and day not in public_holidays(wt.country, day.year)


def next_working_day(day: date, wt: WorkingTime) -> date:
    """The first working day strictly after `day`."""
    _check_date(day)
    for offset in range(1, MAX_DAYS_OFF + 1):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, wt):
            return candidate
    raise ValueError(f"no working day within {MAX_DAYS_OFF} days after {day}")


def add_working_days(day: date, n: int, wt: WorkingTime) -> date:
    """The n-th working day after `day` (n >= 1), not counting `day` itself.

    With n=0: `day` itself if it is a working day, else the next working day.
    """
    _check_date(day)
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    if n == 0:
        return day if is_working_day(day, wt) else next_working_day(day, wt)
    for _ in range(n):
        day = next_working_day(day, wt)
    return day


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware datetime for wall time `at` on `day` in `zone`.

    A wall time in a spring-forward gap does not exist; it is moved forward by the length of
    the gap (02:30 on 2026-03-08 in America/New_York gives 03:30 EDT; in Australia/Lord_Howe,
    whose clocks move 30 minutes, 02:15 on 2026-10-04 gives 02:45). A wall time that exists
    twice (fall-back) resolves to the first occurrence, fold=0 (01:30 on 2026-11-01 in
    America/New_York gives 01:30 EDT, 05:30 UTC). The result is in `zone`, normalised so that
    its wall time is the one a clock there shows.
    """
    _check_date(day)
    _check_wall_time(at)
    # With fold=0, a time in a gap is read with the offset from before the transition, which
    # lands the instant after the gap, exactly "gap" later than the wall time asked for; the
    # round trip through UTC gives the wall time a clock shows at that instant.
    wanted = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    return wanted.astimezone(UTC).astimezone(zone)


def working_days_after(day: date, n: int, wt: WorkingTime, at: time | None = None) -> datetime:
    """The n-th working day after `day` at local wall time `at` (default: work_starts), in UTC.

    `at` outside working hours moves: before work_starts, to work_starts that day; at or after
    work_ends, to work_starts of the next working day. n=0 means `day` itself if it is a
    working day, else the next one (see `add_working_days`). Gaps and repeated wall times are
    resolved as in `local_datetime`.
    """
    at = wt.work_starts if at is None else at
    _check_wall_time(at)
    target = add_working_days(day, n, wt)
    if at < wt.work_starts:
        at = wt.work_starts
    elif at >= wt.work_ends:
        at = wt.work_starts
        target = next_working_day(target, wt)
    return local_datetime(target, at, wt.zone).astimezone(UTC)


def next_working_moment(moment: datetime, wt: WorkingTime) -> datetime:
    """`moment` itself if it falls in working hours on a working day, else the next start of one.

    "In working hours" compares instants: from work_starts to work_ends that local day, both
    resolved as in `local_datetime`, so in the second occurrence of a repeated hour, a moment
    may be after work_ends although its wall time is before. `moment` must be aware, in any
    zone; the result is in UTC.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime")
    # Compare in UTC: two datetimes with the same zone compare by wall time, ignoring fold.
    moment = moment.astimezone(UTC)
    zone = wt.zone
    day = moment.astimezone(zone).date()
    if is_working_day(day, wt):
        starts = local_datetime(day, wt.work_starts, zone).astimezone(UTC)
        if moment <= starts:
            return starts
        if moment < local_datetime(day, wt.work_ends, zone).astimezone(UTC):
            return moment
    return local_datetime(next_working_day(day, wt), wt.work_starts, zone).astimezone(UTC)


def weekday_on_or_before(day: date) -> date:
    """The day itself, or the Friday before it if it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def weekday_on_or_after(day: date) -> date:
    """The day itself, or the Monday after it if it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
