"""The CINdetails rules (rules/episodes.py) and the episode facts they share (rules/episode_facts.py).

Each rule is run through the registry, as the validator runs it, on children built from the records
dataclasses: one passing and at least one failing case per rule. All data is made up.
"""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Section47,
)
from safeguarding.census.rules import REGISTRY
from safeguarding.census.rules.base import Hit, Severity
from safeguarding.census.rules.episode_facts import (
    activity_after_referral,
    episode_span,
    last_working_day_before_collection,
    starts_during_another,
)
from safeguarding.census.tests.rules_support import census_year as census
from safeguarding.census.tests.rules_support import hits

CINDETAILS_CODES = {
    "2990",
    "2991Q",
    "8555Q",
    "8568",
    "8569Q",
    "8585Q",
    "8600",
    "8606",
    "8610",
    "8620",
    "8630",
    "8640",
    "8650",
    "8805",
    "8810",
    "8815",
    "8816",
    "8820",
    "8825Q",
    "8831",
    "8866",
    "8867",
    "8868",
    "8890",
}

EPISODE_LINE = 20


def episode(**values: object) -> CINDetails:
    """A tidy open CIN episode in the 2022-23 census that went on to further action; override any field."""
    defaults: dict[str, object] = {
        "referral_date": "2022-06-01",
        "referral_source": "2A",
        "primary_need": "N1",
        "referral_nfa": "false",
        "assessments": [Assessment(start="2022-06-02", line=EPISODE_LINE + 5)],
        "line": EPISODE_LINE,
    }
    defaults.update(values)
    return CINDetails(**defaults)  # type: ignore[arg-type]


def closed_episode(**values: object) -> CINDetails:
    """A tidy closed episode: referral in May, assessment authorised, closed in July (RC7)."""
    defaults: dict[str, object] = {
        "referral_date": "2022-05-03",
        "closure_date": "2022-07-29",
        "closure_reason": "RC7",
        "assessments": [
            Assessment(start="2022-05-04", authorised="2022-06-20", factors=["16A"], line=EPISODE_LINE + 5)
        ],
    }
    defaults.update(values)
    return episode(**defaults)


def nfa_referral(**values: object) -> CINDetails:
    """A referral with no further action: nothing recorded after it, no primary need needed."""
    defaults: dict[str, object] = {
        "referral_date": "2022-09-12",
        "primary_need": None,
        "referral_nfa": "true",
        "assessments": [],
    }
    defaults.update(values)
    return episode(**defaults)


def child(*episodes: CINDetails, **values: object) -> ChildRecord:
    defaults: dict[str, object] = {
        "la_child_id": "TESTCHILD1",
        "birth_date": "2015-02-14",
        "sex": "2",
        "ethnicity": "WBRI",
        "cin_details": list(episodes) or [episode()],
        "line": 10,
    }
    defaults.update(values)
    return ChildRecord(**defaults)  # type: ignore[arg-type]


# --- the module as a whole -----------------------------------------------------------------------------


def test_every_cindetails_rule_is_registered_once_with_its_type() -> None:
    registered = [rule for rule in REGISTRY if rule.module == "CINdetails"]
    assert {rule.code for rule in registered} == CINDETAILS_CODES
    assert len(registered) == len(CINDETAILS_CODES)
    for rule in registered:
        expected = Severity.QUERY if rule.code.endswith("Q") else Severity.ERROR
        assert rule.type == expected
        assert rule.child_check is not None and rule.child_check.__doc__


@pytest.mark.parametrize("year_end", [2018, 2023, 2025])
def test_a_tidy_child_has_no_cindetails_findings(year_end: int) -> None:
    in_year = year_end - 1  # the calendar year in which the census year's summer falls
    completed = Assessment(start=f"{in_year}-05-04", authorised=f"{in_year}-06-20", factors=["16A"], line=25)
    tidy = child(
        closed_episode(
            referral_date=f"{in_year}-05-03", closure_date=f"{in_year}-07-29", assessments=[completed]
        ),
        nfa_referral(referral_date=f"{in_year}-08-10", line=30),
        episode(
            referral_date=f"{in_year}-09-01",
            assessments=[Assessment(start=f"{in_year}-09-02", line=45)],
            line=40,
        ),
    )
    for code in CINDETAILS_CODES:
        assert hits(code, tidy, year_end) == [], code


# --- 2990 activity after closing after assessment ------------------------------------------------------


def test_2990_rc8_episode_with_only_its_assessment_passes() -> None:
    assert hits("2990", child(closed_episode(closure_reason="RC8"))) == []


