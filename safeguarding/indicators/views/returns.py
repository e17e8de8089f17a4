"""Agency data return pages: the business unit's overview by quarter and its review of each return, the
quarter-opening form, and an agency lead's own returns with the form to enter figures and narratives.

Rules live in safeguarding.indicators.returns; these views parse the request, call a selector or a
service, and show a service's ValidationError beside what the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import holds
from safeguarding.core.forms import GovukDateField, GovukForm
from safeguarding.frontdoor.measures import Period, PeriodKind
from safeguarding.indicators import returns as service
from safeguarding.indicators.models import AgencyReturn, IndicatorValue

AREA = "performance"
Status = AgencyReturn.Status


@dataclass(frozen=True)
class ReturnRow:
    """A return as the lists show it: with its status tag and whether it is late."""

    agency_return: AgencyReturn
    late: bool

    @property
    def tag(self) -> str:
        if self.late:
            return "govuk-tag--red"
        return {
            Status.DRAFT: "govuk-tag--grey",
            Status.SUBMITTED: "govuk-tag--blue",
            Status.ACCEPTED: "govuk-tag--green",
            Status.RETURNED: "govuk-tag--orange",
        }[Status(self.agency_return.status)]


def _rows(returns: Any) -> list[ReturnRow]:
    today = timezone.localdate()
    return [ReturnRow(r, service.return_is_late(r, today)) for r in returns]


def _quarter_label(period_key: str) -> str:
    try:
        return Period.parse(PeriodKind.QUARTER, period_key).label
    except ValueError:
        return period_key


def _error_list(error: ValidationError) -> tuple[dict[str, list[str]], list[str]]:
    """(errors by field, errors about the whole form) from a service's ValidationError."""
    if hasattr(error, "error_dict"):
        by_field = {
            name: [str(m) for e in errors for m in e.messages] for name, errors in error.error_dict.items()
        }
        general = by_field.pop("__all__", [])
        return by_field, general
    return {}, [str(m) for m in error.messages]


# --- The business unit's overview ---------------------------------------------------------------------------


@require_GET
@permission_required(service.APPROVE, partnership_wide=True)
def returns_overview(request: HttpRequest) -> HttpResponse:
    quarters = service.return_quarters()
    chosen = request.GET.get("quarter") or (quarters[0] if quarters else "")
    returns = service.returns_visible_to(request.user).filter(period_key=chosen).order_by("agency__name")
    rows = _rows(returns)
    return render(
        request,
        "indicators/returns_overview.html",
        {
            "page_title": "Agency data returns",
            "current_area": AREA,
            "quarters": [(key, _quarter_label(key)) for key in quarters],
            "chosen": chosen,
            "chosen_label": _quarter_label(chosen) if chosen else "",
            "rows": rows,
            "missing": service.agencies_missing_a_return(chosen) if chosen else [],
            "late_count": sum(1 for row in rows if row.late),
            "to_review": sum(1 for row in rows if row.agency_return.status == Status.SUBMITTED),
        },
    )


