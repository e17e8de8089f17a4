"""The Assessments rules (rules/assessments.py).

Each rule is run through the registry, as the validator runs it, on children built from the records
dataclasses: one passing and at least one failing case per rule. All data is made up.
"""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.census.records import Assessment, ChildRecord, CINDetails
from safeguarding.census.rules import REGISTRY
from safeguarding.census.rules.base import Hit, Severity
from safeguarding.census.rules.episode_facts import forty_five_working_days_before_year_end
from safeguarding.census.tests.rules_support import census_year as census
from safeguarding.census.tests.rules_support import hits

ASSESSMENTS_CODES = {
    "1103",
    "8608",
    "8614",
    "8670Q",
    "8696",
    "8736",
    "8863Q",
    "8869",
    "8873Q",
    "8896",
    "8897Q",
    "8898",
    "8945Q",
    "8950Q",
}

EPISODE_LINE = 20
ASSESSMENT_LINE = 25


def completed(**values: object) -> Assessment:
    """An assessment started and authorised in the 2022-23 census year, with one factor (neglect)."""
    defaults: dict[str, object] = {
        "start": "2022-06-02",
        "authorised": "2022-07-15",
        "has_factors_element": True,
        "factors": ["16A"],
        "line": ASSESSMENT_LINE,
    }
    defaults.update(values)
    return Assessment(**defaults)  # type: ignore[arg-type]


def ongoing(**values: object) -> Assessment:
    """An assessment started in February 2023 and not yet authorised at the year end."""
    defaults: dict[str, object] = {"start": "2023-02-20", "line": ASSESSMENT_LINE}
    defaults.update(values)
    return Assessment(**defaults)  # type: ignore[arg-type]


def child_with(*assessments: Assessment, **episode_values: object) -> ChildRecord:
    """A child with one open further-action episode referred on 1 June 2022 holding these assessments."""
    values: dict[str, object] = {
        "referral_date": "2022-06-01",
        "referral_source": "2A",
        "primary_need": "N1",
        "referral_nfa": "false",
        "assessments": list(assessments),
        "line": EPISODE_LINE,
    }
    values.update(episode_values)
    episode = CINDetails(**values)  # type: ignore[arg-type]
    return ChildRecord(la_child_id="TESTCHILD2", birth_date="2016-09-30", cin_details=[episode], line=10)


# --- the module as a whole -----------------------------------------------------------------------------


def test_every_assessments_rule_is_registered_once_with_its_type() -> None:
    registered = [rule for rule in REGISTRY if rule.module == "Assessments"]
    assert {rule.code for rule in registered} == ASSESSMENTS_CODES
    assert len(registered) == len(ASSESSMENTS_CODES)
    for rule in registered:
        expected = Severity.QUERY if rule.code.endswith("Q") else Severity.ERROR
        assert rule.type == expected
        assert rule.child_check is not None and rule.child_check.__doc__


@pytest.mark.parametrize("year_end", [2023, 2025])
def test_a_tidy_child_has_no_assessments_findings(year_end: int) -> None:
    in_year = year_end - 1
    tidy = child_with(
        completed(start=f"{in_year}-06-02", authorised=f"{in_year}-07-15", factors=["3A", "4B"], line=25),
        ongoing(start=f"{year_end}-02-20", line=30),
        referral_date=f"{in_year}-06-01",
    )
    for code in ASSESSMENTS_CODES:
        if any(rule.code == code and rule.applies_to(year_end) for rule in REGISTRY):
            assert hits(code, tidy, year_end) == [], code


# --- 1103 / 8608 start date order --------------------------------------------------------------------


def test_1103_assessment_starting_on_the_referral_day_passes() -> None:
    assert hits("1103", child_with(completed(start="2022-06-01"))) == []


def test_1103_assessment_before_the_referral_is_found() -> None:
    found = hits("1103", child_with(completed(start="2022-05-31")))
    assert found == [Hit("AssessmentActualStartDate", ASSESSMENT_LINE)]


def test_8608_assessment_authorised_the_day_it_started_passes() -> None:
    assert hits("8608", child_with(completed(start="2022-06-02", authorised="2022-06-02"))) == []


def test_8608_assessment_starting_after_its_end_is_found() -> None:
    found = hits("8608", child_with(completed(start="2022-07-16", authorised="2022-07-15")))
    assert found == [Hit("AssessmentActualStartDate", ASSESSMENT_LINE)]


