"""The scorecard's reads: stored indicator values, arranged for a period's page, never computed here.

Which stored values a period shows (docs/indicators.md, "The scorecard"):

- a period signed off by the PQA subgroup shows the values of the run named by its sign-off, whatever was
  computed later ("Signed off by X on date");
- any other period shows the values of the latest successful computation run of its financial year;
- agency-return values (stored from accepted data returns, without a run) are added for the period.

Small numbers (DESIGN.md, "Access, privacy and the log"; the front door's rule, frontdoor.measures.Tier):
people who read indicators at the aggregate tier see a count from 1 to the version's suppression
threshold - 1 as "fewer than N", and a value made from such a count is not shown. Only people who may see
identifiable front door figures (MASH managers, after two-factor sign-in) see every count.

RAG against a target (the partnership's performance framework, seed 004 section 5):
- higher is better: green when the value is at or above the target, amber when within the tolerance below
  it, red otherwise;
- lower is better: the mirror image (green at or below the target, amber within the tolerance above);
- neutral polarity or no target: no RAG.

Reads only: the commentary beside a figure is written by `compute.narrative_add`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils import timezone

from safeguarding.frontdoor.measures import Period, PeriodKind, Tier, financial_year_of, is_small
from safeguarding.indicators.comparators import comparators_for
from safeguarding.indicators.models import (
    ComputationRun,
    Indicator,
    IndicatorNarrative,
    IndicatorValue,
    IndicatorVersion,
    PeriodSignOff,
)
from safeguarding.indicators.registry import THEMES, Polarity, Unit, registry

TREND_QUARTERS = 8
COMPARATOR_KINDS = (
    ("england", "England"),
    ("statistical_neighbours", "Statistical neighbours"),
    ("region", "Region"),
)
RAG_RULE = (
    "Green: the value meets its target. Amber: it misses the target by no more than the tolerance. "
    "Red: it misses by more. Where higher is better, meeting the target means at or above it; where lower "
    "is better, at or below it. Indicators with no target, or where neither higher nor lower is better, "
    "have no RAG."
)


# --- Periods -------------------------------------------------------------------------------------------


def period_from_key(key: str) -> Period:
    """The financial year ("2022-23") or quarter ("2022-23-q1") a scorecard key names; ValueError else."""
    kind = PeriodKind.QUARTER if "-q" in key else PeriodKind.FINANCIAL_YEAR
    return Period.parse(kind, key)


def year_of(period: Period) -> Period:
    return Period.financial_year(financial_year_of(period.first))


def year_and_quarters(year: Period) -> list[Period]:
    start = year.first.year
    return [year, *(Period.quarter(start, n) for n in range(1, 5))]


def trend_quarters(period: Period) -> list[Period]:
    """The 8 quarters ending with `period` (a quarter) or with Q4 of `period` (a year), oldest first."""
    last = period if period.kind == PeriodKind.QUARTER else Period.quarter(period.first.year, 4)
    return [last.shifted(-steps) for steps in range(TREND_QUARTERS - 1, -1, -1)]


def short_label(period: Period) -> str:
    """ "Q1 2022-23" or "2022-23": the label a sparkline list and a navigation link use."""
    year = year_of(period).key
    return f"Q{period.quarter_number} {year}" if period.kind == PeriodKind.QUARTER else year


def years_with_values() -> list[str]:
    """Financial years with a successful computation or an agency-return value, latest first."""
    years = set(
        ComputationRun.objects.filter(status=ComputationRun.Status.SUCCEEDED)
        .order_by()
        .values_list("period_key", flat=True)
        .distinct()
    )
    returned = (
        IndicatorValue.objects.filter(agency_return__isnull=False)
        .order_by()
        .values_list("period_key", flat=True)
        .distinct()
    )
    for key in returned:
        try:
            years.add(year_of(period_from_key(key)).key)
        except ValueError:  # a month's figure: the scorecard shows years and quarters only
            continue
    return sorted(years, reverse=True)


# --- Which run each period reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    pk: int
    started_at: datetime
    started_by_name: str


@dataclass(frozen=True)
class PeriodSource:
    """Where a period's computed values come from: its sign-off's run, else its year's latest run."""

    period: Period
    run_id: int | None
    sign_off: PeriodSignOff | None
    latest: RunSummary | None  # the year's latest successful run (differs from run_id after a recompute)
    latest_failed: RunSummary | None  # a failed run started after the latest successful one

    @property
    def recomputed_since_sign_off(self) -> bool:
        return self.sign_off is not None and self.latest is not None and self.latest.pk != self.run_id


