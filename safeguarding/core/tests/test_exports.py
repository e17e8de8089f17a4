"""CSV exports: no cell can start a spreadsheet formula (OWASP CSV injection), and output streams."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.http import StreamingHttpResponse

from safeguarding.core.exports import (
    XLSX_CONTENT_TYPE,
    csv_line,
    csv_lines,
    neutralise,
    streaming_csv_response,
    xlsx_bytes,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://attacker.example","Click")', '\'=HYPERLINK("http://attacker.example","Click")'),
        ("-2+3", "'-2+3"),
        ("+44 1922 650000", "'+44 1922 650000"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=1+1", "'=1+1"),
        # A negative number is neutralised too: the rule is about the first character, whatever follows.
        ("-5", "'-5"),
        (-5, "'-5"),
        (Decimal("-1.5"), "'-1.5"),
    ],
)
def test_cells_that_would_start_a_formula_get_an_apostrophe(value: object, written: str) -> None:
    assert neutralise(value) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Ada Worker", "Ada Worker"),
        ("St Mary's C of E Primary", "St Mary's C of E Primary"),
        ("Referral about a 12-year-old", "Referral about a 12-year-old"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        (42, "42"),
        (3.5, "3.5"),
        (0, "0"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (date(2025, 4, 1), "2025-04-01"),
        (datetime(2025, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London")), "2025-07-01T09:00:00+01:00"),
        ({"b": 1, "a": "é"}, '{"a": "é", "b": 1}'),
    ],
)
def test_ordinary_text_and_numbers_are_unchanged(value: object, written: str) -> None:
    assert neutralise(value) == written


def test_a_formula_hidden_in_a_structure_is_neutralised_once_it_is_text() -> None:
    # A list starts with "[", so it cannot start a formula; a string inside it stays inside the cell.
    assert neutralise(["=1+1"]) == '["=1+1"]'


def test_csv_line_quotes_and_neutralises_every_cell() -> None:
    line = csv_line(["Name, with comma", '=HYPERLINK("x")', "plain", -5, "line\nbreak"])
    assert list(csv.reader(io.StringIO(line))) == [
        ["Name, with comma", '\'=HYPERLINK("x")', "plain", "'-5", "line\nbreak"]
    ]


def test_header_is_neutralised_too_and_bom_comes_first() -> None:
    lines = list(csv_lines(["=Header", "Second"], [["a", "b"]]))
    assert lines[0] == "\ufeff'=Header,Second\r\n"
    assert lines[1] == "a,b\r\n"
    assert next(csv_lines(["x"], [], excel_bom=False)) == "x\r\n"


def test_rows_are_produced_one_at_a_time() -> None:
    produced: list[int] = []

    def rows() -> object:
        for n in range(3):
            produced.append(n)
            yield [n]

    lines = csv_lines(["n"], rows())  # type: ignore[arg-type]
    next(lines)
    assert produced == []
    next(lines)
    assert produced == [0]


def test_streaming_csv_response() -> None:
    response = streaming_csv_response(
        filename="report-2025.csv", header=["Label"], rows=[["@evil"], ["fine"]]
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report-2025.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert body == "\ufeffLabel\r\n'@evil\r\nfine\r\n"


@pytest.mark.parametrize("filename", ["", "a b.csv", 'x".csv', "../etc.csv", "r\n.csv"])
def test_streaming_csv_response_refuses_unsafe_file_names(filename: str) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        streaming_csv_response(filename=filename, header=["x"], rows=[])


# --- XLSX ------------------------------------------------------------------------------------------------


def _workbook_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _workbook_types(content: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.data_type for cell in row] for row in sheet.iter_rows()]


def test_xlsx_text_cells_are_neutralised_exactly_as_the_csv_rule_does() -> None:
    attacks = [
        '=HYPERLINK("http://attacker.example","Click")',
        "+44 1922",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
    ]
    content = xlsx_bytes(["=header", "plain"], [attacks, ["Ada Worker", "-5"]])
    rows = _workbook_rows(content)
    assert rows[0][:2] == ["'=header", "plain"]
    assert rows[1][:5] == [neutralise(text) for text in attacks[:5]]
    # Python's XML parser reads a carriage return back as a line feed, lxml (installed with python-docx, and
    # used by openpyxl when present) keeps it; the apostrophe in front is what matters.
    assert rows[1][5] in ("'\r=1", "'\n=1")
    assert rows[1][0] == '\'=HYPERLINK("http://attacker.example","Click")'
    assert rows[2][:2] == ["Ada Worker", "'-5"]  # "-5" typed as text stays text, neutralised
    # No cell of the workbook is a formula.
    assert all(kind != "f" for row in _workbook_types(content) for kind in row)


def test_xlsx_numbers_are_written_as_numbers_negative_ones_included() -> None:
    content = xlsx_bytes(["n"], [[42], [-5], [12.5], [Decimal("-1.5")], [None], [True], [date(2023, 3, 31)]])
    rows = _workbook_rows(content)
    assert rows == [["n"], [42], [-5], [12.5], [-1.5], [None], ["yes"], ["2023-03-31"]]
    assert [row[0] for row in _workbook_types(content)[1:5]] == ["n", "n", "n", "n"]


def test_xlsx_drops_control_characters_a_workbook_cannot_hold_and_keeps_infinity_as_text() -> None:
    rows = _workbook_rows(xlsx_bytes(["a", "b"], [["bell\x07 here", float("inf")]]))
    assert rows[1] == ["bell here", "inf"]


def test_xlsx_response_is_a_download_and_refuses_unsafe_file_names() -> None:
    response = xlsx_response(filename="scorecard-2022-23.xlsx", header=["a"], rows=[[1]])
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2022-23.xlsx"'
    assert _workbook_rows(response.content) == [["a"], [1]]
    with pytest.raises(ValueError, match="plain file name"):
        xlsx_response(filename='x".xlsx', header=["a"], rows=[])
