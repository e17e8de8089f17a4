"""`safeguarding seed --scale N --seed S`: generate the synthetic demo partnership into an empty database."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safeguarding.demo.services import DEFAULT_SEED, SeedRefused, SeedSummary, demo_partnership_seed


class Command(BaseCommand):
    help = (
        "Generate a synthetic partnership shaped like Walsall's (statutory partners, about 30 relevant "
        "agencies per unit of scale, teams, people in every role, and the demo sign-ins). The same --seed "
        "gives the same partnership. Refuses if the database already holds agencies, and in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="Size relative to Walsall (default 1).")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)  # where the SQLite default lives
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not set up yet: run `safeguarding migrate` first.")
        started = time.perf_counter()
        try:
            summary = demo_partnership_seed(scale=options["scale"], seed=options["seed"])
        except SeedRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(describe(summary, seconds=time.perf_counter() - started))


def describe(summary: SeedSummary, *, seconds: float | None = None) -> str:
    counts = ", ".join(f"{number} {what}" for what, number in summary.counts.items())
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    return f"Seeded the demo partnership (scale {summary.scale}, seed {summary.seed}){took}: {counts}."
