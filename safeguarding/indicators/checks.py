"""Consistency checks run at every computation and stored on the run: failures are listed, never hidden.

- rate: a rate per 10,000 equals numerator / population x 10,000 (rounded as stored), its denominator is the
  population table's figure, and its numerator is the count it is a rate of;
- partition: the rows of a breakdown that splits a whole add up to it;
- percent_total: percentages of one whole add to 100, within the rounding of each row;
- period_label: a value's label and dates are those of its period key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from safeguarding.frontdoor.measures import Period
from safeguarding.indicators.models import IndicatorValue
from safeguarding.indicators.registry import Unit
from safeguarding.population.selectors import population_for_year

# Values are stored to this many decimal places; a sum of n percentages may be off by n half-units.
DECIMALS = 1
HALF_UNIT = 0.5 * 10**-DECIMALS


@dataclass(frozen=True)
class CheckResult:
    check: str
    code: str
    period: str
    breakdown: str
    passed: bool
    message: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _result(check: str, value: IndicatorValue, passed: bool, message: str) -> CheckResult:
    return CheckResult(
        check, value.version.indicator.code, value.period_key, value.breakdown_key, passed, message
    )


def check_rate(value: IndicatorValue, counts: dict[tuple[str, str], IndicatorValue]) -> CheckResult:
    """`counts`: the total values of the run by (code, period key), to compare the rate's numerator with."""
    problems = []
    if value.numerator is not None and value.denominator:
        expected = rounded(value.numerator * 10_000 / value.denominator)
        if value.value != expected:
            problems.append(
                f"{value.value} is not {value.numerator} / {value.denominator} x 10,000 = {expected}"
            )
    period = Period.parse(value.period_kind, value.period_key)
    population = population_for_year(period.population_year)
    if value.denominator is not None and (
        population is None or population.children_0_17 != value.denominator
    ):
        found = "none" if population is None else f"{population.children_0_17:,}"
        problems.append(
            f"denominator {value.denominator} is not the mid-{period.population_year} population ({found})"
        )
    count = counts.get((value.version.rate_of, value.period_key)) if value.version.rate_of else None
    if count is not None and count.numerator != value.numerator:
        problems.append(
            f"numerator {value.numerator} is not the {value.version.rate_of} count ({count.numerator})"
        )
    return _result(
        "rate", value, not problems, "; ".join(problems) or "Rate matches its count and population"
    )


def check_partition(total: IndicatorValue, rows: list[IndicatorValue]) -> CheckResult:
    """Rows of a partition add up to the whole: the total's count, or the rows' shared base."""
    added = sum(row.numerator or 0 for row in rows)
    if total.unit == Unit.COUNT:
        whole = total.numerator
    else:
        bases = {row.denominator for row in rows}
        whole = bases.pop() if len(bases) == 1 else None
    passed = whole is not None and added == whole
    name = rows[0].breakdown_key.split("=")[0] if rows else ""
    message = f"rows by {name} add up to {added}, the whole is {whole}"
    return _result("partition", total, passed, message)


def check_percent_total(total: IndicatorValue, rows: list[IndicatorValue]) -> CheckResult:
    shown = [row.value for row in rows if row.value is not None]
    added = round(sum(shown), 6)
    allowed = HALF_UNIT * len(shown) + 1e-9
    passed = not shown or abs(added - 100) <= allowed
    return _result("percent_total", total, passed, f"percentages add to {added} (100 within {allowed:.2f})")


def check_period_label(value: IndicatorValue) -> CheckResult:
    try:
        period = Period.parse(value.period_kind, value.period_key)
    except ValueError as error:
        return _result("period_label", value, False, str(error))
    problems = []
    if value.period_label != period.label:
        problems.append(f"label {value.period_label!r} is not {period.label!r}")
    if (value.period_start, value.period_end) != (period.first, period.last):
        problems.append(
            f"dates {value.period_start} to {value.period_end} are not {period.first} to {period.last}"
        )
    return _result("period_label", value, not problems, "; ".join(problems) or "Label matches the period")


def run_checks(values: Iterable[IndicatorValue]) -> list[CheckResult]:
    """Every check over one run's values; failed results first."""
    values = list(values)
    totals = {(v.version.indicator.code, v.period_key): v for v in values if not v.breakdown_key}
    groups: dict[tuple[str, str, str], list[IndicatorValue]] = defaultdict(list)
    for value in values:
        if value.breakdown_key:
            name = value.breakdown_key.split("=")[0]
            groups[(value.version.indicator.code, value.period_key, name)].append(value)
    results = [check_period_label(value) for value in values]
    results += [check_rate(value, totals) for value in values if value.unit == Unit.PER_10K]
    for (code, period_key, name), rows in groups.items():
        total = totals.get((code, period_key))
        breakdown = next((b for b in rows[0].version.breakdowns if b["name"] == name), None)
        if total is None or breakdown is None or not breakdown["partition"]:
            continue
        results.append(check_partition(total, rows))
        if rows[0].unit == Unit.PERCENT:
            results.append(check_percent_total(total, rows))
    return sorted(results, key=lambda r: r.passed)
