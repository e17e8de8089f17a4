"""CIN census validation rules for section 47 enquiries (<Section47>): see base.py for how rules are written.

A section 47 enquiry (Children Act 1989 s47) starts at a strategy discussion and ends either with an initial
child protection conference (ICPC, DateOfInitialCPC) or with the flag saying none is required
(ICPCnotRequired). The ICPC date may also be held on the episode itself (CINdetails/DateOfInitialCPC) where
there is no Section47 block; rules about "the date of the initial child protection conference" check it
wherever it is held. Rule texts: cin-validator-rules.tsv (DfE 2022-23 rules).
"""

from __future__ import annotations

from collections.abc import Iterator

from safeguarding.census.records import ChildRecord, CINDetails, Section47, as_date, as_flag
from safeguarding.census.rules.base import CensusYear, Hit, child_rule
from safeguarding.census.rules.episode_facts import has_value
from safeguarding.core.calendar import is_weekend

MODULE = "Section47"

# DfE 8675Q: an enquiry still without a conference is queried once it started more than this many working
# days before the reference date (the ICPC is due within 15 working days: core.clocks "icpc").
ICPC_QUERY_WORKING_DAYS = 15


def _enquiries(child: ChildRecord) -> Iterator[tuple[CINDetails, Section47]]:
    for episode in child.cin_details:
        for enquiry in episode.section47s:
            yield episode, enquiry


def conference_dates(child: ChildRecord) -> Iterator[tuple[CINDetails, str | None, int]]:
    """Every recorded ICPC date, on a Section47 block or on the episode, with its episode and line."""
    for episode in child.cin_details:
        for enquiry in episode.section47s:
            if has_value(enquiry.icpc_date):
                yield episode, enquiry.icpc_date, enquiry.line
        if has_value(episode.icpc_date):
            yield episode, episode.icpc_date, episode.line


def _awaiting_conference(enquiry: Section47) -> bool:
    """No conference date, and the enquiry says a conference is required (ICPCnotRequired false or 0)."""
    return not has_value(enquiry.icpc_date) and as_flag(enquiry.icpc_not_required) is False


def _still_open(enquiry: Section47) -> bool:
    """Neither a conference date nor the flag saying no conference is required: the enquiry is ongoing."""
    return not has_value(enquiry.icpc_date) and as_flag(enquiry.icpc_not_required) is not True


@child_rule(
    "1104", MODULE, "The date of the initial child protection conference cannot be before the referral date"
)
def _conference_before_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An initial child protection conference is dated before the referral of its episode."""
    for episode, conference_date, line in conference_dates(child):
        conference, referral = as_date(conference_date), as_date(episode.referral_date)
        if conference and referral and conference < referral:
            yield Hit("DateOfInitialCPC", line)


@child_rule(
    "2884",
    MODULE,
    "An initial child protection conference is recorded at both the S47 and CIN Details level and it should "
    "only be recorded in one",
)
def _conference_recorded_twice(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The episode's own ICPC date repeats the ICPC date of one of its section 47 enquiries."""
    # The same conference entered twice: the episode-level date equals a Section47-level date.
    for episode in child.cin_details:
        on_episode = as_date(episode.icpc_date)
        if on_episode and any(as_date(e.icpc_date) == on_episode for e in episode.section47s):
            yield Hit("DateOfInitialCPC", episode.line)


@child_rule("2889", MODULE, "The S47 start date cannot be before the referral date.")
def _enquiry_before_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A section 47 enquiry starts before the referral date of its episode."""
    for episode, enquiry in _enquiries(child):
        start, referral = as_date(enquiry.start), as_date(episode.referral_date)
        if start and referral and start < referral:
            yield Hit("S47ActualStartDate", enquiry.line)


@child_rule(
    "8615",
    MODULE,
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child "
    "Protection Conference",
)
def _enquiry_start_missing_or_after_conference(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An enquiry with a conference date has no real start date, or starts after its conference."""
    for _, enquiry in _enquiries(child):
        conference = as_date(enquiry.icpc_date)
        if conference is None:
            continue
        start = as_date(enquiry.start)
        if start is None or start > conference:
            yield Hit("S47ActualStartDate", enquiry.line)


@child_rule(
    "8675Q",
    MODULE,
    "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days "
    "before the end of the census year. However, there is no date of Initial Child Protection Conference.",
)
def _enquiry_overdue_for_conference(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An enquiry needing a conference started more than 15 working days before the year end but has none."""
    # DfE: with no DateOfInitialCPC and ICPCnotRequired false, S47ActualStartDate should not be before the
    # ReferenceDate minus 15 working days. Counted back on the year's calendar, so bank holidays are skipped.
    cutoff = year.calendar.add_working_days(year.reference_date, -ICPC_QUERY_WORKING_DAYS)
    for _, enquiry in _enquiries(child):
        start = as_date(enquiry.start)
        if start and start < cutoff and _awaiting_conference(enquiry):
            yield Hit("DateOfInitialCPC", enquiry.line)


@child_rule("8715", MODULE, "Date of Initial Child Protection Conference must fall within the census year")
def _conference_outside_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An initial child protection conference date, wherever recorded, is outside the census year."""
    for _, conference_date, line in conference_dates(child):
        conference = as_date(conference_date)
        if conference and not year.in_period(conference):
            yield Hit("DateOfInitialCPC", line)


@child_rule(
    "8740",
    MODULE,
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the "
    "census year, the start date must fall within the census year",
)
def _unfinished_enquiry_started_before_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An enquiry still awaiting its conference at the year end started outside the census year."""
    for _, enquiry in _enquiries(child):
        start = as_date(enquiry.start)
        if start and _awaiting_conference(enquiry) and not year.in_period(start):
            yield Hit("S47ActualStartDate", enquiry.line)


@child_rule("8839", MODULE, "Within one CINDetails group there are 2 or more open S47 Assessments")
def _several_open_enquiries(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode has more than one ongoing enquiry (reported once per episode, at the second)."""
    for episode in child.cin_details:
        ongoing = [enquiry for enquiry in episode.section47s if _still_open(enquiry)]
        if len(ongoing) > 1:
            yield Hit("DateOfInitialCPC", ongoing[1].line)


@child_rule(
    "8870Q",
    MODULE,
    "Please check and either amend or provide a reason: The Target Date for Initial Child Protection "
    "Conference should not be a weekend",
)
def _conference_target_at_weekend(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An enquiry's target date for the initial conference is a Saturday or Sunday."""
    for _, enquiry in _enquiries(child):
        target = as_date(enquiry.icpc_target)
        if target and is_weekend(target):
            yield Hit("InitialCPCtarget", enquiry.line)


@child_rule("8875", MODULE, "The Date of Initial Child Protection Conference cannot be a weekend")
def _conference_at_weekend(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An initial child protection conference, wherever recorded, is dated on a Saturday or Sunday."""
    for _, conference_date, line in conference_dates(child):
        conference = as_date(conference_date)
        if conference and is_weekend(conference):
            yield Hit("DateOfInitialCPC", line)
