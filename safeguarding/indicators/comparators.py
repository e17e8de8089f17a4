"""Comparators: England, statistical neighbour and regional figures to set beside the partnership's own.

They are published figures (DfE "Children in need" statistics, as the annual reports quote them), loaded from
a CSV file whose format is documented in docs/indicators.md ("Comparators"):

    indicator,year,comparator,breakdown,value,source
    referrals_per_10k,2022-23,england,,534,"DfE Children in need 2022-23, as quoted in ..."

- `indicator`: a code of the indicator registry;
- `year`: a financial year, "2022-23";
- `comparator`: england, statistical_neighbours or region;
- `breakdown`: empty for the indicator's total, or `name=key` for one row of one of its breakdowns
  (`category=EMO`: emotional abuse, the CIN census code);
- `value`: a number in the indicator's unit, percentages as 84 (not 0.84, no % sign);
- `source`: where the figure comes from, in words (required).

A file is loaded whole or not at all: every row is checked first and every problem reported with its line.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.children.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    EarlyHelpClosureReason,
    EarlyHelpNeed,
    ExploitationRisk,
)
from safeguarding.frontdoor.measures import Period
from safeguarding.indicators.models import Comparator, ComparatorImport, Indicator
from safeguarding.indicators.registry import IndicatorDefinition, Unit, registry

COLUMNS = ("indicator", "year", "comparator", "breakdown", "value", "source")
MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 10_000
MAX_SOURCE_LENGTH = 500
SHIPPED_FILE = Path(__file__).parent / "data" / "comparators.csv"
SHIPPED_ACTOR_NAME = "the platform's shipped comparators"

# The code lists of the breakdowns whose keys are CIN census (or platform) codes, so a typo in a key is
# caught; keys of other breakdowns are only checked for being there.
BREAKDOWN_CODES: dict[str, type[models.TextChoices]] = {
    "category": CategoryOfAbuse,
    "factor": AssessmentFactor,
    "need": EarlyHelpNeed,
    "reason": EarlyHelpClosureReason,
    "risk_level": ExploitationRisk,
}

# Two rows of the downloadable template: a total and a breakdown row (values quoted by seed 003).
TEMPLATE_ROWS = (
    (
        "referrals_per_10k",
        "2022-23",
        "england",
        "",
        "534",
        "DfE Characteristics of children in need 2022-23, as quoted in the partnership's annual report",
    ),
    (
        "assessments_within_45wd_pct",
        "2022-23",
        "statistical_neighbours",
        "",
        "80",
        "DfE Characteristics of children in need 2022-23, as quoted in the partnership's annual report",
    ),
)


class ComparatorFileInvalid(Exception):
    """The file was refused; `errors` says why, one plain-English sentence each, by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the comparator file")
        self.errors = errors


@dataclass(frozen=True)
class ComparatorRow:
    """One checked row of a comparator file."""

    line: int
    code: str
    period_key: str
    kind: str
    breakdown_key: str
    value: float
    source: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.code, self.period_key, self.kind, self.breakdown_key)


# --- Reading and checking a file ------------------------------------------------------------------------


