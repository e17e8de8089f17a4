"""The ChildIdentifiers rules, each with a child that passes and one that fails (synthetic data only)."""

from __future__ import annotations

import dataclasses

import pytest

from safeguarding.census.records import ChildRecord, CINDetails, CINPlan
from safeguarding.census.rules.base import REGISTRY, Hit
from safeguarding.census.rules.identifiers import upn_check_letter
from safeguarding.census.rules.lacodes import upn_la_codes
from safeguarding.census.tests.rules_support import hits, return_hits, rule

# A Walsall UPN worked by hand: 3x2 + 3x3 + 5x4 + 2x5 + 1x8 + 1x9 + 5x10 + 1x11 + 2x12 + 3x13 = 186,
# 186 mod 23 = 2, letter C.
WALSALL_UPN = "C335200115123"


def episode(**fields: object) -> CINDetails:
    values: dict[str, object] = {"referral_date": "2022-05-03", "referral_nfa": "false", "line": 20}
    values.update(fields)
    return CINDetails(**values)  # type: ignore[arg-type]


def child(**fields: object) -> ChildRecord:
    """A child who passes every identifier rule in 2022-23; tests change one thing at a time."""
    values: dict[str, object] = {
        "la_child_id": "TestChild1",
        "upn": WALSALL_UPN,
        "birth_date": "2015-06-01",
        "sex": "1",
        "ethnicity": "WBRI",
        "has_disabilities_element": True,
        "disabilities": ["NONE"],
        "cin_details": [episode()],
        "line": 10,
    }
    values.update(fields)
    return ChildRecord(**values)  # type: ignore[arg-type]


def unborn(**fields: object) -> ChildRecord:
    """A child expected in June 2023: an expected date of birth, no date of birth, gender 0, no UPN."""
    values: dict[str, object] = {
        "birth_date": None,
        "expected_birth_date": "2023-06-01",
        "sex": "0",
        "upn": None,
    }
    values.update(fields)
    return child(**values)


# Every rule of these modules in cin-validator-rules.tsv: code, first year of its folder, module, message.
TSV_RULES = [
    ("1510", 2023, "ChildIdentifiers", "UPN invalid (wrong check letter at character 1)"),
    ("1520", 2023, "ChildIdentifiers", "More than one record with the same UPN."),
    ("1530", 2023, "ChildIdentifiers", "UPN invalid (characters 2-4 not a recognised LA code)"),
    ("1540", 2023, "ChildIdentifiers", "UPN invalid (characters 5-12 not all numeric)"),
    ("1550", 2023, "ChildIdentifiers", "UPN invalid (character 13 not a recognised value)"),
    (
        "1560Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend or provide a reason: Former UPN wrongly formatted",
    ),
    (
        "2886Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend or provide a reason: Percentage of children with no gender recorded "
        "is more than 2% (excluding unborns)",
    ),
    ("4008", 2023, "ChildIdentifiers", "CIN Plan shown as starting after the child’s Date of Death."),  # noqa: RUF001  (the DfE's own apostrophe)
    ("4009Q", 2023, "ChildIdentifiers", "CIN Plan cannot end after the child’s Date of Death"),  # noqa: RUF001  (the DfE's own apostrophe)
    ("4180", 2023, "ChildIdentifiers", "Gender is missing"),
    ("8500", 2023, "ChildIdentifiers", "LA Child ID missing"),
    ("8510", 2023, "ChildIdentifiers", "More than one child record with the same LA Child ID"),
    (
        "8520",
        2023,
        "ChildIdentifiers",
        "Date of Birth is after data collection period (must be on or before the end of the census period)",
    ),
    (
        "8525Q",
        2023,
        "ChildIdentifiers",
        "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
    ),
    (
        "8530Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: Expected Date of Birth is outside the "
        "expected range for this census (March to December of the Census Year end)",
    ),
    (
        "8535Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: Child’s date of death should not be prior "  # noqa: RUF001  (the DfE's own apostrophe)
        "to the date of birth",
    ),
    (
        "8545Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: Child's date of death should be within the "
        "census year",
    ),
    ("8590", 2023, "ChildIdentifiers", "Child does not have a recorded CIN episode."),
    ("8750", 2023, "ChildIdentifiers", "Gender must equal 0 for an unborn child"),
    (
        "8770Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: UPN or reason UPN missing expected for a "
        "child who is more than 5 years old",
    ),
    (
        "8772",
        2023,
        "ChildIdentifiers",
        "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a "
        "referral going on to further action",
    ),
    (
        "8775Q",
        2023,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: Child is over 25 years old",
    ),
    ("1530", 2024, "ChildIdentifiers", "UPN invalid (characters 2-4 not a recognised LA code)"),
    ("1570", 2025, "ChildIdentifiers", "LA Child ID must not be longer than 20 characters"),
    ("1580", 2025, "ChildIdentifiers", "LA Child ID must not contain any non-alphanumeric characters"),
    (
        "2886Q",
        2025,
        "ChildIdentifiers",
        "Please check and either amend or provide a reason: Percentage of children with no sex recorded is "
        "more than 2% (excluding unborns)",
    ),
    ("4180", 2025, "ChildIdentifiers", "Sex must be provided and equal M, F, or U"),
    ("8750", 2025, "ChildIdentifiers", "Sex must equal U for an unborn child"),
    (
        "8770Q",
        2025,
        "ChildIdentifiers",
        "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or "
        "is UN1 for a child who is of school age.",
    ),
]


