"""CIN census validation rules for the CINdetails module: the CIN episode (referral, need, closure, NFA flag)
and how its parts fit together. See base.py for how rules are written; episode_facts.py for shared facts.

Codes, types and messages: DfE CIN census validation rules as listed in cin-validator-rules.tsv (research
notes, statutory-rules.md section 2.3). Each check is written from the rule's meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from safeguarding.census.records import ChildRecord, Section47, as_date, as_flag
from safeguarding.census.rules.base import CensusYear, Hit, child_rule
from safeguarding.census.rules.episode_facts import (
    CLOSED_AFTER_ASSESSMENT_REASONS,
    activity_after_assessment,
    activity_after_referral,
    code_of,
    episode_span,
    has_closure_date,
    has_value,
    is_no_further_action,
    is_open_further_action_episode,
    last_working_day_before_collection,
    led_to_further_action,
    starts_during_another,
)
from safeguarding.children.codes import PrimaryNeed, ReasonForClosure, ReferralSource

MODULE = "CINdetails"

# The first census (by the year it ends) whose schema has referral source 5D "LA services - early help" and
# closure reason RC9 "Case closed after assessment, referred to early help". Source: statutory-rules.md 2.1
# ("2022 -> 2023 schemas" adds both) read with the header's Year, which names a census by the year it ends:
# the 2023 schema is the 2022-23 census. DfE's 2022-23 rules already speak of RC9 (2990, 8825Q, 8873Q).
EARLY_HELP_CODES_SINCE = 2023

# ReferralSource: the CIN census code set (statutory-rules.md 2.2), held in safeguarding.children.codes.
_EARLY_HELP_SOURCE = ReferralSource.LA_EARLY_HELP.value
_REFERRAL_SOURCES_ALL = frozenset(ReferralSource.values)
_REFERRAL_SOURCES_BEFORE_EARLY_HELP = _REFERRAL_SOURCES_ALL - {_EARLY_HELP_SOURCE}

# DfE asks for a referral source on referrals from 1 April 2013 on (when the code set took its present form).
REFERRAL_SOURCE_REQUIRED_FROM = date(2013, 4, 1)

# PrimaryNeedCode N0-N9 and ReasonForClosure RC1-RC9: the CIN census code sets (cin-2022.xsd, RC9 from the
# 2023 schema; statutory-rules.md 2.1 and 2.2), held in safeguarding.children.codes.
PRIMARY_NEED_CODES = frozenset(PrimaryNeed.values)
DIED = ReasonForClosure.DIED.value
_CLOSURE_REASONS_ALL = frozenset(ReasonForClosure.values)
_CLOSURE_REASONS_BEFORE_EARLY_HELP = _CLOSURE_REASONS_ALL - {
    ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP.value
}

# 8606: a referral may come before birth (an unborn child), but not more than a full-term pregnancy before it.
FORTY_WEEKS = timedelta(days=280)


def referral_sources_for(year: CensusYear) -> frozenset[str]:
    """The valid ReferralSource codes in a census year."""
    if year.year_end >= EARLY_HELP_CODES_SINCE:
        return _REFERRAL_SOURCES_ALL
    return _REFERRAL_SOURCES_BEFORE_EARLY_HELP


def closure_reasons_for(year: CensusYear) -> frozenset[str]:
    """The valid ReasonForClosure codes in a census year."""
    if year.year_end >= EARLY_HELP_CODES_SINCE:
        return _CLOSURE_REASONS_ALL
    return _CLOSURE_REASONS_BEFORE_EARLY_HELP


@child_rule(
    "2990",
    MODULE,
    "Activity is recorded against a case marked as ‘Case closed after assessment, no further action’ or "  # noqa: RUF001  (DfE's quotation marks, verbatim)
    "'case closed after assessment, referred to early help'.",
)
def _activity_after_closed_after_assessment(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode closed after assessment (RC8 or RC9) holds no CIN plan, section 47, ICPC or CP plan.

    Activity is read as in episode_facts.activity_after_assessment; the assessment itself is expected.
    """
    for episode in child.cin_details:
        if code_of(episode.closure_reason) in CLOSED_AFTER_ASSESSMENT_REASONS:
            yield from activity_after_assessment(episode)


