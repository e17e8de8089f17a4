"""Read a DfE children in need (CIN) census XML file as a stream of records.

    with open_census("cin.xml") as census:      # reads as far as the end of the <Header>
        census.header, census.year_end           # the header, and 2023 for the 2022-23 census
        for child in census.children():          # one ChildRecord at a time, as the file is read
            ...

or ``for item in read_census("cin.xml")``, which yields the Header and then each ChildRecord.

The file is parsed with the standard library's expat parser (C, streaming, no tree): memory stays flat
however many children the file holds, because each <Child> is handed over as soon as its end tag is read.

Hostile or broken files are refused with ``CensusUnreadable``, whose message is one line naming the line
and element where the reading stopped:

- a document type declaration (<!DOCTYPE ...>) or an entity declaration is refused as soon as it starts,
  before anything in it is expanded, so "billion laughs" and external entity (XXE) files never expand and
  nothing is fetched. Census files never need a DTD (the DfE publishes an XML Schema);
- a file over ``settings.CENSUS_MAX_FILE_BYTES`` (default 200 MB), checked before reading a named file and
  while reading a stream;
- not XML, not well formed, truncated, a root other than <Message>, no <Header>, <CollectionDetails>,
  census year or <Children>, or a census year before 2017-18.

Everything inside a child is kept as text (records.py): a bad date or an unknown code is for the validation
rules to report as a finding, never a reason to refuse the file. Namespaces are ignored (real files may
carry an xmlns on <Message>, or prefixes), and elements the reader does not know are skipped.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings

from safeguarding.census.records import (
    Assessment,
    ChildProtectionPlan,
    ChildRecord,
    CINDetails,
    CINPlan,
    Header,
    Section47,
    as_date,
)
from safeguarding.census.rules.base import EARLIEST_YEAR

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
READ_CHUNK_BYTES = 1024 * 1024

# What `export cin --degrade` writes at the start of <Release> (writer.py), so a degraded copy is
# recognised when read back.
DEGRADED_RELEASE_MARKER = "DEGRADED"

CensusSource = str | os.PathLike[str] | IO[bytes] | IO[str]


class CensusUnreadable(Exception):
    """The file cannot be read as a CIN census at all. The message is one line for a person, naming the
    line and the element where reading stopped when they are known."""

    def __init__(self, reason: str, *, line: int | None = None, element: str | None = None) -> None:
        self.reason = reason
        self.line = line
        self.element = element
        where = []
        if line:
            where.append(f"line {line}")
        if element:
            where.append(f"element <{element}>")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)


def max_file_bytes() -> int:
    return int(getattr(settings, "CENSUS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def _describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


def _label(year_end: int) -> str:
    return f"{year_end - 1}-{year_end % 100:02d}"


def census_year_end(header: Header) -> int | None:
    """The year the census ends (2023 for 2022-23) from <Year>, or from <ReferenceDate> when <Year> is
    absent or not a year; None when neither says."""
    text = (header.year or "").strip()
    if len(text) == 4 and text.isdigit():
        return int(text)
    reference = as_date(header.reference_date)
    if reference is not None:
        # The reference date is 31 March of the census's last year; a date after March belongs to the
        # census ending the following March.
        return reference.year if reference.month <= 3 else reference.year + 1
    return None


# --- The parser --------------------------------------------------------------------------------------------
#
# Expat calls three handlers: start tag, end tag, text. The handlers look up what to do in tables keyed by
# (parent element, element), both local names with any namespace prefix removed:
#
# - _OPENERS: on a start tag, make the record the element holds (a child, an episode, a plan...);
# - _CLOSERS: on the end tag of an element whose text is kept, store it in the record being filled;
# - _CONTAINER_CLOSERS: on the end tag of a <Header> or <Child>, hand the finished record over.
#
# Anything not in the tables (an unknown element, or a known one in the wrong place) is skipped.

Opener = Callable[["_CensusParser"], None]
Closer = Callable[["_CensusParser", str], None]


class _CensusParser:
    """Turns expat's events into a Header and ChildRecords, queued in ``ready`` as each is finished."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.buffer_size = 64 * 1024
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.parser.ExternalEntityRefHandler = self._external_entity
        self.stack: list[str] = []  # the open elements' local names
        self.closers: list[Closer | None] = []  # what to do at the end of each open element (root excepted)
        self.chars = ""
        self.ready: deque[Header | ChildRecord] = deque()
        self.root_seen = False
        self.header: Header | None = None
        self.header_done = False
        self.collection_details_seen = False
        self.children_seen = False
        self.year_end = 0
        self.child: ChildRecord | None = None
        self.episode: CINDetails | None = None
        self.assessment: Assessment | None = None
        self.cin_plan: CINPlan | None = None
        self.section47: Section47 | None = None
        self.cp_plan: ChildProtectionPlan | None = None

    # -- where we are, for messages

    @property
    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def unreadable(self, reason: str, *, element: str | None = None) -> CensusUnreadable:
        if element is None and self.stack:
            element = self.stack[-1]
        return CensusUnreadable(reason, line=self.line, element=element)

    # -- expat handlers

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        stack = self.stack
        if not stack:
            self._root_started(name)
            return
        key = (stack[-1], name)
        stack.append(name)
        opener = _OPENERS.get(key)
        if opener is not None:
            opener(self)
        leaf = _CLOSERS.get(key)
        self.closers.append(leaf or _CONTAINER_CLOSERS.get(key))
        if leaf is not None:
            # Text is collected only inside the elements whose text is kept: the indentation between
            # elements never reaches Python, which keeps a 100,000-child file quick to read.
            self.chars = ""
            self.parser.CharacterDataHandler = self._text

    def _end(self, _name: str) -> None:
        self.stack.pop()
        if not self.stack:
            self._message_ended()
            return
        closer = self.closers.pop()
        if closer is not None:
            self.parser.CharacterDataHandler = None
            closer(self, self.chars.strip())

    def _text(self, data: str) -> None:
        self.chars += data

    def _root_started(self, name: str) -> None:
        if self.root_seen:
            raise self.unreadable("more than one root element", element=name)
        self.root_seen = True
        if name != "Message":
            raise self.unreadable("expected <Message> as the root element of a CIN census", element=name)
        self.stack.append(name)

    def _doctype(self, name: str, *_args: Any) -> None:
        raise self.unreadable(
            "the file has a document type declaration (DTD); census files never need one, and DTDs "
            "and entities are refused so entity expansion and external entities cannot be used",
            element=f"!DOCTYPE {name}",
        )

    def _entity(self, name: str, *_args: Any) -> None:
        raise self.unreadable("entity declarations are refused", element=f"!ENTITY {name}")

    def _external_entity(self, *_args: Any) -> int:
        raise self.unreadable("external entities are refused")

    # -- what the tables call

    def header_open(self) -> None:
        if self.header is not None:
            raise self.unreadable("more than one <Header>")
        self.header = Header()

    def header_close(self) -> None:
        header = self.header
        assert header is not None  # opened by header_open
        if not self.collection_details_seen:
            raise self.unreadable("the <Header> has no <CollectionDetails>", element="Header")
        year_end = census_year_end(header)
        if year_end is None:
            raise self.unreadable(
                "no census year: <Year> is missing or not a year, and <ReferenceDate> is not a date",
                element="CollectionDetails",
            )
        if year_end < EARLIEST_YEAR:
            raise self.unreadable(
                f"census year {_label(year_end)} is too early: the platform reads the CIN census from "
                f"{_label(EARLIEST_YEAR)} (Year {EARLIEST_YEAR}) on",
                element="CollectionDetails",
            )
        latest = date.today().year + 1
        if year_end > latest:
            raise self.unreadable(
                f"census year {_label(year_end)} is in the future",
                element="CollectionDetails",
            )
        header.degraded = (header.release or "").startswith(DEGRADED_RELEASE_MARKER)
        self.year_end = year_end
        self.header_done = True
        self.ready.append(header)

    def children_open(self) -> None:
        if not self.header_done:
            raise self.unreadable(
                "<Children> comes before any <Header>; a census file starts with its header"
            )
        self.children_seen = True

    def child_open(self) -> None:
        if self.children_seen:
            self.child = ChildRecord(line=self.line)

    def child_close(self) -> None:
        if self.child is not None:
            self.ready.append(self.child)
        self.child = None
        self.episode = None

    def _message_ended(self) -> None:
        if self.header is None:
            raise self.unreadable("the file has no <Header>", element="Message")
        if not self.children_seen:
            raise self.unreadable("the file has no <Children>", element="Message")


