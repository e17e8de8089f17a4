"""Export Ofsted Annex A lists 1 to 8 for an inspection window, from the platform's records.

    window = Window.before(date(2024, 3, 31))            # the six months Ofsted asks for, to that day
    rows = annex_a_rows(window)                          # {list number: [row, ...]}, cells in template order
    write_workbook(rows, Path("annex-a.xlsx"))           # one sheet per list, "List 1" ... "List 8"
    write_csvs(rows, Path("annex-a/"))                   # or one CSV file per list

Who is on each list (Ofsted's scope, statutory-rules.md section 3; `start` and `end` are the window's first
and last days, both included; "open at the end" means not ended on or before `end`):

1. contacts received in the window, one row per child the MASH matched to a child's record;
2. early help assessments started in the window, and those of episodes still open at the end;
3. referrals (CIN episodes) referred in the window;
4. assessments open at any time in the window (started by `end`, not authorised before `start`);
5. section 47 enquiries started in the window, and earlier ones still waiting for their outcome;
6. CIN episodes open at any time in the window, except referrals with no further action;
7. child protection plans open at the end, or ended in the window;
8. periods of care open at the end, or ended in the window.

Cells are typed: a date is a date (the workbook shows it as dd/mm/yyyy, CSV writes dd/mm/yyyy), a count an
int, a code the template's option text (columns.py, values.py), an empty cell None. A child without an LA
child ID (one only the front door knows) is exported as "SPP-<record number>" so it stays one child across
lists and through a re-import. Columns the platform does not hold are left empty (columns.Use.NOT_HELD).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from safeguarding.census.annexa.columns import LISTS, AnnexList
from safeguarding.census.annexa.values import (
    CATEGORY_OF_ABUSE,
    ETHNICITY,
    GENDER,
    REFERRAL_SOURCE,
    YES_NO_LABELS,
)
from safeguarding.children.codes import Disability, LegalStatus, ReasonForClosure
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINReferral,
    EarlyHelpRequest,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.core.calendar import add_months
from safeguarding.core.exports import csv_lines, neutralise
from safeguarding.frontdoor.models import ContactChild

Cell = str | int | date | None
Row = list[Cell]
DATE_FORMAT = "%d/%m/%Y"
XLSX_DATE_FORMAT = "DD/MM/YYYY"
# Ofsted asks for the six months before the inspection; counts look back twelve.
WINDOW_MONTHS = 6
LOOK_BACK_MONTHS = 12
CASE_STATUS = {
    "looked_after": "a) Looked after child",
    "cp_plan": "b) Child Protection plan",
    "cin_plan": "c) Child in need plan",
    "open_assessment": "d) Open assessment",
    "closed": "e) Closed episode",
}
# A CIN episode closed with one of these ended at its assessment: the child was not assessed as needing
# children's social care support (list 4).
CLOSED_AFTER_ASSESSMENT = frozenset(
    {ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA, ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP}
)
# Legal statuses of emergency protection (list 7's "Subject to Emergency Protection Order or Protected Under
# Police Powers"): L1 police protection, L2 emergency protection order.
EMERGENCY_PROTECTION = frozenset({LegalStatus.POLICE_PROTECTION, LegalStatus.EMERGENCY_PROTECTION_ORDER})


@dataclass(frozen=True)
class Window:
    """The days an export covers, both included: `end` is the day of the inspection's data request."""

    start: date
    end: date

    @classmethod
    def before(cls, end: date, months: int = WINDOW_MONTHS) -> Window:
        return cls(add_months(end, -months), end)

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def look_back_start(self) -> date:
        """The first day of "the last 12 months" to the window's end."""
        return add_months(self.end, -LOOK_BACK_MONTHS)


# --- Cells --------------------------------------------------------------------------------------------------


def child_unique_id(child: Child) -> str:
    return child.la_child_id or f"SPP-{child.pk}"


def _disability(child: Child) -> str:
    codes = [code for code in child.disabilities if code != Disability.NONE]
    if codes:
        return YES_NO_LABELS[True]
    return YES_NO_LABELS[False] if child.disabilities else YES_NO_LABELS[None]


def _yes_no(value: bool | None, *, blank_when_none: bool = False) -> str | None:
    if value is None and blank_when_none:
        return None
    return YES_NO_LABELS[value]


def _child_cells(child: Child, window: Window) -> Row:
    return [
        child_unique_id(child),
        GENDER.label(child.sex),
        ETHNICITY.label(child.ethnicity),
        child.date_of_birth,
        child.age_on(window.end),
    ]


def _code(value: str) -> str | None:
    return value or None