# --- 8614 factors only on completed assessments -------------------------------------------------------


def test_8614_open_assessment_without_factors_passes() -> None:
    assert hits("8614", child_with(ongoing())) == []


@pytest.mark.parametrize(
    ("has_element", "factors"),
    [(True, ["1B"]), (True, []), (False, ["2B"])],
    ids=["factor", "empty-block", "bare"],
)
def test_8614_factors_on_an_open_assessment_are_found(has_element: bool, factors: list[str]) -> None:
    found = hits("8614", child_with(ongoing(has_factors_element=has_element, factors=factors)))
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE)]


# --- 8670Q open assessment past 45 working days ---------------------------------------------------------


def test_8670q_threshold_counts_working_days_back_from_31_march() -> None:
    # 2022-23: no bank holidays between late January and 31 March 2023, so nine whole weeks.
    assert forty_five_working_days_before_year_end(census(2023)) == date(2023, 1, 27)
    # 2023-24: 31 March 2024 is a Sunday and Good Friday (29 March) a bank holiday, so a day further back.
    assert forty_five_working_days_before_year_end(census(2024)) == date(2024, 1, 26)


def test_8670q_open_assessment_started_on_the_threshold_passes() -> None:
    assert hits("8670Q", child_with(ongoing(start="2023-01-27"))) == []
    # A completed assessment may have started long before.
    assert hits("8670Q", child_with(completed(start="2022-06-02"))) == []


def test_8670q_open_assessment_started_before_the_threshold_is_found() -> None:
    found = hits("8670Q", child_with(ongoing(start="2023-01-26")))
    assert found == [Hit("AssessmentActualStartDate", ASSESSMENT_LINE)]
    # 2023-24: were Good Friday a working day the threshold would be 29 January and a start on 26 January
    # would be found; counting the bank holiday, the 25th is found and the 26th passes.
    found_2024 = hits("8670Q", child_with(ongoing(start="2024-01-25"), referral_date="2024-01-02"), 2024)
    assert found_2024 == [Hit("AssessmentActualStartDate", ASSESSMENT_LINE)]
    assert hits("8670Q", child_with(ongoing(start="2024-01-26"), referral_date="2024-01-02"), 2024) == []


# --- 8696 / 8736 dates within the census year ----------------------------------------------------------


@pytest.mark.parametrize("authorised", ["2022-03-31", "2023-03-31"])
def test_8696_authorisation_within_the_year_passes(authorised: str) -> None:
    assert hits("8696", child_with(completed(start="2022-03-01", authorised=authorised))) == []


@pytest.mark.parametrize("authorised", ["2022-03-30", "2023-04-01", "2022-13-01"])
def test_8696_authorisation_outside_the_year_or_unreadable_is_found(authorised: str) -> None:
    found = hits("8696", child_with(completed(start="2022-03-01", authorised=authorised)))
    assert found == [Hit("AssessmentAuthorisationDate", ASSESSMENT_LINE)]


def test_8736_open_assessment_started_in_the_year_passes() -> None:
    assert hits("8736", child_with(ongoing(start="2022-04-01"))) == []
    # A completed assessment may have started in an earlier year.
    assert hits("8736", child_with(completed(start="2022-01-05", authorised="2022-04-20"))) == []


@pytest.mark.parametrize("start", ["2022-03-30", "2023-04-03", None])
def test_8736_open_assessment_started_outside_the_year_is_found(start: str | None) -> None:
    found = hits("8736", child_with(ongoing(start=start)))
    assert found == [Hit("AssessmentActualStartDate", ASSESSMENT_LINE)]


# --- 8863Q / 8896 assessments at the same time ----------------------------------------------------------


def test_8863q_assessments_one_after_another_pass() -> None:
    first = completed(start="2022-06-02", authorised="2022-07-15", line=25)
    second = ongoing(start="2022-07-16", line=30)
    assert hits("8863Q", child_with(first, second)) == []


def test_8863q_assessment_starting_while_another_is_ongoing_is_found() -> None:
    first = completed(start="2022-06-02", authorised="2022-07-15", line=25)
    second = completed(start="2022-07-15", authorised="2022-08-15", line=30)
    assert hits("8863Q", child_with(first, second)) == [Hit("AssessmentActualStartDate", 30)]
    still_open = ongoing(start="2022-06-02", line=25)
    later = completed(start="2022-09-01", authorised="2022-10-01", line=30)
    assert hits("8863Q", child_with(still_open, later)) == [Hit("AssessmentActualStartDate", 30)]