def _open_record(kind: type[Any], slot: str, parent_slot: str, list_name: str) -> Opener:
    """An opener making a new ``kind`` record, appended to ``list_name`` of the record in ``parent_slot``."""

    def open_record(p: _CensusParser) -> None:
        parent = getattr(p, parent_slot)
        if parent is None:
            setattr(p, slot, None)
            return
        record = kind(line=p.line)
        getattr(parent, list_name).append(record)
        setattr(p, slot, record)

    return open_record


def _set(slot: str, attribute: str) -> Closer:
    """A closer storing the element's text as ``attribute`` of the record in ``slot`` (if there is one)."""

    def store(p: _CensusParser, text: str) -> None:
        record = getattr(p, slot)
        if record is not None:
            setattr(record, attribute, text)

    return store


def _append(slot: str, list_name: str) -> Closer:
    def append(p: _CensusParser, text: str) -> None:
        record = getattr(p, slot)
        if record is not None:
            getattr(record, list_name).append(text)

    return append


def _flag(slot: str, attribute: str) -> Opener:
    """An opener noting that a (possibly empty) group element is present, e.g. <Disabilities>."""

    def mark(p: _CensusParser) -> None:
        record = getattr(p, slot)
        if record is not None:
            setattr(record, attribute, True)

    return mark


