"""The statutory clocks: due dates across bank holidays, the counting conventions, and time-left status."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguarding.core import calendar
from safeguarding.core.calendar import WorkingCalendar, add_months
from safeguarding.core.clocks import (
    CLOCKS,
    Clock,
    DeadlineState,
    Unit,
    UnknownClock,
    clock_due,
    clock_due_date,
    clock_due_datetime,
    clock_status,
    deadline_status,
)
from safeguarding.core.services import closure_day_add
from safeguarding.core.testing import make_user

ENGLAND = WorkingCalendar()
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_closure_cache() -> Iterator[None]:
    calendar.local_closure_days_forget()
    yield
    calendar.local_closure_days_forget()


def test_the_registry_holds_the_fourteen_clocks_each_with_a_rule_and_a_source() -> None:
    assert list(CLOCKS) == [
        "referral-decision",
        "assessment",
        "icpc",
        "cp-first-review",
        "cp-review",
        "serious-incident-notification",
        "rapid-review",
        "cspr-decision",
        "dhr-decision",
        "local-review-decision",
        "return-home-conversation",
        "lcspr-publication",
        "referrer-feedback",
        "early-help-assessment",
    ]
    for clock in CLOCKS.values():
        assert clock.rule.startswith("Due "), clock.name
        assert clock.source and clock.title and clock.starts_from
    durations = {name: clock.duration for name, clock in CLOCKS.items()}
    assert durations == {
        "referral-decision": "1 working day",
        "assessment": "45 working days",
        "icpc": "15 working days",
        "cp-first-review": "3 months",
        "cp-review": "6 months",
        "serious-incident-notification": "5 working days",
        "rapid-review": "15 working days",
        "cspr-decision": "15 working days",
        "dhr-decision": "1 month",
        "local-review-decision": "20 working days",
        "return-home-conversation": "72 hours",
        "lcspr-publication": "6 months",
        "referrer-feedback": "1 working day",
        "early-help-assessment": "15 working days",
    }


def test_each_working_day_rule_says_which_day_is_day_one() -> None:
    for clock in CLOCKS.values():
        if clock.unit == Unit.WORKING_DAYS:
            assert "day 0" in clock.rule, clock.name
            assert "working day after" in clock.rule, clock.name


# Every worked example in the docstrings and docs/clocks.md, and more across Easter, Christmas and New Year,
# the State Funeral (19 September 2022) and the Coronation (8 May 2023). No local closure days.
@pytest.mark.parametrize(
    ("name", "start", "expected"),
    [
        # referral-decision: 1 working day
        ("referral-decision", date(2023, 6, 12), date(2023, 6, 13)),
        ("referral-decision", date(2023, 4, 6), date(2023, 4, 11)),  # Maundy Thursday -> after Easter Monday
        ("referral-decision", date(2023, 4, 8), date(2023, 4, 11)),  # Easter Saturday
        ("referral-decision", date(2022, 12, 23), date(2022, 12, 28)),
        ("referral-decision", date(2022, 12, 24), date(2022, 12, 28)),
        ("referral-decision", date(2021, 12, 24), date(2021, 12, 29)),
        ("referral-decision", date(2021, 12, 31), date(2022, 1, 4)),
        ("referral-decision", date(2022, 12, 30), date(2023, 1, 3)),
        ("referral-decision", date(2022, 9, 16), date(2022, 9, 20)),
        ("referral-decision", date(2023, 5, 5), date(2023, 5, 9)),
        # assessment: 45 working days
        ("assessment", date(2023, 4, 3), date(2023, 6, 12)),
        ("assessment", date(2022, 11, 14), date(2023, 1, 19)),
        ("assessment", date(2021, 11, 1), date(2022, 1, 6)),
        # icpc: 15 working days
        ("icpc", date(2023, 4, 25), date(2023, 5, 18)),
        ("icpc", date(2022, 9, 5), date(2022, 9, 27)),
        ("icpc", date(2021, 12, 13), date(2022, 1, 6)),
        ("icpc", date(2022, 12, 12), date(2023, 1, 5)),
        ("icpc", date(2023, 3, 31), date(2023, 4, 25)),
        # cp-first-review: 3 months, then back to a working day
        ("cp-first-review", date(2023, 3, 21), date(2023, 6, 21)),
        ("cp-first-review", date(2022, 11, 30), date(2023, 2, 28)),
        ("cp-first-review", date(2022, 9, 27), date(2022, 12, 23)),
        ("cp-first-review", date(2022, 10, 20), date(2023, 1, 20)),
        ("cp-first-review", date(2022, 6, 19), date(2022, 9, 16)),  # 19 September 2022: the State Funeral
        # cp-review: 6 months
        ("cp-review", date(2022, 8, 31), date(2023, 2, 28)),
        ("cp-review", date(2022, 11, 8), date(2023, 5, 5)),  # 8 May 2023: the Coronation
        ("cp-review", date(2022, 6, 27), date(2022, 12, 23)),
        ("cp-review", date(2023, 10, 1), date(2024, 3, 28)),  # 1 April 2024 is Easter Monday
        # serious-incident-notification: 5 working days
        ("serious-incident-notification", date(2022, 9, 14), date(2022, 9, 22)),
        ("serious-incident-notification", date(2023, 5, 3), date(2023, 5, 11)),
        ("serious-incident-notification", date(2021, 12, 22), date(2021, 12, 31)),
        # rapid-review: 15 working days
        ("rapid-review", date(2022, 12, 19), date(2023, 1, 12)),
        ("rapid-review", date(2023, 4, 24), date(2023, 5, 17)),
        # cspr-decision: with the rapid review
        ("cspr-decision", date(2023, 4, 24), date(2023, 5, 17)),
        # dhr-decision: 1 month, then back to a working day
        ("dhr-decision", date(2023, 1, 31), date(2023, 2, 28)),
        ("dhr-decision", date(2023, 4, 8), date(2023, 5, 5)),  # 8 May 2023: the Coronation
        ("dhr-decision", date(2022, 8, 19), date(2022, 9, 16)),  # 19 September 2022: the State Funeral
        # local-review-decision: 20 working days (the default local standard)
        ("local-review-decision", date(2023, 4, 5), date(2023, 5, 9)),
        ("local-review-decision", date(2022, 12, 5), date(2023, 1, 5)),
        # lcspr-publication: 6 months (the default)
        ("lcspr-publication", date(2022, 8, 31), date(2023, 2, 28)),
        ("lcspr-publication", date(2023, 5, 8), date(2023, 11, 8)),
        ("lcspr-publication", date(2022, 6, 26), date(2022, 12, 23)),
        # early-help-assessment: 15 working days (Walsall's local standard)
        ("early-help-assessment", date(2023, 4, 6), date(2023, 5, 2)),  # Easter and May Day 2023
        ("early-help-assessment", date(2022, 9, 8), date(2022, 9, 30)),  # the State Funeral
        ("early-help-assessment", date(2023, 6, 10), date(2023, 6, 30)),  # a Saturday is day 0
    ],
)
def test_due_dates_across_bank_holidays(name: str, start: date, expected: date) -> None:
    assert CLOCKS[name].due(start, calendar=ENGLAND) == expected


# --- The conventions -------------------------------------------------------------------------------------


def test_a_start_on_a_non_working_day_counts_the_next_working_day_as_day_one() -> None:
    # Saturday 8 April 2023 (Easter): day 1 is Tuesday 11 April, after Easter Monday.
    assert clock_due("icpc", date(2023, 4, 8), calendar=ENGLAND) == ENGLAND.add_working_days(
        date(2023, 4, 11), 14
    )
    # A Friday, the Saturday and the Sunday after it all give the same referral decision day.
    fridays = {clock_due("referral-decision", date(2023, 6, d), calendar=ENGLAND) for d in (16, 17, 18)}
    assert fridays == {date(2023, 6, 19)}


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (datetime(2023, 6, 16, 17, 30, tzinfo=LONDON), date(2023, 6, 19)),  # Friday 17:30 -> Monday
        (datetime(2023, 6, 16, 8, 0, tzinfo=LONDON), date(2023, 6, 19)),  # Friday 08:00 -> Monday too
        (datetime(2023, 6, 16, 23, 59, tzinfo=LONDON), date(2023, 6, 19)),
        (datetime(2022, 12, 23, 17, 30), date(2022, 12, 28)),  # naive: read as London time
        # 23:30 UTC on Friday 30 June 2023 is 00:30 BST on Saturday 1 July: the London date counts.
        (datetime(2023, 6, 30, 23, 30, tzinfo=UTC), date(2023, 7, 3)),
        (datetime(2023, 6, 29, 23, 30, tzinfo=UTC), date(2023, 7, 3)),  # Friday 00:30 BST -> Monday
        (datetime(2023, 6, 29, 22, 30, tzinfo=UTC), date(2023, 6, 30)),  # Thursday 23:30 BST -> Friday
    ],
)
def test_a_datetime_start_counts_by_its_london_date_whatever_the_time(
    received: datetime, expected: date
) -> None:
    assert clock_due("referral-decision", received, calendar=ENGLAND) == expected


def test_month_clocks_clamp_to_month_end_then_step_back_to_a_working_day() -> None:
    # 31 August + 6 months = 28 February 2023 (a Tuesday).
    assert clock_due("cp-review", date(2022, 8, 31), calendar=ENGLAND) == date(2023, 2, 28)
    # 31 August 2023 + 6 months = 29 February 2024 (leap year, a Thursday).
    assert clock_due("cp-review", date(2023, 8, 31), calendar=ENGLAND) == date(2024, 2, 29)
    # 30 September 2023 + 3 months = 30 December 2023, a Saturday: Friday 29 December.
    assert clock_due("cp-first-review", date(2023, 9, 30), calendar=ENGLAND) == date(2023, 12, 29)


def test_return_home_conversation_is_72_real_hours_shown_in_london_time() -> None:
    # Across the spring change of the clocks (26 March 2023): 72 hours later is 11:00 BST.
    due = clock_due_datetime("return-home-conversation", datetime(2023, 3, 25, 10, 0, tzinfo=LONDON))
    assert due.isoformat() == "2023-03-28T11:00:00+01:00"
    # Across the autumn change (29 October 2023): 18:00 BST Friday -> 17:00 GMT Monday.
    due = clock_due_datetime("return-home-conversation", datetime(2023, 10, 27, 18, 0))
    assert due.isoformat() == "2023-10-30T17:00:00+00:00"
    # Weekends and bank holidays count: Friday 5 May 2023 12:00 -> Monday 8 May (the Coronation) 12:00.
    due = clock_due_datetime("return-home-conversation", datetime(2023, 5, 5, 11, 0, tzinfo=UTC))
    assert due == datetime(2023, 5, 8, 12, 0, tzinfo=LONDON)
    # A bare date starts at 00:00 London time.
    assert clock_due_datetime("return-home-conversation", date(2023, 5, 6)).isoformat() == (
        "2023-05-09T00:00:00+01:00"
    )


def test_lcspr_publication_months_come_from_settings(settings: object) -> None:
    settings.LCSPR_PUBLICATION_MONTHS = 9  # type: ignore[attr-defined]
    assert CLOCKS["lcspr-publication"].duration == "9 months"
    assert clock_due("lcspr-publication", date(2023, 5, 31), calendar=ENGLAND) == date(2024, 2, 29)


def test_the_local_review_decision_standard_comes_from_settings(settings: object) -> None:
    settings.REVIEW_DECISION_WORKING_DAYS = 10  # type: ignore[attr-defined]
    assert CLOCKS["local-review-decision"].duration == "10 working days"
    # Wednesday 5 April 2023 + 10 working days, across Good Friday and Easter Monday.
    assert clock_due("local-review-decision", date(2023, 4, 5), calendar=ENGLAND) == date(2023, 4, 21)


def test_unknown_names_and_wrong_kinds_are_refused() -> None:
    with pytest.raises(UnknownClock):
        clock_due("icpc-typo", date(2023, 4, 25), calendar=ENGLAND)
    with pytest.raises(ValueError, match="gives a time"):
        clock_due_date("return-home-conversation", date(2023, 4, 25))
    with pytest.raises(ValueError, match="gives a date"):
        clock_due_datetime("icpc", date(2023, 4, 25))


@pytest.mark.django_db
def test_local_closure_days_shift_the_due_date() -> None:
    officer = make_user("business_unit_officer")
    assert clock_due("icpc", date(2023, 4, 25)) == date(2023, 5, 18)
    # A closure day inside the count pushes the due date a working day later...
    closure_day_add(actor=officer, day=date(2023, 5, 10), reason="Offices closed for a move")
    assert clock_due("icpc", date(2023, 4, 25)) == date(2023, 5, 19)
    # ...and one on the new due date pushes it again.
    closure_day_add(actor=officer, day=date(2023, 5, 19), reason="Offices closed for a move")
    assert clock_due("icpc", date(2023, 4, 25)) == date(2023, 5, 22)
    # A closure day before the start changes nothing.
    closure_day_add(actor=officer, day=date(2023, 4, 24), reason="Offices closed")
    assert clock_due("icpc", date(2023, 4, 25)) == date(2023, 5, 22)
    # Month clocks step back over a closure day on the anniversary: 21 June 2023 -> Tuesday 20 June.
    closure_day_add(actor=officer, day=date(2023, 6, 21), reason="Offices closed")
    assert clock_due("cp-first-review", date(2023, 3, 21)) == date(2023, 6, 20)
    # The hour clock ignores them.
    assert clock_due_datetime(
        "return-home-conversation", datetime(2023, 5, 18, 12, 0, tzinfo=UTC)
    ) == datetime(2023, 5, 21, 12, 0, tzinfo=UTC)


# --- Properties ------------------------------------------------------------------------------------------

starts = st.dates(min_value=date(1995, 1, 1), max_value=date(2090, 12, 31))
WORKING_DAY_CLOCKS = [c for c in CLOCKS.values() if c.unit == Unit.WORKING_DAYS]
MONTH_CLOCKS = [c for c in CLOCKS.values() if c.unit == Unit.MONTHS]


@st.composite
def calendars_near(draw: st.DrawFn, start: date) -> WorkingCalendar:
    offsets = draw(st.lists(st.integers(min_value=-10, max_value=220), max_size=8))
    return WorkingCalendar(frozenset(start + timedelta(days=offset) for offset in offsets))


@settings(deadline=None)
@given(data=st.data(), clock=st.sampled_from(WORKING_DAY_CLOCKS), start=starts)
def test_a_working_day_clock_is_due_on_a_working_day_exactly_n_working_days_on(
    data: st.DataObject, clock: Clock, start: date
) -> None:
    working = data.draw(calendars_near(start))
    due = clock.due(start, calendar=working)
    assert working.is_working_day(due)
    assert working.working_days_between(start, due) == clock.length
    assert working.working_days_between(start, due - timedelta(days=1)) == clock.length - 1


@settings(deadline=None)
@given(
    data=st.data(),
    clock=st.sampled_from([*WORKING_DAY_CLOCKS, *MONTH_CLOCKS]),
    first=starts,
    gap=st.integers(min_value=0, max_value=40),
)
def test_every_date_clock_is_monotonic_in_its_start(
    data: st.DataObject, clock: Clock, first: date, gap: int
) -> None:
    working = data.draw(calendars_near(first))
    assert clock.due(first, calendar=working) <= clock.due(first + timedelta(days=gap), calendar=working)


@settings(deadline=None)
@given(data=st.data(), clock=st.sampled_from(MONTH_CLOCKS), start=starts)
def test_a_month_clock_is_due_on_the_last_working_day_on_or_before_the_anniversary(
    data: st.DataObject, clock: Clock, start: date
) -> None:
    working = data.draw(calendars_near(start))
    anniversary = add_months(start, clock.length)
    due = clock.due(start, calendar=working)
    assert working.is_working_day(due)
    assert due <= anniversary
    assert working.working_days_between(due, anniversary) == 0
    # The anniversary is in the right month, never spilling into the next.
    assert (anniversary.year * 12 + anniversary.month) - (start.year * 12 + start.month) == clock.length


@settings(deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1995, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    )
)
def test_return_home_conversation_is_always_72_elapsed_hours(moment: datetime) -> None:
    due = clock_due_datetime("return-home-conversation", moment)
    assert due - moment == timedelta(hours=72)
    assert due.tzinfo is not None and due.utcoffset() in {timedelta(0), timedelta(hours=1)}


# --- Time left and overdue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state", "working_days_left", "label"),
    [
        (datetime(2023, 5, 17, 9, 0, tzinfo=LONDON), DeadlineState.DUE_LATER, 1, "Due in 1 working day"),
        (datetime(2023, 5, 5, 9, 0, tzinfo=LONDON), DeadlineState.DUE_LATER, 8, "Due in 8 working days"),
        (datetime(2023, 5, 18, 23, 59, tzinfo=LONDON), DeadlineState.DUE_TODAY, 0, "Due today"),
        (datetime(2023, 5, 19, 0, 0, tzinfo=LONDON), DeadlineState.OVERDUE, -1, "Overdue by 1 working day"),
        (datetime(2023, 5, 23, 12, 0, tzinfo=LONDON), DeadlineState.OVERDUE, -3, "Overdue by 3 working days"),
    ],
)
def test_deadline_status_of_a_due_date(
    now: datetime, state: DeadlineState, working_days_left: int, label: str
) -> None:
    status = deadline_status(date(2023, 5, 18), now=now, calendar=ENGLAND)
    assert (status.state, status.working_days_left, status.label) == (state, working_days_left, label)
    assert status.overdue == (state == DeadlineState.OVERDUE)
    assert status.tag_class.startswith("govuk-tag--")


def test_deadline_status_on_the_weekend_after_a_friday_deadline() -> None:
    status = deadline_status(
        date(2023, 6, 16), now=datetime(2023, 6, 17, 10, 0, tzinfo=LONDON), calendar=ENGLAND
    )
    assert status.state == DeadlineState.OVERDUE
    assert status.label == "Overdue: it was due on Friday 16 June 2023"
    assert status.time_left == timedelta(hours=-10)


def test_deadline_status_of_a_due_time() -> None:
    due = datetime(2023, 3, 28, 11, 0, tzinfo=LONDON)
    later = deadline_status(due, now=datetime(2023, 3, 26, 9, 0, tzinfo=LONDON))
    assert (later.state, later.label) == (DeadlineState.DUE_LATER, "Due in 2 days 2 hours")
    today = deadline_status(due, now=datetime(2023, 3, 28, 6, 30, tzinfo=LONDON))
    assert (today.state, today.label) == (DeadlineState.DUE_TODAY, "Due in 4 hours")
    late = deadline_status(due, now=datetime(2023, 3, 28, 14, 0, tzinfo=LONDON))
    assert (late.state, late.label, late.working_days_left) == (
        DeadlineState.OVERDUE,
        "Overdue by 3 hours",
        None,
    )


def test_clock_status_combines_the_clock_and_the_deadline() -> None:
    status = clock_status(
        "icpc", date(2023, 4, 25), now=datetime(2023, 5, 16, 9, 0, tzinfo=LONDON), calendar=ENGLAND
    )
    assert status.due == date(2023, 5, 18)
    assert status.label == "Due in 2 working days"


# --- docs/clocks.md stays true ---------------------------------------------------------------------------

DOCS = Path(django_settings.BASE_DIR) / "docs" / "clocks.md"
_EXAMPLE_ROW = re.compile(r"^\| (?P<start>[^|]+?) \| [^|]* \| \*\*(?P<due>[^|*]+)\*\* \|$")


def _doc_moment(text: str) -> date | datetime:
    """'Fri 16 Jun 2023', 'Fri 16 Jun 2023 17:30' (London) or 'Sat 25 Mar 2023 10:00 GMT' as written."""
    parts = text.split()
    if parts[-1] in {"GMT", "BST"}:
        parts = parts[:-1]
    if len(parts) == 5:
        return datetime.strptime(" ".join(parts), "%a %d %b %Y %H:%M")
    return datetime.strptime(" ".join(parts), "%a %d %b %Y").date()


def _doc_examples() -> list[tuple[str, str, str]]:
    examples, current = [], None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([a-z-]+)`", line)
        if heading:
            current = heading.group(1)
            continue
        row = _EXAMPLE_ROW.match(line)
        if current and row and row.group("start") != "Start":
            examples.append((current, row.group("start"), row.group("due")))
    return examples


def test_docs_describe_every_clock_with_its_docstring_rule() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for clock in CLOCKS.values():
        assert f"### `{clock.name}`: {clock.title}" in text
        quoted = "\n".join(f"> {line}" if line else ">" for line in clock.rule.splitlines())
        assert quoted in text, f"docs/clocks.md quotes an out-of-date rule for {clock.name}"
        assert clock.source in text


def test_worked_examples_in_docs_are_what_the_clocks_say() -> None:
    examples = _doc_examples()
    assert {name for name, _, _ in examples} == set(CLOCKS)
    assert len(examples) >= 40
    for name, start_text, due_text in examples:
        start = _doc_moment(start_text)
        due = CLOCKS[name].due(start, calendar=ENGLAND)
        if isinstance(due, datetime):
            expected = _doc_moment(due_text)
            assert isinstance(expected, datetime)
            assert due == expected.replace(tzinfo=LONDON), (name, start_text)
            assert due_text.endswith(due.tzname() or ""), (name, start_text)
        else:
            assert due == _doc_moment(due_text), (name, start_text)
