"""What every page template needs: the partnership's name and logo, and the areas this person may open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from safeguarding.access.permissions import holds
from safeguarding.core.areas import AREAS, Area

COOKIE_ACK = "cookies_acknowledged"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    nav_areas = []
    if user is not None and user.is_authenticated:
        for area in AREAS:
            if area.permission is None or holds(user, area.permission):
                nav_areas.append({"slug": area.slug, "title": area.title, "href": _area_href(area)})
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "partnership_logo": settings.PARTNERSHIP_LOGO,
        "support_email": settings.SUPPORT_EMAIL,
        "demo_mode": settings.DEMO_MODE,
        "nav_areas": nav_areas,
        "cookies_acknowledged": request.COOKIES.get(COOKIE_ACK) == "yes",
    }


def _area_href(area: Area) -> str:
    # A module's own landing page when it is installed in this URL map, else the generic one.
    if area.url_name:
        try:
            return reverse(area.url_name)
        except NoReverseMatch:
            pass
    try:
        return reverse("core:area", args=[area.slug])
    except NoReverseMatch:
        return "/"
