"""The case reviews API: the year in numbers (issue 6, section 6).

    GET /api/v1/reviews/summary?year=2022-23   the year's counts and the annual report's words for them
                                              (needs review.view; codes and counts only, never identity)

The year is a financial year, 1 April to 31 March, written "2022-23". Anything else, or a year that has not
started, gets 422 naming the query parameter and saying how to write it.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from safeguarding.api.auth import caller_with
from safeguarding.api.foundation import AUTHENTICATED_ERRORS
from safeguarding.api.schemas import ValidationErrorOut
from safeguarding.reviews.models import CaseReview
from safeguarding.reviews.selectors import VIEW
from safeguarding.reviews.year import YEAR_PATTERN, ReviewYear, YearError, financial_year_period, review_year

router = Router(tags=["Case reviews"])


class ReviewYearIn(Schema):
    year: str = Field(
        ...,
        pattern=YEAR_PATTERN,
        description="A financial year (1 April to 31 March), written like 2022-23; not one still to start",
        examples=["2022-23"],
    )

    @field_validator("year", mode="before")
    @classmethod
    def _a_financial_year(cls, value: object) -> str:
        try:
            return financial_year_period(str(value)).key
        except YearError as wrong:
            raise PydanticCustomError("financial_year", str(wrong)) from wrong


class ReviewYearCountOut(Schema):
    code: str
    label: str
    count: int


class ReviewYearPauseOut(Schema):
    reason: str
    label: str
    reviews: int = Field(..., description="Reviews paused for this reason at some time in the year")
    days_lost: int = Field(..., description="Calendar days those pauses lost within the year")


class ReviewYearOut(Schema):
    """The year's case reviews in numbers. "At the year's end" means `as_of`: 31 March, or today while the
    year is still running (`complete` false)."""

    year: str = Field(..., examples=["2022-23"])
    first_day: date
    last_day: date
    as_of: date
    complete: bool
    referrals: int = Field(..., description="Cases the partnership became aware of in the year")
    referrals_by_kind: list[ReviewYearCountOut]
    rapid_reviews: int = Field(..., description="Rapid review meetings held in the year")
    notified: int = Field(..., description="Cases notified to the National Panel in the year")
    decisions: int = Field(..., description="Executive decisions on a local review made in the year")
    decisions_late: int = Field(
        ..., description="Of those, made after the decision's due date (see docs/clocks.md)"
    )
    local_reviews_started: int = Field(..., description="Local reviews whose terms were agreed in the year")
    local_reviews_completed: int = Field(..., description="Local reviews whose final report was done")
    local_reviews_published: int
    alternative_reviews: int = Field(..., description="Decisions in the year for an alternative review")
    alternative_reviews_by_type: list[ReviewYearCountOut]
    reviews_paused: int
    pauses_by_reason: list[ReviewYearPauseOut]
    days_lost: int
    recommendations_agreed: int
    recommendations_open: int = Field(..., description="Recommendations still open at the year's end")
    actions_total: int = Field(..., description="Actions of the recommendations agreed by the year's end")
    actions_completed: int = Field(..., description="Of those, completed and closed in the year")
    actions_overdue: int = Field(..., description="Of those, due before the year's end and not closed by it")
    action_plans_completed: int = Field(
        ..., description="Reviews whose last open action was closed in the year"
    )
    themes: list[ReviewYearCountOut] = Field(..., description="Recommendations agreed in the year, per theme")
    prose: list[str] = Field(..., description="The year in the annual report's words, one paragraph each")


@router.get(
    "/reviews/summary",
    response={200: ReviewYearOut, 422: ValidationErrorOut, **AUTHENTICATED_ERRORS},
    summary="Case reviews: the year in numbers",
    url_name="reviews-year-summary",
    # "2022-24" has the shape the pattern states but is not a financial year: a schema-valid year may still
    # get 422. The schemathesis tests read this mark.
    openapi_extra={"x-rules-beyond-schema": True},
)
def year_summary(request: HttpRequest, query: Query[ReviewYearIn]) -> ReviewYear:
    """Referrals considered, rapid reviews, notifications, local and alternative reviews, pauses,
    recommendations, actions and themes for one financial year, counted over the reviews the token's role may
    see (permission `review.view`), with the annual report's words for them in `prose`."""
    caller = caller_with(request, VIEW)
    summary = review_year(caller.actor, financial_year_period(query.year))
    caller.about_list(CaseReview, summary.referrals)
    caller.details["year"] = summary.year
    return summary
