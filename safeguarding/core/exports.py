"""Exports people open in spreadsheets: CSV and XLSX written so that no cell can run as a formula.

CSV injection (also called formula injection): a spreadsheet program opening a CSV file treats a cell that
starts with `=`, `+`, `-` or `@` as a formula, and a tab or carriage return at the start can smuggle one
past a first character check. A formula planted in data people type (a name, a record label) can then run
when a manager opens the export: fetch a web address, leak other cells, or worse through DDE.

The defence is OWASP's: prefix every cell that starts with one of those six characters with an apostrophe,
so the spreadsheet reads the cell as text. (Some programs show the apostrophe; it tells the reader the cell
was neutralised.)
Source: OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection (the list of
characters `=`, `+`, `-`, `@`, tab 0x09 and carriage return 0x0D is theirs).

Negative numbers: a cell starting with "-" is neutralised whatever it holds, so -5 is written as '-5 and a
spreadsheet shows it as text. That follows the rule as the platform's requirement states it (issue 2,
section 5) and costs little: a reader who needs arithmetic on a negative figure can convert the column. The
alternative, passing numbers through untouched, would need every exporter to get the type right for
safety; one rule for every cell cannot be got wrong.

XLSX: a workbook cell has a type, so a number written as a number cannot be a formula, and numbers stay
numbers there (negative ones included: a spreadsheet does arithmetic on them). Every text cell gets the CSV
rule above, apostrophe and all, and is written as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# The first characters that make a spreadsheet read a cell as a formula (OWASP, see above).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"
# Excel reads a CSV file as the machine's legacy code page unless it starts with a UTF-8 byte order mark;
# without it, names with accents arrive garbled.
UTF8_BOM = "\ufeff"


def cell_text(value: Any) -> str:
    """A value as the text of one cell: None empty, booleans yes/no, dates ISO, structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def neutralise(value: Any) -> str:
    """The cell's text, with an apostrophe in front when it would otherwise start a formula."""
    text = cell_text(value)
    if text.startswith(FORMULA_TRIGGERS):
        return NEUTRALISING_PREFIX + text
    return text


class _Line:
    """A file-like object whose write() hands back what was written, so csv.writer can make one line."""

    def write(self, text: str) -> str:
        return text


def csv_line(values: Iterable[Any]) -> str:
    """One CSV line (with its line ending), every cell neutralised."""
    writer = csv.writer(_Line())
    return str(writer.writerow([neutralise(value) for value in values]))


def csv_lines(
    header: Sequence[str], rows: Iterable[Iterable[Any]], *, excel_bom: bool = True
) -> Iterator[str]:
    """The lines of a CSV file, produced one at a time so a long export never sits in memory."""
    first = csv_line(header)
    yield (UTF8_BOM + first) if excel_bom else first
    for row in rows:
        yield csv_line(row)


def streaming_csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]], excel_bom: bool = True
) -> StreamingHttpResponse:
    """A CSV download produced row by row as it is sent. `filename` must be plain (letters, digits, -_.)."""
    if not filename or any(not (ch.isascii() and (ch.isalnum() or ch in "-_.")) for ch in filename):
        raise ValueError(f"Not a plain file name: {filename!r}")
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows, excel_bom=excel_bom)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX ------------------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters XML 1.0 cannot hold (tab, line feed and carriage return it can); a cell holding one
# would make the whole workbook unreadable, so they are dropped.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A sheet name: at most 31 characters, none of these.
_SHEET_NAME_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def is_number(value: Any) -> bool:
    """A finite int, float or Decimal (not a boolean, which is written as yes/no like the CSV)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(value)


def xlsx_cell(sheet: Worksheet, value: Any) -> Cell:
    """One cell: a number as a number, None as an empty cell, anything else as neutralised text.

    Neutralised text never starts with "=", so openpyxl stores it as text (it reads a leading "=" as a
    formula); the assertion keeps it that way should the rule ever change.
    """
    if value is None or is_number(value):
        number = float(value) if isinstance(value, Decimal) else value
        return WriteOnlyCell(sheet, value=number)
    cell = WriteOnlyCell(sheet, value=_XML_ILLEGAL.sub("", neutralise(value)))
    assert cell.data_type == "s", "a text cell must never become a formula"
    return cell


def xlsx_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]], *, sheet_title: str = "Export") -> bytes:
    """A one-sheet workbook: the header row, then the rows, every cell through `xlsx_cell`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_SHEET_NAME_ILLEGAL.sub(" ", sheet_title)[:31] or "Export")
    sheet.append([xlsx_cell(sheet, name) for name in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]], sheet_title: str = "Export"
) -> HttpResponse:
    """An XLSX download. `filename` must be plain (letters, digits, -_.)."""
    if not filename or any(not (ch.isascii() and (ch.isalnum() or ch in "-_.")) for ch in filename):
        raise ValueError(f"Not a plain file name: {filename!r}")
    response = HttpResponse(xlsx_bytes(header, rows, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
