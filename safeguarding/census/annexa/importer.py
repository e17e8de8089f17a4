"""Import Ofsted Annex A lists 1 to 8 into the child's journey.

    report = import_annex_a([Path("annex-a.xlsx")], actor=None, dry_run=False, strict=False)

What each list becomes (docs/annex-a.md says why):

- every row: the Child, found by "Child Unique ID" (Child.la_child_id), created when new (a new child needs
  a date of birth), its gender, ethnicity and date of birth updated when the file gives them;
- list 1 (contacts): counted, by source; no record is made (a front door Contact is a referral with a
  referrer and what they said, which Annex A does not carry, and made-up contacts would enter the MASH's
  queue and its timeliness measures);
- list 2: an EarlyHelpRequest per child and assessment start date (an episode of the child's still waiting
  for its assessment is filled in rather than duplicated);
- lists 3 and 6: a CINReferral (the CIN episode) per child and referral date ("CIN Start Date" in list 6);
- lists 4, 5 and 7: an Assessment, Section47 or ChildProtectionPlan in the child's CIN episode that was open
  on the row's date (from lists 3 and 6 of the same import, or already here); list 7's latest review
  conference date becomes a CPReview;
- list 8: a LookedAfterPeriod per child and start date, and its most recent Placement.

Rows are upserted by those keys, so importing the same workbook twice changes nothing, and a later extract
updates the records it shares with an earlier one. Everything is written in one transaction: a refused or
failed import leaves nothing behind; `dry_run` does all the work, reports it, and rolls it back.

A value that cannot be read (a bad date, an unknown code) is a Finding (list, row, column, message), never a
crash: in a column that identifies the row (the child's ID, the list's date) the row is skipped; elsewhere
the value is left as it was (empty for a new record) and the rest of the row is imported. Writes are bulk
(bulk_create / bulk_update in batches) so a council's tens of thousands of rows import in seconds; record
history (django-simple-history) is not written row by row; the import is one access log event instead.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.annexa.reader import ListTable, SheetRow, read_annex_a
from safeguarding.census.annexa.values import (
    CATEGORY_OF_ABUSE,
    CLOSURE_REASON,
    ETHNICITY,
    GENDER,
    LEGAL_STATUS,
    PLACEMENT_TYPE,
    PRIMARY_NEED,
    REFERRAL_SOURCE,
    BadValue,
    CodeList,
    cell_text,
    parse_count,
    parse_date,
    parse_yes_no,
)
from safeguarding.children.codes import Disability, ReferralSource
from safeguarding.children.models import (
    IDENTIFIER_LENGTH,
    Assessment,
    Child,
    ChildProtectionPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    LookedAfterPeriod,
    Origin,
    Placement,
    Section47,
)

BATCH_SIZE = 1000
# Rows of an IN (...) query: well under SQLite's and PostgreSQL's limits on query parameters.
LOOKUP_CHUNK = 500
# Annex A says only whether a child is disabled; when the platform knows nothing more, "yes" is kept as the
# census code DDA ("other disability"), the one code that claims no more than the list does.
DISABLED_UNSPECIFIED = [Disability.OTHER.value]
NOT_DISABLED = [Disability.NONE.value]
# The order lists are imported in: the CIN episodes (3, 6) before the parts that live inside them (4, 5, 7).
IMPORT_ORDER = (3, 6, 4, 5, 7, 2, 8, 1)
# What the report calls each kind of record it counts.
RECORD_NAMES: dict[type[models.Model], str] = {
    Child: "children",
    CINReferral: "CIN episodes",
    Assessment: "assessments",
    Section47: "section 47 enquiries",
    ChildProtectionPlan: "child protection plans",
    CPReview: "child protection reviews",
    EarlyHelpRequest: "early help episodes",
    LookedAfterPeriod: "periods of care",
    Placement: "placements",
}


@dataclass(frozen=True)
class Finding:
    """A value in the file that could not be used, where it is, and what happened to the row."""

    list_number: int
    source: str
    row: int
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list_number,
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ListSummary:
    rows: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    files: list[str]
    dry_run: bool = False
    strict: bool = False
    refused: bool = False  # --strict and there were findings: nothing was written
    lists: dict[int, ListSummary] = field(default_factory=dict)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    contacts_by_source: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not (self.dry_run or self.refused)

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "written": self.written,
            "lists": {
                str(number): {"rows": summary.rows, "skipped": summary.skipped}
                for number, summary in sorted(self.lists.items())
            },
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "unchanged": dict(sorted(self.unchanged.items())),
            "contacts_by_source": dict(sorted(self.contacts_by_source.items())),
            "findings": [finding.as_json() for finding in self.findings],
            "notes": self.notes,
        }


class _Keep:
    """A value the import leaves as it is: its column is not in the file, or its cell could not be read."""


KEEP = _Keep()
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


class _StrictRefusal(Exception):
    """Rolls back an import refused under --strict."""


# --- Reading one row ----------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One row of one list, read cell by cell; each unreadable cell becomes a finding."""

    table: ListTable
    sheet_row: SheetRow
    report: ImportReport

    def finding(self, key: str, message: str) -> None:
        annex_list = self.table.annex_list
        self.report.findings.append(
            Finding(
                annex_list.number,
                self.table.source,
                self.sheet_row.number,
                annex_list.column(key).heading,
                message,
            )
        )

    def _read(self, key: str, reader: Callable[[object], T | None]) -> T | _Keep | None:
        if not self.table.has(key):
            return KEEP
        try:
            return reader(self.sheet_row.values.get(key))
        except BadValue as exc:
            self.finding(key, f"{exc}; left as it was")
            return KEEP

    def date_cell(self, key: str) -> date | _Keep | None:
        return self._read(key, parse_date)

    def yes_no(self, key: str) -> bool | _Keep | None:
        return self._read(key, parse_yes_no)

    def count(self, key: str) -> int | _Keep | None:
        return self._read(key, parse_count)

    def code(self, key: str, codes: CodeList) -> str | _Keep | None:
        return self._read(key, codes.parse)

    def identifying_date(self, key: str) -> date | None:
        """The date that identifies the row's record: without it the row is skipped."""
        try:
            value = parse_date(self.sheet_row.values.get(key))
        except BadValue as exc:
            self.finding(key, f"{exc}; row skipped")
            return None
        if value is None:
            self.finding(key, "empty; row skipped")
        return value

    def child_id(self) -> str | None:
        text = cell_text(self.sheet_row.values.get("child_id"))
        if not text:
            self.finding("child_id", "no Child Unique ID; row skipped")
            return None
        if len(text) > IDENTIFIER_LENGTH:
            self.finding("child_id", f"longer than {IDENTIFIER_LENGTH} characters; row skipped")
            return None
        return text


