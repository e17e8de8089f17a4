"""What one CIN census file holds, as plain records the reader fills and the rules read.

The DfE children in need census XML (structure in docs/census.md and the research notes, statutory-rules.md
section 2.1) is read one <Child> at a time into these records, so a 100,000-child file never sits in memory
as a tree. Every value is kept as the text the file held: ``None`` when the element is absent, ``""`` when it
is present but empty. Rules decide what "missing" or "invalid" means (a bad date or an unknown code is a
finding, never a crash); ``as_date`` and ``as_flag`` give the parsed value where a rule needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EARLIEST_YEAR, LATEST_YEAR = 1800, 2200


def as_date(value: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD, as the XSD's xs:date) or None when absent, empty or not a real date."""
    if not value:
        return None
    text = value.strip()
    if len(text) != 10:
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    # Years far outside any child's life (0001-01-01 is a valid xs:date) are treated as unreadable, so no
    # rule's date arithmetic can overflow on them; the element still shows as invalid in the findings.
    return parsed if EARLIEST_YEAR <= parsed.year <= LATEST_YEAR else None


def as_flag(value: str | None) -> bool | None:
    """An xs:boolean ("true", "false", "1", "0") or None when absent or anything else."""
    if value is None:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())


@dataclass(slots=True)
class Header:
    collection: str | None = None  # CollectionDetails/Collection, "CIN"
    year: str | None = None  # CollectionDetails/Year: "2023" is the 2022-23 census
    reference_date: str | None = None  # CollectionDetails/ReferenceDate, 31 March of Year
    source_level: str | None = None
    lea: str | None = None  # three-digit local authority code
    software_code: str | None = None
    release: str | None = None
    serial_no: str | None = None
    date_time: str | None = None
    degraded: bool = False  # written by `export cin --degrade` (names, identifiers, exact dates removed)


@dataclass(slots=True)
class ChildProtectionPlan:
    start: str | None = None  # CPPstartDate
    end: str | None = None  # CPPendDate
    initial_category: str | None = None  # InitialCategoryOfAbuse
    latest_category: str | None = None  # LatestCategoryOfAbuse
    number_of_previous: str | None = None  # NumberOfPreviousCPP
    has_reviews_element: bool = False
    review_dates: list[str | None] = field(default_factory=list)  # Reviews/CPPreviewDate, in file order
    line: int = 0


@dataclass(slots=True)
class Section47:
    start: str | None = None  # S47ActualStartDate
    icpc_target: str | None = None  # InitialCPCtarget
    icpc_date: str | None = None  # DateOfInitialCPC
    icpc_not_required: str | None = None  # ICPCnotRequired (xs:boolean)
    line: int = 0


@dataclass(slots=True)
class CINPlan:
    start: str | None = None  # CINPlanStartDate
    end: str | None = None  # CINPlanEndDate
    line: int = 0


@dataclass(slots=True)
class Assessment:
    start: str | None = None  # AssessmentActualStartDate
    internal_review: str | None = None  # AssessmentInternalReviewDate
    authorised: str | None = None  # AssessmentAuthorisationDate (the assessment's end)
    has_factors_element: bool = False  # FactorsIdentifiedAtAssessment present
    factors: list[str] = field(default_factory=list)  # AssessmentFactors, in file order
    line: int = 0


@dataclass(slots=True)
class CINDetails:
    """One CIN episode: a referral and what followed it."""

    referral_date: str | None = None  # CINreferralDate
    referral_source: str | None = None  # ReferralSource
    primary_need: str | None = None  # PrimaryNeedCode
    closure_date: str | None = None  # CINclosureDate
    closure_reason: str | None = None  # ReasonForClosure
    icpc_date: str | None = None  # DateOfInitialCPC at CINdetails level
    referral_nfa: str | None = None  # ReferralNFA (xs:boolean)
    assessments: list[Assessment] = field(default_factory=list)
    cin_plans: list[CINPlan] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cp_plans: list[ChildProtectionPlan] = field(default_factory=list)
    line: int = 0


@dataclass(slots=True)
class ChildRecord:
    la_child_id: str | None = None  # LAchildID
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None  # UPNunknown, UN1-UN7
    birth_date: str | None = None  # PersonBirthDate
    expected_birth_date: str | None = None  # ExpectedPersonBirthDate
    sex: str | None = None  # GenderCurrent (1, 2, 0, 9) or, from 2024-25, Sex (M, F, U)
    sex_element: str = "GenderCurrent"  # which of the two the file used
    death_date: str | None = None  # PersonDeathDate
    ethnicity: str | None = None
    has_disabilities_element: bool = False
    disabilities: list[str] = field(default_factory=list)  # Disabilities/Disability, in file order
    cin_details: list[CINDetails] = field(default_factory=list)
    line: int = 0  # line of the <Child> start tag, for messages
