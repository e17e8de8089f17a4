"""Plans as spans of time, for the census rules that compare plans with each other and with other dates.

A CIN plan (<CINPlanDates>) and a child protection plan (<ChildProtectionPlans>) each have a start date and,
once they have ended, an end date. A plan with no end date is *open*: it was still running on the census
reference date (31 March), so the DfE rules measure it as running up to that date (rules 4014, 4016, 4017,
8940: "... and <ReferenceDate> if <CPPendDate> is not present").

Values in the records are the raw text of the file (records.py); a plan whose start, or whose end when it has
one, is not a real date has no span here, and the overlap rules leave it to the rules that report bad dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from safeguarding.census.records import ChildProtectionPlan, ChildRecord, CINDetails, CINPlan, as_date
from safeguarding.census.rules.base import CensusYear
from safeguarding.census.rules.episode_facts import has_value


class Plan(Protocol):
    """What the two kinds of plan have in common: raw start and end text, and the line they start on."""

    @property
    def start(self) -> str | None: ...

    @property
    def end(self) -> str | None: ...

    @property
    def line(self) -> int: ...


P = TypeVar("P", bound=Plan)


def is_open(plan: Plan) -> bool:
    """The plan has no end date (the element absent or empty): it was still running at the reference date.

    An end date that is present but not a real date does not make a plan open: someone meant to end it.
    """
    return not has_value(plan.end)


@dataclass(frozen=True, slots=True)
class Span:
    """The days a plan covers: its start to its end date, or to the reference date while it is open."""

    start: date
    last: date  # the end date, or the census reference date for an open plan
    open: bool

    def holds(self, day: date, *, end_included: bool) -> bool:
        """Whether ``day`` falls inside the plan.

        ``end_included`` says whether the end date itself counts. DfE's overlap rules differ on this: a
        second plan may not start on the day another ends (4014, 8940), but a CIN plan may start the day a
        child protection plan ends, and the other way round (4016, 4017: "unless ... is equal to ... end").
        An open plan runs through the reference date itself whichever applies.
        """
        if day < self.start:
            return False
        if self.open or end_included:
            return day <= self.last
        return day < self.last


def span_of(plan: Plan, year: CensusYear) -> Span | None:
    """The plan's span, or None when its start (or its end, if it has one) is not a real date."""
    start = as_date(plan.start)
    if start is None:
        return None
    if is_open(plan):
        return Span(start, year.reference_date, open=True)
    end = as_date(plan.end)
    if end is None:
        return None
    return Span(start, end, open=False)


def cin_plans_of(child: ChildRecord) -> Iterator[tuple[CINDetails, CINPlan]]:
    """Every CIN plan of the child, across all episodes, with the episode it belongs to."""
    for episode in child.cin_details:
        for plan in episode.cin_plans:
            yield episode, plan


def cp_plans_of(child: ChildRecord) -> Iterator[tuple[CINDetails, ChildProtectionPlan]]:
    """Every child protection plan of the child, across all episodes, with the episode it belongs to."""
    for episode in child.cin_details:
        for plan in episode.cp_plans:
            yield episode, plan


def spans_of(plans: Iterable[P], year: CensusYear) -> list[tuple[P, Span]]:
    """The plans that have a readable span, each with it (plans without one are left out)."""
    found: list[tuple[P, Span]] = []
    for plan in plans:
        span = span_of(plan, year)
        if span is not None:
            found.append((plan, span))
    return found


def starts_inside_another(plans: list[tuple[P, Span]]) -> Iterator[P]:
    """Each plan whose start date falls inside another plan of the same kind, end dates included.

    DfE rules 4014 (CIN plans) and 8940 (child protection plans): where a child has several plans, the
    start of each may not fall within any other's start to end (or to the reference date while it is open).
    Two plans starting on the same day are both reported. A plan is never compared with itself.
    """
    for plan, span in plans:
        if any(
            other is not plan and other_span.holds(span.start, end_included=True)
            for other, other_span in plans
        ):
            yield plan
