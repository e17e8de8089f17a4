"""Load a CIN census file into the child's journey, keeping its validation findings.

    census_import = census_import_create(actor=user, channel=..., file_name=..., sha256=..., file_size=...)
    census_import_run(census_import=census_import, source=path_or_stream, actor=user)

What an import does, and why:

- It reads the file once, streaming (reader.py), in batches of BATCH_CHILDREN children. Each batch is
  validated (validation.CensusValidator, the same rules as `validate cin`) and written with a handful of
  bulk queries, so time grows with the file and memory does not.
- Everything is written in ONE transaction: a file that cannot be read to its end (truncated XML), or a
  write the database refuses, leaves the children and episodes exactly as they were. The import's own row
  is written outside that transaction, so its refusal or failure is recorded with its one-line reason.
- A child is found again by LA child ID (updated, never duplicated); an episode by its child and referral
  date (the first such episode by creation, as the front door may have made two on one day). Within an
  episode the file is the truth: assessments, CIN plans, section 47 enquiries, child protection plans and
  their reviews become what the file says. They are matched by position (the order they were created in,
  which is the order of the last file) so that importing the same or a later extract rewrites only what
  changed, and never duplicates.
- Episodes the file does not mention are left alone (the front door may have opened one since the extract).
- Values are kept as the file gave them, however wrong (an unknown code, a closure before the referral):
  the findings say what is wrong, and `export cin` gives the same findings back. What the database cannot
  hold is not loaded and said so, as a finding of type "not loaded" (rule LOAD): a child with no LA child
  ID or no valid birth or expected birth date (when it is new), an episode with no valid referral date, a
  part with no valid start date, a value that is not a date, or one too long for its column.
- With ``strict`` the file is checked first, in a pass that writes nothing but its findings; a file with any
  error is refused (status "refused"), and a clean one is then loaded.
- History: rows the import creates or changes get their django-simple-history rows in bulk (one query per
  table and batch, `bulk_history_create`), with the person who ran the import and the reason
  "CIN census import N". That keeps "who changed this child, when and why" for imported data at a cost of
  about a fifth of the import's time. Parts an extract no longer holds are deleted through the ORM, which
  writes their history row by row; that only happens for parts a council removed, which are few.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.models import CensusFinding, CensusImport
from safeguarding.census.reader import CensusSource, CensusUnreadable, open_census
from safeguarding.census.records import (
    Assessment as AssessmentRecord,
)
from safeguarding.census.records import (
    ChildProtectionPlan as ChildProtectionPlanRecord,
)
from safeguarding.census.records import (
    ChildRecord,
    CINDetails,
    as_date,
    as_flag,
)
from safeguarding.census.records import (
    CINPlan as CINPlanRecord,
)
from safeguarding.census.records import (
    Section47 as Section47Record,
)
from safeguarding.census.rules.base import Finding, Severity
from safeguarding.census.validation import CensusValidator
from safeguarding.children.models import (
    CODE_LENGTH,
    IDENTIFIER_LENGTH,
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    Origin,
    Section47,
)

BATCH_CHILDREN = 1000
NOT_LOADED_RULE = "LOAD"
FINDINGS_BATCH = 2000

# <Sex> (2024-25 on) holds M, F or U; the platform keeps the GenderCurrent codes, which every census year
# can be written back in (writer.sex_element_for, exporter.py).
SEX_FROM_LETTER = {"M": "1", "F": "2", "U": "0"}

# Progress: (children read, bytes read, total bytes if known), called after each batch.
ProgressCallback = Callable[[int, int, int | None], None]

M = TypeVar("M", bound=models.Model)


# --- Starting and finishing an import (written outside the import's transaction) ----------------------------


def census_import_create(
    *,
    actor: Any,
    channel: str,
    file_name: str,
    sha256: str,
    file_size: int,
    strict: bool = False,
    stored_name: str = "",
) -> CensusImport:
    """Record an import before its file is read (status "queued")."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CensusImport.objects.create(
        started_by=user,
        channel=channel,
        file_name=file_name[:255],
        sha256=sha256,
        file_size=file_size,
        strict=strict,
        stored_name=stored_name,
    )


def _set_status(census_import: CensusImport, **fields: Any) -> None:
    """Write some fields of the import at once (outside any import transaction), and keep the instance in
    step with the database."""
    fields["updated_at"] = timezone.now()
    CensusImport.objects.filter(pk=census_import.pk).update(**fields)
    census_import.refresh_from_db()