def _set_sex(element: str) -> Closer:
    def store(p: _CensusParser, text: str) -> None:
        if p.child is not None:
            p.child.sex = text
            p.child.sex_element = element

    return store


def _collection_details_open(p: _CensusParser) -> None:
    p.collection_details_seen = True


_OPENERS: dict[tuple[str, str], Opener] = {
    ("Message", "Header"): _CensusParser.header_open,
    ("Header", "CollectionDetails"): _collection_details_open,
    ("Message", "Children"): _CensusParser.children_open,
    ("Children", "Child"): _CensusParser.child_open,
    ("Child", "CINdetails"): _open_record(CINDetails, "episode", "child", "cin_details"),
    ("CINdetails", "Assessments"): _open_record(Assessment, "assessment", "episode", "assessments"),
    ("CINdetails", "CINPlanDates"): _open_record(CINPlan, "cin_plan", "episode", "cin_plans"),
    ("CINdetails", "Section47"): _open_record(Section47, "section47", "episode", "section47s"),
    ("CINdetails", "ChildProtectionPlans"): _open_record(
        ChildProtectionPlan, "cp_plan", "episode", "cp_plans"
    ),
    ("ChildCharacteristics", "Disabilities"): _flag("child", "has_disabilities_element"),
    ("Assessments", "FactorsIdentifiedAtAssessment"): _flag("assessment", "has_factors_element"),
    ("ChildProtectionPlans", "Reviews"): _flag("cp_plan", "has_reviews_element"),
}

_CONTAINER_CLOSERS: dict[tuple[str, str], Closer] = {
    ("Message", "Header"): lambda p, _text: p.header_close(),
    ("Children", "Child"): lambda p, _text: p.child_close(),
}

