"""The indicator registry page: the partnership's data dictionary, every indicator with its definitions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.selectors import current_versions

AREA = "performance"


@require_GET
@permission_required("indicator.view")
def registry_page(request: HttpRequest) -> HttpResponse:
    # The registry is code; make sure the stored versions match it before showing them (no new version
    # unless a definition changed, so this is a read of the indicator tables on every later visit).
    indicators_sync()
    versions = current_versions()
    return render(
        request,
        "indicators/registry.html",
        {"page_title": "Indicator registry", "current_area": AREA, "versions": versions},
    )