def census_import_mark_failed(*, census_import: CensusImport, reason: str) -> None:
    """Record that an import could not run at all (its file vanished, say)."""
    _set_status(
        census_import, status=CensusImport.Status.FAILED, reason=reason[:500], finished_at=timezone.now()
    )


_ZERO_COUNTS = {
    "children": 0,
    "children_created": 0,
    "children_updated": 0,
    "episodes_created": 0,
    "episodes_updated": 0,
    "errors": 0,
    "queries": 0,
    "not_loaded": 0,
}


def census_import_run(
    *,
    census_import: CensusImport,
    source: CensusSource,
    actor: Any = None,
    progress: ProgressCallback | None = None,
) -> CensusImport:
    """Validate and load the file, all or nothing. Returns the import with its status and counts.

    An unreadable file (reader.CensusUnreadable) ends as "refused" with the reader's one-line reason; any
    other exception ends it as "failed" and is raised again after the rollback, for the caller to report.
    Must not be called inside a transaction: the import's status has to outlive the import's rollback.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    _set_status(census_import, status=CensusImport.Status.RUNNING, started_at=timezone.now(), reason="")
    try:
        if census_import.strict and _refused_for_errors(census_import, source, progress):
            return census_import
        with transaction.atomic():
            _Load(census_import, user, progress).run(source)
    except CensusUnreadable as unreadable:
        _set_status(
            census_import,
            status=CensusImport.Status.REFUSED,
            reason=str(unreadable)[:500],
            finished_at=timezone.now(),
            **_ZERO_COUNTS,
        )
    except BaseException as exc:
        _set_status(
            census_import,
            status=CensusImport.Status.FAILED,
            reason=f"The import stopped and nothing was loaded: {type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
            **_ZERO_COUNTS,
        )
        raise
    return census_import


def _rewind(source: CensusSource) -> None:
    seek = getattr(source, "seek", None)
    if callable(seek):
        seek(0)


class _FileIsClean(Exception):
    """Raised inside the strict check's transaction to undo its findings when there are no errors."""


def _refused_for_errors(
    census_import: CensusImport, source: CensusSource, progress: ProgressCallback | None
) -> bool:
    """The strict check: validate without loading. A file with errors is refused and its findings kept
    (against no child: none was loaded); for a clean file nothing is kept and the caller loads it."""
    try:
        with transaction.atomic():
            findings = _FindingWriter(census_import)
            with open_census(source) as census:
                validator = CensusValidator(census.year_end)
                findings.add(validator.check_header(census.header), None)
                children = 0
                for child in census.children():
                    children += 1
                    findings.add(validator.check_child(child), None)
                    if progress is not None and children % BATCH_CHILDREN == 0:
                        progress(children, census.bytes_read, census.total_bytes)
                findings.add(validator.finish(), None)
                findings.flush()
                if findings.errors == 0:
                    raise _FileIsClean
                census_import.status = CensusImport.Status.REFUSED
                census_import.reason = (
                    f"The file has {findings.errors:,} error{'' if findings.errors == 1 else 's'} and was "
                    "refused (strict import): nothing was loaded"
                )
                census_import.census_year = census.year_end
                census_import.lea = (census.header.lea or "")[:10]
                census_import.children = census_import.progress = children
                census_import.errors = findings.errors
                census_import.queries = findings.queries
                census_import.finished_at = timezone.now()
                census_import.save()
    except _FileIsClean:
        _rewind(source)
        return False
    return True


# --- Findings -----------------------------------------------------------------------------------------------


@dataclass
class _Note:
    """Something in the file the platform could not keep."""

    element: str
    message: str
    line: int


class _FindingWriter:
    """Collects findings and writes them in batches."""

    def __init__(self, census_import: CensusImport) -> None:
        self.census_import = census_import
        self.pending: list[CensusFinding] = []
        self.errors = 0
        self.queries = 0
        self.not_loaded = 0

    def add(self, findings: Iterable[Finding], child_pk: int | None) -> None:
        for finding in findings:
            if finding.type == Severity.ERROR:
                self.errors += 1
            else:
                self.queries += 1
            self.pending.append(
                CensusFinding(
                    census_import=self.census_import,
                    rule=finding.rule[:10],
                    type=str(finding.type),
                    child_id=child_pk,
                    la_child_id=(finding.child or "")[:IDENTIFIER_LENGTH],
                    element=finding.element[:60],
                    message=finding.message,
                    line=finding.line,
                )
            )
        if len(self.pending) >= FINDINGS_BATCH:
            self.flush()

    def add_notes(self, notes: Iterable[_Note], child_pk: int | None, la_child_id: str) -> None:
        for note in notes:
            self.not_loaded += 1
            self.pending.append(
                CensusFinding(
                    census_import=self.census_import,
                    rule=NOT_LOADED_RULE,
                    type=CensusFinding.Type.NOT_LOADED,
                    child_id=child_pk,
                    la_child_id=la_child_id[:IDENTIFIER_LENGTH],
                    element=note.element[:60],
                    message=note.message,
                    line=note.line,
                )
            )

    def flush(self) -> None:
        if self.pending:
            bulk_insert(CensusFinding, self.pending)
            self.pending = []


