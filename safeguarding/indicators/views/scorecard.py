"""The multi-agency scorecard: a page per financial year and quarter, a drill-down per indicator, exports, a
printable view, and the PQA subgroup's sign-off of a period.

Pages read stored values only (safeguarding.indicators.scorecard); the one thing they compute is how each
viewer may see a figure: small numbers suppressed at the aggregate tier (frontdoor.measures.measures_tier).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required, two_factor_redirect
from safeguarding.access.permissions import holds
from safeguarding.core.exports import streaming_csv_response, xlsx_response
from safeguarding.core.forms import GovukForm
from safeguarding.frontdoor.measures import Period, PeriodKind, Tier, measures_tier
from safeguarding.indicators import scorecard as read
from safeguarding.indicators.compute import NARRATIVE_MAX_LENGTH, narrative_add, period_sign_off
from safeguarding.indicators.models import ComputationRun, Indicator, PeriodSignOff
from safeguarding.indicators.registry import THEMES

AREA = "performance"

# Print styles for the printable scorecard, served from this module because the content security policy
# allows no inline <style>; they belong in static/css/app.css once the lead moves them.


# --- Helpers ---------------------------------------------------------------------------------------------


def _period(period_key: str) -> Period:
    try:
        return read.period_from_key(period_key)
    except ValueError as error:
        raise Http404(f"No scorecard period {period_key!r}") from error


def _tier(request: HttpRequest) -> tuple[Tier | None, HttpResponse | None]:
    """The viewer's tier (the front door's rule), and the two-factor detour the identifiable tier needs."""
    tier = measures_tier(request.user)
    if tier is None:
        raise PermissionDenied("Your roles do not allow this")
    if tier == Tier.IDENTIFIABLE:
        # Unsuppressed small numbers are identifiable data: prove two-factor first, as the front door does.
        return tier, two_factor_redirect(request)
    return tier, None


class FilterForm(GovukForm):
    theme = forms.ChoiceField(label="Priority theme", required=False, choices=())
    subgroup = forms.ChoiceField(label="Subgroup", required=False, choices=())

    def __init__(self, data: QueryDict, *, subgroups: list[str]) -> None:
        super().__init__(data)
        theme = self.fields["theme"]
        subgroup = self.fields["subgroup"]
        assert isinstance(theme, forms.ChoiceField) and isinstance(subgroup, forms.ChoiceField)
        theme.choices = [("", "All themes"), *THEMES.items()]
        subgroup.choices = [("", "All subgroups"), *((name, name) for name in subgroups)]
        theme.error_messages["invalid_choice"] = "Select a priority theme in the list"
        subgroup.error_messages["invalid_choice"] = "Select a subgroup in the list"


def _navigation(period: Period) -> dict[str, Any]:
    year = read.year_of(period)
    return {
        "year_periods": [
            {"key": p.key, "label": read.short_label(p), "current": p == period}
            for p in read.year_and_quarters(year)
        ],
        "previous_period": {"key": period.previous().key, "label": read.short_label(period.previous())},
        "next_period": {"key": period.following().key, "label": read.short_label(period.following())},
        "kind_label": "year" if period.kind == PeriodKind.FINANCIAL_YEAR else "quarter",
    }


def _filters_query(theme: str, subgroup: str) -> str:
    query = QueryDict(mutable=True)
    if theme:
        query["theme"] = theme
    if subgroup:
        query["subgroup"] = subgroup
    return query.urlencode()


# --- Pages ----------------------------------------------------------------------------------------------


@require_GET
@permission_required("indicator.view")
def scorecard_latest(request: HttpRequest) -> HttpResponse:
    """The latest financial year with stored values; a page saying so when there is none."""
    years = read.years_with_values()
    if years:
        return redirect("indicators:scorecard-period", period_key=years[0])
    return render(
        request,
        "indicators/scorecard_empty.html",
        {"page_title": "Scorecard", "current_area": AREA},
    )


def _scorecard_context(request: HttpRequest, period: Period, tier: Tier) -> dict[str, Any]:
    versions = read.current_versions_in_order()
    form = FilterForm(request.GET, subgroups=sorted({version.subgroup for version in versions}))
    theme = subgroup = ""
    if form.is_valid():
        theme = form.cleaned_data["theme"] or ""
        subgroup = form.cleaned_data["subgroup"] or ""
    card = read.scorecard(period, tier=tier, theme=theme, subgroup=subgroup, versions=versions)
    return {
        "page_title": ("Error: " if form.errors else "") + f"Scorecard {read.short_label(period)}",
        "current_area": AREA,
        "form": form,
        "card": card,
        "period": period,
        "period_label": read.short_label(period),
        "theme_label": THEMES.get(theme, ""),
        "filters_query": _filters_query(theme, subgroup),
        "threshold_note": tier == Tier.AGGREGATE,
        "rag_rule": read.RAG_RULE,
        "may_sign_off": holds(request.user, "indicator.signoff"),
        **_navigation(period),
    }


@require_GET
@permission_required("indicator.view")
def scorecard_page(request: HttpRequest, period_key: str) -> HttpResponseBase:
    period = _period(period_key)
    tier, detour = _tier(request)
    if detour is not None:
        return detour
    assert tier is not None
    return render(request, "indicators/scorecard.html", _scorecard_context(request, period, tier))


@require_GET
@permission_required("indicator.view")
def scorecard_print(request: HttpRequest, period_key: str) -> HttpResponseBase:
    period = _period(period_key)
    tier, detour = _tier(request)
    if detour is not None:
        return detour
    assert tier is not None
    context = _scorecard_context(request, period, tier)
    context["printed_at"] = timezone.localtime()
    return render(request, "indicators/scorecard_print.html", context)


class NarrativeForm(GovukForm):
    text = forms.CharField(
        label="Commentary",
        help_text="What lies behind this figure, for the scorecard's readers. Up to 5,000 characters.",
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the commentary",
            "max_length": "The commentary must be 5,000 characters or fewer",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("indicator.view")
def scorecard_indicator(request: HttpRequest, period_key: str, code: str) -> HttpResponseBase:
    period = _period(period_key)
    tier, detour = _tier(request)
    if detour is not None:
        return detour
    assert tier is not None
    may_narrate = holds(request.user, "indicator.narrate")
    form = NarrativeForm()
    if request.method == "POST":
        if not may_narrate:
            raise PermissionDenied("Your roles do not allow writing commentary")
        form = NarrativeForm(request.POST)
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            raise Http404("No such indicator")
        if form.is_valid():
            try:
                narrative_add(
                    actor=request.user,
                    indicator=indicator,
                    period_key=period.key,
                    text=form.cleaned_data["text"],
                )
            except ValueError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, "Your commentary has been added")
                return redirect(
                    reverse("indicators:scorecard-indicator", args=[period.key, code]) + "#commentary"
                )
    detail = read.indicator_detail(period, code, tier=tier)
    if detail is None:
        raise Http404("No such indicator")
    return render(
        request,
        "indicators/scorecard_indicator.html",
        {
            "page_title": ("Error: " if form.errors else "")
            + f"{detail.version.title}, {read.short_label(period)}",
            "current_area": AREA,
            "detail": detail,
            "period": period,
            "period_label": read.short_label(period),
            "year_key": read.year_of(period).key,
            "form": form,
            "may_narrate": may_narrate,
            "rag_rule": read.RAG_RULE,
            "threshold_note": tier == Tier.AGGREGATE,
        },
    )


# --- Exports --------------------------------------------------------------------------------------------


def _export(
    request: HttpRequest, period_key: str
) -> tuple[Period, list[list[Any]] | None, HttpResponse | None]:
    period = _period(period_key)
    tier, detour = _tier(request)
    if detour is not None:
        return period, None, detour
    assert tier is not None
    return period, read.export_rows(period, tier=tier), None


@require_GET
@permission_required("indicator.view")
def scorecard_csv(request: HttpRequest, period_key: str) -> HttpResponseBase:
    period, rows, detour = _export(request, period_key)
    if detour is not None:
        return detour
    return streaming_csv_response(
        filename=f"scorecard-{period.key}.csv", header=read.EXPORT_HEADER, rows=rows or []
    )


@require_GET
@permission_required("indicator.view")
def scorecard_xlsx(request: HttpRequest, period_key: str) -> HttpResponseBase:
    period, rows, detour = _export(request, period_key)
    if detour is not None:
        return detour
    return xlsx_response(
        filename=f"scorecard-{period.key}.xlsx",
        header=read.EXPORT_HEADER,
        rows=rows or [],
        sheet_title=f"Scorecard {period.key}",
    )


# --- Sign-off --------------------------------------------------------------------------------------------


class SignOffForm(GovukForm):
    period = forms.ChoiceField(
        label="Period to sign off",
        widget=forms.RadioSelect,
        choices=(),
        error_messages={"required": "Select the period to sign off"},
    )
    run = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label="I confirm the PQA subgroup has agreed these figures",
        error_messages={"required": "Confirm the PQA subgroup has agreed these figures"},
    )

    def __init__(self, *args: Any, lines: list[read.SignOffLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(line.period.key, line.period.label) for line in lines]
        field.error_messages["invalid_choice"] = "Select a period of this year"
        self.lines = {line.period.key: line for line in lines}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        line = self.lines.get(cleaned.get("period") or "")
        if line is None:
            return cleaned
        sign_off = line.source.sign_off
        if sign_off is not None:
            signed = timezone.localtime(sign_off.signed_off_at)
            when = f"{signed.day} {signed:%B %Y}"
            self.add_error(
                "period",
                f"{read.short_label(line.period)} was signed off by {sign_off.signed_off_by_name} on {when}; "
                "a signed-off period cannot be signed off again",
            )
        elif line.source.latest is None:
            self.add_error("period", f"No figures have been computed for {read.short_label(line.period)}")
        elif cleaned.get("run") and cleaned["run"] != line.source.latest.pk:
            self.add_error(
                "period",
                "The figures were computed again since you opened this page: check them and sign off again",
            )
        return cleaned


@require_http_methods(["GET", "POST"])
@permission_required("indicator.signoff")
def scorecard_sign_off(request: HttpRequest, period_key: str) -> HttpResponseBase:
    period = _period(period_key)
    if period.kind != PeriodKind.FINANCIAL_YEAR:
        return redirect("indicators:scorecard-sign-off", period_key=read.year_of(period).key)
    lines = read.sign_off_lines(period)
    latest = lines[0].source.latest
    form = SignOffForm(lines=lines, initial={"run": latest.pk if latest else None})
    if request.method == "POST":
        form = SignOffForm(request.POST, lines=lines)
        if form.is_valid():
            line = form.lines[form.cleaned_data["period"]]
            assert line.source.latest is not None
            run = ComputationRun.objects.get(pk=line.source.latest.pk)
            sign_off = _sign_off(request, form, line, run)
            if sign_off is not None:
                messages.success(request, f"{read.short_label(line.period)} is signed off")
                return redirect("indicators:scorecard-period", period_key=line.period.key)
    return render(
        request,
        "indicators/scorecard_sign_off.html",
        {
            "page_title": ("Error: " if form.errors else "") + f"Sign off {period.key}",
            "current_area": AREA,
            "year": period,
            "lines": lines,
            "form": form,
            "signable": [line for line in lines if line.can_sign_off],
            "any_to_sign": any(line.can_sign_off for line in lines),
        },
    )


def _sign_off(
    request: HttpRequest, form: SignOffForm, line: read.SignOffLine, run: ComputationRun
) -> PeriodSignOff | None:
    try:
        return period_sign_off(actor=request.user, period_key=line.period.key, run=run)
    except IntegrityError:  # signed off a moment ago by someone else: the period is unique
        form.add_error("period", "This period was signed off a moment ago; it cannot be signed off again")
        return None


urlpatterns = [
    path("scorecard/", scorecard_latest, name="scorecard"),
    path("scorecard/<str:period_key>/", scorecard_page, name="scorecard-period"),
    path("scorecard/<str:period_key>/export.csv", scorecard_csv, name="scorecard-csv"),
    path("scorecard/<str:period_key>/export.xlsx", scorecard_xlsx, name="scorecard-xlsx"),
    path("scorecard/<str:period_key>/print/", scorecard_print, name="scorecard-print"),
    path("scorecard/<str:period_key>/sign-off/", scorecard_sign_off, name="scorecard-sign-off"),
    path("scorecard/<str:period_key>/<slug:code>/", scorecard_indicator, name="scorecard-indicator"),
]
