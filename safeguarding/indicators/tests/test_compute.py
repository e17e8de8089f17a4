"""Computing a year: stored values with provenance, one transaction, signed-off periods kept."""

from __future__ import annotations

import pytest

from safeguarding.census.models import CensusImport
from safeguarding.core.testing import make_user
from safeguarding.frontdoor.measures import Measure, Period
from safeguarding.indicators import registry
from safeguarding.indicators.compute import indicators_compute, period_sign_off
from safeguarding.indicators.models import ComputationRun, IndicatorValue
from safeguarding.indicators.registry import IndicatorDefinition, Unit
from safeguarding.indicators.tests.data import contact, year_2022_23

pytestmark = pytest.mark.django_db


def _total(run: ComputationRun, code: str, period: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        run=run, version__indicator__code=code, period_key=period, breakdown_key=""
    )


def test_the_year_and_its_quarters_are_stored_with_counts_and_provenance() -> None:
    year_2022_23()
    run = indicators_compute(year=2022).run
    assert run.status == ComputationRun.Status.SUCCEEDED and run.checks_failed == 0, run.checks
    contacts = {
        p: _total(run, "contacts", p).value for p in ("2022-23", *(f"2022-23-q{n}" for n in range(1, 5)))
    }
    assert contacts == {"2022-23": 5, "2022-23-q1": 3, "2022-23-q2": 0, "2022-23-q3": 1, "2022-23-q4": 1}
    rate = _total(run, "contacts_per_10k", "2022-23")
    # 5 x 10,000 / 50,000 = 1.0
    assert (rate.numerator, rate.denominator, rate.value, rate.unit) == (5, 50_000, 1.0, "per_10k")
    assert rate.computed_from["population"] == {
        "year": 2022,
        "children_0_17": 50_000,
        "source": "Test figure",
    }
    assert rate.computed_from["census_imports"] == []
    assert rate.period_label == "2022-23 (April 2022 to March 2023)"
    level_4 = IndicatorValue.objects.get(run=run, period_key="2022-23-q1", breakdown={"level": "level_4"})
    assert (level_4.numerator, level_4.denominator, level_4.value) == (2, 3, 66.7)


def test_provenance_names_the_census_imports_loaded() -> None:
    year_2022_23()
    done = CensusImport.objects.create(
        file_name="test.xml",
        status=CensusImport.Status.DONE,
        channel=CensusImport.Channel.COMMAND,
        sha256="0" * 64,
        census_year=2023,
        started_by=make_user("business_unit_officer"),
    )
    run = indicators_compute(year=2022).run
    assert _total(run, "contacts", "2022-23").computed_from["census_imports"] == [done.pk]


def test_recomputing_a_period_not_signed_off_replaces_its_values() -> None:
    year_2022_23()
    first = indicators_compute(year=2022).run
    contact("2022-04-05 10:00")
    second = indicators_compute(year=2022).run
    assert not IndicatorValue.objects.filter(run=first).exists()
    assert _total(second, "contacts", "2022-23-q1").value == 4


def test_a_signed_off_period_keeps_its_values_beside_the_new_run() -> None:
    year_2022_23()
    first = indicators_compute(year=2022).run
    period_sign_off(actor=make_user("business_unit_manager"), period_key="2022-23-q1")
    contact("2022-04-05 10:00")
    result = indicators_compute(year=2022)
    assert result.kept_signed_off == ["2022-23-q1"]
    assert _total(first, "contacts", "2022-23-q1").value == 3  # kept as signed off
    assert _total(result.run, "contacts", "2022-23-q1").value == 4
    assert not IndicatorValue.objects.filter(run=first, period_key="2022-23").exists()  # not signed off


def test_an_error_keeps_nothing_but_a_failed_run(monkeypatch: pytest.MonkeyPatch) -> None:
    year_2022_23()

    def broken(period: Period) -> Measure:
        raise RuntimeError("deliberate failure")

    faulty = IndicatorDefinition("zz_broken", "Broken", "Fails", "", "", Unit.COUNT, compute=broken)
    monkeypatch.setattr(registry, "FRONT_DOOR", (*registry.FRONT_DOOR, faulty))
    with pytest.raises(RuntimeError):
        indicators_compute(year=2022)
    assert not IndicatorValue.objects.exists()
    failed = ComputationRun.objects.get()
    assert failed.status == ComputationRun.Status.FAILED and "deliberate failure" in failed.error


def test_quarters_add_up_to_the_year_by_their_unit() -> None:
    from safeguarding.frontdoor.measures import Measure, Unit
    from safeguarding.indicators.compute import summed_measure

    # Counts add; percentages are summed numerators over summed denominators, not an average of percentages.
    assert summed_measure([Measure.number(n) for n in (1, 2, 3, 4)]) == Measure.number(10)
    percent = summed_measure([Measure.percent(1, 2), Measure.percent(9, 10), Measure.percent(0, 0)])
    assert (percent.count, percent.base, percent.value) == (10, 12, 100 * 10 / 12)
    assert summed_measure([Measure.percent(0, 0)] * 4).missing == "Nothing to count in this period"
    # A rate divides the year's count by the one population the quarters share.
    rates = [Measure(n, 50_000, n * 10_000 / 50_000, Unit.PER_10000) for n in (10, 20, 30, 40)]
    assert summed_measure(rates) == Measure(100, 50_000, 20.0, Unit.PER_10000)
    missing = Measure(5, None, None, Unit.PER_10000, "No population figure for 2022")
    assert summed_measure([missing] * 4) == Measure(
        20, None, None, Unit.PER_10000, "No population figure for 2022"
    )
