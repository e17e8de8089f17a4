"""Working days in England: bank holidays (with substitute and one-off days), local closure days, counting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import holidays
import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguarding.core import calendar
from safeguarding.core.calendar import CLOSURE_DAYS_CACHE_KEY, WorkingCalendar, add_months
from safeguarding.core.services import closure_day_add, closure_day_remove
from safeguarding.core.testing import make_user

ENGLAND = WorkingCalendar()


@pytest.fixture(autouse=True)
def _fresh_closure_cache() -> Iterator[None]:
    calendar.local_closure_days_forget()
    yield
    calendar.local_closure_days_forget()


# --- Bank holidays from the `holidays` package -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name_contains"),
    [
        (date(2021, 12, 27), "Christmas Day (observed)"),  # Christmas 2021 was a Saturday
        (date(2021, 12, 28), "Boxing Day (observed)"),  # Boxing Day 2021 was a Sunday
        (date(2022, 1, 3), "New Year's Day (observed)"),
        (date(2022, 6, 2), "Spring Bank Holiday"),  # moved for the Platinum Jubilee
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day (observed)"),  # Christmas 2022 was a Sunday
        (date(2023, 1, 2), "New Year's Day (observed)"),
        (date(2023, 4, 7), "Good Friday"),
        (date(2023, 4, 10), "Easter Monday"),
        (date(2023, 5, 8), "Coronation of Charles III"),
        (date(2024, 3, 29), "Good Friday"),
        (date(2024, 4, 1), "Easter Monday"),
        (date(2020, 5, 8), "May Day"),  # moved to a Friday for VE Day's 75th anniversary
    ],
)
def test_england_bank_holidays_include_substitute_and_one_off_days(day: date, name_contains: str) -> None:
    name = calendar.bank_holiday_name(day)
    assert name is not None and name_contains in name
    assert not ENGLAND.is_working_day(day)
    assert day in holidays.country_holidays("GB", subdiv="ENG")


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 4),  # the usual first Monday in May, moved in 2020
        date(2022, 5, 30),  # the usual last Monday in May, moved in 2022
        date(2023, 3, 17),  # St Patrick's Day: a bank holiday in Northern Ireland only
        date(2023, 8, 7),  # Scotland's summer bank holiday, not England's
        date(2022, 12, 23),
        date(2023, 1, 3),
    ],
)
def test_days_that_are_holidays_elsewhere_or_in_other_years_are_working_days(day: date) -> None:
    assert calendar.bank_holiday_name(day) is None
    assert ENGLAND.is_working_day(day)


def test_bank_holidays_between_lists_them_in_order_with_names() -> None:
    found = calendar.bank_holidays_between(date(2022, 12, 20), date(2023, 1, 5))
    assert found == [
        (date(2022, 12, 25), "Christmas Day"),
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day (observed)"),
        (date(2023, 1, 1), "New Year's Day"),
        (date(2023, 1, 2), "New Year's Day (observed)"),
    ]


def test_why_not_working_names_the_reason() -> None:
    with_closure = WorkingCalendar(frozenset({date(2023, 12, 29)}))
    assert with_closure.why_not_working(date(2023, 12, 30)) == "Saturday"
    assert with_closure.why_not_working(date(2023, 12, 25)) == "Christmas Day"
    assert with_closure.why_not_working(date(2023, 12, 29)) == "Local closure day"
    assert with_closure.why_not_working(date(2023, 12, 28)) is None


# --- Counting working days: table tests across the awkward weeks -----------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Easter 2023: Good Friday 7 April, Easter Monday 10 April.
        (date(2023, 4, 6), 1, date(2023, 4, 11)),
        (date(2023, 4, 5), 2, date(2023, 4, 11)),
        (date(2023, 4, 7), 1, date(2023, 4, 11)),  # from the holiday itself
        (date(2023, 4, 8), 1, date(2023, 4, 11)),  # from the Saturday
        # Easter 2024 straddles March and April.
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        # Christmas 2021: 27 and 28 December are the substitute days, 3 January 2022 too.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        (date(2021, 12, 24), 4, date(2022, 1, 4)),
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        # Christmas 2022: 26 and 27 December, then 2 January 2023.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2022, 12, 23), 3, date(2022, 12, 30)),
        (date(2022, 12, 30), 1, date(2023, 1, 3)),
        # The State Funeral of Queen Elizabeth II, Monday 19 September 2022.
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        (date(2022, 9, 15), 2, date(2022, 9, 20)),
        # The Coronation of King Charles III, Monday 8 May 2023 (after the May Day holiday on 1 May).
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        (date(2023, 4, 28), 5, date(2023, 5, 9)),
        # An ordinary week.
        (date(2023, 6, 12), 1, date(2023, 6, 13)),
        (date(2023, 6, 16), 1, date(2023, 6, 19)),
        (date(2023, 6, 12), 0, date(2023, 6, 12)),
        # Backwards.
        (date(2023, 5, 9), -1, date(2023, 5, 5)),
        (date(2022, 1, 4), -4, date(2021, 12, 24)),
    ],
)
def test_add_working_days_across_bank_holidays(start: date, n: int, expected: date) -> None:
    assert ENGLAND.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (date(2023, 6, 12), date(2023, 6, 12), 0),
        (date(2023, 6, 16), date(2023, 6, 17), 0),  # Friday to Saturday
        (date(2023, 6, 16), date(2023, 6, 19), 1),  # Friday to Monday
        (date(2022, 12, 23), date(2022, 12, 28), 1),
        (date(2023, 4, 3), date(2023, 6, 12), 45),
        (date(2023, 6, 19), date(2023, 6, 16), -1),
    ],
)
def test_working_days_between(first: date, last: date, expected: int) -> None:
    assert ENGLAND.working_days_between(first, last) == expected


def test_next_and_previous_working_day_skip_weekends_and_holidays() -> None:
    assert ENGLAND.next_working_day(date(2022, 9, 16)) == date(2022, 9, 20)
    assert ENGLAND.previous_working_day(date(2022, 9, 20)) == date(2022, 9, 16)
    assert ENGLAND.working_day_on_or_before(date(2022, 12, 27)) == date(2022, 12, 23)
    assert ENGLAND.working_day_on_or_after(date(2022, 12, 24)) == date(2022, 12, 28)
    assert ENGLAND.working_day_on_or_after(date(2022, 12, 28)) == date(2022, 12, 28)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
        (date(2023, 3, 31), 3, date(2023, 6, 30)),
        (date(2023, 10, 15), 3, date(2024, 1, 15)),  # across the year end
        (date(2023, 3, 31), -1, date(2023, 2, 28)),
        (date(2023, 5, 8), 0, date(2023, 5, 8)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- Properties ------------------------------------------------------------------------------------------

starts = st.dates(min_value=date(1995, 1, 1), max_value=date(2090, 12, 31))


@st.composite
def calendars_near(draw: st.DrawFn, start: date) -> WorkingCalendar:
    """A calendar with a few local closure days around `start`, where they can change a count."""
    offsets = draw(st.lists(st.integers(min_value=-15, max_value=150), max_size=8))
    return WorkingCalendar(frozenset(start + timedelta(days=offset) for offset in offsets))


@settings(deadline=None)
@given(data=st.data(), start=starts, n=st.integers(min_value=1, max_value=90))
def test_n_working_days_on_is_a_working_day_exactly_n_working_days_later(
    data: st.DataObject, start: date, n: int
) -> None:
    working = data.draw(calendars_near(start))
    due = working.add_working_days(start, n)
    assert due > start
    assert working.is_working_day(due)
    assert working.working_days_between(start, due) == n
    # Nothing skipped was a working day except the n counted: the day before `due` is within n-1 of start.
    assert working.working_days_between(start, due - timedelta(days=1)) == n - 1


@settings(deadline=None)
@given(data=st.data(), first=starts, gap=st.integers(min_value=0, max_value=20), n=st.integers(0, 60))
def test_counting_is_monotonic_in_the_start(data: st.DataObject, first: date, gap: int, n: int) -> None:
    working = data.draw(calendars_near(first))
    later = first + timedelta(days=gap)
    assert working.add_working_days(first, n) <= working.add_working_days(later, n)


@settings(deadline=None)
@given(data=st.data(), start=starts, n=st.integers(min_value=1, max_value=60))
def test_going_back_undoes_going_forward_from_a_working_day(data: st.DataObject, start: date, n: int) -> None:
    working = data.draw(calendars_near(start))
    day = working.working_day_on_or_after(start)
    assert working.add_working_days(working.add_working_days(day, n), -n) == day


@settings(deadline=None)
@given(data=st.data(), first=starts, span=st.integers(min_value=0, max_value=800))
def test_working_days_between_counts_the_working_days_after_first_up_to_last(
    data: st.DataObject, first: date, span: int
) -> None:
    working = data.draw(calendars_near(first))
    last = first + timedelta(days=span)
    by_hand = sum(1 for k in range(1, span + 1) if working.is_working_day(first + timedelta(days=k)))
    assert working.working_days_between(first, last) == by_hand
    assert working.working_days_between(last, first) == -by_hand


@settings(deadline=None)
@given(start=starts, end=starts, n=st.integers(min_value=1, max_value=60))
def test_agrees_with_the_cin_validator_threshold_on_a_working_day_reference_date(
    start: date, end: date, n: int
) -> None:
    """The DfE CIN validator (data-to-insight/csc-validator-be-cin, cin_validator/utils.py) flags a start
    as more than n working days before the reference date when `start < reference - CustomBusinessDay(n-1)`.
    On a working-day reference date that is exactly "the n-th working day after the start is on or before
    the reference date": the validator counts as this calendar does (day 1 is the next working day)."""
    reference = ENGLAND.working_day_on_or_before(end)
    validator_threshold = ENGLAND.add_working_days(reference, -(n - 1))
    assert (start < validator_threshold) == (ENGLAND.add_working_days(start, n) <= reference)


