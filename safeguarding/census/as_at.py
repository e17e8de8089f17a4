"""A child's census record as it stood on the census reference date (31 March), for exports.

The platform keeps each child's whole journey; a census return is a picture of one year as it stood on its
last day. So an export, like a council's case management system, leaves out:

- what happened after 31 March: a closure, an assessment's authorisation, a conference, a plan's end or a
  review dated later is absent (the episode, assessment, enquiry or plan is shown still open), and anything
  that started later is left out altogether; a child born later is shown as unborn, with that expected date;
  a death recorded later is absent;
- what was finished before the year began (before 31 March of the year before, which DfE counts in): an
  assessment authorised, a CIN or child protection plan ended, an enquiry whose conference was held or found
  not to be needed, or an enquiry left without a conference from an earlier year;
- reviews held outside the year.

Values that are not readable dates are left exactly as they are, so an imported file's own errors survive an
export and the validator finds them again (import -> export -> validate gives the same findings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    Section47,
    as_date,
)
from safeguarding.census.rules.base import CensusYear

# An unborn child's sex in the census: GenderCurrent 0, or from 2024-25 Sex U.
UNBORN_SEX = {"GenderCurrent": "0", "Sex": "U"}


@dataclass(frozen=True)
class _Year:
    first: date  # 31 March of the year before, which DfE counts in
    last: date  # the reference date

    def after(self, value: str | None) -> bool:
        day = as_date(value)
        return day is not None and day > self.last

    def before(self, value: str | None) -> bool:
        day = as_date(value)
        return day is not None and day < self.first

    def within(self, value: str | None) -> bool:
        """In the year, or not a readable date (kept, so the validator reports it)."""
        return not self.after(value) and not self.before(value)

    def unless_after(self, value: str | None) -> str | None:
        return None if self.after(value) else value


def child_as_at(child: ChildRecord, census_year: CensusYear) -> ChildRecord:
    year = _Year(date(census_year.year_end - 1, 3, 31), census_year.reference_date)
    if year.after(child.birth_date):
        child = replace(
            child, birth_date=None, expected_birth_date=child.birth_date, sex=UNBORN_SEX[child.sex_element]
        )
    return replace(
        child,
        death_date=year.unless_after(child.death_date),
        cin_details=[_episode_as_at(episode, year) for episode in child.cin_details],
    )


def _episode_as_at(episode: CINDetails, year: _Year) -> CINDetails:
    closed_later = year.after(episode.closure_date)
    return replace(
        episode,
        closure_date=None if closed_later else episode.closure_date,
        closure_reason=None if closed_later else episode.closure_reason,
        icpc_date=year.unless_after(episode.icpc_date),
        assessments=[
            _assessment_as_at(a, year)
            for a in episode.assessments
            if not year.after(a.start) and not year.before(a.authorised)
        ],
        cin_plans=[
            replace(plan, end=year.unless_after(plan.end))
            for plan in episode.cin_plans
            if not year.after(plan.start) and not year.before(plan.end)
        ],
        section47s=[
            replace(enquiry, icpc_date=year.unless_after(enquiry.icpc_date))
            for enquiry in episode.section47s
            if not year.after(enquiry.start) and not _enquiry_outside_year(enquiry, year)
        ],
        cp_plans=[
            _plan_as_at(plan, year)
            for plan in episode.cp_plans
            if not year.after(plan.start) and not year.before(plan.end)
        ],
    )


def _assessment_as_at(assessment: Assessment, year: _Year) -> Assessment:
    internal_review = year.unless_after(assessment.internal_review)
    if not year.after(assessment.authorised):
        return replace(assessment, internal_review=internal_review)
    # Still open on 31 March: no end, and no factors (they are recorded only for a completed assessment).
    return replace(
        assessment, authorised=None, internal_review=internal_review, has_factors_element=False, factors=[]
    )


def _enquiry_outside_year(enquiry: Section47, year: _Year) -> bool:
    """An enquiry begun before the year that was finished before it (its conference held, or found not
    needed), or that had no conference by the year's end: not part of this year's return."""
    if not year.before(enquiry.start):
        return False
    if as_date(enquiry.icpc_date) is not None and not year.after(enquiry.icpc_date):
        return year.before(enquiry.icpc_date)
    return True


def _plan_as_at(plan: ChildProtectionPlan, year: _Year) -> ChildProtectionPlan:
    reviews = [day for day in plan.review_dates if year.within(day)]
    return replace(
        plan, end=year.unless_after(plan.end), review_dates=reviews, has_reviews_element=bool(reviews)
    )
