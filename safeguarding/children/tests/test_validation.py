"""The date checks the forms show and the service enforces, one kind of record at a time."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.children.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    CPReview,
    EarlyHelpRequest,
    ExploitationScreening,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.children.tests.support import full_journey, london, make_child, make_episode
from safeguarding.children.validation import date_problems

pytestmark = pytest.mark.django_db
TODAY = date(2024, 1, 15)


def _problems(record: object) -> dict[str, str]:
    return date_problems(record, today=TODAY)  # type: ignore[arg-type]


def test_a_closed_episode_needs_a_reason_and_a_closure_on_or_after_the_referral() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    episode.closure_date = date(2023, 4, 2)
    problems = _problems(episode)
    assert (
        problems["closure_date"]
        == "The closure date must be on or after the referral date (Monday 3 April 2023)"
    )
    assert problems["closure_reason"] == "Enter both the closure date and the reason for closure, or neither"
    episode.closure_date, episode.closure_reason = date(2023, 5, 2), "RC7"
    assert _problems(episode) == {}


def test_an_assessment_cannot_start_before_the_referral_or_end_before_it_started() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    early = Assessment(episode=episode, start_date=date(2023, 4, 1))
    assert "before the referral date" in _problems(early)["start_date"]
    backwards = Assessment(episode=episode, start_date=date(2023, 4, 5), authorisation_date=date(2023, 4, 4))
    assert _problems(backwards) == {
        "authorisation_date": "The assessment cannot be authorised before it started (Wednesday 5 April 2023)"
    }
    assert (
        _problems(
            Assessment(episode=episode, start_date=date(2023, 4, 5), authorisation_date=date(2023, 4, 5))
        )
        == {}
    )


def test_no_factors_identified_cannot_be_chosen_with_another_factor() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    assert "factors" in _problems(
        Assessment(episode=episode, start_date=date(2023, 4, 3), factors=["21", "2B"])
    )
    assert _problems(Assessment(episode=episode, start_date=date(2023, 4, 3), factors=["21"])) == {}


def test_section_47_dates_follow_the_strategy_discussion_and_a_conference_is_on_a_weekday() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    enquiry = Section47(
        episode=episode,
        strategy_discussion_date=date(2023, 4, 20),
        start_date=date(2023, 4, 19),
        icpc_date=date(2023, 5, 13),  # a Saturday
    )
    problems = _problems(enquiry)
    assert "strategy discussion" in problems["start_date"]
    assert problems["icpc_date"] == "The initial conference cannot be on a Saturday or Sunday"
    ruled_out = Section47(
        episode=episode, start_date=date(2023, 4, 20), icpc_date=date(2023, 5, 2), icpc_not_required=True
    )
    assert "no conference was required" in _problems(ruled_out)["icpc_date"]


def test_plans_end_after_they_start_and_reviews_fall_inside_the_plan() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    assert "end_date" in _problems(
        CINPlan(episode=episode, start_date=date(2023, 5, 1), end_date=date(2023, 4, 30))
    )
    same_day = ChildProtectionPlan(
        episode=episode,
        start_date=date(2023, 5, 1),
        end_date=date(2023, 5, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    assert "must end after the day it started" in _problems(same_day)["end_date"]
    plan = ChildProtectionPlan.objects.create(
        episode=episode,
        start_date=date(2023, 5, 1),
        end_date=date(2023, 9, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    assert (
        "after the day the plan started"
        in _problems(CPReview(plan=plan, review_date=date(2023, 5, 1)))["review_date"]
    )
    assert (
        "after the plan ended" in _problems(CPReview(plan=plan, review_date=date(2023, 9, 2)))["review_date"]
    )
    assert _problems(CPReview(plan=plan, review_date=date(2023, 8, 1))) == {}


def test_early_help_dates_follow_the_request() -> None:
    record = EarlyHelpRequest(
        child=make_child(),
        requested_on=date(2023, 6, 1),
        assessment_start_date=date(2023, 5, 30),
        assessment_completion_date=date(2023, 5, 29),
        closure_date=date(2023, 7, 1),
    )
    problems = _problems(record)
    assert set(problems) == {"assessment_start_date", "assessment_completion_date", "closure_reason"}


def test_a_placement_lies_within_its_period_of_care() -> None:
    period = full_journey(make_child())["period"]
    assert (
        "before the child became looked after"
        in _problems(Placement(period=period, start_date=date(2023, 8, 31), placement_type="U6"))[
            "start_date"
        ]
    )


def test_missing_episode_return_and_return_home_conversation_are_in_order() -> None:
    record = MissingEpisode(
        child=make_child(),
        started_at=london(2023, 10, 6, 21, 0),
        returned_at=london(2023, 10, 6, 20, 0),
        rhc_offered_date=date(2023, 10, 5),
    )
    problems = _problems(record)
    assert problems["returned_at"] == "The child cannot have returned before they went missing"
    assert "before the child returned" in problems["rhc_offered_date"]
    not_back = MissingEpisode(
        child=make_child(), started_at=london(2023, 10, 6, 21, 0), rhc_held_date=date(2023, 10, 9)
    )
    assert "Enter when the child returned" in _problems(not_back)["rhc_held_date"]


def test_dates_of_things_done_cannot_be_in_the_future_but_a_target_can() -> None:
    screening = ExploitationScreening(
        child=make_child(), screening_date=date(2024, 1, 16), exploitation_type="sexual", risk_level="at_risk"
    )
    assert _problems(screening) == {"screening_date": "The screening date must be today or in the past"}
    episode = make_episode(make_child(), date(2024, 1, 10))
    assert (
        _problems(
            Section47(episode=episode, start_date=date(2024, 1, 10), icpc_target_date=date(2024, 1, 31))
        )
        == {}
    )
