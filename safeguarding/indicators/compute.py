"""Services that write indicator data: syncing the registry, computing a year, signing a period off, and
the commentary beside a figure.

`indicators_compute(year=2022)` computes every registered computed indicator for the financial year and
its four quarters, with every breakdown, in one transaction, runs the consistency checks and stores their
results on the run. Values of a period not signed off are replaced; a signed-off period keeps its values
and the new run's values sit beside them (the scorecard reads the latest run, the sign-off names its run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from safeguarding.core import runcache
from safeguarding.frontdoor.measures import Measure, Period, Row
from safeguarding.frontdoor.measures import Unit as MeasureUnit
from safeguarding.indicators.checks import rounded, run_checks
from safeguarding.indicators.models import (
    ComputationRun,
    Indicator,
    IndicatorNarrative,
    IndicatorValue,
    IndicatorVersion,
    PeriodSignOff,
)
from safeguarding.indicators.registry import (
    Breakdown,
    IndicatorDefinition,
    Source,
    Unit,
    YearFrom,
    registry,
)
from safeguarding.population.selectors import population_for_year

# The longest commentary beside a figure (a form's limit and the service's).
NARRATIVE_MAX_LENGTH = 5_000

# frontdoor.measures.Unit values -> the registry's units.
_UNITS = {"count": Unit.COUNT, "percent": Unit.PERCENT, "per 10,000 children": Unit.PER_10K}


@transaction.atomic
def indicators_sync() -> dict[str, IndicatorVersion]:
    """Make every registry definition current in the database: a new version when its hash changed.

    Two reads whatever the size of the registry; writes only for new or changed definitions.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    latest: dict[str, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by("number"):
        latest[version.indicator.code] = version
    current = {}
    for definition in registry():
        indicator = indicators.get(definition.code) or Indicator.objects.create(code=definition.code)
        stored = latest.get(definition.code)
        digest = definition.definition_hash()
        if stored is None or stored.definition_hash != digest:
            stored = IndicatorVersion.objects.create(
                indicator=indicator,
                number=(stored.number + 1) if stored else 1,
                definition_hash=digest,
                **definition.stored_fields(),
            )
        current[definition.code] = stored
    return current


def year_periods(year: int) -> list[Period]:
    return [Period.financial_year(year), *(Period.quarter(year, n) for n in range(1, 5))]


def _run_provenance(started: datetime) -> dict[str, Any]:
    """What every value of a run was computed from: the data as at the run's start and the census imports
    loaded by then (read once per run)."""
    census_import = apps.get_model("census", "CensusImport")
    return {
        "data_as_at": started.isoformat(),
        "census_imports": list(
            census_import.objects.filter(status="done").order_by("pk").values_list("pk", flat=True)
        ),
    }


def _provenance(
    run_provenance: dict[str, Any], period: Period, definition: IndicatorDefinition
) -> dict[str, Any]:
    found: dict[str, Any] = {**run_provenance, "function": definition.function}
    if definition.unit == Unit.PER_10K:
        population = population_for_year(period.population_year)
        if population is not None:
            found["population"] = {
                "year": population.year,
                "children_0_17": population.children_0_17,
                "source": population.source,
            }
    return found


def _value(
    run: ComputationRun,
    version: IndicatorVersion,
    period: Period,
    measure: Measure,
    provenance: dict[str, Any],
    breakdown: tuple[str, str, str] | None = None,
) -> IndicatorValue:
    name, key, label = breakdown or ("", "", "")
    return IndicatorValue(
        run=run,
        version=version,
        **IndicatorValue.period_fields(period),
        breakdown={name: key} if name else {},
        breakdown_key=f"{name}={key}" if name else "",
        breakdown_label=label,
        numerator=measure.count,
        denominator=measure.base,
        value=rounded(measure.value),
        unit=_UNITS[str(measure.unit)],
        missing=measure.missing,
        computed_at=run.started_at,
        computed_from=provenance,
    )


@dataclass(frozen=True)
class Figures:
    """What one indicator's functions give for one period: the total and each breakdown's rows."""

    total: Measure
    breakdowns: list[tuple[Breakdown, list[Row]]]


def figures_for(definition: IndicatorDefinition, period: Period) -> Figures:
    """The indicator's functions run for the period (the year too, when it cannot come from quarters)."""
    assert definition.compute is not None
    return Figures(
        definition.compute(period),
        [(b, b.compute(period)) for b in definition.breakdowns if b.compute is not None],
    )


def year_figures(definition: IndicatorDefinition, year: Period, quarters: list[Figures]) -> Figures:
    """The year's figures from its four quarters' where the definition allows (`YearFrom`): the fourth
    quarter's for a snapshot; sums for counts of items dated in the period. A breakdown is added up only when
    every quarter lists the same rows in the same order (fixed code lists); rows that vary (localities,
    agencies, largest first) are computed for the year itself, as is everything when the year cannot be
    derived."""
    if definition.year_from == YearFrom.FOURTH_QUARTER:
        return quarters[-1]
    if definition.year_from != YearFrom.QUARTERS:
        return figures_for(definition, year)
    breakdowns = []
    for index, (breakdown, rows) in enumerate(quarters[0].breakdowns):
        each = [quarter.breakdowns[index][1] for quarter in quarters]
        keys = [row.key for row in rows]
        if all([row.key for row in other] == keys for other in each) and breakdown.compute is not None:
            summed = [
                Row(row.key, row.label, summed_measure([other[i].measure for other in each]))
                for i, row in enumerate(rows)
            ]
        else:
            assert breakdown.compute is not None
            summed = breakdown.compute(year)
        breakdowns.append((breakdown, summed))
    return Figures(summed_measure([quarter.total for quarter in quarters]), breakdowns)


def summed_measure(measures: list[Measure]) -> Measure:
    """Quarters' measures added up: counts add; a percentage is the summed numerators over the summed
    denominators; a rate per 10,000 divides the summed count by the population the quarters share (one
    financial year, one mid-year estimate)."""
    count = sum(m.count or 0 for m in measures)
    unit = measures[0].unit
    if unit == MeasureUnit.PERCENT:
        return Measure.percent(count, sum(m.base or 0 for m in measures))
    if unit == MeasureUnit.PER_10000:
        last = measures[-1]
        if not last.base:
            return Measure(count, last.base, None, unit, last.missing)
        return Measure(count, last.base, count * 10_000 / last.base, unit)
    return Measure.number(count)


def _values_for(
    run: ComputationRun,
    version: IndicatorVersion,
    period: Period,
    figures: Figures,
    provenance: dict[str, Any],
) -> list[IndicatorValue]:
    found = [_value(run, version, period, figures.total, provenance)]
    for breakdown, rows in figures.breakdowns:
        for row in rows:
            found.append(
                _value(run, version, period, row.measure, provenance, (breakdown.name, row.key, row.label))
            )
    return found


def _values_of_year(
    run: ComputationRun,
    definition: IndicatorDefinition,
    version: IndicatorVersion,
    periods: list[Period],
    run_provenance: dict[str, Any],
) -> list[IndicatorValue]:
    """The values of one indicator for the year and its quarters: the quarters computed, the year from
    them where it can be (`year_figures`)."""
    year, quarters = periods[0], periods[1:]
    by_quarter = [figures_for(definition, quarter) for quarter in quarters]
    found = _values_for(
        run,
        version,
        year,
        year_figures(definition, year, by_quarter),
        _provenance(run_provenance, year, definition),
    )
    for quarter, figures in zip(quarters, by_quarter, strict=True):
        found += _values_for(run, version, quarter, figures, _provenance(run_provenance, quarter, definition))
    return found


@dataclass(frozen=True)
class ComputeResult:
    run: ComputationRun
    values: int
    kept_signed_off: list[str]


def indicators_compute(*, year: int, actor: Any = None, actor_name: str = "") -> ComputeResult:
    """Compute the financial year starting in April `year` and its quarters, all in one transaction.

    On an error nothing is kept but a failed run saying what went wrong, and the error is raised again.
    """
    started = timezone.now()
    name = actor_name or (getattr(actor, "full_name", "") if actor else "") or "command line"
    periods = year_periods(year)
    try:
        with transaction.atomic():
            versions = indicators_sync()
            run = ComputationRun.objects.create(
                period_key=periods[0].key,
                started_at=started,
                started_by=actor,
                started_by_name=name,
                status=ComputationRun.Status.SUCCEEDED,
            )
            computed = [d for d in registry() if d.source == Source.COMPUTED and d.compute is not None]
            run_provenance = _run_provenance(started)
            with runcache.one_run():
                values = [
                    value
                    for definition in computed
                    for value in _values_of_year(
                        run, definition, versions[definition.code], periods, run_provenance
                    )
                ]
            signed_off = set(
                PeriodSignOff.objects.filter(period_key__in=[p.key for p in periods]).values_list(
                    "period_key", flat=True
                )
            )
            # Replace the earlier values of periods not signed off; signed-off ones stay as they were.
            # Agency figures (no run) come from accepted returns and are never touched here.
            IndicatorValue.objects.filter(period_key__in=[p.key for p in periods], run__isnull=False).exclude(
                period_key__in=signed_off
            ).exclude(run=run).delete()
            IndicatorValue.objects.bulk_create(values, batch_size=500)
            results = run_checks(values)
            run.checks = [result.as_json() for result in results]
            run.checks_failed = sum(not result.passed for result in results)
            run.finished_at = timezone.now()
            run.save(update_fields=["checks", "checks_failed", "finished_at"])
    except Exception as error:
        ComputationRun.objects.create(
            period_key=periods[0].key,
            started_at=started,
            finished_at=timezone.now(),
            started_by=actor,
            started_by_name=name,
            status=ComputationRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
        )
        raise
    return ComputeResult(run, len(values), sorted(signed_off))


@transaction.atomic
def period_sign_off(*, actor: Any, period_key: str, run: ComputationRun | None = None) -> PeriodSignOff:
    """The PQA subgroup signs off a period's figures, as the given run (default the latest) computed them."""
    chosen = run or latest_run_with(period_key)
    if chosen is None:
        raise ValueError(f"No figures have been computed for {period_key}")
    return PeriodSignOff.objects.create(
        period_key=period_key,
        run=chosen,
        signed_off_by=actor,
        signed_off_by_name=getattr(actor, "full_name", "") or str(actor),
        signed_off_at=timezone.now(),
    )


def latest_run_with(period_key: str) -> ComputationRun | None:
    return (
        ComputationRun.objects.filter(values__period_key=period_key, status=ComputationRun.Status.SUCCEEDED)
        .order_by("-started_at", "-pk")
        .first()
    )


@transaction.atomic
def narrative_add(*, actor: Any, indicator: Indicator, period_key: str, text: str) -> IndicatorNarrative:
    """The commentary the PQA chair or the business unit writes beside an indicator's figure for a period."""
    text = text.strip()
    if not text:
        raise ValueError("Enter the commentary")
    if len(text) > NARRATIVE_MAX_LENGTH:
        raise ValueError(f"The commentary must be {NARRATIVE_MAX_LENGTH:,} characters or fewer")
    return IndicatorNarrative.objects.create(
        indicator=indicator,
        period_key=period_key,
        text=text,
        written_by=actor,
        written_by_name=getattr(actor, "full_name", "") or str(actor),
        written_at=timezone.now(),
    )