def test_2990_rc9_episode_with_a_section47_and_a_cin_plan_is_found_at_each() -> None:
    closed = closed_episode(
        closure_reason="RC9",
        section47s=[Section47(start="2022-05-05", icpc_not_required="true", line=31)],
        cin_plans=[CINPlan(start="2022-06-21", end="2022-07-29", line=30)],
    )
    assert hits("2990", child(closed)) == [Hit("CINPlanStartDate", 30), Hit("S47ActualStartDate", 31)]


def test_2990_icpc_date_and_cp_plan_count_as_activity() -> None:
    closed = closed_episode(
        closure_reason="RC8",
        icpc_date="2022-06-01",
        cp_plans=[ChildProtectionPlan(start="2022-06-01", end="2022-07-29", line=33)],
    )
    assert hits("2990", child(closed)) == [Hit("DateOfInitialCPC", EPISODE_LINE), Hit("CPPstartDate", 33)]


def test_2990_other_closure_reasons_may_have_activity() -> None:
    closed = closed_episode(closure_reason="RC7", cin_plans=[CINPlan(start="2022-06-21", line=30)])
    assert hits("2990", child(closed)) == []


# --- 2991Q section 47 without an assessment -----------------------------------------------------------


def test_2991q_section47_with_an_assessment_passes() -> None:
    assert hits("2991Q", child(episode(section47s=[Section47(start="2022-06-03", line=30)]))) == []


def test_2991q_section47_without_an_assessment_is_found_once_per_episode() -> None:
    enquiries = [Section47(start="2022-06-03", line=30), Section47(start="2022-08-03", line=35)]
    assert hits("2991Q", child(episode(assessments=[], section47s=enquiries))) == [Hit("Section47", 30)]


# --- 8555Q referral after death -----------------------------------------------------------------------


def test_8555q_referral_on_the_day_of_death_passes() -> None:
    assert hits("8555Q", child(episode(referral_date="2022-06-01"), death_date="2022-06-01")) == []


def test_8555q_referral_after_death_is_found() -> None:
    found = hits("8555Q", child(episode(referral_date="2022-06-02"), death_date="2022-06-01"))
    assert found == [Hit("CINreferralDate", EPISODE_LINE)]


# --- 8568 ReferralNFA flag ---------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["true", "false", "1", "0"])
def test_8568_valid_flags_pass(flag: str) -> None:
    assert hits("8568", child(episode(referral_nfa=flag))) == []


@pytest.mark.parametrize("flag", [None, "", "yes", "2"])
def test_8568_missing_or_invalid_flag_is_found(flag: str | None) -> None:
    assert hits("8568", child(episode(referral_nfa=flag))) == [Hit("ReferralNFA", EPISODE_LINE)]


# --- 8569Q NFA referral from before the collection -------------------------------------------------------


def test_8569q_cut_off_is_the_working_day_before_1_april() -> None:
    # 1 April 2022 is a Friday: the day before is a working day.
    assert last_working_day_before_collection(census(2023)) == date(2022, 3, 31)
    # 1 April 2024 is Easter Monday and 29 March Good Friday: bank holidays are skipped.
    assert last_working_day_before_collection(census(2025)) == date(2024, 3, 28)


def test_8569q_nfa_referral_on_the_cut_off_passes() -> None:
    assert hits("8569Q", child(nfa_referral(referral_date="2022-03-31"))) == []
    assert hits("8569Q", child(nfa_referral(referral_date="2024-03-28")), 2025) == []


def test_8569q_nfa_referral_before_the_cut_off_is_found() -> None:
    found = hits("8569Q", child(nfa_referral(referral_date="2022-03-30")))
    assert found == [Hit("ReferralNFA", EPISODE_LINE)]
    # Counting working days, 27 March 2024 is before the cut-off although only five calendar days go by.
    assert hits("8569Q", child(nfa_referral(referral_date="2024-03-27")), 2025) == [
        Hit("ReferralNFA", EPISODE_LINE)
    ]


def test_8569q_old_referral_that_led_to_action_passes() -> None:
    assert hits("8569Q", child(episode(referral_date="2020-01-06"))) == []


# --- 8585Q closed as died without a date of death -------------------------------------------------------


def test_8585q_rc2_with_date_of_death_passes() -> None:
    assert hits("8585Q", child(closed_episode(closure_reason="RC2"), death_date="2022-07-28")) == []


