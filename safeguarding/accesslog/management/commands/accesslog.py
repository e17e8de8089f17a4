"""`safeguarding accesslog verify` re-computes the access log's hash chain; `accesslog triggers` checks
(and with --install restores) the database triggers that make the log append-only.

`verify` exits 0 and prints `ok N events` when every event is intact and linked to the one before it;
exits 1 and names the first broken event (its id, when it happened, and what is wrong) otherwise. What an
operator does next is in docs/access-log.md.
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from safeguarding.accesslog import triggers
from safeguarding.accesslog.selectors import VERIFY_CHUNK_SIZE, Anchor, access_log_verify


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = "Work with the access log: `verify` re-computes the hash chain; `triggers` checks the triggers."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify: ArgumentParser = subcommands.add_parser(
            "verify",
            help="Re-compute every event's hash and check each links to the one before it.",
            description="Exit 0 and print 'ok N events' on an intact chain; exit 1 naming the first broken "
            "event.",
        )
        verify.add_argument(
            "--anchor",
            type=_anchor,
            help="ID:HASH of the chain's head recorded earlier (from `verify --show-head`); catches "
            "removal of the newest events, which the chain alone cannot show.",
        )
        verify.add_argument(
            "--show-head",
            action="store_true",
            help="Also print the newest event as ID:HASH, to keep outside the database as a later --anchor.",
        )
        verify.add_argument(
            "--chunk-size",
            type=int,
            default=VERIFY_CHUNK_SIZE,
            help="Events read from the database per batch.",
        )
        trigger_check = subcommands.add_parser(
            "triggers",
            help="List the append-only triggers; exit 1 if any is missing.",
            description="List the access log's append-only triggers; exit 1 if any is missing.",
        )
        trigger_check.add_argument(
            "--install", action="store_true", help="Create any missing trigger (after keeping evidence)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(
                anchor=options.get("anchor"), chunk_size=options["chunk_size"], show_head=options["show_head"]
            )
        elif options["subcommand"] == "triggers":
            self._triggers(install=options["install"])

    def _triggers(self, *, install: bool) -> None:
        if install:
            triggers.install(connection)
        present = triggers.installed(connection)
        expected = triggers.expected(connection.vendor)
        for name in sorted(expected):
            self.stdout.write(f"{'present' if name in present else 'MISSING'} {name}")
        if expected - present:
            raise SystemExit(1)

    def _verify(self, *, anchor: Anchor | None, chunk_size: int, show_head: bool) -> None:
        result = access_log_verify(chunk_size=max(chunk_size, 1), anchor=anchor)
        if result.broken is not None:
            self.stderr.write(f"broken: {result.broken.describe()}")
            self.stderr.write(f"{result.checked} events before it are intact. See docs/access-log.md.")
            raise SystemExit(1)
        self.stdout.write(f"ok {result.checked} events")
        if show_head and result.last_id is not None:
            # Kept somewhere outside the database, this head lets a later check catch removed newest events.
            self.stdout.write(f"head {result.last_id}:{result.last_hash}")
