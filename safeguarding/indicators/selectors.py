"""Reading stored indicator data (aggregate, partnership tier: no personal data)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguarding.indicators.models import ComputationRun, IndicatorValue, IndicatorVersion


def latest_run(period_key: str) -> ComputationRun | None:
    """The latest successful computation for a financial year ("2022-23")."""
    return (
        ComputationRun.objects.filter(period_key=period_key, status=ComputationRun.Status.SUCCEEDED)
        .order_by("-started_at", "-pk")
        .first()
    )


def run_values(run: ComputationRun) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(run=run).select_related("version__indicator")


def current_versions() -> list[IndicatorVersion]:
    """The latest version of every indicator, by code."""
    latest: dict[str, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by("indicator__code", "number"):
        latest[version.indicator.code] = version
    return list(latest.values())


def scorecard_json(period_key: str) -> dict[str, Any]:
    """Every stored value of the latest run for the year, as `safeguarding scorecard --json` prints it."""
    run = latest_run(period_key)
    values = run_values(run) if run is not None else IndicatorValue.objects.none()
    return {
        "period": period_key,
        "values": [
            {
                "code": value.version.indicator.code,
                "version": value.version.number,
                "period": value.period_key,
                "breakdown": value.breakdown,
                "numerator": value.numerator,
                "denominator": value.denominator,
                "value": value.value,
                "unit": value.unit,
                "computed_from": value.computed_from,
            }
            for value in values
        ],
    }
