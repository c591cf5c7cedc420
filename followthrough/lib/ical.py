"""iCalendar time zones that every calendar reads the same way.

icalendar's own VTIMEZONE (`add_missing_timezones`, `Timezone.from_tzinfo`) lists a zone's
transitions as one comma-separated RDATE per kind; Mozilla's ical.js (Thunderbird) and vobject
read only the first value of that list and place a summer event an hour off. Here each
transition of the years around the event is its own STANDARD or DAYLIGHT sub-component with a
single DTSTART and no RDATE or RRULE, a form every parser understands.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

_STEP = dt.timedelta(days=1)  # no zone changes its offset twice within a day


def _state(zone: ZoneInfo, moment: dt.datetime) -> tuple[dt.timedelta, bool, str]:
    local = moment.astimezone(zone)
    return (
        local.utcoffset() or dt.timedelta(),
        bool(local.dst()),
        local.tzname() or "",
    )


def transitions(
    zone: ZoneInfo, first: dt.datetime, last: dt.datetime
) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """(instant in UTC, offset before, offset after) of each change of the zone's offset, DST
    flag or name between two instants, to the minute."""
    found = []
    moment = first.astimezone(dt.UTC).replace(second=0, microsecond=0)
    before = _state(zone, moment)
    while moment < last:
        after_step = moment + _STEP
        if _state(zone, after_step) != before:
            low, high = moment, after_step  # the change is in (low, high]
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if _state(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            after = _state(zone, high)
            found.append((high, before[0], after[0]))
            before = after
            moment = high
        else:
            moment = after_step
    return found


def _offset(delta: dt.timedelta) -> icalendar.vUTCOffset:
    return icalendar.vUTCOffset(delta)


def vtimezone(zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> icalendar.Timezone:
    """The VTIMEZONE of `zone` valid from the year before `first` to the year after `last`:
    the state at the window's start, then one sub-component per transition."""
    start = dt.datetime(first.year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last.year + 2, 1, 1, tzinfo=dt.UTC)
    timezone = icalendar.Timezone()
    timezone.add("tzid", zone.key)
    offset, dst, name = _state(zone, start)
    parts = [(start, offset, offset, dst, name)]
    for moment, before, after in transitions(zone, start, end):
        _after, dst, name = _state(zone, moment)
        parts.append((moment, before, after, dst, name))
    for moment, before, after, dst, name in parts:
        part = icalendar.TimezoneDaylight() if dst else icalendar.TimezoneStandard()
        # RFC 5545: DTSTART is the onset in the local time in force before it (TZOFFSETFROM).
        part.add("dtstart", (moment + before).replace(tzinfo=None))
        part.add("tzoffsetfrom", _offset(before))
        part.add("tzoffsetto", _offset(after))
        if name:
            part.add("tzname", name)
        timezone.add_component(part)
    return timezone


def event_time(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """`moment` in `zone` for DTSTART/DTEND, or in UTC when its wall time is ambiguous (the
    repeated hour when clocks go back): a TZID time means its first occurrence (RFC 5545)."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(dt.UTC)
    return local
