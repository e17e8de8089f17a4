"""The statutory clocks: every deadline in the platform is computed here, on core.calendar (DESIGN rule 4).

Each clock has a name, a title, a length, what starts it, the source of the rule, and a due function whose
docstring states the counting rule exactly (`safeguarding clock --list` prints them; docs/clocks.md explains
them with worked examples). `clock_due(name, start)` gives the due date, or for the one clock counted in
hours the due time; `deadline_status(due)` says how long is left or how overdue it is (for queues).

Conventions shared by the clocks (the reasons are in docs/clocks.md):

- Working-day clocks: the start date is day 0, whatever day it is; day 1 is the first working day after it;
  the due date is day N. A start on a weekend or holiday therefore counts from the next working day as day 1.
  The due date is met by anything done by the end of that day.
- A datetime given to a date clock counts by its date in Europe/London: the time of day never moves the start.
- Month clocks: the same day of the month N months later, clamped to the end of a shorter month
  (31 August + 6 months = 28 or 29 February); when that is not a working day, the last working day before it.
- The hour clock counts elapsed hours (so 72 hours across a change of the clocks is still 72 real hours).
- A start whose due date or time cannot be worked out (it would fall outside the years 1 to 9999 that
  Python's dates hold, or in a year whose bank holidays cannot be computed) raises `ClockOutOfRange`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone

from safeguarding.core.calendar import (
    DateOutOfRange,
    WorkingCalendar,
    add_months,
    current_calendar,
    long_date,
)


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    MONTHS = "months"
    HOURS = "hours"

    def describe(self, amount: int) -> str:
        singular = {"working days": "working day", "months": "month", "hours": "hour"}[self.value]
        return f"{amount} {singular if amount == 1 else self.value}"


Start = date | datetime
DueFunction = Callable[[Any, WorkingCalendar], date]


class ClockOutOfRange(ValueError):
    """The due date (or time) of a clock cannot be worked out from this start; the message says why."""


@dataclass(frozen=True)
class Clock:
    """One named statutory timescale. `due(start)` is a date, or an aware datetime for an hour clock."""

    name: str
    title: str
    unit: Unit
    # A number, or a function reading the number from settings at the time of use (configurable clocks).
    amount: int | Callable[[], int]
    starts_from: str
    source: str
    compute: DueFunction = field(repr=False, compare=False)

    @property
    def length(self) -> int:
        return self.amount() if callable(self.amount) else self.amount

    @property
    def duration(self) -> str:
        return self.unit.describe(self.length)

    @property
    def counts_hours(self) -> bool:
        return self.unit == Unit.HOURS

    @property
    def rule(self) -> str:
        """The counting rule, exactly as the due function's docstring states it."""
        return inspect.cleandoc(self.compute.__doc__ or "")

    @property
    def rule_summary(self) -> str:
        """The first paragraph of the rule, on one line."""
        return " ".join(self.rule.split("\n\n")[0].split())

    def due(self, start: Start, *, calendar: WorkingCalendar | None = None) -> date:
        """The due date (a `datetime` for an hour clock) for a clock started at `start`.

        ClockOutOfRange when it cannot be worked out (see the module's docstring).
        """
        try:
            if self.counts_hours:
                # Elapsed hours don't depend on working days, so there is no need to read the closure days.
                return self.compute(as_aware_datetime(start), calendar or WorkingCalendar())
            working = calendar if calendar is not None else current_calendar()
            return self.compute(as_local_date(start), working)
        except DateOutOfRange as exc:
            raise ClockOutOfRange(self._cannot_work_out(start, str(exc))) from exc
        except OverflowError as exc:
            # Date and time arithmetic past either end of Python's range (adding the hours, or reading a
            # start given with a far offset in London time).
            reason = "the dates involved fall outside the years 1 to 9999 that the calendar can count"
            raise ClockOutOfRange(self._cannot_work_out(start, reason)) from exc

    def _cannot_work_out(self, start: Start, reason: str) -> str:
        return f"Cannot work out when the {self.name} clock started at {start.isoformat()} is due: {reason}"