# --- Local closure days from the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_local_closure_day_is_not_a_working_day_and_shifts_counts() -> None:
    officer = make_user("business_unit_officer")
    thursday = date(2023, 12, 28)
    assert calendar.is_working_day(thursday)
    assert calendar.add_working_days(date(2023, 12, 22), 2) == date(2023, 12, 28)
    closure_day_add(actor=officer, day=thursday, reason="Offices closed between Christmas and New Year")
    assert not calendar.is_working_day(thursday)
    assert calendar.add_working_days(date(2023, 12, 22), 2) == date(2023, 12, 29)
    assert calendar.working_days_between(date(2023, 12, 22), date(2023, 12, 29)) == 2
    assert calendar.next_working_day(date(2023, 12, 27)) == date(2023, 12, 29)
    assert calendar.previous_working_day(date(2023, 12, 29)) == date(2023, 12, 27)


@pytest.mark.django_db
def test_closure_days_read_inside_a_transaction_are_not_shared_through_the_cache() -> None:
    # Tests run inside a transaction: a read there may include rows that will be rolled back.
    officer = make_user("business_unit_officer")
    closure_day_add(actor=officer, day=date(2023, 12, 28), reason="Offices closed")
    assert calendar.local_closure_days() == frozenset({date(2023, 12, 28)})
    assert cache.get(CLOSURE_DAYS_CACHE_KEY) is None


@pytest.mark.django_db(transaction=True)
def test_the_cache_is_used_and_dropped_when_the_service_changes_the_table() -> None:
    officer = make_user("business_unit_officer")
    assert calendar.local_closure_days() == frozenset()
    assert cache.get(CLOSURE_DAYS_CACHE_KEY) == frozenset()

    closure = closure_day_add(actor=officer, day=date(2023, 12, 28), reason="Offices closed")
    assert cache.get(CLOSURE_DAYS_CACHE_KEY) is None
    assert calendar.local_closure_days() == frozenset({date(2023, 12, 28)})
    # Cached now: a second read doesn't touch the database.
    assert cache.get(CLOSURE_DAYS_CACHE_KEY) == frozenset({date(2023, 12, 28)})

    closure_day_remove(actor=officer, closure=closure)
    assert cache.get(CLOSURE_DAYS_CACHE_KEY) is None
    assert calendar.local_closure_days() == frozenset()


@pytest.mark.django_db(transaction=True)
def test_a_cached_read_makes_no_query(django_assert_num_queries: object) -> None:
    calendar.local_closure_days()
    with django_assert_num_queries(0):  # type: ignore[operator]
        for _ in range(50):
            calendar.add_working_days(date(2023, 4, 3), 45)