@pytest.mark.parametrize(("code", "year_end", "module", "message"), TSV_RULES)
def test_rule_registered_with_the_dfe_message(code: str, year_end: int, module: str, message: str) -> None:
    registered = rule(code, year_end)
    assert registered.module == module
    assert registered.message == message
    assert registered.type == ("query" if code.endswith("Q") else "error")


def test_every_identifier_rule_says_what_it_checks_in_one_line() -> None:
    mine = [r for r in REGISTRY if r.module == "ChildIdentifiers"]
    assert len(mine) == len(TSV_RULES)
    for registered in mine:
        check = registered.child_check or registered.return_check
        doc = (check.__doc__ or "").strip()
        assert doc, registered.code
        assert "\n" not in doc, registered.code


def test_year_versions_do_not_overlap() -> None:
    assert rule("4180", 2024).message == "Gender is missing"
    assert rule("4180", 2025).message.startswith("Sex")
    assert rule("8750", 2018).message.startswith("Gender")
    with pytest.raises(AssertionError):
        rule("1570", 2024)  # new in 2024-25


# --- UPN ------------------------------------------------------------------------------------------------


def test_check_letter_matches_worked_examples() -> None:
    assert upn_check_letter("335200115123") == "C"  # worked by hand above
    assert upn_check_letter("801200005001") == "B"  # the example valid UPN in python-stdnum's documentation
    # Temporary UPN: the final A counts as 0, so 186 - 3x13 = 147, 147 mod 23 = 9, letter K.
    assert upn_check_letter("33520011512A") == "K"


@pytest.mark.parametrize("bad", ["33520011512", "3352001151234", "3352X0115123", "33520011512I"])
def test_check_letter_refuses_what_is_not_a_upn(bad: str) -> None:
    with pytest.raises(ValueError):
        upn_check_letter(bad)


def test_1510_check_letter() -> None:
    assert hits("1510", child()) == []
    assert hits("1510", child(upn="K33520011512A")) == []  # temporary UPN
    assert hits("1510", child(upn=None)) == []
    assert hits("1510", child(upn="D335200115123")) == [Hit("UPN", 10)]


def test_1520_duplicate_upn_names_both_children() -> None:
    first, second = child(la_child_id="A1", line=5), child(la_child_id="B2", line=50)
    third = child(la_child_id="C3", upn="K33520011512A", line=90)
    assert return_hits("1520", [first, third, child(la_child_id="D4", upn=None)]) == []
    assert return_hits("1520", [first, third, second]) == [("A1", Hit("UPN", 5)), ("B2", Hit("UPN", 50))]


def test_1530_la_code() -> None:
    assert "335" in upn_la_codes(2023)  # Walsall
    assert hits("1530", child()) == []
    assert hits("1530", child(upn="C999200115123")) == [Hit("UPN", 10)]


def test_1530_cumberland_recognised_from_2023_24() -> None:
    cumberland = child(upn="X942200115123")
    assert hits("1530", cumberland, 2023) == [Hit("UPN", 10)]
    assert hits("1530", cumberland, 2024) == []


def test_1540_middle_numeric() -> None:
    assert hits("1540", child()) == []
    assert hits("1540", child(upn="C3352001X5123")) == [Hit("UPN", 10)]
    assert hits("1540", child(upn="C33520")) == [Hit("UPN", 10)]


def test_1550_last_character() -> None:
    assert hits("1550", child()) == []
    assert hits("1550", child(upn="K33520011512A")) == []
    assert hits("1550", child(upn="K33520011512O")) == [Hit("UPN", 10)]


def test_1560q_former_upn_format() -> None:
    assert hits("1560Q", child(former_upn=None)) == []
    assert hits("1560Q", child(former_upn="K33520011512A")) == []
    assert hits("1560Q", child(former_upn="K3352001151")) == [Hit("FormerUPN", 10)]
    assert hits("1560Q", child(former_upn="K335200y15123")) == [Hit("FormerUPN", 10)]