# Elements whose text is kept.
_CLOSERS: dict[tuple[str, str], Closer] = {
    # Header
    ("CollectionDetails", "Collection"): _set("header", "collection"),
    ("CollectionDetails", "Year"): _set("header", "year"),
    ("CollectionDetails", "ReferenceDate"): _set("header", "reference_date"),
    ("Source", "SourceLevel"): _set("header", "source_level"),
    ("Source", "LEA"): _set("header", "lea"),
    ("Source", "SoftwareCode"): _set("header", "software_code"),
    ("Source", "Release"): _set("header", "release"),
    ("Source", "SerialNo"): _set("header", "serial_no"),
    ("Source", "DateTime"): _set("header", "date_time"),
    # ChildIdentifiers
    ("ChildIdentifiers", "LAchildID"): _set("child", "la_child_id"),
    ("ChildIdentifiers", "UPN"): _set("child", "upn"),
    ("ChildIdentifiers", "FormerUPN"): _set("child", "former_upn"),
    ("ChildIdentifiers", "UPNunknown"): _set("child", "upn_unknown"),
    ("ChildIdentifiers", "PersonBirthDate"): _set("child", "birth_date"),
    ("ChildIdentifiers", "ExpectedPersonBirthDate"): _set("child", "expected_birth_date"),
    ("ChildIdentifiers", "GenderCurrent"): _set_sex("GenderCurrent"),
    ("ChildIdentifiers", "Sex"): _set_sex("Sex"),
    ("ChildIdentifiers", "PersonDeathDate"): _set("child", "death_date"),
    # ChildCharacteristics
    ("ChildCharacteristics", "Ethnicity"): _set("child", "ethnicity"),
    ("Disabilities", "Disability"): _append("child", "disabilities"),
    # CINdetails
    ("CINdetails", "CINreferralDate"): _set("episode", "referral_date"),
    ("CINdetails", "ReferralSource"): _set("episode", "referral_source"),
    ("CINdetails", "PrimaryNeedCode"): _set("episode", "primary_need"),
    ("CINdetails", "CINclosureDate"): _set("episode", "closure_date"),
    ("CINdetails", "ReasonForClosure"): _set("episode", "closure_reason"),
    ("CINdetails", "DateOfInitialCPC"): _set("episode", "icpc_date"),
    ("CINdetails", "ReferralNFA"): _set("episode", "referral_nfa"),
    # Assessments
    ("Assessments", "AssessmentActualStartDate"): _set("assessment", "start"),
    ("Assessments", "AssessmentInternalReviewDate"): _set("assessment", "internal_review"),
    ("Assessments", "AssessmentAuthorisationDate"): _set("assessment", "authorised"),
    ("FactorsIdentifiedAtAssessment", "AssessmentFactors"): _append("assessment", "factors"),
    # CINPlanDates
    ("CINPlanDates", "CINPlanStartDate"): _set("cin_plan", "start"),
    ("CINPlanDates", "CINPlanEndDate"): _set("cin_plan", "end"),
    # Section47
    ("Section47", "S47ActualStartDate"): _set("section47", "start"),
    ("Section47", "InitialCPCtarget"): _set("section47", "icpc_target"),
    ("Section47", "DateOfInitialCPC"): _set("section47", "icpc_date"),
    ("Section47", "ICPCnotRequired"): _set("section47", "icpc_not_required"),
    # ChildProtectionPlans
    ("ChildProtectionPlans", "CPPstartDate"): _set("cp_plan", "start"),
    ("ChildProtectionPlans", "CPPendDate"): _set("cp_plan", "end"),
    ("ChildProtectionPlans", "InitialCategoryOfAbuse"): _set("cp_plan", "initial_category"),
    ("ChildProtectionPlans", "LatestCategoryOfAbuse"): _set("cp_plan", "latest_category"),
    ("ChildProtectionPlans", "NumberOfPreviousCPP"): _set("cp_plan", "number_of_previous"),
    ("Reviews", "CPPreviewDate"): _append("cp_plan", "review_dates"),
}


