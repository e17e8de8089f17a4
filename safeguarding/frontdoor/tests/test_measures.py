"""The front door measures on small hand-built data with known answers: periods and their boundaries, each
measure's count and base, working days across weekends and bank holidays, and small-number suppression."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.models import Agency
from safeguarding.children.codes import ReferralSource
from safeguarding.children.models import Child
from safeguarding.core import runcache
from safeguarding.core.calendar import local_closure_days_forget
from safeguarding.core.models import LocalClosureDay
from safeguarding.core.testing import make_agency, make_user
from safeguarding.frontdoor import measures
from safeguarding.frontdoor.measures import Measure, Period, PeriodKind, Tier, Unit, measure_shown
from safeguarding.frontdoor.models import Contact, ContactChild, ContactConcern
from safeguarding.population.models import ChildPopulation

LONDON = ZoneInfo("Europe/London")
_numbers = itertools.count(1)

# Outcome shorthands.
L1, L2, L3 = Contact.Outcome.LEVEL_1, Contact.Outcome.LEVEL_2, Contact.Outcome.LEVEL_3
L4, NFA = Contact.Outcome.LEVEL_4, Contact.Outcome.NFA
FY_2022 = Period.financial_year(2022)


def at(text: str) -> datetime:
    """A time in London, written as people read it: at("2023-05-26 17:30")."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def contact(
    received: str,
    *,
    decided: str | None = None,
    outcome: str = "",
    status: str | None = None,
    agency: Agency | None = None,
    source: str = ReferralSource.SCHOOLS,
    email: str = "referrer@example.org",
    feedback: str | None = None,
    children: tuple[Child | None, ...] = (),
    concerns: tuple[str, ...] = (),
) -> Contact:
    """A contact as the services leave it: a decided one has an outcome, a decision time, status decided."""
    if decided is not None and not outcome:
        outcome = L2
    made = Contact.objects.create(
        reference=f"WSP-TEST-{next(_numbers):06d}",
        channel=Contact.Channel.EMARF,
        received_at=at(received),
        referrer_agency=agency,
        referrer_name="A Referrer",
        referrer_email=email,
        source=source,
        what_happened="Synthetic test contact",
        status=status or (Contact.Status.DECIDED if decided else Contact.Status.NEW),
        outcome=outcome,
        decided_at=at(decided) if decided else None,
        feedback_sent_at=at(feedback) if feedback else None,
    )
    for child in children:
        ContactChild.objects.create(
            contact=made, child=child, last_name="Testchild", date_of_birth=date(2015, 1, 1)
        )
    ContactConcern.objects.bulk_create(ContactConcern(contact=made, concern=c) for c in concerns)
    return made


def a_child() -> Child:
    return Child.objects.create(
        first_name="Test", last_name=f"Child{next(_numbers)}", date_of_birth=date(2014, 5, 5)
    )


# --- Periods ------------------------------------------------------------------------------------------------


def test_periods_months_financial_quarters_and_years() -> None:
    assert Period.month(2024, 2).last == date(2024, 2, 29)
    assert (FY_2022.first, FY_2022.last) == (date(2022, 4, 1), date(2023, 3, 31))
    q4 = Period.quarter(2022, 4)
    assert (q4.first, q4.last) == (date(2023, 1, 1), date(2023, 3, 31))
    assert q4.label == "Q4 2022-23 (January to March 2023)"
    assert FY_2022.label == "2022-23 (April 2022 to March 2023)"
    assert Period.containing(PeriodKind.QUARTER, date(2023, 3, 31)) == q4
    assert Period.containing(PeriodKind.FINANCIAL_YEAR, date(2023, 4, 1)) == Period.financial_year(2023)
    assert Period.containing(PeriodKind.QUARTER, date(2022, 4, 1)) == Period.quarter(2022, 1)
    assert [m.key for m in FY_2022.months()][:2] == ["2022-04", "2022-05"]
    assert len(FY_2022.months()) == 12
    assert q4.previous() == Period.quarter(2022, 3)
    assert q4.following() == Period.quarter(2023, 1)
    assert Period.month(2023, 1).previous() == Period.month(2022, 12)


