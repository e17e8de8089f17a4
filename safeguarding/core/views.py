"""The shell of the site: home, area landing pages, the statements every service publishes, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.permissions import holds
from safeguarding.core import attention
from safeguarding.core.areas import AREAS_BY_SLUG
from safeguarding.core.context_processors import COOKIE_ACK


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(request.user.current_memberships())  # type: ignore[union-attr]
    return render(
        request,
        "core/home.html",
        {
            "page_title": "Home",
            "current_area": "home",
            "memberships": memberships,
            "items": attention.items_for(request.user),
        },
    )


@require_GET
def area(request: HttpRequest, slug: str) -> HttpResponse:
    found = AREAS_BY_SLUG.get(slug)
    if found is None:
        raise Http404("No such area")
    if found.permission is not None and not holds(request.user, found.permission):
        raise Http404("No such area")
    return render(request, "core/area.html", {"page_title": found.title, "area": found, "current_area": slug})


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"page_title": "Accessibility statement"})


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", {"page_title": "Privacy notice"})


@login_not_required
@require_http_methods(["GET", "POST"])
def cookies(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        target = request.POST.get("next", "/")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie(
            COOKIE_ACK,
            "yes",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
        return response
    return render(request, "core/cookies.html", {"page_title": "Cookies"})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "You do not have permission to do this", str(exception or ""))


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from urllib.parse import urlencode

    from safeguarding.access.permissions import OutOfScope

    context: dict[str, Any] = {"page_title": "Page not found", "status": 404}
    if isinstance(exception, OutOfScope):
        # Only people who may break glass get here (see access.permissions.get_for_user).
        query = urlencode({"next": request.get_full_path()})
        context["break_glass_url"] = (
            reverse("access:break-glass", args=[exception.model_label, exception.pk]) + "?" + query
        )
    return render(request, "core/error_404.html", context, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be the database they read.
    from django.template import loader

    return HttpResponse(loader.get_template("core/error_500.html").render({}), status=500)


def _error(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    context: dict[str, Any] = {"page_title": title, "status": status, "detail": detail}
    return render(request, f"core/error_{status}.html", context, status=status)
