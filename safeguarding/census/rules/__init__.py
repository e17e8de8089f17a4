"""The CIN census validation rules, by census block. ``ruleset(year_end)`` is the set in force that year."""

from __future__ import annotations

from safeguarding.census.rules import (  # noqa: F401  (importing registers each module's rules)
    assessments,
    characteristics,
    episodes,
    header,
    identifiers,
    plans,
    protection,
    section47,
)
from safeguarding.census.rules.base import REGISTRY, Rule


def ruleset(year_end: int) -> list[Rule]:
    """Every rule that applies to the census ending 31 March ``year_end``, in code order."""
    return sorted((rule for rule in REGISTRY if rule.applies_to(year_end)), key=lambda rule: rule.code)
