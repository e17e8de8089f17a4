"""An export shows each child as they stood on the census reference date (census/as_at.py)."""

from __future__ import annotations

import pytest

from safeguarding.census.as_at import child_as_at
from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Section47,
)
from safeguarding.census.rules.base import CensusYear
from safeguarding.census.validation import CensusValidator
from safeguarding.core.calendar import current_calendar

pytestmark = pytest.mark.django_db  # the working-day calendar reads the local closure days


@pytest.fixture
def year() -> CensusYear:
    return CensusYear(2023, current_calendar())  # 2022-23: 1 April 2022 to 31 March 2023


def _child(**episode: object) -> ChildRecord:
    details = CINDetails(
        referral_date="2022-05-03", referral_source="2A", primary_need="N1", referral_nfa="false"
    )
    for name, value in episode.items():
        setattr(details, name, value)
    return ChildRecord(
        la_child_id="WS000001", birth_date="2015-03-02", sex="2", ethnicity="WBRI", cin_details=[details]
    )


def test_what_happened_after_31_march_is_left_out_and_shown_open(year: CensusYear) -> None:
    child = _child(
        closure_date="2023-05-02",
        closure_reason="RC7",
        assessments=[
            Assessment(start="2023-02-01", authorised="2023-04-20", has_factors_element=True, factors=["16A"])
        ],
        cin_plans=[CINPlan(start="2022-06-01", end="2023-06-01"), CINPlan(start="2023-04-05")],
        section47s=[Section47(start="2023-03-20", icpc_date="2023-04-06", icpc_not_required="false")],
        cp_plans=[
            ChildProtectionPlan(
                start="2022-07-01",
                end="2023-07-01",
                initial_category="NEG",
                latest_category="NEG",
                number_of_previous="0",
                has_reviews_element=True,
                review_dates=["2022-10-01", "2023-04-01"],
            )
        ],
    )
    episode = child_as_at(child, year).cin_details[0]
    assert (episode.closure_date, episode.closure_reason) == (None, None)
    assessment = episode.assessments[0]
    assert (assessment.authorised, assessment.factors, assessment.has_factors_element) == (None, [], False)
    assert [(p.start, p.end) for p in episode.cin_plans] == [("2022-06-01", None)]
    assert episode.section47s[0].icpc_date is None
    assert episode.cp_plans[0].end is None and episode.cp_plans[0].review_dates == ["2022-10-01"]


def test_what_was_finished_before_the_year_is_left_out(year: CensusYear) -> None:
    child = _child(
        referral_date="2021-11-01",
        assessments=[Assessment(start="2021-11-02", authorised="2021-12-10"), Assessment(start="2022-06-01")],
        cin_plans=[CINPlan(start="2021-12-10", end="2022-02-01")],
        section47s=[
            Section47(start="2021-11-03", icpc_date="2021-11-20", icpc_not_required="false"),
            Section47(start="2022-01-03", icpc_not_required="false"),  # no conference by the year's end
            Section47(start="2022-02-01", icpc_date="2022-04-04", icpc_not_required="false"),
        ],
        cp_plans=[
            ChildProtectionPlan(
                start="2021-11-20",
                end="2022-03-01",
                initial_category="PHY",
                latest_category="PHY",
                number_of_previous="0",
            )
        ],
    )
    episode = child_as_at(child, year).cin_details[0]
    assert [a.start for a in episode.assessments] == ["2022-06-01"]
    assert episode.cin_plans == [] and episode.cp_plans == []
    assert [s.start for s in episode.section47s] == ["2022-02-01"]  # its conference was in the year


def test_a_child_born_after_31_march_is_unborn_in_the_return(year: CensusYear) -> None:
    child = child_as_at(_child(), year)
    baby = child_as_at(
        ChildRecord(la_child_id="WS2", birth_date="2023-04-10", sex="1", ethnicity="WBRI"), year
    )
    assert (baby.birth_date, baby.expected_birth_date, baby.sex) == (None, "2023-04-10", "0")
    assert child.birth_date == "2015-03-02"


def test_unreadable_dates_are_kept_so_the_validator_still_reports_them(year: CensusYear) -> None:
    child = _child(closure_date="2023-13-45", closure_reason="RC7")
    kept = child_as_at(child, year)
    assert kept.cin_details[0].closure_date == "2023-13-45"
    validator = CensusValidator(year.year_end)
    assert any(f.element == "CINclosureDate" for f in validator.check_child(kept))
