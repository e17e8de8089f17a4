"""`safeguarding validate cin FILE [--json]`: check a CIN census file against the DfE validation rules.

Prints a summary grouped by rule (or, with --json, {"children", "errors", "queries", "year", "findings"}).
Exit status: 0 when the file has no errors (queries allowed), 1 when it has errors, 2 when it cannot be read
as a CIN census at all, with the one-line reason on standard error.

The first argument names the kind of file, so other national formats (Ofsted Annex A) can join later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeguarding.census.reader import CensusUnreadable
from safeguarding.census.validation import ValidationReport, validate_census

EXIT_CLEAN = 0
EXIT_ERRORS = 1
EXIT_UNREADABLE = 2

# How many children a rule lists in the readable summary before "and N more".
LISTED_PER_RULE = 10


class Command(BaseCommand):
    help = "Check a national data file against its validation rules: `validate cin FILE [--json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        cin = kinds.add_parser(
            "cin",
            help="A DfE children in need census XML file.",
            description="Check a CIN census XML file against the DfE validation rules for its year.",
        )
        cin.add_argument("file", type=Path, help="The census XML file.")
        cin.add_argument("--json", action="store_true", help="Print the findings as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        validators: dict[str, Callable[[dict[str, Any]], int]] = {"cin": self.validate_cin}
        status = validators[options["kind"]](options)
        if status != EXIT_CLEAN:
            raise SystemExit(status)

    def validate_cin(self, options: dict[str, Any]) -> int:
        try:
            report = validate_census(options["file"])
        except CensusUnreadable as exc:
            self.stderr.write(f"{options['file']}: not a readable CIN census: {exc}")
            return EXIT_UNREADABLE
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(summary(report, str(options["file"])))
        return EXIT_ERRORS if report.errors else EXIT_CLEAN


def _count(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def summary(report: ValidationReport, name: str) -> str:
    """The findings for a person: counts, then each rule with the children and elements it found."""
    lines = [
        f"{name}: CIN census {report.year.label}, {_count(report.children, 'child', 'children')}",
        f"{_count(report.errors, 'error', 'errors')}, {_count(report.queries, 'query', 'queries')}",
    ]
    if not report.findings:
        lines.append("No findings: the file passes every rule for its year.")
    for code, findings in report.by_rule().items():
        first = findings[0]
        lines.append("")
        lines.append(f"{code} ({first.type}, {len(findings):,}): {first.message}")
        for finding in findings[:LISTED_PER_RULE]:
            who = f"child {finding.child}" if finding.child else "the return"
            where = f", line {finding.line}" if finding.line else ""
            lines.append(f"  {who}: {finding.element}{where}")
        if len(findings) > LISTED_PER_RULE:
            lines.append(f"  ... and {len(findings) - LISTED_PER_RULE:,} more")
    return "\n".join(lines)
