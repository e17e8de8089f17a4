"""Each consistency check passes on computed values and fails on a deliberately wrong one."""

from __future__ import annotations

import pytest

from safeguarding.indicators.checks import (
    check_partition,
    check_percent_total,
    check_period_label,
    check_rate,
    run_checks,
)
from safeguarding.indicators.compute import indicators_compute
from safeguarding.indicators.models import ComputationRun, IndicatorValue
from safeguarding.indicators.tests.data import year_2022_23

pytestmark = pytest.mark.django_db


@pytest.fixture
def run() -> ComputationRun:
    year_2022_23()
    return indicators_compute(year=2022).run


def _values(run: ComputationRun) -> list[IndicatorValue]:
    return list(IndicatorValue.objects.filter(run=run).select_related("version__indicator"))


def _one(values: list[IndicatorValue], code: str, period: str, breakdown: str = "") -> IndicatorValue:
    return next(
        v
        for v in values
        if (v.version.indicator.code, v.period_key, v.breakdown_key) == (code, period, breakdown)
    )


def test_every_check_kind_ran_and_passed_on_the_computed_values(run: ComputationRun) -> None:
    kinds = {check["check"] for check in run.checks}
    assert kinds == {"rate", "partition", "percent_total", "period_label"}
    assert run.checks_failed == 0


def test_a_rate_that_does_not_match_its_count_and_population_fails(run: ComputationRun) -> None:
    values = _values(run)
    totals = {(v.version.indicator.code, v.period_key): v for v in values if not v.breakdown_key}
    rate = _one(values, "contacts_per_10k", "2022-23")
    assert check_rate(rate, totals).passed
    rate.value = 1.5  # 5 x 10,000 / 50,000 is 1.0
    result = check_rate(rate, totals)
    assert not result.passed and "1.5 is not 5 / 50000 x 10,000 = 1.0" in result.message
    rate.value, rate.numerator = 1.2, 6  # consistent with itself, but not with the contacts count (5)
    assert "is not the contacts count (5)" in check_rate(rate, totals).message
    rate.numerator, rate.denominator, rate.value = 5, 40_000, 1.2  # 1.25 rounds to 1.2; wrong population
    assert "not the mid-2022 population (50,000)" in check_rate(rate, totals).message


def test_a_breakdown_that_does_not_add_up_to_the_total_fails(run: ComputationRun) -> None:
    values = _values(run)
    total = _one(values, "contacts", "2022-23-q1")
    rows = [v for v in values if v.period_key == "2022-23-q1" and v.breakdown_key.startswith("level=")]
    assert check_partition(total, rows).passed
    total.numerator = 4
    failed = check_partition(total, rows)
    assert not failed.passed and failed.message == "rows by level add up to 3, the whole is 4"


def test_percentages_of_a_whole_that_do_not_add_to_100_fail(run: ComputationRun) -> None:
    values = _values(run)
    total = _one(values, "contacts", "2022-23-q1")
    rows = [v for v in values if v.period_key == "2022-23-q1" and v.breakdown_key.startswith("level=")]
    # 66.7 + 33.3 + zeros: exactly 100
    assert check_percent_total(total, rows).passed
    next(r for r in rows if r.breakdown_key == "level=nfa").value = 35.3
    assert not check_percent_total(total, rows).passed


def test_a_stale_period_label_fails(run: ComputationRun) -> None:
    values = _values(run)
    value = _one(values, "contacts", "2022-23")
    assert check_period_label(value).passed
    value.period_label = "2021-22 (April 2021 to March 2022)"
    failed = check_period_label(value)
    assert not failed.passed and "2021-22" in failed.message


def test_failures_are_listed_first_never_hidden(run: ComputationRun) -> None:
    values = _values(run)
    _one(values, "contacts", "2022-23-q3").period_label = "Q3 2021-22"
    results = run_checks(values)
    assert not results[0].passed and results[0].period == "2022-23-q3"
    assert sum(not r.passed for r in results) == 1