def period_sources(periods: Iterable[Period]) -> dict[str, PeriodSource]:
    """Two queries for any number of periods: their sign-offs, and the runs of their financial years."""
    periods = list(periods)
    sign_offs = {
        s.period_key: s for s in PeriodSignOff.objects.filter(period_key__in=[p.key for p in periods])
    }
    years = {year_of(p).key for p in periods}
    latest: dict[str, RunSummary] = {}
    failed: dict[str, RunSummary] = {}
    runs = (
        ComputationRun.objects.filter(period_key__in=years)
        .order_by("period_key", "-started_at", "-pk")
        .values_list("period_key", "pk", "started_at", "started_by_name", "status")
    )
    for year_key, pk, started_at, name, status in runs:
        summary = RunSummary(pk, started_at, name)
        if status == ComputationRun.Status.SUCCEEDED:
            latest.setdefault(year_key, summary)
        elif year_key not in latest:
            failed.setdefault(year_key, summary)
    found = {}
    for period in periods:
        year_key = year_of(period).key
        sign_off = sign_offs.get(period.key)
        newest = latest.get(year_key)
        run_id = sign_off.run_id if sign_off else (newest.pk if newest else None)
        found[period.key] = PeriodSource(period, run_id, sign_off, newest, failed.get(year_key))
    return found


def stored_values(
    sources: dict[str, PeriodSource], *, totals_only: bool = False, code: str = ""
) -> list[IndicatorValue]:
    """The values the sources point at, plus the periods' agency-return values, in one query.

    Where two accepted returns stored a figure for the same indicator, period and breakdown, the later wins.
    """
    if not sources:
        return []
    condition = Q(agency_return__isnull=False, period_key__in=list(sources))
    for key, source in sources.items():
        if source.run_id is not None:
            condition |= Q(run_id=source.run_id, period_key=key)
    values = IndicatorValue.objects.filter(condition).select_related("version__indicator")
    if totals_only:
        values = values.filter(breakdown_key="")
    if code:
        values = values.filter(version__indicator__code=code)
    chosen: dict[tuple[str, str, str], IndicatorValue] = {}
    for value in values.order_by("computed_at", "pk"):
        chosen[(value.version.indicator.code, value.period_key, value.breakdown_key)] = value
    return list(chosen.values())


# --- Figures as a viewer may see them -------------------------------------------------------------------


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour: amber is the design system's yellow tag."""
        return {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}[
            self.value
        ]


def rag(value: float | None, *, polarity: str, target: float | None, tolerance: float | None) -> Rag | None:
    """The RAG of a value against its target (rule in the module's docstring)."""
    if value is None or target is None or polarity == Polarity.NEUTRAL:
        return None
    allowed = tolerance or 0.0
    if polarity == Polarity.HIGHER_BETTER:
        if value >= target:
            return Rag.GREEN
        return Rag.AMBER if value >= target - allowed else Rag.RED
    if value <= target:
        return Rag.GREEN
    return Rag.AMBER if value <= target + allowed else Rag.RED


def format_value(value: float, unit: str) -> str:
    if unit == Unit.PERCENT:
        return f"{value:.1f}%"
    if unit == Unit.PER_10K:
        return f"{value:,.1f} per 10,000"
    if unit == Unit.DAYS:
        return f"{value:,.1f} days"
    return f"{round(value):,}"


