"""Reading population figures."""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.core import runcache
from safeguarding.population.models import ChildPopulation


def population_for_year(year: int) -> ChildPopulation | None:
    """The mid-year estimate of children aged 0-17 for `year`, or None when nobody has entered it (read
    once per indicators computation run: every rate of the run divides by the same figure)."""
    return runcache.kept(("population", year), lambda: ChildPopulation.objects.filter(year=year).first())


def populations_all() -> QuerySet[ChildPopulation]:
    return ChildPopulation.objects.order_by("year")
