"""The year in numbers page for case reviews (issue 6, section 6). Its URLs come before /reviews/<code>/.

    /reviews/year/            the latest financial year with anything recorded (or the current one); with
                              ?year=2022-23 (the year picker) that year
    /reviews/year/2022-23/    one financial year: the annual report's words beside the numbers

Permission review.view: review codes and counts only, never who a review is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.core.forms import GovukForm
from safeguarding.frontdoor.measures import Period
from safeguarding.reviews.selectors import VIEW
from safeguarding.reviews.year import (
    ReviewYear,
    YearError,
    financial_year_period,
    latest_year_with_data,
    review_year,
    year_prose,
    years_to_choose,
)

AREA = "case-reviews"


class YearForm(GovukForm):
    """The year picker: a list of the years with reviews, checked by the same rule as the API."""

    year = forms.CharField(label="Financial year", widget=forms.Select)

    def __init__(self, *args: Any, years: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(year.key, year.label) for year in years]
        widget = self.fields["year"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices
        self.fields["year"].error_messages["required"] = "Choose a financial year"

    def clean_year(self) -> str:
        try:
            return financial_year_period(self.cleaned_data["year"]).key
        except YearError as wrong:
            raise forms.ValidationError(str(wrong)) from wrong


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int, ...]
    sub: bool = False  # a breakdown of the row above


@dataclass(frozen=True)
class Section:
    """One part of the page: a heading, the report's paragraph (none when the report says nothing) and the
    table of its numbers."""

    key: str
    heading: str
    paragraph: str
    caption: str
    rows: list[Row]
    columns: tuple[str, ...] = ("Number",)


def _row(label: str, *values: int, sub: bool = False) -> Row:
    return Row(label, values, sub)


def _sections(summary: ReviewYear) -> list[Section]:
    words = year_prose(summary)
    at = f"{summary.as_of.day} {summary.as_of:%B %Y}"
    return [
        Section(
            "referrals",
            "Referrals and rapid reviews",
            words["referrals"],
            "Referrals, rapid reviews and notifications",
            [
                _row("Referrals considered", summary.referrals),
                *(_row(c.label, c.count, sub=True) for c in summary.referrals_by_kind),
                _row("Rapid reviews held", summary.rapid_reviews),
                _row("Notified to the National Panel", summary.notified),
                _row("Decisions on a local review", summary.decisions),
                _row("Made later than their timescale", summary.decisions_late, sub=True),
            ],
        ),
        Section(
            "reviews",
            "Local and alternative reviews",
            words["reviews"],
            "Local and alternative reviews",
            [
                _row("Local reviews started", summary.local_reviews_started),
                _row("Local reviews completed", summary.local_reviews_completed),
                _row("Local reviews published", summary.local_reviews_published),
                _row("Alternative reviews", summary.alternative_reviews),
                *(_row(c.label, c.count, sub=True) for c in summary.alternative_reviews_by_type),
            ],
        ),
        Section(
            "pauses",
            "Reviews paused",
            words["pauses"],
            "Reviews paused, and the days lost within the year",
            [
                _row("Reviews paused", summary.reviews_paused, summary.days_lost),
                *(_row(p.label, p.reviews, p.days_lost, sub=True) for p in summary.pauses_by_reason),
            ],
            ("Reviews", "Days lost"),
        ),
        Section(
            "recommendations",
            "Recommendations and actions",
            words["recommendations"],
            "Recommendations and actions",
            [
                _row("Recommendations agreed in the year", summary.recommendations_agreed),
                _row(f"Recommendations open at {at}", summary.recommendations_open),
                _row(f"Actions of recommendations agreed by {at}", summary.actions_total),
                _row("Actions completed in the year", summary.actions_completed, sub=True),
                _row(f"Actions overdue at {at}", summary.actions_overdue, sub=True),
                _row("Action plans completed in the year", summary.action_plans_completed),
            ],
        ),
        Section(
            "themes",
            "Themes",
            words.get("themes", ""),
            "Recommendations agreed in the year, by theme",
            [_row(theme.label, theme.count) for theme in sorted(summary.themes, key=lambda t: -t.count)],
            ("Recommendations",),
        ),
    ]


@require_GET
@permission_required(VIEW)
def year_latest(request: HttpRequest) -> HttpResponse:
    """The year picker's target, and the way in: the chosen year, else the latest year with data."""
    years = years_to_choose(request.user)
    if "year" not in request.GET:
        return redirect("reviews:year_detail", year=latest_year_with_data(request.user).key)
    form = YearForm(request.GET, years=years)
    if form.is_valid():
        return redirect("reviews:year_detail", year=form.cleaned_data["year"])
    return render(
        request,
        "reviews/year.html",
        {"page_title": "Error: case reviews in numbers", "current_area": AREA, "form": form, "years": years},
    )


@require_GET
@permission_required(VIEW)
def year_detail(request: HttpRequest, year: str) -> HttpResponse:
    try:
        period = financial_year_period(year)
    except YearError as wrong:
        raise Http404(str(wrong)) from wrong
    summary = review_year(request.user, period)
    years = years_to_choose(request.user)
    if period.key not in {choice.key for choice in years}:
        years = sorted([*years, period], key=lambda choice: choice.first, reverse=True)
    return render(
        request,
        "reviews/year.html",
        {
            "page_title": f"Case reviews in numbers: {period.key}",
            "current_area": AREA,
            "form": YearForm(initial={"year": period.key}, years=years),
            "period": period,
            "summary": summary,
            "sections": _sections(summary),
        },
    )


urlpatterns: list[URLPattern] = [
    path("year/", year_latest, name="year"),
    path("year/<str:year>/", year_detail, name="year_detail"),
]