# --- LA child ID ----------------------------------------------------------------------------------------


def test_8500_la_child_id_given() -> None:
    assert hits("8500", child()) == []
    assert hits("8500", child(la_child_id="  ")) == [Hit("LAchildID", 10)]
    assert hits("8500", child(la_child_id=None)) == [Hit("LAchildID", 10)]


def test_8510_duplicate_la_child_id() -> None:
    assert return_hits("8510", [child(la_child_id="A1"), child(la_child_id="B2")]) == []
    twice = [child(la_child_id="A1", line=5), child(la_child_id="B2"), child(la_child_id="A1", line=70)]
    assert return_hits("8510", twice) == [("A1", Hit("LAchildID", 5)), ("A1", Hit("LAchildID", 70))]


def test_1570_la_child_id_length_from_2024_25() -> None:
    assert hits("1570", child(la_child_id="A" * 20), 2025) == []
    assert hits("1570", child(la_child_id="A" * 21), 2025) == [Hit("LAchildID", 10)]


def test_1580_la_child_id_alphanumeric_from_2024_25() -> None:
    assert hits("1580", child(la_child_id="Walsall123"), 2025) == []
    assert hits("1580", child(la_child_id="WAL-123"), 2025) == [Hit("LAchildID", 10)]
    assert hits("1580", child(la_child_id="WAL123é"), 2025) == [Hit("LAchildID", 10)]


# --- dates of birth and death ---------------------------------------------------------------------------


def test_8520_birth_by_reference_date() -> None:
    assert hits("8520", child(birth_date="2023-03-31")) == []
    assert hits("8520", child(birth_date="2023-04-01")) == [Hit("PersonBirthDate", 10)]


def test_8525q_one_of_the_birth_dates() -> None:
    assert hits("8525Q", child()) == []
    assert hits("8525Q", unborn()) == []
    assert hits("8525Q", child(expected_birth_date="2015-06-02")) == [Hit("ExpectedPersonBirthDate", 10)]
    assert hits("8525Q", child(birth_date="")) == [Hit("PersonBirthDate", 10)]


def test_8530q_expected_birth_range() -> None:
    assert hits("8530Q", unborn(expected_birth_date="2023-03-01")) == []
    assert hits("8530Q", unborn(expected_birth_date="2023-12-31")) == []
    assert hits("8530Q", unborn(expected_birth_date="2023-02-28")) == [Hit("ExpectedPersonBirthDate", 10)]
    assert hits("8530Q", unborn(expected_birth_date="2024-01-01")) == [Hit("ExpectedPersonBirthDate", 10)]


def test_8535q_death_after_birth() -> None:
    assert hits("8535Q", child(death_date="2022-06-01")) == []
    assert hits("8535Q", child(death_date="2015-05-31")) == [Hit("PersonDeathDate", 10)]


def test_8545q_death_in_census_year() -> None:
    assert hits("8545Q", child(death_date="2022-04-01")) == []
    assert hits("8545Q", child(death_date="2023-04-01")) == [Hit("PersonDeathDate", 10)]
    assert hits("8545Q", child(death_date="2021-12-01")) == [Hit("PersonDeathDate", 10)]


def test_4008_cin_plan_start_after_death() -> None:
    plans = [CINPlan(start="2022-06-01", line=30), CINPlan(start="2022-09-02", line=40)]
    died_later = child(death_date="2022-09-02", cin_details=[episode(cin_plans=plans)])
    died_before = child(death_date="2022-09-01", cin_details=[episode(cin_plans=plans)])
    assert hits("4008", died_later) == []
    assert hits("4008", child(cin_details=[episode(cin_plans=plans)])) == []
    assert hits("4008", died_before) == [Hit("CINPlanStartDate", 40)]


def test_4009q_cin_plan_end_after_death() -> None:
    plans = [CINPlan(start="2022-06-01", end="2022-09-05", line=30)]
    assert hits("4009Q", child(death_date="2022-09-05", cin_details=[episode(cin_plans=plans)])) == []
    assert hits("4009Q", child(death_date="2022-09-04", cin_details=[episode(cin_plans=plans)])) == [
        Hit("CINPlanEndDate", 30)
    ]


def test_8775q_over_25() -> None:
    # On 31 March 2023 someone born 1 April 1998 is 24; someone born 1 June 1997 turned 25 on 1 June 2022.
    assert hits("8775Q", child(birth_date="1998-04-01")) == []
    closed_in_time = episode(closure_date="2022-06-01")
    assert hits("8775Q", child(birth_date="1997-06-01", cin_details=[closed_in_time])) == []
    assert hits("8775Q", child(birth_date="1997-06-01")) == [Hit("PersonBirthDate", 10)]
    closed_late = episode(closure_date="2022-06-02")
    assert hits("8775Q", child(birth_date="1997-06-01", cin_details=[closed_late])) == [
        Hit("PersonBirthDate", 10)
    ]


