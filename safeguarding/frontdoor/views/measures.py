"""The front door measures page, for MASH managers and the partnership's business unit.

MASH managers (contact.decide across the partnership) see every count, after two-factor sign-in; people who
read partnership indicators (indicator.view) see small numbers as "fewer than N" (frontdoor.measures.Tier).
The figures are computed when the page is asked for (about a second for a financial year on 100,000
historical contacts: benchmarks/bench_frontdoor.py, goal 2 s); the indicators issue will store them instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import two_factor_redirect
from safeguarding.core.forms import GovukForm
from safeguarding.frontdoor.measures import (
    FrontDoorMeasures,
    Measure,
    Period,
    PeriodKind,
    Shown,
    SourceAgencyRow,
    Tier,
    front_door_measures,
    last_decision_day,
    measure_shown,
    measures_tier,
    month_by_month,
    received_days,
    small_number_threshold,
)
from safeguarding.population.selectors import population_for_year

AREA = "front-door"
PERIOD_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.FINANCIAL_YEAR)
# The period list offers at most this many of each kind, most recent first.
MOST_PERIODS_OFFERED = 60


def periods_offered(kind: PeriodKind, today: date) -> list[Period]:
    """Periods of `kind` from the first with contacts to the later of today's and the last with contacts."""
    span = received_days()
    first, last = span if span is not None else (today, today)
    newest = Period.containing(kind, max(last, today))
    oldest = Period.containing(kind, min(first, today))
    offered = [newest]
    while offered[-1].first > oldest.first and len(offered) < MOST_PERIODS_OFFERED:
        offered.append(offered[-1].previous())
    return offered


def default_period(kind: PeriodKind, today: date) -> Period:
    """The period holding the latest decision, else the latest contact, else today: most measures are about
    decisions, and the demo's history ends before today (only its open contacts are recent)."""
    span = received_days()
    day = last_decision_day() or (span[1] if span is not None else today)
    return Period.containing(kind, day)


class PeriodForm(GovukForm):
    type = forms.ChoiceField(choices=[(k.value, k.label) for k in PERIOD_KINDS], widget=forms.HiddenInput)
    period = forms.ChoiceField(label="Period", choices=())

    def __init__(self, data: QueryDict | dict[str, str], *, kind: PeriodKind, offered: list[Period]) -> None:
        super().__init__(data)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.label = kind.label
        field.choices = [(p.key, p.label) for p in offered]
        field.error_messages["invalid_choice"] = f"Select a {kind.label.lower()} in the list"
        field.error_messages["required"] = f"Select a {kind.label.lower()}"


def _kind_from(query: QueryDict) -> PeriodKind:
    try:
        kind = PeriodKind(query.get("type", PeriodKind.FINANCIAL_YEAR))
    except ValueError:
        return PeriodKind.FINANCIAL_YEAR
    return kind if kind in PERIOD_KINDS else PeriodKind.FINANCIAL_YEAR


@require_GET
def measures_page(request: HttpRequest) -> HttpResponse:
    tier = measures_tier(request.user)
    if tier is None:
        raise PermissionDenied("Your roles do not allow this")
    if tier == Tier.IDENTIFIABLE:
        # Unsuppressed figures about children in contact are identifiable data: prove two-factor first.
        detour = two_factor_redirect(request)
        if detour is not None:
            return detour
    today = timezone.localdate()
    kind = _kind_from(request.GET)
    offered = periods_offered(kind, today)
    period = default_period(kind, today)
    asked = request.GET if "period" in request.GET else {"type": kind.value, "period": period.key}
    form = PeriodForm(asked, kind=kind, offered=offered)
    if form.is_valid():
        period = Period.parse(kind, form.cleaned_data["period"])
    figures = front_door_measures(period)
    months = month_by_month(period) if period.kind != PeriodKind.MONTH else []
    context: dict[str, Any] = {
        "page_title": ("Error: " if form.errors else "") + "Front door measures",
        "current_area": AREA,
        "form": form,
        "period": period,
        "kind": kind,
        "kinds": [(k, _link(k)) for k in PERIOD_KINDS],
        "previous_link": _period_link(period.previous()) if period.previous() in offered else None,
        "next_link": _period_link(period.following()) if period.following() in offered else None,
        "tier": tier,
        "suppressed_tier": tier == Tier.AGGREGATE,
        "threshold": small_number_threshold(),
        **_tables(figures, months, tier),
    }
    population = population_for_year(period.population_year)
    context["population"] = population
    context["population_year"] = period.population_year
    return render(request, "frontdoor/measures/page.html", context)


def _link(kind: PeriodKind) -> str:
    return f"{reverse('frontdoor:measures')}?type={kind.value}"


def _period_link(period: Period) -> dict[str, str]:
    return {"href": f"{_link(period.kind)}&period={period.key}", "label": period.label}


def _tables(figures: FrontDoorMeasures, months: list[Any], tier: Tier) -> dict[str, Any]:
    def show(measure: Measure) -> Shown:
        return measure_shown(measure, tier)

    def sources(rows: list[SourceAgencyRow]) -> list[dict[str, Any]]:
        return [{"label": r.label, "contacts": show(r.contacts), "nfa": show(r.nfa)} for r in rows]

    return {
        "headline": [
            {"definition": definition, "measure": measure, "shown": show(measure)}
            for definition, measure in figures.headline
        ],
        "by_level": [{"label": r.label, "shown": show(r.measure)} for r in figures.by_level],
        "by_concern": [{"label": r.label, "shown": show(r.measure)} for r in figures.by_concern],
        "by_source_agency": sources(figures.by_source_agency),
        "by_referral_source": sources(figures.by_referral_source),
        "months": [
            {
                "label": f"{m.month.first:%B %Y}",
                "contacts": show(m.contacts),
                "decisions": show(m.decisions_within_one_working_day),
                "conversion": show(m.referrals_to_social_care),
                "repeat": show(m.repeat_contacts),
            }
            for m in months
        ],
    }
