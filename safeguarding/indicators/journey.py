"""Journey indicators: the DfE "Children in need" figures, computed in SQL through the ORM over `children`.

Each function takes a `Period` and returns a `Measure` (totals) or a list of `Row` (breakdowns); each
docstring states the definition it follows. Sources: DfE "Children in need" statistics, methodology and
table definitions (explore-education-statistics.service.gov.uk, "Children in need" release), and Working
Together to Safeguard Children (2018, retained 2023) for the timescales, whose clocks live in
`safeguarding.core.clocks`. Rates are per 10,000 children aged 0-17 (ONS mid-year estimate of the period's
population year), as `frontdoor.measures.contacts_per_10000_children` computes them.

The module ends with `JOURNEY_MEASURES` and `JOURNEY_BREAKDOWNS`, which the indicators engine reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, DateField, Exists, F, Max, Min, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from safeguarding.children.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    EarlyHelpClosureReason,
    EarlyHelpNeed,
    Ethnicity,
    ExploitationRisk,
    ReferralSource,
    Sex,
)
from safeguarding.children.models import (
    Assessment,
    ChildProtectionPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Section47,
)
from safeguarding.core import runcache
from safeguarding.core.calendar import WorkingCalendar, add_months, current_calendar
from safeguarding.core.clocks import clock_due_date, clock_due_datetime
from safeguarding.frontdoor.measures import Measure, Period, PeriodKind, Row, Unit
from safeguarding.population.selectors import population_for_year

ASSESSMENT_CLOCK = "assessment"
ICPC_CLOCK = "icpc"
FIRST_REVIEW_CLOCK = "cp-first-review"
LATER_REVIEW_CLOCK = "cp-review"
EARLY_HELP_ASSESSMENT_CLOCK = "early-help-assessment"
RETURN_HOME_CLOCK = "return-home-conversation"
# DfE D5 counts the reviews of children who had been on their plan for at least this long at 31 March.
REVIEWED_PLAN_MONTHS = 3
RE_REFERRAL_MONTHS = 12
LONG_PLAN_YEARS = 2


# --- Shared pieces ----------------------------------------------------------------------------------------


def per_10000_children(count: int, period: Period) -> Measure:
    """`count` per 10,000 children aged 0-17 in the period's population year; without a population figure
    for that year, no rate and `missing` names the year (as the front door's contacts rate does)."""
    year = period.population_year
    population = population_for_year(year)
    if population is None:
        return Measure(count, None, None, Unit.PER_10000, f"No population figure for {year}")
    return Measure(count, population.children_0_17, count * 10_000 / population.children_0_17, Unit.PER_10000)


def _whole(count: int) -> Measure:
    """The total of a share-by-code indicator: the whole its rows are shares of, 100% of itself."""
    return Measure.percent(count, count)


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.first, f"{field}__lte": period.last})


