"""CIN census validation rules for child protection plans (<ChildProtectionPlans>) and their review
conferences (<Reviews>): see base.py for how rules are written.

A child protection plan starts at the initial child protection conference (ICPC) and runs until a review
conference ends it; its reviews are listed in <Reviews>/<CPPreviewDate>. The rules check each plan's dates
and codes, that it follows from a conference and a referral that went on to further action, that no work is
recorded after the episode closed, and that a child has one child protection plan at a time and no CIN plan
running beside it. Rule texts: cin-validator-rules.tsv (DfE 2022-23 rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from safeguarding.census.records import ChildRecord, CINDetails, as_date
from safeguarding.census.rules.base import CensusYear, Hit, ReturnCheck, child_rule, return_rule
from safeguarding.census.rules.episode_facts import code_of, is_no_further_action
from safeguarding.census.rules.intervals import (
    cin_plans_of,
    cp_plans_of,
    is_open,
    spans_of,
    starts_inside_another,
)
from safeguarding.census.rules.section47 import conference_dates

MODULE = "ChildProtectionPlans"
REVIEWS_MODULE = "Reviews"

# Category of abuse (InitialCategoryOfAbuse, LatestCategoryOfAbuse): neglect, physical, sexual, emotional,
# multiple. Source: the CIN census XSD code list (cin-2022.xsd), statutory-rules.md section 2.2.
ABUSE_CATEGORIES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})


@child_rule("1105", MODULE, "The child protection plan start date cannot be before the referral date")
def _cp_plan_before_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan starts before the referral date of its episode."""
    for episode, plan in cp_plans_of(child):
        start, referral = as_date(plan.start), as_date(episode.referral_date)
        if start and referral and start < referral:
            yield Hit("CPPstartDate", plan.line)


@return_rule(
    "2883", MODULE, "There are more child protection plans starting than initial conferences taking place"
)
class _MorePlansThanConferences(ReturnCheck):
    """Across the whole return, more child protection plans start in the census year than initial
    conferences are held in it (a plan starts at a conference, so there cannot be more plans)."""

    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self.plans_started = 0
        self.conferences_held = 0

    def observe(self, child: ChildRecord) -> None:
        # DfE counts dates present and within the census period: CP plan starts against ICPC dates on both
        # the CINdetails and the Section47 blocks.
        self.plans_started += self._in_year(plan.start for _, plan in cp_plans_of(child))
        self.conferences_held += self._in_year(held for _, held, _ in conference_dates(child))

    def _in_year(self, values: Iterable[str | None]) -> int:
        return sum(1 for value in values if (day := as_date(value)) and self.year.in_period(day))

    def finish(self) -> Iterator[tuple[str | None, Hit]]:
        if self.plans_started > self.conferences_held:
            yield None, Hit("CPPstartDate")


