"""Read Annex A lists from the Ofsted workbook (xlsx) or from CSV files, mapping their columns.

    tables = read_annex_a([Path("annex-a.xlsx")])          # every list the workbook holds
    tables = read_annex_a([Path("referrals.csv")], list_number=3)

A workbook holds one sheet per list. The sheet's list is read from its name ("List 3", "list3 referrals",
"L3") or, failing that, from its header row (each list has one column no other list has: the "signature"
in columns.py). A CSV file holds one list, told by `list_number`, by its name ("list_3.csv") or by its
header row. The header row is the first of the first ten rows that has a "Child Unique ID" column (or an
alias), so title rows above it are passed over.

Headings are matched ignoring case, spaces and punctuation, with the aliases columns.py lists. Columns the
list does not have are ignored with a note; a list without one of its required columns is refused
(AnnexAUnreadable, naming the list, the sheet and the column), and so nothing is imported from any file.
Sheets with no such header row (guidance, look-up lists) and lists 9 to 11 are passed over with a note.

Workbooks are read with openpyxl in read-only mode (rows stream from the file); formulas are read as the
values Excel last saved.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from safeguarding.census.annexa.columns import LISTS, NOT_IMPORTED_LISTS, AnnexList, Column, Use
from safeguarding.census.annexa.values import cell_text, normalised

HEADER_SEARCH_ROWS = 10
_LIST_NAME = re.compile(r"(?:^|[^a-z])(?:list|l)[\s_\-]*0?(\d{1,2})(?!\d)", re.IGNORECASE)
_CHILD_ID_HEADINGS = frozenset(normalised(h) for h in LISTS[1].column("child_id").headings())


class AnnexAUnreadable(Exception):
    """A file, sheet or list that cannot be imported at all; the message says which and why, on one line."""


@dataclass(slots=True)
class SheetRow:
    number: int  # the row number as the spreadsheet shows it (CSV: the line number)
    values: dict[str, Any]  # column key -> the cell's value as read (text, number, date or None)


@dataclass
class ListTable:
    """One list read from one sheet or CSV file."""

    annex_list: AnnexList
    source: str  # "annex-a.xlsx, sheet 'List 3'" or "referrals.csv"
    columns: list[Column]  # the list's columns found in the header row
    rows: list[SheetRow] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)


@dataclass
class ReadResult:
    tables: list[ListTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def list_number_from_name(name: str) -> int | None:
    """The list number a sheet or file name gives ("List 3", "list_03.csv", "L8 Children in care")."""
    match = _LIST_NAME.search(name)
    return int(match.group(1)) if match else None


def read_annex_a(paths: Sequence[Path], *, list_number: int | None = None) -> ReadResult:
    """Every Annex A list 1-8 the files hold, with notes on what was passed over. Raises AnnexAUnreadable."""
    result = ReadResult()
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in {".xlsx", ".xlsm"}:
            _read_workbook(path, result)
        elif suffix in {".csv", ".txt"}:
            _read_csv(path, list_number, result)
        else:
            raise AnnexAUnreadable(f"{path.name}: not an Annex A file (expected .xlsx or .csv)")
    return result


# --- Workbooks ----------------------------------------------------------------------------------------------


def _read_workbook(path: Path, result: ReadResult) -> None:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise AnnexAUnreadable(f"{path}: no such file") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise AnnexAUnreadable(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    try:
        for sheet in workbook.worksheets:
            source = f"{path.name}, sheet {sheet.title!r}"
            rows = (tuple(row) for row in sheet.iter_rows(values_only=True))
            table = _read_table(rows, source, list_number_from_name(sheet.title), result, first_row=1)
            if table is not None:
                result.tables.append(table)
    finally:
        workbook.close()


# --- CSV ----------------------------------------------------------------------------------------------------


def _csv_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without Excel's byte order mark), else Windows-1252 as Excel saves."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnnexAUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path, list_number: int | None, result: ReadResult) -> None:
    rows = (tuple(row) for row in csv.reader(io.StringIO(_csv_text(path), newline="")))
    hint = list_number if list_number is not None else list_number_from_name(path.stem)
    table = _read_table(rows, path.name, hint, result, first_row=1, must_hold_list=True)
    if table is not None:
        result.tables.append(table)


# --- Either -------------------------------------------------------------------------------------------------


def _find_header(rows: Iterator[tuple[Any, ...]], first_row: int) -> tuple[int, tuple[Any, ...]] | None:
    """The header row (its number and cells): the first of the first ten with a Child Unique ID heading."""
    for offset, row in enumerate(rows):
        if offset >= HEADER_SEARCH_ROWS:
            return None
        if any(normalised(cell_text(cell)) in _CHILD_ID_HEADINGS for cell in row):
            return first_row + offset, row
    return None


def _list_from_header(headings: Iterable[str]) -> AnnexList | None:
    """The list whose signature column the header row holds (if several, the one most headings match)."""
    found = {normalised(heading) for heading in headings}
    candidates = [
        annex_list
        for annex_list in LISTS.values()
        if found & {normalised(h) for h in annex_list.column(annex_list.signature).headings()}
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda annex_list: len(found & set(annex_list.heading_index())))


def _read_table(
    rows: Iterator[tuple[Any, ...]],
    source: str,
    hint: int | None,
    result: ReadResult,
    *,
    first_row: int,
    must_hold_list: bool = False,
) -> ListTable | None:
    if hint is not None and hint in NOT_IMPORTED_LISTS:
        result.notes.append(f"{source}: list {hint} ({NOT_IMPORTED_LISTS[hint]}) is not imported")
        return None
    if hint is not None and hint not in LISTS:
        hint = None  # a name such as "Sheet12": the header decides
    header = _find_header(rows, first_row)
    if header is None:
        if must_hold_list or hint is not None:
            raise AnnexAUnreadable(
                f"{source}: no header row with a 'Child Unique ID' column "
                f"in the first {HEADER_SEARCH_ROWS} rows"
            )
        result.notes.append(f"{source}: no Annex A header row (no 'Child Unique ID' column); sheet not read")
        return None
    header_number, header_cells = header
    headings = [cell_text(cell) for cell in header_cells]
    annex_list = LISTS[hint] if hint is not None else _list_from_header(headings)
    if annex_list is None:
        raise AnnexAUnreadable(
            f"{source}: cannot tell which Annex A list this is; name the sheet 'List N' "
            "(or pass --list N for a CSV file), or include the list's date column (e.g. 'Date of referral')"
        )
    positions = _map_columns(annex_list, headings, source, result)
    table = ListTable(annex_list=annex_list, source=source, columns=list(positions))
    for number, cells in enumerate(rows, start=header_number + 1):
        values = {
            column.key: cells[index] if index < len(cells) else None for column, index in positions.items()
        }
        if all(cell_text(value) == "" for value in values.values()):
            continue  # blank rows (and the template's formatted but empty rows) are not data
        table.rows.append(SheetRow(number=number, values=values))
    return table


def _map_columns(
    annex_list: AnnexList, headings: list[str], source: str, result: ReadResult
) -> dict[Column, int]:
    """Each of the list's columns found in the header row, with its position; notes for the rest."""
    index = annex_list.heading_index()
    positions: dict[Column, int] = {}
    for position, heading in enumerate(headings):
        if not heading:
            continue
        column = index.get(normalised(heading))
        if column is None:
            result.notes.append(
                f"{source}: column {heading!r} is not an Annex A {annex_list.label} column; ignored"
            )
        elif column in positions:
            result.notes.append(
                f"{source}: column {heading!r} repeats {column.heading!r}; the first one is read"
            )
        else:
            positions[column] = position
    for column in annex_list.columns:
        if column.required and column not in positions:
            others = ", ".join(repr(alias) for alias in column.aliases)
            also = f" (also accepted: {others})" if others else ""
            raise AnnexAUnreadable(
                f"{annex_list.label}, {source}: required column {column.heading!r} not found{also}"
            )
    missing = [c.heading for c in annex_list.columns if c.use is Use.STORED and c not in positions]
    if missing:
        result.notes.append(
            f"{source}: no column "
            + ", ".join(repr(h) for h in missing)
            + "; those values are left as they are"
        )
    return positions
