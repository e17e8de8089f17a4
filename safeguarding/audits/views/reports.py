"""Audit pages: the grade tables and each round's report (issue 7, sections 2 and 3).

    /audits/tables/                        the latest year with grades (or, with ?year=2022-23 from the year
                                           picker, that year)
    /audits/tables/2022-23/                Tables 1 and 2 and the year-on-year change, as the annual report
                                           lays them out, with sentences written from the numbers
    /audits/tables/2022-23/<table>.csv     one table as CSV (grades, comparison or change)
    /audits/rounds/<code>/report/          a round's report; .../report/pdf/ and .../report/docx/ download it

Permission audit.view: audit codes only, never who a child is (nothing here reads a child's record).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.audits.agreement import year_agreement
from safeguarding.audits.models import GRADE_ORDER
from safeguarding.audits.permissions import VIEW
from safeguarding.audits.report_docx import DOCX_CONTENT_TYPE, round_report_docx
from safeguarding.audits.report_pdf import ReportPdfUnavailable, report_filename, round_report_pdf
from safeguarding.audits.selectors.programme import rounds_visible_to
from safeguarding.audits.selectors.reports import RoundReport, round_get_for_report, round_report
from safeguarding.audits.tables import (
    GRADE_LABELS,
    YearGrades,
    year_grades,
    year_sentences,
    years_with_grades,
)
from safeguarding.core.exports import streaming_csv_response
from safeguarding.core.forms import GovukForm
from safeguarding.frontdoor.measures import financial_year_label, financial_year_of
from safeguarding.reviews.year import YearError, financial_year_period

AREA = "audits"
GRADE_HEADERS: tuple[str, ...] = tuple(GRADE_LABELS[grade] for grade in GRADE_ORDER)
CSV_TABLES = ("grades", "comparison", "change")


class TablesYearForm(GovukForm):
    """The year picker: the years with grades, checked by the same rule as the API."""

    year = forms.CharField(label="Financial year", widget=forms.Select)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["year"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [(year, year) for year in years]
        self.fields["year"].error_messages["required"] = "Choose a financial year"

    def clean_year(self) -> str:
        try:
            return financial_year_period(self.cleaned_data["year"]).key
        except YearError as wrong:
            raise forms.ValidationError(str(wrong)) from wrong


def _current_year() -> str:
    return financial_year_label(financial_year_of(timezone.localdate()))


def _year_or_404(year: str) -> str:
    try:
        return financial_year_period(year).key
    except YearError as wrong:
        raise Http404(str(wrong)) from wrong


@require_GET
@permission_required(VIEW)
def tables_latest(request: HttpRequest) -> HttpResponse:
    """The way in, and the year picker's target: the chosen year, else the latest year with grades."""
    years = years_with_grades(request.user)
    if "year" not in request.GET:
        return redirect("audits:tables_year", year=years[0] if years else _current_year())
    form = TablesYearForm(request.GET, years=years or [_current_year()])
    if form.is_valid():
        return redirect("audits:tables_year", year=form.cleaned_data["year"])
    return render(
        request,
        "audits/tables.html",
        {"page_title": "Error: audit grades", "current_area": AREA, "form": form},
    )


@require_GET
@permission_required(VIEW)
def tables_year(request: HttpRequest, year: str) -> HttpResponse:
    key = _year_or_404(year)
    grades = year_grades(request.user, key)
    years = years_with_grades(request.user)
    if key not in years:
        years = sorted([*years, key], reverse=True)
    return render(
        request,
        "audits/tables.html",
        {
            "page_title": f"Audit grades: {key}",
            "current_area": AREA,
            "form": TablesYearForm(initial={"year": key}, years=years),
            "grades": grades,
            "sentences": year_sentences(grades),
            "year_agreement": year_agreement(key, rounds_visible_to(request.user)),
            "grade_headers": GRADE_HEADERS,
            "csv_tables": CSV_TABLES,
        },
    )


def _csv_rows(grades: YearGrades, table: str) -> tuple[list[str], Iterable[list[Any]]]:
    if table == "grades":
        header = [
            "Year",
            "Quarter",
            "Round",
            "Theme",
            *GRADE_HEADERS,
            "Total",
            "Good or requires improvement %",
        ]
        rows: list[list[Any]] = [
            [
                grades.year,
                row.quarter_label,
                row.code,
                row.theme_label,
                *row.counts.values,
                row.counts.total,
                row.good_or_ri_percent,
            ]
            for row in grades.rounds
        ]
        totals = grades.totals
        rows.append([grades.year, "Total", "", "", *totals.values, totals.total, grades.good_or_ri_percent])
        return header, rows
    if table == "comparison":
        header = ["Year", *(f"{label} %" for label in GRADE_HEADERS), "Cases graded"]
        return header, [[row.year, *row.percentages, row.counts.total] for row in grades.comparison]
    previous = grades.previous
    header = [
        "Grade",
        f"{grades.year} %",
        f"{previous.year if previous else 'Previous year'} %",
        "Change (points)",
    ]
    return header, [[c.label, c.this_year, c.last_year, c.points] for c in grades.changes]


@require_GET
@permission_required(VIEW)
def tables_csv(request: HttpRequest, year: str, table: str) -> HttpResponseBase:
    if table not in CSV_TABLES:
        raise Http404("No such table")
    key = _year_or_404(year)
    header, rows = _csv_rows(year_grades(request.user, key), table)
    suffix = "" if table == "grades" else f"-{table}"
    response = streaming_csv_response(filename=f"audit-grades{suffix}-{key}.csv", header=header, rows=rows)
    response["Cache-Control"] = "private, no-store"
    return response


# --- A round's report ---------------------------------------------------------------------------------------


def _report(request: HttpRequest, code: str) -> tuple[RoundReport, str]:
    report = round_report(request.user, round_get_for_report(request.user, code))
    briefing_url = (
        request.build_absolute_uri(reverse("briefings:detail", args=[report.briefing.pk]))
        if report.briefing is not None
        else ""
    )
    return report, briefing_url


@require_GET
@permission_required(VIEW)
def round_report_page(request: HttpRequest, code: str) -> HttpResponse:
    report, _ = _report(request, code)
    return render(
        request,
        "audits/report.html",
        {
            "page_title": f"Audit report: {report.code}",
            "current_area": AREA,
            "report": report,
            "grade_headers": GRADE_HEADERS,
        },
    )


@require_GET
@permission_required(VIEW)
def round_report_pdf_download(request: HttpRequest, code: str) -> HttpResponse:
    report, briefing_url = _report(request, code)
    try:
        content = round_report_pdf(report, briefing_url=briefing_url)
    except ReportPdfUnavailable:
        return render(
            request,
            "audits/report_pdf_unavailable.html",
            {"page_title": "The PDF cannot be made", "current_area": AREA, "report": report},
            status=503,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report.code, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@permission_required(VIEW)
def round_report_docx_download(request: HttpRequest, code: str) -> HttpResponse:
    report, briefing_url = _report(request, code)
    response = HttpResponse(
        round_report_docx(report, briefing_url=briefing_url), content_type=DOCX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report.code, "docx")}"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("tables/", tables_latest, name="tables"),
    path("tables/<str:year>/", tables_year, name="tables_year"),
    path("tables/<str:year>/<str:table>.csv", tables_csv, name="tables_csv"),
    path("rounds/<str:code>/report/", round_report_page, name="round_report"),
    path("rounds/<str:code>/report/pdf/", round_report_pdf_download, name="round_report_pdf"),
    path("rounds/<str:code>/report/docx/", round_report_docx_download, name="round_report_docx"),
]
