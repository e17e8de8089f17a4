"""Case reviews from the command line.

`safeguarding reviews remind`: email each open review's owner about its deadlines due within 5 working
days or overdue (the review's code only, never who it is about). Reviews with no owner are counted.

Run `remind` once a day (cron or the platform's scheduler): each deadline is reminded once while due soon
and once when overdue, so running it more often sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeguarding.reviews.reminders import reviews_remind


class Command(BaseCommand):
    help = "Case reviews: send the deadline reminders due today."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("remind", help="Email review owners about deadlines due soon or overdue")

    def handle(self, *args: Any, **options: Any) -> None:
        result = reviews_remind()
        self.stdout.write(f"{len(result.sent)} reminders sent")
        for review, keys in result.sent:
            deadlines = ", ".join(f"{key.split(':')[2]} ({key.split(':')[-1]})" for key in keys)
            self.stdout.write(f"  {review.code}: {deadlines}")
        if result.no_owner:
            self.stdout.write(
                f"{len(result.no_owner)} reviews have deadlines but no owner to tell: "
                + ", ".join(result.no_owner)
            )
