"""Facts about a CIN episode that several census rules ask: is it a no-further-action referral, is it open,
what span of time does it cover, what activity is recorded on it, when do the census year's cut-offs fall.

A CIN episode is one <CINdetails> block: a referral and what followed it. Values in the records are the raw
text of the file (see records.py), so each fact here says how it treats absent, empty or unreadable values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from safeguarding.census.records import CINDetails, as_date, as_flag
from safeguarding.census.rules.base import CensusYear, Hit

# Reasons for closure meaning "closed after assessment": RC8 no further action, RC9 referred to early help
# (CIN census code set, statutory-rules.md 2.2; RC9 from the 2022-23 census).
CLOSED_AFTER_ASSESSMENT_REASONS = frozenset({"RC8", "RC9"})


def has_value(value: str | None) -> bool:
    """True when an element holds something other than whitespace (absent and empty both count as missing)."""
    return bool(value and value.strip())


def code_of(value: str | None) -> str | None:
    """A code as the file gave it, without surrounding whitespace; None when absent or empty."""
    if value is None:
        return None
    return value.strip() or None


def is_no_further_action(episode: CINDetails) -> bool:
    """The referral is flagged as needing no further action (ReferralNFA true or 1)."""
    return as_flag(episode.referral_nfa) is True


def led_to_further_action(episode: CINDetails) -> bool:
    """The referral is flagged as going on to further action (ReferralNFA false or 0).

    Not simply "not NFA": an absent or unreadable flag is neither (rule 8568 reports it), and rules that
    depend on the flag stay silent rather than guess.
    """
    return as_flag(episode.referral_nfa) is False


def has_closure_date(episode: CINDetails) -> bool:
    """The episode has a CIN closure date (even one that is not a real date: it was meant to be closed)."""
    return has_value(episode.closure_date)


def is_open_further_action_episode(episode: CINDetails) -> bool:
    """An open episode that is a real case: no closure date, and the referral led to further action.

    DfE's rules 8815, 8816 and 8820 single these out: an NFA referral may be left without a closure date,
    but a case that went on to further action is open until it is closed.
    """
    return not has_closure_date(episode) and led_to_further_action(episode)


@dataclass(frozen=True, slots=True)
class EpisodeSpan:
    """The days an episode covers, for overlap checks: referral to closure, or to the census reference date
    while a further-action case is still open."""

    start: date
    end: date
    closed: bool  # False when ``end`` is the reference date standing in for a missing closure date


def episode_span(episode: CINDetails, year: CensusYear) -> EpisodeSpan | None:
    """The episode's span, or None when it has no readable referral date or does not occupy time (an open
    NFA referral, or a closure date that is present but not a real date)."""
    referral = as_date(episode.referral_date)
    if referral is None:
        return None
    closure = as_date(episode.closure_date)
    if closure is not None:
        return EpisodeSpan(referral, closure, closed=True)
    if is_open_further_action_episode(episode):
        return EpisodeSpan(referral, year.reference_date, closed=False)
    return None


def activity_after_assessment(episode: CINDetails) -> Iterator[Hit]:
    """Work recorded on an episode beyond the assessment, one hit per piece, pointing at the element.

    "Activity" here means: a CIN plan (CINPlanDates), a section 47 enquiry (Section47), an initial child
    protection conference recorded on the episode (CINdetails/DateOfInitialCPC) and a child protection plan
    (ChildProtectionPlans). This is what DfE's rule 2990 lists as impossible once a case is closed after
    assessment (RC8/RC9). An ICPC date held inside a Section47 block is part of that enquiry and reported
    with it, not twice.
    """
    for plan in episode.cin_plans:
        yield Hit("CINPlanStartDate", plan.line)
    for enquiry in episode.section47s:
        yield Hit("S47ActualStartDate", enquiry.line)
    if has_value(episode.icpc_date):
        yield Hit("DateOfInitialCPC", episode.line)
    for cp_plan in episode.cp_plans:
        yield Hit("CPPstartDate", cp_plan.line)


def activity_after_referral(episode: CINDetails) -> Iterator[Hit]:
    """Any work recorded on an episode after the referral: an assessment, or any activity beyond assessment.

    A referral with no further action has, by definition, none of these. DfE's wording of rule 8831 names
    assessments, section 47 enquiries and ICPC dates; CIN plans and child protection plans are included too
    because a plan is further action by any reading, so an NFA referral carrying one is equally contradictory.
    """
    for assessment in episode.assessments:
        yield Hit("AssessmentActualStartDate", assessment.line)
    yield from activity_after_assessment(episode)


def starts_during_another(periods: Sequence[tuple[date | None, date | None]]) -> Iterator[int]:
    """The positions of the periods whose start falls on or between the start and end of another period.

    Each period is (start, end). One with no start is never checked and contains nothing; one with no end
    contains nothing (the caller gives an ongoing period the reference date as its end). Used for "an X is
    shown as starting when there is another X ongoing" (8863Q assessments, 8890 section 47 enquiries).
    """
    for index, (start, _) in enumerate(periods):
        if start is None:
            continue
        for other_index, (other_start, other_end) in enumerate(periods):
            if other_index == index or other_start is None or other_end is None:
                continue
            if other_start <= start <= other_end:
                yield index
                break


@lru_cache(maxsize=64)
def last_working_day_before_collection(year: CensusYear) -> date:
    """One working day before the collection starts (1 April): the earliest referral date an NFA referral
    in this return should have (rule 8569Q). Counted on the year's calendar, so bank holidays count."""
    return year.calendar.add_working_days(year.period_start, -1)


@lru_cache(maxsize=64)
def forty_five_working_days_before_year_end(year: CensusYear) -> date:
    """The reference date (31 March) less 45 working days: an assessment started before this and still not
    authorised at the year end has run past the 45 working days it is allowed (rule 8670Q).

    This is DfE's validation threshold, counted back from the census reference date on the year's calendar;
    it is not the assessment clock (core.clocks "assessment"), which counts forward from a referral.
    """
    return year.calendar.add_working_days(year.reference_date, -45)
