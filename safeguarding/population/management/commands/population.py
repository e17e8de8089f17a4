"""`safeguarding population set YEAR COUNT --source TEXT` enters (or corrects) a year's number of children
aged 0-17; `safeguarding population list` prints the figures held.

    safeguarding population set 2022 69335 --source "ONS mid-2022 population estimates"
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.population.selectors import populations_all
from safeguarding.population.services import population_set


class Command(BaseCommand):
    help = (
        "The number of children aged 0-17 in the area by year (ONS mid-year estimates), for rates per 10,000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        set_parser: ArgumentParser = subcommands.add_parser(
            "set",
            help="Enter or correct the figure for one year.",
            description="Enter or correct the number of children aged 0-17 at the middle of YEAR.",
        )
        set_parser.add_argument("year", type=int, help="The year of the mid-year estimate, e.g. 2022.")
        set_parser.add_argument("count", type=int, help="Children aged 0 to 17, e.g. 69335.")
        set_parser.add_argument(
            "--source", required=True, help="Where the figure comes from, e.g. 'ONS mid-2022 estimates'."
        )
        subcommands.add_parser("list", help="Print the figures held, one year a line.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "set":
            try:
                row = population_set(
                    actor=None,
                    year=options["year"],
                    children_0_17=options["count"],
                    source=options["source"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"{row} ({row.source})")
        else:
            rows = list(populations_all())
            if not rows:
                self.stdout.write(
                    "No population figures yet: add one with `population set YEAR COUNT --source`."
                )
            for row in rows:
                self.stdout.write(f"{row} ({row.source})")
