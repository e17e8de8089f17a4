"""Reads owned by core: the working-day calendar's closure days and bank holidays for its page."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from safeguarding.core.calendar import bank_holidays_between
from safeguarding.core.models import LocalClosureDay


def closure_days_upcoming(today: date) -> QuerySet[LocalClosureDay]:
    """Closure days from today on, soonest first."""
    return LocalClosureDay.objects.filter(date__gte=today).select_related("added_by").order_by("date")


def closure_days_past(today: date) -> QuerySet[LocalClosureDay]:
    """Closure days before today, most recent first."""
    return LocalClosureDay.objects.filter(date__lt=today).select_related("added_by").order_by("-date")


def closure_day_get(pk: int) -> LocalClosureDay:
    """One closure day (404 when there is none). Closure days are partnership-wide, not scoped records."""
    return get_object_or_404(LocalClosureDay.objects.select_related("added_by"), pk=pk)


def bank_holidays_upcoming(today: date, *, days_ahead: int = 366) -> list[tuple[date, str]]:
    """England's bank holidays from today to a year ahead, with their names."""
    return bank_holidays_between(today, today + timedelta(days=days_ahead))
