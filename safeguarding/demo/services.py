"""Writing the synthetic demo partnership: `demo_partnership_seed` is the one way to create it.

Choice: seeding refuses (SeedRefused) when the database already holds any agency, instead of trying to
be idempotent. A partnership is one connected whole (people belong to agencies, later modules' records to
people), so "add what is missing" would give a mixture of two runs; and refusing also keeps synthetic
people out of a database that holds a real partnership. To start again, use a fresh database (delete
var/ for the SQLite default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.demo.generator import SeedContext, SeedStep

DEFAULT_SEED = 2023
MAX_SCALE = 100


class SeedRefused(Exception):
    """The partnership cannot be seeded here; the message says why and what to do."""


@dataclass(frozen=True)
class SeedSummary:
    scale: int
    seed: int
    counts: dict[str, int]


def demo_partnership_seed(
    *, scale: int = 1, seed: int = DEFAULT_SEED, steps: Sequence[SeedStep] | None = None
) -> SeedSummary:
    """Create a synthetic partnership shaped like Walsall's, `scale` times the size, in one transaction.

    The same scale and seed always give the same agencies, teams, people and demo sign-ins. Refuses in
    production mode and when the database already holds agencies.
    """
    if settings.PRODUCTION:
        raise SeedRefused(
            "The demo partnership is synthetic and has a published password: it is never seeded in "
            "production mode."
        )
    if not 1 <= scale <= MAX_SCALE:
        raise SeedRefused(f"Scale must be a whole number from 1 to {MAX_SCALE}, not {scale}.")
    if steps is None:
        from safeguarding.demo.steps import STEPS

        steps = STEPS
    with transaction.atomic():
        existing = Agency.objects.count()
        if existing:
            raise SeedRefused(
                f"This database already holds a partnership ({existing} agencies), so nothing was seeded. "
                "Seeding only writes into an empty database; to start again, use a fresh one "
                f"(for the SQLite default, delete {settings.VAR_DIR})."
            )
        ctx = SeedContext.start(scale=scale, seed=seed)
        for step in steps:
            step(ctx)
        counts = dict(ctx.counts)
        access_event_record(
            actor=None,
            action=AccessEvent.Action.CREATE,
            subject_type="demo.partnership",
            subject_id=f"scale-{scale}-seed-{seed}",
            subject_label="Synthetic demo partnership",
            purpose="Generated the synthetic demo partnership (safeguarding seed)",
            details={"scale": scale, "seed": seed, "counts": counts},
        )
    return SeedSummary(scale=scale, seed=seed, counts=counts)
