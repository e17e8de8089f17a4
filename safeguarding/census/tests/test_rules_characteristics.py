"""The ChildCharacteristics and Disabilities rules, each with a passing and a failing case."""

from __future__ import annotations

import dataclasses

import pytest

from safeguarding.census.records import ChildRecord, CINDetails
from safeguarding.census.rules.base import REGISTRY, Hit
from safeguarding.census.tests.rules_support import hits, return_hits, rule


def child(*disabilities: str, **fields: object) -> ChildRecord:
    """A born child referred on to further action, with the given disability codes."""
    values: dict[str, object] = {
        "la_child_id": "TestChild1",
        "birth_date": "2015-06-01",
        "sex": "2",
        "ethnicity": "MWBA",
        "has_disabilities_element": bool(disabilities),
        "disabilities": list(disabilities),
        "cin_details": [CINDetails(referral_date="2022-05-03", referral_nfa="false")],
        "line": 10,
    }
    values.update(fields)
    return ChildRecord(**values)  # type: ignore[arg-type]


TSV_RULES = [
    ("4220", "ChildCharacteristics", "Ethnicity is missing or invalid (see Ethnicity table)"),
    ("8540", "ChildCharacteristics", "Child’s disability is missing or invalid (see Disability table)"),  # noqa: RUF001  (the DfE's own apostrophe)
    (
        "2887Q",
        "Disabilities",
        "Please check and either amend or provide a reason: Less than 8 disability codes have been used in "
        "your return",
    ),
    (
        "2888Q",
        "Disabilities",
        "Please check and either amend or provide a reason: Only one disability code is recorded per child "
        "and multiple disabilities should be recorded where possible.",
    ),
    ("8790", "Disabilities", "Disability information includes both None and other values"),
    ("8794", "Disabilities", "Child has two or more disabilities with the same code"),
]


@pytest.mark.parametrize(("code", "module", "message"), TSV_RULES)
@pytest.mark.parametrize("year_end", [2023, 2024, 2025])
def test_rule_registered_with_the_dfe_message(code: str, module: str, message: str, year_end: int) -> None:
    registered = rule(code, year_end)
    assert (registered.module, registered.message) == (module, message)
    check = registered.child_check or registered.return_check
    doc = (check.__doc__ or "").strip()
    assert doc and "\n" not in doc


def test_no_other_rules_in_these_modules() -> None:
    mine = {r.code for r in REGISTRY if r.module in {"ChildCharacteristics", "Disabilities"}}
    assert mine == {code for code, _, _ in TSV_RULES}


def test_4220_ethnicity() -> None:
    assert hits("4220", child("NONE")) == []
    assert hits("4220", child("NONE", ethnicity="  REFU ")) == []
    assert hits("4220", child("NONE", ethnicity=None)) == [Hit("Ethnicity", 10)]
    assert hits("4220", child("NONE", ethnicity="WHITE")) == [Hit("Ethnicity", 10)]


def test_8540_disability_given_and_valid() -> None:
    assert hits("8540", child("NONE")) == []
    assert hits("8540", child("MOB", "AUT")) == []
    assert hits("8540", child()) == [Hit("Disability", 10)]
    assert hits("8540", child("MOB", "WHEEL")) == [Hit("Disability", 10)]


def test_8540_applies_only_to_born_children_referred_on() -> None:
    assert hits("8540", child(birth_date=None, expected_birth_date="2023-06-01")) == []
    no_further_action = [CINDetails(referral_date="2022-05-03", referral_nfa="true")]
    assert hits("8540", child(cin_details=no_further_action)) == []


def test_8790_none_alone() -> None:
    assert hits("8790", child("NONE")) == []
    assert hits("8790", child("HEAR", "VIS")) == []
    assert hits("8790", child("NONE", "HEAR")) == [Hit("Disability", 10)]


def test_8794_no_repeated_code() -> None:
    assert hits("8794", child("HEAR", "VIS")) == []
    assert hits("8794", child("HEAR", "VIS", "HEAR")) == [Hit("Disability", 10)]


EIGHT_CODES = ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS"]


def test_2887q_eight_codes_used_across_the_return() -> None:
    children = [child(code, la_child_id=f"C{number}") for number, code in enumerate(EIGHT_CODES)]
    assert return_hits("2887Q", children) == []
    seven = [*children[:7], child("NONE"), child("MOB"), child("MADEUP")]
    assert return_hits("2887Q", seven) == [(None, Hit("Disability"))]


def test_2888q_someone_has_more_than_one_disability() -> None:
    one_each = [child("MOB"), child("HEAR"), child("NONE")]
    several = dataclasses.replace(child("AUT", "COMM"), la_child_id="C9")
    assert return_hits("2888Q", [*one_each, several]) == []
    assert return_hits("2888Q", [child("NONE"), child()]) == []  # nobody has a disability recorded
    assert return_hits("2888Q", one_each) == [(None, Hit("Disability"))]
