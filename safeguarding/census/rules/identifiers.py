"""CIN census validation rules about the ChildIdentifiers block (see base.py for how rules are written).

Besides identity (LA child ID, UPN, dates of birth and death, sex), the DfE files a few cross-block rules
under this module: a child must have a CIN episode (8590), and CIN plans must not start or end after the
child's death (4008, 4009Q). Ages and dates are measured against the census reference date, 31 March.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

from safeguarding.census.records import ChildRecord, as_date, as_flag
from safeguarding.census.rules.base import CensusYear, Hit, ReturnCheck, child_rule, return_rule
from safeguarding.census.rules.lacodes import UPN_LA_CODES_FROM_2024, UPN_LA_CODES_UNTIL_2023
from safeguarding.core.calendar import add_months

MODULE = "ChildIdentifiers"

# --- small readings of the raw values -------------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _given(value: str | None) -> bool:
    """Present with some content: absent and empty elements both count as not given."""
    return bool(_text(value))


def _is_unborn(child: ChildRecord) -> bool:
    """The census marks an unborn child by an expected date of birth and no date of birth."""
    return _given(child.expected_birth_date) and not _given(child.birth_date)


def _goes_on_to_further_action(child: ChildRecord) -> bool:
    """At least one CIN episode is a referral that led to further action (ReferralNFA false or 0)."""
    return any(as_flag(episode.referral_nfa) is False for episode in child.cin_details)


@lru_cache(maxsize=64)
def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February falls back to 28 February).

    Cached: the rules ask it of the same reference date for every child.
    """
    return add_months(day, -12 * years)


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# --- UPN check letter -----------------------------------------------------------------------------------

# DfE, "Unique pupil numbers (UPNs): guidance for local authorities and schools", annex on the check letter:
# multiply characters 2 to 13 by weights 2 to 13, add the products, take the remainder on division by 23 and
# read it as a letter from this table (0 = A ... 22 = Z; I, O and S are never used). In a temporary UPN the
# 13th character is a letter, which counts as its position in the same table (A = 0, B = 1, ...).
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(rest12: str) -> str:
    """The check letter (character 1) for a UPN whose characters 2 to 13 are ``rest12``.

    ``rest12`` is eleven digits followed by a digit (a permanent UPN) or by a letter from the check-letter
    table (a temporary UPN). Anything else raises ValueError, since no check letter can be computed.
    """
    if len(rest12) != 12 or not _is_ascii_digits(rest12[:11]):
        raise ValueError(f"not the last 12 characters of a UPN: {rest12!r}")
    last = rest12[11]
    if _is_ascii_digits(last):
        last_value = int(last)
    elif last in UPN_CHECK_LETTERS:
        last_value = UPN_CHECK_LETTERS.index(last)
    else:
        raise ValueError(f"character 13 of a UPN must be a digit or one of {UPN_CHECK_LETTERS}: {last!r}")
    values = [int(digit) for digit in rest12[:11]] + [last_value]
    total = sum(weight * value for weight, value in zip(range(2, 14), values, strict=True))
    return UPN_CHECK_LETTERS[total % 23]


# The XSD's UPN pattern: a letter and twelve digits, or a letter, eleven digits and a letter (temporary UPN).
_UPN_FORMAT = re.compile(r"[A-Za-z][0-9]{11}[A-Za-z0-9]")


def _upn(child: ChildRecord) -> str:
    return _text(child.upn).upper()


# --- UPN ------------------------------------------------------------------------------------------------


