"""Running one census rule in a test: find the version in force in a census year and apply it.

Shared by the test_rules_*.py modules; each builds its records with the dataclasses in census/records.py.
"""

from __future__ import annotations

from safeguarding.census.records import ChildRecord
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import CensusYear, Hit, Rule
from safeguarding.core.calendar import WorkingCalendar


def census_year(year_end: int = 2023) -> CensusYear:
    """The census ending on 31 March `year_end`, counting England's bank holidays only (as the DfE does)."""
    return CensusYear(year_end, WorkingCalendar())


def rule(code: str, year_end: int = 2023) -> Rule:
    """The one version of rule `code` in force in the census ending in `year_end`."""
    matches = [candidate for candidate in ruleset(year_end) if candidate.code == code]
    assert len(matches) == 1, f"{code} should have exactly one version in force in {year_end}"
    return matches[0]


def hits(code: str, child: ChildRecord, year_end: int = 2023) -> list[Hit]:
    """What the child rule `code` finds in one child."""
    check = rule(code, year_end).child_check
    assert check is not None, f"{code} is not a child rule"
    return list(check(child, census_year(year_end)))


def return_hits(code: str, children: list[ChildRecord], year_end: int = 2023) -> list[tuple[str | None, Hit]]:
    """What the whole-return rule `code` finds over these children."""
    check_class = rule(code, year_end).return_check
    assert check_class is not None, f"{code} is not a whole-return rule"
    check = check_class(census_year(year_end))
    for child in children:
        check.observe(child)
    return list(check.finish())