def test_period_keys_round_trip_and_nonsense_is_refused() -> None:
    for period in (Period.month(2023, 1), Period.quarter(2022, 3), FY_2022):
        assert Period.parse(period.kind, period.key) == period
    assert Period.parse("quarter", "2022-23-q1").first == date(2022, 4, 1)
    for kind, key in (("month", "2023-13"), ("year", "2022-24"), ("quarter", "2022-23-q5"), ("week", "2023")):
        with pytest.raises(ValueError):
            Period.parse(kind, key)


def test_a_period_runs_from_midnight_london_time_on_its_first_day() -> None:
    # 1 April 2023 was in British Summer Time: the year starts at 23:00 UTC on 31 March.
    assert Period.financial_year(2023).starts_at.isoformat() == "2023-04-01T00:00:00+01:00"
    assert FY_2022.ends_before == Period.financial_year(2023).starts_at


# --- Contacts and the rate per 10,000 -------------------------------------------------------------------


@pytest.mark.django_db
def test_financial_year_boundaries_are_the_31_march_and_1_april_in_london() -> None:
    contact("2022-03-31 23:59")  # 2021-22
    contact("2022-04-01 00:00")  # 2022-23 (23:00 UTC on 31 March)
    contact("2023-03-31 23:59")  # 2022-23
    contact("2023-04-01 00:00")  # 2023-24
    assert measures.contacts(FY_2022) == Measure(2, None, 2.0, Unit.COUNT)
    assert measures.contacts(Period.financial_year(2021)).count == 1
    assert measures.contacts(Period.financial_year(2023)).count == 1
    assert measures.contacts(Period.quarter(2022, 1)).count == 1
    assert measures.contacts(Period.quarter(2022, 4)).count == 1
    assert measures.contacts(Period.month(2023, 3)).count == 1


@pytest.mark.django_db
def test_contacts_per_10000_children_divides_by_the_population_of_the_financial_years_first_year() -> None:
    ChildPopulation.objects.create(year=2022, children_0_17=20_000, source="Test figure")
    for day in ("2022-06-01 10:00", "2023-02-01 10:00", "2023-03-01 10:00"):
        contact(day)
    rate = measures.contacts_per_10000_children(FY_2022)
    assert (rate.count, rate.base, rate.value, rate.unit) == (3, 20_000, 1.5, Unit.PER_10000)
    # January 2023 is in financial year 2022-23, so it divides by the mid-2022 figure too.
    assert measures.contacts_per_10000_children(Period.month(2023, 2)).value == 0.5


@pytest.mark.django_db
def test_without_a_population_figure_the_rate_says_which_year_is_missing() -> None:
    contact("2023-05-01 10:00")
    rate = measures.contacts_per_10000_children(Period.financial_year(2023))
    assert rate.count == 1
    assert rate.value is None and rate.base is None
    assert rate.missing == "No population figure for 2023"
    assert measure_shown(rate, Tier.IDENTIFIABLE).value == "No population figure for 2023"


# --- Timeliness ----------------------------------------------------------------------------------------


NOW = at("2023-06-30 12:00")
MAY_2023 = Period.month(2023, 5)


@pytest.mark.django_db
def test_decisions_within_24_and_48_hours_count_elapsed_time() -> None:
    contact("2023-05-01 10:00", decided="2023-05-02 10:00")  # exactly 24 hours
    contact("2023-05-03 10:00", decided="2023-05-05 09:00")  # 47 hours
    contact("2023-05-08 10:00", decided="2023-05-11 09:00")  # 71 hours
    contact("2023-05-09 10:00")  # still open, long past both
    contact("2023-05-10 09:00", status=Contact.Status.AWAITING_AUTHORISATION, outcome=L4)  # not final: open
    assert measures.decisions_within_24_hours(MAY_2023, now=NOW) == Measure.percent(1, 5)
    assert measures.decisions_within_48_hours(MAY_2023, now=NOW) == Measure.percent(2, 5)


