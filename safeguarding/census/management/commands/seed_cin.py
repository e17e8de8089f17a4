"""`safeguarding seed-cin --children N --out FILE [--error-rate R] [--year 2023] [--seed S]`: write a
synthetic CIN census file (made-up children) for tests and benchmarks.

With --error-rate 0 (the default) the file passes every DfE error rule; with R > 0 that share of children
each carry one deliberate error (generator.ERROR_CATALOGUE). The same seed always writes the same file.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.census.generator import ERROR_CATALOGUE, SyntheticCensus, parse_year
from safeguarding.census.rules.base import EARLIEST_YEAR
from safeguarding.census.writer import write_census


class Command(BaseCommand):
    help = "Write a synthetic CIN census XML file (made-up children) for tests and benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True, help="How many children, e.g. 10000.")
        parser.add_argument("--out", type=Path, required=True, help="The XML file to write.")
        parser.add_argument(
            "--error-rate",
            type=float,
            default=0.0,
            help="Share of children given one deliberate error, between 0 and 1 (default 0).",
        )
        parser.add_argument(
            "--year", default="2023", help="The census year, as 2023 or 2022-23 (default 2023, i.e. 2022-23)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year_end = parse_year(options["year"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if year_end < EARLIEST_YEAR:
            raise CommandError(
                f"the platform reads census years from {EARLIEST_YEAR - 1}-{EARLIEST_YEAR % 100} on"
            )
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"no directory {out.parent} to write {out.name} in")
        try:
            census = SyntheticCensus(
                children=options["children"],
                year_end=year_end,
                error_rate=options["error_rate"],
                seed=options["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        count = write_census(out, census.header, census.children())
        seconds = time.perf_counter() - started
        label = f"{year_end - 1}-{year_end % 100:02d}"
        self.stdout.write(f"Wrote {out}: {count:,} children, CIN census {label}, in {seconds:.1f} s.")
        if census.injected:
            by_rule = Counter(census.injected.values())
            self.stdout.write(f"{len(census.injected):,} children have one deliberate error:")
            for code in sorted(by_rule):
                self.stdout.write(f"  {code}: {by_rule[code]:,} ({ERROR_CATALOGUE[code]})")
