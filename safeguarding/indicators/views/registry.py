"""The indicator registry page: the partnership's data dictionary, every indicator with its definitions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required
from safeguarding.accounts.models import Agency
from safeguarding.indicators.models import IndicatorVersion
from safeguarding.indicators.registry import THEMES
from safeguarding.indicators.selectors import current_versions

AREA = "performance"


@require_GET
@permission_required("indicator.view")
def registry_page(request: HttpRequest) -> HttpResponse:
    # Only reads: the stored versions are brought up to the registry after every migrate (apps.py) and
    # before every computation, so a page view never writes.
    entries = [_entry(version) for version in current_versions()]
    return render(
        request,
        "indicators/registry.html",
        {"page_title": "Indicator registry", "current_area": AREA, "entries": entries},
    )


def _entry(version: IndicatorVersion) -> dict[str, object]:
    """A version with its theme and owning agency kinds in words, as the data dictionary prints them."""
    kinds = dict(Agency.Kind.choices)
    return {
        "version": version,
        "themes": [THEMES.get(code, code) for code in version.themes],
        "owners": [kinds.get(kind, kind) for kind in version.owner_agency_kinds],
    }


urlpatterns = [path("registry/", registry_page, name="registry")]