def test_8585q_rc2_without_date_of_death_is_found() -> None:
    found = hits("8585Q", child(closed_episode(closure_reason="RC2")))
    assert found == [Hit("ReasonForClosure", EPISODE_LINE)]


# --- 8600 referral date missing or after the collection --------------------------------------------------


def test_8600_referral_on_the_reference_date_passes() -> None:
    assert hits("8600", child(episode(referral_date="2023-03-31"))) == []


@pytest.mark.parametrize("referral", ["2023-04-01", None, "", "2023-02-30"])
def test_8600_referral_missing_unreadable_or_late_is_found(referral: str | None) -> None:
    assert hits("8600", child(episode(referral_date=referral))) == [Hit("CINreferralDate", EPISODE_LINE)]


# --- 8606 referral more than 40 weeks before birth -------------------------------------------------------


def test_8606_referral_280_days_before_expected_birth_passes() -> None:
    unborn = child(episode(referral_date="2022-06-01"), birth_date=None, expected_birth_date="2023-03-08")
    assert hits("8606", unborn) == []


def test_8606_referral_281_days_before_birth_is_found() -> None:
    found = hits("8606", child(episode(referral_date="2022-05-31"), birth_date="2023-03-08"))
    assert found == [Hit("CINreferralDate", EPISODE_LINE)]


# --- 8610 primary need missing for further action ------------------------------------------------------


def test_8610_nfa_referral_needs_no_primary_need() -> None:
    assert hits("8610", child(nfa_referral())) == []


@pytest.mark.parametrize("need", [None, " "])
def test_8610_further_action_without_primary_need_is_found(need: str | None) -> None:
    assert hits("8610", child(episode(primary_need=need))) == [Hit("PrimaryNeedCode", EPISODE_LINE)]


# --- 8620 closure date outside the census year ---------------------------------------------------------


@pytest.mark.parametrize("closure", ["2022-03-31", "2022-04-01", "2023-03-31"])
def test_8620_closure_within_the_year_passes(closure: str) -> None:
    # 31 March of the previous year is accepted as DfE's own tool does (CensusYear.in_period).
    assert hits("8620", child(closed_episode(referral_date="2022-01-10", closure_date=closure))) == []


@pytest.mark.parametrize("closure", ["2022-03-30", "2023-04-01", "31/07/2022"])
def test_8620_closure_outside_the_year_or_unreadable_is_found(closure: str) -> None:
    found = hits("8620", child(closed_episode(referral_date="2022-01-10", closure_date=closure)))
    assert found == [Hit("CINclosureDate", EPISODE_LINE)]


# --- 8630 closed before referred ----------------------------------------------------------------------


def test_8630_closed_on_referral_day_passes() -> None:
    assert hits("8630", child(closed_episode(referral_date="2022-07-29"))) == []


def test_8630_closed_before_referral_is_found() -> None:
    found = hits("8630", child(closed_episode(referral_date="2022-07-30")))
    assert found == [Hit("CINclosureDate", EPISODE_LINE)]


# --- 8640 reason for closure code ---------------------------------------------------------------------


def test_8640_rc9_is_valid_from_the_2022_23_census() -> None:
    assert hits("8640", child(closed_episode(closure_reason="RC9")), 2023) == []


def test_8640_rc9_is_not_a_code_before_the_2022_23_census() -> None:
    found = hits("8640", child(closed_episode(closure_reason="RC9")), 2022)
    assert found == [Hit("ReasonForClosure", EPISODE_LINE)]


@pytest.mark.parametrize("reason", ["RC0", "RC10", "rc7"])
def test_8640_unknown_reason_is_found(reason: str) -> None:
    assert hits("8640", child(closed_episode(closure_reason=reason))) == [
        Hit("ReasonForClosure", EPISODE_LINE)
    ]


# --- 8650 primary need code -----------------------------------------------------------------------------


@pytest.mark.parametrize("need", ["N0", "N9", " N4 "])
def test_8650_known_primary_need_passes(need: str) -> None:
    assert hits("8650", child(episode(primary_need=need))) == []


@pytest.mark.parametrize("need", ["N10", "1", "n1"])
def test_8650_unknown_primary_need_is_found(need: str) -> None:
    assert hits("8650", child(episode(primary_need=need))) == [Hit("PrimaryNeedCode", EPISODE_LINE)]


# --- 8805 / 8810 closure date and reason go together --------------------------------------------------


def test_8805_and_8810_pass_when_both_or_neither_are_given() -> None:
    both_and_neither = child(closed_episode(), episode(referral_date="2022-09-01"))
    assert hits("8805", both_and_neither) == []
    assert hits("8810", both_and_neither) == []