def comparator_file_decode(raw: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte order mark (Excel writes one)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ComparatorFileInvalid(
            ["The file is not UTF-8 text: save it as 'CSV UTF-8 (comma delimited)' and try again"]
        ) from error


def _kinds_in_words() -> str:
    values = [str(value) for value in Comparator.Kind.values]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _check_year(text: str) -> tuple[str, str | None]:
    try:
        return Period.parse("year", text).key, None
    except ValueError:
        return "", f"'year' must be a financial year like 2022-23, not '{text}'"


def _check_breakdown(text: str, definition: IndicatorDefinition) -> str | None:
    """Why `name=key` is not a breakdown row of the indicator, or None when it is (or is empty)."""
    if not text:
        return None
    name, equals, key = (part.strip() for part in text.partition("="))
    if not equals or not name or not key:
        return f"'breakdown' must be empty or name=key (for example category=EMO), not '{text}'"
    names = [breakdown.name for breakdown in definition.breakdowns]
    if name not in names:
        has = f"its breakdowns are {', '.join(names)}" if names else "it has no breakdowns"
        return f"'breakdown' '{name}' is not a breakdown of {definition.code} ({has})"
    codes = BREAKDOWN_CODES.get(name)
    if codes is not None and key not in codes.values:
        return f"'breakdown' key '{key}' is not a {name} code (the codes are {', '.join(codes.values)})"
    return None


def _check_value(text: str, definition: IndicatorDefinition | None) -> tuple[float, str | None]:
    if text.endswith("%"):
        return 0.0, f"'value' must be a number, not '{text}' (leave out the % sign: 84, not 84%)"
    try:
        value = float(text)
    except ValueError:
        return 0.0, f"'value' must be a number, not '{text}'" if text else "'value' is empty"
    if not math.isfinite(value):
        return 0.0, f"'value' must be a number, not '{text}'"
    if value < 0:
        return 0.0, f"'value' cannot be negative ('{text}')"
    if definition is not None and definition.unit == Unit.PERCENT and value > 100:
        return 0.0, f"'value' is a percentage and cannot be over 100 ('{text}')"
    return value, None


def _check_row(
    line: int, cells: dict[str, str], definitions: dict[str, IndicatorDefinition]
) -> tuple[ComparatorRow | None, list[str]]:
    """The checked row, or None and its problems."""
    problems = []
    code = cells["indicator"]
    definition = definitions.get(code)
    if not code:
        problems.append("'indicator' is empty: give an indicator code from the registry")
    elif definition is None:
        problems.append(f"'indicator' '{code}' is not a code in the indicator registry")
    period_key, problem = _check_year(cells["year"])
    if problem:
        problems.append(problem)
    kind = cells["comparator"].lower()
    if kind not in Comparator.Kind.values:
        problems.append(f"'comparator' must be {_kinds_in_words()}, not '{cells['comparator']}'")
    breakdown = cells["breakdown"]
    if definition is not None and (problem := _check_breakdown(breakdown, definition)):
        problems.append(problem)
    breakdown_key = "=".join(part.strip() for part in breakdown.partition("=")[::2]) if breakdown else ""
    value, problem = _check_value(cells["value"], definition)
    if problem:
        problems.append(problem)
    source = cells["source"]
    if not source:
        problems.append("'source' is empty: say where the figure comes from")
    elif len(source) > MAX_SOURCE_LENGTH:
        problems.append(f"'source' is longer than {MAX_SOURCE_LENGTH} characters")
    if problems:
        return None, problems
    return ComparatorRow(line, code, period_key, kind, breakdown_key, value, source), []


def _header_problems(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    unknown = [name for name in names if name not in COLUMNS]
    problems = []
    if missing:
        problems.append(f"Line 1: the header has no column {', '.join(repr(m) for m in missing)}")
    if unknown:
        problems.append(
            f"Line 1: the header has columns this format does not use: {', '.join(map(repr, unknown))}"
        )
    if len(set(names)) != len(names):
        problems.append("Line 1: the header names a column twice")
    if problems:
        problems.append(f"The header must be: {','.join(COLUMNS)}")
    return problems


def comparator_file_check(text: str) -> list[ComparatorRow]:
    """Every row of a comparator file, checked; ComparatorFileInvalid with every problem found otherwise.

    Blank lines are skipped; line numbers count from the header (line 1) as a spreadsheet shows them.
    """
    text = text.removeprefix("\ufeff")
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ComparatorFileInvalid(
            [f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it"]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = [(reader.line_num, cells) for cells in reader if any(cell.strip() for cell in cells)]
    if not lines:
        raise ComparatorFileInvalid(["The file is empty: it needs a header line and at least one row"])
    (_, header), rows = lines[0], lines[1:]
    if problems := _header_problems(header):
        raise ComparatorFileInvalid(problems)
    if not rows:
        raise ComparatorFileInvalid(["The file has a header but no rows of comparators"])
    if len(rows) > MAX_ROWS:
        raise ComparatorFileInvalid(
            [f"The file has {len(rows):,} rows; a file can hold at most {MAX_ROWS:,}: split it"]
        )
    names = [name.strip().lower() for name in header]
    definitions = {definition.code: definition for definition in registry()}
    checked: list[ComparatorRow] = []
    errors: list[str] = []
    first_line_of: dict[tuple[str, str, str, str], int] = {}
    for line, cells in rows:
        if len(cells) != len(names):
            errors.append(f"Line {line}: has {len(cells)} values, but the header has {len(names)} columns")
            continue
        row, problems = _check_row(
            line, dict(zip(names, (c.strip() for c in cells), strict=True)), definitions
        )
        errors.extend(f"Line {line}: {problem}" for problem in problems)
        if row is None:
            continue
        if row.key in first_line_of:
            errors.append(
                f"Line {line}: repeats the indicator, year, comparator and breakdown of line "
                f"{first_line_of[row.key]}"
            )
            continue
        first_line_of[row.key] = line
        checked.append(row)
    if errors:
        raise ComparatorFileInvalid(errors)
    return checked


# --- Services --------------------------------------------------------------------------------------------


def _actor_name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or str(actor)) if actor is not None else "command line"


def comparators_import(*, file_name: str, text: str, actor: Any) -> ComparatorImport:
    """Load a comparator file: all of it or, when any row has a problem, none of it.

    Raises ComparatorFileInvalid listing every problem (nothing stored). A good file replaces the value and
    source of any comparator already stored for the same indicator, year, comparator and breakdown, and adds
    the rest, in one transaction with the record of the import (and an access log event).
    """
    rows = comparator_file_check(text)
    return _store(rows, file_name=file_name, actor=actor, actor_name=_actor_name(actor))


@transaction.atomic
def _store(rows: list[ComparatorRow], *, file_name: str, actor: Any, actor_name: str) -> ComparatorImport:
    record = ComparatorImport.objects.create(
        file_name=file_name[:255],
        imported_by=actor,
        imported_by_name=actor_name,
        imported_at=timezone.now(),
        rows=len(rows),
    )
    codes = {row.code for row in rows}
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=codes)}
    for code in codes - indicators.keys():  # in the registry but not yet synced (a fresh database)
        indicators[code] = Indicator.objects.create(code=code)
    existing = {
        (c.indicator.code, c.period_key, c.kind, c.breakdown_key): c
        for c in Comparator.objects.filter(indicator__code__in=codes).select_related("indicator")
    }
    changed, added = [], []
    for row in rows:
        comparator = existing.get(row.key)
        if comparator is None:
            added.append(
                Comparator(
                    indicator=indicators[row.code],
                    period_key=row.period_key,
                    kind=row.kind,
                    breakdown_key=row.breakdown_key,
                    value=row.value,
                    source=row.source,
                    imported=record,
                )
            )
        else:
            comparator.value, comparator.source, comparator.imported = row.value, row.source, record
            changed.append(comparator)
    Comparator.objects.bulk_update(changed, ["value", "source", "imported"], batch_size=500)
    Comparator.objects.bulk_create(added, batch_size=500)
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.CREATE,
        subject=record,
        purpose="Comparators imported",
        details={"rows": len(rows), "added": len(added), "replaced": len(changed)},
    )
    return record