CLOCKS: dict[str, Clock] = {}


def _clock(
    name: str, title: str, unit: Unit, amount: int | Callable[[], int], starts_from: str, source: str
) -> Callable[[DueFunction], DueFunction]:
    """Register a due function as a clock; its docstring is the clock's counting rule."""

    def register(compute: DueFunction) -> DueFunction:
        if name in CLOCKS:
            raise ValueError(f"Clock {name!r} is defined twice")
        if not (compute.__doc__ or "").strip():
            raise ValueError(f"Clock {name!r} needs its counting rule in the docstring")
        CLOCKS[name] = Clock(name, title, unit, amount, starts_from, source, compute)
        return compute

    return register


class UnknownClock(KeyError):
    """No clock has this name."""


def clock_get(name: str) -> Clock:
    try:
        return CLOCKS[name]
    except KeyError:
        raise UnknownClock(name) from None


def clock_due(name: str, start: Start, *, calendar: WorkingCalendar | None = None) -> date:
    """The due date (or, for an hour clock, the aware due datetime) of clock `name` started at `start`."""
    return clock_get(name).due(start, calendar=calendar)


def clock_due_date(name: str, start: Start, *, calendar: WorkingCalendar | None = None) -> date:
    """clock_due for a clock counted in days or months, typed as a plain date."""
    clock = clock_get(name)
    if clock.counts_hours:
        raise ValueError(f"Clock {name!r} gives a time, not a date: use clock_due_datetime")
    return clock.due(start, calendar=calendar)


def clock_due_datetime(name: str, start: Start) -> datetime:
    """clock_due for a clock counted in hours, typed as an aware datetime."""
    clock = clock_get(name)
    if not clock.counts_hours:
        raise ValueError(f"Clock {name!r} gives a date, not a time: use clock_due_date")
    due = clock.due(start)
    if not isinstance(due, datetime):  # an hour clock's due function always returns an aware datetime
        raise TypeError(f"Clock {name!r} returned {due!r} instead of a datetime")
    return due


# --- Reading a start ------------------------------------------------------------------------------------


def as_local_date(start: Start) -> date:
    """The date of `start` in Europe/London (a naive datetime is read as London time)."""
    if isinstance(start, datetime):
        if timezone.is_naive(start):
            return start.date()
        return timezone.localtime(start, timezone.get_default_timezone()).date()
    return start


def as_aware_datetime(start: Start) -> datetime:
    """`start` as an aware datetime: naive times are London time; a bare date means 00:00 London that day."""
    if isinstance(start, datetime):
        return (
            start if timezone.is_aware(start) else timezone.make_aware(start, timezone.get_default_timezone())
        )
    return timezone.make_aware(datetime.combine(start, time.min), timezone.get_default_timezone())


def _working_days_after(start: date, days: int, calendar: WorkingCalendar) -> date:
    return calendar.add_working_days(start, days)


def _months_after(start: date, months: int, calendar: WorkingCalendar) -> date:
    return calendar.working_day_on_or_before(add_months(start, months))


# --- The clocks -----------------------------------------------------------------------------------------

_WT = "Working Together to Safeguard Children (DfE statutory guidance, 2018; retained in 2023)"


@_clock(
    "referral-decision",
    "Decision on a contact or referral",
    Unit.WORKING_DAYS,
    1,
    "the day the contact or referral is received",
    f"{_WT}: within one working day of a referral being received, children's social care acknowledges it "
    "and decides the type of response; repeated in Keeping Children Safe in Education.",
)
def referral_decision_due(received: date, calendar: WorkingCalendar) -> date:
    """Due on the first working day after the day received (day 0), whatever the time it arrived.

    The time of day never moves the start: there is no cut-off after which a contact counts as received the
    next day (a datetime is read in Europe/London and only its date counts). A contact received at 17:30 on
    a Friday, or at any time on the Saturday or Sunday, is due by the end of Monday; 17:30 on Friday
    23 December 2022 is due on Wednesday 28 December 2022 (26 and 27 December were bank holidays).
    """
    return _working_days_after(received, 1, calendar)


