"""The Header rule: the reference date must be 31 March of the census year (synthetic data only)."""

from __future__ import annotations

from safeguarding.census.records import Header
from safeguarding.census.rules.base import REGISTRY, CensusYear, Hit, Rule
from safeguarding.core.calendar import WorkingCalendar


def rule(code: str, year_end: int) -> Rule:
    matches = [
        candidate for candidate in REGISTRY if candidate.code == code and candidate.applies_to(year_end)
    ]
    assert len(matches) == 1, f"{code} should have exactly one version in force in {year_end}"
    return matches[0]


def hits(header: Header, year_end: int = 2023) -> list[Hit]:
    check = rule("100", year_end).header_check
    assert check is not None
    return list(check(header, CensusYear(year_end, WorkingCalendar())))


def test_100_registered_with_the_dfe_message() -> None:
    for year_end in (2023, 2024, 2025):
        registered = rule("100", year_end)
        assert registered.module == "Header"
        assert registered.message == "Reference Date is incorrect"
        assert registered.type == "error"
        check = registered.header_check
        assert check is not None and (check.__doc__ or "").strip()


def test_100_reference_date_is_31_march_of_the_census_year() -> None:
    assert hits(Header(collection="CIN", year="2023", reference_date="2023-03-31")) == []
    assert hits(Header(collection="CIN", year="2025", reference_date="2025-03-31"), 2025) == []


def test_100_wrong_missing_or_unreadable_reference_date() -> None:
    assert hits(Header(year="2023", reference_date="2022-03-31")) == [Hit("ReferenceDate")]
    assert hits(Header(year="2023", reference_date=None)) == [Hit("ReferenceDate")]
    assert hits(Header(year="2023", reference_date="31/03/2023")) == [Hit("ReferenceDate")]
