"""Working days in England: the one calendar every statutory clock counts on.

A working day is a Monday to Friday that is neither an England bank holiday nor a local closure day.

- Bank holidays come from the `holidays` package (`country_holidays("GB", subdiv="ENG")`), which follows
  the gov.uk list: substitute days when a holiday falls at a weekend (27 and 28 December 2021, 27 December
  2022, 2 January 2023) and one-off holidays (3 June 2022, 19 September 2022, 8 May 2023). A bank holiday
  announced after the installed version of `holidays` was released can be added as a local closure day
  until the package is upgraded.
- Local closure days are the `LocalClosureDay` table the business unit edits (core.services): days the
  partnership's offices are shut although the country is at work.

Counting convention (docs/clocks.md): `add_working_days(start, n)` is the n-th working day *after* the start
date. The start is day 0 whatever it is (a working day, a weekend or a holiday); day 1 is the first working
day after it. This is how the DfE CIN census validator's working-day thresholds behave.

For many computations in a row (a queue of contacts), take one `current_calendar()` and call its methods:
it holds the closure days read once. The module-level functions read the (cached) closure days each call.

Python's dates run from 1 January 1 to 31 December 9999. A count that would leave that range, or reach a
year whose bank holidays `holidays` cannot compute, raises `DateOutOfRange` (a ValueError) saying why.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache

import holidays
from django.core.cache import cache
from django.db import connection

# Closure days are read on every clock computation, so they are cached. The cache entry is dropped whenever
# the service changes the table. With the default per-process cache, other processes (more web workers, the
# task worker) see a change within this many seconds; a shared cache backend makes it immediate.
CLOSURE_DAYS_CACHE_KEY = "core:calendar:closure-days:v1"
CLOSURE_DAYS_CACHE_SECONDS = 60

_SATURDAY = 5

_LAST_DATE_TEXT = "31 December 9999, the last date the calendar can count"
_FIRST_DATE_TEXT = "1 January 1, the first date the calendar can count"


class DateOutOfRange(ValueError):
    """A count the calendar cannot make: it would leave the years 1 to 9999, or reach a year whose bank
    holidays cannot be computed. The message says which, in words for a person (one line)."""


@lru_cache(maxsize=256)
def _bank_holidays_in(year: int) -> dict[date, str]:
    """England's bank holidays in one calendar year, by date (computed once per year per process)."""
    try:
        return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())
    except Exception as exc:
        # Whatever the library fails with, working days in that year cannot be counted: say so, rather than
        # pass on an error about its internals (the original stays chained for the log).
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DateOutOfRange(f"the bank holidays of {year} cannot be computed ({detail})") from exc


def bank_holiday_name(day: date) -> str | None:
    """The name of the England bank holiday on `day` ("Boxing Day (observed)"), or None."""
    return _bank_holidays_in(day.year).get(day)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays_in(day.year)


def is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


def bank_holidays_between(first: date, last: date) -> list[tuple[date, str]]:
    """England's bank holidays from `first` to `last` inclusive, in date order, with their names."""
    found: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        found.extend((day, name) for day, name in _bank_holidays_in(year).items() if first <= day <= last)
    return sorted(found)


