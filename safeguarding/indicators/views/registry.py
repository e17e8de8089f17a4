"""The indicator registry page: the partnership's data dictionary, every indicator with its definitions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.indicators.selectors import current_versions

AREA = "performance"


@require_GET
@permission_required("indicator.view")
def registry_page(request: HttpRequest) -> HttpResponse:
    # Only reads: the stored versions are brought up to the registry after every migrate (apps.py) and
    # before every computation, so a page view never writes.
    versions = current_versions()
    return render(
        request,
        "indicators/registry.html",
        {"page_title": "Indicator registry", "current_area": AREA, "versions": versions},
    )


urlpatterns = [path("registry/", registry_page, name="registry")]
