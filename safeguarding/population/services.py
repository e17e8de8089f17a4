"""Writing population figures: `population_set` is the one way a year's figure is entered or corrected."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.population.models import ChildPopulation

# Mid-year estimates exist from 1971; a year far in the future is a typing mistake.
EARLIEST_YEAR = 1971
LATEST_YEAR = 2100
SOURCE_MAX_LENGTH = ChildPopulation._meta.get_field("source").max_length or 300


def population_set(
    *,
    actor: Any,
    year: int,
    children_0_17: int,
    source: str,
    request: HttpRequest | None = None,
) -> ChildPopulation:
    """Enter (or correct) the number of children aged 0-17 at the middle of `year`, saying where it came from.

    A correction keeps the earlier figure in the record's history; both are in the access log.
    """
    source = " ".join(source.split())
    errors: dict[str, str] = {}
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        errors["year"] = f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
    if children_0_17 <= 0:
        errors["children_0_17"] = "The number of children must be more than 0"
    if not source:
        errors["source"] = "Enter where the figure comes from, for example 'ONS mid-2022 estimates'"
    elif len(source) > SOURCE_MAX_LENGTH:
        errors["source"] = f"The source must be {SOURCE_MAX_LENGTH} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = ChildPopulation.objects.select_for_update().filter(year=year).first()
        before = None if row is None else {"children_0_17": row.children_0_17, "source": row.source}
        if row is None:
            row = ChildPopulation(year=year)
        row.children_0_17 = children_0_17
        row.source = source
        row._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]
        row.save()
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE if before is None else AccessEvent.Action.CHANGE,
            subject=row,
            purpose=f"Population of children aged 0-17 for mid-{year} "
            + ("entered" if before is None else "corrected"),
            details={"year": year, "children_0_17": children_0_17, "source": source, "before": before},
            request=request,
        )
    return row
