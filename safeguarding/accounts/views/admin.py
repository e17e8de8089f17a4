"""Administration pages for the business unit: agencies, teams, people, roles, lockouts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding.access.decorators import permission_required


@permission_required("agency.view")
@require_GET
def admin_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/admin/home.html", {"page_title": "Administration", "current_area": "administration"})