# --- sex ------------------------------------------------------------------------------------------------


def test_4180_gender_until_2023_24() -> None:
    assert hits("4180", child(sex="9")) == []
    assert hits("4180", child(sex=None)) == [Hit("GenderCurrent", 10)]
    assert hits("4180", child(sex="M"), 2024) == [Hit("GenderCurrent", 10)]


def test_4180_sex_from_2024_25() -> None:
    assert hits("4180", child(sex="F", sex_element="Sex"), 2025) == []
    assert hits("4180", child(sex="1", sex_element="Sex"), 2025) == [Hit("Sex", 10)]
    assert hits("4180", child(sex=""), 2025) == [Hit("Sex", 10)]


def test_8750_unborn_gender() -> None:
    assert hits("8750", unborn()) == []
    assert hits("8750", child(sex="2")) == []  # born
    assert hits("8750", dataclasses.replace(unborn(), sex="2")) == [Hit("GenderCurrent", 10)]


def test_8750_unborn_sex_from_2024_25() -> None:
    expecting = dataclasses.replace(unborn(), sex="U", sex_element="Sex")
    assert hits("8750", expecting, 2025) == []
    assert hits("8750", dataclasses.replace(expecting, sex="F"), 2025) == [Hit("Sex", 10)]


def _share(without: int, recorded: int, unborn_children: int = 0, sex: str = "0") -> list[ChildRecord]:
    return (
        [child(la_child_id=f"N{number}", sex=sex) for number in range(without)]
        + [child(la_child_id=f"R{number}", sex="1") for number in range(recorded)]
        + [
            dataclasses.replace(unborn(), la_child_id=f"U{number}", sex=sex)
            for number in range(unborn_children)
        ]
    )


def test_2886q_no_gender_share() -> None:
    assert return_hits("2886Q", _share(without=2, recorded=98)) == []  # exactly 2%
    assert return_hits("2886Q", _share(without=1, recorded=90, unborn_children=9)) == []  # unborns aside
    assert return_hits("2886Q", _share(without=3, recorded=97)) == [(None, Hit("GenderCurrent"))]


def test_2886q_no_sex_share_from_2024_25() -> None:
    assert return_hits("2886Q", _share(without=2, recorded=98, sex="U"), 2025) == []
    assert return_hits("2886Q", _share(without=3, recorded=97, sex="U"), 2025) == [(None, Hit("Sex"))]


# --- UPN or reason, by age ------------------------------------------------------------------------------


def test_8770q_upn_or_reason_over_five() -> None:
    no_upn = dataclasses.replace(child(), upn=None, birth_date="2017-03-31")  # 6 on the reference date
    assert hits("8770Q", child()) == []
    assert hits("8770Q", dataclasses.replace(no_upn, upn_unknown="UN1")) == []
    assert hits("8770Q", dataclasses.replace(no_upn, birth_date="2017-04-01")) == []  # still 5
    assert hits("8770Q", dataclasses.replace(no_upn, cin_details=[episode(referral_nfa="true")])) == []
    assert hits("8770Q", no_upn) == [Hit("UPN", 10)]


def test_8770q_upn_or_reason_at_school_age_from_2024_25() -> None:
    reception = dataclasses.replace(child(), upn=None, birth_date="2020-08-31", sex="M")
    assert hits("8770Q", dataclasses.replace(reception, upn_unknown="UN3"), 2025) == []
    assert hits("8770Q", dataclasses.replace(reception, birth_date="2020-09-01"), 2025) == []  # nursery
    assert hits("8770Q", reception, 2025) == [Hit("UPN", 10)]
    assert hits("8770Q", dataclasses.replace(reception, upn_unknown="UN1"), 2025) == [Hit("UPN", 10)]


def test_8772_un7_only_when_no_further_action() -> None:
    nfa = [episode(referral_nfa="1"), episode(referral_nfa="true")]
    assert hits("8772", child(upn=None, upn_unknown="UN7", cin_details=nfa)) == []
    assert hits("8772", child(upn=None, upn_unknown="UN4")) == []
    mixed = [*nfa, episode(referral_nfa="0")]
    assert hits("8772", child(upn=None, upn_unknown="UN7", cin_details=mixed)) == [Hit("UPNunknown", 10)]


def test_8590_has_a_cin_episode() -> None:
    assert hits("8590", child()) == []
    assert hits("8590", child(cin_details=[])) == [Hit("CINdetails", 10)]
