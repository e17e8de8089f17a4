"""CSV exports: no cell can start a spreadsheet formula (OWASP CSV injection), and output streams."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse

from safeguarding.core.exports import csv_line, csv_lines, neutralise, streaming_csv_response


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
