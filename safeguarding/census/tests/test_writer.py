"""The census writer: schema element order, escaping, the sex element by year, the degraded marker, and
nothing left behind when writing fails."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from safeguarding.census.reader import open_census
from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Header,
    Section47,
)
from safeguarding.census.writer import DEGRADED_COMMENT, write_census


def _header(census_year: str = "2023", **changes: object) -> Header:
    header = Header(
        collection="CIN",
        year=census_year,
        reference_date=f"{census_year}-03-31",
        source_level="L",
        lea="335",
        software_code="Test Software",
        release="2.1",
        serial_no="007",
        date_time=f"{census_year}-04-20T09:00:00",
    )
    for name, value in changes.items():
        setattr(header, name, value)
    return header


def _full_child() -> ChildRecord:
    """A child with every element the schema has, to check their order."""
    return ChildRecord(
        la_child_id="WS000001",
        upn="B801200005001",
        former_upn="A801200005002",
        upn_unknown="UN1",
        birth_date="2015-06-01",
        expected_birth_date="2015-06-02",
        sex="1",
        death_date="2023-03-01",
        ethnicity="WBRI",
        disabilities=["MOB", "HAND"],
        cin_details=[
            CINDetails(
                referral_date="2022-05-03",
                referral_source="6",
                primary_need="N1",
                closure_date="2023-03-01",
                closure_reason="RC2",
                icpc_date="2022-05-20",
                referral_nfa="false",
                assessments=[
                    Assessment(
                        start="2022-05-04",
                        internal_review="2022-05-10",
                        authorised="2022-06-20",
                        factors=["4B"],
                    )
                ],
                cin_plans=[CINPlan(start="2022-07-01", end="2022-12-01")],
                section47s=[
                    Section47(
                        start="2022-05-04",
                        icpc_target="2022-05-25",
                        icpc_date="2022-05-20",
                        icpc_not_required="false",
                    )
                ],
                cp_plans=[
                    ChildProtectionPlan(
                        start="2022-05-20",
                        end="2022-06-30",
                        initial_category="NEG",
                        latest_category="EMO",
                        number_of_previous="1",
                        review_dates=["2022-06-01"],
                    )
                ],
            )
        ],
    )


def _written(header: Header, children: list[ChildRecord]) -> str:
    stream = io.StringIO()
    write_census(stream, header, children)
    return stream.getvalue()


def _tags(text: str) -> list[str]:
    return re.findall(r"<([A-Za-z][A-Za-z0-9]*)>", text)


def test_elements_are_written_in_the_schema_order() -> None:
    text = _written(_header(), [_full_child()])
    assert _tags(text) == [
        "Message",
        "Header",
        "CollectionDetails",
        "Collection",
        "Year",
        "ReferenceDate",
        "Source",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
        "Children",
        "Child",
        "ChildIdentifiers",
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "PersonDeathDate",
        "ChildCharacteristics",
        "Ethnicity",
        "Disabilities",
        "Disability",
        "Disability",
        "CINdetails",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "Assessments",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
        "AssessmentFactors",
        "CINPlanDates",
        "CINPlanStartDate",
        "CINPlanEndDate",
        "Section47",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "DateOfInitialCPC",
        "ICPCnotRequired",
        "ReferralNFA",
        "ChildProtectionPlans",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
        "Reviews",
        "CPPreviewDate",
    ]


def test_absent_values_are_left_out_and_empty_ones_written_empty() -> None:
    child = ChildRecord(la_child_id="WS000001", upn="", sex="2", ethnicity="WBRI")
    text = _written(_header(), [child])
    assert "<UPN></UPN>" in text
    assert "FormerUPN" not in text and "Disabilities" not in text and "CINdetails" not in text


def test_an_empty_group_the_record_says_was_present_is_written() -> None:
    child = ChildRecord(la_child_id="WS000001", has_disabilities_element=True)
    assert "<Disabilities>\n        </Disabilities>" in _written(_header(), [child])


def test_text_is_escaped_and_reads_back_the_same(tmp_path: Path) -> None:
    child = ChildRecord(la_child_id="A&B<C>\"D'", ethnicity="WBRI\x01")
    path = tmp_path / "escaped.xml"
    write_census(path, _header(), [child])
    assert "A&amp;B&lt;C&gt;" in path.read_text(encoding="utf-8")
    with open_census(path) as census:
        [read] = census.children()
    assert read.la_child_id == "A&B<C>\"D'"
    assert (
        read.ethnicity == "WBRI\ufffd"
    )  # a character XML cannot hold is replaced, so the file stays readable


@pytest.mark.parametrize(
    ("year", "element"), [("2018", "GenderCurrent"), ("2024", "GenderCurrent"), ("2025", "Sex")]
)
def test_the_sex_element_follows_the_census_year(year: str, element: str) -> None:
    text = _written(
        _header(year), [ChildRecord(la_child_id="WS000001", sex="U" if element == "Sex" else "0")]
    )
    other = "Sex" if element == "GenderCurrent" else "GenderCurrent"
    assert f"<{element}>" in text and f"<{other}>" not in text


def test_the_year_comes_from_the_reference_date_when_year_is_absent() -> None:
    text = _written(_header("2025", year=None), [ChildRecord(la_child_id="WS000001", sex="M")])
    assert "<Sex>M</Sex>" in text


def test_a_degraded_copy_says_so_in_a_comment_and_in_its_release(tmp_path: Path) -> None:
    path = tmp_path / "degraded.xml"
    write_census(path, _header(degraded=True), [ChildRecord(la_child_id="X1")])
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[1] == f"<!-- {DEGRADED_COMMENT} -->"
    assert "<Release>DEGRADED 2.1</Release>" in text
    with open_census(path) as census:
        assert census.header.degraded
        assert census.header.release == "DEGRADED 2.1"
    # Written again, the marker is not doubled.
    again = tmp_path / "again.xml"
    with open_census(path) as census:
        write_census(again, census.header, census.children())
    assert again.read_bytes() == path.read_bytes()


def test_an_ordinary_copy_has_no_marker() -> None:
    text = _written(_header(), [])
    assert "<!--" not in text and "DEGRADED" not in text and "<Release>2.1</Release>" in text


def test_a_binary_stream_gets_utf8_and_stays_open() -> None:
    stream = io.BytesIO()
    count = write_census(stream, _header(), [ChildRecord(la_child_id="WS000001", ethnicity="Ω")])
    assert count == 1
    assert not stream.closed
    assert "<Ethnicity>Ω</Ethnicity>".encode() in stream.getvalue()


def test_children_are_written_as_they_come(tmp_path: Path) -> None:
    """The writer takes a generator and never needs the children all at once."""
    made = 0

    def children() -> Iterator[ChildRecord]:
        nonlocal made
        for n in range(1000):
            made += 1
            yield ChildRecord(la_child_id=f"WS{n:06d}", sex="1")

    path = tmp_path / "many.xml"
    assert write_census(path, _header(), children()) == 1000
    assert made == 1000
    with open_census(path) as census:
        assert sum(1 for _ in census.children()) == 1000


def test_a_failure_while_writing_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text("the previous export", encoding="utf-8")

    def children() -> Iterator[ChildRecord]:
        yield ChildRecord(la_child_id="WS000001")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        write_census(path, _header(), children())
    assert path.read_text(encoding="utf-8") == "the previous export"
    assert [entry.name for entry in tmp_path.iterdir()] == ["cin.xml"]


def test_a_written_file_has_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    write_census(path, _header(), [])
    assert path.stat().st_mode & 0o044  # readable by group or others, as the umask allows, not 0600
