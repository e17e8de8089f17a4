"""Reading Annex A cells: UK dates in their many forms, Excel serial dates, yes/no answers, counts and the
national code lists written as codes, lettered template options or words."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from safeguarding.census.annexa.values import (
    CATEGORY_OF_ABUSE,
    CLOSURE_REASON,
    ETHNICITY,
    GENDER,
    LEGAL_STATUS,
    PLACEMENT_TYPE,
    PRIMARY_NEED,
    REFERRAL_SOURCE,
    BadValue,
    parse_count,
    parse_date,
    parse_yes_no,
)

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03/04/2023", date(2023, 4, 3)),  # UK order: 3 April, not 4 March
        ("3/4/23", date(2023, 4, 3)),
        ("03-04-2023", date(2023, 4, 3)),
        ("03.04.2023", date(2023, 4, 3)),
        ("2023-04-03", date(2023, 4, 3)),
        ("2023-04-03 00:00:00", date(2023, 4, 3)),
        ("2023-04-03T10:30:00", date(2023, 4, 3)),
        ("3 April 2023", date(2023, 4, 3)),
        ("3-Apr-23", date(2023, 4, 3)),
        ("15/06/95", date(1995, 6, 15)),  # two-digit years more than a year ahead are last century's
        (datetime(2023, 4, 3, 14, 5), date(2023, 4, 3)),
        (date(2023, 4, 3), date(2023, 4, 3)),
        (45019, date(2023, 4, 3)),  # Excel serial number (1900 date system)
        (45019.75, date(2023, 4, 3)),  # a serial with a time of day
        ("45019", date(2023, 4, 3)),  # a serial number saved as text in a CSV
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_dates_are_read_the_uk_way_in_every_common_form(raw: object, expected: date | None) -> None:
    assert parse_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("04/13/2023", "not a UK date"),  # a US-style date is refused, not guessed
        ("31/02/2023", "not a real date"),
        ("next Tuesday", "not a date"),
        (2023, "not a spreadsheet date"),  # a year typed in a date column is not 1905
        (time(9, 30), "not a date"),
        ("3 Smarch 2023", "unknown month"),
    ],
)
def test_values_that_are_not_dates_are_refused_with_a_reason(raw: object, says: str) -> None:
    with pytest.raises(BadValue, match=says):
        parse_date(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Y", True),
        ("yes", True),
        ("a) Yes", True),
        ("a)", True),
        (True, True),
        ("N", False),
        ("No", False),
        ("b) No", False),
        ("c) Unknown", None),
        ("Not known", None),
        ("", None),
    ],
)
def test_yes_no_answers(raw: object, expected: bool | None) -> None:
    assert parse_yes_no(raw) is expected


def test_an_answer_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(BadValue, match="'maybe' is not yes, no or unknown"):
        parse_yes_no("maybe")


def test_counts_are_whole_numbers_of_zero_or_more() -> None:
    assert parse_count("3") == 3
    assert parse_count(2.0) == 2
    assert parse_count("") is None
    for bad in ("two", "-1", 1.5):
        with pytest.raises(BadValue):
            parse_count(bad)


@pytest.mark.parametrize(
    ("codes", "raw", "expected"),
    [
        (GENDER, "a) Male", "1"),
        (GENDER, "b", "2"),
        (GENDER, "Female", "2"),
        (GENDER, "F", "2"),
        (GENDER, "c) Not stated/recorded", "0"),
        (GENDER, "d) Neither", "9"),
        (GENDER, "1", "1"),  # the census code itself
        (ETHNICITY, "a) WBRI", "WBRI"),
        (ETHNICITY, "wbri", "WBRI"),
        (ETHNICITY, "White British", "WBRI"),
        (ETHNICITY, "Indian", "AIND"),
        (ETHNICITY, "Gypsy/Roma", "WROM"),
        (REFERRAL_SOURCE, "a) 1A: Individual", "1A"),
        (REFERRAL_SOURCE, "p1) 5D: LA services", "5D"),
        (REFERRAL_SOURCE, "m) 4: Housing", "4"),
        (REFERRAL_SOURCE, "10", "10"),
        (REFERRAL_SOURCE, "Police", "6"),
        (REFERRAL_SOURCE, "Schools", "2A"),
        (PRIMARY_NEED, "N1 - Abuse or neglect", "N1"),
        (PRIMARY_NEED, "Family in acute stress", "N4"),
        (CLOSURE_REASON, "RC8", "RC8"),
        (CLOSURE_REASON, "Case closed after assessment, referred to early help", "RC9"),
        (CATEGORY_OF_ABUSE, "a) Neglect", "NEG"),
        (CATEGORY_OF_ABUSE, "Emotional abuse", "EMO"),
        (CATEGORY_OF_ABUSE, "SAB", "SAB"),
        (CATEGORY_OF_ABUSE, "e) Multiple/not recommended", "MUL"),
        (LEGAL_STATUS, "C2: FCO", "C2"),
        (LEGAL_STATUS, "Section 20", "V2"),
        (LEGAL_STATUS, "v2", "V2"),
        (PLACEMENT_TYPE, "d) U4: Foster placement - long term", "U4"),
        (PLACEMENT_TYPE, "K2", "K2"),
    ],
)
def test_code_lists_read_codes_lettered_options_and_words(codes: object, raw: str, expected: str) -> None:
    assert codes.parse(raw) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("codes", "raw"),
    [
        (GENDER, "e) Other"),
        (ETHNICITY, "XXXX"),
        (REFERRAL_SOURCE, "11"),
        (PRIMARY_NEED, "N10"),
        (LEGAL_STATUS, "Z9"),
    ],
)
def test_unknown_codes_are_refused_naming_the_list(codes: object, raw: str) -> None:
    with pytest.raises(BadValue, match="is not a"):
        codes.parse(raw)  # type: ignore[attr-defined]


def test_the_exporter_writes_the_templates_lettered_options() -> None:
    assert GENDER.label("2") == "b) Female"
    assert ETHNICITY.label("NOBT") == "t) NOBT"
    assert REFERRAL_SOURCE.label("5D") == "p1) 5D: LA services"
    assert REFERRAL_SOURCE.label("6") == "q) 6: Police"
    assert CATEGORY_OF_ABUSE.label("MUL") == "e) Multiple/not recommended"
    # and each reads back as its code
    for codes, code in (
        (GENDER, "9"),
        (ETHNICITY, "MWAS"),
        (REFERRAL_SOURCE, "3C"),
        (CATEGORY_OF_ABUSE, "PHY"),
    ):
        assert codes.parse(codes.label(code)) == code
