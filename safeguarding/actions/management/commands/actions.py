"""The action tracker from the command line.

`safeguarding actions remind`: email the owners of open actions due within ACTIONS_REMIND_DAYS days
(default 10), overdue, or without an update for ACTIONS_STALE_DAYS days (default 30).

Run `remind` once a day (cron or the platform's scheduler): each reminder is sent once per state (due soon,
overdue, each quiet spell), so running it more often sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeguarding.actions.reminders import actions_remind


class Command(BaseCommand):
    help = "The action tracker: send the reminders due today."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("remind", help="Email the owners of actions due soon, overdue or without updates")

    def handle(self, *args: Any, **options: Any) -> None:
        result = actions_remind()
        self.stdout.write(f"{len(result.sent)} reminders sent")
        for action, keys in result.sent:
            reasons = ", ".join(key.split(":")[2] for key in keys)
            self.stdout.write(f"  {action.reference} ({action.owner_agency.name}): {reasons}")
        if result.no_recipient:
            self.stdout.write(
                f"{len(result.no_recipient)} actions have no owner and no safeguarding lead to tell: "
                + ", ".join(action.reference for action in result.no_recipient)
            )
