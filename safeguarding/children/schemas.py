"""The shape of the children app's JSON columns: lists of national codes (DESIGN rule 5).

Child.disabilities, Assessment.factors and EarlyHelpRequest.presenting_needs each hold a list of codes.
Services clean what they are given with `code_list`: codes as strings, stripped, each once, in the order
given. Whether each code is on the national list is the caller's choice: forms offer only known codes; an
import keeps an unknown code as given so the validator can report it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from django.db import models
from pydantic import StringConstraints, TypeAdapter

from safeguarding.children.codes import AssessmentFactor, Disability, EarlyHelpNeed

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
CodeList = TypeAdapter(list[Code])

DISABILITY_CODES = frozenset(Disability.values)
ASSESSMENT_FACTOR_CODES = frozenset(AssessmentFactor.values)
EARLY_HELP_NEED_CODES = frozenset(EarlyHelpNeed.values)


def code_list(values: Iterable[str]) -> list[str]:
    """The codes as the JSON column stores them: validated strings, each once, in the order first given.

    Raises pydantic.ValidationError for an empty or over-long code.
    """
    seen: dict[str, None] = {}
    for code in CodeList.validate_python(list(values)):
        seen.setdefault(code, None)
    return list(seen)


def unknown_codes(values: Iterable[str], choices: type[models.TextChoices]) -> list[str]:
    """The codes in `values` that the national list `choices` does not hold."""
    known = set(choices.values)
    return [code for code in values if code not in known]
