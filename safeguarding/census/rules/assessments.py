"""CIN census validation rules for the Assessments module: each assessment's dates and the factors
identified at it. See base.py for how rules are written; episode_facts.py for shared facts.

Codes, types and messages: DfE CIN census validation rules as listed in cin-validator-rules.tsv (research
notes, statutory-rules.md section 2.3). Each check is written from the rule's meaning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from safeguarding.census.records import Assessment, ChildRecord, as_date
from safeguarding.census.rules.base import CensusYear, Hit, child_rule
from safeguarding.census.rules.episode_facts import (
    CLOSED_AFTER_ASSESSMENT_REASONS,
    code_of,
    forty_five_working_days_before_year_end,
    has_value,
    starts_during_another,
)
from safeguarding.children.codes import AssessmentFactor

MODULE = "Assessments"

# AssessmentFactors: the CIN census code set (cin-2022.xsd assessmentfactorstype; statutory-rules.md 2.2),
# held in safeguarding.children.codes. It includes the old single codes for physical abuse (18A) and sexual
# abuse (19A), from before each was split into child on child (B) and adult on child (C): councils' systems
# still send them, and DfE's validation queries them from 2024-25 (8945Q, 8950Q) rather than reject them, so
# they count as recognised codes for 8897Q.
RECOGNISED_FACTOR_CODES = frozenset(AssessmentFactor.values)
OLD_PHYSICAL_ABUSE = AssessmentFactor.PHYSICAL_ABUSE_OLD.value
OLD_SEXUAL_ABUSE = AssessmentFactor.SEXUAL_ABUSE_OLD.value
NO_FACTORS_IDENTIFIED = AssessmentFactor.NO_FACTORS.value

# The census year (by the year it ends) from which 8945Q and 8950Q apply: the 2024-25 ruleset.
OLD_ABUSE_CODES_QUERIED_SINCE = 2025


def _is_completed(assessment: Assessment) -> bool:
    """An assessment is completed when it has an authorisation date (the assessment's end)."""
    return has_value(assessment.authorised)


def _factor_codes(assessment: Assessment) -> list[str]:
    """The factor codes as recorded, without surrounding whitespace (empty ones kept as "")."""
    return [factor.strip() for factor in assessment.factors]


def _records_factors(assessment: Assessment) -> bool:
    """The assessment carries factors: the FactorsIdentifiedAtAssessment block or any factor value."""
    return assessment.has_factors_element or any(code for code in _factor_codes(assessment))


def _assessments(child: ChildRecord) -> Iterator[Assessment]:
    for episode in child.cin_details:
        yield from episode.assessments


@child_rule("1103", MODULE, "The assessment start date cannot be before the referral date")
def _assessment_before_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No assessment starts before its episode's referral date."""
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is None:
            continue
        for assessment in episode.assessments:
            start = as_date(assessment.start)
            if start is not None and start < referral:
                yield Hit("AssessmentActualStartDate", assessment.line)


@child_rule("8608", MODULE, "Assessment Start Date cannot be later than its End Date")
def _assessment_starts_after_end(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No assessment starts after its authorisation date."""
    for assessment in _assessments(child):
        start, end = as_date(assessment.start), as_date(assessment.authorised)
        if start is not None and end is not None and start > end:
            yield Hit("AssessmentActualStartDate", assessment.line)


@child_rule(
    "8614",
    MODULE,
    "Parental or child factors at assessment should only be present for a completed assessment.",
)
def _factors_on_open_assessment(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An assessment without an authorisation date carries no factors."""
    for assessment in _assessments(child):
        if not _is_completed(assessment) and _records_factors(assessment):
            yield Hit("AssessmentFactors", assessment.line)


@child_rule(
    "8670Q",
    MODULE,
    "Please check and either amend data or provide a reason: Assessment started more than 45 working days "
    "before the end of the census year. However, there is no Assessment end date.",
)
def _open_assessment_past_45_working_days(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An assessment still open at the year end started no more than 45 working days before 31 March."""
    open_assessments = [assessment for assessment in _assessments(child) if not _is_completed(assessment)]
    if not open_assessments:
        return
    threshold = forty_five_working_days_before_year_end(year)
    for assessment in open_assessments:
        start = as_date(assessment.start)
        if start is not None and start < threshold:
            yield Hit("AssessmentActualStartDate", assessment.line)


@child_rule("8696", MODULE, "Assessment end date must fall within the census year")
def _assessment_end_outside_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An authorisation date, where given, is a real date within the census year."""
    for assessment in _assessments(child):
        if not _is_completed(assessment):
            continue
        end = as_date(assessment.authorised)
        if end is None or not year.in_period(end):
            yield Hit("AssessmentAuthorisationDate", assessment.line)


@child_rule(
    "8736",
    MODULE,
    "For an Assessment that has not been completed, the start date must fall within the census year",
)
def _open_assessment_start_outside_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An assessment without an authorisation date started within the census year."""
    for assessment in _assessments(child):
        if _is_completed(assessment):
            continue
        start = as_date(assessment.start)
        if start is None or not year.in_period(start):
            yield Hit("AssessmentActualStartDate", assessment.line)


def _assessment_period(assessment: Assessment, year: CensusYear) -> tuple[date | None, date | None]:
    """An assessment runs from its start to its authorisation date, or to the reference date while it is
    open. An authorisation date that is present but not a real date gives no period to compare."""
    start = as_date(assessment.start)
    if not _is_completed(assessment):
        return start, year.reference_date
    return start, as_date(assessment.authorised)


@child_rule("8863Q", MODULE, "An Assessment is shown as starting when there is another Assessment ongoing.")
def _assessment_starts_during_another(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Within an episode, no assessment starts on or between the start and end of another (its start and the
    reference date, while that other is open)."""
    for episode in child.cin_details:
        periods = [_assessment_period(assessment, year) for assessment in episode.assessments]
        for index in starts_during_another(periods):
            yield Hit("AssessmentActualStartDate", episode.assessments[index].line)


@child_rule(
    "8869",
    MODULE,
    "The assessment factors code “21” cannot be used in conjunction with any other assessment factors.",
)
def _no_factors_code_with_others(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Factor 21 (no factors identified) is the only factor on an assessment where it is used."""
    for assessment in _assessments(child):
        codes = [code for code in _factor_codes(assessment) if code]
        if NO_FACTORS_IDENTIFIED in codes and any(code != NO_FACTORS_IDENTIFIED for code in codes):
            yield Hit("AssessmentFactors", assessment.line)


@child_rule(
    "8873Q",
    MODULE,
    "Please check and either amend data or provide a reason: When there is only one assessment on the "
    "episode and the factors code “21 No factors identified” has been used for the completed assessment, the "
    "reason for closure ‘RC8’ or 'RC9' should be used.",  # noqa: RUF001  (DfE's quotation marks, verbatim)
)
def _no_factors_but_not_closed_after_assessment(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode whose only assessment found no factors (21) is closed after assessment (RC8 or RC9)."""
    for episode in child.cin_details:
        if len(episode.assessments) != 1:
            continue
        if NO_FACTORS_IDENTIFIED not in _factor_codes(episode.assessments[0]):
            continue
        if code_of(episode.closure_reason) not in CLOSED_AFTER_ASSESSMENT_REASONS:
            yield Hit("ReasonForClosure", episode.line)


@child_rule("8896", MODULE, "Within one CINDetails group there are 2 or more open Assessments groups")
def _several_open_assessments(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode has at most one assessment without an authorisation date."""
    for episode in child.cin_details:
        open_assessments = [assessment for assessment in episode.assessments if not _is_completed(assessment)]
        if len(open_assessments) > 1:
            for assessment in open_assessments:
                yield Hit("AssessmentAuthorisationDate", assessment.line)


@child_rule(
    "8897Q",
    MODULE,
    "Parental or child factors at assessment information is missing from a completed assessment",
)
def _completed_assessment_without_factors(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An assessment authorised in the census year records at least one factor, every one a known code."""
    for assessment in _assessments(child):
        authorised = as_date(assessment.authorised)
        if authorised is None or authorised < year.period_start:
            continue
        codes = _factor_codes(assessment)
        if not codes or any(code not in RECOGNISED_FACTOR_CODES for code in codes):
            yield Hit("AssessmentFactors", assessment.line)


@child_rule("8898", MODULE, "The assessment has more than one parental or child factors with the same code")
def _repeated_factor(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No factor code appears twice on one assessment (one finding per repeated code)."""
    for assessment in _assessments(child):
        counts = Counter(code for code in _factor_codes(assessment) if code)
        for _code, times in counts.items():
            if times > 1:
                yield Hit("AssessmentFactors", assessment.line)


def _uses_factor(child: ChildRecord, code: str) -> Iterator[Hit]:
    for assessment in _assessments(child):
        if code in _factor_codes(assessment):
            yield Hit("AssessmentFactors", assessment.line)


@child_rule(
    "8945Q",
    MODULE,
    "Please check and either amend data or provide a reason: the assessment factors code '18A' should not be "
    "used ('18B' or '18C' should be used instead)",
    since=OLD_ABUSE_CODES_QUERIED_SINCE,
)
def _old_physical_abuse_code(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No assessment uses the old physical abuse factor 18A (18B child on child or 18C adult on child)."""
    yield from _uses_factor(child, OLD_PHYSICAL_ABUSE)


@child_rule(
    "8950Q",
    MODULE,
    "Please check and either amend data or provide a reason: the assessment factors code '19A' should not be "
    "used ('19B' or '19C' should be used instead)",
    since=OLD_ABUSE_CODES_QUERIED_SINCE,
)
def _old_sexual_abuse_code(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No assessment uses the old sexual abuse factor 19A (19B child on child, 19C adult on child instead)."""
    yield from _uses_factor(child, OLD_SEXUAL_ABUSE)