def _put(fields: dict[str, Any], name: str, value: object, *, empty: object = None) -> None:
    """Set `fields[name]` unless the value is kept; an empty cell gives `empty`."""
    if isinstance(value, _Keep):
        return
    fields[name] = empty if value is None else value


# --- Writing in bulk ----------------------------------------------------------------------------------------


class _Upserter(Generic[M]):
    """Creates and updates one model's rows in bulk by a key, counting what changed."""

    def __init__(self, model: type[M], report: ImportReport) -> None:
        self.model = model
        self.report = report
        self.name = RECORD_NAMES[model]
        self.by_key: dict[tuple[Any, ...], M] = {}
        self.to_create: list[M] = []
        self.to_update: dict[int, M] = {}
        self.matched: set[int] = set()
        self.changed_fields: set[str] = set()

    def know(self, key: tuple[Any, ...], record: M) -> None:
        """An existing record and its key (the first one found wins, as ordered by the caller)."""
        self.by_key.setdefault(key, record)

    def put(self, key: tuple[Any, ...], fields: dict[str, Any], create: Callable[[], M]) -> M:
        record = self.by_key.get(key)
        if record is None:
            record = create()
            for name, value in fields.items():
                setattr(record, name, value)
            self.by_key[key] = record
            self.to_create.append(record)
            return record
        changed = [name for name, value in fields.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, fields[name])
        if record.pk is not None:
            self.matched.add(record.pk)
            if changed:
                self.to_update[record.pk] = record
                self.changed_fields.update(changed)
        return record

    def save(self) -> None:
        self.model._default_manager.bulk_create(self.to_create, batch_size=BATCH_SIZE)
        if self.to_update:
            now = timezone.now()
            for record in self.to_update.values():
                record.updated_at = now  # type: ignore[attr-defined]
            self.model._default_manager.bulk_update(
                list(self.to_update.values()),
                [*sorted(self.changed_fields), "updated_at"],
                batch_size=BATCH_SIZE,
            )
        self.report.created[self.name] += len(self.to_create)
        self.report.updated[self.name] += len(self.to_update)
        self.report.unchanged[self.name] += len(self.matched - set(self.to_update))
        self.to_create, self.to_update = [], {}


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == LOOKUP_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- The import ---------------------------------------------------------------------------------------------


