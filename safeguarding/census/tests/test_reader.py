"""The census reader: what it reads from real and hand-made files, and each refusal with its reason."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safeguarding.census.generator import SyntheticCensus
from safeguarding.census.reader import CensusUnreadable, open_census, read_census
from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINPlan,
    Header,
    Section47,
)
from safeguarding.census.tests import census_xml
from safeguarding.census.writer import write_census


def _write(tmp_path: Path, text: str, name: str = "cin.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _children(source: Path | io.BytesIO) -> list[ChildRecord]:
    with open_census(source) as census:
        return list(census.children())


def _refusal(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "bad.xml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CensusUnreadable) as refused:
        _children(path)
    message = str(refused.value)
    assert "\n" not in message
    return message


# --- What it reads ------------------------------------------------------------------------------------------


def test_reads_the_header_year_and_every_field_of_a_child(tmp_path: Path) -> None:
    path = _write(tmp_path, census_xml(children=2))
    with open_census(path) as census:
        assert census.year_end == 2023
        assert census.header == Header(
            collection="CIN",
            year="2023",
            reference_date="2023-03-31",
            source_level="L",
            lea="335",
            software_code="Test Software",
            release="1.0",
            serial_no="001",
            date_time="2023-04-20T09:00:00",
        )
        children = list(census.children())
    assert [child.la_child_id for child in children] == ["WS000001", "WS000002"]
    child = children[0]
    assert (child.upn, child.birth_date, child.sex, child.sex_element) == (
        "B801200005001",
        "2015-06-01",
        "1",
        "GenderCurrent",
    )
    assert child.expected_birth_date is None and child.former_upn is None
    assert (child.ethnicity, child.has_disabilities_element, child.disabilities) == ("WBRI", True, ["NONE"])
    [episode] = child.cin_details
    assert (episode.referral_date, episode.referral_source, episode.primary_need) == ("2022-05-03", "6", "N1")
    assert (episode.referral_nfa, episode.closure_date, episode.icpc_date) == ("false", None, None)
    [assessment] = episode.assessments
    assert (assessment.start, assessment.authorised, assessment.factors) == (
        "2022-05-04",
        "2022-06-20",
        ["4B", "16A"],
    )
    [enquiry] = episode.section47s
    assert (enquiry.start, enquiry.icpc_target, enquiry.icpc_date, enquiry.icpc_not_required) == (
        "2022-05-04",
        "2022-05-25",
        "2022-05-20",
        "false",
    )
    [plan] = episode.cp_plans
    assert (plan.start, plan.end, plan.initial_category, plan.number_of_previous) == (
        "2022-05-20",
        None,
        "NEG",
        "0",
    )
    assert plan.has_reviews_element and plan.review_dates == ["2022-08-19"]
    assert episode.cin_plans == []


def test_lines_point_at_each_record_start_tag(tmp_path: Path) -> None:
    text = census_xml(children=2)
    lines = text.splitlines()
    child_lines = [number for number, line in enumerate(lines, start=1) if line.strip() == "<Child>"]
    episode_lines = [number for number, line in enumerate(lines, start=1) if line.strip() == "<CINdetails>"]
    plan_lines = [
        number for number, line in enumerate(lines, start=1) if line.strip() == "<ChildProtectionPlans>"
    ]
    children = _children(_write(tmp_path, text))
    assert [child.line for child in children] == child_lines
    assert [child.cin_details[0].line for child in children] == episode_lines
    assert [child.cin_details[0].cp_plans[0].line for child in children] == plan_lines


def test_read_census_yields_the_header_then_each_child_and_takes_a_stream() -> None:
    items = list(read_census(io.BytesIO(census_xml(children=3).encode())))
    assert isinstance(items[0], Header)
    assert [type(item) for item in items[1:]] == [ChildRecord] * 3


def test_a_text_stream_is_read_too() -> None:
    with open_census(io.StringIO(census_xml(children=2))) as census:
        assert len(list(census.children())) == 2


def test_a_file_written_by_the_generator_reads_back_to_the_same_records(tmp_path: Path) -> None:
    census = SyntheticCensus(children=300, year_end=2023, seed=11)
    made = list(census.children())
    path = tmp_path / "synthetic.xml"
    write_census(path, census.header, made)
    read = _children(path)
    assert len(read) == 300
    for original, again in zip(made, read, strict=True):
        again.line = 0
        for episode in again.cin_details:
            episode.line = 0
            records: list[Assessment | CINPlan | Section47 | ChildProtectionPlan] = [
                *episode.assessments,
                *episode.cin_plans,
                *episode.section47s,
                *episode.cp_plans,
            ]
            for record in records:
                record.line = 0
        assert again == original


def test_reading_then_writing_gives_the_same_file(tmp_path: Path) -> None:
    census = SyntheticCensus(children=200, year_end=2025, seed=4)
    first = tmp_path / "first.xml"
    write_census(first, census.header, census.children())
    with open_census(first) as opened:
        second = tmp_path / "second.xml"
        write_census(second, opened.header, opened.children())
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("message_open", "message_close"),
    [
        (
            '<Message xmlns="http://www.dfe.gov.uk/CIN/Census" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
            "</Message>",
        ),
        ('<cin:Message xmlns:cin="http://www.dfe.gov.uk/CIN/Census">', "</cin:Message>"),
    ],
)
def test_namespaces_are_ignored(tmp_path: Path, message_open: str, message_close: str) -> None:
    text = census_xml(children=2, message_open=message_open, message_close=message_close)
    children = _children(_write(tmp_path, text))
    assert [child.la_child_id for child in children] == ["WS000001", "WS000002"]


def test_prefixed_elements_inside_are_read_by_their_local_names(tmp_path: Path) -> None:
    text = census_xml(message_open='<Message xmlns:c="urn:cin">').replace(
        "<LAchildID>WS000001</LAchildID>", "<c:LAchildID>WS000001</c:LAchildID>"
    )
    assert _children(_write(tmp_path, text))[0].la_child_id == "WS000001"


@pytest.mark.parametrize(
    ("year", "element", "value"),
    [(2023, "GenderCurrent", "2"), (2025, "Sex", "F"), (2018, "GenderCurrent", "0")],
)
def test_both_sex_elements_are_read(tmp_path: Path, year: int, element: str, value: str) -> None:
    text = census_xml(year=year, sex=f"<{element}>{value}</{element}>")
    child = _children(_write(tmp_path, text))[0]
    assert (child.sex, child.sex_element) == (value, element)


def test_unknown_elements_are_skipped(tmp_path: Path) -> None:
    text = census_xml().replace(
        "<ReferralNFA>false</ReferralNFA>",
        "<PreProceedingsandFGDM><PPStartDate>2022-07-01</PPStartDate><LAchildID>NOT-ME</LAchildID>"
        "</PreProceedingsandFGDM><ReferralNFA>false</ReferralNFA><Extra attr='1'>text</Extra>",
    )
    child = _children(_write(tmp_path, text))[0]
    assert child.la_child_id == "WS000001"
    assert child.cin_details[0].referral_nfa == "false"


def test_bad_values_are_kept_as_text_for_the_rules(tmp_path: Path) -> None:
    text = census_xml(ethnicity="ZZZZ", cpp_start="2022-02-30").replace(
        "<UPN>B801200005001</UPN>", "<UPN>  </UPN>"
    )
    child = _children(_write(tmp_path, text))[0]
    assert child.ethnicity == "ZZZZ"
    assert child.cin_details[0].cp_plans[0].start == "2022-02-30"
    assert child.upn == ""  # present but empty, not absent


def test_escaped_text_and_character_references_are_decoded(tmp_path: Path) -> None:
    text = census_xml().replace("WS000001", "WS&amp;00&#49;")
    assert _children(_write(tmp_path, text))[0].la_child_id == "WS&001"


def test_the_year_comes_from_the_reference_date_when_year_is_missing(tmp_path: Path) -> None:
    text = census_xml(year=2024).replace("<Year>2024</Year>", "")
    with open_census(_write(tmp_path, text)) as census:
        assert census.year_end == 2024


def test_an_empty_children_element_is_a_file_with_no_children(tmp_path: Path) -> None:
    text = census_xml().split("<Children>")[0] + "<Children/>\n</Message>\n"
    assert _children(_write(tmp_path, text)) == []


def test_a_degraded_copy_is_recognised_from_its_release(tmp_path: Path) -> None:
    text = census_xml().replace("<Release>1.0</Release>", "<Release>DEGRADED 1.0</Release>")
    with open_census(_write(tmp_path, text)) as census:
        assert census.header.degraded


def test_the_header_is_available_before_the_children_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, census_xml(children=5))
    census = open_census(path)
    assert census.header.lea == "335"
    assert census.bytes_read > 0 and census.total_bytes == path.stat().st_size
    assert len(list(census.children())) == 5
    census.close()


# --- Refusals -----------------------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Message><Header>&lol3;</Header></Message>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">
<Message/>
"""


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"]
)
def test_document_type_declarations_are_refused_before_anything_expands(tmp_path: Path, text: str) -> None:
    message = _refusal(tmp_path, text)
    assert message.startswith("line 2, element <!DOCTYPE Message>: the file has a document type declaration")
    assert "root" not in message


