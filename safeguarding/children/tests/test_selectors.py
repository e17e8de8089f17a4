"""Reading a child's journey: the timeline (every contact and episode, newest first), the open clocks with
overdue ones marked, and a fixed number of queries however long the journey."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.children.models import (
    Assessment,
    ChildProtectionPlan,
    CPReview,
    MissingEpisode,
    Section47,
)
from safeguarding.children.selectors import child_journey, child_open_clocks, child_timeline
from safeguarding.children.tests.support import full_journey, london, make_child, make_episode
from safeguarding.core.clocks import DeadlineState
from safeguarding.core.testing import Personas, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(personas: Personas) -> object:
    return make_user("mash_practitioner", personas.business_unit)


def test_the_timeline_holds_every_episode_newest_first(worker: object) -> None:
    child = make_child()
    full_journey(child)
    timeline = child_timeline(child_journey(worker, child))
    titles = [entry.title for entry in timeline]
    assert titles[0] == "Exploitation screening: criminal exploitation"
    assert titles[-1] == "Early help requested"
    assert [entry.on for entry in timeline] == sorted((entry.on for entry in timeline), reverse=True)
    for expected in (
        "Referral to children's social care",
        "Assessment started",
        "Section 47 enquiry started",
        "Child protection plan started",
        "Child protection review conference",
        "Became looked after",
        "Placement",
        "Went missing",
        "Returned",
    ):
        assert expected in titles
    # On the same day, the plan's start comes after (above) the referral that led to it.
    same_day = [e.title for e in timeline if e.on == date(2023, 9, 1)]
    assert same_day == ["Placement", "Became looked after"]


def test_open_clocks_for_an_assessment_a_conference_a_review_and_a_return_home_conversation(
    worker: object,
) -> None:
    child = make_child()
    journey = full_journey(child)
    now = london(2023, 10, 9, 12, 0)
    clocks = {c.clock.name: c for c in child_open_clocks(child_journey(worker, child), now=now)}
    assert set(clocks) == {"assessment", "icpc", "cp-review", "return-home-conversation"}
    # Referral Monday 3 April 2023: the assessment was due on Monday 12 June 2023 (core.clocks' example).
    assert clocks["assessment"].status.due == date(2023, 6, 12) and clocks["assessment"].overdue
    # Enquiry started 25 April 2023: the conference was due on Thursday 18 May 2023.
    assert clocks["icpc"].status.due == date(2023, 5, 18) and clocks["icpc"].overdue
    # The last review on 10 August 2023: the next is due six months later, so not yet overdue.
    assert clocks["cp-review"].status.due == date(2024, 2, 9)
    assert clocks["cp-review"].status.state == DeadlineState.DUE_LATER
    # Returned 09:30 on 7 October: the conversation is due 72 hours later, still running at noon on the 9th.
    assert not clocks["return-home-conversation"].overdue
    assert journey["missing"].pk == clocks["return-home-conversation"].record.pk


def test_clocks_stop_when_the_work_is_done_or_the_episode_closes(worker: object) -> None:
    child = make_child()
    journey = full_journey(child)
    Assessment.objects.filter(pk=journey["assessment"].pk).update(authorisation_date=date(2023, 5, 30))
    Section47.objects.filter(pk=journey["section47"].pk).update(icpc_date=date(2023, 5, 16))
    MissingEpisode.objects.filter(pk=journey["missing"].pk).update(rhc_held_date=date(2023, 10, 9))
    ChildProtectionPlan.objects.filter(pk=journey["plan"].pk).update(end_date=date(2023, 11, 1))
    now = london(2023, 12, 1, 12, 0)
    assert child_open_clocks(child_journey(worker, child), now=now) == []


def test_a_plan_without_reviews_runs_the_first_review_clock_from_its_start(worker: object) -> None:
    child = make_child()
    episode = make_episode(child, date(2023, 3, 1), nfa=False)
    Assessment.objects.create(
        episode=episode, start_date=date(2023, 3, 2), authorisation_date=date(2023, 3, 20)
    )
    ChildProtectionPlan.objects.create(
        episode=episode, start_date=date(2023, 3, 21), initial_category="PHY", latest_category="PHY"
    )
    clocks = child_open_clocks(child_journey(worker, child), now=london(2023, 7, 1, 9, 0))
    assert [(c.clock.name, c.status.due, c.overdue) for c in clocks] == [
        ("cp-first-review", date(2023, 6, 21), True)
    ]


def test_no_assessment_clock_for_a_referral_with_no_further_action(worker: object) -> None:
    child = make_child()
    make_episode(child, date(2023, 3, 1), nfa=True)
    assert child_open_clocks(child_journey(worker, child), now=london(2023, 7, 1, 9, 0)) == []


def test_reading_a_journey_takes_the_same_queries_however_long_it_is(worker: object) -> None:
    short, long = make_child(), make_child(last_name="Longjourney")
    full_journey(short)
    full_journey(long)
    for n in range(5):
        episode = make_episode(long, date(2022, 4, 3) + timedelta(days=n * 30))
        Assessment.objects.create(episode=episode, start_date=episode.referral_date)
        plan = ChildProtectionPlan.objects.create(
            episode=episode, start_date=episode.referral_date, initial_category="EMO", latest_category="EMO"
        )
        CPReview.objects.create(plan=plan, review_date=episode.referral_date + timedelta(days=20))

    def queries(child: object) -> int:
        with CaptureQueriesContext(connection) as captured:
            journey = child_journey(worker, child)  # type: ignore[arg-type]
            child_timeline(journey)
            child_open_clocks(journey, now=london(2024, 1, 2, 9, 0))
        return len(captured)

    queries(short)  # the first read also fills the calendar's cache of closure days
    assert queries(long) == queries(short)
