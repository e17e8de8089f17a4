"""`safeguarding demo` (what `make demo` runs, in demo mode): set up, seed once, print the sign-ins, serve.

A second run reuses the database under var/ as it is; delete var/ to start again (docs/demo.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from safeguarding.demo.management.commands.seed import describe
from safeguarding.demo.selectors import DemoSignInRow, demo_sign_ins_present, partnership_exists
from safeguarding.demo.services import DEFAULT_SEED, SeedRefused, demo_partnership_seed
from safeguarding.demo.sign_ins import DEMO_PASSWORD

NOT_DEMO_MODE = 2


def cli_path() -> str:
    """How to call the `safeguarding` command from here: .venv/bin/safeguarding from the project folder."""
    script = Path(sys.executable).parent / "safeguarding"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def sign_in_table(rows: list[DemoSignInRow], *, cli: str) -> str:
    """The demo sign-ins as a plain-text table, one line per role."""
    header = ("Role", "Email", "Password", "Two-factor code")
    lines = [
        (
            row.sign_in.role.name,
            row.sign_in.email,
            DEMO_PASSWORD,
            f"yes: {cli} demo-otp {row.sign_in.email}" if row.needs_code else "not needed",
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in (header, *lines)) for i in range(len(header) - 1)]

    def format_line(cells: tuple[str, ...]) -> str:
        return "  ".join([*(c.ljust(w) for c, w in zip(cells, widths, strict=False)), cells[-1]])

    rule = "  ".join("-" * w for w in (*widths, len(header[-1])))
    return "\n".join([format_line(header), rule, *(format_line(cells) for cells in lines)])


class Command(BaseCommand):
    help = (
        "Demo mode only: migrate the database under var/, seed the demo partnership if the database is "
        "empty, print a sign-in for every role, and serve on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (default 8000).")
        parser.add_argument("--workers", type=int, default=2, help="Server worker processes (default 2).")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up and print the sign-ins, then stop without serving.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "`safeguarding demo` runs only in demo mode: use `make demo`, or set SAFEGUARDING_MODE=demo "
                f"(this is {settings.MODE} mode).",
                returncode=NOT_DEMO_MODE,
            )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Setting up the database ({_database_description()})...")
        call_command("migrate", interactive=False, verbosity=0)
        if partnership_exists():
            self.stdout.write(
                "The demo partnership is already there: using it as it is "
                f"(delete {settings.VAR_DIR} to start again)."
            )
        else:
            self.stdout.write("Seeding the demo partnership...")
            try:
                summary = demo_partnership_seed(scale=1, seed=DEFAULT_SEED)
            except SeedRefused as refusal:
                raise CommandError(str(refusal)) from refusal
            self.stdout.write(describe(summary))

        rows = demo_sign_ins_present()
        if rows:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("Demo sign-ins (every person is invented):"))
            self.stdout.write(sign_in_table(rows, cli=cli_path()))
            self.stdout.write(
                "\nWhere a code is needed, sign in with the email and password, then run the command shown "
                "in another terminal and type the 6 digits it prints."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "This database has no demo sign-ins: it was not made by `safeguarding seed`."
                )
            )
        self.stdout.write("")
        if options["no_serve"]:
            return
        connections.close_all()
        call_command("serve", host=options["host"], port=options["port"], workers=options["workers"])


def _database_description() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite at {database['NAME']}"
    return f"{database['ENGINE'].rsplit('.', 1)[-1]} database {database.get('NAME', '')}"
