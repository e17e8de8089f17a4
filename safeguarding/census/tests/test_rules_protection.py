"""The ChildProtectionPlans and Reviews rules, each with children that pass and children that fail
(synthetic data only).

The 2022-23 census runs from 1 April 2022 to the reference date, Friday 31 March 2023.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Section47,
)
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import CensusYear, Hit, Severity
from safeguarding.census.tests.rules_support import hits, return_hits, rule
from safeguarding.core.calendar import WorkingCalendar

YEAR = CensusYear(2023, WorkingCalendar())


def plan(
    start: str | None = "2022-06-20",
    end: str | None = None,
    reviews: list[str | None] | None = None,
    line: int = 40,
    **fields: str,
) -> ChildProtectionPlan:
    """A plan valid in every way the rules check, starting at the conference of ``episode()`` below."""
    values: dict[str, str] = {"initial_category": "NEG", "latest_category": "NEG", "number_of_previous": "0"}
    values.update(fields)
    return ChildProtectionPlan(
        start=start,
        end=end,
        has_reviews_element=reviews is not None,
        review_dates=reviews or [],
        line=line,
        **values,
    )


def episode(*plans: ChildProtectionPlan, **fields: Any) -> CINDetails:
    """A further-action episode referred on 3 May 2022 whose enquiry led to a conference on 20 June 2022."""
    conference = Section47(start="2022-06-01", icpc_date="2022-06-20", icpc_not_required="false", line=30)
    base = CINDetails(
        referral_date="2022-05-03",
        referral_nfa="false",
        section47s=[conference],
        cp_plans=list(plans),
        line=10,
    )
    return dataclasses.replace(base, **fields)


def child(*episodes: CINDetails, death: str | None = None) -> ChildRecord:
    return ChildRecord(la_child_id="TestChild1", death_date=death, cin_details=list(episodes), line=1)


def test_every_plan_and_review_rule_is_registered_with_its_dfe_code_and_type() -> None:
    plan_codes = {found.code for found in ruleset(2023) if found.module == "ChildProtectionPlans"}
    review_codes = {found.code: found.type for found in ruleset(2023) if found.module == "Reviews"}
    assert plan_codes == {
        "1105", "2883", "2885", "8565", "8720", "8730", "8832", "8840", "8841",
        "8905", "8910", "8915", "8920", "8925", "8930", "8935", "8940",
    }  # fmt: skip
    assert review_codes == {"4003": Severity.ERROR, "8842Q": Severity.QUERY}
    assert (
        rule("8915").message == "Child Protection Plan shown as starting after the child\u2019s Date of Death"
    )


def test_a_well_formed_plan_passes_every_child_rule() -> None:
    good = child(episode(plan(end="2023-01-10", reviews=["2022-09-15", "2023-01-10"])))
    for found in ruleset(2023):
        if found.module in {"ChildProtectionPlans", "Reviews"} and found.child_check is not None:
            assert list(found.child_check(good, YEAR)) == [], found.code


# 1105: plan before the referral


def test_1105_plan_starting_before_referral_is_an_error() -> None:
    assert hits("1105", child(episode(plan(start="2022-05-02")))) == [Hit("CPPstartDate", 40)]


def test_1105_plan_starting_after_referral_passes() -> None:
    assert hits("1105", child(episode(plan(start="2022-05-03")))) == []


# 2883: more plans starting than conferences held, across the whole return


def test_2883_more_plans_than_conferences_in_the_year_is_reported_for_the_return() -> None:
    # One conference (on the enquiry), two plans starting in the year.
    two_plans = child(episode(plan(end="2022-08-01"), plan(start="2022-09-01", line=41)))
    assert return_hits("2883", [two_plans]) == [(None, Hit("CPPstartDate"))]


def test_2883_conferences_on_enquiries_and_episodes_are_both_counted() -> None:
    # Each child: the enquiry's conference (20 June) and a second one recorded on another episode.
    second = CINDetails(referral_date="2022-10-01", referral_nfa="false", icpc_date="2022-10-20", line=50)
    second.cp_plans.append(plan(start="2022-10-20", line=51))
    children = [child(episode(plan(end="2022-08-01")), second) for _ in range(3)]
    assert return_hits("2883", children) == []


def test_2883_plans_starting_before_the_year_are_not_counted() -> None:
    older = child(episode(plan(start="2021-06-20"), plan(start="2022-06-20", line=41)))
    assert return_hits("2883", [older]) == []


# 2885: plan starts on the day of its conference


def test_2885_plan_not_starting_on_a_conference_day_is_an_error() -> None:
    assert hits("2885", child(episode(plan(start="2022-06-21")))) == [Hit("CPPstartDate", 40)]
    assert hits("2885", child(episode(plan(start="2022-06-20"), section47s=[]))) == [Hit("CPPstartDate", 40)]


def test_2885_plan_starting_on_the_enquiry_or_episode_conference_passes() -> None:
    on_episode = episode(plan(start="2022-07-04"), section47s=[], icpc_date="2022-07-04")
    assert hits("2885", child(episode(plan(start="2022-06-20")))) == []
    assert hits("2885", child(on_episode)) == []
    # A plan that started before the census year is not checked.
    assert hits("2885", child(episode(plan(start="2022-03-01"), referral_date="2022-01-10"))) == []


# 8565: activity after the episode closed


def test_8565_activity_dated_after_closure_is_an_error_at_each_element() -> None:
    closed = episode(
        plan(end="2022-11-01"),
        closure_date="2022-10-01",
        closure_reason="RC7",
        assessments=[Assessment(start="2022-05-04", authorised="2022-10-03", line=20)],
        cin_plans=[CINPlan(start="2022-11-01", line=25)],
    )
    assert hits("8565", child(closed)) == [
        Hit("AssessmentAuthorisationDate", 20),
        Hit("CPPendDate", 40),
        Hit("CINPlanStartDate", 25),
    ]


def test_8565_activity_on_or_before_closure_passes() -> None:
    closed = episode(plan(end="2022-10-01"), closure_date="2022-10-01")
    assert hits("8565", child(closed)) == []
    assert hits("8565", child(episode(plan(end="2022-11-01")))) == []


# 8720: plan start present and not after the reference date


def test_8720_missing_or_future_start_is_an_error() -> None:
    for start in (None, "", "2023-04-01"):
        assert hits("8720", child(episode(plan(start=start)))) == [Hit("CPPstartDate", 40)], start


def test_8720_start_in_the_year_or_earlier_passes() -> None:
    assert hits("8720", child(episode(plan(start="2020-01-06"), referral_date="2019-12-01"))) == []


# 8730: number of previous plans


def test_8730_missing_or_not_a_count_is_an_error() -> None:
    for count in ("", "-1", "two", "1.5"):
        assert hits("8730", child(episode(plan(number_of_previous=count)))) == [
            Hit("NumberOfPreviousCPP", 40)
        ]
    missing = plan()
    missing.number_of_previous = None
    assert hits("8730", child(episode(missing))) == [Hit("NumberOfPreviousCPP", 40)]


def test_8730_zero_or_more_passes() -> None:
    assert hits("8730", child(episode(plan(number_of_previous="0"), plan(number_of_previous=" 3 ")))) == []


# 8832: plan on a referral with no further action


def test_8832_plan_on_nfa_referral_is_an_error() -> None:
    assert hits("8832", child(episode(plan(), referral_nfa="true"))) == [Hit("ChildProtectionPlans", 40)]


def test_8832_plan_on_further_action_referral_passes() -> None:
    assert hits("8832", child(episode(plan()))) == []


# 8840: starts and ends the same day


def test_8840_same_day_start_and_end_is_an_error() -> None:
    assert hits("8840", child(episode(plan(end="2022-06-20")))) == [Hit("CPPendDate", 40)]


def test_8840_different_days_pass() -> None:
    assert hits("8840", child(episode(plan(end="2022-06-21")))) == []


# 8841: review after the plan started


def test_8841_review_on_or_before_the_start_is_an_error_once_per_review() -> None:
    early = plan(reviews=["2022-06-20", "2022-06-01", "2022-09-15"])
    assert hits("8841", child(episode(early))) == [Hit("CPPreviewDate", 40), Hit("CPPreviewDate", 40)]


def test_8841_reviews_after_the_start_pass() -> None:
    assert hits("8841", child(episode(plan(reviews=["2022-06-21"])))) == []


# 8905 and 8910: categories of abuse


def test_8905_and_8910_missing_or_unknown_category_is_an_error() -> None:
    for code in ("", "ABC", "neg", "NEGLECT"):
        assert hits("8905", child(episode(plan(initial_category=code)))) == [
            Hit("InitialCategoryOfAbuse", 40)
        ]
        assert hits("8910", child(episode(plan(latest_category=code)))) == [Hit("LatestCategoryOfAbuse", 40)]


def test_8905_and_8910_every_census_category_passes() -> None:
    plans = [
        plan(initial_category=code, latest_category=code) for code in ("NEG", "PHY", "SAB", "EMO", "MUL")
    ]
    assert hits("8905", child(episode(*plans))) == []
    assert hits("8910", child(episode(*plans))) == []


# 8915 and 8920: plan dates and the child's death


def test_8915_and_8920_plan_starting_or_ending_after_death_is_an_error() -> None:
    assert hits("8915", child(episode(plan()), death="2022-06-19")) == [Hit("CPPstartDate", 40)]
    assert hits("8920", child(episode(plan(end="2022-09-01")), death="2022-08-31")) == [Hit("CPPendDate", 40)]


def test_8915_and_8920_plan_ending_on_the_day_of_death_or_no_death_passes() -> None:
    assert hits("8915", child(episode(plan(end="2022-08-31")), death="2022-08-31")) == []
    assert hits("8920", child(episode(plan(end="2022-08-31")), death="2022-08-31")) == []
    assert hits("8920", child(episode(plan(end="2022-08-31")))) == []


# 8925: end before start


def test_8925_end_before_start_is_an_error() -> None:
    assert hits("8925", child(episode(plan(end="2022-06-19")))) == [Hit("CPPendDate", 40)]


def test_8925_end_after_start_passes() -> None:
    assert hits("8925", child(episode(plan(end="2022-06-21")))) == []


# 8930: end within the census year


def test_8930_end_outside_the_year_is_an_error() -> None:
    assert hits("8930", child(episode(plan(end="2023-04-03")))) == [Hit("CPPendDate", 40)]
    older = episode(plan(start="2021-06-20", end="2022-03-30"), referral_date="2021-05-03")
    assert hits("8930", child(older)) == [Hit("CPPendDate", 40)]


def test_8930_end_in_the_year_or_on_31_march_before_it_passes() -> None:
    older = episode(plan(start="2021-06-20", end="2022-03-31"), referral_date="2021-05-03")
    assert hits("8930", child(older)) == []
    assert hits("8930", child(episode(plan(end="2023-03-31")))) == []


# 8935: more than one open plan


def test_8935_two_open_plans_across_episodes_are_reported_once() -> None:
    later = episode(plan(start="2022-12-01", line=70), referral_date="2022-11-01")
    assert hits("8935", child(episode(plan()), later)) == [Hit("CPPendDate", 70)]


def test_8935_one_open_plan_passes() -> None:
    assert hits("8935", child(episode(plan(end="2022-11-01"), plan(start="2022-12-01", line=41)))) == []


# 8940: overlapping plans


def test_8940_plan_starting_inside_or_on_the_end_of_another_is_an_error() -> None:
    inside = episode(plan(end="2022-12-01"), plan(start="2022-10-01", line=41))
    on_end = episode(plan(end="2022-12-01"), plan(start="2022-12-01", line=41))
    assert hits("8940", child(inside)) == [Hit("CPPstartDate", 41)]
    assert hits("8940", child(on_end)) == [Hit("CPPstartDate", 41)]


def test_8940_consecutive_plans_pass() -> None:
    assert hits("8940", child(episode(plan(end="2022-12-01"), plan(start="2022-12-02", line=41)))) == []


# 4003: a review held while a CIN plan is open


def test_4003_review_during_a_cin_plan_is_an_error() -> None:
    # The CIN plan is in another episode: the check looks across all of the child's episodes.
    cp = episode(plan(end="2023-02-01", reviews=["2022-09-15", "2023-01-10"]))
    cin = CINDetails(referral_date="2022-12-01", cin_plans=[CINPlan(start="2023-01-02", line=60)], line=55)
    assert hits("4003", child(cp, cin)) == [Hit("CPPreviewDate", 40)]


def test_4003_review_ending_the_plan_on_the_day_the_cin_plan_starts_passes() -> None:
    step_down = episode(
        plan(end="2022-12-01", reviews=["2022-09-15", "2022-12-01"]),
        cin_plans=[CINPlan(start="2022-12-01", line=25)],
    )
    ended_cin = episode(
        plan(reviews=["2022-09-15"]),
        cin_plans=[CINPlan(start="2022-05-10", end="2022-06-20", line=25)],
    )
    assert hits("4003", child(step_down)) == []
    assert hits("4003", child(ended_cin)) == []


# 8842Q: a review with no date


def test_8842q_review_without_a_date_is_a_query() -> None:
    cases: list[list[str | None]] = [[None], [""], ["2022-09-31"], []]
    for reviews in cases:
        assert hits("8842Q", child(episode(plan(reviews=reviews)))) == [Hit("CPPreviewDate", 40)], reviews


def test_8842q_dated_reviews_or_no_reviews_block_pass() -> None:
    assert (
        hits("8842Q", child(episode(plan(reviews=["2022-09-15"]), plan(start="2022-06-20", line=41)))) == []
    )