def _count_before(days: Iterable[date], day: date) -> int:
    """How many of `days` fall in the 12 months before `day` (from the same date a year earlier, to the day
    before)."""
    first = add_months(day, -LOOK_BACK_MONTHS)
    return sum(1 for other in days if first <= other < day)


def _london_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _open_at_end(end_field: str, window: Window) -> Q:
    return Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": window.end})


def _open_in_window(start_field: str, end_field: str, window: Window) -> Q:
    return Q(**{f"{start_field}__lte": window.end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": window.start})
    )


def _chunked(values: list[int], size: int = 500) -> Iterable[list[int]]:
    for index in range(0, len(values), size):
        yield values[index : index + size]


# --- The lists ----------------------------------------------------------------------------------------------


def list_1_contacts(window: Window) -> list[Row]:
    matched = ContactChild.objects.filter(
        child__isnull=False,
        contact__received_at__gte=_london_day_start(window.start),
        contact__received_at__lt=_london_day_start(window.end + timedelta(days=1)),
    ).select_related("child", "contact")
    rows: list[Row] = []
    for named in matched:
        assert named.child is not None
        received = timezone.localtime(named.contact.received_at).date()
        rows.append(
            [*_child_cells(named.child, window), received, REFERRAL_SOURCE.label(named.contact.source)]
        )
    return rows


def list_2_early_help(window: Window) -> list[Row]:
    episodes = (
        EarlyHelpRequest.objects.filter(
            assessment_start_date__isnull=False, assessment_start_date__lte=window.end
        )
        .filter(Q(assessment_start_date__gte=window.start) | _open_at_end("closure_date", window))
        .select_related("child")
    )
    return [
        [*_child_cells(e.child, window), e.assessment_start_date, e.assessment_completion_date, None]
        for e in episodes
    ]


def list_3_referrals(window: Window) -> list[Row]:
    referrals = list(
        CINReferral.objects.filter(
            referral_date__gte=window.start, referral_date__lte=window.end
        ).select_related("child")
    )
    earlier: dict[int, list[date]] = defaultdict(list)
    child_pks = sorted({referral.child_id for referral in referrals})
    for chunk in _chunked(child_pks):
        for child_pk, day in CINReferral.objects.filter(
            child_id__in=chunk, referral_date__gte=add_months(window.start, -LOOK_BACK_MONTHS)
        ).values_list("child_id", "referral_date"):
            earlier[child_pk].append(day)
    return [
        [
            *_child_cells(r.child, window),
            r.referral_date,
            REFERRAL_SOURCE.label(r.source),
            _yes_no(r.nfa),
            _count_before(earlier[r.child_id], r.referral_date),
            None,
            None,
        ]
        for r in referrals
    ]


def list_4_assessments(window: Window) -> list[Row]:
    assessments = Assessment.objects.filter(
        _open_in_window("start_date", "authorisation_date", window)
    ).select_related("episode__child")
    rows: list[Row] = []
    for a in assessments:
        support: bool | None = None
        if a.authorisation_date is not None:
            support = a.episode.closure_reason not in CLOSED_AFTER_ASSESSMENT
        rows.append(
            [
                *_child_cells(a.episode.child, window),
                _disability(a.episode.child),
                a.start_date,
                _yes_no(a.child_seen),
                a.authorisation_date,
                _yes_no(support, blank_when_none=True),
                None,
                None,
            ]
        )
    return rows


def list_5_section47s(window: Window) -> list[Row]:
    waiting = Q(start_date__lt=window.start, icpc_date__isnull=True, icpc_not_required=False) & (
        Q(episode__closure_date__isnull=True) | Q(episode__closure_date__gte=window.start)
    )
    enquiries = list(
        Section47.objects.filter(
            Q(start_date__gte=window.start, start_date__lte=window.end) | waiting
        ).select_related("episode__child")
    )
    starts: dict[int, list[date]] = defaultdict(list)
    conferences: dict[int, list[date]] = defaultdict(list)
    child_pks = sorted({e.episode.child_id for e in enquiries})
    for chunk in _chunked(child_pks):
        for other in Section47.objects.filter(episode__child_id__in=chunk).select_related("episode"):
            starts[other.episode.child_id].append(other.clock_start)
            if other.icpc_date is not None:
                conferences[other.episode.child_id].append(other.icpc_date)
    episode_pks = sorted({e.episode_id for e in enquiries})
    plan_starts: set[tuple[int, date]] = set()
    for chunk in _chunked(episode_pks):
        plan_starts.update(
            ChildProtectionPlan.objects.filter(episode_id__in=chunk).values_list("episode_id", "start_date")
        )
    rows: list[Row] = []
    for e in enquiries:
        child = e.episode.child
        not_required = True if e.icpc_not_required else (False if e.icpc_date else None)
        to_plan = None if e.icpc_date is None else (e.episode_id, e.icpc_date) in plan_starts
        rows.append(
            [
                *_child_cells(child, window),
                _disability(child),
                e.clock_start,
                _yes_no(not_required, blank_when_none=True),
                e.icpc_date,
                _yes_no(to_plan, blank_when_none=True),
                _count_before(starts[child.pk], e.clock_start),
                _count_before(conferences[child.pk], e.clock_start),
                None,
                None,
            ]
        )
    return rows


def list_6_children_in_need(window: Window) -> list[Row]:
    episodes = list(
        CINReferral.objects.filter(
            _open_in_window("referral_date", "closure_date", window), nfa=False
        ).select_related("child")
    )
    episode_pks = sorted(e.pk for e in episodes)
    child_pks = sorted({e.child_id for e in episodes})
    on_plan: set[int] = set()
    assessing: set[int] = set()
    in_care: set[int] = set()
    for chunk in _chunked(episode_pks):
        on_plan.update(
            ChildProtectionPlan.objects.filter(episode_id__in=chunk, start_date__lte=window.end)
            .filter(_open_at_end("end_date", window))
            .values_list("episode_id", flat=True)
        )
        assessing.update(
            Assessment.objects.filter(episode_id__in=chunk, start_date__lte=window.end)
            .filter(_open_at_end("authorisation_date", window))
            .values_list("episode_id", flat=True)
        )
    for chunk in _chunked(child_pks):
        in_care.update(
            LookedAfterPeriod.objects.filter(child_id__in=chunk, start_date__lte=window.end)
            .filter(_open_at_end("end_date", window))
            .values_list("child_id", flat=True)
        )

    def status(episode: CINReferral) -> str:
        if episode.closure_date is not None and episode.closure_date <= window.end:
            return CASE_STATUS["closed"]
        if episode.child_id in in_care:
            return CASE_STATUS["looked_after"]
        if episode.pk in on_plan:
            return CASE_STATUS["cp_plan"]
        if episode.pk in assessing:
            return CASE_STATUS["open_assessment"]
        return CASE_STATUS["cin_plan"]

    return [
        [
            *_child_cells(e.child, window),
            _disability(e.child),
            e.referral_date,
            _code(e.primary_need),
            None,
            e.closure_date,
            _code(e.closure_reason),
            status(e),
            None,
            None,
        ]
        for e in episodes
    ]


def list_7_child_protection(window: Window) -> list[Row]:
    plans = list(
        ChildProtectionPlan.objects.filter(_open_in_window("start_date", "end_date", window))
        .annotate(latest_review=Max("reviews__review_date", filter=Q(reviews__review_date__lte=window.end)))
        .select_related("episode__child")
    )
    child_pks = sorted({plan.episode.child_id for plan in plans})
    protected: set[int] = set()
    six_months_ago = add_months(window.end, -WINDOW_MONTHS)
    for chunk in _chunked(child_pks):
        protected.update(
            LookedAfterPeriod.objects.filter(
                child_id__in=chunk,
                legal_status__in=EMERGENCY_PROTECTION,
                start_date__gte=six_months_ago,
                start_date__lte=window.end,
            ).values_list("child_id", flat=True)
        )
    rows: list[Row] = []
    for plan in plans:
        child = plan.episode.child
        rows.append(
            [
                *_child_cells(child, window),
                _disability(child),
                plan.start_date,
                CATEGORY_OF_ABUSE.label(plan.initial_category) if plan.initial_category else None,
                CATEGORY_OF_ABUSE.label(plan.latest_category) if plan.latest_category else None,
                None,
                None,
                plan.latest_review,
                plan.end_date,
                _yes_no(child.pk in protected),
                plan.previous_plans,
                None,
                None,
            ]
        )
    return rows


def list_8_looked_after(window: Window) -> list[Row]:
    periods = list(
        LookedAfterPeriod.objects.filter(_open_in_window("start_date", "end_date", window)).select_related(
            "child"
        )
    )
    child_pks = sorted({period.child_id for period in periods})
    all_periods: dict[int, list[LookedAfterPeriod]] = defaultdict(list)
    placements: dict[int, list[Placement]] = defaultdict(list)  # by child
    missing: dict[int, list[MissingEpisode]] = defaultdict(list)
    for chunk in _chunked(child_pks):
        for period in LookedAfterPeriod.objects.filter(child_id__in=chunk):
            all_periods[period.child_id].append(period)
        for placement in Placement.objects.filter(
            period__child_id__in=chunk, start_date__lte=window.end
        ).select_related("period"):
            placements[placement.period.child_id].append(placement)
        for episode in MissingEpisode.objects.filter(
            child_id__in=chunk, started_at__lt=_london_day_start(window.end + timedelta(days=1))
        ):
            missing[episode.child_id].append(episode)

    rows: list[Row] = []
    for period in periods:
        child = period.child
        earlier_period = any(
            other.pk != period.pk
            and other.end_date is not None
            and add_months(period.start_date, -LOOK_BACK_MONTHS) <= other.end_date <= period.start_date
            for other in all_periods[child.pk]
        )
        own = sorted(
            (p for p in placements[child.pk] if p.period_id == period.pk), key=lambda p: (p.start_date, p.pk)
        )
        latest = own[-1] if own else None
        recent_placements = sum(1 for p in placements[child.pk] if window.look_back_start <= p.start_date)
        episodes = sorted(missing[child.pk], key=lambda m: m.started_at)
        recent_missing = sum(
            1 for m in episodes if timezone.localtime(m.started_at).date() >= window.look_back_start
        )
        last_missing = episodes[-1] if episodes else None
        rows.append(
            [
                *_child_cells(child, window),
                None,  # UASC: not held
                _disability(child),
                period.start_date,
                _code(period.category_of_need),
                _yes_no(earlier_period),
                period.start_date,  # one legal status per period: it started with the period
                _code(period.legal_status),
                None,
                None,
                None,
                None,
                None,
                None,
                recent_placements,
                period.end_date,
                None,
                latest.start_date if latest else None,
                _code(latest.placement_type) if latest else None,
                None,
                None,
                None,
                None,
                None,
                recent_missing,
                None,
                _yes_no(last_missing.rhc_offered_date is not None) if last_missing else None,
                _yes_no(last_missing.rhc_accepted_date is not None) if last_missing else None,
                None,
                None,
            ]
        )
    return rows


BUILDERS: Mapping[int, Callable[[Window], list[Row]]] = {
    1: list_1_contacts,
    2: list_2_early_help,
    3: list_3_referrals,
    4: list_4_assessments,
    5: list_5_section47s,
    6: list_6_children_in_need,
    7: list_7_child_protection,
    8: list_8_looked_after,
}


def _sort_key(row: Row) -> tuple[Any, ...]:
    """Rows in a stable order: by child ID, then by the row's cells as text (its dates first among them)."""
    return tuple(
        "" if cell is None else (cell.isoformat() if isinstance(cell, date) else str(cell)) for cell in row
    )


def annex_a_rows(window: Window, lists: Iterable[int] = tuple(LISTS)) -> dict[int, list[Row]]:
    """The rows of each list for the window, cells in the template's column order, sorted by child."""
    rows_by_list: dict[int, list[Row]] = {}
    for number in lists:
        rows = BUILDERS[number](window)
        width = len(LISTS[number].columns)
        assert all(len(row) == width for row in rows), f"list {number}: rows must have {width} cells"
        rows_by_list[number] = sorted(rows, key=_sort_key)
    return rows_by_list


# --- Files --------------------------------------------------------------------------------------------------


def sheet_name(annex_list: AnnexList) -> str:
    return f"List {annex_list.number}"


def csv_name(annex_list: AnnexList) -> str:
    title = "-".join(annex_list.title.lower().replace("section 47", "s47").split())
    return f"annex-a-list-{annex_list.number}-{title}.csv"


def _text(cell: Cell) -> Cell:
    """Text cells made safe to open in a spreadsheet (core.exports); other cells as they are."""
    return neutralise(cell) if isinstance(cell, str) else cell


def write_workbook(rows_by_list: Mapping[int, list[Row]], path: Path) -> Path:
    """An xlsx workbook with one sheet per list, the template's header row, dates shown as dd/mm/yyyy."""
    workbook = Workbook(write_only=True)
    for number, rows in sorted(rows_by_list.items()):
        annex_list = LISTS[number]
        sheet = workbook.create_sheet(sheet_name(annex_list))
        sheet.append(annex_list.headings)
        for row in rows:
            cells: list[Any] = []
            for value in row:
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = XLSX_DATE_FORMAT
                    cells.append(cell)
                else:
                    cells.append(_text(value))
            sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _csv_cell(cell: Cell) -> Cell:
    return cell.strftime(DATE_FORMAT) if isinstance(cell, date) else cell


def write_csvs(rows_by_list: Mapping[int, list[Row]], directory: Path) -> list[Path]:
    """One CSV file per list (UTF-8 with the byte order mark Excel needs), dates as dd/mm/yyyy."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for number, rows in sorted(rows_by_list.items()):
        annex_list = LISTS[number]
        path = directory / csv_name(annex_list)
        with path.open("w", encoding="utf-8", newline="") as handle:
            for line in csv_lines(annex_list.headings, ([_csv_cell(cell) for cell in row] for row in rows)):
                handle.write(line)
        written.append(path)
    return written
