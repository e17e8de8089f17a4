"""The population the partnership serves: how many children aged 0-17 live in the area, year by year.

Rates "per 10,000 children" divide by these figures. They are the Office for National Statistics (ONS)
mid-year estimates (the population on 30 June of the year), which ONS publishes about a year later; the
business unit enters each year's figure with where it came from. The indicators issue takes this table over
(comparators, other age bands); the front door measures read it now.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from safeguarding.core.models import TimeStampedModel


class ChildPopulation(TimeStampedModel):
    """The number of children aged 0 to 17 in the area at the middle of one calendar year."""

    year = models.PositiveSmallIntegerField(help_text="The year of the mid-year estimate (30 June)")
    children_0_17 = models.PositiveIntegerField(help_text="Children aged 0 to 17 (under 18)")
    source = models.CharField(
        max_length=300, help_text="Where the figure comes from, e.g. 'ONS mid-2022 population estimates'"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="childpopulation_year_unique",
                violation_error_message="There is already a population figure for this year.",
            ),
            models.CheckConstraint(
                condition=models.Q(children_0_17__gt=0), name="childpopulation_children_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Mid-{self.year}: {self.children_0_17:,} children aged 0-17"
