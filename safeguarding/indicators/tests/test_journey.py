"""The journey indicators against small hand-built datasets; every expected figure is worked by hand in the
comments beside the data. Synthetic children only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safeguarding.children.codes import CategoryOfAbuse, LegalStatus, PrimaryNeed
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CPReview,
    EarlyHelpRequest,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Section47,
)
from safeguarding.children.tests.support import london, make_child, make_episode
from safeguarding.core.clocks import clock_due_date
from safeguarding.frontdoor.measures import Measure, Period, Unit
from safeguarding.indicators import journey
from safeguarding.population.models import ChildPopulation

pytestmark = pytest.mark.django_db

# Every test uses 2023-24: 1 April 2023 to 31 March 2024 (Easter 2023 is 7-10 April).
YEAR = Period.financial_year(2023)


def value(measure: Measure) -> float:
    assert measure.value is not None, measure.missing
    return measure.value


def set_population(children: int) -> None:
    ChildPopulation.objects.all().delete()
    ChildPopulation.objects.create(year=2023, children_0_17=children, source="Test figure")


def plan(child: Child, start: date, end: date | None = None, **fields: object) -> ChildProtectionPlan:
    defaults: dict[str, object] = {
        "initial_category": CategoryOfAbuse.NEGLECT,
        "latest_category": CategoryOfAbuse.NEGLECT,
    }
    defaults.update(fields)
    episode = make_episode(child, start)
    return ChildProtectionPlan.objects.create(episode=episode, start_date=start, end_date=end, **defaults)


def test_referrals_re_referrals_across_the_year_boundary_and_nfa() -> None:
    set_population(60_000)
    a, b, c, d = (make_child(first_name=name) for name in "ABCD")
    make_episode(a, date(2022, 6, 1))  # before the year: only a previous referral
    make_episode(a, date(2023, 5, 1))  # 11 months after: a re-referral
    make_episode(b, date(2022, 4, 30))
    make_episode(b, date(2023, 5, 1))  # 12 months and 1 day after: not a re-referral
    make_episode(c, date(2022, 5, 1))
    make_episode(c, date(2023, 5, 1))  # exactly 12 months after: a re-referral (inclusive)
    make_episode(d, date(2024, 3, 31), nfa=True)  # the year's last day: in
    make_episode(d, date(2024, 4, 1))  # the next year: out

    # In the year: a, b, c on 1 May 2023 and d on 31 March 2024 = 4.
    assert journey.referrals(YEAR) == Measure.number(4)
    # 4 per 60,000 children = 4 * 10,000 / 60,000 = 0.6667 per 10,000.
    rate = journey.referrals_per_10k(YEAR)
    assert (rate.count, rate.base, rate.unit) == (4, 60_000, Unit.PER_10000)
    assert value(rate) == pytest.approx(0.6667, abs=1e-4)
    # Re-referrals: a and c = 2 of 4 = 50%.
    assert journey.re_referrals_12m_pct(YEAR) == Measure.percent(2, 4)
    # NFA: d's 31 March referral = 1 of 4 = 25%.
    assert value(journey.referrals_nfa_pct(YEAR)) == 25.0


def test_rates_without_a_population_figure_say_which_year_is_missing() -> None:
    ChildPopulation.objects.all().delete()
    make_episode(make_child(), date(2023, 5, 1))
    rate = journey.referrals_per_10k(YEAR)
    assert (rate.count, rate.value, rate.missing) == (1, None, "No population figure for 2023")


def test_assessments_within_45_working_days_across_easter_and_may_bank_holidays() -> None:
    set_population(10_000)
    child = make_child()
    # Referral Thursday 6 April 2023. Not working days: Good Friday 7, Easter Monday 10 April, 1 May,
    # the Coronation holiday 8 May, 29 May, and weekends. Day 1 is Tue 11 April; counting on: 14 April = 4,
    # 21 April = 9, 28 April = 14, 5 May = 18, 12 May = 22, 19 May = 27, 26 May = 32, 2 June = 36,
    # 9 June = 41, Thursday 15 June = 45.
    assert clock_due_date("assessment", date(2023, 4, 6)) == date(2023, 6, 15)
    easter = make_episode(child, date(2023, 4, 6))
    Assessment.objects.create(
        episode=easter, start_date=date(2023, 4, 6), authorisation_date=date(2023, 6, 15)
    )
    Assessment.objects.create(
        episode=easter, start_date=date(2023, 4, 6), authorisation_date=date(2023, 6, 16)
    )
    earlier = make_episode(child, date(2023, 3, 1))  # referred before the year, authorised in it: in time
    Assessment.objects.create(
        episode=earlier, start_date=date(2023, 3, 1), authorisation_date=date(2023, 4, 20)
    )
    Assessment.objects.create(episode=earlier, start_date=date(2023, 3, 1))  # not authorised: not completed
    Assessment.objects.create(
        episode=earlier, start_date=date(2023, 3, 1), authorisation_date=date(2023, 3, 31)
    )

    # Completed in the year: 15 June, 16 June, 20 April = 3; per 10,000 of 10,000 children = 3.
    assert journey.assessments_completed(YEAR) == Measure.number(3)
    assert value(journey.assessments_per_10k(YEAR)) == 3.0
    # In time: 15 June (the 45th working day) and 20 April = 2 of 3.
    assert journey.assessments_within_45wd_pct(YEAR) == Measure.percent(2, 3)


def test_section_47_and_icpcs_within_15_working_days_across_easter() -> None:
    set_population(20_000)
    child = make_child()
    # Strategy discussion Thursday 30 March 2023: 31 March = 1, 3-6 April = 5, (7 and 10 April holidays)
    # 11-14 April = 9, 17-21 April = 14, Monday 24 April = 15.
    assert clock_due_date("icpc", date(2023, 3, 30)) == date(2023, 4, 24)
    on_time = make_episode(child, date(2023, 3, 29))
    Section47.objects.create(
        episode=on_time,
        strategy_discussion_date=date(2023, 3, 30),
        start_date=date(2023, 3, 31),  # started before the year: not an enquiry of 2023-24
        icpc_date=date(2023, 4, 24),
    )
    late = make_episode(child, date(2023, 3, 30))
    # No strategy discussion recorded: the clock runs from the start, 30 March; 25 April is day 16.
    Section47.objects.create(episode=late, start_date=date(2023, 3, 30), icpc_date=date(2023, 4, 25))
    no_conference = make_episode(child, date(2023, 5, 1))
    Section47.objects.create(episode=no_conference, start_date=date(2023, 5, 2), icpc_not_required=True)
    to_plan = make_episode(child, date(2023, 6, 1))
    Section47.objects.create(episode=to_plan, start_date=date(2023, 6, 1), icpc_date=date(2023, 6, 12))
    ChildProtectionPlan.objects.create(
        episode=to_plan,
        start_date=date(2023, 6, 12),
        initial_category=CategoryOfAbuse.NEGLECT,
        latest_category=CategoryOfAbuse.NEGLECT,
    )

    # Enquiries started in the year: 2 May and 1 June = 2; 2 per 20,000 = 1 per 10,000.
    assert journey.s47(YEAR) == Measure.number(2)
    assert value(journey.s47_per_10k(YEAR)) == 1.0
    # Of those 2, one had an ICPC (1 June's) = 50%.
    assert journey.s47_to_icpc_pct(YEAR) == Measure.percent(1, 2)
    # ICPCs held in the year: 24 April, 25 April, 12 June = 3; 3 per 20,000 = 1.5 per 10,000.
    assert journey.icpc(YEAR) == Measure.number(3)
    assert value(journey.icpc_per_10k(YEAR)) == 1.5
    # In time: 24 April (day 15) and 12 June (7th working day from 1 June) = 2 of 3.
    assert journey.icpc_within_15wd_pct(YEAR) == Measure.percent(2, 3)
    # Leading to a plan: only 12 June's = 1 of 3.
    assert journey.icpc_to_cpp_pct(YEAR) == Measure.percent(1, 3)


def test_plans_started_before_the_year_children_with_two_plans_and_the_snapshot() -> None:
    set_population(10_000)
    p1, p2, p3, p4, p5 = (make_child(first_name=f"P{n}") for n in range(1, 6))
    # P1: a plan started before the year, ended in it after 2 years and 5 days; then a second plan.
    plan(p1, date(2022, 1, 10), date(2024, 1, 15))
    plan(
        p1,
        date(2024, 2, 1),
        initial_category=CategoryOfAbuse.PHYSICAL,
        latest_category=CategoryOfAbuse.EMOTIONAL,
    )
    # P2: started in the year, ends on the snapshot day (so not open at its end); one previous plan declared.
    plan(p2, date(2023, 6, 1), date(2024, 3, 31), previous_plans=1)
    # P3: started on the year's first day, still open.
    plan(p3, date(2023, 4, 1))
    # P4: ended in the year one day short of two years (two years before 30 April 2023 is 30 April 2021).
    plan(p4, date(2021, 5, 1), date(2023, 4, 30))
    # P5: two overlapping plans, both from before the year and both open: one child at the snapshot.
    plan(p5, date(2022, 9, 1))
    plan(p5, date(2022, 10, 1), latest_category=CategoryOfAbuse.PHYSICAL)

    # Started in the year: P1's second, P2, P3 = 3; per 10,000 of 10,000 = 3.
    assert journey.cpp_started(YEAR) == Measure.number(3)
    assert value(journey.cpp_started_per_10k(YEAR)) == 3.0
    # Second or subsequent: P1's second (earlier plan recorded) and P2 (declared) = 2 of 3.
    assert journey.cpp_second_or_subsequent_pct(YEAR) == Measure.percent(2, 3)
    # On a plan at 31 March 2024: P1, P3, P5 (once) = 3 children; P2 ended that day.
    assert journey.cpp_at_end(YEAR) == Measure.number(3)
    assert value(journey.cpp_at_end_per_10k(YEAR)) == 3.0
    # Ended in the year: P1's first, P2, P4 = 3; two years or more: P1's first only = 1 of 3.
    assert journey.cpp_ended(YEAR) == Measure.number(3)
    assert journey.cpp_ended_2y_plus_pct(YEAR) == Measure.percent(1, 3)

    # Initial category of the 3 started: NEG 2 (P2, P3), PHY 1 (P1's second); the rest 0.
    initial = {row.key: row.measure for row in journey.cpp_initial_category_pct(YEAR)}
    assert initial["NEG"] == Measure.percent(2, 3)
    assert initial["PHY"] == Measure.percent(1, 3)
    assert initial["SAB"] == Measure.percent(0, 3)
    assert set(initial) == set(CategoryOfAbuse.values)
    # Latest category of the 4 plans open at the end: P1 EMO, P3 NEG, P5 NEG and PHY.
    latest = {row.key: row.measure for row in journey.cpp_latest_category_pct(YEAR)}
    assert (latest["NEG"], latest["EMO"], latest["PHY"]) == (
        Measure.percent(2, 4),
        Measure.percent(1, 4),
        Measure.percent(1, 4),
    )


def test_looked_after_at_the_snapshot_counts_children_once() -> None:
    set_population(40_000)
    one, two, three = (make_child(first_name=name) for name in ("One", "Two", "Three"))
    fields = {
        "legal_status": LegalStatus.INTERIM_CARE_ORDER,
        "category_of_need": PrimaryNeed.ABUSE_OR_NEGLECT,
    }
    LookedAfterPeriod.objects.create(child=one, start_date=date(2022, 1, 1), **fields)  # open
    LookedAfterPeriod.objects.create(
        child=two, start_date=date(2023, 5, 1), end_date=date(2024, 3, 31), **fields
    )
    LookedAfterPeriod.objects.create(
        child=three, start_date=date(2023, 5, 1), end_date=date(2024, 4, 2), **fields
    )
    LookedAfterPeriod.objects.create(child=three, start_date=date(2024, 4, 2), **fields)  # after the snapshot
    # Looked after at 31 March 2024: One and Three = 2; 2 per 40,000 = 0.5 per 10,000.
    assert journey.cla_at_end(YEAR) == Measure.number(2)
    assert value(journey.cla_at_end_per_10k(YEAR)) == 0.5


def test_early_help_requests_and_open_at_end() -> None:
    child = make_child()
    EarlyHelpRequest.objects.create(
        child=child, requested_on=date(2023, 4, 1), closure_date=date(2024, 3, 31)
    )
    EarlyHelpRequest.objects.create(child=child, requested_on=date(2023, 12, 1))
    EarlyHelpRequest.objects.create(child=child, requested_on=date(2023, 3, 1))
    EarlyHelpRequest.objects.create(child=child, requested_on=date(2024, 4, 1))
    # Requested in the year: 1 April and 1 December = 2.
    assert journey.eh_requests(YEAR) == Measure.number(2)
    # Open at 31 March 2024: 1 December's and 1 March 2023's = 2 (1 April's closed that day; 2024's later).
    assert journey.eh_open_at_end(YEAR) == Measure.number(2)


def test_missing_episodes_and_children_by_london_time() -> None:
    x, y = make_child(first_name="X"), make_child(first_name="Y")
    MissingEpisode.objects.create(child=x, started_at=london(2023, 4, 1, 0, 30))  # in (23:30 UTC on 31 March)
    MissingEpisode.objects.create(child=x, started_at=london(2024, 3, 31, 23, 30))  # in: the last evening
    MissingEpisode.objects.create(child=y, started_at=london(2023, 3, 31, 23, 30))  # out: the year before
    MissingEpisode.objects.create(child=y, started_at=london(2023, 7, 1, 12, 0))
    # Episodes in the year: X's two and Y's July one = 3; children: X and Y = 2.
    assert journey.missing_episodes(YEAR) == Measure.number(3)
    assert journey.missing_children(YEAR) == Measure.number(2)


def test_exploitation_screenings_by_risk_level() -> None:
    child = make_child()
    for day, risk in (
        (date(2023, 4, 1), "at_risk"),
        (date(2023, 9, 9), "serious"),
        (date(2024, 3, 31), "serious"),
    ):
        ExploitationScreening.objects.create(
            child=child, screening_date=day, exploitation_type="criminal", risk_level=risk
        )
    ExploitationScreening.objects.create(
        child=child, screening_date=date(2024, 4, 1), exploitation_type="criminal", risk_level="at_risk"
    )
    # In the year: 3 (at risk 1, serious 2, significant 0); 1 April 2024 is out.
    assert journey.exploitation_screenings(YEAR) == Measure.number(3)
    by_risk = {row.key: row.measure.count for row in journey.exploitation_screenings_by_risk(YEAR)}
    assert by_risk == {"at_risk": 1, "significant": 0, "serious": 2}
    # The breakdown adds up to the total.
    assert sum(by_risk.values()) == journey.exploitation_screenings(YEAR).count


def test_every_shipped_code_computes_on_an_empty_database() -> None:
    set_population(10_000)
    for code, measure in journey.JOURNEY_MEASURES.items():
        assert measure(YEAR).count == 0, code
    for code, breakdowns in journey.JOURNEY_BREAKDOWNS.items():
        for name, breakdown in breakdowns.items():
            assert all(row.measure.count == 0 for row in breakdown(YEAR)), (code, name)


def test_children_in_need_at_the_snapshot() -> None:
    set_population(20_000)
    one, two, three = (make_child(first_name=name) for name in ("One", "Two", "Three"))
    make_episode(one, date(2022, 11, 1))  # open since before the year
    make_episode(one, date(2024, 1, 5))  # a second open episode: One still counts once
    make_episode(two, date(2023, 6, 1), closure_date=date(2024, 3, 31))  # closed on the snapshot day
    make_episode(three, date(2024, 3, 31), closure_date=date(2024, 4, 3))  # referred on the last day
    make_episode(make_child(first_name="Four"), date(2024, 4, 1))  # after the snapshot
    # Open at 31 March 2024: One and Three = 2 children; 2 per 20,000 = 1 per 10,000.
    rate = journey.cin_at_end_per_10k(YEAR)
    assert (rate.count, rate.base, value(rate)) == (2, 20_000, 1.0)


def test_children_entering_care_from_a_plan() -> None:
    fields = {
        "legal_status": LegalStatus.INTERIM_CARE_ORDER,
        "category_of_need": PrimaryNeed.ABUSE_OR_NEGLECT,
    }
    on_plan, recently, long_ago, never = (make_child(first_name=n) for n in ("On", "Recent", "Old", "Never"))
    plan(on_plan, date(2023, 5, 1))  # open when care starts
    plan(recently, date(2023, 5, 1), date(2023, 9, 4))  # ended 7 days before care: counts (window inclusive)
    plan(long_ago, date(2022, 5, 1), date(2023, 9, 3))  # ended 8 days before: does not
    for child in (on_plan, recently, long_ago, never):
        LookedAfterPeriod.objects.create(child=child, start_date=date(2023, 9, 11), **fields)
    # Entering care in the year: 4; from a plan: On and Recent = 2 of 4.
    assert journey.cla_entering_after_cpp_pct(YEAR) == Measure.percent(2, 4)


def test_early_help_closures_by_reason_add_up_to_the_closures() -> None:
    child = make_child()
    for closed, reason in (
        (date(2023, 4, 1), "outcomes_met"),
        (date(2023, 8, 1), "outcomes_met"),
        (date(2024, 3, 31), "stepped_up"),
        (date(2024, 4, 1), "disengaged"),  # next year
    ):
        EarlyHelpRequest.objects.create(
            child=child, requested_on=date(2023, 1, 1), closure_date=closed, closure_reason=reason
        )
    # Closed in the year: 3 (outcomes met 2, stepped up 1).
    assert journey.eh_closures(YEAR) == Measure.number(3)
    by_reason = {row.key: row.measure.count for row in journey.eh_closures_by_reason(YEAR)}
    assert (by_reason["outcomes_met"], by_reason["stepped_up"], by_reason["disengaged"]) == (2, 1, 0)
    assert sum(by_reason.values()) == 3


def test_return_home_conversations_offered_and_accepted() -> None:
    child = make_child()
    # Four returns in the year, one the year before; offers on three of the four, two accepted.
    cases = (
        (london(2023, 3, 31, 20), london(2023, 3, 31, 23), True, True),  # returned the year before: out
        (london(2023, 4, 1, 9), london(2023, 4, 2, 9), True, True),
        (london(2023, 6, 1, 9), london(2023, 6, 1, 18), True, True),
        (london(2023, 7, 1, 9), london(2023, 7, 2, 9), True, False),
        (london(2024, 3, 30, 9), london(2024, 3, 31, 23, 0), False, False),  # the last evening: in
    )
    for started, returned, offered, accepted in cases:
        MissingEpisode.objects.create(
            child=child,
            started_at=started,
            returned_at=returned,
            rhc_offered_date=returned.date() if offered else None,
            rhc_accepted_date=returned.date() if accepted else None,
        )
    # Offered: 3 of the 4 returns in the year = 75%; accepted: 2 of those 3 offers.
    assert journey.rhc_offered_pct(YEAR) == Measure.percent(3, 4)
    assert journey.rhc_accepted_pct(YEAR) == Measure.percent(2, 3)


def test_assessment_factors_as_shares_of_completed_assessments() -> None:
    episode = make_episode(make_child(), date(2023, 4, 3))
    for authorised, factors in (
        (date(2023, 5, 1), ["3A", "13A"]),
        (date(2023, 6, 1), ["13A"]),
        (date(2023, 7, 1), []),
        (date(2023, 8, 1), ["3A", "4A"]),
        (date(2023, 3, 31), ["3A"]),  # completed the year before: out
    ):
        Assessment.objects.create(
            episode=episode, start_date=date(2023, 4, 3), authorisation_date=authorised, factors=factors
        )
    # 4 completed in the year: 3A in 2 (not fooled by 13A), 13A in 2, 4A in 1, 1A in none.
    shares = {row.key: row.measure for row in journey.assessment_factor_pct(YEAR)}
    assert shares["3A"] == Measure.percent(2, 4)
    assert shares["13A"] == Measure.percent(2, 4)
    assert shares["4A"] == Measure.percent(1, 4)
    assert shares["1A"] == Measure.percent(0, 4)


def test_early_help_presenting_needs_as_shares_of_requests() -> None:
    child = make_child()
    for requested, needs in (
        (date(2023, 4, 1), ["education", "housing"]),
        (date(2023, 10, 1), ["housing"]),
        (date(2024, 4, 1), ["education"]),  # next year: out
    ):
        EarlyHelpRequest.objects.create(child=child, requested_on=requested, presenting_needs=needs)
    # 2 requests in the year: housing in both (100%), education in 1 (50%), crime in none.
    shares = {row.key: row.measure for row in journey.eh_presenting_need_pct(YEAR)}
    assert (shares["housing"], shares["education"], shares["crime"]) == (
        Measure.percent(2, 2),
        Measure.percent(1, 2),
        Measure.percent(0, 2),
    )


def review(plan_: ChildProtectionPlan, *days: date) -> None:
    for day in days:
        CPReview.objects.create(plan=plan_, review_date=day)


def test_cpp_reviews_in_time_at_the_snapshot() -> None:
    a, b, c, d, e, f, h = (make_child(first_name=name) for name in "ABCDEFH")
    # The clocks behind it: first review 3 months after the plan's start, later ones 6 months after the last,
    # each moved back to the last working day (29 March 2024 is Good Friday; 30 December 2023 a Saturday).
    assert clock_due_date("cp-first-review", date(2023, 6, 1)) == date(2023, 9, 1)
    assert clock_due_date("cp-first-review", date(2023, 2, 10)) == date(2023, 5, 10)
    assert clock_due_date("cp-first-review", date(2023, 12, 29)) == date(2024, 3, 28)
    assert clock_due_date("cp-first-review", date(2023, 3, 30)) == date(2023, 6, 30)
    assert clock_due_date("cp-review", date(2023, 6, 30)) == date(2023, 12, 29)
    # A: first review on its due date exactly, the next well before 6 months: in time.
    review(plan(a, date(2023, 6, 1)), date(2023, 9, 1), date(2024, 2, 20))
    # B: started before the year; first review a day late (11 May, due 10 May): not in time.
    review(plan(b, date(2023, 2, 10)), date(2023, 5, 11), date(2023, 11, 1))
    # C: on a plan for 3 months and 2 days, no review; it was due Thursday 28 March 2024: overdue.
    plan(c, date(2023, 12, 29))
    # D: started 2 January 2024, under 3 months before 31 March: not counted.
    plan(d, date(2024, 1, 2))
    # E: two plans; the earlier one's late review does not count, the current plan's review is in time.
    review(plan(e, date(2022, 1, 10), date(2023, 1, 10)), date(2022, 6, 1))
    review(plan(e, date(2023, 9, 29)), date(2023, 12, 20))
    # F: ended on the snapshot day, so not on a plan at its end.
    plan(f, date(2023, 5, 1), date(2024, 3, 31))
    # H: started 30 March 2023, reviewed on each due date (30 June, then Friday 29 December 2023).
    review(plan(h, date(2023, 3, 30)), date(2023, 6, 30), date(2023, 12, 29))

    # At 31 March 2024, on a plan for 3 months or more: A, B, C, E, H = 5; in time: A, E, H = 3.
    assert journey.cpp_reviews_in_time_pct(YEAR) == Measure.percent(3, 5)
    # At 30 June 2023 (Q1): B (since February) and H (exactly 3 months: 30 March). H's first review is due
    # on the snapshot day itself; held that day it is in time, and would be even if not yet held. 1 of 2.
    first_quarter = Period.quarter(2023, 1)
    assert journey.cpp_reviews_in_time_pct(first_quarter) == Measure.percent(1, 2)
    CPReview.objects.filter(review_date=date(2023, 6, 30)).delete()
    assert journey.cpp_reviews_in_time_pct(first_quarter) == Measure.percent(1, 2)


def test_early_help_assessments_within_15_working_days_across_easter() -> None:
    child = make_child()
    # Request on Maundy Thursday 6 April 2023: day 1 is Tuesday 11 April (Good Friday and Easter Monday are
    # holidays): 11-14 April = 4, 17-21 = 9, 24-28 = 14, (1 May is May Day) Tuesday 2 May = 15.
    assert clock_due_date("early-help-assessment", date(2023, 4, 6)) == date(2023, 5, 2)
    # Request Monday 20 March 2023: 21-24 = 4, 27-31 = 9, 3-6 April = 13, 11 April = 14, 12 April = 15.
    assert clock_due_date("early-help-assessment", date(2023, 3, 20)) == date(2023, 4, 12)
    for requested, completed in (
        (date(2023, 4, 6), date(2023, 5, 2)),  # on the due date: in time
        (date(2023, 4, 6), date(2023, 5, 3)),  # a day late
        (date(2023, 3, 20), date(2023, 4, 12)),  # requested before the year, completed in it: in time
        (date(2023, 3, 1), date(2023, 3, 31)),  # completed the year before: out
        (date(2024, 3, 1), None),  # not completed: out
    ):
        EarlyHelpRequest.objects.create(
            child=child, requested_on=requested, assessment_completion_date=completed
        )
    # Completed in the year: 3; in time: 2.
    assert journey.eh_assessment_in_time_pct(YEAR) == Measure.percent(2, 3)


def test_return_home_conversations_within_72_hours_by_the_day_they_end() -> None:
    child = make_child()
    cases = (
        (london(2023, 6, 1, 10), date(2023, 6, 4)),  # 72 hours end 10:00 on 4 June: held that day, in time
        (london(2023, 6, 1, 10), date(2023, 6, 5)),  # the day after: late
        # 23:30 GMT on 28 March 2024; the clocks go forward on the 31st, so 72 real hours end at 00:30 BST on
        # 1 April: held on 1 April is in time (adding 3 days to the date would have said late).
        (london(2024, 3, 28, 23, 30), date(2024, 4, 1)),
        (london(2023, 3, 31, 22), date(2023, 4, 2)),  # returned the year before: out
        (london(2023, 8, 1, 9), None),  # no conversation held: not in the base
    )
    for returned, held in cases:
        MissingEpisode.objects.create(
            child=child, started_at=returned - timedelta(hours=5), returned_at=returned, rhc_held_date=held
        )
    assert journey.rhc_within_72h_pct(YEAR) == Measure.percent(2, 3)