@dataclass(frozen=True)
class Shown:
    """A stored value's figures as text for one viewer, with the number behind each when it may be shown."""

    numerator: str
    denominator: str
    value: str
    suppressed: bool
    numerator_number: int | None
    denominator_number: int | None
    value_number: float | None


def numerator_is_hidden(value: IndicatorValue, threshold: int) -> bool:
    # An average in days divides days by children: its numerator is not a count of children.
    return value.unit != Unit.DAYS and is_small(value.numerator, threshold)


def denominator_is_hidden(value: IndicatorValue, threshold: int) -> bool:
    # The base of a rate per 10,000 is the population, which identifies nobody; a percentage's or an
    # average's base is a count of children, cases or sessions.
    return value.unit in (Unit.PERCENT, Unit.DAYS) and is_small(value.denominator, threshold)


def value_shown(value: IndicatorValue, *, suppress: bool) -> Shown:
    """The figures of a stored value for a page or an export: the front door's small-number rule."""
    threshold = value.version.suppression_threshold
    hide_numerator = suppress and numerator_is_hidden(value, threshold)
    hide_denominator = suppress and denominator_is_hidden(value, threshold)
    fewer = f"fewer than {threshold}"

    def count(number: int | None, hidden: bool) -> str:
        return "" if number is None else fewer if hidden else f"{number:,}"

    hidden = hide_numerator or hide_denominator
    if hidden and value.unit == Unit.COUNT:
        text = fewer  # a count's value is its numerator
    elif hidden:
        text = "not shown (small numbers)"
    elif value.value is None:
        text = value.missing or "No value"
    else:
        text = format_value(value.value, value.unit)
    return Shown(
        numerator=count(value.numerator, hide_numerator),
        denominator=count(value.denominator, hide_denominator),
        value=text,
        suppressed=hidden,
        numerator_number=None if hide_numerator else value.numerator,
        denominator_number=None if hide_denominator else value.denominator,
        value_number=None if hidden else value.value,
    )


def value_rag(value: IndicatorValue, shown: Shown) -> Rag | None:
    """A hidden value has no RAG: its colour would say which side of the target a small number fell."""
    version = value.version
    return rag(
        shown.value_number, polarity=version.polarity, target=version.target, tolerance=version.tolerance
    )


@dataclass(frozen=True)
class Comparison:
    kind: str
    label: str
    value: float
    text: str
    source: str


def comparisons_for(
    year_keys: Iterable[str],
) -> dict[tuple[str, str, str], dict[str, tuple[float, str]]]:
    """England, statistical neighbour and regional figures of the years, in one query."""
    return comparators_for(year_keys)


def comparisons(found: dict[str, tuple[float, str]] | None, unit: str) -> list[Comparison]:
    if not found:
        return []
    return [
        # Without "per 10,000": the value beside it says the unit, and the column stays narrow.
        Comparison(
            kind,
            label,
            found[kind][0],
            format_value(found[kind][0], unit).removesuffix(" per 10,000"),
            found[kind][1],
        )
        for kind, label in COMPARATOR_KINDS
        if kind in found
    ]


# --- The scorecard of a period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    label: str
    text: str
    number: float | None


@dataclass(frozen=True)
class Sparkline:
    """An inline SVG line of the numbers that may be shown (gaps where a quarter has none)."""

    width: int
    height: int
    segments: list[str]  # "x,y x,y ..." for each run of consecutive points
    dots: list[tuple[float, float]]


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3


def sparkline(points: list[TrendPoint]) -> Sparkline | None:
    numbers = [p.number for p in points if p.number is not None]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    spread = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(points) - 1, 1)
    segments: list[list[str]] = [[]]
    dots = []
    for index, point in enumerate(points):
        if point.number is None:
            segments.append([])
            continue
        x = round(SPARK_PAD + index * step, 1)
        y = round(
            SPARK_HEIGHT - SPARK_PAD - (point.number - low) / spread * (SPARK_HEIGHT - 2 * SPARK_PAD), 1
        )
        if high == low:
            y = SPARK_HEIGHT / 2
        segments[-1].append(f"{x},{y}")
        dots.append((x, y))
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, [" ".join(s) for s in segments if len(s) > 1], dots)