def test_8896_one_open_assessment_passes() -> None:
    assert hits("8896", child_with(completed(line=25), ongoing(line=30))) == []


def test_8896_two_open_assessments_are_both_found() -> None:
    found = hits("8896", child_with(ongoing(start="2023-01-05", line=25), ongoing(line=30)))
    assert found == [Hit("AssessmentAuthorisationDate", 25), Hit("AssessmentAuthorisationDate", 30)]


# --- 8869 / 8873Q factor 21, no factors identified ------------------------------------------------------


def test_8869_factor_21_alone_passes() -> None:
    assert hits("8869", child_with(completed(factors=["21"]))) == []


def test_8869_factor_21_with_another_factor_is_found() -> None:
    found = hits("8869", child_with(completed(factors=["21", "4B"])))
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE)]


@pytest.mark.parametrize("reason", ["RC8", "RC9"])
def test_8873q_only_assessment_with_no_factors_closed_after_assessment_passes(reason: str) -> None:
    closed = child_with(completed(factors=["21"]), closure_date="2022-07-20", closure_reason=reason)
    assert hits("8873Q", closed) == []


def test_8873q_only_assessment_with_no_factors_closed_otherwise_is_found() -> None:
    closed = child_with(completed(factors=["21"]), closure_date="2022-07-20", closure_reason="RC7")
    assert hits("8873Q", closed) == [Hit("ReasonForClosure", EPISODE_LINE)]
    # Still open at the year end: the query asks for the case to be closed after assessment.
    assert hits("8873Q", child_with(completed(factors=["21"]))) == [Hit("ReasonForClosure", EPISODE_LINE)]


def test_8873q_applies_only_when_the_episode_has_one_assessment() -> None:
    two = child_with(
        completed(factors=["21"], line=25), completed(start="2022-08-01", authorised="2022-09-01", line=30)
    )
    assert hits("8873Q", two) == []


# --- 8897Q / 8898 factors on completed assessments ------------------------------------------------------


def test_8897q_completed_assessment_with_known_factors_passes() -> None:
    assert hits("8897Q", child_with(completed(factors=["1B", "18A", "24A"]))) == []
    # Authorised before the census year: not this year's return to question.
    assert hits("8897Q", child_with(completed(start="2022-02-01", authorised="2022-03-31", factors=[]))) == []


@pytest.mark.parametrize("factors", [[], ["99"], ["3B", ""]], ids=["none", "unknown", "empty"])
def test_8897q_completed_assessment_with_missing_or_unknown_factors_is_found(factors: list[str]) -> None:
    found = hits("8897Q", child_with(completed(factors=factors)))
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE)]


def test_8898_distinct_factors_pass() -> None:
    assert hits("8898", child_with(completed(factors=["1B", "2B", "3B"]))) == []


def test_8898_each_repeated_factor_is_found_once() -> None:
    found = hits("8898", child_with(completed(factors=["1B", "2B", "1B", " 2B", "1B"])))
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE), Hit("AssessmentFactors", ASSESSMENT_LINE)]


# --- 8945Q / 8950Q old abuse codes, from 2024-25 ----------------------------------------------------------


def test_8945q_and_8950q_apply_from_the_2024_25_census() -> None:
    for code in ("8945Q", "8950Q"):
        (rule,) = [rule for rule in REGISTRY if rule.code == code]
        assert [year for year in (2023, 2024, 2025, 2026) if rule.applies_to(year)] == [2025, 2026]


def test_8945q_new_physical_abuse_codes_pass() -> None:
    assert hits("8945Q", child_with(completed(factors=["18B", "18C"])), 2025) == []


def test_8945q_old_physical_abuse_code_is_found() -> None:
    found = hits("8945Q", child_with(completed(factors=["18A"]), referral_date="2024-06-01"), 2025)
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE)]


def test_8950q_new_sexual_abuse_codes_pass() -> None:
    assert hits("8950Q", child_with(completed(factors=["19B", "19C"])), 2025) == []


def test_8950q_old_sexual_abuse_code_is_found() -> None:
    found = hits("8950Q", child_with(completed(factors=["19A", "16A"])), 2025)
    assert found == [Hit("AssessmentFactors", ASSESSMENT_LINE)]