@_clock(
    "assessment",
    "Child and family assessment",
    Unit.WORKING_DAYS,
    45,
    "the date of the referral",
    f"{_WT}: the assessment concludes within 45 working days from the point of referral; DfE measures "
    "it in the CIN census (validator query 8670Q).",
)
def assessment_due(referral: date, calendar: WorkingCalendar) -> date:
    """Due on the 45th working day after the referral date: the referral date is day 0, and day 1 is the
    first working day after it.

    A referral on Monday 3 April 2023 is due on Monday 12 June 2023: Good Friday, Easter Monday, the May Day,
    Coronation and Spring bank holidays are skipped. A referral on a weekend or holiday counts from the next
    working day as day 1.
    """
    return _working_days_after(referral, 45, calendar)


@_clock(
    "icpc",
    "Initial child protection conference",
    Unit.WORKING_DAYS,
    15,
    "the strategy discussion at which the section 47 enquiry was started",
    f"{_WT}: the initial child protection conference is held within 15 working days of the strategy "
    "discussion (the one that initiated the section 47 enquiry, where there were several); CIN census "
    "S47ActualStartDate and InitialCPCtarget, validator query 8675Q.",
)
def icpc_due(strategy_discussion: date, calendar: WorkingCalendar) -> date:
    """Due on the 15th working day after the strategy discussion: its date is day 0, and day 1 is the first
    working day after it.

    A strategy discussion on Tuesday 25 April 2023 gives Thursday 18 May 2023 (the May Day and Coronation
    bank holidays are skipped). This is the CIN census InitialCPCtarget.
    """
    return _working_days_after(strategy_discussion, 15, calendar)


@_clock(
    "cp-first-review",
    "First child protection review conference",
    Unit.MONTHS,
    3,
    "the initial child protection conference",
    f"{_WT}: the first review conference is held within three months of the initial conference. "
    "(A local pre-birth variation, where one applies, is not part of this clock.)",
)
def cp_first_review_due(icpc: date, calendar: WorkingCalendar) -> date:
    """Due 3 calendar months after the initial conference, on the last working day on or before that date.

    Three months after is the same day of the month, or the last day of a shorter month. A conference is
    held on a working day, so when that date is not one the due date is the last working day before it.
    21 March 2023 gives 21 June 2023; 30 November 2022 gives 28 February 2023; 27 September 2022 gives
    Friday 23 December 2022 (27 December 2022 was the substitute Christmas Day bank holiday).
    """
    return _months_after(icpc, 3, calendar)


@_clock(
    "cp-review",
    "Later child protection review conference",
    Unit.MONTHS,
    6,
    "the previous review conference",
    f"{_WT}: later review conferences are held at intervals of not more than six months while the child "
    "remains subject to a child protection plan.",
)
def cp_review_due(last_review: date, calendar: WorkingCalendar) -> date:
    """Due 6 calendar months after the previous review, on the last working day on or before that date.

    Six months after is the same day of the month, or the last day of a shorter month; when that date is
    not a working day, the last working day before it. 31 August 2022 gives 28 February 2023; 8 November
    2022 gives Friday 5 May 2023 (8 May 2023 was the Coronation bank holiday).
    """
    return _months_after(last_review, 6, calendar)


