"""The comparator pages: England, statistical neighbour and regional figures by year, their import from a CSV
file (all rows or none), and a template of that file. The format is documented in docs/indicators.md."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import holds
from safeguarding.core.exports import streaming_csv_response
from safeguarding.indicators.comparators import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    TEMPLATE_ROWS,
    ComparatorFileInvalid,
    comparator_file_decode,
    comparator_import_years,
    comparator_imports_recent,
    comparator_lines,
    comparator_years,
    comparators_import,
)

AREA = "performance"
# An import with more problems than this shows the first ones and says how many more there are.
ERRORS_SHOWN = 200


class YearFilterForm(forms.Form):
    year = forms.ChoiceField(label="Year", choices=())

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [(year, year) for year in years]


class ComparatorUploadForm(forms.Form):
    file = forms.FileField(
        label="Comparator file",
        help_text=f"A CSV file (UTF-8) with the header {','.join(COLUMNS)}, up to 1 MB and {MAX_ROWS:,} rows",
        error_messages={"required": "Select a comparator CSV file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 1 MB")
        return upload


@require_GET
@permission_required("indicator.view")
def comparator_list(request: HttpRequest) -> HttpResponse:
    years = comparator_years()
    form = YearFilterForm(request.GET if "year" in request.GET else None, years=years)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else (years[0] if years else "")
    return render(
        request,
        "indicators/comparators.html",
        {
            "page_title": f"Comparators {year}" if year else "Comparators",
            "current_area": AREA,
            "form": form,
            "year": year,
            "lines": comparator_lines(year) if year else [],
            "imports": comparator_imports_recent(),
            "can_import": holds(request.user, "indicator.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("indicator.manage")
def comparator_import(request: HttpRequest) -> HttpResponse:
    form = (
        ComparatorUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else ComparatorUploadForm()
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload: UploadedFile = form.cleaned_data["file"]
        file_name = upload.name or "comparators.csv"
        try:
            record = comparators_import(
                file_name=file_name, text=comparator_file_decode(upload.read()), actor=request.user
            )
        except ComparatorFileInvalid as invalid:
            problems = invalid.errors
            count = len(problems)
            form.add_error(
                "file",
                f"The selected file has {count} problem{'s' if count != 1 else ''}: nothing was imported. "
                "Correct the file and upload it again",
            )
        else:
            messages.success(request, f"{record.rows} comparator rows imported from {record.file_name}")
            years = comparator_import_years(record)
            query = f"?year={years[0]}" if years else ""
            return redirect(f"{reverse('indicators:comparators')}{query}")
    has_errors = form.is_bound and bool(form.errors)
    return render(
        request,
        "indicators/comparators_import.html",
        {
            "page_title": "Error: Import comparators" if has_errors else "Import comparators",
            "current_area": AREA,
            "form": form,
            "problems": problems[:ERRORS_SHOWN],
            "problems_not_shown": max(0, len(problems) - ERRORS_SHOWN),
            "columns": COLUMNS,
        },
    )


@require_GET
@permission_required("indicator.manage")
def comparator_template(request: HttpRequest) -> StreamingHttpResponse:
    return streaming_csv_response(filename="comparators-template.csv", header=COLUMNS, rows=TEMPLATE_ROWS)


urlpatterns = [
    path("comparators/", comparator_list, name="comparators"),
    path("comparators/import/", comparator_import, name="comparator-import"),
    path("comparators/template.csv", comparator_template, name="comparator-template"),
]