# --- Turning raw values into what the columns hold ----------------------------------------------------------


class _Values:
    """Reads a record's raw text into column values, noting what cannot be kept."""

    def __init__(self) -> None:
        self.notes: list[_Note] = []

    def text(self, value: str | None, element: str, line: int, max_length: int) -> str:
        text = (value or "").strip()
        if len(text) > max_length:
            self.notes.append(
                _Note(element, f"Not loaded: the value is longer than the {max_length} characters kept", line)
            )
            return ""
        return text

    def code(self, value: str | None, element: str, line: int) -> str:
        return self.text(value, element, line, CODE_LENGTH)

    def day(self, value: str | None, element: str, line: int) -> date | None:
        parsed = as_date(value)
        if parsed is None and (value or "").strip():
            self.notes.append(_Note(element, f"Not loaded: '{value}' is not a date (YYYY-MM-DD)", line))
        return parsed

    def required_date(self, value: str | None, element: str, line: int, what: str) -> date | None:
        parsed = self.day(value, element, line)
        if parsed is None:
            self.notes.append(
                _Note(element, f"Not loaded: {what} with no valid {element}, the date it is kept by", line)
            )
        return parsed

    def codes(self, values: Sequence[str | None]) -> list[str]:
        # Kept in file order with repeats: a code given twice is a finding (8794), and export gives it back.
        return [(value or "").strip() for value in values]

    def sex(self, value: str | None, element: str, line: int) -> str:
        text = (value or "").strip()
        return self.text(SEX_FROM_LETTER.get(text.upper(), text), element, line, 1)

    def previous_plans(self, value: str | None, line: int) -> int:
        text = (value or "").strip()
        if text.isdigit():
            return int(text)
        if text:
            self.notes.append(
                _Note("NumberOfPreviousCPP", f"Not loaded: '{value}' is not a number of plans (0 kept)", line)
            )
        return 0


def _child_fields(record: ChildRecord, values: _Values) -> dict[str, Any]:
    line = record.line
    return {
        "upn": values.text(record.upn, "UPN", line, IDENTIFIER_LENGTH),
        "former_upn": values.text(record.former_upn, "FormerUPN", line, IDENTIFIER_LENGTH),
        "upn_unknown": values.code(record.upn_unknown, "UPNunknown", line),
        "date_of_birth": values.day(record.birth_date, "PersonBirthDate", line),
        "expected_date_of_birth": values.day(record.expected_birth_date, "ExpectedPersonBirthDate", line),
        "date_of_death": values.day(record.death_date, "PersonDeathDate", line),
        "sex": values.sex(record.sex, record.sex_element, line),
        "ethnicity": values.code(record.ethnicity, "Ethnicity", line),
        "disabilities": values.codes(record.disabilities),
    }


def _episode_fields(record: CINDetails, values: _Values) -> dict[str, Any]:
    line = record.line
    return {
        "source": values.code(record.referral_source, "ReferralSource", line),
        "primary_need": values.code(record.primary_need, "PrimaryNeedCode", line),
        "nfa": as_flag(record.referral_nfa) is True,
        "closure_date": values.day(record.closure_date, "CINclosureDate", line),
        "closure_reason": values.code(record.closure_reason, "ReasonForClosure", line),
        "icpc_date": values.day(record.icpc_date, "DateOfInitialCPC", line),
    }


def _assessment_fields(record: AssessmentRecord, values: _Values) -> dict[str, Any] | None:
    line = record.line
    start = values.required_date(record.start, "AssessmentActualStartDate", line, "an assessment")
    fields = {
        "internal_review_date": values.day(record.internal_review, "AssessmentInternalReviewDate", line),
        "authorisation_date": values.day(record.authorised, "AssessmentAuthorisationDate", line),
        "factors": values.codes(record.factors),
    }
    return None if start is None else {"start_date": start, **fields}