@pytest.mark.django_db
def test_open_contacts_still_in_time_are_left_out_of_the_base() -> None:
    contact("2023-05-31 10:00", decided="2023-05-31 15:00")
    contact("2023-05-31 11:00")  # open: at noon next day it is 25 hours old, in time for 48 only
    now = at("2023-06-01 12:00")
    assert measures.decisions_within_24_hours(MAY_2023, now=now) == Measure.percent(1, 2)
    assert measures.decisions_within_48_hours(MAY_2023, now=now) == Measure.percent(1, 1)
    assert measures.decisions_within_one_working_day(MAY_2023, now=now) == Measure.percent(1, 1)


@pytest.mark.django_db
def test_one_working_day_skips_the_weekend_and_a_bank_holiday_monday() -> None:
    # Monday 29 May 2023 was the spring bank holiday: a contact at 17:30 on Friday 26 May is due by the
    # end of Tuesday 30 May.
    on_time = contact("2023-05-26 17:30", decided="2023-05-30 16:59")
    contact("2023-05-26 17:30", decided="2023-05-31 09:00")  # Wednesday: late
    contact("2023-05-27 11:00", decided="2023-05-30 23:59")  # Saturday: also due on Tuesday
    contact("2023-05-10 09:00", decided="2023-05-11 17:00")  # Wednesday to Thursday: in time
    contact("2023-05-10 09:00", decided="2023-05-12 08:00")  # Friday morning: late
    result = measures.decisions_within_one_working_day(MAY_2023, now=NOW)
    assert (result.count, result.base) == (3, 5)
    assert on_time.decided_at is not None and on_time.decided_at - on_time.received_at > timedelta(hours=48)
    # By elapsed hours, the bank holiday weekend makes all three late; the two midweek ones are within 48.
    assert measures.decisions_within_48_hours(MAY_2023, now=NOW).count == 2


@pytest.mark.django_db
def test_christmas_and_easter_follow_the_decision_clock() -> None:
    # 17:30 on Friday 23 December 2022 is due on Wednesday 28 December (26 and 27 December: bank holidays).
    contact("2022-12-23 17:30", decided="2022-12-28 17:00")
    contact("2022-12-23 17:30", decided="2022-12-29 09:00")
    # Thursday 6 April 2023: Good Friday and Easter Monday follow, so it is due on Tuesday 11 April.
    contact("2023-04-06 12:00", decided="2023-04-11 12:00")
    assert measures.decisions_within_one_working_day(Period.month(2022, 12), now=NOW) == Measure.percent(1, 2)
    assert measures.decisions_within_one_working_day(Period.month(2023, 4), now=NOW) == Measure.percent(1, 1)


@pytest.mark.django_db
def test_a_local_closure_day_gives_one_more_working_day() -> None:
    contact("2023-05-26 17:30", decided="2023-05-31 09:00")  # Wednesday: late on the plain calendar
    assert measures.decisions_within_one_working_day(MAY_2023, now=NOW).count == 0
    LocalClosureDay.objects.create(date=date(2023, 5, 30), reason="Office move", added_by=make_user())
    local_closure_days_forget()
    try:
        assert measures.decisions_within_one_working_day(MAY_2023, now=NOW).count == 1
    finally:
        local_closure_days_forget()


@pytest.mark.django_db
def test_an_open_contact_counts_as_late_only_once_its_due_day_has_ended() -> None:
    contact("2023-05-26 17:30")  # open; due by the end of Tuesday 30 May
    assert measures.decisions_within_one_working_day(MAY_2023, now=at("2023-05-30 23:00")).base == 0
    late = measures.decisions_within_one_working_day(MAY_2023, now=at("2023-05-31 00:00"))
    assert (late.count, late.base) == (0, 1)


