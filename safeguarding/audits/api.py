"""The multi-agency audits API: the grade tables (issue 7, section 3).

    GET /api/v1/audits/grades?year=2022-23   the year's grades by round and theme, the year's distribution in
                                            percentages, the comparison with earlier years and the "good or
                                            requires improvement" shares, and the graders' agreement
                                            (Cohen's kappa, pooled over the year); audit.view, codes only

The numbers are the ones the tables page shows (safeguarding.audits.tables). The year is a financial year,
1 April to 31 March, written "2022-23"; anything else, or a year that has not started, gets 422 naming the
query parameter and saying how to write it (the case reviews API's rule).
"""

from __future__ import annotations

from fractions import Fraction

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safeguarding.api.auth import caller_with
from safeguarding.api.foundation import AUTHENTICATED_ERRORS
from safeguarding.api.schemas import ValidationErrorOut
from safeguarding.audits.agreement import YearAgreement, year_agreement
from safeguarding.audits.models import AuditCase
from safeguarding.audits.permissions import VIEW
from safeguarding.audits.selectors.programme import rounds_visible_to
from safeguarding.audits.tables import GradeCounts, YearGrades, year_grades, year_sentences
from safeguarding.reviews.api import ReviewYearIn as AuditGradesYearIn
from safeguarding.reviews.year import financial_year_period

# The year parameter is the case reviews API's own: one financial-year check for both.
router = Router(tags=["Multi-agency audits"])


class AuditGradeCountsOut(Schema):
    """Cases graded at each grade. Cases not yet graded are not counted."""

    outstanding: int
    good: int
    requires_improvement: int
    inadequate: int
    total: int


class AuditGradePercentagesOut(Schema):
    """Each grade's share of the cases graded, a whole percentage rounded on its own (halves up), so they may
    add up to 99 or 101 as in the annual report; all null when nothing was graded."""

    outstanding: int | None
    good: int | None
    requires_improvement: int | None
    inadequate: int | None


class AuditGradesRoundOut(Schema):
    code: str = Field(..., examples=["MAA-2022-23-Q1"])
    quarter: int = Field(..., ge=1, le=4)
    theme: str = Field(..., description="The theme's code")
    theme_label: str = Field(
        ..., description="The theme as the report names it", examples=["JTAI-Exploitation"]
    )
    counts: AuditGradeCountsOut
    good_or_requires_improvement_percent: int | None


class AuditGradesYearRowOut(Schema):
    year: str = Field(..., examples=["2021-22"])
    counts: AuditGradeCountsOut
    percentages: AuditGradePercentagesOut


class AuditGradesChangeOut(Schema):
    grade: str
    label: str
    this_year_percent: int | None
    previous_year_percent: int | None
    points: int | None = Field(..., description="The change in percentage points")


class AuditAgreementOut(Schema):
    """Cohen's kappa between two auditors grading the same cases independently, pooled over the year's rounds
    that the moderation panel has met on (earlier rounds' independent grades are still hidden)."""

    rounds_pooled: int
    cases_double_marked: int
    kappa: float | None = Field(..., description="Null when no case was double marked, or kappa is undefined")
    observed_agreement: float | None
    chance_agreement: float | None
    explanation: str = Field(..., description="Why there is no kappa; empty when there is one")


class AuditGradesOut(Schema):
    """A financial year's audit grades: Table 1 (rounds), the totals, Table 2 (the year and every earlier year
    with grades, latest first), the change against the previous year with grades, and the sentences the
    tables page writes from the numbers."""

    year: str = Field(..., examples=["2022-23"])
    rounds: list[AuditGradesRoundOut]
    totals: AuditGradeCountsOut
    percentages: AuditGradePercentagesOut
    good_or_requires_improvement_percent: int | None
    comparison: list[AuditGradesYearRowOut]
    previous_year: str | None
    changes: list[AuditGradesChangeOut]
    sentences: list[str]
    agreement: AuditAgreementOut


def _counts(counts: GradeCounts) -> AuditGradeCountsOut:
    return AuditGradeCountsOut(**counts.as_dict(), total=counts.total)


def _percentages(counts: GradeCounts) -> AuditGradePercentagesOut:
    return AuditGradePercentagesOut(
        outstanding=counts.percentages[0],
        good=counts.percentages[1],
        requires_improvement=counts.percentages[2],
        inadequate=counts.percentages[3],
    )


def _fraction(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def agreement_out(year: YearAgreement) -> AuditAgreementOut:
    agreement = year.agreement
    return AuditAgreementOut(
        rounds_pooled=year.rounds_pooled,
        cases_double_marked=agreement.n,
        kappa=_fraction(agreement.kappa),
        observed_agreement=_fraction(agreement.p_o),
        chance_agreement=_fraction(agreement.p_e),
        explanation=agreement.explanation,
    )


def grades_out(grades: YearGrades, agreement: YearAgreement) -> AuditGradesOut:
    previous = grades.previous
    return AuditGradesOut(
        year=grades.year,
        rounds=[
            AuditGradesRoundOut(
                code=row.code,
                quarter=row.quarter,
                theme=row.theme,
                theme_label=row.theme_label,
                counts=_counts(row.counts),
                good_or_requires_improvement_percent=row.good_or_ri_percent,
            )
            for row in grades.rounds
        ],
        totals=_counts(grades.totals),
        percentages=_percentages(grades.totals),
        good_or_requires_improvement_percent=grades.good_or_ri_percent,
        comparison=[
            AuditGradesYearRowOut(
                year=row.year, counts=_counts(row.counts), percentages=_percentages(row.counts)
            )
            for row in grades.comparison
        ],
        previous_year=previous.year if previous is not None else None,
        changes=[
            AuditGradesChangeOut(
                grade=change.grade,
                label=change.label,
                this_year_percent=change.this_year,
                previous_year_percent=change.last_year,
                points=change.points,
            )
            for change in grades.changes
        ],
        sentences=year_sentences(grades),
        agreement=agreement_out(agreement),
    )


@router.get(
    "/audits/grades",
    response={200: AuditGradesOut, 422: ValidationErrorOut, **AUTHENTICATED_ERRORS},
    summary="Multi-agency audits: the year's grades",
    url_name="audits-grades",
    # "2022-24" has the shape the pattern states but is not a financial year: a schema-valid year may still
    # get 422. The schemathesis tests read this mark.
    openapi_extra={"x-rules-beyond-schema": True},
)
def grades(request: HttpRequest, query: Query[AuditGradesYearIn]) -> AuditGradesOut:
    """The panel's grades for one financial year, as the annual report's Tables 1 and 2 give them, counted
    over the rounds the token's role may see (permission `audit.view`; audit codes only, never a child)."""
    caller = caller_with(request, VIEW)
    found = year_grades(caller.actor, financial_year_period(query.year).key)
    caller.about_list(AuditCase, found.totals.total)
    caller.details["year"] = found.year
    return grades_out(found, year_agreement(found.year, rounds_visible_to(caller.actor)))
