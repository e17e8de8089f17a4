"""The validation engine: how findings are made from rules, the JSON shape, and that malformed values give
findings (never a crash) under the full rule set."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.census.generator import SyntheticCensus
from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Header,
    Section47,
)
from safeguarding.census.rules import ruleset
from safeguarding.census.rules.base import CensusYear, Hit, ReturnCheck, Rule, Severity
from safeguarding.census.tests import census_xml
from safeguarding.census.validation import CensusValidator, validate_census
from safeguarding.census.writer import write_census

# --- The engine, with rules made here -----------------------------------------------------------------------


def _no_ethnicity(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    if child.ethnicity != "WBRI":
        yield Hit("Ethnicity")


def _cpp_on_line(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
    for episode in child.cin_details:
        for plan in episode.cp_plans:
            yield Hit("CPPstartDate", plan.line)


def _header_lea(header: Header, year: CensusYear) -> Iterator[Hit]:
    if header.lea != "999":
        yield Hit("LEA")


class _CountChildren(ReturnCheck):
    def __init__(self, year: CensusYear) -> None:
        super().__init__(year)
        self.seen: list[str | None] = []

    def observe(self, child: ChildRecord) -> None:
        self.seen.append(child.la_child_id)

    def finish(self) -> Iterable[tuple[str | None, Hit]]:
        yield (None, Hit(f"Children:{len(self.seen)}"))
        yield (self.seen[-1], Hit("LAchildID", 7))


TEST_RULES = [
    Rule("9001", Severity.ERROR, "ChildCharacteristics", "Not WBRI", 2018, None, child_check=_no_ethnicity),
    Rule("9002Q", Severity.QUERY, "ChildProtectionPlans", "A plan", 2018, None, child_check=_cpp_on_line),
    Rule("9003", Severity.ERROR, "Header", "LEA is not 999", 2018, None, header_check=_header_lea),
    Rule("9004Q", Severity.QUERY, "ChildIdentifiers", "Counted", 2018, None, return_check=_CountChildren),
]


def _source(**changes: object) -> io.BytesIO:
    return io.BytesIO(census_xml(**changes).encode())  # type: ignore[arg-type]


def test_findings_name_the_rule_child_element_and_line() -> None:
    report = validate_census(_source(children=2, ethnicity="ZZZZ"), rules=TEST_RULES)
    assert report.children == 2
    header, *children, counted, last = report.findings
    assert (header.rule, header.type, header.child, header.element, header.line) == (
        "9003",
        Severity.ERROR,
        None,
        "LEA",
        0,
    )
    by_rule = [(f.rule, f.child, f.element) for f in children]
    assert by_rule == [
        ("9001", "WS000001", "Ethnicity"),
        ("9002Q", "WS000001", "CPPstartDate"),
        ("9001", "WS000002", "Ethnicity"),
        ("9002Q", "WS000002", "CPPstartDate"),
    ]
    text = census_xml(children=2)
    child_lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "<Child>"]
    plan_lines = [n for n, line in enumerate(text.splitlines(), start=1) if "<ChildProtectionPlans>" in line]
    # A hit with no line gets the child's; a hit with a line keeps it.
    assert [f.line for f in children] == [child_lines[0], plan_lines[0], child_lines[1], plan_lines[1]]
    assert (counted.child, counted.element, counted.line) == (None, "Children:2", 0)
    assert (last.child, last.element, last.line) == ("WS000002", "LAchildID", 7)
    assert (report.errors, report.queries) == (3, 4)


def test_return_rules_start_afresh_on_every_run() -> None:
    for _ in range(2):
        report = validate_census(_source(children=3), rules=TEST_RULES)
        assert [f.element for f in report.findings if f.rule == "9004Q"] == ["Children:3", "LAchildID"]


def test_the_json_has_exactly_the_documented_shape() -> None:
    report = validate_census(_source(ethnicity="ZZZZ"), rules=TEST_RULES)
    data = report.as_json()
    assert set(data) == {"children", "errors", "queries", "findings", "year"}
    assert (data["children"], data["errors"], data["queries"], data["year"]) == (1, 2, 3, "2022-23")
    assert data["findings"][1] == {
        "rule": "9001",
        "type": "error",
        "child": "WS000001",
        "element": "Ethnicity",
        "message": "Not WBRI",
        "line": data["findings"][1]["line"],
    }
    assert {tuple(sorted(finding)) for finding in data["findings"]} == {
        ("child", "element", "line", "message", "rule", "type")
    }


def test_by_rule_puts_errors_first_in_code_order() -> None:
    report = validate_census(_source(children=2, ethnicity="ZZZZ"), rules=TEST_RULES)
    groups = report.by_rule()
    assert list(groups) == ["9001", "9003", "9002Q", "9004Q"]
    assert len(groups["9001"]) == 2


def test_a_rule_that_crashes_is_not_hidden() -> None:
    def broken(child: ChildRecord, year: CensusYear) -> Iterator[Hit]:
        raise ZeroDivisionError("a bug in the rule")
        yield Hit("never")

    rules = [Rule("9999", Severity.ERROR, "CINdetails", "Broken", 2018, None, child_check=broken)]
    with pytest.raises(ZeroDivisionError):
        validate_census(_source(), rules=rules)


def test_the_rules_in_force_for_the_files_year_are_used() -> None:
    assert {rule.code for rule in CensusValidator(2023).rules} == {rule.code for rule in ruleset(2023)}
    assert CensusValidator(2025).year.label == "2024-25"


# --- The full rule set --------------------------------------------------------------------------------------


def test_a_valid_hand_made_file_has_no_errors() -> None:
    report = validate_census(_source(children=3))
    assert report.errors == 0, [f.as_json() for f in report.findings]


def test_an_invalid_date_is_a_finding_not_a_crash() -> None:
    report = validate_census(_source(cpp_start="2022-02-30"))
    assert any(f.element == "CPPstartDate" and f.type == Severity.ERROR for f in report.findings)


def test_an_unknown_code_is_a_finding_not_a_crash() -> None:
    report = validate_census(_source(ethnicity="ZZZZ"))
    assert [(f.rule, f.child, f.element) for f in report.findings if f.rule == "4220"] == [
        ("4220", "WS000001", "Ethnicity")
    ]


@pytest.mark.parametrize("year_end", [2018, 2023, 2024, 2025])
def test_a_generated_file_without_errors_passes_every_error_rule(tmp_path: Path, year_end: int) -> None:
    census = SyntheticCensus(children=1500, year_end=year_end, error_rate=0.0, seed=year_end)
    path = tmp_path / "clean.xml"
    write_census(path, census.header, census.children())
    report = validate_census(path)
    assert report.children == 1500
    assert report.errors == 0, report.counts_by_rule()


def test_each_deliberate_error_is_found_on_its_child(tmp_path: Path) -> None:
    census = SyntheticCensus(children=1500, year_end=2023, error_rate=0.1, seed=8)
    path = tmp_path / "errors.xml"
    write_census(path, census.header, census.children())
    assert len(census.injected) == 150
    assert len(set(census.injected.values())) >= 7  # most of the catalogue is exercised
    found = {(f.child, f.rule) for f in validate_census(path).findings}
    missed = {child: code for child, code in census.injected.items() if (child, code) not in found}
    assert missed == {}
    # and only children given an error have any
    assert {child for child, _ in found} <= set(census.injected) | {None}


# --- Whatever the values, the rules give findings, not exceptions ----------------------------------------

ODD_VALUES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "x",
            "2022-02-30",
            "2022-06-01",
            "2022-06-04",  # a Saturday
            "2023-03-31",
            "2021-03-31",
            "1900-01-01",
            "20220601",
            "true",
            "false",
            "1",
            "0",
            "-1",
            "N1",
            "RC2",
            "RC8",
            "NEG",
            "UN7",
            "21",
            "NONE",
            "B801200005001",
            "A12345",
            "99999999999999999999",
        ]
    ),
    st.text(max_size=6),
)
VALUE_LISTS = st.lists(
    st.one_of(st.sampled_from(["MOB", "NONE", "21", "4B", "", "2022-07-01"]), st.text(max_size=4)), max_size=3
)

EPISODES = st.builds(
    CINDetails,
    referral_date=ODD_VALUES,
    referral_source=ODD_VALUES,
    primary_need=ODD_VALUES,
    closure_date=ODD_VALUES,
    closure_reason=ODD_VALUES,
    icpc_date=ODD_VALUES,
    referral_nfa=ODD_VALUES,
    assessments=st.lists(
        st.builds(
            Assessment,
            start=ODD_VALUES,
            internal_review=ODD_VALUES,
            authorised=ODD_VALUES,
            has_factors_element=st.booleans(),
            factors=VALUE_LISTS,
        ),
        max_size=2,
    ),
    cin_plans=st.lists(st.builds(CINPlan, start=ODD_VALUES, end=ODD_VALUES), max_size=2),
    section47s=st.lists(
        st.builds(
            Section47,
            start=ODD_VALUES,
            icpc_target=ODD_VALUES,
            icpc_date=ODD_VALUES,
            icpc_not_required=ODD_VALUES,
        ),
        max_size=2,
    ),
    cp_plans=st.lists(
        st.builds(
            ChildProtectionPlan,
            start=ODD_VALUES,
            end=ODD_VALUES,
            initial_category=ODD_VALUES,
            latest_category=ODD_VALUES,
            number_of_previous=ODD_VALUES,
            has_reviews_element=st.booleans(),
            review_dates=st.lists(ODD_VALUES, max_size=2),
        ),
        max_size=2,
    ),
)

CHILDREN = st.builds(
    ChildRecord,
    la_child_id=ODD_VALUES,
    upn=ODD_VALUES,
    former_upn=ODD_VALUES,
    upn_unknown=ODD_VALUES,
    birth_date=ODD_VALUES,
    expected_birth_date=ODD_VALUES,
    sex=ODD_VALUES,
    death_date=ODD_VALUES,
    ethnicity=ODD_VALUES,
    has_disabilities_element=st.booleans(),
    disabilities=VALUE_LISTS,
    cin_details=st.lists(EPISODES, max_size=3),
)

HEADERS = st.builds(
    Header,
    collection=ODD_VALUES,
    year=ODD_VALUES,
    reference_date=ODD_VALUES,
    source_level=ODD_VALUES,
    lea=ODD_VALUES,
    software_code=ODD_VALUES,
    release=ODD_VALUES,
    serial_no=ODD_VALUES,
    date_time=ODD_VALUES,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    year_end=st.sampled_from([2018, 2023, 2025]),
    header=HEADERS,
    children=st.lists(CHILDREN, min_size=1, max_size=3),
)
def test_malformed_values_never_crash_the_rules(
    year_end: int, header: Header, children: list[ChildRecord]
) -> None:
    validator = CensusValidator(year_end)
    findings = validator.check_header(header)
    for child in children:
        findings.extend(validator.check_child(child))
    findings.extend(validator.finish())
    assert all(finding.rule for finding in findings)


@pytest.mark.parametrize(
    "day",
    [
        "0001-01-01",
        "9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_findings_not_crashes(day: str) -> None:
    child = ChildRecord(
        la_child_id="WS000001",
        birth_date=day,
        expected_birth_date=day,
        death_date=day,
        cin_details=[
            CINDetails(
                referral_date=day,
                closure_date=day,
                assessments=[Assessment(start=day, authorised=day)],
                cin_plans=[CINPlan(start=day, end=day)],
                section47s=[Section47(start=day, icpc_target=day, icpc_date=day)],
                cp_plans=[ChildProtectionPlan(start=day, end=day, review_dates=[day])],
            )
        ],
    )
    for year_end in (2018, 2023, 2025):
        validator = CensusValidator(year_end)
        findings = [
            *validator.check_header(Header(year=day, reference_date=day)),
            *validator.check_child(child),
        ]
        findings.extend(validator.finish())
        assert findings
