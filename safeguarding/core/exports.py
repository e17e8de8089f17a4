"""Exports people open in spreadsheets: CSV written so that no cell can run as a formula.

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
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.http import StreamingHttpResponse

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
