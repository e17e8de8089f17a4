"""`safeguarding annexa import|export`: Ofsted ILACS Annex A lists 1 to 8 (docs/annex-a.md).

    safeguarding annexa import FILE... [--list N] [--strict] [--dry-run] [--json]
    safeguarding annexa export --to DATE [--from DATE] --out FILE.xlsx|DIRECTORY [--lists 1,3,8]

Import reads the Ofsted workbook (one sheet per list) or CSV files (one per list) into the child's journey
and prints what it created, updated and found. Exit status: 0 imported (findings allowed), 1 refused by
--strict because of findings (nothing written), 2 a file, sheet or list could not be imported at all (one
line on standard error saying which and why; nothing written).

Export writes the lists for the window ending on --to (by default the six months before it, as Ofsted asks)
as one workbook (--out ending .xlsx) or as one CSV file per list in the directory --out names.
"""

from __future__ import annotations

import json
from argparse import ArgumentTypeError
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.annexa.columns import LISTS
from safeguarding.census.annexa.exporter import Window, annex_a_rows, write_csvs, write_workbook
from safeguarding.census.annexa.importer import ImportReport, import_annex_a
from safeguarding.census.annexa.reader import AnnexAUnreadable
from safeguarding.census.annexa.values import BadValue, parse_date

EXIT_IMPORTED = 0
EXIT_REFUSED = 1
EXIT_UNREADABLE = 2
# How many findings the readable summary lists before "and N more" (--json gives them all).
LISTED_FINDINGS = 50


def _date_argument(text: str) -> date:
    try:
        value = parse_date(text)
    except BadValue as exc:
        raise ArgumentTypeError(str(exc)) from None
    if value is None:
        raise ArgumentTypeError("a date is needed")
    return value


def _lists_argument(text: str) -> list[int]:
    numbers = [int(part) for part in text.replace(" ", "").split(",") if part.isdigit()]
    if not numbers or any(number not in LISTS for number in numbers):
        raise ArgumentTypeError(f"list numbers from 1 to 8, such as 1,3,8 (not {text!r})")
    return sorted(set(numbers))


class Command(BaseCommand):
    help = "Ofsted Annex A lists 1-8: `annexa import FILE...` or `annexa export --to DATE --out PATH`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser(
            "import",
            help="Import Annex A lists from the Ofsted workbook (xlsx) or CSV files.",
            description="Import Annex A lists 1-8 into the child's journey (re-importing changes nothing).",
        )
        importing.add_argument(
            "files", nargs="+", type=Path, metavar="FILE", help="xlsx workbooks or CSV files"
        )
        importing.add_argument(
            "--list",
            dest="list_number",
            type=int,
            choices=sorted(LISTS),
            help="the list every CSV file holds",
        )
        importing.add_argument("--strict", action="store_true", help="write nothing if there is any finding")
        importing.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        importing.add_argument("--json", action="store_true", help="print the report as one JSON object")
        exporting = actions.add_parser(
            "export",
            help="Export Annex A lists 1-8 for an inspection window.",
            description="Export Annex A lists 1-8 for the window from --from to --to (both days included).",
        )
        exporting.add_argument(
            "--to", dest="end", required=True, type=_date_argument, help="last day (dd/mm/yyyy)"
        )
        exporting.add_argument(
            "--from", dest="start", type=_date_argument, help="first day (default: six months before --to)"
        )
        exporting.add_argument(
            "--out", required=True, type=Path, help="FILE.xlsx, or a directory for CSV files"
        )
        exporting.add_argument("--lists", type=_lists_argument, default=sorted(LISTS), help="e.g. 1,3,8")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            status = self.run_import(options)
            if status != EXIT_IMPORTED:
                raise SystemExit(status)
        else:
            self.run_export(options)

    def run_import(self, options: dict[str, Any]) -> int:
        try:
            report = import_annex_a(
                options["files"],
                list_number=options["list_number"],
                dry_run=options["dry_run"],
                strict=options["strict"],
            )
        except AnnexAUnreadable as exc:
            self.stderr.write(f"Not imported: {exc}")
            return EXIT_UNREADABLE
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(import_summary(report))
        return EXIT_REFUSED if report.refused else EXIT_IMPORTED

    def run_export(self, options: dict[str, Any]) -> None:
        end: date = options["end"]
        window = Window(options["start"], end) if options["start"] else Window.before(end)
        if window.start > window.end:
            raise CommandError("--from is after --to")
        rows = annex_a_rows(window, options["lists"])
        out: Path = options["out"]
        written = [write_workbook(rows, out)] if out.suffix.lower() == ".xlsx" else write_csvs(rows, out)
        access_event_record(
            actor=None,
            action=AccessEvent.Action.EXPORT,
            subject_type="census.annexa",
            subject_label=f"Annex A {window.start:%d/%m/%Y} to {window.end:%d/%m/%Y}",
            purpose="Ofsted Annex A export",
            details={"lists": {str(number): len(list_rows) for number, list_rows in rows.items()}},
        )
        for number, list_rows in rows.items():
            self.stdout.write(f"{LISTS[number].label}: {len(list_rows):,} rows")
        self.stdout.write("Written: " + ", ".join(str(path) for path in written))


def _count(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def import_summary(report: ImportReport) -> str:
    """The import for a person: what was read, written and found."""
    if report.refused:
        head = "Refused (--strict): the files have findings; nothing was written."
    elif report.dry_run:
        head = "Dry run: nothing was written. The import would make these changes."
    else:
        head = "Imported."
    lines = [f"{', '.join(report.files)}: {head}"]
    for number, summary in sorted(report.lists.items()):
        lines.append(
            f"  {LISTS[number].label}: {_count(summary.rows, 'row', 'rows')}, {summary.skipped:,} skipped"
        )
    for name in sorted(set(report.created) | set(report.updated) | set(report.unchanged)):
        lines.append(
            f"  {name}: {report.created[name]:,} created, {report.updated[name]:,} updated, "
            f"{report.unchanged[name]:,} unchanged"
        )
    if report.contacts_by_source:
        by_source = ", ".join(
            f"{code} {count:,}" for code, count in sorted(report.contacts_by_source.items())
        )
        lines.append(f"  Contacts counted (not recorded) by source: {by_source}")
    for note in report.notes:
        lines.append(f"Note: {note}")
    lines.append(_count(len(report.findings), "finding", "findings"))
    for finding in report.findings[:LISTED_FINDINGS]:
        lines.append(
            f"  List {finding.list_number}, {finding.source}, row {finding.row}, "
            f"{finding.column}: {finding.message}"
        )
    if len(report.findings) > LISTED_FINDINGS:
        lines.append(f"  ... and {len(report.findings) - LISTED_FINDINGS:,} more (--json lists them all)")
    return "\n".join(lines)