@pytest.mark.django_db
def test_nothing_to_count_gives_no_percentage_rather_than_zero() -> None:
    empty = measures.decisions_within_one_working_day(MAY_2023, now=NOW)
    assert (empty.count, empty.base, empty.value) == (0, 0, None)
    assert measures.referrals_to_social_care(MAY_2023).value is None


# --- What the MASH decided --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_conversion_to_social_care_referrals_is_level_4_out_of_decided_contacts() -> None:
    contact("2023-05-01 10:00", decided="2023-05-01 15:00", outcome=L4)
    contact("2023-05-02 10:00", decided="2023-05-02 15:00", outcome=L3)
    contact("2023-05-03 10:00", decided="2023-05-03 15:00", outcome=NFA)
    contact("2023-05-04 10:00", decided="2023-05-04 15:00", outcome=L1)
    contact("2023-05-05 10:00", status=Contact.Status.AWAITING_AUTHORISATION, outcome=L4)  # not yet final
    contact("2023-05-06 10:00")
    assert measures.referrals_to_social_care(MAY_2023) == Measure.percent(1, 4)


@pytest.mark.django_db
def test_contacts_by_level_add_up_to_all_contacts() -> None:
    contact("2023-05-01 10:00", decided="2023-05-01 15:00", outcome=L4)
    contact("2023-05-02 10:00", decided="2023-05-02 15:00", outcome=L4)
    contact("2023-05-03 10:00", decided="2023-05-03 15:00", outcome=NFA)
    contact("2023-05-05 10:00", status=Contact.Status.AWAITING_AUTHORISATION, outcome=L4)
    rows = {row.key: row.measure for row in measures.contacts_by_level(MAY_2023)}
    assert rows["level_4"] == Measure.percent(2, 4)
    assert rows["nfa"] == Measure.percent(1, 4)
    assert rows["level_1"] == Measure.percent(0, 4)
    assert rows[measures.NOT_DECIDED] == Measure.percent(1, 4)
    assert sum(m.count for m in rows.values()) == 4


@pytest.mark.django_db
def test_contacts_by_worry_count_each_category_a_contact_names() -> None:
    contact("2023-05-01 10:00", concerns=("neglect", "domestic_abuse"))
    contact("2023-05-02 10:00", concerns=("neglect",))
    contact("2023-05-03 10:00")
    contact("2023-06-03 10:00", concerns=("neglect",))  # another month
    rows = {row.key: row.measure for row in measures.contacts_by_concern(MAY_2023)}
    assert rows["neglect"] == Measure.percent(2, 3)
    assert rows["domestic_abuse"] == Measure.percent(1, 3)
    assert rows["fgm"] == Measure.percent(0, 3)
    assert len(rows) == len(measures.Concern)


@pytest.mark.django_db
def test_nfa_by_source_agency_and_contacts_by_source() -> None:
    school = make_agency(name="Test Primary", code="TPS")
    police = make_agency(name="Test Police", code="TPOL", kind=Agency.Kind.POLICE)
    contact("2023-05-01 10:00", agency=school, decided="2023-05-01 12:00", outcome=NFA)
    contact("2023-05-02 10:00", agency=school, decided="2023-05-02 12:00", outcome=NFA)
    contact("2023-05-03 10:00", agency=school, decided="2023-05-03 12:00", outcome=L3)
    contact("2023-05-04 10:00", agency=school)  # open: counts as a contact, not in the NFA base
    contact(
        "2023-05-05 10:00",
        agency=police,
        source=ReferralSource.POLICE,
        decided="2023-05-05 12:00",
        outcome=L4,
    )
    contact(
        "2023-05-06 10:00", source=ReferralSource.FAMILY, decided="2023-05-06 12:00", outcome=NFA, email=""
    )
    by_agency = measures.contacts_by_source_agency(MAY_2023)
    assert [row.label for row in by_agency] == [
        "Test Primary",
        "Individual: family member, relative or carer",
        "Test Police",
    ]
    school_row = by_agency[0]
    assert school_row.contacts == Measure.percent(4, 6)
    assert school_row.nfa == Measure.percent(2, 3)
    nfa = {row.label: row.measure for row in measures.nfa_by_source_agency(MAY_2023)}
    assert nfa["Test Police"] == Measure.percent(0, 1)
    assert nfa["Individual: family member, relative or carer"] == Measure.percent(1, 1)
    by_source = {row.key: row for row in measures.contacts_by_referral_source(MAY_2023)}
    assert by_source["source-2A"].contacts.count == 4
    assert by_source["source-6"].nfa == Measure.percent(0, 1)