def _cin_plan_fields(record: CINPlanRecord, values: _Values) -> dict[str, Any] | None:
    line = record.line
    start = values.required_date(record.start, "CINPlanStartDate", line, "a CIN plan")
    end = values.day(record.end, "CINPlanEndDate", line)
    return None if start is None else {"start_date": start, "end_date": end}


def _section47_fields(record: Section47Record, values: _Values) -> dict[str, Any] | None:
    line = record.line
    start = values.required_date(record.start, "S47ActualStartDate", line, "a section 47 enquiry")
    fields = {
        "icpc_target_date": values.day(record.icpc_target, "InitialCPCtarget", line),
        "icpc_date": values.day(record.icpc_date, "DateOfInitialCPC", line),
        "icpc_not_required": as_flag(record.icpc_not_required) is True,
    }
    return None if start is None else {"start_date": start, **fields}


def _cp_plan_fields(record: ChildProtectionPlanRecord, values: _Values) -> dict[str, Any] | None:
    line = record.line
    start = values.required_date(record.start, "CPPstartDate", line, "a child protection plan")
    fields = {
        "end_date": values.day(record.end, "CPPendDate", line),
        "initial_category": values.code(record.initial_category, "InitialCategoryOfAbuse", line),
        "latest_category": values.code(record.latest_category, "LatestCategoryOfAbuse", line),
        "previous_plans": values.previous_plans(record.number_of_previous, line),
    }
    return None if start is None else {"start_date": start, **fields}


def _review_dates(record: ChildProtectionPlanRecord, values: _Values) -> list[date]:
    kept = []
    for raw in record.review_dates:
        review = values.required_date(raw, "CPPreviewDate", record.line, "a review conference")
        if review is not None:
            kept.append(review)
    return kept


def _apply(instance: models.Model, fields: dict[str, Any]) -> bool:
    """Set the fields on the instance; True when any value changed."""
    changed = False
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


# --- Writing in bulk ----------------------------------------------------------------------------------------


# Django's bulk_create spends most of its time preparing each value through the query compiler: for the
# 40,000 rows and 40,000 history rows of a 10,000-child file that alone takes longer than the 5 s the whole
# import may. The helpers below write the same rows with a few parameterised statements per batch:
#
# - on PostgreSQL, INSERT ... SELECT FROM unnest(one array per column): a short statement whatever the number
#   of rows (psycopg parses it once), and one round trip per table and batch;
# - elsewhere (SQLite), INSERT ... VALUES (...), (...) in chunks within the parameter limit, or executemany
#   when no primary keys are needed back.
#
# Rows come back in the order they were given (RETURNING), as Django's own bulk_create relies on. Values are
# adapted only where they need it (dates, times, JSON) through the backend's adapters. Like bulk_create,
# nothing calls save() or sends signals.


@dataclass(frozen=True)
class _Column:
    field: models.Field[Any, Any]
    adapt: Callable[[Any], Any] | None


