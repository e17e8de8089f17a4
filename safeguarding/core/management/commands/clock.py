"""`safeguarding clock`: list the statutory clocks, or work out when one is due.

    safeguarding clock --list
    safeguarding clock icpc 2023-04-25                      -> 2023-05-18
    safeguarding clock return-home-conversation 2023-03-25T10:00   -> 2023-03-28T11:00:00+01:00

Local closure days in the database count, like the pages. A wrong clock name or date, or a start whose due
date cannot be worked out (it would fall after 9999, say), prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from safeguarding.core.calendar import WorkingCalendar, current_calendar
from safeguarding.core.clocks import CLOCKS, Clock, ClockOutOfRange, Start

USAGE_ERROR = 2


def parse_start(text: str) -> Start:
    """An ISO 8601 date (2023-04-25) or date and time (2023-04-25T17:30, optionally with an offset or Z)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{text!r} is not an ISO date or date and time: give it as 2023-04-25 or 2023-04-25T17:30",
            returncode=USAGE_ERROR,
        ) from None


class Command(BaseCommand):
    help = "List the statutory clocks (--list), or print when clock NAME started at START is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="list the clocks, their rules and sources")
        parser.add_argument("name", nargs="?", help="the clock's name, e.g. icpc")
        parser.add_argument("start", nargs="?", help="when it started: ISO date or date and time")

    def handle(self, *args: Any, **options: Any) -> None:
        name, start_text = options["name"], options["start"]
        if options["list"]:
            if name or start_text:
                raise CommandError(
                    "Give either --list or a clock name and a start, not both", returncode=USAGE_ERROR
                )
            self._print_list()
            return
        if not name or not start_text:
            raise CommandError(
                "Give a clock name and a start (safeguarding clock icpc 2023-04-25), or --list",
                returncode=USAGE_ERROR,
            )
        clock = CLOCKS.get(name)
        if clock is None:
            raise CommandError(
                f"No clock is called {name!r}; the clocks are: {', '.join(CLOCKS)}", returncode=USAGE_ERROR
            )
        start = parse_start(start_text)
        try:
            due = clock.due(start, calendar=self._calendar())
        except ClockOutOfRange as exc:
            raise CommandError(" ".join(str(exc).split()), returncode=USAGE_ERROR) from exc
        if isinstance(due, datetime):
            self.stdout.write(due.isoformat(timespec="seconds"))
        else:
            self.stdout.write(due.isoformat())

    def _calendar(self) -> WorkingCalendar:
        try:
            return current_calendar()
        except DatabaseError as exc:
            raise CommandError(
                f"Cannot read the local closure days ({exc}); run `safeguarding migrate` first", returncode=1
            ) from exc

    def _print_list(self) -> None:
        width = max(len(name) for name in CLOCKS)
        for index, clock in enumerate(CLOCKS.values()):
            if index:
                self.stdout.write("")
            self.stdout.write(self._heading(clock, width))
            self.stdout.write(f"  {'rule:':<8}{clock.rule_summary}")
            self.stdout.write(f"  {'source:':<8}{clock.source}")

    @staticmethod
    def _heading(clock: Clock, width: int) -> str:
        return f"{clock.name:<{width}}  {clock.duration} from {clock.starts_from} ({clock.title})"