class OpenQuarterForm(GovukForm):
    quarter = forms.CharField(
        label="Quarter",
        help_text="The financial quarter, like 2022-23-q1 (April to June 2022)",
        error_messages={"required": "Enter the quarter, like 2022-23-q1"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 21 7 2022: after the quarter ends")


@require_http_methods(["GET", "POST"])
@permission_required(service.APPROVE, partnership_wide=True)
def returns_open_page(request: HttpRequest) -> HttpResponse:
    form = OpenQuarterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = service.returns_open(
                quarter_key=form.cleaned_data["quarter"].strip(),
                due_date=form.cleaned_data["due_date"],
                actor=request.user,
            )
        except ValidationError as error:
            by_field, general = _error_list(error)
            for name, errors in by_field.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
            for message in general:
                form.add_error(None, message)
        else:
            key = form.cleaned_data["quarter"].strip()
            messages.success(request, f"{len(opened)} data returns opened for {_quarter_label(key)}")
            return redirect(f"{_overview_url()}?quarter={key}")
    return render(
        request,
        "indicators/returns_open.html",
        {
            "page_title": ("Error: " if form.errors else "") + "Open a quarter's data returns",
            "current_area": AREA,
            "form": form,
        },
    )


def _overview_url() -> str:
    return reverse("indicators:returns")


# --- An agency lead's returns -------------------------------------------------------------------------------


@require_GET
@permission_required(service.SUBMIT)
def returns_mine(request: HttpRequest) -> HttpResponse:
    returns = service.returns_to_submit(request.user).order_by("-period_key", "agency__name")
    return render(
        request,
        "indicators/returns_mine.html",
        {"page_title": "Your data returns", "current_area": AREA, "rows": _rows(returns)},
    )


@dataclass(frozen=True)
class FormLine:
    """One figure on the form: the indicator, what is shown in its boxes, and its errors."""

    line: service.ReturnLine
    numerator: str
    denominator: str
    narrative: str
    numerator_errors: list[str]
    denominator_errors: list[str]


def _shown(number: int | None) -> str:
    return "" if number is None else str(number)


def _form_lines(
    lines: list[service.ReturnLine], typed: dict[str, Any] | None, errors: dict[str, list[str]]
) -> list[FormLine]:
    result = []
    for line in lines:
        figure = line.figure
        if typed is not None:
            numerator = typed.get(f"{line.code}-numerator", "")
            denominator = typed.get(f"{line.code}-denominator", "")
            narrative = typed.get(f"{line.code}-narrative", "")
        else:
            numerator = _shown(figure.numerator) if figure else ""
            denominator = _shown(figure.denominator) if figure else ""
            narrative = figure.narrative if figure else ""
        result.append(
            FormLine(
                line,
                numerator,
                denominator,
                narrative,
                errors.get(f"{line.code}-numerator", []),
                errors.get(f"{line.code}-denominator", []),
            )
        )
    return result


@require_http_methods(["GET", "POST"])
@permission_required(service.SUBMIT)
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency_return = service.return_get_for_user(request.user, pk, for_write=True)
    lines = service.return_lines(agency_return)
    typed: dict[str, Any] | None = None
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    narrative = agency_return.narrative
    if request.method == "POST":
        typed = request.POST.dict()
        narrative = typed.get("narrative", "")
        try:
            service.return_save(
                agency_return=agency_return,
                actor=request.user,
                figures={
                    line.code: (typed.get(f"{line.code}-numerator"), typed.get(f"{line.code}-denominator"))
                    for line in lines
                },
                narratives={line.code: typed.get(f"{line.code}-narrative", "") for line in lines},
                narrative=narrative,
            )
            if "submit" in request.POST:
                service.return_submit(agency_return=agency_return, actor=request.user)
        except ValidationError as error:
            errors, general = _error_list(error)
            # What was saved is kept; show the form again with the figures now stored and what was typed.
            lines = service.return_lines(agency_return)
        else:
            if "submit" in request.POST:
                messages.success(request, "Return submitted to the business unit for review")
                return redirect("indicators:returns-mine")
            messages.success(request, "Draft saved")
            return redirect("indicators:return-edit", pk=agency_return.pk)
    agency_return.refresh_from_db()
    summary = [(f"{code}", message) for code, messages_ in errors.items() for message in messages_]
    return render(
        request,
        "indicators/returns_form.html",
        {
            "page_title": ("Error: " if errors or general else "")
            + f"Data return: {agency_return.agency.name}",
            "current_area": AREA,
            "agency_return": agency_return,
            "quarter": _quarter_label(agency_return.period_key),
            "late": service.return_is_late(agency_return, timezone.localdate()),
            "lines": _form_lines(lines, typed, errors),
            "narrative": narrative,
            "error_summary": summary,
            "general_errors": general,
        },
    )


# --- Reviewing a return -------------------------------------------------------------------------------------


class DecisionForm(GovukForm):
    comment = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you return it: say what the agency should change",
    )


@require_http_methods(["GET", "POST"])
def return_review(request: HttpRequest, pk: int) -> HttpResponse:
    may_approve = holds(request.user, service.APPROVE)
    if not (may_approve or holds(request.user, service.SUBMIT)):
        raise PermissionDenied("Your roles do not allow this")
    agency_return = service.return_get_for_user(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_approve:
            raise PermissionDenied("Only the business unit accepts or returns a data return")
        if form.is_valid():
            decided = _decide(request, agency_return, form)
            if decided is not None:
                return decided
    return render(
        request,
        "indicators/returns_review.html",
        {
            "page_title": ("Error: " if form.errors else "")
            + f"{agency_return.agency.name}: data return for {_quarter_label(agency_return.period_key)}",
            "current_area": AREA,
            "agency_return": agency_return,
            "quarter": _quarter_label(agency_return.period_key),
            "late": service.return_is_late(agency_return, timezone.localdate()),
            "lines": service.return_lines(agency_return),
            "figure_history": service.return_figure_history(agency_return),
            "status_history": service.return_status_history(agency_return),
            "values": IndicatorValue.objects.filter(agency_return=agency_return).select_related(
                "version__indicator"
            ),
            "may_see_all": may_approve,
            "may_decide": may_approve and agency_return.status == Status.SUBMITTED,
            "may_edit": service.return_may_enter(request.user, agency_return),
            "form": form,
        },
    )


def _decide(request: HttpRequest, agency_return: AgencyReturn, form: DecisionForm) -> HttpResponse | None:
    comment = form.cleaned_data["comment"]
    try:
        if request.POST.get("decision") == "accept":
            service.return_accept(agency_return=agency_return, actor=request.user, comment=comment)
            messages.success(
                request, f"{agency_return.agency.name}'s return accepted: its figures are stored"
            )
        elif request.POST.get("decision") == "return":
            service.return_send_back(agency_return=agency_return, actor=request.user, comment=comment)
            messages.success(request, f"{agency_return.agency.name}'s return sent back with your comments")
        else:
            form.add_error(None, "Choose to accept the return or to return it")
            return None
    except ValidationError as error:
        by_field, general = _error_list(error)
        for message in by_field.get("comment", []):
            form.add_error("comment", message)
        for message in general:
            form.add_error(None, message)
        return None
    return redirect("indicators:return-review", pk=agency_return.pk)


urlpatterns = [
    path("returns/", returns_overview, name="returns"),
    path("returns/open/", returns_open_page, name="returns-open"),
    path("returns/mine/", returns_mine, name="returns-mine"),
    path("returns/<int:pk>/", return_review, name="return-review"),
    path("returns/<int:pk>/edit/", return_edit, name="return-edit"),
]