def comparators_load_shipped(actor: Any = None) -> ComparatorImport:
    """Load the comparators the platform ships (data/comparators.csv: the seeds' England, statistical
    neighbour and West Midlands figures for 2021-22 and 2022-23, each with its source); used by the demo."""
    rows = comparator_file_check(SHIPPED_FILE.read_text(encoding="utf-8"))
    name = _actor_name(actor) if actor is not None else SHIPPED_ACTOR_NAME
    return _store(rows, file_name=SHIPPED_FILE.name, actor=actor, actor_name=name)


# --- Reads -----------------------------------------------------------------------------------------------


ComparatorKey = tuple[str, str, str]  # (indicator code, period key "2022-23", breakdown key "" or "name=key")


def comparators_for(period_keys: Iterable[str]) -> dict[ComparatorKey, dict[str, tuple[float, str]]]:
    """Every stored comparator of the given financial years, in one query, for the scorecard:

        {("referrals_per_10k", "2022-23", ""): {"england": (534.0, "DfE ..."), "region": (503.0, "...")},
         ("cpp_latest_category_pct", "2022-23", "category=EMO"): {...}}

    Keys: (indicator code, period key, breakdown key, "" for the total); inner keys: Comparator.Kind values
    (england, statistical_neighbours, region), only those stored; values: (value, source).
    """
    found: dict[ComparatorKey, dict[str, tuple[float, str]]] = defaultdict(dict)
    rows = Comparator.objects.filter(period_key__in=list(period_keys)).values_list(
        "indicator__code", "period_key", "breakdown_key", "kind", "value", "source"
    )
    for code, period_key, breakdown_key, kind, value, source in rows:
        found[(code, period_key, breakdown_key)][kind] = (value, source)
    return dict(found)