@_clock(
    "serious-incident-notification",
    "Serious incident notification to the Child Safeguarding Practice Review Panel",
    Unit.WORKING_DAYS,
    5,
    "the day the local authority became aware of the incident",
    "Children Act 2004 s16C(1) (the duty to notify); Working Together to Safeguard Children 2023, chapter 5: "
    "notify the Panel within five working days of becoming aware of the incident.",
)
def serious_incident_notification_due(aware: date, calendar: WorkingCalendar) -> date:
    """Due on the 5th working day after the day the local authority became aware: that day is day 0.

    Awareness on Wednesday 14 September 2022 gives Thursday 22 September 2022: the Queen's state funeral
    (19 September 2022) is skipped.
    """
    return _working_days_after(aware, 5, calendar)


@_clock(
    "rapid-review",
    "Rapid review",
    Unit.WORKING_DAYS,
    15,
    "the date the serious incident notification was sent to the Panel",
    "Working Together to Safeguard Children 2023, chapter 5: the safeguarding partners complete a rapid "
    "review within 15 working days, counted from the date the notification was sent to the Panel "
    "(a non-statutory expectation).",
)
def rapid_review_due(notification_sent: date, calendar: WorkingCalendar) -> date:
    """Due on the 15th working day after the notification was sent to the Panel: that date is day 0.

    A notification sent on Monday 19 December 2022 gives Thursday 12 January 2023: 26 and 27 December 2022
    and 2 January 2023 are bank holidays.
    """
    return _working_days_after(notification_sent, 15, calendar)


@_clock(
    "cspr-decision",
    "Decision on a local child safeguarding practice review",
    Unit.WORKING_DAYS,
    15,
    "the date the serious incident notification was sent to the Panel",
    "Working Together to Safeguard Children 2023, chapter 5: the rapid review, completed within 15 working "
    "days of the notification, ends with the safeguarding partners' decision whether a local child "
    "safeguarding practice review is appropriate, sent to the Panel with the rapid review.",
)
def cspr_decision_due(notification_sent: date, calendar: WorkingCalendar) -> date:
    """Due on the 15th working day after the notification was sent to the Panel (day 0): the same day as
    the rapid review, since the decision is the rapid review's conclusion.

    A notification sent on Monday 24 April 2023 gives Wednesday 17 May 2023: the May Day and Coronation
    bank holidays are skipped.
    """
    return _working_days_after(notification_sent, 15, calendar)


@_clock(
    "dhr-decision",
    "Decision on a domestic homicide review",
    Unit.MONTHS,
    1,
    "the day the death came to the partnership's attention (the police's written notification)",
    "Home Office, Multi-agency Statutory Guidance for the Conduct of Domestic Homicide Reviews (December "
    "2016), section 3: the Community Safety Partnership decides whether to hold a review within one month "
    "of a death coming to its attention (as Brighton & Hove Community Safety Partnership's DHR guidance "
    "states it).",
)
def dhr_decision_due(notified: date, calendar: WorkingCalendar) -> date:
    """Due 1 calendar month after the death came to attention, on the last working day on or before that.

    One month after is the same day of the next month, or its last day when the month is shorter: a death
    notified on 31 January 2023 gives Tuesday 28 February 2023; one notified on Saturday 8 April 2023 gives
    Friday 5 May 2023, because Monday 8 May 2023 was the Coronation bank holiday.
    """
    return _months_after(notified, 1, calendar)


def _local_decision_working_days() -> int:
    return int(settings.REVIEW_DECISION_WORKING_DAYS)


@_clock(
    "local-review-decision",
    "Decision on a safeguarding adult review or a non-notifiable case",
    Unit.WORKING_DAYS,
    _local_decision_working_days,
    "the day the partnership became aware of the case (the referral)",
    "A local standard, not statutory: neither the Care Act 2014 s44 and its statutory guidance (for "
    "safeguarding adult reviews) nor Working Together 2023 (for a non-notifiable child's case) sets a "
    "time for the decision. Set by SAFEGUARDING_REVIEW_DECISION_WORKING_DAYS (default 20 working days, "
    "about the month a DHR decision takes).",
)
def local_review_decision_due(aware: date, calendar: WorkingCalendar) -> date:
    """Due on the REVIEW_DECISION_WORKING_DAYS-th (20th) working day after the day of awareness (day 0).

    The working days come from settings (SAFEGUARDING_REVIEW_DECISION_WORKING_DAYS). A referral on
    Wednesday 5 April 2023 gives Tuesday 9 May 2023 with the default 20: Good Friday, Easter Monday, the
    May Day and the Coronation bank holidays are skipped.
    """
    return _working_days_after(aware, _local_decision_working_days(), calendar)