@child_rule(
    "2885",
    MODULE,
    "Child protection plan shown as starting a different day to the initial child protection conference.",
)
def _cp_plan_not_on_conference_day(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A plan starting in the census year does not start on the day of an conference of its episode."""
    # DfE: the start should equal a Section47 DateOfInitialCPC or, where the conference is recorded on the
    # episode instead, the CINdetails DateOfInitialCPC. A plan whose episode records no conference at all
    # cannot match one, so it is reported too.
    for episode, plan in cp_plans_of(child):
        start = as_date(plan.start)
        if start and year.in_period(start) and start not in _conference_days(episode):
            yield Hit("CPPstartDate", plan.line)


def _conference_days(episode: CINDetails) -> set[date]:
    held = [enquiry.icpc_date for enquiry in episode.section47s] + [episode.icpc_date]
    return {day for value in held if (day := as_date(value))}


@child_rule("8565", MODULE, "Activity shown after a case has been closed")
def _activity_after_closure(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """Work on an episode is dated after the episode's closure date (one hit per date, at that element)."""
    for episode in child.cin_details:
        closed = as_date(episode.closure_date)
        if closed is None:
            continue
        for element, value, line in _activity_dates(episode):
            day = as_date(value)
            if day and day > closed:
                yield Hit(element, line)


def _activity_dates(episode: CINDetails) -> Iterator[tuple[str, str | None, int]]:
    """The dates DfE's rule 8565 lists as activity that must be on or before the closure date."""
    for assessment in episode.assessments:
        yield "AssessmentActualStartDate", assessment.start, assessment.line
        yield "AssessmentAuthorisationDate", assessment.authorised, assessment.line
    for enquiry in episode.section47s:
        yield "S47ActualStartDate", enquiry.start, enquiry.line
        yield "DateOfInitialCPC", enquiry.icpc_date, enquiry.line
    yield "DateOfInitialCPC", episode.icpc_date, episode.line
    for plan in episode.cp_plans:
        yield "CPPendDate", plan.end, plan.line
    for cin_plan in episode.cin_plans:
        yield "CINPlanStartDate", cin_plan.start, cin_plan.line
        yield "CINPlanEndDate", cin_plan.end, cin_plan.line


@child_rule("8720", MODULE, "Child Protection Plan Start Date missing or out of data collection period")
def _cp_plan_start_missing_or_late(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan has no real start date, or starts after the census reference date."""
    # DfE: present and on or before <ReferenceDate>; plans started in earlier years are still returned.
    for _, plan in cp_plans_of(child):
        start = as_date(plan.start)
        if start is None or start > year.reference_date:
            yield Hit("CPPstartDate", plan.line)


@child_rule("8730", MODULE, "Total Number of previous Child Protection Plans missing")
def _previous_plans_missing(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A plan does not give the number of previous child protection plans as a whole number, 0 or more."""
    for _, plan in cp_plans_of(child):
        if not _is_count(plan.number_of_previous):
            yield Hit("NumberOfPreviousCPP", plan.line)


def _is_count(value: str | None) -> bool:
    text = code_of(value)
    return text is not None and text.isascii() and text.isdigit()


@child_rule("8832", MODULE, "Child Protection details provided for a referral with no further action.")
def _cp_plan_on_nfa_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode flagged as a referral with no further action has a child protection plan."""
    for episode in child.cin_details:
        if episode.cp_plans and is_no_further_action(episode):
            yield Hit("ChildProtectionPlans", episode.cp_plans[0].line)


@child_rule("8840", MODULE, "Child Protection Plan cannot start and end on the same day")
def _cp_plan_starts_and_ends_same_day(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan starts and ends on the same day."""
    for _, plan in cp_plans_of(child):
        start, end = as_date(plan.start), as_date(plan.end)
        if start and end and start == end:
            yield Hit("CPPendDate", plan.line)


@child_rule(
    "8841",
    MODULE,
    "The review date cannot be on the same day or before the Child protection Plan start date.",
)
def _review_not_after_plan_start(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A review conference is dated on or before the start of its plan (one hit per such review)."""
    for _, plan in cp_plans_of(child):
        start = as_date(plan.start)
        if start is None:
            continue
        for review in plan.review_dates:
            reviewed = as_date(review)
            if reviewed and reviewed <= start:
                yield Hit("CPPreviewDate", plan.line)


@child_rule(
    "8905",
    MODULE,
    "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
)
def _initial_category_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A plan's initial category of abuse is missing or not one of NEG, PHY, SAB, EMO, MUL."""
    for _, plan in cp_plans_of(child):
        if code_of(plan.initial_category) not in ABUSE_CATEGORIES:
            yield Hit("InitialCategoryOfAbuse", plan.line)


@child_rule(
    "8910",
    MODULE,
    "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
)
def _latest_category_invalid(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A plan's latest category of abuse is missing or not one of NEG, PHY, SAB, EMO, MUL."""
    for _, plan in cp_plans_of(child):
        if code_of(plan.latest_category) not in ABUSE_CATEGORIES:
            yield Hit("LatestCategoryOfAbuse", plan.line)


# DfE's texts for 8915 and 8920 write "child's" with a typographic apostrophe (U+2019), kept as \u2019.
@child_rule("8915", MODULE, "Child Protection Plan shown as starting after the child\u2019s Date of Death")
def _cp_plan_starts_after_death(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan starts after the child's date of death."""
    died = as_date(child.death_date)
    if died is None:
        return
    for _, plan in cp_plans_of(child):
        start = as_date(plan.start)
        if start and start > died:
            yield Hit("CPPstartDate", plan.line)


@child_rule("8920", MODULE, "Child Protection Plan cannot end after the child\u2019s Date of Death")
def _cp_plan_ends_after_death(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan ends after the child's date of death."""
    died = as_date(child.death_date)
    if died is None:
        return
    for _, plan in cp_plans_of(child):
        end = as_date(plan.end)
        if end and end > died:
            yield Hit("CPPendDate", plan.line)


@child_rule("8925", MODULE, "Child Protection Plan End Date earlier than Start Date")
def _cp_plan_ends_before_start(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan's end date is before its start date."""
    for _, plan in cp_plans_of(child):
        start, end = as_date(plan.start), as_date(plan.end)
        if start and end and end < start:
            yield Hit("CPPendDate", plan.line)


@child_rule("8930", MODULE, "Child Protection Plan End Date must fall within the census year")
def _cp_plan_end_outside_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan's end date, where there is one, is outside the census year."""
    for _, plan in cp_plans_of(child):
        end = as_date(plan.end)
        if end is not None and not year.in_period(end):
            yield Hit("CPPendDate", plan.line)


@child_rule(
    "8935", MODULE, "This child is showing more than one open Child Protection plan, i.e. with no End Date"
)
def _several_open_cp_plans(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The child has more than one child protection plan with no end date (reported once, at the second)."""
    open_plans = [plan for _, plan in cp_plans_of(child) if is_open(plan)]
    if len(open_plans) > 1:
        yield Hit("CPPendDate", open_plans[1].line)


@child_rule("8940", MODULE, "Child Protection Plan data contains overlapping dates")
def _cp_plans_overlap(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan starts on or between the start and end of another of the child's plans."""
    plans = spans_of((plan for _, plan in cp_plans_of(child)), year)
    for plan in starts_inside_another(plans):
        yield Hit("CPPstartDate", plan.line)


@child_rule(
    "4003", REVIEWS_MODULE, "A CPP review date is shown as being held at the same time as an open CIN Plan."
)
def _review_during_cin_plan(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection review is held while one of the child's CIN plans is running."""
    # DfE: no CPPreviewDate may fall from a CIN plan's start up to its end (or the reference date while it
    # is open), unless the review is the one that ended the child protection plan (review date = CPPendDate):
    # that review may step the child down to a CIN plan starting the same day.
    cin_plans = spans_of((plan for _, plan in cin_plans_of(child)), year)
    if not cin_plans:
        return
    for _, plan in cp_plans_of(child):
        ended = as_date(plan.end)
        for review in plan.review_dates:
            reviewed = as_date(review)
            if reviewed is None or reviewed == ended:
                continue
            if any(span.holds(reviewed, end_included=False) for _, span in cin_plans):
                yield Hit("CPPreviewDate", plan.line)


@child_rule(
    "8842Q",
    REVIEWS_MODULE,
    "Please check and either amend or provide a reason: Review Record has a missing date",
)
def _review_without_date(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A <Reviews> block holds a review with no real date, or holds no review date at all."""
    for _, plan in cp_plans_of(child):
        if not plan.has_reviews_element:
            continue
        if not plan.review_dates:
            yield Hit("CPPreviewDate", plan.line)
        for review in plan.review_dates:
            if as_date(review) is None:
                yield Hit("CPPreviewDate", plan.line)
