"""The front door measures: how many contacts arrive, how fast the MASH decides, what it decides, and how
often the same children come back. docs/measures.md states every definition with worked examples.

Each measure is a pure function of a Period (plus, for the measures that depend on whether a deadline has
passed yet, the moment to count at: `now`, default the current time), computed in SQL through the ORM with
conditional aggregates: no loop over contacts in Python. Every function returns a Measure (or rows of
them) holding the count and the base beside the value, so a percentage is never shown without its counts.
The indicators issue registers these functions; MEASURES below lists them in the order the page shows them.

Conventions shared by every measure (the reasons are in docs/measures.md):

- A contact belongs to the period in which it was *received* (Europe/London dates). Timeliness, conversion
  and feedback follow that cohort of contacts, whenever their decision came.
- A contact is *decided* when its decision is final (status "decided"; a decision waiting for a manager's
  authorisation is not final yet), at `decided_at`: for a decision a manager authorised, the authorisation.
- The base of a timeliness measure holds the decided contacts and the open contacts whose time has already
  run out (those can no longer be on time); open contacts still in time are left out until they are decided
  or late.
- Working days come from core.calendar and the decision deadline from the `referral-decision` clock. The
  calendar is consulted once per *day* of the period, never per contact: the days are turned into a step
  function of the received time (a balanced SQL CASE), so the comparison with each contact happens in SQL.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
)
from django.db.models.expressions import Expression
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from safeguarding.access.permissions import holds, holds_partnership_wide
from safeguarding.children.codes import ReferralSource
from safeguarding.core import runcache
from safeguarding.core.calendar import add_months, current_calendar
from safeguarding.core.clocks import clock_due_date
from safeguarding.frontdoor.models import Concern, Contact, ContactChild, ContactConcern
from safeguarding.frontdoor.selectors.mash import REPEAT_CONTACT_MONTHS
from safeguarding.population.selectors import population_for_year

DECISION_CLOCK = "referral-decision"
# REPEAT_CONTACT_MONTHS (12) comes from the MASH selectors: the months the contact page looks back for
# previous contacts, so "repeat" means the same on the page and in the measure.
# Feedback to the referrer is due by the core.clocks "referrer-feedback" clock (1 working day).
FEEDBACK_CLOCK = "referrer-feedback"


# --- Periods ----------------------------------------------------------------------------------------------


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "year"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "month": "Month",
            "quarter": "Quarter",
            "year": "Financial year",
            "custom": "Dates",
        }[self.value]


def financial_year_of(day: date) -> int:
    """The year a financial year starts in: 1 April 2022 to 31 March 2023 is financial year 2022 (2022-23)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_KEY = re.compile(r"^(\d{4})-(\d{2})-q([1-4])$")
