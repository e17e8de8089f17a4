"""`safeguarding indicators compute --year 2022-23`: compute and store every computed indicator for the
financial year and its four quarters, then list the consistency checks that failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.frontdoor.measures import Period, PeriodKind
from safeguarding.indicators.compute import indicators_compute, indicators_sync


def financial_year(text: str) -> int:
    try:
        return Period.parse(PeriodKind.FINANCIAL_YEAR, text).first.year
    except ValueError as error:
        raise CommandError(f"--year: {error}; write a financial year like 2022-23") from error


class Command(BaseCommand):
    help = "Indicators: compute a financial year's figures, or sync the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        compute = actions.add_parser("compute", help="Compute and store the year and its quarters")
        compute.add_argument("--year", required=True, help="Financial year, e.g. 2022-23")
        actions.add_parser("sync", help="Store new versions of changed indicator definitions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sync":
            versions = indicators_sync()
            self.stdout.write(f"{len(versions)} indicators in the registry")
            return
        year = financial_year(options["year"])
        result = indicators_compute(year=year, actor_name="command line")
        run = result.run
        self.stdout.write(f"Run {run.pk}: {result.values} values for {run.period_key} and its quarters")
        for period_key in result.kept_signed_off:
            self.stdout.write(f"{period_key} is signed off: its earlier values are kept beside the new ones")
        failed = [check for check in run.checks if not check["passed"]]
        self.stdout.write(f"Consistency checks: {len(run.checks) - len(failed)} passed, {len(failed)} failed")
        for check in failed:
            where = f"{check['code']} {check['period']} {check['breakdown']}".strip()
            self.stdout.write(f"  FAILED {check['check']}: {where}: {check['message']}")