@dataclass(frozen=True)
class ScorecardRow:
    code: str
    title: str
    version: IndicatorVersion
    themes: list[str]
    value: IndicatorValue | None
    shown: Shown | None
    rag: Rag | None
    comparisons: list[Comparison]
    trend: list[TrendPoint]
    sparkline: Sparkline | None
    narratives: list[IndicatorNarrative]

    @property
    def target_text(self) -> str:
        version = self.value.version if self.value is not None else self.version
        if version.target is None or version.polarity == Polarity.NEUTRAL:
            return "No target"
        text = format_value(version.target, version.unit)
        if version.tolerance:
            text += f" (amber within {format_value(version.tolerance, version.unit)})"
        return text


@dataclass(frozen=True)
class FailedCheck:
    check: str
    code: str
    period: str
    breakdown: str
    message: str


@dataclass
class Scorecard:
    period: Period
    source: PeriodSource
    run: ComputationRun | None
    rows: list[ScorecardRow]
    suppressed_tier: bool
    theme: str = ""
    subgroup: str = ""
    subgroups: list[str] = field(default_factory=list)

    @property
    def checks_total(self) -> int:
        return len(self.run.checks) if self.run is not None else 0

    @property
    def checks_failed(self) -> list[FailedCheck]:
        """Every failed check of the run, never a sample: the scorecard lists them all."""
        if self.run is None:
            return []
        return [
            FailedCheck(c["check"], c["code"], c["period"], c.get("breakdown", ""), c["message"])
            for c in self.run.checks
            if not c.get("passed")
        ]

    @property
    def year(self) -> Period:
        return year_of(self.period)


def _registry_order() -> dict[str, int]:
    return {definition.code: position for position, definition in enumerate(registry())}