@child_rule(
    "2991Q",
    MODULE,
    "Please check and either amend data or provide a reason: A Section 47 module is recorded and there is no "
    "assessment on the episode",
)
def _section47_without_assessment(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode with a section 47 enquiry also has an assessment (one finding per episode)."""
    for episode in child.cin_details:
        if episode.section47s and not episode.assessments:
            yield Hit("Section47", episode.section47s[0].line)


@child_rule("8555Q", MODULE, "Child cannot be referred after its recorded date of death")
def _referred_after_death(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No referral date falls after the child's date of death."""
    death = as_date(child.death_date)
    if death is None:
        return
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is not None and referral > death:
            yield Hit("CINreferralDate", episode.line)


@child_rule("8568", MODULE, "RNFA flag is missing or invalid")
def _referral_nfa_missing_or_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every episode has a ReferralNFA flag that is true, false, 1 or 0."""
    for episode in child.cin_details:
        if as_flag(episode.referral_nfa) is None:
            yield Hit("ReferralNFA", episode.line)


@child_rule(
    "8569Q",
    MODULE,
    "A case with referral date before one working day prior to the collection start date must not be flagged "
    "as a no further action case",
)
def _old_referral_flagged_nfa(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A referral dated before the last working day before 1 April is not an NFA referral in this return."""
    episodes = [episode for episode in child.cin_details if is_no_further_action(episode)]
    if not episodes:
        return
    cut_off = last_working_day_before_collection(year)
    for episode in episodes:
        referral = as_date(episode.referral_date)
        if referral is not None and referral < cut_off:
            yield Hit("ReferralNFA", episode.line)


@child_rule(
    "8585Q",
    MODULE,
    "Please check and either amend or provide a reason: CIN episode shows Died as the Closure Reason, "
    "however child has no recorded Date of Death",
)
def _closed_as_died_without_death_date(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode closed because the child died (RC2) goes with a date of death."""
    if as_date(child.death_date) is not None:
        return
    for episode in child.cin_details:
        if code_of(episode.closure_reason) == DIED:
            yield Hit("ReasonForClosure", episode.line)


@child_rule("8600", MODULE, "Child referral date missing or after data collection period")
def _referral_date_missing_or_late(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every episode has a real referral date on or before the census reference date."""
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is None or referral > year.reference_date:
            yield Hit("CINreferralDate", episode.line)


@child_rule("8606", MODULE, "Child referral date is more than 40 weeks before DOB or expected DOB")
def _referral_long_before_birth(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No referral is more than 280 days before the child's date of birth or expected date of birth."""
    births = [day for day in (as_date(child.birth_date), as_date(child.expected_birth_date)) if day]
    if not births:
        return
    earliest_allowed = min(births) - FORTY_WEEKS
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is not None and referral < earliest_allowed:
            yield Hit("CINreferralDate", episode.line)


@child_rule("8610", MODULE, "Primary Need code is missing for a referral which led to further action.")
def _primary_need_missing(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A referral that led to further action (ReferralNFA false) has a primary need code."""
    for episode in child.cin_details:
        if led_to_further_action(episode) and not has_value(episode.primary_need):
            yield Hit("PrimaryNeedCode", episode.line)


@child_rule("8620", MODULE, "CIN Closure Date present and does not fall within the Census year")
def _closure_outside_census_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A closure date, where given, is a real date within the census year."""
    for episode in child.cin_details:
        if not has_closure_date(episode):
            continue
        closure = as_date(episode.closure_date)
        if closure is None or not year.in_period(closure):
            yield Hit("CINclosureDate", episode.line)


@child_rule("8630", MODULE, "CIN Closure Date is before CIN Referral Date for the same CIN episode")
def _closed_before_referred(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode is not closed before its referral date."""
    for episode in child.cin_details:
        referral, closure = as_date(episode.referral_date), as_date(episode.closure_date)
        if referral is not None and closure is not None and closure < referral:
            yield Hit("CINclosureDate", episode.line)


@child_rule(
    "8640",
    MODULE,
    "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
)
def _closure_reason_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A reason for closure, where given, is a code in the year's list (RC1-RC8, and RC9 from 2022-23)."""
    valid = closure_reasons_for(year)
    for episode in child.cin_details:
        reason = code_of(episode.closure_reason)
        if reason is not None and reason not in valid:
            yield Hit("ReasonForClosure", episode.line)


@child_rule("8650", MODULE, "Primary Need Code invalid (see Primary Need table in CIN census code set)")
def _primary_need_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A primary need code, where given, is one of N0 to N9."""
    for episode in child.cin_details:
        need = code_of(episode.primary_need)
        if need is not None and need not in PRIMARY_NEED_CODES:
            yield Hit("PrimaryNeedCode", episode.line)


@child_rule("8805", MODULE, "A CIN case cannot have a CIN closure date without a Reason for Closure")
def _closure_date_without_reason(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode with a closure date has a reason for closure."""
    for episode in child.cin_details:
        if has_closure_date(episode) and not has_value(episode.closure_reason):
            yield Hit("ReasonForClosure", episode.line)


@child_rule("8810", MODULE, "A CIN case cannot have a Reason for Closure without a CIN Closure Date")
def _reason_without_closure_date(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode with a reason for closure has a closure date."""
    for episode in child.cin_details:
        if has_value(episode.closure_reason) and not has_closure_date(episode):
            yield Hit("CINclosureDate", episode.line)


@child_rule(
    "8815",
    MODULE,
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this "
    "child and case is not a referral with no further action.",
)
def _several_open_episodes(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child has at most one open episode that led to further action (open NFA referrals don't count)."""
    open_episodes = [episode for episode in child.cin_details if is_open_further_action_episode(episode)]
    if len(open_episodes) > 1:
        for episode in open_episodes:
            yield Hit("CINclosureDate", episode.line)


@child_rule(
    "8816",
    MODULE,
    "An open CIN episode is shown and case is not a referral with no further action, but it is not the "
    "latest episode.",
)
def _open_episode_not_latest(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An open further-action episode has the child's latest referral date."""
    referrals = [day for day in (as_date(episode.referral_date) for episode in child.cin_details) if day]
    if not referrals:
        return
    latest = max(referrals)
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is not None and referral < latest and is_open_further_action_episode(episode):
            yield Hit("CINreferralDate", episode.line)


@child_rule("8820", MODULE, "The dates on the CIN episodes for this child overlap")
def _episodes_overlap(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """No episode's referral date falls inside another episode's span (referral to closure, or to the
    reference date while a further-action case is open). One episode may start on the day another closes."""
    spans = [episode_span(episode, year) for episode in child.cin_details]
    for index, episode in enumerate(child.cin_details):
        referral = as_date(episode.referral_date)
        if referral is None:
            continue
        for other_index, span in enumerate(spans):
            if other_index == index or span is None:
                continue
            # The day a closed episode ends is free for the next referral (DfE's note to the rule).
            inside = span.start <= referral < span.end if span.closed else span.start <= referral <= span.end
            if inside:
                yield Hit("CINreferralDate", episode.line)
                break


@child_rule(
    "8825Q",
    MODULE,
    "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after "
    "assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there "
    "is no assessment present for the episode.",
)
def _closed_after_assessment_without_one(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode closed after assessment (RC8 or RC9) has an assessment."""
    for episode in child.cin_details:
        if code_of(episode.closure_reason) in CLOSED_AFTER_ASSESSMENT_REASONS and not episode.assessments:
            yield Hit("ReasonForClosure", episode.line)


@child_rule("8831", MODULE, "Activity is recorded against a case marked as a referral with no further action")
def _activity_after_nfa_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A referral with no further action (ReferralNFA true) has no activity recorded against it.

    Activity is any assessment, CIN plan, section 47 enquiry, ICPC or CP plan on the episode (one finding
    for each, at its element): see episode_facts.activity_after_referral.
    """
    for episode in child.cin_details:
        if is_no_further_action(episode):
            yield from activity_after_referral(episode)


@child_rule("8866", MODULE, "Source of Referral is missing or an invalid code")
def _referral_source_missing_or_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A referral from 1 April 2013 on has a referral source from the year's code list (5D from 2022-23)."""
    valid = referral_sources_for(year)
    for episode in child.cin_details:
        referral = as_date(episode.referral_date)
        if referral is not None and referral < REFERRAL_SOURCE_REQUIRED_FROM:
            continue
        if code_of(episode.referral_source) not in valid:
            yield Hit("ReferralSource", episode.line)


@child_rule("8867", MODULE, "CIN episode is shown as closed, however Assessment is not shown as completed")
def _closed_with_assessment_open(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every assessment on a closed episode has an authorisation date."""
    for episode in child.cin_details:
        if not has_closure_date(episode):
            continue
        for assessment in episode.assessments:
            if not has_value(assessment.authorised):
                yield Hit("AssessmentAuthorisationDate", assessment.line)


def _enquiry_completed(enquiry: Section47) -> bool:
    """A section 47 enquiry ends with an initial conference, or with a decision that none is required."""
    return has_value(enquiry.icpc_date) or as_flag(enquiry.icpc_not_required) is True


@child_rule(
    "8868",
    MODULE,
    "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or "
    "ICPC not required flag",
)
def _closed_with_enquiry_open(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Every section 47 enquiry on a closed episode has an ICPC date or ICPCnotRequired true."""
    for episode in child.cin_details:
        if not has_closure_date(episode):
            continue
        for enquiry in episode.section47s:
            if not _enquiry_completed(enquiry):
                yield Hit("DateOfInitialCPC", enquiry.line)


@child_rule(
    "8890",
    MODULE,
    "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
)
def _section47_starts_during_another(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Within an episode, no section 47 starts on or between the start and ICPC date of another (or its start
    and the reference date, while that other has no ICPC date and is not marked ICPC not required)."""
    for episode in child.cin_details:
        periods = [_enquiry_period(enquiry, year) for enquiry in episode.section47s]
        for index in starts_during_another(periods):
            yield Hit("S47ActualStartDate", episode.section47s[index].line)


def _enquiry_period(enquiry: Section47, year: CensusYear) -> tuple[date | None, date | None]:
    """A section 47 enquiry runs from its start to its ICPC date; to the reference date while it is still
    ongoing (no ICPC date and not marked ICPC not required); an enquiry closed without a conference has no
    end date and so no period to overlap."""
    start, icpc = as_date(enquiry.start), as_date(enquiry.icpc_date)
    if icpc is not None:
        return start, icpc
    if not _enquiry_completed(enquiry):
        return start, year.reference_date
    return start, None