# --- Reading a file ----------------------------------------------------------------------------------------


_NO_ELEMENTS = expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]


class CensusFile:
    """An open census file: ``header`` and ``year_end`` are read on opening; ``children()`` streams the rest.

    Use it as a context manager (or call ``close``) so a file it opened is closed. ``bytes_read`` and
    ``total_bytes`` (None for a stream of unknown length) let a caller show progress.
    """

    def __init__(self, source: CensusSource) -> None:
        self.limit = max_file_bytes()
        self.total_bytes: int | None = None
        self.bytes_read = 0
        self._owns_stream = False
        self._stream: IO[Any]
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                self.total_bytes = path.stat().st_size
            except OSError as exc:
                raise CensusUnreadable(f"cannot open {path.name}: {exc.strerror or exc}") from exc
            self._refuse_if_too_big(self.total_bytes, exact=True)
            self._stream = path.open("rb")
            self._owns_stream = True
        else:
            self._stream = source
        self._parser = _CensusParser()
        self._finished = False
        try:
            self.header = self._read_header()
        except BaseException:
            self.close()
            raise
        self.year_end = self._parser.year_end

    def __enter__(self) -> CensusFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_stream:
            self._stream.close()
            self._owns_stream = False

    def _refuse_if_too_big(self, size: int, *, exact: bool) -> None:
        if size > self.limit:
            measured = f"is {_describe_size(size)}" if exact else f"is more than {_describe_size(self.limit)}"
            raise CensusUnreadable(
                f"the file {measured}, over the {_describe_size(self.limit)} limit for a census file "
                "(setting CENSUS_MAX_FILE_BYTES)"
            )

    def _read_header(self) -> Header:
        for item in self._items():
            if isinstance(item, Header):
                return item
        raise AssertionError("the parser finishes only after a header")  # _message_ended checks it

    def children(self) -> Iterator[ChildRecord]:
        """Each child in file order, read as it is needed."""
        for item in self._items():
            if isinstance(item, ChildRecord):
                yield item

    def _items(self) -> Iterator[Header | ChildRecord]:
        parser = self._parser
        while True:
            if parser.ready:
                # One at a time: a caller that stops after the header leaves the children queued.
                yield parser.ready.popleft()
                continue
            if self._finished:
                return
            self._feed_next_chunk()

    def _feed_next_chunk(self) -> None:
        chunk = self._stream.read(READ_CHUNK_BYTES)
        if chunk:
            self.bytes_read += len(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            self._refuse_if_too_big(self.bytes_read, exact=self.total_bytes is not None)
            self._parse(chunk, final=False)
        else:
            self._finished = True
            self._parse(b"", final=True)

    def _parse(self, data: bytes | str, *, final: bool) -> None:
        parser = self._parser
        try:
            parser.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise self._explain(exc, at_end=final) from None

    def _explain(self, error: expat.ExpatError, *, at_end: bool) -> CensusUnreadable:
        parser = self._parser
        line = error.lineno
        what = expat.errors.messages.get(error.code, "not well formed")
        if not parser.root_seen:
            if self.bytes_read == 0 or (at_end and error.code == _NO_ELEMENTS):
                return CensusUnreadable("the file is empty, or holds no XML element", line=line)
            return CensusUnreadable(f"not an XML file ({what})", line=line)
        element = parser.stack[-1] if parser.stack else None
        if at_end and parser.stack:
            return CensusUnreadable("the file ends before </Message> (truncated)", line=line, element=element)
        return CensusUnreadable(f"not well-formed XML ({what})", line=line, element=element)


def open_census(source: CensusSource) -> CensusFile:
    """Open a census file and read its header; raises CensusUnreadable if it is not one."""
    return CensusFile(source)


def read_census(source: CensusSource) -> Iterator[Header | ChildRecord]:
    """The file's Header, then each ChildRecord in file order."""
    with open_census(source) as census:
        yield census.header
        yield from census.children()
