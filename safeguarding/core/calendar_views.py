"""The business unit's working-day calendar page: local closure days, with the bank holidays beside them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.core.calendar import long_date
from safeguarding.core.calendar_forms import LocalClosureDayForm
from safeguarding.core.clocks import CLOCKS
from safeguarding.core.selectors import (
    bank_holidays_upcoming,
    closure_day_get,
    closure_days_past,
    closure_days_upcoming,
)
from safeguarding.core.services import closure_day_add, closure_day_remove

PERMISSION = "calendar.manage"
AREA = "administration"


@permission_required(PERMISSION)
@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "core/calendar/list.html",
        {
            "page_title": "Working-day calendar",
            "current_area": AREA,
            "today": today,
            "upcoming": closure_days_upcoming(today),
            "past": closure_days_past(today),
            "bank_holidays": bank_holidays_upcoming(today),
            "clocks": list(CLOCKS.values()),
        },
    )


@permission_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def calendar_add(request: HttpRequest) -> HttpResponse:
    form = LocalClosureDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = closure_day_add(
                actor=request.user,
                day=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{long_date(closure.date)} is now a local closure day")
            return redirect("core:calendar")
    return render(
        request,
        "core/calendar/add.html",
        {
            "page_title": ("Error: " if form.errors else "") + "Add a local closure day",
            "current_area": AREA,
            "form": form,
        },
    )


@permission_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = closure_day_get(pk)
    if request.method == "POST":
        closure_day_remove(actor=request.user, closure=closure, request=request)
        messages.success(request, f"{long_date(closure.date)} is a working day again")
        return redirect("core:calendar")
    return render(
        request,
        "core/calendar/remove.html",
        {"page_title": "Remove a local closure day", "current_area": AREA, "closure": closure},
    )
