"""One seed of the whole demo for a module of read-only tests (no tests here).

The seeded-demo test modules each need every step run once, with the front door at a small volume, inside a
transaction rolled back when the module is done, and how long their own step took. Evidence files already go
to a temporary folder (conftest's session fixture).
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from safeguarding.demo.generator import SeedContext
from safeguarding.demo.services import SeedSummary, demo_partnership_seed
from safeguarding.demo.steps import STEPS, frontdoor

SMALL_VOLUME = 300  # front door contacts a year: the later steps do not depend on how many


@dataclass
class Seeded:
    summary: SeedSummary
    seconds: float  # how long the timed step took


@contextmanager
def whole_demo_seeded(django_db_blocker: Any, timed_step: Callable[[SeedContext], None]) -> Iterator[Seeded]:
    """Seed every step (timing `timed_step`), yield what was written, then roll it all back."""
    timing: dict[str, float] = {}

    def timed(ctx: SeedContext) -> None:
        started = clock.perf_counter()
        timed_step(ctx)
        timing["step"] = clock.perf_counter() - started

    steps = [timed if s is timed_step else s for s in STEPS]
    with django_db_blocker.unblock():
        patch = pytest.MonkeyPatch()
        patch.setattr(frontdoor, "CONTACTS_PER_YEAR", SMALL_VOLUME)
        try:
            with transaction.atomic():
                summary = demo_partnership_seed(scale=1, seed=2023, steps=steps)
                yield Seeded(summary, timing["step"])
                transaction.set_rollback(True)
        finally:
            patch.undo()