# --- Repeat contacts -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeat_contacts_are_those_with_a_child_in_another_contact_in_the_12_months_before(
    django_assert_num_queries: Any,
) -> None:
    known, once_long_ago, edge, just_outside, new = (a_child() for _ in range(5))
    contact("2022-01-20 10:00", children=(known,))
    contact("2022-12-01 10:00", children=(known,))  # 10 months later: a repeat
    contact("2021-01-10 10:00", children=(once_long_ago,))
    contact("2022-06-01 10:00", children=(once_long_ago,))  # 17 months later: not a repeat
    # The window opens at the start of the same date 12 months earlier.
    contact("2022-01-15 00:00", children=(edge,))
    contact("2023-01-15 15:00", children=(edge,))  # a repeat
    contact("2022-01-14 23:59", children=(just_outside,))
    contact("2023-01-15 09:00", children=(just_outside,))  # not a repeat
    # A contact about two children: one of them known makes it a repeat.
    contact("2022-05-01 10:00", children=(new, known))
    # A contact whose child nobody has matched yet is not counted at all.
    contact("2022-07-01 10:00", children=(None,))
    result = measures.repeat_contacts(FY_2022)
    # In 2022-23: the December, June, two January and May contacts have matched children; repeats are the
    # December one, the 15 January one (edge) and the May one (known was in January 2022).
    assert (result.count, result.base) == (3, 5)
    # Within an indicators run the year's rows are read once and shared by its quarters: same answers.
    quarters = [Period.quarter(2022, n) for n in range(1, 5)]
    alone = [measures.repeat_contacts(q) for q in quarters]
    with runcache.one_run(), django_assert_num_queries(1):
        assert measures.repeat_contacts(FY_2022) == result
        assert [measures.repeat_contacts(q) for q in quarters] == alone
    # Q1: May (repeat) and June (not); Q3: December (repeat); Q4: the two January contacts (one repeat).
    assert [(m.count, m.base) for m in alone] == [(1, 2), (0, 0), (1, 1), (1, 2)]


@pytest.mark.django_db
def test_a_later_contact_does_not_make_an_earlier_one_a_repeat() -> None:
    child = a_child()
    contact("2022-05-01 10:00", children=(child,))
    contact("2022-05-02 10:00", children=(child,))
    assert measures.repeat_contacts(Period.month(2022, 5)) == Measure.percent(1, 2)


# --- Feedback to the referrer ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_within_one_working_day_of_the_decision() -> None:
    # Decided on Friday 26 May 2023: the next working day is Tuesday 30 May (29 May was a bank holiday).
    contact("2023-05-26 09:00", decided="2023-05-26 15:00", feedback="2023-05-30 09:00")  # in time
    contact("2023-05-26 09:00", decided="2023-05-26 15:00", feedback="2023-05-31 09:00")  # late
    contact("2023-05-26 09:00", decided="2023-05-26 15:00")  # never sent, day long over: late
    contact("2023-05-26 09:00", decided="2023-05-26 15:00", email="")  # nobody to send it to: left out
    contact("2023-05-26 09:00")  # not decided: left out
    contact("2023-05-31 09:00", decided="2023-06-01 15:00")  # decided in June, not sent yet, still in time
    result = measures.feedback_within_one_working_day(MAY_2023, now=at("2023-06-02 09:00"))
    assert (result.count, result.base) == (1, 3)
    # Once Monday 5 June has ended, the June decision's feedback is late too.
    assert measures.feedback_within_one_working_day(MAY_2023, now=at("2023-06-06 00:00")).base == 4