@dataclass
class _ListRow:
    """A row whose child ID and identifying date (the list's signature column) were readable, with what it
    says about the child, waiting for the child's record."""

    row: _Row
    child_id: str
    day: date
    identity: dict[str, Any]


class _Import:
    def __init__(self, tables: list[ListTable], report: ImportReport) -> None:
        self.report = report
        self.rows_by_list: dict[int, list[_ListRow]] = defaultdict(list)
        self.children: dict[str, Child] = {}
        for table in tables:
            summary = report.lists.setdefault(table.annex_list.number, ListSummary())
            for sheet_row in table.rows:
                summary.rows += 1
                row = _Row(table, sheet_row, report)
                child_id = row.child_id()
                day = row.identifying_date(table.annex_list.signature) if child_id is not None else None
                if child_id is None or day is None:
                    summary.skipped += 1
                    continue
                self.rows_by_list[table.annex_list.number].append(
                    _ListRow(row, child_id, day, _identity(row))
                )

    def skip(self, item: _ListRow, key: str, message: str) -> None:
        item.row.finding(key, message)
        self.report.lists[item.row.table.annex_list.number].skipped += 1

    def rows(self, number: int) -> Iterator[tuple[_ListRow, Child]]:
        """The list's rows whose child has a record, with it; rows of children who could not be made are
        skipped with a finding."""
        for item in self.rows_by_list.get(number, []):
            child = self.children.get(item.child_id)
            if child is None:
                self.skip(
                    item,
                    "date_of_birth",
                    f"child {item.child_id} is not known here and the file gives no readable date of birth "
                    "(a child's record needs one); row skipped",
                )
                continue
            yield item, child

    def run(self) -> None:
        self.upsert_children()
        handlers: dict[int, Callable[[], None]] = {
            3: self.import_referrals,
            6: self.import_children_in_need,
            4: self.import_assessments,
            5: self.import_section47s,
            7: self.import_plans,
            2: self.import_early_help,
            8: self.import_looked_after,
            1: self.count_contacts,
        }
        episodes = _Upserter(CINReferral, self.report)
        self.episodes = episodes
        for number in IMPORT_ORDER:
            if number == 4:
                episodes.save()  # lists 4, 5 and 7 find their episode among those saved by now
                self.load_episode_spans()
            if number in self.rows_by_list:
                handlers[number]()

    # Children ---------------------------------------------------------------------------------------------

    def upsert_children(self) -> None:
        identities: dict[str, dict[str, Any]] = {}
        for number in sorted(self.rows_by_list):
            for item in self.rows_by_list[number]:
                known = identities.setdefault(item.child_id, {})
                for name, value in item.identity.items():
                    known.setdefault(name, value)  # the first value the file gives wins
        upserter = _Upserter(Child, self.report)
        for chunk in _chunks(identities):
            for child in Child.objects.filter(la_child_id__in=chunk):
                upserter.know((child.la_child_id,), child)
        for child_id, identity in identities.items():
            existing = upserter.by_key.get((child_id,))
            fields = {name: value for name, value in identity.items() if name != "disabilities"}
            if "disabilities" in identity and (existing is None or not existing.disabilities):
                fields["disabilities"] = identity["disabilities"]
            if existing is None and fields.get("date_of_birth") is None:
                continue  # cannot be recorded: its rows are skipped with a finding
            self.children[child_id] = upserter.put(
                (child_id,), fields, partial(Child, la_child_id=child_id, last_name="")
            )
        upserter.save()

    # CIN episodes (lists 3 and 6) -------------------------------------------------------------------------

    def know_episodes(self) -> None:
        if getattr(self, "_episodes_known", False):
            return
        self._episodes_known = True
        child_pks = [child.pk for child in self.children.values()]
        for chunk in _chunks(child_pks):
            for episode in CINReferral.objects.filter(child_id__in=chunk).order_by("pk"):
                self.episodes.know((episode.child_id, episode.referral_date), episode)

    def _episode_put(self, child: Child, referral_date: date, fields: dict[str, Any]) -> None:
        self.episodes.put(
            (child.pk, referral_date),
            fields,
            partial(
                CINReferral,
                child=child,
                referral_date=referral_date,
                source=ReferralSource.UNKNOWN,
                origin=Origin.IMPORT,
            ),
        )

    def import_referrals(self) -> None:
        self.know_episodes()
        for item, child in self.rows(3):
            row = item.row
            referral_date = item.day
            fields: dict[str, Any] = {}
            source = row.code("referral_source", REFERRAL_SOURCE)
            if source is None:
                row.finding("referral_source", "empty; left as it was (Unknown, 10, for a new referral)")
            else:
                _put(fields, "source", source)
            nfa = row.yes_no("referral_nfa")
            if nfa is not None:
                _put(fields, "nfa", nfa)
            self._episode_put(child, referral_date, fields)

    def import_children_in_need(self) -> None:
        self.know_episodes()
        for item, child in self.rows(6):
            row = item.row
            referral_date = item.day
            fields: dict[str, Any] = {}
            _put(fields, "primary_need", row.code("primary_need", PRIMARY_NEED), empty="")
            _put(fields, "closure_date", row.date_cell("cin_closure"))
            _put(fields, "closure_reason", row.code("closure_reason", CLOSURE_REASON), empty="")
            self._episode_put(child, referral_date, fields)

    def load_episode_spans(self) -> None:
        """Each child's CIN episodes (referral date, closure date, record), to find the one open on a date."""
        self.know_episodes()
        self.spans: dict[int, list[CINReferral]] = defaultdict(list)
        for (child_pk, _referral_date), episode in self.episodes.by_key.items():
            self.spans[child_pk].append(episode)

    def episode_open_on(self, child: Child, day: date) -> CINReferral | None:
        """The child's latest CIN episode referred on or before `day` and not closed before it.

        Referrals with no further action come last: Annex A gives no closure date for them (they are not on
        list 6), so one imported from list 3 looks open, and must not take in a plan or an enquiry that
        belongs to the child's real episode.
        """
        open_then = [
            episode
            for episode in self.spans.get(child.pk, [])
            if episode.referral_date <= day and (episode.closure_date is None or episode.closure_date >= day)
        ]
        open_then.sort(key=lambda episode: (not episode.nfa, episode.referral_date, episode.pk or 0))
        return open_then[-1] if open_then else None

    def _episode_rows(self, number: int, date_key: str) -> Iterator[tuple[_ListRow, CINReferral, date]]:
        """The list's rows with their date and the CIN episode open on it; the rest skipped with findings."""
        for item, child in self.rows(number):
            day = item.day
            episode = self.episode_open_on(child, day)
            if episode is None:
                self.skip(
                    item,
                    date_key,
                    f"child {item.child_id} has no CIN episode open on {day:%d/%m/%Y} (a referral in list 3 "
                    "or a CIN start date in list 6); row not imported (its child columns were)",
                )
                continue
            yield item, episode, day

    def _know_parts(
        self, upserter: _Upserter[M], model: type[M], key: Callable[[M], tuple[Any, ...]]
    ) -> None:
        episode_pks = [episode.pk for episodes in self.spans.values() for episode in episodes]
        for chunk in _chunks(episode_pks):
            for record in model._default_manager.filter(episode_id__in=chunk).order_by("pk"):
                upserter.know(key(record), record)

    # Parts of episodes (lists 4, 5, 7) -------------------------------------------------------------------

    def import_assessments(self) -> None:
        upserter = _Upserter(Assessment, self.report)
        self._know_parts(upserter, Assessment, lambda a: (a.episode_id, a.start_date))
        for item, episode, start in self._episode_rows(4, "assessment_start"):
            row = item.row
            fields: dict[str, Any] = {}
            _put(fields, "authorisation_date", row.date_cell("assessment_authorised"))
            _put(fields, "child_seen", row.yes_no("child_seen"))
            upserter.put((episode.pk, start), fields, partial(Assessment, episode=episode, start_date=start))
        upserter.save()

    def import_section47s(self) -> None:
        upserter = _Upserter(Section47, self.report)
        self._know_parts(upserter, Section47, lambda s: (s.episode_id, s.start_date))
        for item, episode, start in self._episode_rows(5, "s47_start"):
            row = item.row
            fields: dict[str, Any] = {}
            _put(fields, "icpc_date", row.date_cell("icpc_date"))
            # Empty (the enquiry is still open) or "unknown": no decision that a conference is unneeded.
            _put(fields, "icpc_not_required", row.yes_no("icpc_not_required"), empty=False)
            upserter.put((episode.pk, start), fields, partial(Section47, episode=episode, start_date=start))
        upserter.save()

    def import_plans(self) -> None:
        plans = _Upserter(ChildProtectionPlan, self.report)
        self._know_parts(plans, ChildProtectionPlan, lambda p: (p.episode_id, p.start_date))
        review_dates: list[tuple[ChildProtectionPlan, date]] = []
        for item, episode, start in self._episode_rows(7, "cpp_start"):
            row = item.row
            fields: dict[str, Any] = {}
            _put(fields, "end_date", row.date_cell("cpp_end"))
            for name, key in (
                ("initial_category", "initial_category"),
                ("latest_category", "latest_category"),
            ):
                category = row.code(key, CATEGORY_OF_ABUSE)
                if category is None:
                    row.finding(key, "empty; left as it was")
                else:
                    _put(fields, name, category)
            previous = row.count("previous_plans")
            if previous is not None:
                _put(fields, "previous_plans", previous)
            plan = plans.put(
                (episode.pk, start),
                fields,
                partial(
                    ChildProtectionPlan,
                    episode=episode,
                    start_date=start,
                    initial_category="",
                    latest_category="",
                ),
            )
            review = row.date_cell("latest_review")
            if isinstance(review, date):
                review_dates.append((plan, review))
        plans.save()
        reviews = _Upserter(CPReview, self.report)
        plan_pks = [plan.pk for plan, _ in review_dates]
        for chunk in _chunks(plan_pks):
            for existing in CPReview.objects.filter(plan_id__in=chunk).order_by("pk"):
                reviews.know((existing.plan_id, existing.review_date), existing)
        for plan, review_date in review_dates:
            reviews.put((plan.pk, review_date), {}, partial(CPReview, plan=plan, review_date=review_date))
        reviews.save()

    # Early help (list 2) ---------------------------------------------------------------------------------

    def import_early_help(self) -> None:
        upserter = _Upserter(EarlyHelpRequest, self.report)
        waiting: dict[int, list[EarlyHelpRequest]] = defaultdict(list)  # episodes not yet assessed
        for chunk in _chunks([child.pk for child in self.children.values()]):
            for episode in EarlyHelpRequest.objects.filter(child_id__in=chunk).order_by("requested_on", "pk"):
                if episode.assessment_start_date is None:
                    waiting[episode.child_id].append(episode)
                else:
                    upserter.know((episode.child_id, episode.assessment_start_date), episode)
        for item, child in self.rows(2):
            row = item.row
            start = item.day
            key = (child.pk, start)
            if key not in upserter.by_key and (waiting_one := _waiting_episode(waiting[child.pk], start)):
                waiting[child.pk].remove(waiting_one)
                upserter.know(key, waiting_one)
            fields: dict[str, Any] = {"assessment_start_date": start}
            completion = row.date_cell("eh_assessment_completion")
            if isinstance(completion, date) and completion < start:
                row.finding("eh_assessment_completion", "before the assessment start date; left as it was")
            else:
                _put(fields, "assessment_completion_date", completion)
            upserter.put(
                key,
                fields,
                partial(EarlyHelpRequest, child=child, requested_on=start, origin=Origin.IMPORT),
            )
        upserter.save()

    # Children in care (list 8) ---------------------------------------------------------------------------

    def import_looked_after(self) -> None:
        periods = _Upserter(LookedAfterPeriod, self.report)
        for chunk in _chunks([child.pk for child in self.children.values()]):
            for period in LookedAfterPeriod.objects.filter(child_id__in=chunk).order_by("pk"):
                periods.know((period.child_id, period.start_date), period)
        placements_wanted: list[tuple[LookedAfterPeriod, date, dict[str, Any]]] = []
        for item, child in self.rows(8):
            row = item.row
            start = item.day
            fields: dict[str, Any] = {}
            end = row.date_cell("lac_end")
            if isinstance(end, date) and end < start:
                row.finding("lac_end", "before the date the child started to be looked after; left as it was")
            else:
                _put(fields, "end_date", end)
            for name, key, codes in (
                ("legal_status", "legal_status", LEGAL_STATUS),
                ("category_of_need", "category_of_need", PRIMARY_NEED),
            ):
                value = row.code(key, codes)
                if value is None:
                    row.finding(key, "empty; left as it was")
                else:
                    _put(fields, name, value)
            period = periods.put(
                (child.pk, start),
                fields,
                partial(
                    LookedAfterPeriod,
                    child=child,
                    start_date=start,
                    legal_status="",
                    category_of_need="",
                    origin=Origin.IMPORT,
                ),
            )
            placement_start = row.date_cell("placement_start")
            if isinstance(placement_start, date):
                placement_fields: dict[str, Any] = {}
                placement_type = row.code("placement_type", PLACEMENT_TYPE)
                if placement_type is None:
                    row.finding("placement_type", "empty; left as it was")
                else:
                    _put(placement_fields, "placement_type", placement_type)
                placements_wanted.append((period, placement_start, placement_fields))
        periods.save()
        placements = _Upserter(Placement, self.report)
        for chunk in _chunks([period.pk for period, _, _ in placements_wanted]):
            for placement in Placement.objects.filter(period_id__in=chunk).order_by("pk"):
                placements.know((placement.period_id, placement.start_date), placement)
        for period, placement_start, placement_fields in placements_wanted:
            placements.put(
                (period.pk, placement_start),
                placement_fields,
                partial(Placement, period=period, start_date=placement_start, placement_type=""),
            )
        placements.save()

    # Contacts (list 1) -----------------------------------------------------------------------------------

    def count_contacts(self) -> None:
        for item, _child in self.rows(1):
            row = item.row
            source = row.code("contact_source", REFERRAL_SOURCE)
            self.report.contacts_by_source[source if isinstance(source, str) else "not given"] += 1


