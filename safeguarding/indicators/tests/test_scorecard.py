"""The scorecard's reads (safeguarding.indicators.scorecard) over hand-built stored values, and the helpers
the page tests share: versions from the registry, runs and values made by hand."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from safeguarding.accounts.models import Agency
from safeguarding.core.testing import make_agency, make_user
from safeguarding.frontdoor.measures import Period, Tier
from safeguarding.indicators.compute import indicators_sync, period_sign_off
from safeguarding.indicators.models import AgencyReturn, ComputationRun, IndicatorValue, IndicatorVersion
from safeguarding.indicators.registry import Polarity
from safeguarding.indicators.scorecard import (
    EXPORT_HEADER,
    Rag,
    TrendPoint,
    export_rows,
    indicator_detail,
    period_from_key,
    rag,
    scorecard,
    sparkline,
    value_rag,
    value_shown,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
_minutes = itertools.count()


def versions() -> dict[str, IndicatorVersion]:
    return indicators_sync()


def run(
    year_key: str, *, checks: list[dict[str, Any]] | None = None, by: str = "command line"
) -> ComputationRun:
    """A successful run of a year; each new one starts a minute after the last, so the latest is clear."""
    started = datetime(2024, 5, 1, 9, 0, tzinfo=LONDON) + timedelta(minutes=next(_minutes))
    checks = checks or []
    return ComputationRun.objects.create(
        period_key=year_key,
        started_at=started,
        finished_at=started,
        started_by_name=by,
        status=ComputationRun.Status.SUCCEEDED,
        checks=checks,
        checks_failed=sum(not c["passed"] for c in checks),
    )


def value(
    version: IndicatorVersion,
    period_key: str,
    *,
    numerator: int | None,
    denominator: int | None = None,
    figure: float | None = None,
    run: ComputationRun | None = None,
    agency_return: AgencyReturn | None = None,
    breakdown: tuple[str, str, str] | None = None,
) -> IndicatorValue:
    """A stored value; `figure` defaults to the numerator (a count)."""
    period: Period = period_from_key(period_key)
    name, key, label = breakdown or ("", "", "")
    return IndicatorValue.objects.create(
        run=run,
        agency_return=agency_return,
        version=version,
        period_key=period.key,
        period_kind=period.kind.value,
        period_label=period.label,
        period_start=period.first,
        period_end=period.last,
        breakdown={name: key} if name else {},
        breakdown_key=f"{name}={key}" if name else "",
        breakdown_label=label,
        numerator=numerator,
        denominator=denominator,
        value=float(numerator) if figure is None and numerator is not None else figure,
        unit=version.unit,
        computed_at=run.started_at if run else datetime(2024, 5, 2, 9, 0, tzinfo=LONDON),
        computed_from={"data_as_at": "2024-05-01T08:00:00+00:00", "census_imports": [7]},
    )


def accepted_return(agency: Agency, period_key: str) -> AgencyReturn:
    return AgencyReturn.objects.create(
        agency=agency,
        period_key=period_key,
        due_date=date(2022, 7, 31),
        status=AgencyReturn.Status.ACCEPTED,
        narrative="",
    )


# --- RAG ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "expected"),
    [(100.0, Rag.GREEN), (95.0, Rag.GREEN), (94.9, Rag.AMBER), (90.0, Rag.AMBER), (89.9, Rag.RED)],
)
def test_rag_where_higher_is_better_target_95_tolerance_5(figure: float, expected: Rag) -> None:
    assert rag(figure, polarity=Polarity.HIGHER_BETTER, target=95.0, tolerance=5.0) == expected


@pytest.mark.parametrize(
    ("figure", "expected"),
    [(0.0, Rag.GREEN), (10.0, Rag.GREEN), (10.1, Rag.AMBER), (12.0, Rag.AMBER), (12.1, Rag.RED)],
)
def test_rag_where_lower_is_better_target_10_tolerance_2(figure: float, expected: Rag) -> None:
    assert rag(figure, polarity=Polarity.LOWER_BETTER, target=10.0, tolerance=2.0) == expected


def test_no_rag_without_a_target_for_a_neutral_indicator_or_without_a_value() -> None:
    assert rag(50.0, polarity=Polarity.HIGHER_BETTER, target=None, tolerance=None) is None
    assert rag(50.0, polarity=Polarity.NEUTRAL, target=40.0, tolerance=5.0) is None
    assert rag(None, polarity=Polarity.HIGHER_BETTER, target=40.0, tolerance=5.0) is None
    # No tolerance: anything short of the target is red.
    assert rag(94.9, polarity=Polarity.HIGHER_BETTER, target=95.0, tolerance=None) == Rag.RED


# --- Suppression --------------------------------------------------------------------------------------------


def test_small_counts_are_fewer_than_the_threshold_at_the_aggregate_tier_only() -> None:
    v = versions()
    year_run = run("2022-23")
    small = value(
        v["contacts_decided_1wd_pct"], "2022-23-q1", numerator=3, denominator=4, figure=75.0, run=year_run
    )
    zero = value(v["contacts"], "2022-23-q2", numerator=0, run=year_run)
    aggregate = value_shown(small, suppress=True)
    assert (aggregate.numerator, aggregate.denominator, aggregate.value) == (
        "fewer than 5",
        "fewer than 5",
        "not shown (small numbers)",
    )
    assert aggregate.value_number is None and value_rag(small, aggregate) is None
    full = value_shown(small, suppress=False)
    assert (full.numerator, full.denominator, full.value) == ("3", "4", "75.0%")
    assert value_rag(small, full) == Rag.RED  # 75 is more than 5 below the target of 95
    # Zero identifies nobody.
    assert value_shown(zero, suppress=True).numerator == "0"


def test_the_population_base_of_a_rate_is_never_suppressed() -> None:
    v = versions()
    rate = value(
        v["contacts_per_10k"], "2022-23-q1", numerator=3, denominator=50_000, figure=0.6, run=run("2022-23")
    )
    shown = value_shown(rate, suppress=True)
    assert (shown.numerator, shown.denominator, shown.value) == (
        "fewer than 5",
        "50,000",
        "not shown (small numbers)",
    )


# --- Which values a period shows ----------------------------------------------------------------------------


def _row(card: Any, code: str) -> Any:
    return next(row for row in card.rows if row.code == code)


def test_a_signed_off_period_keeps_its_signed_off_values_after_a_recompute() -> None:
    v = versions()
    first = run("2022-23")
    value(v["contacts"], "2022-23-q1", numerator=10, run=first)
    value(v["contacts"], "2022-23", numerator=40, run=first)
    chair = make_user("subgroup_chair", make_agency(), full_name="Chris Chair")
    period_sign_off(actor=chair, period_key="2022-23-q1", run=first)
    second = run("2022-23")
    value(v["contacts"], "2022-23-q1", numerator=12, run=second)
    value(v["contacts"], "2022-23", numerator=44, run=second)

    quarter = scorecard(period_from_key("2022-23-q1"), tier=Tier.AGGREGATE)
    assert _row(quarter, "contacts").shown.value == "10"
    assert quarter.source.sign_off is not None and quarter.source.sign_off.signed_off_by_name == "Chris Chair"
    assert quarter.source.recomputed_since_sign_off
    assert quarter.run is not None and quarter.run.pk == first.pk
    # The year is not signed off: it shows the latest run.
    year = scorecard(period_from_key("2022-23"), tier=Tier.AGGREGATE)
    assert _row(year, "contacts").shown.value == "44"
    assert year.run is not None and year.run.pk == second.pk
    # The trend of the year reads Q1 from its sign-off too.
    assert _row(year, "contacts").trend[4].text == "10"


def test_trend_is_the_8_quarters_ending_with_the_period_across_two_years() -> None:
    v = versions()
    earlier, later = run("2021-22"), run("2022-23")
    for number, key in enumerate(["2021-22-q1", "2021-22-q2", "2021-22-q3", "2021-22-q4"], start=1):
        value(v["contacts"], key, numerator=number * 10, run=earlier)
    for number, key in enumerate(["2022-23-q1", "2022-23-q2", "2022-23-q3"], start=5):
        value(v["contacts"], key, numerator=number * 10, run=later)
    # Q4 2022-23 has no value; an older run's values are never read.
    value(v["contacts"], "2022-23-q4", numerator=999, run=run("2020-21"))

    trend = _row(scorecard(period_from_key("2022-23"), tier=Tier.AGGREGATE), "contacts").trend
    assert [p.label for p in trend] == [
        "Q1 2021-22",
        "Q2 2021-22",
        "Q3 2021-22",
        "Q4 2021-22",
        "Q1 2022-23",
        "Q2 2022-23",
        "Q3 2022-23",
        "Q4 2022-23",
    ]
    assert [p.text for p in trend] == ["10", "20", "30", "40", "50", "60", "70", "no value"]
    # A quarter's trend ends with that quarter.
    quarter_trend = _row(scorecard(period_from_key("2022-23-q2"), tier=Tier.AGGREGATE), "contacts").trend
    assert quarter_trend[0].label == "Q3 2020-21"
    assert [p.text for p in quarter_trend][-3:] == ["40", "50", "60"]


def test_the_sparkline_spans_the_numbers_and_breaks_at_a_gap() -> None:
    points = [
        TrendPoint("a", "0", 0.0),
        TrendPoint("b", "10", 10.0),
        TrendPoint("c", "-", None),
        TrendPoint("d", "5", 5.0),
    ]
    line = sparkline(points)
    assert line is not None
    # Lowest at the bottom (32 - 3 padding), highest at the top (3); x steps of (120 - 6) / 3 = 38.
    assert line.dots == [(3.0, 29.0), (41.0, 3.0), (117.0, 16.0)]
    assert line.segments == ["3.0,29.0 41.0,3.0"]  # the lone point after the gap is a dot only
    assert sparkline([TrendPoint("a", "no value", None)]) is None


def test_agency_return_values_are_added_to_the_period() -> None:
    v = versions()
    police = make_agency(name="West Midlands Police", code="WMP", kind=Agency.Kind.POLICE)
    value(
        v["police_da_notifications"],
        "2022-23-q1",
        numerator=812,
        agency_return=accepted_return(police, "2022-23-q1"),
    )
    card = scorecard(period_from_key("2022-23-q1"), tier=Tier.AGGREGATE)
    assert _row(card, "police_da_notifications").shown.value == "812"
    assert card.run is None


def test_filters_by_theme_and_subgroup() -> None:
    versions()
    card = scorecard(period_from_key("2022-23"), tier=Tier.AGGREGATE, theme="domestic_abuse")
    assert "police_da_notifications" in [row.code for row in card.rows]
    assert all("Domestic abuse" in row.themes for row in card.rows)
    assert scorecard(period_from_key("2022-23"), tier=Tier.AGGREGATE, subgroup="Nobody").rows == []
    everything = scorecard(period_from_key("2022-23"), tier=Tier.AGGREGATE)
    assert [row.code for row in everything.rows][:2] == ["contacts", "contacts_per_10k"]  # registry order


def test_every_failed_check_is_listed() -> None:
    versions()
    checks = [
        {
            "check": "partition",
            "code": "contacts",
            "period": "2022-23-q1",
            "breakdown": "",
            "passed": False,
            "message": "rows by level add up to 9, the whole is 10",
        },
        {
            "check": "rate",
            "code": "contacts_per_10k",
            "period": "2022-23",
            "breakdown": "",
            "passed": False,
            "message": "denominator 1 is not the mid-2022 population (none)",
        },
        {
            "check": "period_label",
            "code": "contacts",
            "period": "2022-23",
            "breakdown": "",
            "passed": True,
            "message": "Label matches the period",
        },
    ]
    run("2022-23", checks=checks)
    card = scorecard(period_from_key("2022-23-q1"), tier=Tier.AGGREGATE)
    assert card.checks_total == 3
    assert [(c.check, c.code, c.period) for c in card.checks_failed] == [
        ("partition", "contacts", "2022-23-q1"),
        ("rate", "contacts_per_10k", "2022-23"),
    ]


def test_the_drill_down_has_every_breakdown_suppressed_for_aggregate_readers() -> None:
    v = versions()
    year_run = run("2022-23")
    value(v["contacts"], "2022-23", numerator=12, run=year_run)
    value(v["contacts"], "2022-23", numerator=9, run=year_run, breakdown=("level", "level_2", "Level 2"))
    value(v["contacts"], "2022-23", numerator=3, run=year_run, breakdown=("level", "level_4", "Level 4"))
    value(v["contacts"], "2022-23", numerator=7, run=year_run, breakdown=("age_band", "10_15", "10 to 15"))
    detail = indicator_detail(period_from_key("2022-23"), "contacts", tier=Tier.AGGREGATE)
    assert detail is not None
    assert [(t.name, t.label) for t in detail.tables] == [
        ("level", "Level of need decided"),
        ("age_band", "Age band"),
    ]
    level = detail.tables[0]
    assert [(line.label, line.shown.numerator) for line in level.lines] == [
        ("Level 2", "9"),
        ("Level 4", "fewer than 5"),
    ]
    full = indicator_detail(period_from_key("2022-23"), "contacts", tier=Tier.IDENTIFIABLE)
    assert full is not None and full.tables[0].lines[1].shown.numerator == "3"
    assert indicator_detail(period_from_key("2022-23"), "no_such_code", tier=Tier.AGGREGATE) is None


def test_export_rows_keep_numbers_as_numbers_and_suppress_small_ones() -> None:
    v = versions()
    year_run = run("2022-23")
    value(v["contacts_decided_1wd_pct"], "2022-23", numerator=46, denominator=50, figure=92.0, run=year_run)
    value(v["contacts"], "2022-23", numerator=3, run=year_run)
    rows = {row[0]: row for row in export_rows(period_from_key("2022-23"), tier=Tier.AGGREGATE)}
    assert dict(zip(EXPORT_HEADER, rows["contacts_decided_1wd_pct"], strict=True)) | {"computed_at": ""} == {
        "code": "contacts_decided_1wd_pct",
        "title": "Contacts decided within 1 working day",
        "version": 1,
        "period": "2022-23",
        "breakdown": "Total",
        "numerator": 46,
        "denominator": 50,
        "value": 92.0,
        "unit": "Percentage",
        "rag": "Amber",
        "england": None,
        "statistical_neighbours": None,
        "region": None,
        "computed_at": "",
    }
    assert rows["contacts"][5:8] == ["fewer than 5", "", None]
