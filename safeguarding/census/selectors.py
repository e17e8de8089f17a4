"""Reading the census imports and their findings (partnership-level, for holders of census.import).

Findings name children by their LA child ID, so every read goes through here and the pages log what they show.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, QuerySet
from django.shortcuts import get_object_or_404

from safeguarding.access.permissions import holds
from safeguarding.census.models import CensusFinding, CensusImport

PERMISSION = "census.import"


def census_imports_visible_to(user: Any) -> QuerySet[CensusImport]:
    if not holds(user, PERMISSION):
        return CensusImport.objects.none()
    return CensusImport.objects.select_related("started_by")


def census_import_get_for_user(user: Any, pk: int) -> CensusImport:
    return get_object_or_404(census_imports_visible_to(user), pk=pk)


def findings_by_rule(census_import: CensusImport) -> list[dict[str, Any]]:
    """One row per rule: rule, type, count and message; errors first, then queries, then "not loaded"."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in census_import.findings.values("rule", "type")
        .annotate(count=Count("pk"), message=Min("message"))
        .order_by("rule", "type")
    ]
    order: dict[str, int] = {"error": 0, "query": 1, "not_loaded": 2}
    rows.sort(key=lambda row: (order.get(row["type"], 3), row["rule"]))
    for row in rows:
        row["type_label"] = CensusFinding.Type(row["type"]).label
        if row["type"] == CensusFinding.Type.NOT_LOADED:
            row["message"] = "Values or records the platform could not keep: each finding says why"
    return rows