def test_an_undeclared_entity_is_refused(tmp_path: Path) -> None:
    message = _refusal(tmp_path, census_xml().replace("WS000001", "&secret;"))
    assert "element <LAchildID>" in message and "undefined entity" in message


def test_a_truncated_file_says_where_it_ends(tmp_path: Path) -> None:
    text = census_xml(children=3)
    cut = text[: text.index("<Ethnicity>", text.index("WS000002"))]
    message = _refusal(tmp_path, cut)
    last_line = cut.count("\n") + 1
    assert (
        message
        == f"line {last_line}, element <ChildCharacteristics>: the file ends before </Message> (truncated)"
    )


def test_a_file_cut_after_a_whole_child_is_truncated_too(tmp_path: Path) -> None:
    text = census_xml(children=2)
    cut = text[: text.index("</Children>")]
    assert _refusal(tmp_path, cut).endswith("element <Children>: the file ends before </Message> (truncated)")


def test_the_wrong_root_is_refused(tmp_path: Path) -> None:
    message = _refusal(tmp_path, '<?xml version="1.0"?>\n<Workbook><Sheet/></Workbook>\n')
    assert message == "line 2, element <Workbook>: expected <Message> as the root element of a CIN census"


@pytest.mark.parametrize(
    "content",
    [b"LAchildID,UPN\nWS000001,B801200005001\n", b"%PDF-1.4\n\x00\x01binary", "Child\u2019s name".encode()],
    ids=["csv", "pdf", "text"],
)
def test_a_file_that_is_not_xml_is_refused(tmp_path: Path, content: bytes) -> None:
    assert _refusal(tmp_path, content).startswith("line 1: not an XML file (")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path, b"") == "line 1: the file is empty, or holds no XML element"