def test_8805_closure_date_without_reason_is_found() -> None:
    found = hits("8805", child(closed_episode(closure_reason="")))
    assert found == [Hit("ReasonForClosure", EPISODE_LINE)]


def test_8810_reason_without_closure_date_is_found() -> None:
    found = hits("8810", child(episode(closure_reason="RC7")))
    assert found == [Hit("CINclosureDate", EPISODE_LINE)]


# --- 8815 / 8816 open episodes -------------------------------------------------------------------------


def test_8815_one_open_case_and_open_nfa_referrals_pass() -> None:
    assert (
        hits("8815", child(nfa_referral(line=30), episode(referral_date="2022-10-03"), nfa_referral())) == []
    )


def test_8815_two_open_cases_are_both_found() -> None:
    found = hits("8815", child(episode(line=30), episode(referral_date="2022-10-03", line=40)))
    assert found == [Hit("CINclosureDate", 30), Hit("CINclosureDate", 40)]


def test_8816_open_case_with_the_latest_referral_passes() -> None:
    assert hits("8816", child(closed_episode(), episode(referral_date="2022-09-01"))) == []


def test_8816_open_case_older_than_a_later_referral_is_found() -> None:
    found = hits(
        "8816", child(episode(referral_date="2022-06-01", line=30), nfa_referral(referral_date="2022-11-01"))
    )
    assert found == [Hit("CINreferralDate", 30)]


# --- 8820 overlapping episodes -------------------------------------------------------------------------


def test_8820_next_referral_on_the_closure_day_passes() -> None:
    back_to_back = child(closed_episode(closure_date="2022-07-29"), episode(referral_date="2022-07-29"))
    assert hits("8820", back_to_back) == []


def test_8820_referral_inside_a_closed_episode_is_found() -> None:
    overlapping = child(closed_episode(line=30), episode(referral_date="2022-07-01", line=40))
    assert hits("8820", overlapping) == [Hit("CINreferralDate", 40)]


def test_8820_referral_during_an_open_case_is_found_but_not_during_an_open_nfa_referral() -> None:
    open_case = child(
        episode(referral_date="2022-06-01", line=30), nfa_referral(referral_date="2022-09-01", line=40)
    )
    assert hits("8820", open_case) == [Hit("CINreferralDate", 40)]
    open_nfa = child(
        nfa_referral(referral_date="2022-06-01", line=30), episode(referral_date="2022-09-01", line=40)
    )
    assert hits("8820", open_nfa) == []


def test_episode_span_reads_open_cases_to_the_reference_date() -> None:
    year = census(2023)
    span = episode_span(episode(), year)
    assert span is not None and (span.start, span.end, span.closed) == (
        date(2022, 6, 1),
        date(2023, 3, 31),
        False,
    )
    assert episode_span(nfa_referral(), year) is None
    assert episode_span(episode(referral_date="not a date"), year) is None


# --- 8825Q closed after assessment without one ------------------------------------------------------


def test_8825q_rc8_with_an_assessment_passes() -> None:
    assert hits("8825Q", child(closed_episode(closure_reason="RC8"))) == []


@pytest.mark.parametrize("reason", ["RC8", "RC9"])
def test_8825q_closed_after_assessment_without_one_is_found(reason: str) -> None:
    found = hits("8825Q", child(closed_episode(closure_reason=reason, assessments=[])))
    assert found == [Hit("ReasonForClosure", EPISODE_LINE)]


# --- 8831 activity on an NFA referral -----------------------------------------------------------------


def test_8831_nfa_referral_with_nothing_after_it_passes() -> None:
    assert hits("8831", child(nfa_referral())) == []


def test_8831_activity_on_an_nfa_referral_is_found_at_each_piece() -> None:
    busy = nfa_referral(
        assessments=[Assessment(start="2022-09-13", line=25)],
        section47s=[Section47(start="2022-09-14", line=30)],
        cin_plans=[CINPlan(start="2022-10-01", line=35)],
    )
    assert hits("8831", child(busy)) == [
        Hit("AssessmentActualStartDate", 25),
        Hit("CINPlanStartDate", 35),
        Hit("S47ActualStartDate", 30),
    ]


def test_8831_further_action_referral_may_have_activity() -> None:
    assert hits("8831", child(episode(section47s=[Section47(start="2022-06-03", line=30)]))) == []


