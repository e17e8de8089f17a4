"""Starts whose due date cannot be worked out: past 31 December 9999, before 1 January 1, or in a year whose
bank holidays the `holidays` package cannot compute. Each is a ValueError with a one-line reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import holidays
import pytest
from django.core.management import CommandError, call_command

from safeguarding.core import calendar
from safeguarding.core.calendar import DateOutOfRange, WorkingCalendar, add_months
from safeguarding.core.clocks import (
    CLOCKS,
    ClockOutOfRange,
    DeadlineState,
    clock_due,
    clock_status,
    deadline_status,
)

ENGLAND = WorkingCalendar()
# A year the tests below make the bank-holiday library fail for.
UNCOMPUTABLE_YEAR = 2031


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    calendar.local_closure_days_forget()
    calendar._bank_holidays_in.cache_clear()
    yield
    calendar.local_closure_days_forget()
    calendar._bank_holidays_in.cache_clear()


@pytest.fixture
def holidays_fail_for_one_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed `holidays` computes every year from 1 to 9999; this stands in for one that can't."""
    real = holidays.country_holidays

    def country_holidays(country: str, *, subdiv: str, years: int) -> Any:
        if years == UNCOMPUTABLE_YEAR:
            raise NotImplementedError(f"no rules for\n{years}")
        return real(country, subdiv=subdiv, years=years)

    monkeypatch.setattr(holidays, "country_holidays", country_holidays)


# --- The calendar -----------------------------------------------------------------------------------------


def test_adding_months_past_9999_or_before_year_1_says_so() -> None:
    with pytest.raises(DateOutOfRange, match=r"^1 month after 9999-12-01 is after 31 December 9999"):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(DateOutOfRange, match=r"^6 months after 9999-07-31 is after 31 December 9999"):
        add_months(date(9999, 7, 31), 6)
    with pytest.raises(DateOutOfRange, match=r"^2 months before 0001-02-28 is before 1 January 1"):
        add_months(date(1, 2, 28), -2)
    assert add_months(date(9999, 6, 30), 6) == date(9999, 12, 30)
    assert add_months(date(1, 2, 28), -1) == date(1, 1, 28)


def test_counting_working_days_past_either_end_says_so() -> None:
    with pytest.raises(DateOutOfRange, match="counting working days runs past 31 December 9999"):
        ENGLAND.next_working_day(date(9999, 12, 31))
    with pytest.raises(DateOutOfRange, match="counting working days back runs past 1 January 1"):
        ENGLAND.previous_working_day(date(1, 1, 1))
    with pytest.raises(DateOutOfRange):
        ENGLAND.add_working_days(date(9999, 12, 1), 45)
    # Up to the last date there is, the count works.
    assert ENGLAND.next_working_day(date(9999, 12, 30)) == date(9999, 12, 31)
    assert issubclass(DateOutOfRange, ValueError)


@pytest.mark.usefixtures("holidays_fail_for_one_year")
def test_a_year_whose_bank_holidays_cannot_be_computed_says_so_on_one_line() -> None:
    with pytest.raises(DateOutOfRange) as raised:
        ENGLAND.is_working_day(date(UNCOMPUTABLE_YEAR, 5, 5))
    assert str(raised.value) == (
        f"the bank holidays of {UNCOMPUTABLE_YEAR} cannot be computed (no rules for {UNCOMPUTABLE_YEAR})"
    )
    assert isinstance(raised.value.__cause__, NotImplementedError)
    # Other years are counted as ever.
    assert ENGLAND.add_working_days(date(2023, 4, 25), 15) == date(2023, 5, 18)


# --- The clocks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CLOCKS))
def test_every_clock_started_on_the_last_date_there_is_cannot_be_due(name: str) -> None:
    with pytest.raises(ClockOutOfRange) as raised:
        clock_due(name, date(9999, 12, 31), calendar=ENGLAND)
    message = str(raised.value)
    assert message.startswith(f"Cannot work out when the {name} clock started at 9999-12-31 is due: ")
    assert "\n" not in message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("name", "start", "reason"),
    [
        ("assessment", date(9999, 12, 1), "counting working days runs past 31 December 9999"),
        ("cp-first-review", date(9999, 10, 1), "3 months after 9999-10-01 is after 31 December 9999"),
        ("cp-review", date(9999, 7, 1), "6 months after 9999-07-01 is after 31 December 9999"),
        (
            "return-home-conversation",
            datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
            "outside the years 1 to 9999",
        ),
        ("referral-decision", datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "runs past 31 December 9999"),
        ("icpc", datetime.fromisoformat("0001-01-01T00:00+14:00"), "outside the years 1 to 9999"),
    ],
)
def test_the_reason_names_what_ran_out(name: str, start: date, reason: str) -> None:
    with pytest.raises(ClockOutOfRange, match=reason):
        clock_due(name, start, calendar=ENGLAND)


@pytest.mark.parametrize(
    ("name", "start", "due"),
    [
        ("referral-decision", date(9999, 12, 30), date(9999, 12, 31)),
        ("cp-first-review", date(9999, 9, 30), date(9999, 12, 30)),
        ("cp-review", date(9999, 6, 30), date(9999, 12, 30)),
        (
            "return-home-conversation",
            datetime(9999, 12, 28, 23, 0),
            datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
        ),
    ],
)
def test_clocks_due_up_to_the_last_date_there_is_still_work(name: str, start: date, due: date) -> None:
    assert clock_due(name, start, calendar=ENGLAND) == due


@pytest.mark.usefixtures("holidays_fail_for_one_year")
def test_a_clock_counting_into_a_year_without_bank_holidays_cannot_be_due() -> None:
    with pytest.raises(ClockOutOfRange) as raised:
        clock_due("assessment", date(UNCOMPUTABLE_YEAR - 1, 12, 1), calendar=ENGLAND)
    assert str(raised.value) == (
        f"Cannot work out when the assessment clock started at {UNCOMPUTABLE_YEAR - 1}-12-01 is due: "
        f"the bank holidays of {UNCOMPUTABLE_YEAR} cannot be computed (no rules for {UNCOMPUTABLE_YEAR})"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("holidays_fail_for_one_year")
def test_the_command_reports_a_year_without_bank_holidays_with_exit_code_2() -> None:
    with pytest.raises(CommandError) as raised:
        call_command("clock", "icpc", f"{UNCOMPUTABLE_YEAR}-04-25", stdout=StringIO())
    assert raised.value.returncode == 2
    assert str(raised.value) == (
        f"Cannot work out when the icpc clock started at {UNCOMPUTABLE_YEAR}-04-25 is due: "
        f"the bank holidays of {UNCOMPUTABLE_YEAR} cannot be computed (no rules for {UNCOMPUTABLE_YEAR})"
    )


def test_clock_status_of_a_start_that_cannot_be_due_is_the_same_error() -> None:
    with pytest.raises(ClockOutOfRange):
        clock_status("assessment", date(9999, 12, 1), calendar=ENGLAND)


def test_deadline_status_of_the_last_date_there_is() -> None:
    now = datetime(9999, 12, 31, 12, 0, tzinfo=UTC)
    status = deadline_status(date(9999, 12, 31), now=now, calendar=ENGLAND)
    assert status.state == DeadlineState.DUE_TODAY
    assert status.label == "Due today"
    # Its end is the last instant of the day (there is no next midnight): just under 12 hours away.
    assert timedelta(hours=11, minutes=59) < status.time_left < timedelta(hours=12)