def _columns(fields: Sequence[models.Field[Any, Any]]) -> list[_Column]:
    ops = connection.ops
    postgresql = connection.vendor == "postgresql"
    columns = []
    for column_field in fields:
        adapt: Callable[[Any], Any] | None = None
        if isinstance(column_field, models.JSONField):
            encoder = column_field.encoder
            adapt = (
                (lambda value, encoder=encoder: json.dumps(value, cls=encoder))
                if postgresql
                else (lambda value, f=column_field: f.get_db_prep_save(value, connection))
            )
        elif isinstance(column_field, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(column_field, models.DateField):
            adapt = ops.adapt_datefield_value
        columns.append(_Column(column_field, adapt))
    return columns


def _adapted(values: Sequence[Any], columns: Sequence[_Column]) -> list[Any]:
    return [
        value if column.adapt is None or value is None else column.adapt(value)
        for value, column in zip(values, columns, strict=True)
    ]


def _insert_rows(
    table: str, columns: Sequence[_Column], rows: Sequence[Sequence[Any]], *, returning: str | None
) -> list[Any]:
    """Insert rows (already adapted values, in column order); the `returning` column of each, in order."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.field.column or "") for column in columns)
    head = f"INSERT INTO {quote(table)} ({names}) "  # names from the models, quoted; values are parameters
    tail = f" RETURNING {quote(returning)}" if returning else ""
    returned: list[Any] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), 5000):
                chunk = rows[start : start + 5000]
                arrays = [list(values) for values in zip(*chunk, strict=True)]
                cursor.execute(head + _unnest_select(columns) + tail, arrays)
                if returning:
                    returned.extend(row[0] for row in cursor.fetchall())
            return returned
        if not returning:
            one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            cursor.executemany(head + "VALUES " + one_row, rows)
            return returned
        per_statement = max(1, min(500, (connection.features.max_query_params or 999) // len(columns)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            params = [value for row in chunk for value in row]
            cursor.execute(head + "VALUES " + ", ".join([one_row] * len(chunk)) + tail, params)
            returned.extend(row[0] for row in cursor.fetchall())
    return returned


def _unnest_select(columns: Sequence[_Column]) -> str:
    """SELECT u.c0, u.c1::jsonb ... FROM unnest(%s::type[], ...): one array parameter per column."""
    arrays, selected = [], []
    for index, column in enumerate(columns):
        db_type = column.field.db_type(connection) or "text"
        # Without its length: an explicit cast to varchar(n) would cut a long value short, not refuse it.
        base = re.sub(r"\(.*\)", "", db_type)
        if isinstance(column.field, models.JSONField):
            arrays.append("%s::text[]")
            selected.append(f"u.c{index}::{base}")
        else:
            arrays.append(f"%s::{base}[]")
            selected.append(f"u.c{index}")
    aliases = ", ".join(f"c{index}" for index in range(len(columns)))
    return f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) AS u({aliases})"  # noqa: S608


def bulk_insert(model: type[M], instances: Sequence[M]) -> None:
    """Insert new rows and set their primary keys (what bulk_create does, several times faster)."""
    if not instances:
        return
    if connection.vendor != "postgresql" and not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(instances)  # an old SQLite without RETURNING
        return
    meta = model._meta
    columns = _columns([f for f in meta.concrete_fields if f is not meta.pk])
    stamped = [
        c.field
        for c in columns
        if getattr(c.field, "auto_now", False) or getattr(c.field, "auto_now_add", False)
    ]
    for instance in instances:
        for stamp in stamped:
            stamp.pre_save(instance, True)  # created_at / updated_at
    rows = [
        _adapted([getattr(instance, c.field.attname) for c in columns], columns) for instance in instances
    ]
    pks = _insert_rows(meta.db_table, columns, rows, returning=meta.pk.column)
    for instance, pk in zip(instances, pks, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias


def bulk_insert_history(
    model: type[models.Model], instances: Sequence[models.Model], *, history_type: str, user: Any, reason: str
) -> None:
    """simple-history rows for rows just created ("+") or changed ("~"), as bulk_history_create makes them,
    written straight from the rows (no historical instances built)."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history: Any = model.history.model  # type: ignore[attr-defined]
    tracked = list(history.tracked_fields)
    stamp_names = ["history_date", "history_change_reason", "history_type", "history_user"]
    fields = [history._meta.get_field(f.name) for f in tracked] + [
        history._meta.get_field(name) for name in stamp_names
    ]
    columns = _columns(fields)
    stamp = (timezone.now(), reason, history_type, getattr(user, "pk", None))
    rows = [_adapted([*(getattr(i, f.attname) for f in tracked), *stamp], columns) for i in instances]
    _insert_rows(history._meta.db_table, columns, rows, returning=None)


@dataclass
class _Writes(Generic[M]):
    """The rows of one model a batch creates, changes and deletes."""

    model: type[M]
    fields: Sequence[str]
    create: list[M] = field(default_factory=list)
    update: list[M] = field(default_factory=list)
    delete: list[M] = field(default_factory=list)

    def sync(
        self, existing: Sequence[M], wanted: Sequence[dict[str, Any]], make: Callable[..., M]
    ) -> list[M]:
        """Make `existing` (in creation order) say what `wanted` says, matching them by position."""
        kept: list[M] = []
        for index, values in enumerate(wanted):
            if index < len(existing):
                instance = existing[index]
                if _apply(instance, values):
                    self.update.append(instance)
            else:
                instance = make(**values)
                self.create.append(instance)
            kept.append(instance)
        self.delete.extend(existing[len(wanted) :])
        return kept

    def write(self, history: _History) -> None:
        if self.create:
            bulk_insert(self.model, self.create)
            history.created(self.model, self.create)
        if self.update:
            now = timezone.now()
            for instance in self.update:
                instance.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
            self.model._default_manager.bulk_update(self.update, [*self.fields, "updated_at"])
            history.changed(self.model, self.update)
        if self.delete:
            # Through the ORM, so simple-history records each deletion (rare: parts a council removed).
            self.model._default_manager.filter(pk__in=[row.pk for row in self.delete]).delete()
        self.create, self.update, self.delete = [], [], []


class _History:
    """Writes simple-history rows for bulk writes: who ran the import, and which import it was."""

    def __init__(self, user: Any, reason: str) -> None:
        self.user = user
        self.reason = reason

    def created(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        bulk_insert_history(model, rows, history_type="+", user=self.user, reason=self.reason)

    def changed(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        bulk_insert_history(model, rows, history_type="~", user=self.user, reason=self.reason)


CHILD_FIELDS = (
    "upn",
    "former_upn",
    "upn_unknown",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "ethnicity",
    "disabilities",
)
EPISODE_FIELDS = ("source", "primary_need", "nfa", "closure_date", "closure_reason", "icpc_date")
ASSESSMENT_FIELDS = ("start_date", "internal_review_date", "authorisation_date", "factors")
CIN_PLAN_FIELDS = ("start_date", "end_date")
SECTION47_FIELDS = ("start_date", "icpc_target_date", "icpc_date", "icpc_not_required")
CP_PLAN_FIELDS = ("start_date", "end_date", "initial_category", "latest_category", "previous_plans")
REVIEW_FIELDS = ("review_date",)


def _batches(children: Iterator[ChildRecord], size: int) -> Iterator[list[ChildRecord]]:
    batch: list[ChildRecord] = []
    for child in children:
        batch.append(child)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _grouped(rows: Iterable[M], key: str) -> dict[int, list[M]]:
    groups: dict[int, list[M]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


@dataclass
class _LoadedChild:
    record: ChildRecord
    child: Child
    notes: list[_Note]


@dataclass
class _EpisodeWork:
    record: CINDetails
    episode: CINReferral
    is_new: bool


class _Load:
    """One import's load, inside the caller's transaction."""

    def __init__(self, census_import: CensusImport, user: Any, progress: ProgressCallback | None) -> None:
        self.census_import = census_import
        self.user = user
        self.progress = progress
        self.history = _History(user, f"CIN census import {census_import.pk}")
        self.findings = _FindingWriter(census_import)
        self.children = 0
        self.children_created: set[int] = set()
        self.children_updated: set[int] = set()
        self.episodes_created = 0
        self.episodes_updated = 0

    def run(self, source: CensusSource) -> None:
        started = time.perf_counter()
        with open_census(source) as census:
            validator = CensusValidator(census.year_end)
            self.findings.add(validator.check_header(census.header), None)
            for batch in _batches(census.children(), BATCH_CHILDREN):
                self.load_batch(batch, validator)
                if self.progress is not None:
                    self.progress(self.children, census.bytes_read, census.total_bytes)
            self._add_return_findings(validator.finish())
            self.findings.flush()
            self._finish(census.year_end, census.header.lea or "", time.perf_counter() - started)

    def _finish(self, year_end: int, lea: str, seconds: float) -> None:
        record = self.census_import
        record.status = CensusImport.Status.DONE
        record.census_year = year_end
        record.lea = lea[:10]
        record.children = record.progress = self.children
        record.children_created = len(self.children_created)
        record.children_updated = len(self.children_updated - self.children_created)
        record.episodes_created = self.episodes_created
        record.episodes_updated = self.episodes_updated
        record.errors = self.findings.errors
        record.queries = self.findings.queries
        record.not_loaded = self.findings.not_loaded
        record.finished_at = timezone.now()
        record.save()
        access_event_record(
            actor=self.user,
            action=AccessEvent.Action.CHANGE,
            subject=record,
            purpose="CIN census import: children and episodes created or updated from the file",
            details={
                "file": record.file_name,
                "sha256": record.sha256,
                "children": record.children,
                "children_created": record.children_created,
                "children_updated": record.children_updated,
                "episodes_created": record.episodes_created,
                "episodes_updated": record.episodes_updated,
                "seconds": round(seconds, 1),
            },
        )

    # -- one batch of children

    def load_batch(self, records: list[ChildRecord], validator: CensusValidator) -> None:
        self.children += len(records)
        findings = [validator.check_child(record) for record in records]
        loaded = self._load_children(records)
        episodes = self._load_episodes(loaded)
        self._load_parts(episodes)
        by_record = {id(item.record): item for item in loaded}
        for record, child_findings in zip(records, findings, strict=True):
            item = by_record.get(id(record))
            child_pk = item.child.pk if item is not None else None
            self.findings.add(child_findings, child_pk)
        for item in loaded:
            self.findings.add_notes(item.notes, item.child.pk, item.child.la_child_id)

    def _load_children(self, records: list[ChildRecord]) -> list[_LoadedChild]:
        keys = {(record.la_child_id or "").strip() for record in records}
        known = {child.la_child_id: child for child in Child.objects.filter(la_child_id__in=keys - {""})}
        writes = _Writes(Child, CHILD_FIELDS)
        changed: set[int] = set()
        loaded: list[_LoadedChild] = []
        for record in records:
            key = (record.la_child_id or "").strip()
            values = _Values()
            fields = _child_fields(record, values)
            child = known.get(key)
            refusal = self._child_refusal(key, fields, is_new=child is None)
            if refusal is not None:
                self.findings.add_notes([_Note(*refusal, record.line)], None, key)
                continue
            if fields["date_of_birth"] is None and fields["expected_date_of_birth"] is None:
                # Every child needs one of the two: a known child keeps the dates it has.
                del fields["date_of_birth"], fields["expected_date_of_birth"]
            if child is None:
                child = Child(la_child_id=key, last_name="", **fields)
                known[key] = child
                writes.create.append(child)
            elif _apply(child, fields) and child.pk is not None and child.pk not in changed:
                # (A child new in this batch and given twice simply takes the later record's values.)
                changed.add(child.pk)
                writes.update.append(child)
            loaded.append(_LoadedChild(record, child, values.notes))
        created = writes.create
        writes.write(self.history)
        self.children_created.update(child.pk for child in created)
        self.children_updated.update(
            item.child.pk for item in loaded if item.child.pk not in self.children_created
        )
        return loaded

    @staticmethod
    def _child_refusal(key: str, fields: dict[str, Any], *, is_new: bool) -> tuple[str, str] | None:
        if not key:
            return ("LAchildID", "Not loaded: the child has no LA child ID, which the platform finds it by")
        if len(key) > IDENTIFIER_LENGTH:
            return ("LAchildID", f"Not loaded: the LA child ID is longer than {IDENTIFIER_LENGTH} characters")
        if is_new and fields["date_of_birth"] is None and fields["expected_date_of_birth"] is None:
            return (
                "PersonBirthDate",
                "Not loaded: a new child needs a valid PersonBirthDate or ExpectedPersonBirthDate",
            )
        return None

    def _load_episodes(self, loaded: list[_LoadedChild]) -> list[tuple[_LoadedChild, list[_EpisodeWork]]]:
        known_ids = [item.child.pk for item in loaded if item.child.pk not in self.children_created]
        existing: dict[tuple[int, date], list[CINReferral]] = defaultdict(list)
        if known_ids:
            for episode in CINReferral.objects.filter(child_id__in=known_ids).order_by("pk"):
                existing[(episode.child_id, episode.referral_date)].append(episode)
        writes = _Writes(CINReferral, EPISODE_FIELDS)
        work: list[tuple[_LoadedChild, list[_EpisodeWork]]] = []
        for item in loaded:
            values = _Values()
            episodes: list[_EpisodeWork] = []
            for record in item.record.cin_details:
                referral = values.required_date(
                    record.referral_date, "CINreferralDate", record.line, "a CIN episode"
                )
                fields = _episode_fields(record, values)
                if referral is None:
                    continue
                same_day = existing.get((item.child.pk, referral))
                if same_day:
                    episode = same_day.pop(0)
                    if _apply(episode, fields):
                        writes.update.append(episode)
                    episodes.append(_EpisodeWork(record, episode, is_new=False))
                else:
                    episode = CINReferral(
                        child=item.child,
                        referral_date=referral,
                        origin=Origin.IMPORT,
                        recorded_by=self.user,
                        **fields,
                    )
                    writes.create.append(episode)
                    episodes.append(_EpisodeWork(record, episode, is_new=True))
            item.notes.extend(values.notes)
            work.append((item, episodes))
        self.episodes_created += len(writes.create)
        self.episodes_updated += sum(1 for _, episodes in work for e in episodes if not e.is_new)
        writes.write(self.history)
        return work

    def _load_parts(self, work: list[tuple[_LoadedChild, list[_EpisodeWork]]]) -> None:
        known = [e.episode.pk for _, episodes in work for e in episodes if not e.is_new]
        assessments = _grouped(Assessment.objects.filter(episode_id__in=known).order_by("pk"), "episode_id")
        cin_plans = _grouped(CINPlan.objects.filter(episode_id__in=known).order_by("pk"), "episode_id")
        section47s = _grouped(Section47.objects.filter(episode_id__in=known).order_by("pk"), "episode_id")
        cp_plans = _grouped(
            ChildProtectionPlan.objects.filter(episode_id__in=known).order_by("pk"), "episode_id"
        )
        assessment_writes = _Writes(Assessment, ASSESSMENT_FIELDS)
        cin_plan_writes = _Writes(CINPlan, CIN_PLAN_FIELDS)
        section47_writes = _Writes(Section47, SECTION47_FIELDS)
        cp_plan_writes = _Writes(ChildProtectionPlan, CP_PLAN_FIELDS)
        plans_with_reviews: list[tuple[ChildProtectionPlan, list[date]]] = []
        for item, episodes in work:
            values = _Values()
            for e in episodes:
                pk, record, episode = e.episode.pk, e.record, e.episode
                wanted = [f for f in (_assessment_fields(r, values) for r in record.assessments) if f]
                assessment_writes.sync(assessments.get(pk, []), wanted, _maker(Assessment, episode))
                wanted = [f for f in (_cin_plan_fields(r, values) for r in record.cin_plans) if f]
                cin_plan_writes.sync(cin_plans.get(pk, []), wanted, _maker(CINPlan, episode))
                wanted = [f for f in (_section47_fields(r, values) for r in record.section47s) if f]
                section47_writes.sync(section47s.get(pk, []), wanted, _maker(Section47, episode))
                plan_fields = [(_cp_plan_fields(r, values), r) for r in record.cp_plans]
                kept_plans = [(f, r) for f, r in plan_fields if f is not None]
                plans = cp_plan_writes.sync(
                    cp_plans.get(pk, []), [f for f, _ in kept_plans], _maker(ChildProtectionPlan, episode)
                )
                for plan, (_, plan_record) in zip(plans, kept_plans, strict=True):
                    plans_with_reviews.append((plan, _review_dates(plan_record, values)))
            item.notes.extend(values.notes)
        for writes in (assessment_writes, cin_plan_writes, section47_writes):
            writes.write(self.history)
        # Reviews of plans that were already there are matched to the file's; a new plan has none yet.
        known_plans = [plan.pk for plan, _ in plans_with_reviews if plan.pk is not None]
        cp_plan_writes.write(self.history)
        reviews = _grouped(CPReview.objects.filter(plan_id__in=known_plans).order_by("pk"), "plan_id")
        review_writes = _Writes(CPReview, REVIEW_FIELDS)
        for plan, review_dates in plans_with_reviews:
            review_writes.sync(
                reviews.get(plan.pk, []),
                [{"review_date": day} for day in review_dates],
                _maker(CPReview, plan),
            )
        review_writes.write(self.history)

    def _add_return_findings(self, findings: list[Finding]) -> None:
        """Whole-return findings name children by LA child ID: find the children they were loaded as."""
        ids = {finding.child for finding in findings if finding.child}
        pks: dict[str, int] = {}
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            pks.update(Child.objects.filter(la_child_id__in=chunk).values_list("la_child_id", "pk"))
        for finding in findings:
            self.findings.add([finding], pks.get(finding.child or ""))


def _maker(model: type[M], parent: models.Model) -> Callable[..., M]:
    """A constructor for `model` rows under `parent` (an episode, or a plan for reviews)."""
    parent_field = "plan" if model is CPReview else "episode"

    def make(**values: Any) -> M:
        return model(**{parent_field: parent}, **values)

    return make


# --- What a caller prints or shows --------------------------------------------------------------------------


def summary_lines(census_import: CensusImport, seconds: float) -> list[str]:
    """The import's outcome for a person, as `safeguarding import cin` prints it."""
    record = census_import
    lines = [f"{record.file_name}: {record.get_status_display()}"]
    if record.census_year_label:
        lines[0] += f", CIN census {record.census_year_label}"
    if record.reason:
        lines.append(record.reason)
    if record.status == CensusImport.Status.DONE:
        lines.append(
            f"Children: {record.children:,} ({record.children_created:,} new, "
            f"{record.children_updated:,} already known)"
        )
        lines.append(f"Episodes: {record.episodes_created:,} created, {record.episodes_updated:,} updated")
    if record.status in {CensusImport.Status.DONE, CensusImport.Status.REFUSED}:
        findings = f"Findings: {record.errors:,} errors, {record.queries:,} queries"
        if record.not_loaded:
            findings += f", {record.not_loaded:,} values or records not loaded"
        lines.append(findings)
    lines.append(f"Time: {seconds:.1f} s (import {record.pk})")
    return lines
