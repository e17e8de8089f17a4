"""Agency data returns from the command line.

`safeguarding datareturns open --quarter 2022-23-q1 --due 2022-07-21` opens a quarter's returns;
`safeguarding datareturns remind`: email the leads of returns due soon or overdue.

Run `remind` once a day (cron or the platform's scheduler): each return is reminded at most once before
its due date and once after it, so running it more often sends nothing twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.indicators.returns import returns_open, returns_remind


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{option}: write the date like 2022-07-21") from error


def _problem(error: ValidationError) -> str:
    return "; ".join(str(message) for message in error.messages)


class Command(BaseCommand):
    help = "Agency data returns: open a quarter's returns, or send the reminders due today."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        opening = actions.add_parser("open", help="Open a draft return for every owning agency")
        opening.add_argument("--quarter", required=True, help="The quarter, e.g. 2022-23-q1")
        opening.add_argument("--due", required=True, help="The due date, e.g. 2022-07-21")
        actions.add_parser("remind", help="Email the leads of returns due soon or overdue")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "open":
            try:
                opened = returns_open(
                    quarter_key=options["quarter"], due_date=_day(options["due"], "--due"), actor=None
                )
            except ValidationError as error:
                raise CommandError(_problem(error)) from error
            self.stdout.write(f"{len(opened)} data returns opened for {options['quarter']}")
            for agency_return in opened:
                self.stdout.write(f"  {agency_return.agency.name}")
            return
        reminded = returns_remind()
        self.stdout.write(f"{len(reminded)} reminders sent")
        for agency_return in reminded:
            self.stdout.write(f"  {agency_return.agency.name} {agency_return.period_key}")