@_clock(
    "return-home-conversation",
    "Return home conversation after a missing episode",
    Unit.HOURS,
    72,
    "the time the child returned",
    "Statutory guidance on children who run away or go missing from home or care (DfE, January 2014): an "
    "independent return interview within 72 hours of the child's return; Walsall calls it the return home "
    "conversation.",
)
def return_home_conversation_due(returned: datetime, calendar: WorkingCalendar) -> datetime:
    """Due 72 elapsed hours after the child returned; weekends and bank holidays count like any other day.

    Elapsed hours are real hours, so across a change of the clocks the wall-clock time moves by an hour:
    a return at 10:00 on Saturday 25 March 2023 is due at 11:00 (BST) on Tuesday 28 March 2023. A time
    without an offset is read as Europe/London; a bare date as 00:00 London that day, so the due time is
    never later than the true one when the hour of return is unknown. The answer is in Europe/London.
    """
    # Arithmetic on an aware datetime keeps its wall-clock zone, so add the hours in UTC to count real time.
    due = returned.astimezone(UTC) + timedelta(hours=72)
    return timezone.localtime(due, timezone.get_default_timezone())


def _lcspr_months() -> int:
    return int(settings.LCSPR_PUBLICATION_MONTHS)


@_clock(
    "lcspr-publication",
    "Publication of a local child safeguarding practice review",
    Unit.MONTHS,
    _lcspr_months,
    "the date the safeguarding partners decided to undertake the review",
    "Working Together to Safeguard Children 2018, chapter 4: publish the report within six months of "
    "initiating the review (relaxed in 2020; set by SAFEGUARDING_LCSPR_PUBLICATION_MONTHS).",
)
def lcspr_publication_due(initiated: date, calendar: WorkingCalendar) -> date:
    """Due LCSPR_PUBLICATION_MONTHS (6) calendar months after the review began, on a working day on or before.

    The months come from settings (SAFEGUARDING_LCSPR_PUBLICATION_MONTHS). Same day of the month, or the
    month's last day (31 August 2022 + 6 months = 28 February 2023); when that date is not a working day, the
    last working day before it.
    """
    return _months_after(initiated, _lcspr_months(), calendar)


@_clock(
    "referrer-feedback",
    "Feedback to the referrer",
    Unit.WORKING_DAYS,
    1,
    "the day the MASH decision is made",
    "Walsall Safeguarding Partnership's front door standard (local, not statutory): referrers hear the "
    "outcome within 1 working day of the decision, as the front door measures count.",
)
def referrer_feedback_due(decided: date, calendar: WorkingCalendar) -> date:
    """Due on the first working day after the day of the decision (day 0), whatever the time it was made.

    The referrer hears the outcome and next steps by the end of the next working day: a decision at 16:00 on
    Friday 5 May 2023 should be fed back by the end of Tuesday 9 May 2023 (8 May was the Coronation holiday).
    """
    return _working_days_after(decided, 1, calendar)