def long_date(day: date) -> str:
    """A date as GOV.UK writes it, with the weekday: "Monday 8 May 2023"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), clamped to the end of a shorter month.

    31 January + 1 month is 28 February (29 in a leap year); 31 August + 6 months is the end of February;
    30 November + 3 months is 28 or 29 February. Clamping keeps the answer inside the target month, as a
    person counting on a wall calendar would, and matches dateutil's relativedelta and pandas' DateOffset.
    """
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    if not MINYEAR <= year <= MAXYEAR:
        span = f"{abs(months)} month{'' if abs(months) == 1 else 's'}"
        if months > 0:
            raise DateOutOfRange(f"{span} after {start.isoformat()} is after {_LAST_DATE_TEXT}")
        raise DateOutOfRange(f"{span} before {start.isoformat()} is before {_FIRST_DATE_TEXT}")
    last_day = _stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days given a set of local closure days (bank holidays and weekends are always excluded)."""

    closure_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return not is_weekend(day) and not is_bank_holiday(day) and day not in self.closure_days

    def why_not_working(self, day: date) -> str | None:
        """Why `day` is not a working day ("Saturday", "Christmas Day", "Local closure day"), or None."""
        if is_weekend(day):
            return f"{day:%A}"
        name = bank_holiday_name(day)
        if name is not None:
            return name
        if day in self.closure_days:
            return "Local closure day"
        return None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        try:
            candidate = day + timedelta(days=1)
            while not self.is_working_day(candidate):
                candidate += timedelta(days=1)
        except OverflowError:
            raise DateOutOfRange(f"counting working days runs past {_LAST_DATE_TEXT}") from None
        return candidate

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        try:
            candidate = day - timedelta(days=1)
            while not self.is_working_day(candidate):
                candidate -= timedelta(days=1)
        except OverflowError:
            raise DateOutOfRange(f"counting working days back runs past {_FIRST_DATE_TEXT}") from None
        return candidate

    def working_day_on_or_before(self, day: date) -> date:
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n > 0), or the |n|-th before it (n < 0); `start` when n is 0.

        The start is day 0 even when it is not a working day: from a Saturday, day 1 is the Monday (or the
        first working day after it).
        """
        day = start
        for _ in range(abs(n)):
            day = self.next_working_day(day) if n > 0 else self.previous_working_day(day)
        return day

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days fall after `first` up to and including `last` (negative when last < first).

        The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n for n >= 0.
        Same day, or Friday to the Saturday after, is 0; Friday to Monday is 1.
        """
        if last < first:
            return -self.working_days_between(last, first)
        if last == first:
            return 0  # and 31 December 9999 has no day after it to start the count of holidays from
        # Arithmetic rather than a walk over every day: queues ask this of deadlines months overdue.
        full_weeks, odd_days = divmod((last - first).days, 7)
        weekdays = full_weeks * 5 + sum(
            1 for offset in range(1, odd_days + 1) if (first.weekday() + offset) % 7 < _SATURDAY
        )
        holidays_on_weekdays = {
            day for day, _ in bank_holidays_between(first + timedelta(days=1), last) if not is_weekend(day)
        }
        closures_on_weekdays = {
            day
            for day in self.closure_days
            if first < day <= last and not is_weekend(day) and day not in holidays_on_weekdays
        }
        return weekdays - len(holidays_on_weekdays) - len(closures_on_weekdays)


def local_closure_days() -> frozenset[date]:
    """The local closure days, from the cache when it holds them."""
    cached = cache.get(CLOSURE_DAYS_CACHE_KEY)
    if cached is not None:
        return frozenset(cached)
    from safeguarding.core.models import LocalClosureDay

    days = frozenset(LocalClosureDay.objects.values_list("date", flat=True))
    # Inside a transaction the rows read may not be committed (and may yet be rolled back), so such a read is
    # used for this computation only and never shared with other requests through the cache.
    if not connection.in_atomic_block:
        cache.set(CLOSURE_DAYS_CACHE_KEY, days, CLOSURE_DAYS_CACHE_SECONDS)
    return days


def local_closure_days_forget() -> None:
    """Drop the cached closure days (the service calls this when it changes the table)."""
    cache.delete(CLOSURE_DAYS_CACHE_KEY)


def current_calendar() -> WorkingCalendar:
    """The calendar in force now: weekends, England bank holidays and the local closure days."""
    return WorkingCalendar(local_closure_days())


def is_working_day(day: date) -> bool:
    return current_calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    return current_calendar().next_working_day(day)


def previous_working_day(day: date) -> date:
    return current_calendar().previous_working_day(day)


def add_working_days(start: date, n: int) -> date:
    return current_calendar().add_working_days(start, n)


def working_days_between(first: date, last: date) -> int:
    return current_calendar().working_days_between(first, last)
