"""`safeguarding scorecard --year 2022-23 --json`: every stored value of the year's latest computation."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.indicators.management.commands.indicators import financial_year
from safeguarding.indicators.selectors import scorecard_json


class Command(BaseCommand):
    help = "Print the stored scorecard values of a financial year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="Financial year, e.g. 2022-23")
        parser.add_argument("--json", action="store_true", help="Print JSON (the only format so far)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = financial_year(options["year"])
        key = f"{year}-{(year + 1) % 100:02d}"
        document = scorecard_json(key)
        if not options["json"]:
            raise CommandError("Only --json is available so far")
        self.stdout.write(json.dumps(document, indent=2, default=str))