@_clock(
    "early-help-assessment",
    "Early help assessment",
    Unit.WORKING_DAYS,
    15,
    "the day the request for early help is received",
    "Walsall Safeguarding Children Partnership's early help standard (local, not statutory; seed 002, "
    "'A few things about Early Help in Walsall'): 'contact will be with the family within 5 days, assessment "
    "completed within 15 days and multi-agency plan in place within 25 days'. The standard says 'days'; the "
    "clock reads them as working days, like the statutory assessment clock.",
)
def early_help_assessment_due(requested: date, calendar: WorkingCalendar) -> date:
    """Due on the 15th working day after the day the request was received: that day is day 0, and day 1 is
    the first working day after it.

    A request on Maundy Thursday, 6 April 2023, is due on Tuesday 2 May 2023: Good Friday, Easter Monday and
    the May Day bank holiday are skipped. The standard's "15 days" are read as working days.
    """
    return _working_days_after(requested, 15, calendar)


# --- Time left ------------------------------------------------------------------------------------------


class DeadlineState(StrEnum):
    DUE_LATER = "due_later"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DeadlineStatus:
    """How a deadline stands at a moment: what queues show beside each item."""

    due: date
    state: DeadlineState
    # Date deadlines: working days from today to the due date (negative when overdue). None for a due time.
    working_days_left: int | None
    # Until the deadline passes: the end of the due date in Europe/London, or the due time itself.
    time_left: timedelta
    label: str

    @property
    def overdue(self) -> bool:
        return self.state == DeadlineState.OVERDUE

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for the state."""
        return {
            DeadlineState.OVERDUE: "govuk-tag--red",
            DeadlineState.DUE_TODAY: "govuk-tag--orange",
            DeadlineState.DUE_LATER: "govuk-tag--blue",
        }[self.state]


def deadline_status(
    due: date, *, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> DeadlineStatus:
    """How much time is left before `due` (a date or an aware datetime), or how long it is overdue.

    A due date is met by anything done by the end of that day (Europe/London). Time left on a date deadline
    is counted in working days: due tomorrow is "Due in 1 working day"; due Monday, seen on Friday, too.
    """
    moment = now if now is not None else timezone.now()
    london = timezone.get_default_timezone()
    if isinstance(due, datetime):
        left = due - moment
        if left < timedelta(0):
            return DeadlineStatus(due, DeadlineState.OVERDUE, None, left, f"Overdue by {_hours_text(-left)}")
        state = (
            DeadlineState.DUE_TODAY
            if timezone.localtime(due, london).date() == timezone.localtime(moment, london).date()
            else DeadlineState.DUE_LATER
        )
        return DeadlineStatus(due, state, None, left, f"Due in {_hours_text(left)}")

    working = calendar if calendar is not None else current_calendar()
    today = timezone.localtime(moment, london).date()
    if due < date.max:
        end_of_due_day = timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min), london)
    else:
        # 31 December 9999 has no next midnight to end at; its last instant stands in for it.
        end_of_due_day = timezone.make_aware(datetime.combine(due, time.max), london)
    left = end_of_due_day - moment
    days_left = working.working_days_between(today, due)
    if today == due:
        return DeadlineStatus(due, DeadlineState.DUE_TODAY, 0, left, "Due today")
    if today < due:
        return DeadlineStatus(
            due, DeadlineState.DUE_LATER, days_left, left, f"Due in {_days_text(days_left)}"
        )
    if days_left == 0:
        label = f"Overdue: it was due on {long_date(due)}"
    else:
        label = f"Overdue by {_days_text(-days_left)}"
    return DeadlineStatus(due, DeadlineState.OVERDUE, days_left, left, label)


def clock_status(
    name: str, start: Start, *, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> DeadlineStatus:
    """deadline_status of clock `name` started at `start`."""
    working = calendar if calendar is not None else current_calendar()
    return deadline_status(clock_due(name, start, calendar=working), now=now, calendar=working)


def _days_text(days: int) -> str:
    return f"{days} working day{'' if days == 1 else 's'}"


def _hours_text(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    if hours < 1:
        minutes = max(1, int(span.total_seconds() // 60))
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    if hours < 48:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    days, rest = divmod(hours, 24)
    return f"{days} days" + (f" {rest} hour{'' if rest == 1 else 's'}" if rest else "")
