"""The machinery of the synthetic-partnership generator: the seed context that steps share, and helpers.

A seed runs a list of steps (safeguarding/demo/steps/__init__.py, STEPS) in order, each a function taking
the SeedContext. A step reads what earlier steps made from the context (agencies by code, teams, people),
adds its own rows in batches, and records what it made in `counts`. Every random choice goes through
`ctx.rng`, one random.Random(seed) for the whole run, and every step iterates in a fixed order, so the
same seed and scale give the same partnership. Later modules add a step (children, contacts, audits...)
to STEPS; a new step draws from the same rng after the earlier steps, so adding one at the end never
changes what the earlier steps make.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from safeguarding.accounts.models import Agency, Team, User
from safeguarding.demo.names import NAME_GROUPS

BATCH_SIZE = 500
# The demo's "today" for the dates the generator writes: start dates of roles and the like fall before
# it, so the same seed gives the same dates whatever day it runs.
REFERENCE_DATE = date(2023, 3, 31)
# Ofcom's ranges reserved for drama: numbers in them never ring anyone.
_DRAMA_LANDLINE = "0121 496 0{:03d}"
_DRAMA_MOBILE = "07700 900{:03d}"

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class PersonName:
    first: str
    family: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.family}"


@dataclass
class SeedContext:
    """What a seed run knows: its parameters, its one source of randomness, and what steps have made."""

    scale: int
    seed: int
    rng: random.Random
    agencies: dict[str, Agency] = field(default_factory=dict)  # by code
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)  # by (agency code, team name)
    users_by_email: dict[str, User] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    _emails: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, *, scale: int, seed: int) -> SeedContext:
        return cls(scale=scale, seed=seed, rng=random.Random(seed))

    # --- people's details -------------------------------------------------------------------------------
    def person_name(self) -> PersonName:
        """An invented name: usually first and family name from one heritage group, sometimes mixed."""
        groups = NAME_GROUPS
        group = self.rng.choices(groups, weights=[g.weight for g in groups])[0]
        first = self.rng.choice(group.first_names)
        family_group = (
            group if self.rng.random() < 0.9 else self.rng.choices(groups, [g.weight for g in groups])[0]
        )
        return PersonName(first, self.rng.choice(family_group.family_names))

    def landline(self) -> str:
        return _DRAMA_LANDLINE.format(self.rng.randrange(1000))

    def mobile(self) -> str:
        return _DRAMA_MOBILE.format(self.rng.randrange(1000))

    def unique_email(self, local_part: str, domain: str) -> str:
        """local@domain, made unique in this partnership by a number when two people share a name."""
        local = _email_local(local_part)
        candidate, n = f"{local}@{domain}", 1
        while candidate in self._emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self._emails.add(candidate)
        return candidate

    def start_date(self, *, earliest_year: int = 2012) -> date:
        """A day a role began, between the start of `earliest_year` and REFERENCE_DATE."""
        first = date(earliest_year, 1, 1).toordinal()
        return date.fromordinal(self.rng.randint(first, REFERENCE_DATE.toordinal()))

    @staticmethod
    def aware(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(9, 0)))

    def agency(self, code: str) -> Agency:
        return self.agencies[code]

    def agencies_of_kind(self, kind: str) -> list[Agency]:
        """Agencies of one kind in the order they were made (stable, so choices from them are too)."""
        return [a for a in self.agencies.values() if a.kind == kind]

    def team(self, agency_code: str, name: str) -> Team:
        return self.teams[(agency_code, name)]


SeedStep = Callable[[SeedContext], None]


def agency_domain(agency: Agency) -> str:
    """Email domain of an agency's people: <agency-code>.example.org (example.org never delivers mail)."""
    return f"{agency.code.lower()}.example.org"


def bulk_save(model: type[ModelT], objects: Sequence[ModelT]) -> list[ModelT]:
    """Insert rows in batches (with their first history row when the model keeps history); returns them
    with primary keys set."""
    if not objects:
        return []
    if _has_history(model):
        return list(bulk_create_with_history(list(objects), model, batch_size=BATCH_SIZE))
    return model._default_manager.bulk_create(list(objects), batch_size=BATCH_SIZE)


def _has_history(model: type[models.Model]) -> bool:
    # django-simple-history marks the models it tracks on their _meta.
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


def _email_local(text: str) -> str:
    ascii_text = text.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", ".", ascii_text).strip(".")