def test_activity_after_referral_covers_every_kind_of_work() -> None:
    busy = nfa_referral(
        icpc_date="2022-10-01",
        assessments=[Assessment(line=1)],
        cin_plans=[CINPlan(line=2)],
        section47s=[Section47(line=3)],
        cp_plans=[ChildProtectionPlan(line=4)],
    )
    assert [hit.element for hit in activity_after_referral(busy)] == [
        "AssessmentActualStartDate",
        "CINPlanStartDate",
        "S47ActualStartDate",
        "DateOfInitialCPC",
        "CPPstartDate",
    ]


# --- 8866 referral source -----------------------------------------------------------------------------


def test_8866_5d_is_valid_from_the_2022_23_census() -> None:
    assert hits("8866", child(episode(referral_source="5D")), 2023) == []


def test_8866_5d_is_not_a_code_before_the_2022_23_census() -> None:
    found = hits("8866", child(episode(referral_date="2021-06-01", referral_source="5D")), 2022)
    assert found == [Hit("ReferralSource", EPISODE_LINE)]


@pytest.mark.parametrize("source", [None, "", "11", "1E"])
def test_8866_missing_or_unknown_source_is_found(source: str | None) -> None:
    assert hits("8866", child(episode(referral_source=source))) == [Hit("ReferralSource", EPISODE_LINE)]


def test_8866_referrals_before_april_2013_need_no_source() -> None:
    assert hits("8866", child(episode(referral_date="2013-03-28", referral_source=None))) == []


# --- 8867 / 8868 closed episode with open parts -------------------------------------------------------


def test_8867_closed_episode_with_completed_assessments_passes() -> None:
    assert hits("8867", child(closed_episode())) == []
    # An open episode may have an open assessment.
    assert hits("8867", child(episode())) == []


def test_8867_closed_episode_with_an_open_assessment_is_found() -> None:
    open_assessment = Assessment(start="2022-05-04", line=26)
    found = hits("8867", child(closed_episode(assessments=[open_assessment])))
    assert found == [Hit("AssessmentAuthorisationDate", 26)]


def test_8868_closed_episode_with_completed_enquiries_passes() -> None:
    enquiries = [
        Section47(start="2022-05-05", icpc_date="2022-05-20", icpc_not_required="false", line=30),
        Section47(start="2022-06-05", icpc_not_required="1", line=35),
    ]
    assert hits("8868", child(closed_episode(section47s=enquiries))) == []


def test_8868_closed_episode_with_an_open_enquiry_is_found() -> None:
    enquiry = Section47(start="2022-05-05", icpc_not_required="false", line=30)
    assert hits("8868", child(closed_episode(section47s=[enquiry]))) == [Hit("DateOfInitialCPC", 30)]


# --- 8890 section 47 starting during another ---------------------------------------------------------


def test_8890_enquiries_one_after_another_pass() -> None:
    enquiries = [
        Section47(start="2022-06-03", icpc_date="2022-06-20", line=30),
        Section47(start="2022-06-21", icpc_not_required="true", line=35),
        Section47(start="2022-08-01", icpc_not_required="true", line=40),
    ]
    assert hits("8890", child(episode(section47s=enquiries))) == []


def test_8890_enquiry_starting_on_another_s_icpc_day_is_found() -> None:
    enquiries = [
        Section47(start="2022-06-03", icpc_date="2022-06-20", line=30),
        Section47(start="2022-06-20", icpc_not_required="true", line=35),
    ]
    assert hits("8890", child(episode(section47s=enquiries))) == [Hit("S47ActualStartDate", 35)]


def test_8890_enquiry_starting_while_another_is_ongoing_is_found() -> None:
    enquiries = [
        Section47(start="2022-06-03", icpc_not_required="false", line=30),
        Section47(start="2023-01-10", icpc_not_required="true", line=35),
    ]
    assert hits("8890", child(episode(section47s=enquiries))) == [Hit("S47ActualStartDate", 35)]


def test_8890_compares_enquiries_within_one_episode_only() -> None:
    first = closed_episode(section47s=[Section47(start="2022-05-05", icpc_not_required="false", line=30)])
    second = episode(referral_date="2022-09-01", section47s=[Section47(start="2022-09-02", line=40)])
    assert hits("8890", child(first, second)) == []


def test_starts_during_another_ignores_periods_without_dates() -> None:
    june, july = date(2022, 6, 1), date(2022, 7, 1)
    assert list(starts_during_another([(june, july), (july, None), (None, july)])) == [1]
    assert list(starts_during_another([(june, None), (june, None)])) == []
