"""Drill-down breakdowns (issue 5 section 6): the counted children by age band, sex, ethnicity, locality and
referral source, each a partition of its total. Every expected row is worked by hand beside the data;
synthetic children only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from safeguarding.children.codes import CategoryOfAbuse
from safeguarding.children.models import Child, ChildProtectionPlan, CINReferral
from safeguarding.children.tests.support import make_child
from safeguarding.core import runcache
from safeguarding.frontdoor.measures import Period
from safeguarding.indicators import journey
from safeguarding.indicators.compute import indicators_compute
from safeguarding.indicators.journey import age_band
from safeguarding.indicators.models import IndicatorValue
from safeguarding.indicators.registry import definition_for
from safeguarding.population.models import ChildPopulation

pytestmark = pytest.mark.django_db

YEAR = Period.financial_year(2023)  # 1 April 2023 to 31 March 2024


def counts(code: str, name: str, period: Period = YEAR) -> dict[str, int]:
    return {row.key: row.measure.count for row in journey.JOURNEY_BREAKDOWNS[code][name](period)}


def refer(child: Child, day: date, source: str = "2A") -> CINReferral:
    return CINReferral.objects.create(child=child, referral_date=day, source=source)


def plan(child: Child, start: date, end: date | None = None) -> None:
    """A child protection plan (neglect) on a new episode referred the day it starts."""
    episode = refer(child, start)
    ChildProtectionPlan.objects.create(
        episode=episode,
        start_date=start,
        end_date=end,
        initial_category=CategoryOfAbuse.NEGLECT,
        latest_category=CategoryOfAbuse.NEGLECT,
    )


def children() -> dict[str, Child]:
    return {
        # 10 on 10 May 2023; a girl (2), White British, in North.
        "ann": make_child(
            first_name="Ann", date_of_birth=date(2013, 5, 10), sex="2", ethnicity="WBRI", locality="North"
        ),
        # Not born yet: an expected date only; sex not recorded (0), ethnicity not obtained, no locality.
        "unborn": make_child(
            first_name="", date_of_birth=None, expected_date_of_birth=date(2023, 8, 1), sex="0", locality=""
        ),
        # Born 1 July 2023 (a referral before that was pre-birth); mixed heritage; locality only spaces.
        "baby": make_child(
            first_name="Baby", date_of_birth=date(2023, 7, 1), sex="2", ethnicity="MWBC", locality="  "
        ),
        # 18 on 31 March 2024; a boy (1), Pakistani, in South.
        "old": make_child(
            first_name="Old", date_of_birth=date(2006, 3, 31), sex="1", ethnicity="APKN", locality="South"
        ),
    }


def test_referrals_by_age_at_the_referral_date_sex_ethnicity_locality_and_source() -> None:
    kids = children()
    refer(kids["ann"], date(2023, 5, 9), source="2A")  # the day before her 10th birthday: 9, band 5 to 9
    refer(kids["ann"], date(2023, 5, 10), source="6")  # her birthday: 10, band 10 to 15
    refer(kids["unborn"], date(2023, 6, 1), source="3B")  # no birth date, an expected one: unborn
    refer(kids["baby"], date(2023, 6, 15), source="3B")  # before the birth date: unborn
    refer(kids["baby"], date(2024, 1, 10), source="3A")  # 6 months old: under 1
    refer(kids["old"], date(2024, 3, 31), source="6")  # 18 on the year's last day: 16 and over
    refer(kids["old"], date(2024, 4, 1), source="6")  # next year: out

    assert journey.referrals(YEAR).count == 6
    assert counts("referrals", "age_band") == {
        "unborn": 2,
        "under_1": 1,
        "1_to_4": 0,
        "5_to_9": 1,
        "10_to_15": 1,
        "16_and_over": 1,
        "not_recorded": 0,
    }
    # Girls: Ann 2 + Baby 2 = 4; boys: Old 1; not recorded: the unborn child 1; indeterminate 0.
    assert counts("referrals", "sex") == {"1": 1, "2": 4, "0": 1, "9": 0}
    assert counts("referrals", "ethnicity") == {
        "white": 2,
        "mixed": 2,
        "asian": 1,
        "black": 0,
        "other": 0,
        "refused": 0,
        "not_obtained": 1,
    }
    # Named localities in order, then "Not recorded" (blank or only spaces): the unborn child and Baby's two.
    locality = journey.JOURNEY_BREAKDOWNS["referrals"]["locality"](YEAR)
    assert [(row.key, row.label, row.measure.count) for row in locality] == [
        ("North", "North", 2),
        ("South", "South", 1),
        ("not_recorded", "Not recorded", 3),
    ]
    source = counts("referrals", "source")
    assert (source["2A"], source["6"], source["3B"], source["3A"], source["1A"]) == (1, 2, 2, 1, 0)
    # Every breakdown is a partition: its rows add up to the total.
    for name in ("age_band", "sex", "ethnicity", "locality", "source"):
        assert sum(counts("referrals", name).values()) == 6, name


def test_snapshots_count_each_child_once_aged_on_the_last_day() -> None:
    kids = children()

    plan(kids["ann"], date(2023, 4, 20))
    plan(kids["ann"], date(2023, 11, 1))  # a second open plan: Ann still counts once
    plan(kids["old"], date(2024, 1, 5))  # 18 on 31 March 2024 (born 31 March 2006): 16 and over
    plan(kids["baby"], date(2023, 9, 1), date(2024, 3, 31))  # ended on the snapshot day: not on a plan

    assert journey.cpp_at_end(YEAR).count == 2
    # Ann is 10 on 31 March 2024; Old 18. At 30 June 2023 (Q1) only Ann, then 10 too.
    assert counts("cpp_at_end", "age_band")["10_to_15"] == 1
    assert counts("cpp_at_end", "age_band")["16_and_over"] == 1
    assert sum(counts("cpp_at_end", "age_band").values()) == 2
    assert counts("cpp_at_end", "sex") == {"1": 1, "2": 1, "0": 0, "9": 0}
    first_quarter = Period.quarter(2023, 1)
    assert counts("cpp_at_end", "age_band", first_quarter)["10_to_15"] == 1
    assert sum(counts("cpp_at_end", "locality", first_quarter).values()) == 1


def test_a_record_added_between_two_reads_is_counted() -> None:
    # The records behind the breakdowns are kept only within one computation run; outside it, every change
    # is seen.
    kids = children()
    refer(kids["ann"], date(2023, 6, 1))
    assert counts("referrals", "sex")["2"] == 1
    refer(kids["baby"], date(2023, 9, 1))
    assert counts("referrals", "sex")["2"] == 2
    Child.objects.filter(pk=kids["baby"].pk).update(sex="1")
    assert counts("referrals", "sex") == {"1": 1, "2": 1, "0": 0, "9": 0}


def test_within_one_run_the_records_are_read_once_for_every_breakdown(
    django_assert_num_queries: Any,
) -> None:
    kids = children()
    refer(kids["ann"], date(2023, 6, 1))
    with runcache.one_run():
        counts("referrals", "sex")
        with django_assert_num_queries(0):
            assert counts("referrals", "age_band")["10_to_15"] == 1
            assert sum(counts("referrals", "locality").values()) == 1


def test_in_a_run_a_years_records_are_its_quarters_and_give_the_same_rows() -> None:
    kids = children()
    refer(kids["ann"], date(2023, 5, 9))  # Q1, aged 9
    refer(kids["baby"], date(2023, 6, 1))  # Q1, pre-birth
    refer(kids["ann"], date(2024, 3, 31))  # Q4, aged 10
    plan(kids["old"], date(2023, 9, 1))  # open at the end of the year (Q4's last day), 18 by then
    outside = {name: counts("referrals", name) for name in ("age_band", "sex", "locality", "source")}
    plans_outside = counts("cpp_at_end", "age_band")
    with runcache.one_run():
        for n in range(1, 5):  # the run computes the quarters as well as the year
            counts("referrals", "sex", Period.quarter(2023, n))
        assert {name: counts("referrals", name) for name in outside} == outside
        assert counts("cpp_at_end", "age_band") == plans_outside
    assert outside["age_band"]["5_to_9"] == 1 and outside["age_band"]["10_to_15"] == 1
    assert outside["age_band"]["unborn"] == 1 and plans_outside["16_and_over"] == 1


def test_age_bands_across_birthdays() -> None:
    assert age_band(date(2019, 4, 1), None, date(2024, 3, 31)) == "1_to_4"  # a day short of 5
    assert age_band(date(2019, 4, 1), None, date(2024, 4, 1)) == "5_to_9"  # the 5th birthday
    assert age_band(date(2023, 4, 1), None, date(2024, 3, 31)) == "under_1"
    assert age_band(date(2023, 4, 1), None, date(2024, 4, 1)) == "1_to_4"
    assert age_band(date(2008, 2, 29), None, date(2024, 2, 28)) == "10_to_15"  # 29 February: 16 on 1 March
    assert age_band(date(2008, 2, 29), None, date(2023, 3, 1)) == "10_to_15"  # 15 in a common year
    assert age_band(date(2008, 2, 29), None, date(2024, 2, 29)) == "16_and_over"
    assert age_band(None, None, date(2024, 1, 1)) == "not_recorded"
    assert age_band(None, date(2024, 6, 1), date(2024, 1, 1)) == "unborn"


def test_the_engine_registers_the_drilldowns_as_partitions_and_its_checks_pass() -> None:
    ChildPopulation.objects.create(year=2023, children_0_17=10_000, source="Test figure")
    kids = children()
    refer(kids["ann"], date(2023, 5, 9))
    refer(kids["unborn"], date(2023, 6, 1))
    referrals = definition_for("referrals")
    assert referrals is not None
    assert {b.name: b.partition for b in referrals.breakdowns} == {
        "age_band": True,
        "sex": True,
        "ethnicity": True,
        "locality": True,
        "source": True,
    }
    result = indicators_compute(year=2023)
    assert result.run.checks_failed == 0, [c for c in result.run.checks if not c["passed"]]
    partitions = [c for c in result.run.checks if c["check"] == "partition" and c["code"] == "referrals"]
    # Five breakdowns for the year and each of its four quarters.
    assert len(partitions) == 25
    stored = IndicatorValue.objects.get(
        run=result.run,
        version__indicator__code="referrals",
        period_key="2023-24",
        breakdown_key="age_band=unborn",
    )
    assert (stored.numerator, stored.breakdown_label) == (1, "Unborn")
