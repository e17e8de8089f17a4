"""The shape of a CIN census validation rule, and the registry the rule modules add themselves to.

A rule is written from its meaning in the DfE validation rules (codes, types and messages as listed in
the research notes, cin-validator-rules.tsv). There are three kinds:

- a *child rule* looks at one child record at a time and yields a ``Hit`` for each thing wrong;
- a *return rule* needs the whole file (duplicate identifiers, percentages across children): it keeps a
  tally while children stream past and yields its hits at the end;
- a *header rule* looks at the file's header.

Each rule says which census years it applies to (by the year the census ends: 2023 is 2022-23). Where the
DfE changed a rule in a later year, the two versions share a code with non-overlapping years.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from safeguarding.census.records import ChildRecord, Header
from safeguarding.core.calendar import WorkingCalendar


class Severity(StrEnum):
    ERROR = "error"  # must be fixed before the return is accepted
    QUERY = "query"  # must be fixed or explained


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a rule found something wrong: the element it is about and, if known, the line."""

    element: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    type: Severity
    child: str | None  # LAchildID, None for header and whole-return findings
    element: str
    message: str
    line: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "type": str(self.type),
            "child": self.child,
            "element": self.element,
            "message": self.message,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class CensusYear:
    """The census year a file is for, and the dates rules measure against."""

    year_end: int  # 2023 for the 2022-23 census
    calendar: WorkingCalendar

    @property
    def label(self) -> str:
        return f"{self.year_end - 1}-{self.year_end % 100:02d}"

    @property
    def reference_date(self) -> date:
        return date(self.year_end, 3, 31)

    @property
    def period_start(self) -> date:
        # The collection runs 1 April to 31 March. DfE's own tool also accepts 31 March of the previous
        # year as inside the period (noted in the research notes, section 2.3); rules that test "within the
        # census year" use ``in_period``, which follows DfE.
        return date(self.year_end - 1, 4, 1)

    def in_period(self, day: date) -> bool:
        return date(self.year_end - 1, 3, 31) <= day <= self.reference_date


ChildCheck = Callable[[ChildRecord, CensusYear], Iterable[Hit]]
HeaderCheck = Callable[[Header, CensusYear], Iterable[Hit]]


class ReturnCheck:
    """A rule over the whole return. Subclass: ``observe`` each child, then ``finish`` yields hits.

    A fresh instance is made for every validation run, so state lives on ``self``. Hits from ``finish``
    may name a child by returning ``(la_child_id, Hit)`` pairs; ``None`` for the return as a whole.
    """

    def __init__(self, year: CensusYear) -> None:
        self.year = year

    def observe(self, child: ChildRecord) -> None:
        raise NotImplementedError  # every return rule must say what it counts

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        raise NotImplementedError  # every return rule must say what it reports


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    type: Severity
    module: str  # the census block the rule is about, as the DfE groups them
    message: str
    since: int  # first census year (year_end) it applies to
    until: int | None  # last census year it applies to, None for still in force
    child_check: ChildCheck | None = None
    header_check: HeaderCheck | None = None
    return_check: builtins.type[ReturnCheck] | None = None  # the field `type` hides the builtin here

    def applies_to(self, year_end: int) -> bool:
        return self.since <= year_end and (self.until is None or year_end <= self.until)


# Every rule module appends here at import; ``safeguarding.census.rules.ruleset`` reads it.
REGISTRY: list[Rule] = []

# The earliest census this platform reads. The 2022-23 rule set is applied to earlier years too: it is the
# oldest set the research notes hold, and the structure has not changed since 2017-18 beyond code additions.
EARLIEST_YEAR = 2018


def _severity(code: str) -> Severity:
    return Severity.QUERY if code.endswith("Q") else Severity.ERROR


def child_rule(
    code: str, module: str, message: str, *, since: int = EARLIEST_YEAR, until: int | None = None
) -> Callable[[ChildCheck], ChildCheck]:
    def register(check: ChildCheck) -> ChildCheck:
        REGISTRY.append(Rule(code, _severity(code), module, message, since, until, child_check=check))
        return check

    return register


def header_rule(
    code: str, module: str, message: str, *, since: int = EARLIEST_YEAR, until: int | None = None
) -> Callable[[HeaderCheck], HeaderCheck]:
    def register(check: HeaderCheck) -> HeaderCheck:
        REGISTRY.append(Rule(code, _severity(code), module, message, since, until, header_check=check))
        return check

    return register


def return_rule(
    code: str, module: str, message: str, *, since: int = EARLIEST_YEAR, until: int | None = None
) -> Callable[[type[ReturnCheck]], type[ReturnCheck]]:
    def register(check: type[ReturnCheck]) -> type[ReturnCheck]:
        REGISTRY.append(Rule(code, _severity(code), module, message, since, until, return_check=check))
        return check

    return register


def dates(values: Iterable[str | None]) -> Iterator[date]:
    """The real dates among some raw values (absent and invalid ones skipped)."""
    from safeguarding.census.records import as_date

    for value in values:
        parsed = as_date(value)
        if parsed is not None:
            yield parsed