def current_versions_in_order() -> list[IndicatorVersion]:
    """The latest version of every indicator, in registry order (one query)."""
    latest: dict[str, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by("indicator__code", "number"):
        latest[version.indicator.code] = version
    order = _registry_order()
    return sorted(latest.values(), key=lambda v: (order.get(v.indicator.code, len(order)), v.indicator.code))


def narratives_for(period_key: str, code: str = "") -> dict[str, list[IndicatorNarrative]]:
    found: dict[str, list[IndicatorNarrative]] = defaultdict(list)
    narratives = IndicatorNarrative.objects.filter(period_key=period_key).select_related(
        "indicator", "agency"
    )
    if code:
        narratives = narratives.filter(indicator__code=code)
    for narrative in narratives.order_by("written_at", "pk"):
        found[narrative.indicator.code].append(narrative)
    return found


def _trend(
    code: str, quarters: list[Period], values: dict[tuple[str, str], IndicatorValue], suppress: bool
) -> list[TrendPoint]:
    points = []
    for quarter in quarters:
        value = values.get((code, quarter.key))
        if value is None:
            points.append(TrendPoint(short_label(quarter), "no value", None))
            continue
        shown = value_shown(value, suppress=suppress)
        points.append(TrendPoint(short_label(quarter), _trend_text(shown), shown.value_number))
    return points


def _trend_text(shown: Shown) -> str:
    """A trend figure as short as it can be beside its quarter: a rate without "per 10,000" (the value
    column says it), "no value" for a quarter with nothing to count, small numbers as `value_shown` says."""
    if shown.value_number is None and not shown.suppressed:
        return "no value"
    return shown.value.removesuffix(" per 10,000")


def scorecard(
    period: Period,
    *,
    tier: Tier,
    theme: str = "",
    subgroup: str = "",
    versions: list[IndicatorVersion] | None = None,
) -> Scorecard:
    """The scorecard of a year or quarter: a row per current indicator (filtered by theme and subgroup),
    its total value, RAG, comparators, 8-quarter trend and narratives. A fixed handful of queries."""
    suppress = tier == Tier.AGGREGATE
    quarters = trend_quarters(period)
    sources = period_sources([period, *quarters])
    source = sources[period.key]
    values = stored_values(sources, totals_only=True)
    by_key = {(v.version.indicator.code, v.period_key): v for v in values}
    comparators = comparisons_for([year_of(period).key])
    narratives = narratives_for(period.key)
    run = ComputationRun.objects.filter(pk=source.run_id).first() if source.run_id else None
    versions = current_versions_in_order() if versions is None else versions
    rows = []
    for version in versions:
        if theme and theme not in version.themes:
            continue
        if subgroup and version.subgroup != subgroup:
            continue
        code = version.indicator.code
        value = by_key.get((code, period.key))
        shown = value_shown(value, suppress=suppress) if value is not None else None
        unit = value.unit if value is not None else version.unit
        trend = _trend(code, quarters, by_key, suppress)
        rows.append(
            ScorecardRow(
                code=code,
                title=version.title,
                version=version,
                themes=[THEMES.get(t, t) for t in version.themes],
                value=value,
                shown=shown,
                rag=value_rag(value, shown) if value is not None and shown is not None else None,
                comparisons=comparisons(comparators.get((code, year_of(period).key, "")), unit),
                trend=trend,
                sparkline=sparkline(trend),
                narratives=narratives.get(code, []),
            )
        )
    return Scorecard(
        period=period,
        source=source,
        run=run,
        rows=rows,
        suppressed_tier=suppress,
        theme=theme,
        subgroup=subgroup,
        subgroups=sorted({v.subgroup for v in versions}),
    )


# --- One indicator in one period, with every breakdown ------------------------------------------------------


@dataclass(frozen=True)
class BreakdownLine:
    key: str
    label: str
    value: IndicatorValue
    shown: Shown
    comparisons: list[Comparison]
    share: str  # for a count: its share of the total ("" when not a count, hidden when the count is)


@dataclass(frozen=True)
class BreakdownTable:
    name: str
    label: str
    partition: bool | None  # None: not in the version's definition (an agency's own figure, for example)
    lines: list[BreakdownLine]

    @property
    def of_counts(self) -> bool:
        """Rows of counts (no denominators): the table shows each count's share instead of "out of"."""
        return all(line.value.unit == Unit.COUNT for line in self.lines)

    @property
    def has_comparators(self) -> bool:
        return any(line.comparisons for line in self.lines)


@dataclass
class IndicatorDetail:
    period: Period
    source: PeriodSource
    version: IndicatorVersion
    total: IndicatorValue | None
    total_shown: Shown | None
    total_rag: Rag | None
    comparisons: list[Comparison]
    tables: list[BreakdownTable]
    narratives: list[IndicatorNarrative]
    suppressed_tier: bool
    themes: list[str]

    @property
    def computed_from(self) -> dict[str, Any]:
        return self.total.computed_from if self.total is not None else {}


def _breakdown_label(name: str, version: IndicatorVersion) -> tuple[str, bool | None]:
    for breakdown in version.breakdowns:
        if breakdown.get("name") == name:
            return str(breakdown.get("label") or name), bool(breakdown.get("partition"))
    if name == "agency":
        return "Agency", None
    return name.replace("_", " ").capitalize(), None


def indicator_detail(period: Period, code: str, *, tier: Tier) -> IndicatorDetail | None:
    """The drill-down: the indicator's every stored breakdown in the period; None for an unknown code."""
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        return None
    suppress = tier == Tier.AGGREGATE
    sources = period_sources([period])
    values = stored_values(sources, code=code)
    total = next((v for v in values if not v.breakdown_key), None)
    version = (
        total.version if total is not None else (values[0].version if values else indicator.latest_version())
    )
    if version is None:
        return None
    year_key = year_of(period).key
    comparators = comparisons_for([year_key])
    grouped: dict[str, list[IndicatorValue]] = defaultdict(list)
    for value in values:
        if value.breakdown_key:
            grouped[value.breakdown_key.split("=")[0]].append(value)
    order = [b.get("name") for b in version.breakdowns]
    tables = []
    for name in sorted(grouped, key=lambda n: (order.index(n) if n in order else len(order), n)):
        label, partition = _breakdown_label(name, version)
        lines = []
        # In the order the computation stored them (the breakdown's own order: age bands youngest first).
        for value in sorted(grouped[name], key=lambda v: v.pk):
            shown = value_shown(value, suppress=suppress)
            published = comparators.get((code, year_key, value.breakdown_key))
            lines.append(
                BreakdownLine(
                    key=value.breakdown_key,
                    label=value.breakdown_label or value.breakdown_key.partition("=")[2],
                    value=value,
                    shown=shown,
                    comparisons=comparisons(published, value.unit),
                    share=_share_of(value, shown, total),
                )
            )
        tables.append(BreakdownTable(name, label, partition, lines))
    total_shown = value_shown(total, suppress=suppress) if total is not None else None
    return IndicatorDetail(
        period=period,
        source=sources[period.key],
        version=version,
        total=total,
        total_shown=total_shown,
        total_rag=value_rag(total, total_shown) if total is not None and total_shown is not None else None,
        comparisons=comparisons(comparators.get((code, year_key, "")), version.unit),
        tables=tables,
        narratives=narratives_for(period.key, code).get(code, []),
        suppressed_tier=suppress,
        themes=[THEMES.get(t, t) for t in version.themes],
    )


def _share_of(value: IndicatorValue, shown: Shown, total: IndicatorValue | None) -> str:
    """A breakdown count as a share of the indicator's total count; not shown when the count is hidden (the
    share and the total would give it away)."""
    if value.unit != Unit.COUNT or total is None or not total.numerator or value.numerator is None:
        return ""
    if shown.suppressed:
        return "not shown (small numbers)"
    return f"{100 * value.numerator / total.numerator:.1f}%"


# --- Export rows --------------------------------------------------------------------------------------------

EXPORT_HEADER = (
    "code",
    "title",
    "version",
    "period",
    "breakdown",
    "numerator",
    "denominator",
    "value",
    "unit",
    "rag",
    "england",
    "statistical_neighbours",
    "region",
    "computed_at",
)


def export_rows(period: Period, *, tier: Tier) -> list[list[Any]]:
    """Every stored value of the period, breakdowns included, suppressed as on the page: numbers stay numbers,
    a suppressed count is the text "fewer than N" and a suppressed value is empty."""
    suppress = tier == Tier.AGGREGATE
    sources = period_sources([period])
    values = stored_values(sources)
    year_key = year_of(period).key
    comparators = comparisons_for([year_key])
    order = _registry_order()
    values.sort(
        key=lambda v: (
            order.get(v.version.indicator.code, len(order)),
            v.version.indicator.code,
            v.breakdown_key,
        )
    )
    rows = []
    for value in values:
        code = value.version.indicator.code
        shown = value_shown(value, suppress=suppress)
        found = comparators.get((code, year_key, value.breakdown_key), {})
        figure_rag = value_rag(value, shown)
        rows.append(
            [
                code,
                value.version.title,
                value.version.number,
                value.period_key,
                value.breakdown_label or value.breakdown_key or "Total",
                shown.numerator_number if shown.numerator_number is not None else shown.numerator,
                shown.denominator_number if shown.denominator_number is not None else shown.denominator,
                shown.value_number,
                value.get_unit_display(),
                figure_rag.label if figure_rag else "",
                *(found[kind][0] if kind in found else None for kind, _ in COMPARATOR_KINDS),
                timezone.localtime(value.computed_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return rows


# --- Sign-off ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffLine:
    period: Period
    source: PeriodSource

    @property
    def can_sign_off(self) -> bool:
        return self.source.sign_off is None and self.source.latest is not None


def sign_off_lines(year: Period) -> list[SignOffLine]:
    sources = period_sources(year_and_quarters(year))
    return [SignOffLine(s.period, s) for s in sources.values()]
