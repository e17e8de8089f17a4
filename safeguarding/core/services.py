"""Writes owned by core: the local closure days of the working-day calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.core.calendar import bank_holiday_name, is_weekend, local_closure_days_forget, long_date
from safeguarding.core.models import LocalClosureDay

REASON_MAX_LENGTH = LocalClosureDay._meta.get_field("reason").max_length or 200


def closure_day_problem(day: date) -> str | None:
    """Why `day` cannot be added as a local closure day, in words for the person adding it; None if it can."""
    if is_weekend(day):
        return (
            f"{long_date(day)} is at a weekend: weekends are never working days, so there is nothing to close"
        )
    holiday = bank_holiday_name(day)
    if holiday is not None:
        return f"{long_date(day)} is already a bank holiday ({holiday})"
    existing = LocalClosureDay.objects.filter(date=day).values_list("reason", flat=True).first()
    if existing is not None:
        return f"{long_date(day)} is already a local closure day ({existing})"
    return None


def closure_day_add(
    *, actor: Any, day: date, reason: str, request: HttpRequest | None = None
) -> LocalClosureDay:
    """Make `day` a local closure day: statutory clocks skip it from now on. Logged, with history."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Enter why the offices are closed"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"})
    problem = closure_day_problem(day)
    if problem is not None:
        raise ValidationError({"date": problem})
    try:
        with transaction.atomic():
            closure = LocalClosureDay(date=day, reason=reason, added_by=actor)
            closure._history_user = actor  # type: ignore[attr-defined]
            closure.save(force_insert=True)
            access_event_record(
                actor=actor,
                action=AccessEvent.Action.CREATE,
                subject=closure,
                purpose="Local closure day added to the working-day calendar",
                details={"date": day.isoformat(), "reason": reason},
                request=request,
            )
            transaction.on_commit(local_closure_days_forget)
    except IntegrityError as exc:
        # Someone added the same date between the check above and the insert.
        raise ValidationError({"date": f"{long_date(day)} is already a local closure day"}) from exc
    local_closure_days_forget()
    return closure


def closure_day_remove(*, actor: Any, closure: LocalClosureDay, request: HttpRequest | None = None) -> None:
    """Make a local closure day a working day again. Logged; the history keeps the removed row."""
    with transaction.atomic():
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.DELETE,
            subject=closure,
            purpose="Local closure day removed from the working-day calendar",
            details={"date": closure.date.isoformat(), "reason": closure.reason},
            request=request,
        )
        closure._history_user = actor  # type: ignore[attr-defined]
        closure.delete()
        transaction.on_commit(local_closure_days_forget)
    local_closure_days_forget()