def _open_on(day: date, start: str, end: str) -> Q:
    """Open at the end of `day`: started on or before it, and not ended by then. An episode ending on the
    snapshot day itself is not open at its end (DfE counts "at 31 March" those whose end date is blank or
    after 31 March)."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


class DateStepFunction(Expression):
    """SQL giving, for the date in column `day`, the value paired with it in `table` (a date -> date mapping
    over consecutive days, worked out in Python with the working calendar), and NULL outside it.

    Runs of days with the same value are merged and compiled as a balanced tree of CASE expressions, so each
    row is compared with about log2(runs) bounds. Dates are compared as the engine stores them (ISO text on
    SQLite, DATE on PostgreSQL), through Django's own adapter.
    """

    def __init__(self, day: Any, table: Sequence[tuple[date, date]]) -> None:
        super().__init__(output_field=DateField())
        self.day: Any = day
        self.runs = _runs(table)

    def get_source_expressions(self) -> list[Any]:
        return [self.day]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.day,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        column_sql, column_params = compiler.compile(self.day)
        adapt = connection.ops.adapt_datefield_value
        runs = self.runs

        def subtree(low: int, high: int) -> tuple[str, list[Any]]:
            if high - low == 1:
                return "%s", [adapt(runs[low][2])]
            middle = (low + high) // 2
            below_sql, below_params = subtree(low, middle)
            above_sql, above_params = subtree(middle, high)
            return (
                f"CASE WHEN {column_sql} <= %s THEN {below_sql} ELSE {above_sql} END",
                [*column_params, adapt(runs[middle - 1][1]), *below_params, *above_params],
            )

        if not runs:
            return "NULL", ()
        tree_sql, tree_params = subtree(0, len(runs))
        return (
            f"CASE WHEN {column_sql} >= %s AND {column_sql} <= %s THEN {tree_sql} ELSE NULL END",
            (*column_params, adapt(runs[0][0]), *column_params, adapt(runs[-1][1]), *tree_params),
        )


def _runs(table: Sequence[tuple[date, date]]) -> list[tuple[date, date, date]]:
    """(first day, last day, value) for runs of consecutive days sharing a value, in order."""
    runs: list[tuple[date, date, date]] = []
    for day, value in table:
        if runs and runs[-1][2] == value and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day, value)
        else:
            runs.append((day, day, value))
    return runs


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _due_dates(clock: str, first: date | None, last: date | None) -> Callable[[Any], Expression]:
    """A function from a date column to the clock's due date for it, over the days `first`..`last` (the
    range of start dates actually present, so the table stays small)."""
    working = current_calendar()
    table = (
        [(day, clock_due_date(clock, day, calendar=working)) for day in _days(first, last)]
        if first is not None and last is not None
        else []
    )
    return lambda column: DateStepFunction(column, table)


def _count(queryset: QuerySet[Any], **filters: Q) -> dict[str, int]:
    return queryset.aggregate(**{name: Count("pk", filter=condition) for name, condition in filters.items()})


def _by_choice(queryset: QuerySet[Any], field: str, choices: Any, total: int | None = None) -> list[Row]:
    """A row per code of `choices`, each a percentage of `total` (or a count when `total` is None); codes
    with none still get a row, so breakdowns always have the same lines."""
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
    rows = []
    for code, label in choices.choices:
        count = counts.get(code, 0)
        measure = Measure.number(count) if total is None else Measure.percent(count, total)
        rows.append(Row(str(code), str(label), measure))
    return rows


def _share_listing_each_code(queryset: QuerySet[Any], field: str, choices: Any) -> list[Row]:
    """A row per code of `choices`: the share of the rows whose JSON list `field` holds that code, out of
    all the rows (a row with several codes counts under each, so the rows do not add up to 100%).

    One aggregate query on both engines: the list is read as its JSON text and searched for the quoted
    code (`"3A"` is not inside `"13A"`), since SQLite has no JSON containment lookup in Django.
    """
    listed = queryset.annotate(codes_text=Cast(field, TextField()))
    counts = listed.aggregate(
        total=Count("pk"),
        **{
            f"code_{index}": Count("pk", filter=Q(codes_text__contains=f'"{code}"'))
            for index, code in enumerate(choices.values)
        },
    )
    return [
        Row(str(code), str(label), Measure.percent(counts[f"code_{index}"], counts["total"]))
        for index, (code, label) in enumerate(choices.choices)
    ]


# --- Referrals --------------------------------------------------------------------------------------------


def referrals_in(period: Period) -> QuerySet[CINReferral]:
    return CINReferral.objects.filter(_in(period, "referral_date"))


@runcache.kept_per_argument
def referrals(period: Period) -> Measure:
    """Referrals: referrals to children's social care received in the period (DfE "Children in need",
    table C1: "number of referrals in the year"). Each CIN episode starts with one referral, so this counts
    episodes whose referral date falls in the period; a child referred twice counts twice."""
    return Measure.number(referrals_in(period).count())


def referrals_per_10k(period: Period) -> Measure:
    """Referrals per 10,000 children aged 0-17 (DfE C1 "rate of referrals per 10,000 children")."""
    return per_10000_children(referrals(period).count or 0, period)


def re_referrals_12m_pct(period: Period) -> Measure:
    """Re-referrals within 12 months (%): referrals in the period that came within 12 months of a previous
    referral of the same child, out of all referrals in the period (DfE C1 "re-referrals within 12 months").

    The previous referral may be before the period (a referral in April 2023 counts when the one before was
    in June 2022). Choice where DfE is silent on the day: "within 12 months" includes the same calendar date
    a year earlier (`add_months(date, -12)`), as the census guidance counts a full 12 months back.
    """
    twelve_months_before = DateStepFunction(
        OuterRef("referral_date"),
        [(day, add_months(day, -RE_REFERRAL_MONTHS)) for day in _days(period.first, period.last)],
    )
    earlier = CINReferral.objects.filter(
        child=OuterRef("child"),
        referral_date__lt=OuterRef("referral_date"),
        referral_date__gte=twelve_months_before,
    )
    totals = _count(referrals_in(period), count=Q(Exists(earlier)), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


def referrals_nfa_pct(period: Period) -> Measure:
    """Referrals with no further action (%): referrals in the period recorded as NFA, out of all referrals
    in the period (DfE C1 "referrals resulting in no further action")."""
    totals = _count(referrals_in(period), count=Q(nfa=True), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


# --- Assessments ------------------------------------------------------------------------------------------


def assessments_completed_in(period: Period) -> QuerySet[Assessment]:
    return Assessment.objects.filter(_in(period, "authorisation_date"))


@runcache.kept_per_argument
def assessments_completed(period: Period) -> Measure:
    """Assessments completed: child and family assessments authorised in the period (DfE C2 "assessments
    completed in the year"; completion is the authorisation date, CIN census AssessmentAuthorisationDate)."""
    return Measure.number(assessments_completed_in(period).count())


def assessments_per_10k(period: Period) -> Measure:
    """Assessments completed per 10,000 children aged 0-17 (DfE C2 rate)."""
    return per_10000_children(assessments_completed(period).count or 0, period)


def assessments_within_45wd_pct(period: Period) -> Measure:
    """Assessments within 45 working days (%): of the assessments authorised in the period, those
    authorised on or before the 45th working day after the referral date (the core "assessment" clock:
    weekends, England bank holidays and local closure days are not working days), per Working Together
    and DfE C2 "duration of assessment". The referral date is the episode's, which may be before the
    period."""
    completed = assessments_completed_in(period)
    span = completed.aggregate(first=Min("episode__referral_date"), last=Max("episode__referral_date"))
    due = _due_dates(ASSESSMENT_CLOCK, span["first"], span["last"])
    totals = _count(
        completed, count=Q(authorisation_date__lte=due(F("episode__referral_date"))), base=Q(pk__isnull=False)
    )
    return Measure.percent(totals["count"], totals["base"])


def assessment_factor_total(period: Period) -> Measure:
    """Factors identified at assessment (%): of the assessments completed (authorised) in the period, the
    share recording each factor (DfE C3 "factors identified at the end of assessment"). The total is the
    whole the shares are of, every assessment completed (100%); the factors are its breakdown."""
    return _whole(assessments_completed_in(period).count())


def assessment_factor_pct(period: Period) -> list[Row]:
    """Factors identified at assessment (%): of the assessments completed (authorised) in the period, the
    share recording each factor (DfE C3 "factors identified at the end of assessment"; DfE counts episodes
    with each factor, which is the same when an episode has one assessment). Several factors per
    assessment, so the shares do not add to 100%."""
    return _share_listing_each_code(assessments_completed_in(period), "factors", AssessmentFactor)


# --- Section 47 enquiries and conferences ---------------------------------------------------------------


def s47_in(period: Period) -> QuerySet[Section47]:
    return Section47.objects.filter(_in(period, "start_date"))


@runcache.kept_per_argument
def s47(period: Period) -> Measure:
    """Section 47 enquiries: enquiries started in the period (DfE C4 "section 47 enquiries started")."""
    return Measure.number(s47_in(period).count())


def s47_per_10k(period: Period) -> Measure:
    """Section 47 enquiries started per 10,000 children aged 0-17 (DfE C4 rate)."""
    return per_10000_children(s47(period).count or 0, period)


def s47_to_icpc_pct(period: Period) -> Measure:
    """Section 47 enquiries leading to an ICPC (%): of the enquiries started in the period, those with an
    initial child protection conference recorded (DfE C4 "ICPCs as a proportion of s47 enquiries" is the
    ratio of two yearly counts; we follow each enquiry instead, so an enquiry started in March whose ICPC is
    in April counts in the year the enquiry started: the figure is a conversion rate, not a ratio)."""
    totals = _count(s47_in(period), count=Q(icpc_date__isnull=False), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


def icpcs_in(period: Period) -> QuerySet[Section47]:
    return Section47.objects.filter(_in(period, "icpc_date"))


@runcache.kept_per_argument
def icpc(period: Period) -> Measure:
    """Initial child protection conferences held in the period (DfE C4 "ICPCs"), one per enquiry."""
    return Measure.number(icpcs_in(period).count())


def icpc_per_10k(period: Period) -> Measure:
    """ICPCs held per 10,000 children aged 0-17 (DfE C4 rate)."""
    return per_10000_children(icpc(period).count or 0, period)


def icpc_within_15wd_pct(period: Period) -> Measure:
    """ICPCs within 15 working days (%): of the ICPCs held in the period, those held on or before the 15th
    working day after the strategy discussion that started the enquiry (the core "icpc" clock; Working
    Together). Where no strategy discussion date is recorded the enquiry's start date is used, as the CIN
    census does (S47ActualStartDate), which is what `Section47.clock_start` says too."""
    held = icpcs_in(period).annotate(
        icpc_clock_start=Coalesce("strategy_discussion_date", "start_date", output_field=DateField())
    )
    span = held.aggregate(first=Min("icpc_clock_start"), last=Max("icpc_clock_start"))
    due = _due_dates(ICPC_CLOCK, span["first"], span["last"])
    totals = _count(held, count=Q(icpc_date__lte=due(F("icpc_clock_start"))), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


def icpc_to_cpp_pct(period: Period) -> Measure:
    """ICPCs leading to a child protection plan (%): of the ICPCs held in the period, those whose episode
    has a plan starting on or after the conference date (DfE D1 counts plans starting; the conversion is
    the partnership's). Choice: a plan on the same episode is the conference's outcome."""
    plan_after = ChildProtectionPlan.objects.filter(
        episode=OuterRef("episode"), start_date__gte=OuterRef("icpc_date")
    )
    totals = _count(icpcs_in(period), count=Q(Exists(plan_after)), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


# --- Child protection plans -------------------------------------------------------------------------------


def plans_started_in(period: Period) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(_in(period, "start_date"))


def plans_open_at_end(period: Period) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(_open_on(period.last, "start_date", "end_date"))


def plans_ended_in(period: Period) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(_in(period, "end_date"))


@runcache.kept_per_argument
def cpp_started(period: Period) -> Measure:
    """Child protection plans started in the period (DfE D1 "children who became the subject of a plan");
    a child with two plans starting in the period counts twice, as DfE counts plans starting."""
    return Measure.number(plans_started_in(period).count())


def cpp_started_per_10k(period: Period) -> Measure:
    """Plans started per 10,000 children aged 0-17 (DfE D1 rate)."""
    return per_10000_children(cpp_started(period).count or 0, period)


def _children_on_plans_at_end(period: Period) -> int:
    counted: int = plans_open_at_end(period).aggregate(n=Count("episode__child", distinct=True))["n"]
    return counted


@runcache.kept_per_argument
def cpp_at_end(period: Period) -> Measure:
    """Children on a child protection plan at the period's last day (DfE D1 "at 31 March", a snapshot):
    children, not plans, so a child with overlapping plans counts once. A plan ending on the last day is not
    open at its end."""
    return Measure.number(_children_on_plans_at_end(period))


def cpp_at_end_per_10k(period: Period) -> Measure:
    """Children on a plan at the period's end per 10,000 children aged 0-17 (DfE D1 rate)."""
    return per_10000_children(cpp_at_end(period).count or 0, period)


def cpp_second_or_subsequent_pct(period: Period) -> Measure:
    """Plans for the second or subsequent time (%): of the plans started in the period, those for a child
    who had been on a plan before (DfE D3 "second or subsequent plan", at any time, as DfE counts it).
    Previous plans are those recorded on this platform (an earlier plan of the same child) or declared on the
    plan (`previous_plans`, for plans held elsewhere or before the platform)."""
    earlier = ChildProtectionPlan.objects.filter(
        episode__child=OuterRef("episode__child"), start_date__lt=OuterRef("start_date")
    )
    totals = _count(
        plans_started_in(period), count=Q(previous_plans__gt=0) | Q(Exists(earlier)), base=Q(pk__isnull=False)
    )
    return Measure.percent(totals["count"], totals["base"])


def cpp_initial_category_total(period: Period) -> Measure:
    """Plans started in the period by initial category of abuse (%), out of all plans started (DfE D2).
    The total is the whole, every plan started (100%); the categories are its breakdown."""
    return _whole(plans_started_in(period).count())


def cpp_latest_category_total(period: Period) -> Measure:
    """Children on a plan at the period's end by latest category of abuse (%), out of plans open then (DfE
    D1 "by latest category of abuse", a snapshot). The total is the whole, every plan open at the end
    (100%); the categories are its breakdown."""
    return _whole(plans_open_at_end(period).count())


def cpp_initial_category_pct(period: Period) -> list[Row]:
    """Plans started in the period by initial category of abuse (%), out of all plans started (DfE D2)."""
    started = plans_started_in(period)
    return _by_choice(started, "initial_category", CategoryOfAbuse, started.count())


def cpp_latest_category_pct(period: Period) -> list[Row]:
    """Children on a plan at the period's end by latest category of abuse (%), out of plans open then (DfE
    D1 "by latest category of abuse", a snapshot)."""
    open_plans = plans_open_at_end(period)
    return _by_choice(open_plans, "latest_category", CategoryOfAbuse, open_plans.count())


def cpp_ended(period: Period) -> Measure:
    """Child protection plans ended in the period (DfE D4 "plans ceasing")."""
    return Measure.number(plans_ended_in(period).count())


def cpp_ended_2y_plus_pct(period: Period) -> Measure:
    """Plans ended after two years or more (%): of the plans ended in the period, those that lasted at least
    two years (DfE D4 duration band "2 years or more"; a plan ending on its second anniversary counts)."""
    two_years_before = DateStepFunction(
        F("end_date"),
        [(day, add_months(day, -12 * LONG_PLAN_YEARS)) for day in _days(period.first, period.last)],
    )
    totals = _count(
        plans_ended_in(period), count=Q(start_date__lte=two_years_before), base=Q(pk__isnull=False)
    )
    return Measure.percent(totals["count"], totals["base"])


def _review_chain_in_time(
    start: date, reviews: Iterable[date], snapshot: date, calendar: WorkingCalendar
) -> bool:
    """True when every review of a plan started on `start` was held by its due date and the next review was
    not overdue on `snapshot`. The first review is due by the `cp-first-review` clock from the plan's start
    (CPPstartDate: the initial conference that made the plan), each later one by the `cp-review` clock from
    the review before it; a review held on its due date is in time, and so is a next review due on the
    snapshot day itself (the due date is met by anything done by the end of that day)."""
    due = clock_due_date(FIRST_REVIEW_CLOCK, start, calendar=calendar)
    for held in sorted(reviews):
        if held > due:
            return False
        due = clock_due_date(LATER_REVIEW_CLOCK, held, calendar=calendar)
    return due >= snapshot


def cpp_reviews_in_time_pct(period: Period) -> Measure:
    """Child protection plans reviewed in time (%): of the children on a plan at the period's last day who
    had been on it for at least 3 months, those whose reviews were all held within the required timescales
    (DfE "Children in need" table D5, a snapshot): the first review within 3 months of the plan's start, each
    later one within 6 months of the one before (Working Together; the clocks `cp-first-review` and
    `cp-review`), and the next review not overdue on the last day.

    Only the reviews of the plan open at the snapshot count (an earlier plan of the same child is not looked
    at), and only those held on or before the last day. "At least 3 months": started on or before the same
    day of the month three months before the last day (`add_months`). A child with two plans open at once is
    counted once, in time only when both plans are. Reviews are chained in Python (each due date depends on
    the review before), from two queries.
    """
    snapshot = period.last
    reviewed_since = add_months(snapshot, -REVIEWED_PLAN_MONTHS)
    plans = plans_open_at_end(period).filter(start_date__lte=reviewed_since).order_by()
    reviews: dict[int, list[date]] = {}
    for plan_id, held in (
        CPReview.objects.filter(plan__in=plans.values("pk"), review_date__lte=snapshot)
        .order_by()
        .values_list("plan", "review_date")
    ):
        reviews.setdefault(plan_id, []).append(held)
    calendar = current_calendar()
    children_in_time: dict[int, bool] = {}
    for plan_id, child_id, start in plans.values_list("pk", "episode__child", "start_date"):
        in_time = _review_chain_in_time(start, reviews.get(plan_id, []), snapshot, calendar)
        children_in_time[child_id] = children_in_time.get(child_id, True) and in_time
    return Measure.percent(sum(children_in_time.values()), len(children_in_time))


# --- Children in need at the end -------------------------------------------------------------------------


def cin_at_end_per_10k(period: Period) -> Measure:
    """Children in need at the period's last day per 10,000 children aged 0-17 (DfE A1 "children in need
    at 31 March": episodes open on that day, counted once per child; an episode closed on the day is not
    open). Choice: episodes closed as NFA on the referral day are closed, so they drop out like any other."""
    counted: int = CINReferral.objects.filter(
        _open_on(period.last, "referral_date", "closure_date")
    ).aggregate(n=Count("child", distinct=True))["n"]
    return per_10000_children(counted, period)


# --- Looked after children --------------------------------------------------------------------------------


def _children_looked_after_at_end(period: Period) -> int:
    counted: int = LookedAfterPeriod.objects.filter(
        _open_on(period.last, "start_date", "end_date")
    ).aggregate(n=Count("child", distinct=True))["n"]
    return counted


@runcache.kept_per_argument
def cla_at_end(period: Period) -> Measure:
    """Children looked after at the period's last day (DfE "Children looked after in England", at 31 March,
    a snapshot; children, not periods of care)."""
    return Measure.number(_children_looked_after_at_end(period))


def cla_at_end_per_10k(period: Period) -> Measure:
    """Children looked after at the period's end per 10,000 children aged 0-17 (DfE SSDA903 rate)."""
    return per_10000_children(cla_at_end(period).count or 0, period)


def cla_entering_after_cpp_pct(period: Period) -> Measure:
    """Children entering care from a child protection plan (%): of the periods of care starting in the
    period, those whose child was on a plan on the day care started or whose plan ended in the 7 days
    before (DfE publishes no such table; Ofsted ILACS Annex A list 9 tracks the route into care). Choice:
    the 7-day window catches plans ended because the child came into care and recorded a little early."""
    starting = LookedAfterPeriod.objects.filter(_in(period, "start_date"))
    week_before = DateStepFunction(
        OuterRef("start_date"), [(day, day - timedelta(days=7)) for day in _days(period.first, period.last)]
    )
    on_plan = ChildProtectionPlan.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=week_before),
        episode__child=OuterRef("child"),
        start_date__lte=OuterRef("start_date"),
    )
    totals = _count(starting, count=Q(Exists(on_plan)), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


# --- Early help, missing episodes, exploitation ---------------------------------------------------------


def eh_requests(period: Period) -> Measure:
    """Early help requests received in the period (local measure: Working Together chapter 1 early help;
    DfE collects no national figure)."""
    return Measure.number(EarlyHelpRequest.objects.filter(_in(period, "requested_on")).count())


def eh_open_at_end(period: Period) -> Measure:
    """Early help episodes open at the period's last day (snapshot: requested by then, not closed by then)."""
    return Measure.number(
        EarlyHelpRequest.objects.filter(_open_on(period.last, "requested_on", "closure_date")).count()
    )


def eh_assessments_completed_in(period: Period) -> QuerySet[EarlyHelpRequest]:
    return EarlyHelpRequest.objects.filter(_in(period, "assessment_completion_date"))


def eh_assessment_in_time_pct(period: Period) -> Measure:
    """Early help assessments completed in time (%): of the early help assessments completed in the period,
    those completed on or before the 15th working day after the request was received (the `early-help-
    assessment` clock: Walsall's early help standard, seed 002, "assessment completed within 15 days", read
    as working days; local measure, DfE collects none). The request may be before the period."""
    completed = eh_assessments_completed_in(period)
    span = completed.aggregate(first=Min("requested_on"), last=Max("requested_on"))
    due = _due_dates(EARLY_HELP_ASSESSMENT_CLOCK, span["first"], span["last"])
    totals = _count(
        completed,
        count=Q(assessment_completion_date__lte=due(F("requested_on"))),
        base=Q(pk__isnull=False),
    )
    return Measure.percent(totals["count"], totals["base"])


def eh_presenting_need_total(period: Period) -> Measure:
    """Early help requests received in the period by presenting need (%): the share of requests listing each
    need (local measure). The total is the whole, every request received (100%); the needs are its
    breakdown, and since a family may present with several they do not add to 100%."""
    return _whole(EarlyHelpRequest.objects.filter(_in(period, "requested_on")).count())


def eh_presenting_need_pct(period: Period) -> list[Row]:
    """Early help requests received in the period by presenting need (%): the share of requests listing each
    need (local measure; a family may present with several, so shares do not add to 100%)."""
    received = EarlyHelpRequest.objects.filter(_in(period, "requested_on"))
    return _share_listing_each_code(received, "presenting_needs", EarlyHelpNeed)


def eh_closures_by_reason(period: Period) -> list[Row]:
    """Early help episodes closed in the period by reason for closure (counts; local measure)."""
    closed = EarlyHelpRequest.objects.filter(_in(period, "closure_date"))
    return _by_choice(closed, "closure_reason", EarlyHelpClosureReason)


def eh_closures(period: Period) -> Measure:
    """Early help episodes closed in the period (the total the closure reasons break down)."""
    return Measure.number(EarlyHelpRequest.objects.filter(_in(period, "closure_date")).count())


def missing_episodes_in(period: Period) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(started_at__gte=period.starts_at, started_at__lt=period.ends_before)


def missing_episodes(period: Period) -> Measure:
    """Missing episodes that started in the period (statutory guidance on children who run away or go
    missing from home or care, DfE 2014; episodes counted by their start time in local time)."""
    return Measure.number(missing_episodes_in(period).count())


def missing_children(period: Period) -> Measure:
    """Children with at least one missing episode starting in the period (each child once)."""
    counted: int = missing_episodes_in(period).aggregate(n=Count("child", distinct=True))["n"]
    return Measure.number(counted)


def returned_in(period: Period) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(
        returned_at__gte=period.starts_at, returned_at__lt=period.ends_before
    )


def rhc_offered_pct(period: Period) -> Measure:
    """Return home conversations offered (%): of the missing episodes that ended (the child returned) in the
    period, those where a return home interview was offered (DfE statutory guidance on children who run
    away or go missing from home or care, 2014: an independent return interview is offered on return).
    Choice: episodes are counted when they end, since the offer follows the return."""
    totals = _count(returned_in(period), count=Q(rhc_offered_date__isnull=False), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


def rhc_accepted_pct(period: Period) -> Measure:
    """Return home conversations accepted (%): of the episodes ended in the period with an offer, those
    where the child accepted it (same guidance; counted by the return, as `rhc_offered_pct`)."""
    offered = returned_in(period).filter(rhc_offered_date__isnull=False)
    totals = _count(offered, count=Q(rhc_accepted_date__isnull=False), base=Q(pk__isnull=False))
    return Measure.percent(totals["count"], totals["base"])


def rhc_within_72h_pct(period: Period) -> Measure:
    """Return home conversations within 72 hours (%): of the return home conversations held for missing
    episodes that ended (the child returned) in the period, those held on or before the day the 72 hours
    after the return end (the `return-home-conversation` clock, in London time; statutory guidance on
    children who run away or go missing from home or care, DfE 2014). Seed 000 reports it: "604 Return Home
    Conversations took place, 68% of these were completed within 72 hrs".

    The conversation is recorded as a date, so one held on the day the 72 hours run out counts as in time.
    Counted by the return, as `rhc_offered_pct`; the due time comes from the clock for each return (in
    Python: one query, a few hundred rows a quarter).
    """
    held = (
        returned_in(period)
        .filter(rhc_held_date__isnull=False)
        .order_by()
        .values_list("returned_at", "rhc_held_date")
    )
    count = base = 0
    for returned_at, held_on in held:
        if returned_at is None or held_on is None:  # excluded by the filters; here for the type checker
            continue
        base += 1
        count += held_on <= timezone.localtime(clock_due_datetime(RETURN_HOME_CLOCK, returned_at)).date()
    return Measure.percent(count, base)


def exploitation_screenings(period: Period) -> Measure:
    """Exploitation screenings completed in the period (local measure, issue 4)."""
    return Measure.number(ExploitationScreening.objects.filter(_in(period, "screening_date")).count())


def exploitation_screenings_by_risk(period: Period) -> list[Row]:
    """Exploitation screenings completed in the period by the level of risk found (counts)."""
    screened = ExploitationScreening.objects.filter(_in(period, "screening_date"))
    return _by_choice(screened, "risk_level", ExploitationRisk)


# --- Drill-down: the counted children by age band, sex, ethnicity, locality and source ----------------------
# Issue 5 section 6. For the counts over child records, each breakdown is a partition: every counted record
# is in exactly one row, so the rows add up to the total (the engine checks it at every computation). One
# query per indicator and period fetches, for every counted record, the child's characteristics and the date
# their age is taken at; the four (five) breakdowns split that list in Python. A computation run keeps the
# list (`core.runcache`), so it is read once per indicator and period, not once per breakdown.

# DfE "Children in need" age groups (tables A1, B1...), plus a row for children with no birth date recorded.
AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("unborn", "Unborn"),
    ("under_1", "Under 1"),
    ("1_to_4", "1 to 4"),
    ("5_to_9", "5 to 9"),
    ("10_to_15", "10 to 15"),
    ("16_and_over", "16 and over"),
    ("not_recorded", "Age not recorded"),
)
_AGE_BAND_FROM = ((16, "16_and_over"), (10, "10_to_15"), (5, "5_to_9"), (1, "1_to_4"), (0, "under_1"))

# DfE major ethnic groups as the "Children in need" tables show them (Chinese is in "Other ethnic groups").
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("white", "White"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("asian", "Asian or Asian British"),
    ("black", "Black or Black British"),
    ("other", "Other ethnic groups"),
    ("refused", "Refused"),
    ("not_obtained", "Information not yet obtained"),
)
_ETHNIC_GROUP_OF = {
    **{code: "white" for code in ("WBRI", "WIRI", "WIRT", "WOTH", "WROM")},
    **{code: "mixed" for code in ("MWBC", "MWBA", "MWAS", "MOTH")},
    **{code: "asian" for code in ("AIND", "APKN", "ABAN", "AOTH")},
    **{code: "black" for code in ("BCRB", "BAFR", "BOTH")},
    "CHNE": "other",
    "OOTH": "other",
    Ethnicity.REFU.value: "refused",
    Ethnicity.NOBT.value: "not_obtained",
}
LOCALITY_NOT_RECORDED = ("not_recorded", "Not recorded")


def ethnic_group(code: str) -> str:
    """The DfE major group (a key of ETHNIC_GROUPS) of an ethnicity code; blank or unknown: "not_obtained"."""
    return _ETHNIC_GROUP_OF.get(code, "not_obtained")


_CHILD_FIELDS = ("date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "locality")


class Counted(NamedTuple):
    """One counted record: the child's characteristics, the date their age is taken at, and for referrals
    the source of the referral."""

    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    ethnicity: str
    locality: str
    on: date
    source: str = ""


def age_band(date_of_birth: date | None, expected_date_of_birth: date | None, on: date) -> str:
    """The DfE age group of a child on the day `on`, in whole years (a birthday counts from the day itself;
    a 29 February birthday from 1 March in other years). Unborn: born after `on`, or no date of birth but an
    expected one; neither date recorded: "not_recorded"."""
    if date_of_birth is None:
        return "unborn" if expected_date_of_birth is not None else "not_recorded"
    if date_of_birth > on:
        return "unborn"
    years = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    return next(band for lowest, band in _AGE_BAND_FROM if years >= lowest)


def _counted(child: Sequence[Any], on: date, source: str = "") -> Counted:
    """A Counted from the child's fields as `_CHILD_FIELDS` lists them."""
    return Counted(child[0], child[1], child[2], child[3], child[4], on, source)


def _fetch(queryset: QuerySet[Any], child: str, on: str | None, period: Period, *extra: str) -> list[Counted]:
    """(child fields, date) for each row of `queryset`; `child` is the path to the child ("child__"), `on`
    the event's date field, or None for a snapshot (age on the period's last day)."""
    fields = [f"{child}{name}" for name in _CHILD_FIELDS]
    if on is None:
        return [_counted(row, period.last, *row[5:]) for row in queryset.values_list(*fields, *extra)]
    return [_counted(row, row[5], *row[6:]) for row in queryset.values_list(*fields, on, *extra)]


def _fetch_children(queryset: QuerySet[Any], child: str, period: Period) -> list[Counted]:
    """Each distinct child of `queryset` once, aged on the period's last day (snapshots count children)."""
    fields = [f"{child}{name}" for name in _CHILD_FIELDS]
    rows = queryset.order_by().values_list(child.removesuffix("__"), *fields).distinct()
    return [_counted(row[1:], period.last) for row in rows]


def _fetch_missing_children(period: Period) -> list[Counted]:
    """Each child with an episode starting in the period once, aged on the London date their first episode
    of the period started."""
    london = timezone.get_default_timezone()
    rows = (
        missing_episodes_in(period)
        .order_by()
        .values("child", *(f"child__{name}" for name in _CHILD_FIELDS))
        .annotate(first=Min("started_at"))
        .values_list(*(f"child__{name}" for name in _CHILD_FIELDS), "first")
    )
    return [_counted(row, timezone.localtime(row[5], london).date()) for row in rows]


def _fetch_missing_episodes(period: Period) -> list[Counted]:
    london = timezone.get_default_timezone()
    rows = missing_episodes_in(period).values_list(
        *(f"child__{name}" for name in _CHILD_FIELDS), "started_at"
    )
    return [_counted(row, timezone.localtime(row[5], london).date()) for row in rows]


# What each drill-down indicator counts, as the records its total counts (same filters, same units).
_COUNTED: dict[str, Callable[[Period], list[Counted]]] = {
    "referrals": lambda p: _fetch(referrals_in(p), "child__", "referral_date", p, "source"),
    "assessments_completed": lambda p: _fetch(
        assessments_completed_in(p), "episode__child__", "authorisation_date", p
    ),
    "s47": lambda p: _fetch(s47_in(p), "episode__child__", "start_date", p),
    "icpc": lambda p: _fetch(icpcs_in(p), "episode__child__", "icpc_date", p),
    "cpp_started": lambda p: _fetch(plans_started_in(p), "episode__child__", "start_date", p),
    "cpp_at_end": lambda p: _fetch_children(plans_open_at_end(p), "episode__child__", p),
    "cpp_ended": lambda p: _fetch(plans_ended_in(p), "episode__child__", "end_date", p),
    "cla_at_end": lambda p: _fetch_children(
        LookedAfterPeriod.objects.filter(_open_on(p.last, "start_date", "end_date")), "child__", p
    ),
    "eh_requests": lambda p: _fetch(
        EarlyHelpRequest.objects.filter(_in(p, "requested_on")), "child__", "requested_on", p
    ),
    "eh_open_at_end": lambda p: _fetch(
        EarlyHelpRequest.objects.filter(_open_on(p.last, "requested_on", "closure_date")), "child__", None, p
    ),
    "missing_children": _fetch_missing_children,
    "missing_episodes": _fetch_missing_episodes,
    "exploitation_screenings": lambda p: _fetch(
        ExploitationScreening.objects.filter(_in(p, "screening_date")), "child__", "screening_date", p
    ),
}


# Counts of events dated in the period (each record's age taken on its own date): a year's records are its
# four quarters' records. Snapshots at the period's last day: a year's records are its fourth quarter's.
# (missing_children counts each child once per period, so it is read for the year itself.)
_EVENT_COUNTS = frozenset(
    {
        "referrals",
        "assessments_completed",
        "s47",
        "icpc",
        "cpp_started",
        "cpp_ended",
        "eh_requests",
        "missing_episodes",
        "exploitation_screenings",
    }
)
_SNAPSHOT_COUNTS = frozenset({"cpp_at_end", "cla_at_end", "eh_open_at_end"})


def counted_records(code: str, period: Period) -> list[Counted]:
    """The records indicator `code` counts in `period`. Within a computation run each is read once, and a
    financial year's are put together from its quarters' (the run computes both), not read again."""
    if runcache.in_run() and period.kind == PeriodKind.FINANCIAL_YEAR:
        year = period.first.year
        if code in _EVENT_COUNTS:
            return [r for n in range(1, 5) for r in counted_records(code, Period.quarter(year, n))]
        if code in _SNAPSHOT_COUNTS:
            return counted_records(code, Period.quarter(year, 4))
    return runcache.kept(("journey-counted", code, period), lambda: _COUNTED[code](period))


def _rows(counts: Counter[str], lines: Iterable[tuple[str, str]]) -> list[Row]:
    """A row per line, in order (lines with none still get a row), then one per unexpected key found, so
    every record is in a row and the rows add up to the total."""
    rows = [Row(key, label, Measure.number(counts.get(key, 0))) for key, label in lines]
    known = {row.key for row in rows}
    rows += [
        Row(key, f"Unrecognised code {key}", Measure.number(counts[key]))
        for key in sorted(counts)
        if key not in known
    ]
    return rows


def _by_age_band(records: list[Counted]) -> list[Row]:
    counts = Counter(age_band(r.date_of_birth, r.expected_date_of_birth, r.on) for r in records)
    return _rows(counts, AGE_BANDS)


def _by_sex(records: list[Counted]) -> list[Row]:
    return _rows(Counter(r.sex for r in records), Sex.choices)


def _by_ethnicity(records: list[Counted]) -> list[Row]:
    counts = Counter(_ETHNIC_GROUP_OF.get(r.ethnicity, r.ethnicity or "not_obtained") for r in records)
    return _rows(counts, ETHNIC_GROUPS)


def _by_locality(records: list[Counted]) -> list[Row]:
    """A row per locality named in the records (as the council names them, in alphabetical order), then
    "Not recorded" for children with none; localities with nobody counted in the period have no row."""
    counts = Counter(r.locality.strip() or LOCALITY_NOT_RECORDED[0] for r in records)
    named = sorted(key for key in counts if key != LOCALITY_NOT_RECORDED[0])
    return _rows(counts, [*((name, name) for name in named), LOCALITY_NOT_RECORDED])


def _by_source(records: list[Counted]) -> list[Row]:
    return _rows(Counter(r.source for r in records), ReferralSource.choices)


_SPLITS: dict[str, Callable[[list[Counted]], list[Row]]] = {
    "age_band": _by_age_band,
    "sex": _by_sex,
    "ethnicity": _by_ethnicity,
    "locality": _by_locality,
}


def _drilldown(code: str) -> dict[str, Callable[[Period], list[Row]]]:
    """The partition breakdowns of count indicator `code`: name -> function of the period."""
    splits = {**_SPLITS, **({"source": _by_source} if code == "referrals" else {})}

    def breakdown(split: Callable[[list[Counted]], list[Row]]) -> Callable[[Period], list[Row]]:
        return lambda period: split(counted_records(code, period))

    return {name: breakdown(split) for name, split in splits.items()}


# --- What the engine reads --------------------------------------------------------------------------------

JOURNEY_MEASURES: dict[str, Callable[[Period], Measure]] = {
    "referrals": referrals,
    "referrals_per_10k": referrals_per_10k,
    "re_referrals_12m_pct": re_referrals_12m_pct,
    "referrals_nfa_pct": referrals_nfa_pct,
    "assessments_completed": assessments_completed,
    "assessments_per_10k": assessments_per_10k,
    "assessments_within_45wd_pct": assessments_within_45wd_pct,
    "s47": s47,
    "s47_per_10k": s47_per_10k,
    "s47_to_icpc_pct": s47_to_icpc_pct,
    "icpc": icpc,
    "icpc_per_10k": icpc_per_10k,
    "icpc_within_15wd_pct": icpc_within_15wd_pct,
    "icpc_to_cpp_pct": icpc_to_cpp_pct,
    "cpp_started": cpp_started,
    "cpp_started_per_10k": cpp_started_per_10k,
    "cpp_at_end": cpp_at_end,
    "cpp_at_end_per_10k": cpp_at_end_per_10k,
    "cpp_second_or_subsequent_pct": cpp_second_or_subsequent_pct,
    "cpp_ended": cpp_ended,
    "cpp_ended_2y_plus_pct": cpp_ended_2y_plus_pct,
    "cpp_reviews_in_time_pct": cpp_reviews_in_time_pct,
    "cla_at_end": cla_at_end,
    "cla_at_end_per_10k": cla_at_end_per_10k,
    "cla_entering_after_cpp_pct": cla_entering_after_cpp_pct,
    "cin_at_end_per_10k": cin_at_end_per_10k,
    "assessment_factor_pct": assessment_factor_total,
    "cpp_initial_category_pct": cpp_initial_category_total,
    "cpp_latest_category_pct": cpp_latest_category_total,
    "eh_presenting_need_pct": eh_presenting_need_total,
    "eh_closures_by_reason": eh_closures,
    "rhc_offered_pct": rhc_offered_pct,
    "rhc_accepted_pct": rhc_accepted_pct,
    "rhc_within_72h_pct": rhc_within_72h_pct,
    "eh_requests": eh_requests,
    "eh_open_at_end": eh_open_at_end,
    "eh_assessment_in_time_pct": eh_assessment_in_time_pct,
    "missing_children": missing_children,
    "missing_episodes": missing_episodes,
    "exploitation_screenings": exploitation_screenings,
}

JOURNEY_BREAKDOWNS: dict[str, dict[str, Callable[[Period], list[Row]]]] = {
    "cpp_initial_category_pct": {"category": cpp_initial_category_pct},
    "cpp_latest_category_pct": {"category": cpp_latest_category_pct},
    "assessment_factor_pct": {"factor": assessment_factor_pct},
    "eh_presenting_need_pct": {"need": eh_presenting_need_pct},
    "eh_closures_by_reason": {"reason": eh_closures_by_reason},
    "exploitation_screenings": {"risk_level": exploitation_screenings_by_risk},
}
# The drill-downs of issue 5 section 6 on every count over child records (see `_COUNTED`).
for _code in _COUNTED:
    JOURNEY_BREAKDOWNS[_code] = {**JOURNEY_BREAKDOWNS.get(_code, {}), **_drilldown(_code)}
