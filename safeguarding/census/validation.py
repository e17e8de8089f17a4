"""Run the DfE validation rules over a CIN census file as it streams past.

    report = validate_census("cin.xml")          # raises CensusUnreadable if it is not a census at all
    report.errors, report.queries, report.findings
    report.as_json()                             # what `safeguarding validate cin FILE --json` prints

The rules in force for the file's census year (``rules.ruleset(year_end)``) run in three kinds: header rules
once, child rules on each child as it is read, and return rules (a fresh instance of each per run) observe
every child and report at the end. Nothing but the running tallies of return rules is kept in memory.

For a caller that reads the file itself (the import, which stores each child as it goes),
``CensusValidator`` gives the same checks one child at a time.

A rule that raises is a bug in the rule and is let through, not hidden. Malformed values never reach the
engine as anything but text: records hold raw strings, and rules parse them with ``as_date``/``as_flag``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from safeguarding.census.reader import CensusSource, open_census
from safeguarding.census.records import ChildRecord, Header
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import CensusYear, Finding, Hit, ReturnCheck, Rule, Severity
from safeguarding.core.calendar import WorkingCalendar


def census_year(year_end: int) -> CensusYear:
    # The DfE's working-day thresholds (8670Q, 8675Q, 8569Q) count weekends and England bank holidays only:
    # a partnership's own closure days are not part of a national return, so they are left out here.
    return CensusYear(year_end, WorkingCalendar())


@dataclass
class ValidationReport:
    year: CensusYear
    header: Header
    children: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.type == Severity.ERROR)

    @property
    def queries(self) -> int:
        return sum(1 for finding in self.findings if finding.type == Severity.QUERY)

    def by_rule(self) -> dict[str, list[Finding]]:
        """Findings grouped by rule code, errors first, then in code order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.rule, []).append(finding)
        return dict(
            sorted(groups.items(), key=lambda item: (item[1][0].type != Severity.ERROR, _code_order(item[0])))
        )

    def counts_by_rule(self) -> Counter[str]:
        return Counter(finding.rule for finding in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "errors": self.errors,
            "queries": self.queries,
            "year": self.year.label,
            "findings": [finding.as_json() for finding in self.findings],
        }


def _code_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 0, code)


ChildCheckEntry = tuple[Rule, Callable[[ChildRecord, CensusYear], Iterable[Hit]]]


class CensusValidator:
    """The rules for one census year, run one child at a time; ``finish`` gives the whole-return findings."""

    def __init__(self, year_end: int, rules: Iterable[Rule] | None = None) -> None:
        self.year = census_year(year_end)
        chosen = list(ruleset(year_end) if rules is None else rules)
        self.rules = chosen
        self._header_rules = [rule for rule in chosen if rule.header_check is not None]
        self._child_rules: list[ChildCheckEntry] = [
            (rule, rule.child_check) for rule in chosen if rule.child_check is not None
        ]
        self._return_checks: list[tuple[Rule, ReturnCheck]] = [
            (rule, rule.return_check(self.year)) for rule in chosen if rule.return_check is not None
        ]
        self._observers = [check.observe for _, check in self._return_checks]

    def check_header(self, header: Header) -> list[Finding]:
        findings = []
        for rule in self._header_rules:
            assert rule.header_check is not None
            for hit in rule.header_check(header, self.year):
                findings.append(Finding(rule.code, rule.type, None, hit.element, rule.message, hit.line))
        return findings

    def check_child(self, child: ChildRecord) -> list[Finding]:
        """The child rules' findings for this child; return rules take note of it too."""
        findings: list[Finding] = []
        year = self.year
        child_id = child.la_child_id
        for rule, check in self._child_rules:
            for hit in check(child, year):
                findings.append(
                    Finding(rule.code, rule.type, child_id, hit.element, rule.message, hit.line or child.line)
                )
        for observe in self._observers:
            observe(child)
        return findings

    def finish(self) -> list[Finding]:
        """The return rules' findings, once every child has been checked."""
        findings = []
        for rule, check in self._return_checks:
            for child_id, hit in check.finish():
                findings.append(Finding(rule.code, rule.type, child_id, hit.element, rule.message, hit.line))
        return findings


def validate_census(source: CensusSource, *, rules: Iterable[Rule] | None = None) -> ValidationReport:
    """Validate a census file against the rules in force for its year (or the rules given)."""
    with open_census(source) as census:
        validator = CensusValidator(census.year_end, rules)
        report = ValidationReport(year=validator.year, header=census.header)
        findings = report.findings
        findings.extend(validator.check_header(census.header))
        count = 0
        for child in census.children():
            count += 1
            findings.extend(validator.check_child(child))
        report.children = count
        findings.extend(validator.finish())
    return report
