"""CIN census validation rules about ChildCharacteristics: ethnicity and disabilities (see base.py).

Code lists from the CIN census XSD (cin-2022.xsd, research notes statutory-rules.md section 2.2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from safeguarding.census.records import ChildRecord, as_flag
from safeguarding.census.rules.base import CensusYear, Hit, ReturnCheck, child_rule, return_rule

ETHNICITY_CODES = frozenset(
    {
        "WBRI", "WIRI", "WIRT", "WOTH", "WROM",  # white
        "MWBC", "MWBA", "MWAS", "MOTH",  # mixed
        "AIND", "APKN", "ABAN", "AOTH",  # Asian or Asian British
        "BCRB", "BAFR", "BOTH",  # Black or Black British
        "CHNE", "OOTH",  # Chinese, any other ethnic group
        "REFU", "NOBT",  # refused, information not yet obtained
    }
)  # fmt: skip

NO_DISABILITY = "NONE"
DISABILITY_CODES = frozenset(
    {
        NO_DISABILITY,
        "MOB",  # mobility
        "HAND",  # hand function
        "PC",  # personal care
        "INC",  # incontinence
        "COMM",  # communication
        "LD",  # learning
        "HEAR",  # hearing
        "VIS",  # vision
        "BEH",  # behaviour
        "CON",  # consciousness
        "AUT",  # autism
        "DDA",  # other
    }
)


def _codes(child: ChildRecord) -> list[str]:
    return [code.strip() for code in child.disabilities]


def _disabilities_other_than_none(child: ChildRecord) -> set[str]:
    return {code for code in _codes(child) if code and code != NO_DISABILITY}


@child_rule("4220", "ChildCharacteristics", "Ethnicity is missing or invalid (see Ethnicity table)")
def _ethnicity_valid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Ethnicity must be present and one of the census ethnicity codes."""
    if (child.ethnicity or "").strip() not in ETHNICITY_CODES:
        yield Hit("Ethnicity", child.line)


@child_rule("8540", "ChildCharacteristics", "Child’s disability is missing or invalid (see Disability table)")  # noqa: RUF001  (the DfE's own apostrophe)
def _disability_given_and_valid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A born child with a referral going on to further action must have valid disability codes (or NONE)."""
    born = bool((child.birth_date or "").strip())
    further_action = any(as_flag(episode.referral_nfa) is False for episode in child.cin_details)
    if not (born and further_action):
        return
    codes = _codes(child)
    if not codes:
        yield Hit("Disability", child.line)
        return
    for code in codes:
        if code not in DISABILITY_CODES:
            yield Hit("Disability", child.line)


@child_rule("8790", "Disabilities", "Disability information includes both None and other values")
def _none_stands_alone(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child recorded with disability NONE must have no other disability code."""
    if NO_DISABILITY in _codes(child) and _disabilities_other_than_none(child):
        yield Hit("Disability", child.line)


@child_rule("8794", "Disabilities", "Child has two or more disabilities with the same code")
def _disability_codes_distinct(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child must not have the same disability code twice."""
    for code, times in Counter(_codes(child)).items():
        if code and times > 1:
            yield Hit("Disability", child.line)


@return_rule(
    "2887Q",
    "Disabilities",
    "Please check and either amend or provide a reason: Less than 8 disability codes have been used in your "
    "return",
)
class FewDisabilityCodesUsed(ReturnCheck):
    """Across the return, at least 8 different disability codes (NONE aside) should have been used."""

    enough = 8

    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self.children = 0
        self.codes_used: set[str] = set()

    def observe(self, child: ChildRecord) -> None:
        self.children += 1
        self.codes_used |= _disabilities_other_than_none(child) & DISABILITY_CODES

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        if self.children and len(self.codes_used) < self.enough:
            yield None, Hit("Disability")


@return_rule(
    "2888Q",
    "Disabilities",
    "Please check and either amend or provide a reason: Only one disability code is recorded per child and "
    "multiple disabilities should be recorded where possible.",
)
class OnlyOneDisabilityPerChild(ReturnCheck):
    """Where children have disabilities recorded, at least one child should have more than one."""

    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self.children_with_a_disability = 0
        self.children_with_several = 0

    def observe(self, child: ChildRecord) -> None:
        disabilities = _disabilities_other_than_none(child)
        if disabilities:
            self.children_with_a_disability += 1
        if len(disabilities) > 1:
            self.children_with_several += 1

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        if self.children_with_a_disability and not self.children_with_several:
            yield None, Hit("Disability")
