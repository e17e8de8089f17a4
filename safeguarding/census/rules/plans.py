"""CIN census validation rules for CIN plans (<CINPlanDates>): see base.py for how rules are written.

A CIN plan is the plan for a child in need under section 17 who is not on a child protection plan; the
census has collected its start and end dates since 2022. The rules check each plan's own dates, that it
belongs to an episode that went on to further action, and that a child has at most one CIN plan, and no
child protection plan, running at any one time. Rule texts: cin-validator-rules.tsv (DfE 2022-23 rules).
"""

from __future__ import annotations

from collections.abc import Iterator

from safeguarding.census.records import ChildRecord, as_date
from safeguarding.census.rules.base import CensusYear, Hit, child_rule
from safeguarding.census.rules.episode_facts import is_no_further_action
from safeguarding.census.rules.intervals import (
    cin_plans_of,
    cp_plans_of,
    is_open,
    spans_of,
    starts_inside_another,
)

MODULE = "CINplanDates"


@child_rule("4000", MODULE, "CIN Plan details provided for a referral with no further action")
def _cin_plan_on_nfa_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """An episode flagged as a referral with no further action has a CIN plan."""
    for episode in child.cin_details:
        if episode.cin_plans and is_no_further_action(episode):
            yield Hit("CINPlanDates", episode.cin_plans[0].line)


@child_rule("4001", MODULE, "A CIN Plan cannot run concurrently with a Child Protection Plan")
def _open_cin_plan_with_open_cp_plan(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The child has a CIN plan and a child protection plan both without an end date."""
    # DfE words this within one <CINdetails>; two open plans are concurrent whichever episodes hold them,
    # so every episode of the child is looked at (one hit per open CIN plan).
    if not any(is_open(plan) for _, plan in cp_plans_of(child)):
        return
    for _, plan in cin_plans_of(child):
        if is_open(plan):
            yield Hit("CINPlanEndDate", plan.line)


@child_rule("4004", MODULE, "This child is showing more than one open CIN Plan, i.e. with no End Date")
def _several_open_cin_plans(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """The child has more than one CIN plan without an end date (reported once, at the second)."""
    open_plans = [plan for _, plan in cin_plans_of(child) if is_open(plan)]
    if len(open_plans) > 1:
        yield Hit("CINPlanEndDate", open_plans[1].line)


@child_rule("4010", MODULE, "CIN Plan start date is missing or out of data collection period")
def _cin_plan_start_missing_or_late(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan has no real start date, or starts after the census reference date."""
    # DfE: the start must be present and on or before <ReferenceDate>; a plan may have started in an
    # earlier year, so there is no lower bound.
    for _, plan in cin_plans_of(child):
        start = as_date(plan.start)
        if start is None or start > year.reference_date:
            yield Hit("CINPlanStartDate", plan.line)


@child_rule("4011", MODULE, "CIN Plan End Date earlier than Start Date")
def _cin_plan_ends_before_start(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan's end date is before its start date."""
    for _, plan in cin_plans_of(child):
        start, end = as_date(plan.start), as_date(plan.end)
        if start and end and end < start:
            yield Hit("CINPlanEndDate", plan.line)


@child_rule(
    "4012Q",
    MODULE,
    "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same "
    "day",
)
def _cin_plan_starts_and_ends_same_day(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan starts and ends on the same day."""
    for _, plan in cin_plans_of(child):
        start, end = as_date(plan.start), as_date(plan.end)
        if start and end and start == end:
            yield Hit("CINPlanEndDate", plan.line)


@child_rule("4013", MODULE, "CIN Plan end date must fall within the census year")
def _cin_plan_end_outside_year(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan's end date, where there is one, is outside the census year."""
    for _, plan in cin_plans_of(child):
        end = as_date(plan.end)
        if end is not None and not year.in_period(end):
            yield Hit("CINPlanEndDate", plan.line)


@child_rule("4014", MODULE, "CIN Plan data contains overlapping dates")
def _cin_plans_overlap(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan starts on or between the start and end of another of the child's CIN plans."""
    plans = spans_of((plan for _, plan in cin_plans_of(child)), year)
    for plan in starts_inside_another(plans):
        yield Hit("CINPlanStartDate", plan.line)


@child_rule("4015", MODULE, "The CIN Plan start date cannot be before the referral date")
def _cin_plan_before_referral(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan starts before the referral date of its episode."""
    for episode, plan in cin_plans_of(child):
        start, referral = as_date(plan.start), as_date(episode.referral_date)
        if start and referral and start < referral:
            yield Hit("CINPlanStartDate", plan.line)


@child_rule(
    "4016", MODULE, "A CIN Plan has been reported as open at the same time as a Child Protection Plan."
)
def _cin_plan_starts_during_cp_plan(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A CIN plan starts while one of the child's child protection plans is running."""
    # DfE: the CIN plan's start may not fall from a CP plan's start up to its end (or the reference date
    # while it is open), unless it is the CP plan's end date: stepping down to a CIN plan the day the child
    # protection plan ends is the usual, correct, sequence.
    cp_plans = spans_of((plan for _, plan in cp_plans_of(child)), year)
    for _, plan in cin_plans_of(child):
        start = as_date(plan.start)
        if start and any(span.holds(start, end_included=False) for _, span in cp_plans):
            yield Hit("CINPlanStartDate", plan.line)


@child_rule(
    "4017", MODULE, "A CIN Plan has been reported as open at the same time as a Child Protection Plan."
)
def _cp_plan_starts_during_cin_plan(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    """A child protection plan starts while one of the child's CIN plans is running."""
    # The other direction of 4016: a CP plan may start the day a CIN plan ends (stepping up), not inside it.
    cin_plans = spans_of((plan for _, plan in cin_plans_of(child)), year)
    for _, plan in cp_plans_of(child):
        start = as_date(plan.start)
        if start and any(span.holds(start, end_included=False) for _, span in cin_plans):
            yield Hit("CPPstartDate", plan.line)
