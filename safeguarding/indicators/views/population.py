"""The population pages: the ONS mid-year estimates of children aged 0-17 that every rate per 10,000 divides
by, listed year by year, and the business unit's form to enter a new year or correct one.

Writes go through `safeguarding.population.services.population_set` (validated there, logged, history kept);
reads through `safeguarding.population.selectors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import holds
from safeguarding.population.models import ChildPopulation
from safeguarding.population.selectors import population_for_year, populations_all
from safeguarding.population.services import SOURCE_MAX_LENGTH, population_set

AREA = "performance"


def _whole_number(text: str) -> int | None:
    """The whole number typed, allowing the thousands separators people copy from ONS tables ("69,335")."""
    cleaned = text.replace(",", "").replace(" ", "").replace("_", "")
    if not cleaned or not cleaned.lstrip("-").isdigit():
        return None
    return int(cleaned)


class PopulationForm(forms.Form):
    """Parses what was typed; the rules on the values (year range, more than 0) are the service's."""

    year = forms.CharField(
        label="Year of the mid-year estimate",
        help_text="The estimate is for 30 June of this year, for example 2022",
        error_messages={"required": "Enter the year, like 2022"},
    )
    children_0_17 = forms.CharField(
        label="Children aged 0 to 17",
        help_text="The whole number from the ONS estimate, for example 69,335",
        error_messages={"required": "Enter the number of children aged 0 to 17"},
    )
    source = forms.CharField(
        label="Source",
        help_text="Where the figure comes from, for example 'ONS mid-2022 population estimates'",
        max_length=SOURCE_MAX_LENGTH,
        error_messages={
            "required": "Enter where the figure comes from, for example 'ONS mid-2022 estimates'",
            "max_length": f"The source must be {SOURCE_MAX_LENGTH} characters or fewer",
        },
    )

    def clean_year(self) -> int:
        year = _whole_number(str(self.cleaned_data["year"]))
        if year is None:
            raise forms.ValidationError("Enter the year as a number, like 2022")
        return year

    def clean_children_0_17(self) -> int:
        number = _whole_number(self.cleaned_data["children_0_17"])
        if number is None:
            raise forms.ValidationError("Enter the number of children as a whole number, like 69335")
        return number


def _history(row: ChildPopulation) -> list[Any]:
    """Every saved state of one year's figure, newest first, with who saved it (simple_history)."""
    return list(row.history.select_related("history_user").order_by("-history_date"))


@require_GET
@permission_required("indicator.view")
def population_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "indicators/population.html",
        {
            "page_title": "Population",
            "current_area": AREA,
            "populations": list(populations_all()),
            "can_manage": holds(request.user, "indicator.manage"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("indicator.manage")
def population_new(request: HttpRequest) -> HttpResponse:
    return _population_form(request, current=None)


@require_http_methods(["GET", "POST"])
@permission_required("indicator.manage")
def population_edit(request: HttpRequest, year: int) -> HttpResponse:
    current = population_for_year(year)
    if current is None:
        raise Http404("No population figure for that year")
    return _population_form(request, current=current)


def _population_form(request: HttpRequest, *, current: ChildPopulation | None) -> HttpResponse:
    """Enter a new year (current None) or correct `current`, whose year is fixed by the address."""
    initial = (
        {}
        if current is None
        else {
            "year": str(current.year),
            "children_0_17": str(current.children_0_17),
            "source": current.source,
        }
    )
    form = PopulationForm(request.POST if request.method == "POST" else None, initial=initial)
    if current is not None:
        form.fields["year"].disabled = True  # a correction changes the figure, never which year it is for
    if request.method == "POST" and form.is_valid() and _saved(request, form, current=current):
        verb = "entered" if current is None else "corrected"
        year = form.cleaned_data["year"]
        messages.success(
            request,
            f"Mid-{year} population {verb}: {form.cleaned_data['children_0_17']:,} children aged 0-17. "
            "Rates change at the next indicators computation",
        )
        return redirect("indicators:population")
    title = "Enter a year's population" if current is None else f"Correct the mid-{current.year} population"
    return render(
        request,
        "indicators/population_form.html",
        {
            "page_title": f"Error: {title}" if form.errors else title,
            "heading": title,
            "current_area": AREA,
            "form": form,
            "current": current,
            "history": [] if current is None else _history(current),
        },
    )


def _saved(request: HttpRequest, form: PopulationForm, *, current: ChildPopulation | None) -> bool:
    """Save through the service; on refusal put its messages on the form's fields and say False."""
    year: int = form.cleaned_data["year"]
    if current is None and population_for_year(year) is not None:
        # Entering a year that is already held would silently overwrite it: corrections have their own page.
        form.add_error(
            "year", f"There is already a figure for mid-{year}: correct it from the population list"
        )
        return False
    try:
        population_set(
            actor=request.user,
            year=year,
            children_0_17=form.cleaned_data["children_0_17"],
            source=form.cleaned_data["source"],
            request=request,
        )
    except ValidationError as refused:
        form.add_error(None, refused)  # a dict of field -> message lands on those fields
        return False
    return True


urlpatterns = [
    path("population/", population_list, name="population"),
    path("population/new/", population_new, name="population-new"),
    path("population/<int:year>/", population_edit, name="population-edit"),
]