def test_mismatched_tags_are_refused_as_not_well_formed(tmp_path: Path) -> None:
    message = _refusal(tmp_path, census_xml().replace("</Ethnicity>", "</Ethnic>"))
    assert "element <Ethnicity>: not well-formed XML (mismatched tag)" in message


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, settings: Any) -> None:
    settings.CENSUS_MAX_FILE_BYTES = 1000
    path = _write(tmp_path, census_xml(children=3))
    with pytest.raises(CensusUnreadable) as refused:
        open_census(path)
    size = path.stat().st_size
    assert str(refused.value) == (
        f"the file is {size / 1024:g} KB, over the 1000 bytes limit for a census file "
        "(setting CENSUS_MAX_FILE_BYTES)"
    )


def test_a_stream_over_the_size_limit_is_refused_while_reading(settings: Any) -> None:
    settings.CENSUS_MAX_FILE_BYTES = 2048
    stream = io.BytesIO(census_xml(children=20).encode())
    with pytest.raises(CensusUnreadable, match=r"^the file is more than 2 KB, over the 2 KB limit"):
        _children(stream)


def test_the_default_limit_is_200_mb(settings: Any) -> None:
    from safeguarding.census.reader import max_file_bytes

    del settings.CENSUS_MAX_FILE_BYTES
    assert max_file_bytes() == 200 * 1024 * 1024


def test_a_file_within_the_limit_is_read(tmp_path: Path, settings: Any) -> None:
    path = _write(tmp_path, census_xml(children=3))
    settings.CENSUS_MAX_FILE_BYTES = path.stat().st_size
    assert len(_children(path)) == 3


def _without(text: str, first: str, last: str) -> str:
    return text[: text.index(first)] + text[text.index(last) + len(last) :]


NO_YEAR = "no census year: <Year> is missing or not a year, and <ReferenceDate> is not a date"
TOO_EARLY = "census year 2016-17 is too early: the platform reads the CIN census from 2017-18 (Year 2018) on"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda text: _without(text, "<Header>", "</Header>"),
            "element <Children>: <Children> comes before any <Header>; a census file starts with its header",
        ),
        (
            lambda text: _without(text, "<CollectionDetails>", "</CollectionDetails>"),
            "element <Header>: the <Header> has no <CollectionDetails>",
        ),
        (
            lambda text: _without(text, "<Year>", "</ReferenceDate>"),
            f"element <CollectionDetails>: {NO_YEAR}",
        ),
        (
            lambda text: text.replace("<Year>2023</Year>", "<Year>2017</Year>"),
            f"<CollectionDetails>: {TOO_EARLY}",
        ),
        (
            lambda text: text.replace("<Year>2023</Year>", "<Year>2999</Year>"),
            "element <CollectionDetails>: census year 2998-99 is in the future",
        ),
        (
            lambda text: _without(text, "<Children>", "</Children>"),
            "element <Message>: the file has no <Children>",
        ),
        (lambda text: "<Message/>", "element <Message>: the file has no <Header>"),
    ],
    ids=["no-header", "no-collection-details", "no-year", "too-early", "future", "no-children", "empty"],
)
def test_a_file_missing_what_makes_it_a_census_is_refused(
    tmp_path: Path, change: Callable[[str], str], expected: str
) -> None:
    message = _refusal(tmp_path, change(census_xml()))
    assert message.startswith("line ") and message.endswith(expected)


def test_a_missing_file_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(CensusUnreadable, match=r"^cannot open nowhere\.xml: No such file"):
        open_census(tmp_path / "nowhere.xml")


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files through /proc")
def test_files_are_closed_after_a_refusal_and_after_reading(tmp_path: Path) -> None:
    bad = _write(tmp_path, "<Workbook/>", "bad.xml")
    good = _write(tmp_path, census_xml(), "good.xml")
    before = _open_descriptors()
    with pytest.raises(CensusUnreadable):
        open_census(bad)
    assert len(list(read_census(good))) == 2
    assert _open_descriptors() == before