# --- All of them at once -------------------------------------------------------------------------------


def _queries_for_all_measures(period: Period) -> int:
    with CaptureQueriesContext(connection) as captured:
        measures.front_door_measures(period)
        measures.month_by_month(period)
    return len(captured)


@pytest.mark.django_db
def test_all_measures_take_the_same_number_of_queries_however_many_contacts() -> None:
    ChildPopulation.objects.create(year=2022, children_0_17=20_000, source="Test figure")
    contact("2022-05-01 10:00", decided="2022-05-01 12:00", children=(a_child(),), concerns=("neglect",))
    few = _queries_for_all_measures(FY_2022)
    agency = make_agency()
    for day in range(1, 20):
        child = a_child()
        contact(
            f"2022-06-{day:02d} 10:00", decided=f"2022-06-{day:02d} 12:00", agency=agency, children=(child,)
        )
        contact(f"2022-07-{day:02d} 10:00", children=(child,), concerns=("neglect", "physical"))
    assert _queries_for_all_measures(FY_2022) == few
    everything = measures.front_door_measures(FY_2022)
    assert [d.code for d, _ in everything.headline] == [d.code for d in measures.MEASURES]
    assert everything.headline[0][1].count == 39


def test_every_headline_measure_states_its_definition() -> None:
    for definition in measures.MEASURES:
        assert len(definition.definition) > 40, definition.code


# --- Who sees small numbers ---------------------------------------------------------------------------


def test_small_counts_are_shown_as_fewer_than_the_threshold_only_at_the_aggregate_tier(settings: Any) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 5
    small = Measure.percent(3, 40)
    assert measure_shown(small, Tier.IDENTIFIABLE) == measures.Shown("3", "40", "7.5%", suppressed=False)
    assert measure_shown(small, Tier.AGGREGATE) == measures.Shown(
        "fewer than 5", "40", "not shown (small numbers)", suppressed=True
    )
    small_base = measure_shown(Measure.percent(0, 4), Tier.AGGREGATE)
    assert (small_base.count, small_base.base, small_base.value) == (
        "0",
        "fewer than 5",
        "not shown (small numbers)",
    )
    large = measure_shown(Measure.percent(1234, 5000), Tier.AGGREGATE)
    assert (large.count, large.base, large.value) == ("1,234", "5,000", "24.7%")
    assert measure_shown(Measure.number(4), Tier.AGGREGATE).value == "not shown (small numbers)"
    assert measure_shown(Measure.number(0), Tier.AGGREGATE).count == "0"
    rate = measure_shown(Measure(2, 69_375, 0.288, Unit.PER_10000), Tier.AGGREGATE)
    assert (rate.count, rate.base) == ("fewer than 5", "69,375")


@pytest.mark.django_db
def test_mash_managers_read_at_the_identifiable_tier_and_indicator_readers_at_the_aggregate_tier() -> None:
    agency = make_agency()
    assert measures.measures_tier(make_user("mash_manager", agency)) == Tier.IDENTIFIABLE
    assert measures.measures_tier(make_user("business_unit_officer", agency)) == Tier.AGGREGATE
    assert measures.measures_tier(make_user("agency_safeguarding_lead", agency)) == Tier.AGGREGATE
    assert measures.measures_tier(make_user("mash_practitioner", agency)) is None
    assert measures.measures_tier(make_user("referrer", agency)) is None
