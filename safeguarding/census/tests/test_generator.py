"""The synthetic census generator: UPN check letters, plausible journeys, deliberate errors, determinism."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest

from safeguarding.census.generator import (
    ERROR_CATALOGUE,
    SyntheticCensus,
    parse_year,
    upn_check_letter,
)
from safeguarding.census.records import ChildRecord, as_date
from safeguarding.census.writer import write_census
from safeguarding.core.calendar import WorkingCalendar


@pytest.mark.parametrize(
    ("upn", "valid"),
    [
        ("B801200005001", True),  # python-stdnum's documented valid example
        ("A801200005001", False),  # ... and its wrong-check-letter example
        (
            "P207000016049",
            True,
        ),  # the worked example in MIS suppliers' notes on error 1510 (sum 266, mod 23 = 13)
        ("Q207000016049", False),
        ("T80120000500A", False),
    ],
)
def test_the_upn_check_letter(upn: str, valid: bool) -> None:
    assert (upn_check_letter(upn[1:]) == upn[0]) is valid


def test_a_temporary_upn_counts_its_final_letter_by_its_place() -> None:
    # The last character A counts 0, as a 0 digit would.
    assert upn_check_letter("80120000500A") == upn_check_letter("801200005000")


def test_the_upn_check_letter_needs_twelve_characters() -> None:
    with pytest.raises(ValueError, match="12 characters"):
        upn_check_letter("8012")


def _children(count: int = 2000, **options: object) -> list[ChildRecord]:
    return list(SyntheticCensus(children=count, **options).children())  # type: ignore[arg-type]


def test_identifiers_are_made_up_unique_and_valid() -> None:
    children = _children()
    ids = [child.la_child_id for child in children]
    assert ids[:3] == ["WS000001", "WS000002", "WS000003"]
    assert len(set(ids)) == len(ids)
    upns = [child.upn for child in children if child.upn]
    assert len(set(upns)) == len(upns) > 1000
    assert all(upn_check_letter(upn[1:]) == upn[0] and upn[1:4] == "335" for upn in upns)


def test_journeys_are_plausible_in_mix_and_timing() -> None:
    children = _children(3000)
    calendar = WorkingCalendar()
    episodes = [episode for child in children for episode in child.cin_details]
    nfa_share = sum(episode.referral_nfa == "true" for episode in episodes) / len(episodes)
    assert 0.15 < nfa_share < 0.35
    plans = [plan for episode in episodes for plan in episode.cp_plans]
    assert len(plans) > 300
    # A plan starts on its initial conference, which is held on a working day after the enquiry started.
    for episode in episodes:
        for enquiry, plan in zip(episode.section47s, episode.cp_plans, strict=False):
            conference = as_date(enquiry.icpc_date)
            assert conference is not None and calendar.is_working_day(conference)
            assert plan.start == enquiry.icpc_date
    # Most assessments finish within 45 working days of starting; some are late.
    lengths = [
        calendar.working_days_between(start, authorised)
        for episode in episodes
        for assessment in episode.assessments
        if (start := as_date(assessment.start)) and (authorised := as_date(assessment.authorised))
    ]
    on_time = sum(length <= 45 for length in lengths) / len(lengths)
    assert 0.75 < on_time < 0.97
    assert Counter(episode.closure_reason for episode in episodes).keys() >= {"RC7", "RC8", "RC9", None}
    assert any(len(child.cin_details) == 2 for child in children)
    assert any(child.expected_birth_date for child in children)
    assert any(len(child.disabilities) > 1 for child in children)


def test_the_sex_codes_follow_the_census_year() -> None:
    assert {child.sex for child in _children(500, year_end=2023)} <= {"1", "2", "0"}
    assert {child.sex for child in _children(500, year_end=2025)} <= {"M", "F", "U"}


def test_codes_new_in_2022_23_are_not_used_earlier() -> None:
    episodes = [episode for child in _children(3000, year_end=2022) for episode in child.cin_details]
    assert not any(episode.referral_source == "5D" or episode.closure_reason == "RC9" for episode in episodes)


def test_every_date_is_on_or_before_the_reference_date() -> None:
    for child in _children(1000, year_end=2024):
        for episode in child.cin_details:
            for value in (episode.referral_date, episode.closure_date):
                day = as_date(value)
                assert day is None or day <= date(2024, 3, 31)


def _file(**options: object) -> bytes:
    census = SyntheticCensus(**options)  # type: ignore[arg-type]
    stream = io.BytesIO()
    write_census(stream, census.header, census.children())
    return stream.getvalue()


def test_the_same_seed_gives_the_same_file_and_another_seed_another() -> None:
    assert _file(children=300, seed=5) == _file(children=300, seed=5)
    assert _file(children=300, seed=5) != _file(children=300, seed=6)


def test_the_error_rate_gives_that_share_of_children_one_error_each() -> None:
    census = SyntheticCensus(children=1000, error_rate=0.05, seed=2)
    children = list(census.children())
    assert len(census.injected) == 50
    assert set(census.injected.values()) <= set(ERROR_CATALOGUE)
    assert set(census.injected) <= {child.la_child_id for child in children}


def test_errors_do_not_change_the_other_children() -> None:
    clean = _children(400, seed=9)
    census = SyntheticCensus(children=400, error_rate=0.1, seed=9)
    broken = list(census.children())
    for before, after in zip(clean, broken, strict=True):
        assert (before == after) is (before.la_child_id not in census.injected)


@pytest.mark.parametrize(("text", "year_end"), [("2023", 2023), ("2022-23", 2023), ("1999-00", 2000)])
def test_parse_year(text: str, year_end: int) -> None:
    assert parse_year(text) == year_end


@pytest.mark.parametrize("text", ["23", "2022-24", "2022/23", "next year"])
def test_parse_year_refuses_what_is_not_a_census_year(text: str) -> None:
    with pytest.raises(ValueError, match="is not a census year"):
        parse_year(text)


@pytest.mark.parametrize(
    ("options", "message"), [({"children": -1}, "negative"), ({"error_rate": 1.5}, "between")]
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SyntheticCensus(**{"children": 10, **options})  # type: ignore[arg-type]
