"""The Performance area's landing page: what the area holds, linked as far as the viewer's roles reach."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import holds

AREA = "performance"

# (URL name, title, what it is for, the permission it needs).
LINKS = (
    (
        "indicators:scorecard",
        "The multi-agency scorecard",
        "Each figure for a quarter or the year, with its target, comparators, trend and partners' narrative.",
        "indicator.view",
    ),
    (
        "indicators:registry",
        "The indicator registry",
        "The partnership's data dictionary: what every figure counts, out of what, and who owns it.",
        "indicator.view",
    ),
    (
        "indicators:comparators",
        "Comparators",
        "England, statistical neighbour and regional figures, with their sources.",
        "indicator.view",
    ),
    (
        "indicators:population",
        "Population",
        "The number of children aged 0-17 by year that every rate per 10,000 divides by.",
        "indicator.view",
    ),
    (
        "indicators:returns-mine",
        "Your agency's data returns",
        "The quarterly figures your agency submits, with the narrative behind them.",
        "datareturn.submit",
    ),
    (
        "indicators:returns",
        "Agency data returns",
        "Every agency's return by quarter: submitted, late or missing, to accept or return with comments.",
        "datareturn.approve",
    ),
)


@require_GET
@permission_required("indicator.view")
def performance_home(request: HttpRequest) -> HttpResponse:
    links = [
        {"href": reverse(name), "title": title, "detail": detail}
        for name, title, detail, permission in LINKS
        if holds(request.user, permission)
    ]
    return render(
        request,
        "indicators/home.html",
        {"page_title": "Performance", "current_area": AREA, "links": links},
    )


urlpatterns = [path("", performance_home, name="home")]