_YEAR_KEY = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """The days from `first` to `last` inclusive, in Europe/London, and what kind of period they make.

    Quarters are quarters of the financial year: Q1 is April to June, Q4 January to March.
    """

    kind: PeriodKind
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"A period cannot end ({self.last}) before it starts ({self.first})")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last_day = _stdlib_calendar.monthrange(year, month)[1]
        return cls(PeriodKind.MONTH, date(year, month, 1), date(year, month, last_day))

    @classmethod
    def quarter(cls, financial_year: int, number: int) -> Period:
        """Quarter `number` (1-4) of the financial year starting in April of `financial_year`."""
        if not 1 <= number <= 4:
            raise ValueError(f"A financial year has quarters 1 to 4, not {number}")
        first = add_months(date(financial_year, 4, 1), 3 * (number - 1))
        last = add_months(first, 3) - timedelta(days=1)
        return cls(PeriodKind.QUARTER, first, last)

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        """1 April `start_year` to 31 March of the next year."""
        return cls(PeriodKind.FINANCIAL_YEAR, date(start_year, 4, 1), date(start_year + 1, 3, 31))

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        return cls(PeriodKind.CUSTOM, first, last)

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """The month, financial quarter or financial year that `day` falls in."""
        if kind == PeriodKind.MONTH:
            return cls.month(day.year, day.month)
        year = financial_year_of(day)
        if kind == PeriodKind.QUARTER:
            months_in = (day.month - 4) % 12
            return cls.quarter(year, months_in // 3 + 1)
        if kind == PeriodKind.FINANCIAL_YEAR:
            return cls.financial_year(year)
        raise ValueError(f"No standard period of kind {kind!r}")

    @classmethod
    def parse(cls, kind: str, key: str) -> Period:
        """The period a `key` names: "2023-01" (month), "2022-23-q1" (quarter) or "2022-23" (year).

        ValueError when the key is not one of these, or names no real period.
        """
        period_kind = PeriodKind(kind)
        if period_kind == PeriodKind.MONTH and (found := _MONTH_KEY.match(key)):
            year, month = int(found[1]), int(found[2])
            if not 1 <= month <= 12:
                raise ValueError(f"No month {month}")
            return cls.month(year, month)
        if period_kind == PeriodKind.QUARTER and (found := _QUARTER_KEY.match(key)):
            year = _checked_financial_year(int(found[1]), found[2])
            return cls.quarter(year, int(found[3]))
        if period_kind == PeriodKind.FINANCIAL_YEAR and (found := _YEAR_KEY.match(key)):
            return cls.financial_year(_checked_financial_year(int(found[1]), found[2]))
        raise ValueError(f"{key!r} does not name a {period_kind.label.lower()}")

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{financial_year_label(financial_year_of(self.first))}-q{self.quarter_number}"
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return financial_year_label(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def quarter_number(self) -> int:
        return (self.first.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        """How people say it: "January 2023", "Q1 2022-23 (April to June 2022)", "2022-23"."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.first:%B %Y}"
        if self.kind == PeriodKind.QUARTER:
            year = financial_year_label(financial_year_of(self.first))
            span = f"{self.first:%B} to {self.last:%B %Y}"
            return f"Q{self.quarter_number} {year} ({span})"
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return (
                f"{financial_year_label(self.first.year)} (April {self.first.year} to March {self.last.year})"
            )
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"

    @property
    def starts_at(self) -> datetime:
        """00:00 in London on the first day."""
        return start_of_day(self.first)

    @property
    def ends_before(self) -> datetime:
        """00:00 in London on the day after the last day (the period runs up to, not including, this)."""
        return start_of_day(self.last + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def population_year(self) -> int:
        """The mid-year population estimate a rate for this period divides by: the one of the year its
        financial year starts in (mid-2022 for anything in April 2022 to March 2023), as the DfE does."""
        return financial_year_of(self.first)

    def previous(self) -> Period:
        return self.shifted(-1)

    def following(self) -> Period:
        return self.shifted(1)

    def shifted(self, steps: int) -> Period:
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.FINANCIAL_YEAR: 12}.get(self.kind)
        if months is None:
            raise ValueError("Only months, quarters and financial years have a previous and a next")
        return Period.containing(self.kind, add_months(self.first, months * steps))

    def months(self) -> list[Period]:
        """The calendar months the period is made of (for a month, itself)."""
        found = []
        month = Period.month(self.first.year, self.first.month)
        while month.first <= self.last:
            found.append(month)
            month = month.following()
        return found


def _checked_financial_year(start_year: int, end_two_digits: str) -> int:
    if (start_year + 1) % 100 != int(end_two_digits):
        raise ValueError(f"{start_year}-{end_two_digits} is not a financial year")
    return start_year


def start_of_day(day: date) -> datetime:
    """00:00 in Europe/London on `day`, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


# --- Results ----------------------------------------------------------------------------------------------


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    PER_10000 = "per 10,000 children"


@dataclass(frozen=True)
class Measure:
    """One figure with what it was computed from: `count` out of `base` (the numerator and denominator)."""

    count: int
    base: int | None
    value: float | None
    unit: Unit
    # Why there is no value, in words for a person ("No population figure for 2022"); empty otherwise.
    missing: str = ""

    @classmethod
    def number(cls, count: int) -> Measure:
        return cls(count, None, float(count), Unit.COUNT)

    @classmethod
    def percent(cls, count: int, base: int) -> Measure:
        if base == 0:
            return cls(count, base, None, Unit.PERCENT, "Nothing to count in this period")
        return cls(count, base, 100 * count / base, Unit.PERCENT)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: `key` is stable (a code), `label` is for people."""

    key: str
    label: str
    measure: Measure


@dataclass(frozen=True)
class SourceAgencyRow:
    """Contacts from one referring agency (or, for contacts with no agency, one kind of referrer)."""

    key: str
    label: str
    contacts: Measure  # contacts from this source, out of all contacts in the period
    nfa: Measure  # no further action, out of this source's decided contacts


# --- The measures -----------------------------------------------------------------------------------------


def received_in(period: Period) -> QuerySet[Contact]:
    """Contacts received in the period (by their time received, read in Europe/London)."""
    return Contact.objects.filter(received_at__gte=period.starts_at, received_at__lt=period.ends_before)


def _decided() -> Q:
    return Q(status=Contact.Status.DECIDED, decided_at__isnull=False)


@runcache.kept_per_argument
def contacts(period: Period) -> Measure:
    """Contacts: every contact received in the period, whatever channel it came by and whether it has been
    decided yet. A contact about several children counts once."""
    return Measure.number(received_in(period).count())


def contacts_per_10000_children(period: Period) -> Measure:
    """Contacts per 10,000 children aged 0-17: contacts received in the period x 10,000 / the number of
    children aged 0-17 in the area (the ONS mid-year estimate of the year the period's financial year
    starts in, from the population table).

    Without a population figure for that year there is no rate: `missing` says which year is needed.
    """
    count = contacts(period).count or 0
    year = period.population_year
    population = population_for_year(year)
    if population is None:
        return Measure(count, None, None, Unit.PER_10000, f"No population figure for {year}")
    return Measure(count, population.children_0_17, count * 10_000 / population.children_0_17, Unit.PER_10000)


def decisions_within_24_hours(period: Period, *, now: datetime | None = None) -> Measure:
    """Decisions within 24 hours (%): of the contacts received in the period, those decided no more than 24
    hours (elapsed time) after they were received, out of the contacts decided plus those still open more
    than 24 hours after they were received."""
    return _decided_within_hours(period, 24, now=now)


def decisions_within_48_hours(period: Period, *, now: datetime | None = None) -> Measure:
    """Decisions within 48 hours (%): as decisions within 24 hours, with 48 hours of elapsed time."""
    return _decided_within_hours(period, 48, now=now)


def _decided_within_hours(period: Period, hours: int, *, now: datetime | None) -> Measure:
    moment = now or timezone.now()
    span = timedelta(hours=hours)
    totals = received_in(period).aggregate(
        count=Count("pk", filter=_decided() & Q(ElapsedAtMost("received_at", "decided_at", span))),
        base=Count("pk", filter=_decided() | Q(received_at__lte=moment - span)),
    )
    return Measure.percent(totals["count"], totals["base"])


def decisions_within_one_working_day(period: Period, *, now: datetime | None = None) -> Measure:
    """Decisions within 1 working day (%): of the contacts received in the period, those decided by the end
    of the day the `referral-decision` clock gives (the first working day after the day received, whatever
    the time received), out of the contacts decided plus those still open after that day ended.

    Method: for each day of the period the clock gives the due date once (on the calendar in force: weekends,
    England bank holidays and local closure days); consecutive days with the same due date form a step of a
    function from the time received to the end of the due day, which SQL evaluates for every contact (as a
    balanced CASE expression) and compares with the time decided. A contact received at 17:30 on the Friday
    before a bank holiday Monday and decided on the Tuesday is in time; decided on the Wednesday it is not.
    """
    moment = now or timezone.now()
    working = current_calendar()
    steps = [
        (start_of_day(last + timedelta(days=1)), start_of_day(due + timedelta(days=1)))
        for last, due in _runs(period.days, lambda day: clock_due_date(DECISION_CLOCK, day, calendar=working))
    ]
    decision_due_by = step_function(F("received_at"), steps)
    totals = received_in(period).aggregate(
        count=Count("pk", filter=_decided() & Q(decided_at__lt=decision_due_by)),
        base=Count("pk", filter=_decided() | Q(received_at__lt=passed_by(steps, moment))),
    )
    return Measure.percent(totals["count"], totals["base"])


def referrals_to_social_care(period: Period) -> Measure:
    """Conversion of contacts to referrals to social care (%): of the contacts received in the period and
    decided, those decided at level 4 (a statutory response: a child and family assessment or a strategy
    discussion; each child in them becomes a CIN referral)."""
    totals = received_in(period).aggregate(
        count=Count("pk", filter=_decided() & Q(outcome=Contact.Outcome.LEVEL_4)),
        base=Count("pk", filter=_decided()),
    )
    return Measure.percent(totals["count"], totals["base"])


def repeat_contacts(period: Period) -> Measure:
    """Repeat contacts within 12 months (%): of the contacts received in the period with at least one child
    matched to a child record, those in which any matched child was also in another contact received in the
    12 months before (from the start of the same date 12 months earlier up to the moment this one arrived).

    A child not yet matched to a record cannot be recognised as known, so contacts with no matched child are
    left out of both counts.

    The matched contact-children from 12 months before the period to its end are read in one query and the
    windows checked in Python (a correlated subquery working out each window's start in SQL took seconds on
    PostgreSQL). Within an indicators computation run (`core.runcache`) the whole financial year's rows are
    read once and shared by the year and its quarters.
    """
    starts_at, ends_before = period.starts_at, period.ends_before
    year = Period.financial_year(financial_year_of(period.first))
    if runcache.in_run() and period.last <= year.last:
        history = runcache.kept(
            ("repeat-contacts", year.key),
            lambda: _ContactHistory.read(
                _repeat_lookback(year), year.ends_before, children_seen_from=year.starts_at
            ),
        )
    else:
        history = _ContactHistory.read(_repeat_lookback(period), ends_before, children_seen_from=starts_at)
    london = timezone.get_current_timezone()
    window_start: dict[date, datetime] = {}
    repeats = base = 0
    first = bisect_left(history.received, starts_at)
    last = bisect_left(history.received, ends_before)
    for received, children in history.contacts[first:last]:
        base += 1
        day = received.astimezone(london).date()
        if day not in window_start:
            window_start[day] = start_of_day(add_months(day, -REPEAT_CONTACT_MONTHS))
        start = window_start[day]
        # A child seen in [start, received): more of their moments lie before `received` than before `start`.
        if any(
            bisect_left(history.seen[child], received) > bisect_left(history.seen[child], start)
            for child in children
        ):
            repeats += 1
    return Measure.percent(repeats, base)


def _repeat_lookback(period: Period) -> datetime:
    """The earliest moment a contact can make one received in `period` a repeat."""
    return start_of_day(add_months(period.first, -REPEAT_CONTACT_MONTHS))


@dataclass(frozen=True)
class _ContactHistory:
    """The contacts with a matched child received in a stretch of time, read in one query: for each child the
    moments they were in a contact (sorted), and the contacts in the order received with their children."""

    seen: dict[int, list[datetime]]
    contacts: list[tuple[datetime, list[int]]]
    received: list[datetime]  # the contacts' moments, for finding a period's contacts by bisection

    @classmethod
    def read(
        cls, first: datetime, ends_before: datetime, *, children_seen_from: datetime | None = None
    ) -> _ContactHistory:
        """Contacts received in [first, ends_before); with `children_seen_from`, only the children in a
        contact received from then on (all a period's measure needs, without the run's whole year)."""
        rows = ContactChild.objects.filter(
            child__isnull=False, contact__received_at__gte=first, contact__received_at__lt=ends_before
        )
        if children_seen_from is not None:
            rows = rows.filter(
                child__in=ContactChild.objects.filter(
                    contact__received_at__gte=children_seen_from, contact__received_at__lt=ends_before
                ).values("child_id")
            )
        seen: dict[int, list[datetime]] = defaultdict(list)
        children_of: dict[int, tuple[datetime, list[int]]] = {}
        for contact_id, received, child_id in rows.order_by().values_list(
            "contact_id", "contact__received_at", "child_id"
        ):
            seen[child_id].append(received)
            children_of.setdefault(contact_id, (received, []))[1].append(child_id)
        for moments in seen.values():
            moments.sort()
        contacts = sorted(children_of.values(), key=lambda item: item[0])
        return cls(dict(seen), contacts, [received for received, _ in contacts])


def feedback_within_one_working_day(period: Period, *, now: datetime | None = None) -> Measure:
    """Referrer feedback sent within 1 working day of the decision (%): of the contacts received in the
    period, decided, and with a referrer email address to send the outcome to, those whose feedback was sent
    by the end of the first working day after the day of the decision; out of those decided contacts whose
    feedback was sent, or whose day to send it has ended.

    The due day comes from the referrer-feedback clock (the day of the decision is day 0), computed once per
    day of decision and compared in SQL, as for decisions within 1 working day.
    """
    moment = now or timezone.now()
    cohort = received_in(period).filter(_decided()).exclude(referrer_email="")
    latest = cohort.aggregate(latest=Max("decided_at"))["latest"]
    if latest is None:
        return Measure.percent(0, 0)
    working = current_calendar()
    decision_days = Period.between(period.first, max(period.last, timezone.localdate(latest)))
    steps = [
        (start_of_day(last + timedelta(days=1)), start_of_day(due + timedelta(days=1)))
        for last, due in _runs(
            decision_days.days, lambda day: clock_due_date(FEEDBACK_CLOCK, day, calendar=working)
        )
    ]
    totals = cohort.aggregate(
        count=Count("pk", filter=Q(feedback_sent_at__lt=step_function(F("decided_at"), steps))),
        base=Count(
            "pk", filter=Q(feedback_sent_at__isnull=False) | Q(decided_at__lt=passed_by(steps, moment))
        ),
    )
    return Measure.percent(totals["count"], totals["base"])


NOT_DECIDED = "not_decided"


def contacts_by_level(period: Period) -> list[Row]:
    """Contacts by level of need decided: for each outcome (levels 1 to 4 and no further action), the contacts
    received in the period and decided with it, and those not decided yet; each out of all contacts received
    in the period (the rows add up to it)."""
    aggregates: dict[str, Any] = {
        outcome.value: Count("pk", filter=_decided() & Q(outcome=outcome)) for outcome in Contact.Outcome
    }
    aggregates[NOT_DECIDED] = Count("pk", filter=~_decided())
    aggregates["all"] = Count("pk")
    totals = received_in(period).aggregate(**aggregates)
    rows = [Row(o.value, o.label, Measure.percent(totals[o.value], totals["all"])) for o in Contact.Outcome]
    rows.append(Row(NOT_DECIDED, "Not decided yet", Measure.percent(totals[NOT_DECIDED], totals["all"])))
    return rows


def contacts_by_concern(period: Period) -> list[Row]:
    """Contacts by worry category: for each category, the contacts received in the period that name it, out
    of all contacts received in the period. A contact may name several categories, so the rows add up to more
    than the contacts."""
    aggregates: dict[str, Any] = {
        concern.value: Count("contact_id", filter=Q(concern=concern), distinct=True) for concern in Concern
    }
    totals = ContactConcern.objects.filter(contact__in=received_in(period)).aggregate(**aggregates)
    base = received_in(period).count()
    return [Row(c.value, c.label, Measure.percent(totals[c.value], base)) for c in Concern]


def contacts_by_source_agency(period: Period) -> list[SourceAgencyRow]:
    """Contacts and no further action by source agency: for each agency that referred in the period, its
    contacts out of all contacts received in the period, and the share of its decided contacts decided no
    further action. Contacts with no referring agency (members of the public, anonymous callers) are grouped
    by the kind of referrer the MASH recorded (the CIN census referral source). Largest first."""
    return _by_source(period, by_agency=True)


def nfa_by_source_agency(period: Period) -> list[Row]:
    """No further action by source agency (%): for each source agency (as in contacts_by_source_agency), the
    contacts received in the period and decided no further action, out of its decided contacts."""
    return [Row(row.key, row.label, row.nfa) for row in _by_source(period, by_agency=True)]


def contacts_by_referral_source(period: Period) -> list[SourceAgencyRow]:
    """Contacts and no further action by referral source: as by source agency, grouped by the CIN census
    referral source (schools, police, GP, health visitor...) so that figures compare with national ones."""
    return _by_source(period, by_agency=False)


def _by_source(period: Period, *, by_agency: bool) -> list[SourceAgencyRow]:
    grouped = (
        received_in(period)
        .values("referrer_agency_id", "referrer_agency__name", "source")
        .annotate(
            contacts=Count("pk"),
            decided=Count("pk", filter=_decided()),
            nfa=Count("pk", filter=_decided() & Q(outcome=Contact.Outcome.NFA)),
        )
        .order_by()
    )
    # Adds up the groups the database returned (a few per agency at most), not contacts.
    sums: dict[str, list[Any]] = {}
    for group in grouped:
        if by_agency and group["referrer_agency_id"] is not None:
            key, label = f"agency-{group['referrer_agency_id']}", group["referrer_agency__name"]
        else:
            key, label = f"source-{group['source']}", _source_label(group["source"])
        totals = sums.setdefault(key, [label, 0, 0, 0])
        totals[1] += group["contacts"]
        totals[2] += group["decided"]
        totals[3] += group["nfa"]
    everyone = sum(totals[1] for totals in sums.values())
    rows = [
        SourceAgencyRow(key, label, Measure.percent(count, everyone), Measure.percent(nfa, decided))
        for key, (label, count, decided, nfa) in sums.items()
    ]
    return sorted(rows, key=lambda row: (-row.contacts.count, row.label))


def _source_label(code: str) -> str:
    try:
        return str(ReferralSource(code).label)
    except ValueError:
        return f"Referral source {code}"


# --- Working days as a step function, in SQL --------------------------------------------------------------


def _runs(days: Sequence[date], due: Callable[[date], date]) -> list[tuple[date, date]]:
    """Consecutive days with the same due date, as (last day of the run, due date), in order."""
    runs: list[tuple[date, date]] = []
    for day in days:
        day_due = due(day)
        if runs and runs[-1][1] == day_due:
            runs[-1] = (day, day_due)
        else:
            runs.append((day, day_due))
    return runs


class StepFunction(Expression):
    """SQL giving, for the time `moment` (a column: F("received_at"), OuterRef(...)), the value of the first
    step whose bound is above it.

    `steps` are (exclusive upper bound, value) in increasing order of bound; a time at or above the last
    bound gives NULL. Compiled as a balanced tree of CASE expressions, so each row is compared with about
    log2(len(steps)) bounds rather than all of them (a year of daily steps: 9 comparisons, not 365). It is
    one expression rather than a tree of Case and When objects because Django would hash and resolve each
    of their hundreds of nodes on every query; plain CASE, < and NULL work the same on SQLite and PostgreSQL.
    """

    def __init__(self, moment: F | Expression, steps: Sequence[tuple[datetime, datetime]]) -> None:
        super().__init__(output_field=DateTimeField())
        self.moment: Any = moment
        self.steps = tuple(steps)

    def get_source_expressions(self) -> list[Any]:
        return [self.moment]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.moment,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        column_sql, column_params = compiler.compile(self.moment)
        adapt = connection.ops.adapt_datetimefield_value

        def subtree(low: int, high: int) -> tuple[str, list[Any]]:
            if high - low == 1:
                return "%s", [adapt(self.steps[low][1])]
            middle = (low + high) // 2
            below_sql, below_params = subtree(low, middle)
            above_sql, above_params = subtree(middle, high)
            return (
                f"CASE WHEN {column_sql} < %s THEN {below_sql} ELSE {above_sql} END",
                [*column_params, adapt(self.steps[middle - 1][0]), *below_params, *above_params],
            )

        if not self.steps:
            return "NULL", ()
        tree_sql, tree_params = subtree(0, len(self.steps))
        return (
            f"CASE WHEN {column_sql} < %s THEN {tree_sql} ELSE NULL END",
            (*column_params, adapt(self.steps[-1][0]), *tree_params),
        )


class ElapsedAtMost(Expression):
    """True when no more than `span` passed from the time in column `start` to the time in column `end`.

    In SQL on each engine without a call back into Python per row (Django's own datetime arithmetic on SQLite
    is a Python function): PostgreSQL adds the interval; SQLite compares julianday() differences rounded to
    the millisecond, so exactly 24 hours is within 24 hours.
    """

    conditional = True

    def __init__(self, start: str, end: str, span: timedelta) -> None:
        super().__init__(output_field=BooleanField())
        self.start: Any = F(start)
        self.end: Any = F(end)
        self.span = span

    def get_source_expressions(self) -> list[Any]:
        return [self.start, self.end]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.start, self.end = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        start_sql, start_params = compiler.compile(self.start)
        end_sql, end_params = compiler.compile(self.end)
        return f"({end_sql} <= {start_sql} + %s)", (*end_params, *start_params, self.span)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        start_sql, start_params = compiler.compile(self.start)
        end_sql, end_params = compiler.compile(self.end)
        milliseconds = self.span // timedelta(milliseconds=1)
        return (
            f"(ROUND((julianday({end_sql}) - julianday({start_sql})) * 86400000) <= %s)",
            (*end_params, *start_params, milliseconds),
        )


def step_function(moment: F | Expression, steps: Sequence[tuple[datetime, datetime]]) -> Expression:
    """A StepFunction of `moment` (see there)."""
    return StepFunction(moment, steps)


def passed_by(steps: Sequence[tuple[datetime, datetime]], moment: datetime) -> datetime:
    """The time before which every step's value is at or before `moment`: the steps' values never go down,
    so the rows whose deadline had passed at `moment` are those below this bound (the start of the first
    step when none has passed)."""
    passed = [bound for bound, value in steps if value <= moment]
    if passed:
        return passed[-1]
    return datetime.min.replace(tzinfo=UTC)


# --- All of them, for a page or a report ------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """One headline measure as the page and the indicators issue list it."""

    code: str
    title: str
    compute: Callable[[Period], Measure]

    @property
    def definition(self) -> str:
        """The measure's definition: the first paragraph of its function's docstring, on one line."""
        doc = (self.compute.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(doc.split())


MEASURES: tuple[Definition, ...] = (
    Definition("frontdoor.contacts", "Contacts", contacts),
    Definition(
        "frontdoor.contacts_per_10000", "Contacts per 10,000 children aged 0-17", contacts_per_10000_children
    ),
    Definition("frontdoor.decisions_24h", "Decisions within 24 hours", decisions_within_24_hours),
    Definition("frontdoor.decisions_48h", "Decisions within 48 hours", decisions_within_48_hours),
    Definition("frontdoor.decisions_1wd", "Decisions within 1 working day", decisions_within_one_working_day),
    Definition(
        "frontdoor.conversion", "Contacts converted to referrals to social care", referrals_to_social_care
    ),
    Definition("frontdoor.repeat_12m", "Repeat contacts within 12 months", repeat_contacts),
    Definition(
        "frontdoor.feedback_1wd",
        "Referrer feedback sent within 1 working day of the decision",
        feedback_within_one_working_day,
    ),
)


@dataclass(frozen=True)
class FrontDoorMeasures:
    period: Period
    headline: list[tuple[Definition, Measure]]
    by_level: list[Row]
    by_concern: list[Row]
    by_source_agency: list[SourceAgencyRow]
    by_referral_source: list[SourceAgencyRow]


def front_door_measures(period: Period) -> FrontDoorMeasures:
    """Every front door measure for one period (about 17 queries, none per contact)."""
    return FrontDoorMeasures(
        period=period,
        headline=[(definition, definition.compute(period)) for definition in MEASURES],
        by_level=contacts_by_level(period),
        by_concern=contacts_by_concern(period),
        by_source_agency=contacts_by_source_agency(period),
        by_referral_source=contacts_by_referral_source(period),
    )


@dataclass(frozen=True)
class MonthFigures:
    """The measures a trend table shows for one month."""

    month: Period
    contacts: Measure
    decisions_within_one_working_day: Measure
    referrals_to_social_care: Measure
    repeat_contacts: Measure


def month_by_month(period: Period) -> list[MonthFigures]:
    """The main measures for each month of the period, each by its own function (4 queries a month)."""
    return [
        MonthFigures(
            month=month,
            contacts=contacts(month),
            decisions_within_one_working_day=decisions_within_one_working_day(month),
            referrals_to_social_care=referrals_to_social_care(month),
            repeat_contacts=repeat_contacts(month),
        )
        for month in period.months()
    ]


def received_days() -> tuple[date, date] | None:
    """The first and last days (Europe/London) contacts were received on, or None when there are none."""
    span = Contact.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None or span["last"] is None:
        return None
    return timezone.localdate(span["first"]), timezone.localdate(span["last"])


def last_decision_day() -> date | None:
    """The day (Europe/London) of the latest decision, or None when nothing has been decided."""
    latest = Contact.objects.aggregate(latest=Max("decided_at"))["latest"]
    return timezone.localdate(latest) if latest is not None else None


# --- Who sees small numbers -------------------------------------------------------------------------------


class Tier(StrEnum):
    """Which data tier a person reads the measures at (DESIGN.md, "Access, privacy and the log")."""

    # MASH managers work with the children behind the figures: they see every count as it is.
    IDENTIFIABLE = "identifiable"
    # Everyone else who reads partnership indicators: small counts are shown as "fewer than N".
    AGGREGATE = "aggregate"


def measures_tier(user: Any) -> Tier | None:
    """The tier a person reads the front door measures at, or None when they may not read them.

    Deciding contacts across the partnership (MASH managers: contact.decide) gives the identifiable tier,
    which needs two-factor sign-in like any identifiable permission; reading indicators (indicator.view: the
    business unit, partners' leads) gives the partnership aggregate tier, with small numbers suppressed.
    """
    if holds_partnership_wide(user, "contact.decide"):
        return Tier.IDENTIFIABLE
    if holds(user, "indicator.view"):
        return Tier.AGGREGATE
    return None


def small_number_threshold() -> int:
    return int(settings.SMALL_NUMBER_THRESHOLD)


def is_small(number: int | None, threshold: int | None = None) -> bool:
    """A count that could identify a child at the aggregate tier: 1 up to (not including) the threshold.
    Zero is not small: it identifies nobody."""
    limit = small_number_threshold() if threshold is None else threshold
    return number is not None and 0 < number < limit


@dataclass(frozen=True)
class Shown:
    """A measure as one person may see it: text for the count, the base and the value."""

    count: str
    base: str
    value: str
    suppressed: bool


def measure_shown(measure: Measure, tier: Tier, *, threshold: int | None = None) -> Shown:
    """The figures of `measure` as text for a page at `tier`.

    At the aggregate tier a count or base from 1 to threshold - 1 is shown as "fewer than N", and a value
    computed from such a count or base is not shown at all (it would give the count away). The population
    base of a rate is not a count of children in contact, so it is never suppressed.
    """
    limit = small_number_threshold() if threshold is None else threshold
    suppress = tier == Tier.AGGREGATE
    count_hidden = suppress and is_small(measure.count, limit)
    base_hidden = suppress and measure.unit == Unit.PERCENT and is_small(measure.base, limit)
    count = f"fewer than {limit}" if count_hidden else f"{measure.count:,}"
    base = "" if measure.base is None else f"fewer than {limit}" if base_hidden else f"{measure.base:,}"
    if count_hidden or base_hidden:
        value = "not shown (small numbers)"
    elif measure.value is None:
        value = measure.missing or "no value"
    else:
        value = format_value(measure.value, measure.unit)
    return Shown(count, base, value, count_hidden or base_hidden)


def format_value(value: float, unit: Unit) -> str:
    if unit == Unit.PERCENT:
        return f"{value:.1f}%"
    if unit == Unit.PER_10000:
        return f"{value:,.1f}"
    return f"{round(value):,}"