@child_rule("1510", MODULE, "UPN invalid (wrong check letter at character 1)")
def _upn_check_letter_is_right(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A UPN whose characters 2-13 are well formed must start with the check letter they give."""
    upn = _upn(child)
    if len(upn) != 13:
        return
    try:
        expected = upn_check_letter(upn[1:])
    except ValueError:
        return  # characters 2-13 are malformed: rules 1540 and 1550 say so
    if upn[0] != expected:
        yield Hit("UPN", child.line)


def _upn_la_code_hits(child: ChildRecord, codes: frozenset[str]) -> Iterator[Hit]:
    upn = _upn(child)
    if upn and upn[1:4] not in codes:
        yield Hit("UPN", child.line)


@child_rule("1530", MODULE, "UPN invalid (characters 2-4 not a recognised LA code)", until=2023)
def _upn_la_code_until_2023(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Characters 2-4 of a UPN must be a recognised LA code (the list in force up to 2022-23)."""
    return _upn_la_code_hits(child, UPN_LA_CODES_UNTIL_2023)


@child_rule("1530", MODULE, "UPN invalid (characters 2-4 not a recognised LA code)", since=2024)
def _upn_la_code(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Characters 2-4 of a UPN must be a recognised LA code (from 2023-24, adding Cumberland, Westmorland)."""
    return _upn_la_code_hits(child, UPN_LA_CODES_FROM_2024)


@child_rule("1540", MODULE, "UPN invalid (characters 5-12 not all numeric)")
def _upn_middle_is_numeric(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Characters 5 to 12 of a UPN must all be digits (a UPN too short to have them fails too)."""
    upn = _upn(child)
    if upn and not (len(upn) >= 12 and _is_ascii_digits(upn[4:12])):
        yield Hit("UPN", child.line)


@child_rule("1550", MODULE, "UPN invalid (character 13 not a recognised value)")
def _upn_last_character_is_recognised(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Character 13, the last, of a UPN must be a digit or a letter other than I, O and S."""
    upn = _upn(child)
    if upn and not (len(upn) == 13 and (_is_ascii_digits(upn[12]) or upn[12] in UPN_CHECK_LETTERS)):
        yield Hit("UPN", child.line)


@child_rule(
    "1560Q", MODULE, "Please check and either amend or provide a reason: Former UPN wrongly formatted"
)
def _former_upn_is_well_formed(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A former UPN, when given, should have a UPN's format (permanent or temporary)."""
    former = _text(child.former_upn)
    if former and not _UPN_FORMAT.fullmatch(former):
        yield Hit("FormerUPN", child.line)


class _DuplicateValues(ReturnCheck):
    """Every child whose value (a UPN, an LA child ID) another child in the return also has.

    Keeps one entry per distinct value (the first child seen with it, to name it once a second turns up), so
    memory grows with the number of children, not with the size of their records.
    """

    element = ""

    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self._first_seen: dict[str, tuple[str | None, int]] = {}
        self._reported: set[str] = set()
        self._hits: list[tuple[str | None, Hit]] = []

    def value_of(self, child: ChildRecord) -> str:
        raise NotImplementedError  # each subclass says which value must be unique (UPN, LA child ID)

    def observe(self, child: ChildRecord) -> None:
        value = self.value_of(child)
        if not value:
            return
        first = self._first_seen.get(value)
        if first is None:
            self._first_seen[value] = (child.la_child_id, child.line)
            return
        if value not in self._reported:
            self._reported.add(value)
            self._hits.append((first[0], Hit(self.element, first[1])))
        self._hits.append((child.la_child_id, Hit(self.element, child.line)))

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        return self._hits


@return_rule("1520", MODULE, "More than one record with the same UPN.")
class DuplicateUPN(_DuplicateValues):
    """Each UPN must belong to one child only in the return."""

    element = "UPN"

    def value_of(self, child: ChildRecord) -> str:
        return _upn(child)


# --- LA child ID ----------------------------------------------------------------------------------------


@child_rule("8500", MODULE, "LA Child ID missing")
def _la_child_id_given(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every child must have an LA child ID."""
    if not _given(child.la_child_id):
        yield Hit("LAchildID", child.line)


@return_rule("8510", MODULE, "More than one child record with the same LA Child ID")
class DuplicateLAChildID(_DuplicateValues):
    """Each LA child ID must belong to one child record only in the return."""

    element = "LAchildID"

    def value_of(self, child: ChildRecord) -> str:
        return _text(child.la_child_id)


@child_rule("1570", MODULE, "LA Child ID must not be longer than 20 characters", since=2025)
def _la_child_id_short_enough(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The LA child ID must be at most 20 characters long."""
    if len(_text(child.la_child_id)) > 20:
        yield Hit("LAchildID", child.line)


@child_rule("1580", MODULE, "LA Child ID must not contain any non-alphanumeric characters", since=2025)
def _la_child_id_alphanumeric(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The LA child ID must hold only letters A-Z and digits (no spaces, dashes or punctuation)."""
    identifier = _text(child.la_child_id)
    if identifier and not (identifier.isascii() and identifier.isalnum()):
        yield Hit("LAchildID", child.line)


# --- dates of birth and death ---------------------------------------------------------------------------


@child_rule(
    "8520",
    MODULE,
    "Date of Birth is after data collection period (must be on or before the end of the census period)",
)
def _born_by_census_end(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A date of birth must be on or before the reference date (31 March)."""
    born = as_date(child.birth_date)
    if born and born > year.reference_date:
        yield Hit("PersonBirthDate", child.line)


@child_rule("8525Q", MODULE, "Either Date of Birth or Expected Date of Birth must be provided (but not both)")
def _one_birth_date(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child should have a date of birth or an expected date of birth, not both and not neither."""
    has_birth, has_expected = _given(child.birth_date), _given(child.expected_birth_date)
    if has_birth and has_expected:
        yield Hit("ExpectedPersonBirthDate", child.line)
    elif not has_birth and not has_expected:
        yield Hit("PersonBirthDate", child.line)


@child_rule(
    "8530Q",
    MODULE,
    "Please check and either amend data or provide a reason: Expected Date of Birth is outside the expected "
    "range for this census (March to December of the Census Year end)",
)
def _expected_birth_in_range(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An expected date of birth should fall from 30 days before to 9 months after the reference date."""
    expected = as_date(child.expected_birth_date)
    if expected is None:
        return
    earliest = year.reference_date - timedelta(days=30)  # 1 March
    latest = add_months(year.reference_date, 9)  # 31 December
    if not earliest <= expected <= latest:
        yield Hit("ExpectedPersonBirthDate", child.line)


@child_rule(
    "8535Q",
    MODULE,
    "Please check and either amend data or provide a reason: Child’s date of death should not be prior to "  # noqa: RUF001  (the DfE's own apostrophe)
    "the date of birth",
)
def _died_after_birth(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A date of death should not be before the date of birth."""
    born, died = as_date(child.birth_date), as_date(child.death_date)
    if born and died and died < born:
        yield Hit("PersonDeathDate", child.line)


@child_rule(
    "8545Q",
    MODULE,
    "Please check and either amend data or provide a reason: Child's date of death should be within the "
    "census year",
)
def _died_within_census_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A date of death should fall within the census year."""
    died = as_date(child.death_date)
    if died and not year.in_period(died):
        yield Hit("PersonDeathDate", child.line)


@child_rule("4008", MODULE, "CIN Plan shown as starting after the child’s Date of Death.")  # noqa: RUF001  (the DfE's own apostrophe)
def _cin_plan_starts_before_death(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No CIN plan may start after the child's date of death."""
    died = as_date(child.death_date)
    if died is None:
        return
    for episode in child.cin_details:
        for plan in episode.cin_plans:
            start = as_date(plan.start)
            if start and start > died:
                yield Hit("CINPlanStartDate", plan.line)


@child_rule("4009Q", MODULE, "CIN Plan cannot end after the child’s Date of Death")  # noqa: RUF001  (the DfE's own apostrophe)
def _cin_plan_ends_by_death(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No CIN plan should end after the child's date of death."""
    died = as_date(child.death_date)
    if died is None:
        return
    for episode in child.cin_details:
        for plan in episode.cin_plans:
            end = as_date(plan.end)
            if end and end > died:
                yield Hit("CINPlanEndDate", plan.line)


@child_rule(
    "8775Q", MODULE, "Please check and either amend data or provide a reason: Child is over 25 years old"
)
def _not_over_25(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child over 25 at the reference date should have no episode open after their 25th birthday."""
    born = as_date(child.birth_date)
    if born is None or born >= _years_before(year.reference_date, 25):
        return
    twenty_fifth_birthday = add_months(born, 25 * 12)
    for episode in child.cin_details:
        closed = as_date(episode.closure_date)
        if closed is None or closed > twenty_fifth_birthday:
            yield Hit("PersonBirthDate", child.line)
            return


# --- sex (GenderCurrent until 2023-24, Sex from 2024-25) ------------------------------------------------

GENDER_CODES = frozenset({"1", "2", "0", "9"})  # male, female, not recorded or unborn, indeterminate
SEX_CODES = frozenset({"M", "F", "U"})  # from 2024-25: male, female, unknown (and unborn)


@child_rule("4180", MODULE, "Gender is missing", until=2024)
def _gender_given(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """GenderCurrent must be present and one of 1, 2, 0 or 9."""
    if _text(child.sex) not in GENDER_CODES:
        yield Hit("GenderCurrent", child.line)


@child_rule("4180", MODULE, "Sex must be provided and equal M, F, or U", since=2025)
def _sex_given(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Sex must be present and one of M, F or U."""
    if _text(child.sex) not in SEX_CODES:
        yield Hit("Sex", child.line)


@child_rule("8750", MODULE, "Gender must equal 0 for an unborn child", until=2024)
def _unborn_gender_not_recorded(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An unborn child's GenderCurrent must be 0."""
    if _is_unborn(child) and _text(child.sex) != "0":
        yield Hit("GenderCurrent", child.line)


@child_rule("8750", MODULE, "Sex must equal U for an unborn child", since=2025)
def _unborn_sex_unknown(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An unborn child's Sex must be U."""
    if _is_unborn(child) and _text(child.sex) != "U":
        yield Hit("Sex", child.line)


class _NoSexRecordedShare(ReturnCheck):
    """Counts born children with no sex recorded, to query the return when they are more than 2%.

    As the DfE words it: children with the value missing or "not recorded", and no expected date of birth,
    divided by all child records.
    """

    element = ""
    not_recorded: frozenset[str] = frozenset()
    threshold = 0.02

    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self.children = 0
        self.without_sex = 0

    def observe(self, child: ChildRecord) -> None:
        self.children += 1
        if _text(child.sex) in self.not_recorded and not _is_unborn(child):
            self.without_sex += 1

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        if self.children and self.without_sex / self.children > self.threshold:
            yield None, Hit(self.element)


@return_rule(
    "2886Q",
    MODULE,
    "Please check and either amend or provide a reason: Percentage of children with no gender recorded is "
    "more than 2% (excluding unborns)",
    until=2024,
)
class NoGenderRecordedShare(_NoSexRecordedShare):
    """No more than 2% of the children (unborn ones aside) should have GenderCurrent missing or 0."""

    element = "GenderCurrent"
    not_recorded = frozenset({"", "0"})


@return_rule(
    "2886Q",
    MODULE,
    "Please check and either amend or provide a reason: Percentage of children with no sex recorded is more "
    "than 2% (excluding unborns)",
    since=2025,
)
class NoSexRecordedShare(_NoSexRecordedShare):
    """No more than 2% of the children (unborn ones aside) should have Sex missing or U."""

    element = "Sex"
    not_recorded = frozenset({"", "U"})


# --- UPN expected, or the reason it is unknown ----------------------------------------------------------

UPN_UNKNOWN_REASONS = frozenset({f"UN{number}" for number in range(1, 8)})
# UN1 is "child is not of school age": from 2024-25 it no longer excuses a school-age child's missing UPN.
UPN_UNKNOWN_REASONS_AT_SCHOOL_AGE = UPN_UNKNOWN_REASONS - {"UN1"}


def _upn_or_reason_missing(child: ChildRecord, accepted_reasons: frozenset[str]) -> bool:
    return not _upn(child) and _text(child.upn_unknown).upper() not in accepted_reasons


@child_rule(
    "8770Q",
    MODULE,
    "Please check and either amend data or provide a reason: UPN or reason UPN missing expected for a child "
    "who is more than 5 years old",
    until=2024,
)
def _upn_expected_over_five(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child aged 6 or more with a referral going on to further action should have a UPN or a reason."""
    # The DfE's detail: birth date earlier than the reference date minus 6 years (over 5 in whole years).
    if not _upn_or_reason_missing(child, UPN_UNKNOWN_REASONS):
        return
    born = as_date(child.birth_date)
    if (
        born is not None
        and born <= _years_before(year.reference_date, 6)
        and _goes_on_to_further_action(child)
    ):
        yield Hit("UPN", child.line)


def _school_age_cutoff(year: CensusYear) -> date:
    """The latest birth date of a child in a school year group (reception or above) on the reference date.

    Children start reception in the September after their fourth birthday, so on 31 March 2025 every child
    born on or before 31 August 2020 is in school (School Admissions Code, admission of children below
    compulsory school age).
    """
    return date(year.year_end - 5, 8, 31)


@child_rule(
    "8770Q",
    MODULE,
    "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is "
    "UN1 for a child who is of school age.",
    since=2025,
)
def _upn_expected_at_school_age(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A school-age child referred on to further action should have a UPN or a reason other than UN1."""
    if not _upn_or_reason_missing(child, UPN_UNKNOWN_REASONS_AT_SCHOOL_AGE):
        return
    born = as_date(child.birth_date)
    if born is not None and born <= _school_age_cutoff(year) and _goes_on_to_further_action(child):
        yield Hit("UPN", child.line)


@child_rule(
    "8772",
    MODULE,
    "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral "
    "going on to further action",
)
def _un7_only_for_no_further_action(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """UPN unknown reason UN7 needs every CIN episode to be a referral with no further action."""
    if _text(child.upn_unknown).upper() != "UN7":
        return
    if any(as_flag(episode.referral_nfa) is not True for episode in child.cin_details):
        yield Hit("UPNunknown", child.line)


# --- episodes -------------------------------------------------------------------------------------------


@child_rule("8590", MODULE, "Child does not have a recorded CIN episode.")
def _has_cin_episode(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every child must have at least one CINdetails episode."""
    if not child.cin_details:
        yield Hit("CINdetails", child.line)
