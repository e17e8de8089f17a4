"""`safeguarding export cin --year 2022-23 --out FILE [--degrade] [--lea 335]`: write a CIN census XML file
of the platform's children with a CIN episode open during the census year (census/exporter.py).

--degrade writes a privacy-degraded copy for sharing beyond the council (census/degrade.py): pseudonymous
LA child IDs, no UPNs, dates of birth to the month, and a header that says so. --lea gives the three-digit
local authority code for the header; without it, the code of the latest import for that year is used.
Every export is recorded in the access log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.census.exporter import census_export
from safeguarding.census.generator import parse_year
from safeguarding.census.models import CensusImport
from safeguarding.census.rules.base import EARLIEST_YEAR


def latest_lea(year_end: int) -> str:
    """The LA code of the latest completed import for the year, else of any completed import; "" if none."""
    done = CensusImport.objects.filter(status=CensusImport.Status.DONE).exclude(lea="")
    latest = done.filter(census_year=year_end).first() or done.first()
    return latest.lea if latest is not None else ""


class Command(BaseCommand):
    help = "Write a national data file from the platform's data: `export cin --year 2022-23 --out FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        cin = kinds.add_parser(
            "cin",
            help="A DfE children in need census XML file.",
            description="Write a CIN census XML file of the children with an episode open during the year.",
        )
        cin.add_argument("--year", required=True, help="The census year, as 2022-23 or 2023.")
        cin.add_argument("--out", type=Path, required=True, help="The XML file to write.")
        cin.add_argument(
            "--degrade",
            action="store_true",
            help="Write a privacy-degraded copy (pseudonymous IDs, no UPNs, dates of birth to the month).",
        )
        cin.add_argument("--lea", help="The three-digit local authority code for the header, e.g. 335.")

    def handle(self, *args: Any, **options: Any) -> None:
        exporters: dict[str, Callable[[dict[str, Any]], None]] = {"cin": self.export_cin}
        exporters[options["kind"]](options)

    def export_cin(self, options: dict[str, Any]) -> None:
        try:
            year_end = parse_year(options["year"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if year_end < EARLIEST_YEAR:
            raise CommandError(f"the census is written from {EARLIEST_YEAR - 1}-{EARLIEST_YEAR % 100} on")
        lea = (options["lea"] or latest_lea(year_end) or settings.LA_CODE).strip()
        if not lea:
            raise CommandError(
                "give the local authority code with --lea (no import says which it is, "
                "and SAFEGUARDING_LA_CODE is not set)"
            )
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"no directory {out.parent} to write {out.name} in")
        started = time.perf_counter()
        summary = census_export(
            out,
            year_end=year_end,
            lea=lea,
            degrade=options["degrade"],
            purpose="safeguarding export cin (command line)",
        )
        label = f"{year_end - 1}-{year_end % 100:02d}"
        kind = "privacy-degraded CIN census" if summary.degraded else "CIN census"
        self.stdout.write(
            f"Wrote {out}: {kind} {label}, {summary.children:,} children, {summary.episodes:,} episodes, "
            f"in {time.perf_counter() - started:.1f} s."
        )
