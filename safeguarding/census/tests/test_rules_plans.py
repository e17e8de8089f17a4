"""The CINplanDates rules, each with children that pass and children that fail (synthetic data only).

The 2022-23 census runs from 1 April 2022 to the reference date, Friday 31 March 2023.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from safeguarding.census.records import ChildProtectionPlan, ChildRecord, CINDetails, CINPlan
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import Hit, Severity
from safeguarding.census.tests.rules_support import hits, rule


def episode(*plans: CINPlan, cp_plans: list[ChildProtectionPlan] | None = None, **fields: Any) -> CINDetails:
    """A further-action episode referred on 3 May 2022, holding the given plans."""
    base = CINDetails(
        referral_date="2022-05-03",
        referral_nfa="false",
        cin_plans=list(plans),
        cp_plans=cp_plans or [],
        line=10,
    )
    return dataclasses.replace(base, **fields)


def child(*episodes: CINDetails) -> ChildRecord:
    return ChildRecord(la_child_id="TestChild1", cin_details=list(episodes), line=1)


def cin_plan(start: str | None, end: str | None = None, line: int = 20) -> CINPlan:
    return CINPlan(start=start, end=end, line=line)


def cp_plan(start: str, end: str | None = None, line: int = 40) -> ChildProtectionPlan:
    return ChildProtectionPlan(start=start, end=end, line=line)


def test_every_cin_plan_rule_is_registered_with_its_dfe_code_and_type() -> None:
    codes = {found.code: found.type for found in ruleset(2023) if found.module == "CINplanDates"}
    assert codes == {
        "4000": Severity.ERROR,
        "4001": Severity.ERROR,
        "4004": Severity.ERROR,
        "4010": Severity.ERROR,
        "4011": Severity.ERROR,
        "4012Q": Severity.QUERY,
        "4013": Severity.ERROR,
        "4014": Severity.ERROR,
        "4015": Severity.ERROR,
        "4016": Severity.ERROR,
        "4017": Severity.ERROR,
    }
    assert (
        rule("4017").message
        == "A CIN Plan has been reported as open at the same time as a Child Protection Plan."
    )


# 4000: CIN plan on a referral with no further action


def test_4000_cin_plan_on_nfa_referral_is_an_error() -> None:
    nfa = episode(cin_plan("2022-06-01", line=21), referral_nfa="true")
    assert hits("4000", child(nfa)) == [Hit("CINPlanDates", 21)]
    assert hits("4000", child(episode(cin_plan("2022-06-01"), referral_nfa="1"))) == [Hit("CINPlanDates", 20)]


def test_4000_cin_plan_on_further_action_referral_or_nfa_without_plan_passes() -> None:
    assert hits("4000", child(episode(cin_plan("2022-06-01")))) == []
    assert hits("4000", child(episode(referral_nfa="true"))) == []


# 4001: an open CIN plan beside an open child protection plan


def test_4001_open_cin_plan_and_open_cp_plan_in_different_episodes_is_an_error() -> None:
    first = episode(cp_plans=[cp_plan("2022-06-01")])
    second = episode(cin_plan("2022-09-01", line=70), referral_date="2022-08-01")
    assert hits("4001", child(first, second)) == [Hit("CINPlanEndDate", 70)]


def test_4001_passes_when_either_plan_has_ended() -> None:
    ended_cin = episode(cin_plan("2022-05-10", "2022-05-31"), cp_plans=[cp_plan("2022-06-01")])
    ended_cp = episode(cin_plan("2022-09-01"), cp_plans=[cp_plan("2022-06-01", "2022-09-01")])
    assert hits("4001", child(ended_cin)) == []
    assert hits("4001", child(ended_cp)) == []


# 4004: more than one open CIN plan


def test_4004_two_open_cin_plans_are_reported_once_at_the_second() -> None:
    first = episode(cin_plan("2022-06-01", line=20))
    second = episode(cin_plan("2022-09-01", line=60), referral_date="2022-08-01")
    assert hits("4004", child(first, second)) == [Hit("CINPlanEndDate", 60)]


def test_4004_one_open_and_one_ended_cin_plan_pass() -> None:
    plans = episode(cin_plan("2022-05-10", "2022-06-30"), cin_plan("2022-09-01", ""))
    assert hits("4004", child(plans)) == []


# 4010: start missing or after the reference date


def test_4010_missing_unreadable_or_future_start_is_an_error() -> None:
    for start in (None, "", "2023-02-30", "2023-04-01"):
        assert hits("4010", child(episode(cin_plan(start)))) == [Hit("CINPlanStartDate", 20)], start


def test_4010_start_in_the_year_or_an_earlier_year_passes() -> None:
    assert hits("4010", child(episode(cin_plan("2023-03-31")))) == []
    assert hits("4010", child(episode(cin_plan("2020-06-01"), referral_date="2020-05-01"))) == []


# 4011: end before start


def test_4011_end_before_start_is_an_error() -> None:
    assert hits("4011", child(episode(cin_plan("2022-06-10", "2022-06-09")))) == [Hit("CINPlanEndDate", 20)]


def test_4011_end_after_start_or_no_end_passes() -> None:
    assert hits("4011", child(episode(cin_plan("2022-06-10", "2022-06-11"), cin_plan("2022-07-01")))) == []


# 4012Q: starts and ends on the same day


def test_4012q_same_day_start_and_end_is_a_query() -> None:
    assert hits("4012Q", child(episode(cin_plan("2022-06-10", "2022-06-10")))) == [Hit("CINPlanEndDate", 20)]
    assert rule("4012Q").type is Severity.QUERY


def test_4012q_different_days_pass() -> None:
    assert hits("4012Q", child(episode(cin_plan("2022-06-10", "2022-06-11")))) == []


# 4013: end date within the census year


def test_4013_end_outside_the_census_year_is_an_error() -> None:
    for end in ("2022-03-30", "2023-04-01"):
        plan = cin_plan("2021-06-01", end)
        assert hits("4013", child(episode(plan, referral_date="2021-05-01"))) == [
            Hit("CINPlanEndDate", 20)
        ], end


def test_4013_end_in_the_year_or_on_31_march_before_it_passes() -> None:
    # DfE's tool accepts 31 March of the previous year as inside the period (CensusYear.in_period).
    for end in ("2022-03-31", "2022-04-01", "2023-03-31", None):
        assert hits("4013", child(episode(cin_plan("2021-06-01", end), referral_date="2021-05-01"))) == [], (
            end
        )


# 4014: overlapping CIN plans


def test_4014_a_plan_starting_inside_or_on_the_end_of_another_is_an_error() -> None:
    inside = episode(
        cin_plan("2022-05-10", "2022-08-31", line=20), cin_plan("2022-07-01", "2022-12-01", line=21)
    )
    on_end = episode(cin_plan("2022-05-10", "2022-08-31", line=20), cin_plan("2022-08-31", line=21))
    assert hits("4014", child(inside)) == [Hit("CINPlanStartDate", 21)]
    assert hits("4014", child(on_end)) == [Hit("CINPlanStartDate", 21)]


def test_4014_a_plan_starting_after_an_open_plan_overlaps_it() -> None:
    first = episode(cin_plan("2022-05-10", line=20))
    second = episode(cin_plan("2023-01-10", "2023-02-01", line=61), referral_date="2023-01-02")
    assert hits("4014", child(first, second)) == [Hit("CINPlanStartDate", 61)]


def test_4014_two_plans_starting_the_same_day_are_both_reported() -> None:
    twins = episode(
        cin_plan("2022-06-01", "2022-07-01", line=20), cin_plan("2022-06-01", "2022-07-01", line=21)
    )
    assert hits("4014", child(twins)) == [Hit("CINPlanStartDate", 20), Hit("CINPlanStartDate", 21)]


def test_4014_consecutive_plans_pass() -> None:
    plans = episode(cin_plan("2022-05-10", "2022-08-31"), cin_plan("2022-09-01"))
    assert hits("4014", child(plans)) == []


# 4015: CIN plan before the referral


def test_4015_plan_starting_before_its_referral_is_an_error() -> None:
    assert hits("4015", child(episode(cin_plan("2022-05-02")))) == [Hit("CINPlanStartDate", 20)]


def test_4015_plan_starting_on_the_referral_date_passes() -> None:
    assert hits("4015", child(episode(cin_plan("2022-05-03")))) == []


# 4016 and 4017: a CIN plan and a child protection plan open at the same time, checked from each side


def test_4016_cin_plan_starting_during_a_cp_plan_is_an_error() -> None:
    during = episode(cin_plan("2022-07-01"), cp_plans=[cp_plan("2022-06-01", "2022-09-01")])
    on_cp_start = episode(
        cin_plan("2022-06-01", "2022-06-30"), cp_plans=[cp_plan("2022-06-01", "2022-09-01")]
    )
    after_open_cp = episode(cin_plan("2023-03-31"), cp_plans=[cp_plan("2022-06-01")])
    for case in (during, on_cp_start, after_open_cp):
        assert hits("4016", child(case)) == [Hit("CINPlanStartDate", 20)]


def test_4016_stepping_down_to_a_cin_plan_the_day_the_cp_plan_ends_passes() -> None:
    step_down = episode(cin_plan("2022-09-01"), cp_plans=[cp_plan("2022-06-01", "2022-09-01")])
    before = episode(cin_plan("2022-05-10", "2022-05-31"), cp_plans=[cp_plan("2022-06-01", "2022-09-01")])
    assert hits("4016", child(step_down)) == []
    assert hits("4016", child(before)) == []


def test_4017_cp_plan_starting_during_a_cin_plan_is_an_error() -> None:
    # The CP plan is in a later episode: the check looks across all of the child's episodes.
    cin = episode(cin_plan("2022-05-10"))
    cp = episode(cp_plans=[cp_plan("2022-11-01", line=90)], referral_date="2022-10-20")
    assert hits("4017", child(cin, cp)) == [Hit("CPPstartDate", 90)]


def test_4017_stepping_up_to_a_cp_plan_the_day_the_cin_plan_ends_passes() -> None:
    step_up = episode(cin_plan("2022-05-10", "2022-11-01"), cp_plans=[cp_plan("2022-11-01")])
    assert hits("4017", child(step_up)) == []