def comparator_years() -> list[str]:
    """The financial years with comparators stored, latest first."""
    years = Comparator.objects.order_by().values_list("period_key", flat=True).distinct()
    return sorted(set(years), reverse=True)


def breakdown_label(breakdown_key: str) -> str:
    """A breakdown key in words: "category=EMO" -> "Category: Emotional abuse"; "" -> "Total"."""
    if not breakdown_key:
        return "Total"
    name, _, key = breakdown_key.partition("=")
    codes = BREAKDOWN_CODES.get(name)
    label = str(dict(codes.choices).get(key, key)) if codes is not None else key
    return f"{name.replace('_', ' ').capitalize()}: {label}"


@dataclass(frozen=True)
class ComparatorLine:
    """One line of the comparators page: an indicator (and breakdown) of a year with its three figures."""

    code: str
    title: str
    breakdown: str
    england: Comparator | None
    statistical_neighbours: Comparator | None
    region: Comparator | None

    @property
    def sources(self) -> list[str]:
        """The distinct sources of the line's figures, in the order England, neighbours, region."""
        found: list[str] = []
        for comparator in (self.england, self.statistical_neighbours, self.region):
            if comparator is not None and comparator.source not in found:
                found.append(comparator.source)
        return found


def comparator_lines(period_key: str) -> list[ComparatorLine]:
    """The comparators of a financial year, a line per indicator and breakdown, in registry order."""
    by_line: dict[tuple[str, str], dict[str, Comparator]] = defaultdict(dict)
    for comparator in Comparator.objects.filter(period_key=period_key).select_related("indicator"):
        by_line[(comparator.indicator.code, comparator.breakdown_key)][comparator.kind] = comparator
    definitions = registry()
    order = {definition.code: position for position, definition in enumerate(definitions)}
    titles = {definition.code: definition.title for definition in definitions}
    return [
        ComparatorLine(
            code=code,
            title=titles.get(code, code),
            breakdown=breakdown_label(breakdown_key),
            england=kinds.get(Comparator.Kind.ENGLAND),
            statistical_neighbours=kinds.get(Comparator.Kind.STATISTICAL_NEIGHBOURS),
            region=kinds.get(Comparator.Kind.REGION),
        )
        for (code, breakdown_key), kinds in sorted(
            by_line.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][0], item[0][1])
        )
    ]


def comparator_import_years(record: ComparatorImport) -> list[str]:
    """The financial years an import stored figures for, latest first."""
    years = Comparator.objects.filter(imported=record).order_by().values_list("period_key", flat=True)
    return sorted(set(years), reverse=True)


def comparator_imports_recent(limit: int = 5) -> list[ComparatorImport]:
    return list(ComparatorImport.objects.order_by("-imported_at", "-pk")[:limit])