def _waiting_episode(episodes: list[EarlyHelpRequest], start: date) -> EarlyHelpRequest | None:
    """The latest early help episode requested by `start`, not closed before it and not yet assessed."""
    for episode in reversed(episodes):
        if episode.requested_on <= start and (episode.closure_date is None or episode.closure_date >= start):
            return episode
    return None


def _identity(row: _Row) -> dict[str, Any]:
    """What the row says about the child: sex, ethnicity, date of birth, and (lists 4-8) disability."""
    identity: dict[str, Any] = {}
    for name, value in (
        ("sex", row.code("gender", GENDER)),
        ("ethnicity", row.code("ethnicity", ETHNICITY)),
        ("date_of_birth", row.date_cell("date_of_birth")),
    ):
        if value is not None and not isinstance(value, _Keep):
            identity[name] = value
    if row.table.has("disability"):
        disabled = row.yes_no("disability")
        if disabled is True:
            identity["disabilities"] = DISABLED_UNSPECIFIED
        elif disabled is False:
            identity["disabilities"] = NOT_DISABLED
    return identity


def _file_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def import_annex_a(
    paths: Sequence[Path],
    *,
    actor: Any = None,
    list_number: int | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Import the Annex A lists 1-8 the files hold. Raises AnnexAUnreadable (nothing written) when a file,
    sheet or list cannot be imported at all; otherwise returns the report (with findings and notes)."""
    read = read_annex_a(paths, list_number=list_number)
    report = ImportReport(
        files=[path.name for path in paths], dry_run=dry_run, strict=strict, notes=read.notes
    )
    for number in sorted({table.annex_list.number for table in read.tables}):
        report.lists.setdefault(number, ListSummary())
    try:
        with transaction.atomic():
            _Import(read.tables, report).run()
            if strict and report.findings:
                raise _StrictRefusal
            if dry_run:
                transaction.set_rollback(True)
            else:
                access_event_record(
                    actor=actor,
                    action=AccessEvent.Action.CHANGE,
                    subject_type="census.annexa",
                    subject_id=_file_digest(paths)[:16],
                    subject_label=", ".join(report.files)[:300],
                    purpose="Ofsted Annex A import",
                    details={
                        "lists": sorted(report.lists),
                        "created": dict(report.created),
                        "updated": dict(report.updated),
                        "findings": len(report.findings),
                    },
                )
    except _StrictRefusal:
        report.refused = True
    return report
