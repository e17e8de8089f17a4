"""The Section47 rules, each with children that pass and children that fail (synthetic data only).

The 2022-23 census runs from 1 April 2022 to the reference date, Friday 31 March 2023.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from safeguarding.census.records import ChildRecord, CINDetails, Section47
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import Hit, Severity
from safeguarding.census.tests.rules_support import hits


def enquiry(
    start: str | None = "2022-06-01",
    icpc: str | None = None,
    not_required: str = "false",
    target: str | None = None,
    line: int = 30,
) -> Section47:
    return Section47(
        start=start, icpc_date=icpc, icpc_not_required=not_required, icpc_target=target, line=line
    )


def episode(*enquiries: Section47, **fields: Any) -> CINDetails:
    """A further-action episode referred on 3 May 2022, holding the given enquiries."""
    base = CINDetails(referral_date="2022-05-03", referral_nfa="false", section47s=list(enquiries), line=10)
    return dataclasses.replace(base, **fields)


def child(*episodes: CINDetails) -> ChildRecord:
    return ChildRecord(la_child_id="TestChild1", cin_details=list(episodes), line=1)


def test_every_section47_rule_is_registered_with_its_dfe_code_and_type() -> None:
    codes = {rule.code: rule.type for rule in ruleset(2023) if rule.module == "Section47"}
    assert codes == {
        "1104": Severity.ERROR,
        "2884": Severity.ERROR,
        "2889": Severity.ERROR,
        "8615": Severity.ERROR,
        "8675Q": Severity.QUERY,
        "8715": Severity.ERROR,
        "8740": Severity.ERROR,
        "8839": Severity.ERROR,
        "8870Q": Severity.QUERY,
        "8875": Severity.ERROR,
    }


# 1104: conference before the referral


def test_1104_conference_before_referral_is_an_error_wherever_recorded() -> None:
    on_enquiry = episode(enquiry(start="2022-04-20", icpc="2022-05-02"))
    on_episode = episode(icpc_date="2022-04-29")
    assert hits("1104", child(on_enquiry)) == [Hit("DateOfInitialCPC", 30)]
    assert hits("1104", child(on_episode)) == [Hit("DateOfInitialCPC", 10)]


def test_1104_conference_on_or_after_referral_passes() -> None:
    assert hits("1104", child(episode(enquiry(icpc="2022-06-20"), icpc_date="2022-05-03"))) == []


# 2884: the same conference recorded on the enquiry and on the episode


def test_2884_same_conference_at_both_levels_is_an_error() -> None:
    twice = episode(enquiry(icpc="2022-06-20"), icpc_date="2022-06-20")
    assert hits("2884", child(twice)) == [Hit("DateOfInitialCPC", 10)]


def test_2884_conference_at_one_level_passes() -> None:
    assert hits("2884", child(episode(enquiry(icpc="2022-06-20")))) == []
    assert hits("2884", child(episode(icpc_date="2022-06-20"))) == []


# 2889: enquiry before the referral


def test_2889_enquiry_starting_before_referral_is_an_error() -> None:
    assert hits("2889", child(episode(enquiry(start="2022-05-02")))) == [Hit("S47ActualStartDate", 30)]


def test_2889_enquiry_starting_on_referral_date_passes() -> None:
    assert hits("2889", child(episode(enquiry(start="2022-05-03")))) == []


# 8615: enquiry start present and not after its conference


def test_8615_start_missing_or_after_the_conference_is_an_error() -> None:
    after = episode(enquiry(start="2022-06-21", icpc="2022-06-20"))
    missing = episode(enquiry(start=None, icpc="2022-06-20"))
    assert hits("8615", child(after)) == [Hit("S47ActualStartDate", 30)]
    assert hits("8615", child(missing)) == [Hit("S47ActualStartDate", 30)]


def test_8615_start_on_or_before_the_conference_or_no_conference_passes() -> None:
    same_day = enquiry(start="2022-06-20", icpc="2022-06-20")
    assert hits("8615", child(episode(same_day, enquiry(start=None, icpc=None)))) == []


# 8675Q: started more than 15 working days before the year end, no conference


def test_8675q_enquiry_awaiting_conference_long_before_year_end_is_a_query() -> None:
    # 15 working days back from Friday 31 March 2023 is Friday 10 March: 9 March is more than 15 before.
    assert hits("8675Q", child(episode(enquiry(start="2023-03-09")))) == [Hit("DateOfInitialCPC", 30)]


def test_8675q_enquiry_within_15_working_days_or_with_a_conference_passes() -> None:
    assert hits("8675Q", child(episode(enquiry(start="2023-03-10")))) == []
    assert hits("8675Q", child(episode(enquiry(start="2023-01-09", icpc="2023-01-27")))) == []
    assert hits("8675Q", child(episode(enquiry(start="2023-01-09", not_required="true")))) == []


def test_8675q_counts_back_over_bank_holidays() -> None:
    # 2023-24 ends on Sunday 31 March 2024, after Good Friday (29 March): 15 working days back is Friday
    # 8 March. Counting Good Friday as a working day would move the line to 11 March and query 8 March.
    assert hits("8675Q", child(episode(enquiry(start="2024-03-08"))), year_end=2024) == []
    assert hits("8675Q", child(episode(enquiry(start="2024-03-07"))), year_end=2024) == [
        Hit("DateOfInitialCPC", 30)
    ]


# 8715: conference within the census year


def test_8715_conference_outside_the_year_is_an_error_wherever_recorded() -> None:
    late = episode(enquiry(start="2023-03-20", icpc="2023-04-03"))
    early_on_episode = episode(icpc_date="2022-03-30", referral_date="2022-03-01")
    assert hits("8715", child(late)) == [Hit("DateOfInitialCPC", 30)]
    assert hits("8715", child(early_on_episode)) == [Hit("DateOfInitialCPC", 10)]


def test_8715_conference_in_the_year_passes() -> None:
    assert hits("8715", child(episode(enquiry(icpc="2023-03-31"), icpc_date="2022-03-31"))) == []


# 8740: an enquiry still awaiting its conference started in the census year


def test_8740_unfinished_enquiry_started_before_the_year_is_an_error() -> None:
    old = episode(enquiry(start="2022-03-01"), referral_date="2022-02-20")
    assert hits("8740", child(old)) == [Hit("S47ActualStartDate", 30)]


def test_8740_unfinished_enquiry_in_the_year_or_finished_enquiry_passes() -> None:
    assert hits("8740", child(episode(enquiry(start="2022-06-01")))) == []
    finished = enquiry(start="2022-03-01", not_required="1")
    conferenced = enquiry(start="2022-03-01", icpc="2022-03-22", line=31)
    assert hits("8740", child(episode(finished, conferenced, referral_date="2022-02-20"))) == []


# 8839: two or more ongoing enquiries in one episode


def test_8839_two_ongoing_enquiries_in_one_episode_are_reported_once() -> None:
    two = episode(enquiry(line=30), enquiry(start="2022-07-01", not_required="", line=31))
    assert hits("8839", child(two)) == [Hit("DateOfInitialCPC", 31)]


def test_8839_one_ongoing_enquiry_per_episode_passes() -> None:
    finished = enquiry(start="2022-05-10", not_required="true", line=29)
    assert (
        hits("8839", child(episode(finished, enquiry()), episode(enquiry(), referral_date="2022-05-20")))
        == []
    )


# 8870Q and 8875: conference target and conference not at a weekend


def test_8870q_conference_target_on_a_saturday_is_a_query() -> None:
    assert hits("8870Q", child(episode(enquiry(target="2022-06-04")))) == [Hit("InitialCPCtarget", 30)]


def test_8870q_conference_target_on_a_weekday_passes() -> None:
    assert hits("8870Q", child(episode(enquiry(target="2022-06-06")))) == []


def test_8875_conference_at_a_weekend_is_an_error_wherever_recorded() -> None:
    sunday = episode(enquiry(icpc="2022-06-05"), icpc_date="2022-06-04")
    assert hits("8875", child(sunday)) == [Hit("DateOfInitialCPC", 30), Hit("DateOfInitialCPC", 10)]


def test_8875_conference_on_a_weekday_passes_even_on_a_bank_holiday() -> None:
    # The rule is about weekends only: Thursday 2 June 2022 (Platinum Jubilee bank holiday) is not one.
    assert hits("8875", child(episode(enquiry(icpc="2022-06-02"), icpc_date="2022-06-06"))) == []
