"""Step 6: each child's journey after the front door, at Walsall's scale.

The front door step leaves a CIN referral for every child of a level 4 decision and an early help request
for every child of a level 3 one. This step carries each of them on, as the council's case management
system would have them on the demo's "today" (REFERENCE_DATE, 31 March 2023):

- every CIN referral becomes a CIN episode: a few are closed the day they arrive (referral with no further
  action); the rest get a primary need and a child and family assessment starting within days, authorised
  mostly within 45 working days of the referral (core.clocks "assessment"), some late, the most recent
  still open, with the factors it identified. About 3 in 10 go to a section 47 enquiry, started at the
  strategy discussion the MASH decided on where it did; about 1 in 3 enquiries has an initial child
  protection conference, mostly within 15 working days of the discussion ("icpc"), some late, always on a
  working day; about 9 in 10 conferences start a child protection plan that day, reviewed at 3 months and
  then every 6 ("cp-first-review", "cp-review") and ended at a review after months, stepping down to a CIN
  plan or closing; others get a CIN plan after the assessment or are closed after it (RC8, or RC9 from
  2022-23 when referred to early help). Episodes of one child never overlap: an episode still running
  when the child is referred again is closed the day before (the census's rule 8820);
- some children become looked after from their episode (after a child protection plan, in an emergency
  during an enquiry, or from a CIN plan); with the children already in care before October 2021 (some of
  them known to the front door, most not), about 650 are looked after on 31 March 2023 (Walsall's figure),
  with a legal status and placements at a distance from home;
- about 1,000 missing episodes a year, mostly of teenagers and of looked-after children, with the return
  home conversation offered, accepted and held (mostly within 72 hours, "return-home-conversation");
- a few hundred exploitation screenings a year, of missing children and of children whose assessment
  found exploitation or gangs;
- every early help request becomes an early help episode: assessment, plan, reviews every six weeks or so,
  presenting needs, and a closure reason (stepped up when the child was referred to social care meanwhile);
- children with a social care record get the council's LA child ID and their disability codes, and babies
  due before the reference date are born.

Volumes follow the front door's (CONTACTS_PER_YEAR, which tests lower) and the scale. Rows are written
with bulk_create in batches, with their history, after the whole journey of a child is decided: each
episode is first drafted as it would run, then cut at the day it must end (the next referral) or at the
demo's today (what has not happened yet is not recorded).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from safeguarding.census.rules.identifiers import upn_check_letter
from safeguarding.children.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    Disability,
    EarlyHelpClosureReason,
    EarlyHelpNeed,
    ExploitationRisk,
    ExploitationType,
    LegalStatus,
    PlacementType,
    PrimaryNeed,
    ReasonForClosure,
    Sex,
)
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    EarlyHelpReview,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Origin,
    Placement,
    Section47,
)
from safeguarding.core.calendar import WorkingCalendar, add_months, current_calendar
from safeguarding.core.clocks import clock_due_date, clock_due_datetime
from safeguarding.demo import shape
from safeguarding.demo.generator import BATCH_SIZE, REFERENCE_DATE, SeedContext, bulk_save
from safeguarding.demo.names import PLACE_FEATURES, PLACES
from safeguarding.demo.steps import frontdoor

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=models.Model)

NOW = REFERENCE_DATE
FIRST_DAY = frontdoor.FIRST_DAY
WINDOW_YEARS = ((NOW - FIRST_DAY).days + 1) / 365
# The first census year with RC9 (closed after assessment, referred to early help): 2022-23.
RC9_FROM = date(2022, 4, 1)

# Volumes at scale 1 with the front door at Walsall's volume; they follow frontdoor.CONTACTS_PER_YEAR.
WALSALL_CONTACTS_PER_YEAR = 14_000
LOOKED_AFTER_AT_YEAR_END = 650  # Walsall, 31 March (issue 4)
MISSING_EPISODES_PER_YEAR = 1_000  # Walsall (issue 4)
SCREENINGS_PER_YEAR = 300  # "a few hundred"

# Shares of CIN episodes (Walsall: about 3,400 referrals, 3,400 assessments, 1,050 s47 and 330 ICPCs a year).
NFA_SHARE = 0.03
SECTION_47_AFTER_STRATEGY_DISCUSSION = 0.63  # the front door holds one for about 45% of level 4 contacts
SECTION_47_OTHERWISE = 0.06
CONFERENCE_SHARE = 0.34
PLAN_AFTER_CONFERENCE_SHARE = 0.9
LATE_ASSESSMENT_SHARE = 0.12
LATE_CONFERENCE_SHARE = 0.2
LATE_REVIEW_SHARE = 0.1
# Of children on a plan (in their latest episode), those who become looked after: about a quarter of
# the children starting to be looked after in the demo's history.
CARE_AFTER_PLAN_SHARE = 0.25

PRIMARY_NEEDS: tuple[tuple[str, float], ...] = (
    (PrimaryNeed.ABUSE_OR_NEGLECT, 50),
    (PrimaryNeed.CHILD_DISABILITY, 5),
    (PrimaryNeed.PARENTAL_DISABILITY, 4),
    (PrimaryNeed.ACUTE_STRESS, 10),
    (PrimaryNeed.FAMILY_DYSFUNCTION, 19),
    (PrimaryNeed.SOCIALLY_UNACCEPTABLE, 3),
    (PrimaryNeed.LOW_INCOME, 0.5),
    (PrimaryNeed.ABSENT_PARENTING, 4),
    (PrimaryNeed.NOT_IN_NEED, 3),
)
PRIMARY_NEEDS_IN_ENQUIRIES: tuple[tuple[str, float], ...] = (
    (PrimaryNeed.ABUSE_OR_NEGLECT, 85),
    (PrimaryNeed.ACUTE_STRESS, 4),
    (PrimaryNeed.FAMILY_DYSFUNCTION, 9),
    (PrimaryNeed.ABSENT_PARENTING, 2),
)
# Factors identified at assessment, near their shares in England's CIN statistics (a child has several).
FACTORS: tuple[tuple[str, float], ...] = (
    (AssessmentFactor.DOMESTIC_VIOLENCE_PARENT, 30),
    (AssessmentFactor.MENTAL_HEALTH_PARENT, 30),
    (AssessmentFactor.DOMESTIC_VIOLENCE_CHILD, 22),
    (AssessmentFactor.EMOTIONAL_ABUSE, 20),
    (AssessmentFactor.NEGLECT, 18),
    (AssessmentFactor.MENTAL_HEALTH_CHILD, 13),
    (AssessmentFactor.DRUGS_PARENT, 13),
    (AssessmentFactor.ALCOHOL_PARENT, 11),
    (AssessmentFactor.OTHER, 10),
    (AssessmentFactor.PHYSICAL_ABUSE_ADULT_ON_CHILD, 9),
    (AssessmentFactor.SELF_HARM, 6),
    (AssessmentFactor.LEARNING_DISABILITY_CHILD, 6),
    (AssessmentFactor.DOMESTIC_VIOLENCE_OTHER, 5),
    (AssessmentFactor.LEARNING_DISABILITY_PARENT, 5),
    (AssessmentFactor.SEXUAL_ABUSE_ADULT_ON_CHILD, 4),
    (AssessmentFactor.PHYSICAL_DISABILITY_CHILD, 4),
    (AssessmentFactor.PHYSICAL_DISABILITY_PARENT, 4),
    (AssessmentFactor.DRUGS_CHILD, 3),
    (AssessmentFactor.SOCIALLY_UNACCEPTABLE, 3),
    (AssessmentFactor.MISSING, 3),
    (AssessmentFactor.CSE, 3),
    (AssessmentFactor.CCE, 3),
    (AssessmentFactor.GANGS, 2),
    (AssessmentFactor.SEXUAL_ABUSE_CHILD_ON_CHILD, 2),
    (AssessmentFactor.PHYSICAL_ABUSE_CHILD_ON_CHILD, 2),
    (AssessmentFactor.YOUNG_CARER, 1),
    (AssessmentFactor.ALCOHOL_CHILD, 1),
    (AssessmentFactor.UASC, 0.5),
    (AssessmentFactor.FAITH_OR_BELIEF, 0.3),
    (AssessmentFactor.TRAFFICKING, 0.3),
    (AssessmentFactor.FGM, 0.2),
)
EXPLOITATION_FACTORS: dict[str, str] = {
    AssessmentFactor.CSE: ExploitationType.SEXUAL,
    AssessmentFactor.CCE: ExploitationType.CRIMINAL,
    AssessmentFactor.GANGS: ExploitationType.CRIMINAL,
    AssessmentFactor.TRAFFICKING: ExploitationType.OTHER,
}
CATEGORIES: tuple[tuple[str, float], ...] = (
    (CategoryOfAbuse.NEGLECT, 45),
    (CategoryOfAbuse.EMOTIONAL, 36),
    (CategoryOfAbuse.PHYSICAL, 8),
    (CategoryOfAbuse.SEXUAL, 4),
    (CategoryOfAbuse.MULTIPLE, 7),
)
# The review at which a child protection plan ends (1: the first, at 3 months; then every 6 months).
PLAN_ENDS_AT_REVIEW: tuple[tuple[int, float], ...] = ((1, 28), (2, 46), (3, 19), (4, 7))
PREVIOUS_PLANS_BEFORE_THE_DEMO: tuple[tuple[int, float], ...] = ((0, 78), (1, 16), (2, 5), (3, 1))
CLOSED_AFTER_ASSESSMENT: tuple[tuple[str, float], ...] = (
    (ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA, 60),
    (ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP, 25),
    (ReasonForClosure.SERVICES_CEASED, 10),
    (ReasonForClosure.TRANSFERRED_TO_ANOTHER_LA, 5),
)
CLOSED_AFTER_ASSESSMENT_REASONS = frozenset(
    {ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA, ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP}
)
CLOSED_AFTER_SERVICES: tuple[tuple[str, float], ...] = (
    (ReasonForClosure.SERVICES_CEASED, 84),
    (ReasonForClosure.TRANSFERRED_TO_ANOTHER_LA, 7),
    (ReasonForClosure.CHILD_ARRANGEMENTS_ORDER, 5),
    (ReasonForClosure.SPECIAL_GUARDIANSHIP_ORDER, 4),
)
CLOSED_AFTER_CARE: tuple[tuple[str, float], ...] = (
    (ReasonForClosure.SERVICES_CEASED, 55),
    (ReasonForClosure.SPECIAL_GUARDIANSHIP_ORDER, 25),
    (ReasonForClosure.CHILD_ARRANGEMENTS_ORDER, 15),
    (ReasonForClosure.TRANSFERRED_TO_ANOTHER_LA, 5),
)

# Looked after: the legal status by how the child came into care.
LEGAL_STATUS_FROM: dict[str, tuple[tuple[str, float], ...]] = {
    "protection plan": (
        (LegalStatus.INTERIM_CARE_ORDER, 60),
        (LegalStatus.SECTION_20, 30),
        (LegalStatus.EMERGENCY_PROTECTION_ORDER, 10),
    ),
    "enquiry": (
        (LegalStatus.POLICE_PROTECTION, 15),
        (LegalStatus.EMERGENCY_PROTECTION_ORDER, 10),
        (LegalStatus.SECTION_20, 45),
        (LegalStatus.INTERIM_CARE_ORDER, 30),
    ),
    "child in need": (
        (LegalStatus.SECTION_20, 75),
        (LegalStatus.INTERIM_CARE_ORDER, 20),
        (LegalStatus.REMANDED, 5),
    ),
    "before the demo": (
        (LegalStatus.FULL_CARE_ORDER, 66),
        (LegalStatus.SECTION_20, 15),
        (LegalStatus.PLACEMENT_ORDER, 7),
        (LegalStatus.INTERIM_CARE_ORDER, 10),
        (LegalStatus.SENTENCED, 2),
    ),
}
# Age of children in care (years at the start of the demo's history), near England's looked-after profile.
CARE_AGES: tuple[tuple[tuple[int, int], float], ...] = (
    ((0, 0), 5),
    ((1, 4), 14),
    ((5, 9), 18),
    ((10, 15), 39),
    ((16, 17), 24),
)
# Where children live, by age band: (placement type, weight, usual distance from home in km (low, high)).
PLACEMENTS_BY_AGE: dict[str, tuple[tuple[str, float, tuple[float, float]], ...]] = {
    "baby": (
        (PlacementType.FOSTER_OTHER, 45, (1, 15)),
        (PlacementType.KINSHIP_OTHER, 25, (0.5, 10)),
        (PlacementType.FAMILY_CENTRE, 15, (2, 30)),
        (PlacementType.FOSTER_FFA, 15, (2, 25)),
    ),
    "child": (
        (PlacementType.FOSTER_OTHER, 40, (1, 15)),
        (PlacementType.FOSTER_LONG_TERM, 25, (1, 20)),
        (PlacementType.KINSHIP_OTHER, 15, (0.5, 10)),
        (PlacementType.KINSHIP_LONG_TERM, 10, (0.5, 10)),
        (PlacementType.WITH_PARENTS, 6, (0.2, 5)),
        (PlacementType.CHILDRENS_HOME, 4, (5, 60)),
    ),
    "teenager": (
        (PlacementType.FOSTER_OTHER, 32, (1, 20)),
        (PlacementType.FOSTER_LONG_TERM, 18, (1, 25)),
        (PlacementType.CHILDRENS_HOME, 22, (3, 120)),
        (PlacementType.KINSHIP_OTHER, 10, (0.5, 10)),
        (PlacementType.WITH_PARENTS, 5, (0.2, 5)),
        (PlacementType.SECURE_CHILDRENS_HOME, 1, (40, 200)),
        (PlacementType.RESIDENTIAL_SCHOOL, 2, (10, 80)),
    ),
    "young adult": (
        (PlacementType.SUPPORTED_ACCOMMODATION, 40, (1, 25)),
        (PlacementType.FOSTER_LONG_TERM, 25, (1, 20)),
        (PlacementType.CHILDRENS_HOME, 20, (3, 120)),
        (PlacementType.INDEPENDENT_LIVING, 5, (0.5, 10)),
        (PlacementType.KINSHIP_OTHER, 10, (0.5, 10)),
    ),
}
ADOPTION_PLACEMENTS = (PlacementType.ADOPTION_ORDER_CURRENT_CARER, PlacementType.ADOPTION_ORDER_OTHER)

# Missing episodes: how many a missing child has in the demo's year and a half, and how long they last.
EPISODES_PER_MISSING_CHILD: tuple[tuple[int, float], ...] = (
    (1, 52),
    (2, 18),
    (3, 10),
    (4, 6),
    (5, 4),
    (6, 3),
    (8, 3),
    (10, 2),
    (14, 2),
)
HOURS_MISSING: tuple[tuple[tuple[int, int], float], ...] = (
    ((1, 6), 25),
    ((6, 12), 22),
    ((12, 24), 25),
    ((24, 72), 18),
    ((72, 240), 10),
)

EXPLOITATION_TYPES: tuple[tuple[str, float], ...] = (
    (ExploitationType.CRIMINAL, 50),
    (ExploitationType.SEXUAL, 38),
    (ExploitationType.OTHER, 12),
)
EXPLOITATION_RISKS: tuple[tuple[str, float], ...] = (
    (ExploitationRisk.AT_RISK, 52),
    (ExploitationRisk.SIGNIFICANT, 32),
    (ExploitationRisk.SERIOUS, 16),
)

EARLY_HELP_NEEDS: tuple[tuple[str, float], ...] = (
    (EarlyHelpNeed.FAMILY_RELATIONSHIPS, 30),
    (EarlyHelpNeed.HEALTH, 25),
    (EarlyHelpNeed.DOMESTIC_ABUSE, 20),
    (EarlyHelpNeed.EDUCATION, 20),
    (EarlyHelpNeed.FINANCES, 10),
    (EarlyHelpNeed.HOUSING, 8),
    (EarlyHelpNeed.EARLY_YEARS, 8),
    (EarlyHelpNeed.SUBSTANCE_USE, 7),
    (EarlyHelpNeed.ABUSE_AND_EXPLOITATION, 6),
    (EarlyHelpNeed.CRIME, 5),
)
EARLY_HELP_CLOSED_AFTER_PLAN: tuple[tuple[str, float], ...] = (
    (EarlyHelpClosureReason.OUTCOMES_MET, 60),
    (EarlyHelpClosureReason.STEPPED_DOWN, 17),
    (EarlyHelpClosureReason.DISENGAGED, 14),
    (EarlyHelpClosureReason.MOVED_AWAY, 6),
    (EarlyHelpClosureReason.STEPPED_UP, 3),
)

OTHER_DISABILITIES = (
    Disability.MOBILITY,
    Disability.HAND_FUNCTION,
    Disability.PERSONAL_CARE,
    Disability.INCONTINENCE,
    Disability.COMMUNICATION,
    Disability.LEARNING,
    Disability.HEARING,
    Disability.VISION,
    Disability.BEHAVIOUR,
    Disability.CONSCIOUSNESS,
    Disability.OTHER,
)
# Disability codes read from what the front door recorded about special needs.
DISABILITY_WORDS: tuple[tuple[str, str], ...] = (
    ("autism", Disability.AUTISM),
    ("speech, language", Disability.COMMUNICATION),
    ("adhd", Disability.BEHAVIOUR),
    ("learning difficulty", Disability.LEARNING),
)


# --- Drafts: an episode as it would run, before it is cut at the day it must end ----------------------------


@dataclass
class EnquiryDraft:
    strategy_discussion: date
    icpc_target: date
    icpc: date | None = None
    concluded: date | None = None  # ended without a conference (ICPC not required)


@dataclass
class PlanDraft:
    start: date
    end: date | None
    reviews: list[date] = field(default_factory=list)
    initial_category: str = ""
    latest_category: str = ""


@dataclass
class CareDraft:
    child_id: int
    start: date
    end: date | None
    legal_status: str
    category_of_need: str
    placements: list[tuple[date, str, Decimal | None]] = field(default_factory=list)


@dataclass
class Journey:
    referral: CINReferral
    nfa: bool = False
    primary_need: str = ""
    assessment_start: date | None = None
    assessment_authorised: date | None = None
    factors: list[str] = field(default_factory=list)
    child_seen: bool | None = None
    enquiry: EnquiryDraft | None = None
    cp_plan: PlanDraft | None = None
    cin_plans: list[PlanDraft] = field(default_factory=list)
    care: CareDraft | None = None
    closure: date | None = None
    closure_reason: str = ""

    def activity_dates(self) -> list[date]:
        days = [self.referral.referral_date]
        days += [d for d in (self.assessment_start, self.assessment_authorised) if d is not None]
        if self.enquiry is not None:
            enquiry = self.enquiry
            days += [
                d for d in (enquiry.strategy_discussion, enquiry.icpc, enquiry.concluded) if d is not None
            ]
        for plan in [self.cp_plan, *self.cin_plans]:
            if plan is not None:
                days += [plan.start, *plan.reviews, *([plan.end] if plan.end else [])]
        return days


@dataclass
class Rows:
    """What the step writes, gathered before saving."""

    referrals: list[CINReferral] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cin_plans: list[CINPlan] = field(default_factory=list)
    cp_plans: list[tuple[ChildProtectionPlan, list[date]]] = field(default_factory=list)
    cares: list[CareDraft] = field(default_factory=list)


@dataclass
class Run:
    ctx: SeedContext
    calendar: WorkingCalendar
    volume: float
    children: dict[int, Child]
    rows: Rows = field(default_factory=Rows)
    # Children with a social care record (an episode or a period of care): they get an LA child ID.
    known_to_social_care: set[int] = field(default_factory=set)
    referral_dates: dict[int, list[date]] = field(default_factory=dict)
    plans_so_far: dict[int, int] = field(default_factory=dict)
    in_care: set[int] = field(default_factory=set)
    # (child, assessment start, factors) of children aged 10 or more: whom exploitation screenings look at.
    assessed_teenagers: list[tuple[int, date, list[str]]] = field(default_factory=list)
    missing_returns: list[tuple[int, date]] = field(default_factory=list)
    la_child_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    upns_given: set[str] = field(default_factory=set)
    # UPNs draw on their own generator (from the seed), so adding them left every other choice as it was.
    upn_rng: random.Random = field(default_factory=random.Random)

    @property
    def rng(self) -> random.Random:
        return self.ctx.rng

    def next_la_child_id(self) -> str:
        return f"WS{next(self.la_child_ids):07d}"


def journeys_create(ctx: SeedContext) -> None:
    """Carry every front door referral and early help request on, and add care, missing and exploitation."""
    run = Run(
        ctx=ctx,
        calendar=current_calendar(),
        volume=ctx.scale * frontdoor.CONTACTS_PER_YEAR / WALSALL_CONTACTS_PER_YEAR,
        children={child.pk: child for child in Child.objects.order_by("pk")},
        upn_rng=random.Random(f"upn-{ctx.seed}"),
    )
    _cin_episodes_create(run)
    _looked_after_create(run)
    _missing_episodes_create(run)
    _exploitation_screenings_create(run)
    _early_help_create(run)
    _children_identify(run)


# --- Small helpers ------------------------------------------------------------------------------------------


def _pick(run: Run, table: Sequence[tuple[T, float]]) -> T:
    return run.rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def _how_many(run: Run, expected: float) -> int:
    """A whole number whose average is `expected` (the fraction decides by chance)."""
    whole = int(expected)
    return whole + (1 if run.rng.random() < expected - whole else 0)


def _days(run: Run, low: int, high: int) -> timedelta:
    return timedelta(days=run.rng.randint(low, high))


def _birth(child: Child) -> date | None:
    """The date of birth, or the expected one when it has passed (such babies are born in this step)."""
    if child.date_of_birth is not None:
        return child.date_of_birth
    expected = child.expected_date_of_birth
    return expected if expected is not None and expected <= NOW else None


def _birthday(born: date, years: int) -> date:
    return add_months(born, 12 * years)


def _can_enter_care(child: Child, day: date) -> bool:
    born = _birth(child)
    return born is not None and born <= day < add_months(born, 12 * 17 + 6)


def _in_batches(model: type[ModelT], rows: list[ModelT]) -> list[ModelT]:
    saved: list[ModelT] = []
    for start in range(0, len(rows), BATCH_SIZE * 4):
        saved += bulk_save(model, rows[start : start + BATCH_SIZE * 4])
    return saved


def _update_with_history(objects: list[ModelT], model: type[ModelT], fields: list[str]) -> None:
    """Save `fields` of rows that exist, with a history row each, as the services' updates would.

    One parameterised UPDATE run for every row (executemany), because Django's bulk_update builds a CASE
    expression per field and row, which took most of the step's time at scale 1. Works the same on SQLite
    and PostgreSQL: values are prepared by the fields themselves (JSON included).
    """
    if not objects:
        return
    now = timezone.now()
    meta = model._meta
    columns = [_concrete_field(model, name) for name in [*fields, "updated_at"]]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.attname)} = %s" for column in columns)
    # Only quoted table and column names from the model go into the statement; the values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.attname)} = %s"  # noqa: S608
    rows = []
    for row in objects:
        row.updated_at = now  # type: ignore[attr-defined]  # every journey model is a TimeStampedModel
        values = [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns]
        rows.append([*values, row.pk])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])
    get_history_manager_for_model(model).bulk_history_create(objects, batch_size=BATCH_SIZE, update=True)


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field_ = model._meta.get_field(name)
    # The journey models name their columns after their fields (no db_column), so attname is the column.
    assert isinstance(field_, models.Field) and field_.column == field_.attname
    return field_


# --- CIN episodes -------------------------------------------------------------------------------------------


def _cin_episodes_create(run: Run) -> None:
    referrals = CINReferral.objects.filter(origin=Origin.FRONTDOOR).order_by(
        "child_id", "referral_date", "pk"
    )
    for child_id, group in itertools.groupby(referrals, key=lambda referral: referral.child_id):
        child_referrals = list(group)
        run.referral_dates[child_id] = [r.referral_date for r in child_referrals]
        run.known_to_social_care.add(child_id)
        child = run.children[child_id]
        for index, referral in enumerate(child_referrals):
            following = child_referrals[index + 1] if index + 1 < len(child_referrals) else None
            # An episode still running when the child is referred again closes the day before (8820).
            limit = following.referral_date - timedelta(days=1) if following else None
            journey = _journey_draft(run, referral, child, limit=limit)
            _cut(journey, limit)
            _journey_rows(run, journey, child)
    _cin_rows_save(run)


def _journey_draft(run: Run, referral: CINReferral, child: Child, *, limit: date | None) -> Journey:
    """The episode as it would run if nothing stopped it."""
    rng = run.rng
    journey = Journey(referral)
    day = referral.referral_date
    # A duplicate referral (the child referred again within the week) carries no work of its own.
    if rng.random() < NFA_SHARE or (limit is not None and limit < day + timedelta(days=7)):
        journey.nfa = True
        journey.closure, journey.closure_reason = day, ReasonForClosure.SERVICES_CEASED
        return journey
    discussion = referral.strategy_discussion_date
    enquiry = rng.random() < (SECTION_47_AFTER_STRATEGY_DISCUSSION if discussion else SECTION_47_OTHERWISE)
    journey.primary_need = _pick(run, PRIMARY_NEEDS_IN_ENQUIRIES if enquiry else PRIMARY_NEEDS)
    _assessment_draft(run, journey)
    # Only a child's latest episode leads into care, so a period of care never outlives its episode's cut.
    may_enter_care = limit is None
    if enquiry:
        _enquiry_draft(run, journey, discussion, child, may_enter_care)
    else:
        _after_assessment_draft(run, journey, child, may_enter_care)
    return journey


def _assessment_draft(run: Run, journey: Journey) -> None:
    rng, calendar = run.rng, run.calendar
    referral = journey.referral.referral_date
    start = calendar.add_working_days(referral, _pick(run, ((0, 45), (1, 25), (2, 15), (3, 10), (5, 5))))
    if rng.random() < LATE_ASSESSMENT_SHARE:
        working_days = rng.randint(46, 80)
    else:
        working_days = round(rng.triangular(8, 45, 38))
    journey.assessment_start = start
    journey.assessment_authorised = max(start, calendar.add_working_days(referral, working_days))
    how_many = _pick(run, ((1, 25), (2, 35), (3, 25), (4, 10), (5, 5)))
    factors: list[str] = []
    while len(factors) < how_many:
        factor = _pick(run, FACTORS)
        if factor not in factors:
            factors.append(factor)
    journey.factors = factors
    journey.child_seen = _pick(run, ((True, 93), (False, 5), (None, 2)))


def _after_assessment_draft(run: Run, journey: Journey, child: Child, may_enter_care: bool) -> None:
    rng, calendar = run.rng, run.calendar
    authorised = journey.assessment_authorised
    assert authorised is not None
    roll = rng.random()
    care_start = authorised - _days(run, 0, 20)
    if may_enter_care and roll < 0.03 and _can_enter_care(child, care_start):
        _care_draft(run, journey, child, max(care_start, journey.referral.referral_date), "child in need")
    elif roll < 0.31:
        start = calendar.add_working_days(authorised, _pick(run, ((0, 50), (1, 20), (3, 20), (5, 10))))
        _cin_plan_draft(run, journey, child, start, may_enter_care)
    else:
        closed = authorised + _days(run, 0, 10)
        reason = _pick(run, CLOSED_AFTER_ASSESSMENT)
        if reason == ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP and closed < RC9_FROM:
            reason = ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA
        # "No factors identified" is used alone, and only where the case is closed after the assessment.
        if reason in CLOSED_AFTER_ASSESSMENT_REASONS and rng.random() < 0.3:
            journey.factors = [AssessmentFactor.NO_FACTORS]
        journey.closure, journey.closure_reason = closed, reason


def _enquiry_draft(
    run: Run, journey: Journey, discussion: date | None, child: Child, may_enter_care: bool
) -> None:
    rng, calendar = run.rng, run.calendar
    assert journey.assessment_start is not None and journey.assessment_authorised is not None
    strategy = discussion or calendar.add_working_days(journey.assessment_start, rng.randint(0, 8))
    enquiry = EnquiryDraft(strategy, clock_due_date("icpc", strategy, calendar=calendar))
    journey.enquiry = enquiry
    if rng.random() < CONFERENCE_SHARE:
        late = rng.random() < LATE_CONFERENCE_SHARE
        # A conference is held on a working day: counting working days from the discussion lands on one.
        enquiry.icpc = calendar.add_working_days(
            strategy, rng.randint(16, 30) if late else rng.randint(6, 15)
        )
        if rng.random() < PLAN_AFTER_CONFERENCE_SHARE:
            _cp_plan_draft(run, journey, child, enquiry.icpc, may_enter_care)
        elif rng.random() < 0.7:
            _cin_plan_draft(run, journey, child, enquiry.icpc, may_enter_care=False)
        else:
            _close(run, journey, enquiry.icpc + _days(run, 0, 14), CLOSED_AFTER_SERVICES, child)
        return
    enquiry.concluded = calendar.add_working_days(strategy, rng.randint(3, 15))
    ended = max(enquiry.concluded, journey.assessment_authorised)
    emergency = calendar.add_working_days(strategy, rng.randint(0, 3))
    roll = rng.random()
    if may_enter_care and roll < 0.1 and _can_enter_care(child, emergency):
        _care_draft(run, journey, child, emergency, "enquiry")
    elif roll < 0.5:
        _cin_plan_draft(run, journey, child, ended, may_enter_care)
    else:
        _close(run, journey, ended + _days(run, 0, 14), CLOSED_AFTER_SERVICES, child)


def _cin_plan_draft(run: Run, journey: Journey, child: Child, start: date, may_enter_care: bool) -> None:
    end = run.calendar.working_day_on_or_before(start + _days(run, 60, 330))
    journey.cin_plans.append(PlanDraft(start, end))
    if may_enter_care and run.rng.random() < 0.05 and _can_enter_care(child, end):
        _care_draft(run, journey, child, end, "child in need")
    else:
        _close(run, journey, end + _days(run, 0, 21), CLOSED_AFTER_SERVICES, child)


def _cp_plan_draft(run: Run, journey: Journey, child: Child, start: date, may_enter_care: bool) -> None:
    """A plan from the conference, reviewed at 3 months then every 6, ending at a review after months."""
    rng, calendar = run.rng, run.calendar
    reviews: list[date] = []
    due = clock_due_date("cp-first-review", start, calendar=calendar)
    for _ in range(_pick(run, PLAN_ENDS_AT_REVIEW)):
        if rng.random() < LATE_REVIEW_SHARE:
            review = calendar.add_working_days(due, rng.randint(1, 15))
        else:
            review = calendar.add_working_days(due, -rng.randint(0, 8))
        reviews.append(review)
        due = clock_due_date("cp-review", review, calendar=calendar)
    end = reviews[-1]
    initial = _pick(run, CATEGORIES)
    latest = initial if rng.random() < 0.85 else _pick(run, CATEGORIES)
    plan = PlanDraft(start, end, reviews, initial, latest)
    journey.cp_plan = plan
    care_start = start + _days(run, 30, max(30, (end - start).days))
    if may_enter_care and rng.random() < CARE_AFTER_PLAN_SHARE and _can_enter_care(child, care_start):
        # Becoming looked after ends the child protection plan.
        plan.end, plan.reviews = care_start, [review for review in reviews if review < care_start]
        _care_draft(run, journey, child, care_start, "protection plan")
    elif rng.random() < 0.45:
        # Stepped down at the review that ended the plan: the CIN plan starts that day.
        _cin_plan_draft(run, journey, child, end, may_enter_care=False)
    else:
        _close(run, journey, end + _days(run, 0, 14), CLOSED_AFTER_SERVICES, child)


def _close(run: Run, journey: Journey, day: date, reasons: Sequence[tuple[str, float]], child: Child) -> None:
    reason = _pick(run, reasons)
    born = _birth(child)
    if born is not None and day >= _birthday(born, 17) and run.rng.random() < 0.3:
        reason = ReasonForClosure.TRANSFERRED_TO_ADULT_SERVICES
    journey.closure, journey.closure_reason = max([day, *journey.activity_dates()]), reason


def _care_draft(run: Run, journey: Journey, child: Child, start: date, route: str) -> None:
    legal_status = _pick(run, LEGAL_STATUS_FROM[route])
    born = _birth(child)
    assert born is not None
    if legal_status == LegalStatus.REMANDED and start < _birthday(born, 12):
        legal_status = LegalStatus.SECTION_20
    end = _care_end(run, start, born, short_stays=legal_status == LegalStatus.SECTION_20)
    need = (
        journey.primary_need if journey.primary_need in LOOKED_AFTER_NEEDS else PrimaryNeed.ABUSE_OR_NEGLECT
    )
    care = CareDraft(child.pk, start, end, legal_status, need)
    care.placements = _placements(run, care, born)
    journey.care = care
    if end is not None:
        _close(run, journey, end + _days(run, 0, 30), CLOSED_AFTER_CARE, child)


# Category of need of a looked-after child: the CIN primary need codes N1-N8.
LOOKED_AFTER_NEEDS = frozenset(
    {
        PrimaryNeed.ABUSE_OR_NEGLECT,
        PrimaryNeed.CHILD_DISABILITY,
        PrimaryNeed.PARENTAL_DISABILITY,
        PrimaryNeed.ACUTE_STRESS,
        PrimaryNeed.FAMILY_DYSFUNCTION,
        PrimaryNeed.SOCIALLY_UNACCEPTABLE,
        PrimaryNeed.LOW_INCOME,
        PrimaryNeed.ABSENT_PARENTING,
    }
)


def _care_end(run: Run, start: date, born: date, *, short_stays: bool) -> date | None:
    """When a period of care ends: back home or to a special guardian after weeks or years, or at 18."""
    rng = run.rng
    eighteen = _birthday(born, 18)
    if rng.random() < (0.45 if short_stays else 0.25):
        end = start + _days(run, 14, 270)
    else:
        end = start + _days(run, 365, 10 * 365)
    return min(end, eighteen)


def _cut(journey: Journey, limit: date | None) -> None:
    """Cut the episode at `limit` (it closes by then: the child is referred again the next day), or else at
    the demo's today (what has not happened by then is not recorded, and what is running stays open)."""
    if journey.nfa:
        return
    closing = limit is not None
    horizon = limit if limit is not None else NOW
    if journey.assessment_start is not None and journey.assessment_start > horizon:
        # Referred again before the assessment began: it starts and ends the day before, or not yet.
        journey.assessment_start = max(horizon, journey.referral.referral_date) if closing else None
        journey.assessment_authorised = journey.assessment_start
    authorised = journey.assessment_authorised
    if authorised is not None and authorised > horizon:
        journey.assessment_authorised = horizon if closing else None
    if journey.assessment_authorised is None:
        journey.factors = []  # factors are recorded when the assessment is completed (8614)
    enquiry = journey.enquiry
    if enquiry is not None:
        if enquiry.strategy_discussion > horizon or journey.assessment_start is None:
            journey.enquiry = None
        else:
            if enquiry.icpc is not None and enquiry.icpc > horizon:
                enquiry.icpc = None
                enquiry.concluded = horizon if closing else None
            if enquiry.concluded is not None and enquiry.concluded > horizon:
                enquiry.concluded = horizon if closing else None
    journey.cp_plan = _cut_plan(journey.cp_plan, horizon, closing)
    journey.cin_plans = [p for p in (_cut_plan(p, horizon, closing) for p in journey.cin_plans) if p]
    if journey.care is not None and journey.care.start > horizon:
        journey.care = None
    elif journey.care is not None and journey.care.end is not None and journey.care.end > NOW:
        journey.care.end = None  # still looked after on the demo's today
    if closing and (journey.closure is None or journey.closure > horizon):
        journey.closure = horizon
        journey.closure_reason = _reason_when_cut_short(journey, horizon)
    elif journey.closure is not None and journey.closure > horizon:
        journey.closure, journey.closure_reason = None, ""


def _reason_when_cut_short(journey: Journey, closed: date) -> str:
    """Closed early because the child was referred again: closed after the assessment if that was the plan
    (and there was one; RC9 only from 2022-23), otherwise services ceased."""
    reason = journey.closure_reason
    if journey.assessment_start is None or reason not in CLOSED_AFTER_ASSESSMENT_REASONS:
        return ReasonForClosure.SERVICES_CEASED
    if reason == ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP and closed < RC9_FROM:
        return ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA
    return reason


def _cut_plan(plan: PlanDraft | None, horizon: date, closing: bool) -> PlanDraft | None:
    if plan is None or plan.start > horizon:
        return None
    plan.reviews = [review for review in plan.reviews if review <= horizon]
    if plan.end is None or plan.end > horizon:
        plan.end = horizon if closing else None
    if plan.end is not None and plan.end <= plan.start:
        return None  # a plan cannot start and end on the same day (8840, 4012Q)
    return plan


def _journey_rows(run: Run, journey: Journey, child: Child) -> None:
    rows, referral = run.rows, journey.referral
    referral.nfa, referral.primary_need = journey.nfa, journey.primary_need
    referral.closure_date, referral.closure_reason = journey.closure, journey.closure_reason
    rows.referrals.append(referral)
    if journey.assessment_start is not None:
        rows.assessments.append(
            Assessment(
                episode=referral,
                start_date=journey.assessment_start,
                authorisation_date=journey.assessment_authorised,
                factors=journey.factors,
                child_seen=journey.child_seen,
            )
        )
        born = _birth(child)
        if born is not None and journey.assessment_start >= _birthday(born, 10):
            run.assessed_teenagers.append((child.pk, journey.assessment_start, journey.factors))
    enquiry = journey.enquiry
    if enquiry is not None:
        rows.section47s.append(
            Section47(
                episode=referral,
                strategy_discussion_date=enquiry.strategy_discussion,
                start_date=enquiry.strategy_discussion,  # S47ActualStartDate: the discussion's date
                icpc_target_date=enquiry.icpc_target,
                icpc_date=enquiry.icpc,
                icpc_not_required=enquiry.icpc is None and enquiry.concluded is not None,
            )
        )
    plan = journey.cp_plan
    if plan is not None:
        if child.pk not in run.plans_so_far:
            run.plans_so_far[child.pk] = _pick(run, PREVIOUS_PLANS_BEFORE_THE_DEMO)
        rows.cp_plans.append(
            (
                ChildProtectionPlan(
                    episode=referral,
                    start_date=plan.start,
                    end_date=plan.end,
                    initial_category=plan.initial_category,
                    latest_category=plan.latest_category,
                    previous_plans=run.plans_so_far[child.pk],
                ),
                plan.reviews,
            )
        )
        run.plans_so_far[child.pk] += 1
    rows.cin_plans += [
        CINPlan(episode=referral, start_date=p.start, end_date=p.end) for p in journey.cin_plans
    ]
    if journey.care is not None:
        rows.cares.append(journey.care)
        run.in_care.add(child.pk)


def _cin_rows_save(run: Run) -> None:
    rows, counts = run.rows, run.ctx.counts
    _update_with_history(
        rows.referrals, CINReferral, ["nfa", "primary_need", "closure_date", "closure_reason"]
    )
    counts["CIN episodes closed"] += sum(1 for r in rows.referrals if r.closure_date is not None)
    counts["assessments"] += len(_in_batches(Assessment, rows.assessments))
    counts["section 47 enquiries"] += len(_in_batches(Section47, rows.section47s))
    counts["initial conferences"] += sum(1 for s in rows.section47s if s.icpc_date is not None)
    counts["CIN plans"] += len(_in_batches(CINPlan, rows.cin_plans))
    plans = _in_batches(ChildProtectionPlan, [plan for plan, _ in rows.cp_plans])
    counts["child protection plans"] += len(plans)
    reviews = [
        CPReview(plan=plan, review_date=day)
        for plan, (_, days) in zip(plans, rows.cp_plans, strict=True)
        for day in days
    ]
    counts["child protection reviews"] += len(_in_batches(CPReview, reviews))


# --- Children looked after ----------------------------------------------------------------------------------


def _looked_after_create(run: Run) -> None:
    """The periods of care begun in the episodes, and the children in care since before the demo's history,
    as many as bring those looked after on the reference date to Walsall's figure."""
    cares = list(run.rows.cares)
    open_now = sum(1 for care in cares if care.end is None)
    target = round(LOOKED_AFTER_AT_YEAR_END * run.volume)
    pool = [
        child
        for child in run.children.values()
        if child.pk not in run.known_to_social_care and _birth(child) is not None
    ]
    new_children: list[tuple[Child, CareDraft]] = []
    attempts = 0
    while open_now < target and attempts < 10 * target + 10:
        attempts += 1
        care, new_child = _care_before_the_demo(run, pool)
        if care is None:
            continue
        if new_child is not None:
            new_children.append((new_child, care))
        else:
            cares.append(care)
        open_now += care.end is None
    saved = _in_batches(Child, [child for child, _ in new_children])
    run.ctx.counts["children"] += len(saved)
    for child, (_, care) in zip(saved, new_children, strict=True):
        run.children[child.pk] = child
        care.child_id = child.pk
        cares.append(care)
    run.in_care.update(care.child_id for care in cares)
    periods = _in_batches(
        LookedAfterPeriod,
        [
            LookedAfterPeriod(
                child_id=care.child_id,
                start_date=care.start,
                end_date=care.end,
                legal_status=care.legal_status,
                category_of_need=care.category_of_need,
            )
            for care in cares
        ],
    )
    placements = [
        Placement(period=period, start_date=start, placement_type=kind, distance_from_home_km=distance)
        for period, care in zip(periods, cares, strict=True)
        for start, kind, distance in care.placements
    ]
    run.ctx.counts["looked-after periods"] += len(periods)
    run.ctx.counts["placements"] += len(_in_batches(Placement, placements))
    run.rows.cares = cares


def _care_before_the_demo(run: Run, pool: list[Child]) -> tuple[CareDraft | None, Child | None]:
    """A child in care since before FIRST_DAY: a child the front door met (about a third), or a new one."""
    rng = run.rng
    low, high = _pick(run, CARE_AGES)
    new_child: Child | None = None
    if pool and rng.random() < 0.35:
        child = pool.pop(rng.randrange(len(pool)))
        born = _birth(child)
        assert born is not None
        if not born < FIRST_DAY - timedelta(days=30) or born <= _birthday(FIRST_DAY, -18):
            return None, None
        run.known_to_social_care.add(child.pk)
    else:
        born = FIRST_DAY - timedelta(days=rng.randint(low * 365 + 30, high * 365 + 360))
        new_child = _new_child(run, born)
        child = new_child
    # Time in care so far: most for a year or two, some since they were babies.
    in_care_days = min((FIRST_DAY - born).days - 1, int(rng.expovariate(1 / 900)) + 1)
    start = FIRST_DAY - timedelta(days=in_care_days)
    legal_status = _pick(run, LEGAL_STATUS_FROM["before the demo"])
    if legal_status == LegalStatus.SENTENCED and start < _birthday(born, 12):
        legal_status = LegalStatus.FULL_CARE_ORDER
    eighteen = _birthday(born, 18)
    end: date | None
    if eighteen <= NOW:
        end = eighteen
    elif rng.random() < 0.22:
        end = FIRST_DAY + _days(run, 0, (NOW - FIRST_DAY).days)
    else:
        end = None
    need = _pick(run, [(n, w) for n, w in PRIMARY_NEEDS if n in LOOKED_AFTER_NEEDS])
    care = CareDraft(child.pk or 0, start, end, legal_status, need)
    care.placements = _placements(run, care, born)
    return care, new_child


def _new_child(run: Run, born: date) -> Child:
    ctx, rng = run.ctx, run.rng
    name = ctx.person_name()
    place = rng.choice(PLACES)
    # Drawn in the order the demo has always drawn them, so the same seed makes the same children.
    upn = _upn(run, born)
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    ethnicity = _pick(run, frontdoor.ETHNICITY_WEIGHTS)
    address = (
        f"{rng.randint(1, 240)} {rng.choice(PLACE_FEATURES)} {rng.choice(frontdoor.STREETS)}, "
        f"{place}, Walsall"
    )
    postcode = f"WS{rng.randint(1, 10)} {rng.randint(1, 9)}{_letters(run)}"
    return Child(
        la_child_id=run.next_la_child_id(),
        upn=upn,
        first_name=name.first,
        last_name=name.family,
        date_of_birth=born,
        sex=sex,
        ethnicity=ethnicity,
        disabilities=[Disability.NONE],
        address=address,
        postcode=postcode,
        locality=shape.locality_of(postcode),
        nhs_number=_nhs_number(run),
        first_language="English",
    )


def _letters(run: Run) -> str:
    # Postcode inward letters never use C, I, K, M, O or V.
    return "".join(run.rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))


def _nhs_number(run: Run) -> str:
    """A number in the 999 range NHS England keeps for testing, with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9, *(run.rng.randrange(10) for _ in range(6))]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _placements(run: Run, care: CareDraft, born: date) -> list[tuple[date, str, Decimal | None]]:
    """Where the child lived: a first placement the day care began, and moves every year or so."""
    rng = run.rng
    last = min(care.end or NOW, NOW)
    placements: list[tuple[date, str, Decimal | None]] = []
    day = care.start
    while day <= last:
        placements.append(_placement(run, care, born, day))
        day += _days(run, 120, 900)
        if rng.random() < 0.25:
            break  # a settled placement
    return placements


def _placement(run: Run, care: CareDraft, born: date, day: date) -> tuple[date, str, Decimal | None]:
    rng = run.rng
    age = (day - born).days / 365.25
    band = "baby" if age < 1 else "child" if age < 11 else "teenager" if age < 16 else "young adult"
    kind, _, (near, far) = rng.choices(
        PLACEMENTS_BY_AGE[band], weights=[weight for _, weight, _ in PLACEMENTS_BY_AGE[band]]
    )[0]
    if care.legal_status == LegalStatus.PLACEMENT_ORDER and age < 6 and day > care.start:
        kind, near, far = rng.choice(ADOPTION_PLACEMENTS), 5, 60
    if rng.random() < 0.05:
        return day, kind, None  # distance not recorded
    distance = Decimal(str(round(rng.uniform(near, far), 1)))
    return day, kind, distance


# --- Missing episodes ---------------------------------------------------------------------------------------


def _missing_episodes_create(run: Run) -> None:
    """About MISSING_EPISODES_PER_YEAR a year: looked-after teenagers, teenagers known to social care and
    a few other teenagers the front door knows, several of them missing again and again."""
    rng = run.rng
    care_by_child = {care.child_id: care for care in run.rows.cares}
    pools: list[list[int]] = [
        sorted(child_id for child_id in run.in_care if _teen_span(run, child_id, care_by_child)),
        sorted(c for c in run.referral_dates if c not in run.in_care and _teen_span(run, c, care_by_child)),
        sorted(
            c
            for c in run.children
            if c not in run.known_to_social_care
            and c not in run.in_care
            and _teen_span(run, c, care_by_child)
        ),
    ]
    weights = [45.0, 40.0, 15.0]
    remaining = _how_many(run, MISSING_EPISODES_PER_YEAR * run.volume * WINDOW_YEARS)
    episodes: list[MissingEpisode] = []
    while remaining > 0 and any(pools):
        which = rng.choices(
            range(len(pools)), weights=[w if p else 0 for p, w in zip(pools, weights, strict=True)]
        )
        pool = pools[which[0]]
        child_id = pool.pop(rng.randrange(len(pool)))  # the pools never share a child
        span = _teen_span(run, child_id, care_by_child)
        assert span is not None
        how_many = min(remaining, _pick(run, EPISODES_PER_MISSING_CHILD))
        made = _missing_episodes_of(run, child_id, span, how_many)
        episodes += made
        remaining -= len(made)
    run.ctx.counts["missing episodes"] += len(_in_batches(MissingEpisode, episodes))


def _teen_span(run: Run, child_id: int, care_by_child: dict[int, CareDraft]) -> tuple[date, date] | None:
    """The days in the demo's history the child was 11 to 17 (and in care, for a looked-after child)."""
    born = _birth(run.children[child_id])
    if born is None:
        return None
    first, last = max(FIRST_DAY, _birthday(born, 11)), min(NOW, _birthday(born, 18) - timedelta(days=1))
    care = care_by_child.get(child_id)
    if care is not None:
        first, last = max(first, care.start), min(last, care.end or NOW)
    return (first, last) if (last - first).days >= 14 else None


def _missing_episodes_of(
    run: Run, child_id: int, span: tuple[date, date], how_many: int
) -> list[MissingEpisode]:
    rng = run.rng
    first, last = span
    days = sorted(rng.sample(range((last - first).days + 1), min(how_many, (last - first).days + 1)))
    demo_now = timezone.make_aware(datetime.combine(NOW, frontdoor.DEMO_NOW_TIME))
    starts = [
        timezone.make_aware(
            datetime.combine(first + timedelta(days=d), time(rng.randint(14, 23), rng.randrange(60)))
        )
        for d in days
    ]
    # Only what began by the demo's now (the last evening's would-be episodes have not happened yet).
    starts = [started for started in starts if started < demo_now]
    episodes = []
    for index, started in enumerate(starts):
        low, high = _pick(run, HOURS_MISSING)
        back = started + timedelta(hours=rng.randint(low, high), minutes=rng.randrange(60))
        if index + 1 < len(starts):
            # Back before going missing again (an hour at least), or this one is not recorded.
            back = min(back, starts[index + 1] - timedelta(hours=1))
            if back <= started:
                continue
        returned = back if back < demo_now else None  # still missing at the demo's now
        episode = MissingEpisode(child_id=child_id, started_at=started, returned_at=returned)
        if returned is not None:
            _return_home_conversation(run, episode, returned)
            run.missing_returns.append((child_id, timezone.localdate(returned)))
        episodes.append(episode)
    return episodes


def _return_home_conversation(run: Run, episode: MissingEpisode, returned: datetime) -> None:
    """Offered after most returns; accepted by about two in three; held mostly within the 72 hours."""
    rng = run.rng
    if rng.random() >= 0.92:
        return
    came_back = timezone.localdate(returned)
    offered = came_back + timedelta(days=_pick(run, ((0, 45), (1, 35), (2, 15), (4, 5))))
    if offered > NOW:
        return
    episode.rhc_offered_date = offered
    if rng.random() >= 0.68:
        return
    accepted = offered + timedelta(days=_pick(run, ((0, 70), (1, 30))))
    if accepted > NOW:
        return
    episode.rhc_accepted_date = accepted
    if rng.random() >= 0.9:
        return
    due = timezone.localdate(clock_due_datetime("return-home-conversation", returned))
    if rng.random() < 0.78:
        held = accepted + timedelta(days=rng.randint(0, max(0, (due - accepted).days)))
    else:
        held = max(accepted, due) + _days(run, 1, 8)  # outside the 72 hours
    if held <= NOW:
        episode.rhc_held_date = held


# --- Exploitation screenings --------------------------------------------------------------------------------


def _exploitation_screenings_create(run: Run) -> None:
    """A few hundred a year: after a missing episode, or when an assessment of a child of 10 or more looked
    at exploitation (a screening of every child whose assessment found exploitation or gangs)."""
    rng = run.rng
    screenings: dict[tuple[int, date], ExploitationScreening] = {}
    flagged = [(c, d, f) for c, d, f in run.assessed_teenagers if set(f) & set(EXPLOITATION_FACTORS)]
    others = [(c, d, f) for c, d, f in run.assessed_teenagers if not set(f) & set(EXPLOITATION_FACTORS)]
    wanted = _how_many(run, SCREENINGS_PER_YEAR * run.volume * WINDOW_YEARS)
    for child_id, started, factors in flagged:
        if len(screenings) >= wanted:
            break
        kinds = [EXPLOITATION_FACTORS[f] for f in factors if f in EXPLOITATION_FACTORS]
        _screening_add(run, screenings, child_id, started + _days(run, 0, 15), kinds[0])
    attempts = 0
    while len(screenings) < wanted and attempts < 20 * wanted:
        attempts += 1
        if run.missing_returns and (rng.random() < 0.6 or not others):
            child_id, came_back = rng.choice(run.missing_returns)
            _screening_add(run, screenings, child_id, came_back + _days(run, 0, 10), None)
        elif others:
            child_id, started, _ = rng.choice(others)
            _screening_add(run, screenings, child_id, started + _days(run, 0, 15), None)
        else:
            break
    run.ctx.counts["exploitation screenings"] += len(
        _in_batches(ExploitationScreening, list(screenings.values()))
    )


def _screening_add(
    run: Run,
    screenings: dict[tuple[int, date], ExploitationScreening],
    child_id: int,
    day: date,
    kind: str | None,
) -> None:
    day = min(day, NOW)
    if (child_id, day) in screenings:
        return
    screenings[(child_id, day)] = ExploitationScreening(
        child_id=child_id,
        screening_date=day,
        exploitation_type=kind or _pick(run, EXPLOITATION_TYPES),
        risk_level=_pick(run, EXPLOITATION_RISKS),
    )


# --- Early help ---------------------------------------------------------------------------------------------


def _early_help_create(run: Run) -> None:
    """Every early help request from the front door becomes an episode, cut like the CIN episodes."""
    requests = EarlyHelpRequest.objects.filter(origin=Origin.FRONTDOOR).order_by(
        "child_id", "requested_on", "pk"
    )
    updated: list[EarlyHelpRequest] = []
    reviews: list[tuple[EarlyHelpRequest, list[date]]] = []
    for child_id, group in itertools.groupby(requests, key=lambda request: request.child_id):
        child_requests = list(group)
        for index, request in enumerate(child_requests):
            following = child_requests[index + 1] if index + 1 < len(child_requests) else None
            limit = following.requested_on - timedelta(days=1) if following else None
            review_days = _early_help_episode(run, request, limit, run.referral_dates.get(child_id, []))
            updated.append(request)
            reviews.append((request, review_days))
    _update_with_history(
        updated,
        EarlyHelpRequest,
        [
            "assessment_start_date",
            "assessment_completion_date",
            "plan_start_date",
            "presenting_needs",
            "closure_date",
            "closure_reason",
        ],
    )
    rows = [EarlyHelpReview(episode=request, review_date=day) for request, days in reviews for day in days]
    run.ctx.counts["early help reviews"] += len(_in_batches(EarlyHelpReview, rows))


def _early_help_episode(
    run: Run, request: EarlyHelpRequest, limit: date | None, referrals: list[date]
) -> list[date]:
    """Fill in one episode; returns its review dates."""
    rng, calendar = run.rng, run.calendar
    requested = request.requested_on
    needs: list[str] = []
    for _ in range(_pick(run, ((1, 40), (2, 35), (3, 20), (4, 5)))):
        need = _pick(run, EARLY_HELP_NEEDS)
        if need not in needs:
            needs.append(need)
    request.presenting_needs = needs
    assessed: tuple[date, date] | None = None
    reason: str
    plan_start: date | None = None
    review_days: list[date] = []
    if rng.random() < 0.12:
        closed, reason = requested + _days(run, 5, 25), EarlyHelpClosureReason.DISENGAGED  # declined
    else:
        start = calendar.add_working_days(requested, rng.randint(1, 10))
        done = calendar.add_working_days(
            start, rng.randint(5, 30) if rng.random() < 0.85 else rng.randint(31, 60)
        )
        assessed = (start, done)
        if rng.random() < 0.1:
            closed = done + _days(run, 0, 10)
            reason = _pick(
                run, ((EarlyHelpClosureReason.OUTCOMES_MET, 40), (EarlyHelpClosureReason.STEPPED_DOWN, 60))
            )
        else:
            plan_start = calendar.add_working_days(done, rng.randint(0, 5))
            closed = plan_start + _days(run, 80, 300)
            reason = _pick(run, EARLY_HELP_CLOSED_AFTER_PLAN)
            review = calendar.add_working_days(plan_start, rng.randint(28, 42))
            while review <= closed:
                review_days.append(review)
                review = calendar.add_working_days(review, rng.randint(28, 42))
    # Referred to children's social care while the episode was open: stepped up that day.
    stepped_up = [day for day in referrals if requested < day <= closed]
    if stepped_up:
        closed, reason = stepped_up[0], EarlyHelpClosureReason.STEPPED_UP
    horizon = NOW if limit is None else max(limit, requested)
    closure: date | None = closed
    if closed > horizon:
        if limit is None:
            closure, reason = None, ""  # still open on the demo's today
        else:
            # Closed when the family was stepped down, and asked for help again.
            closure, reason = horizon, EarlyHelpClosureReason.STEPPED_DOWN
    end = closure if closure is not None else NOW
    if assessed is not None and assessed[0] <= end:
        request.assessment_start_date = assessed[0]
        request.assessment_completion_date = assessed[1] if assessed[1] <= end else None
    if plan_start is not None and plan_start <= end and request.assessment_completion_date is not None:
        request.plan_start_date = plan_start
        review_days = [day for day in review_days if day <= end]
    else:
        review_days = []
    request.closure_date, request.closure_reason = closure, reason
    return review_days


# --- Children's identifiers ---------------------------------------------------------------------------------


# The child's fields this step fills in.
IDENTITY_FIELDS = [
    "la_child_id",
    "upn",
    "disabilities",
    "date_of_birth",
    "expected_date_of_birth",
    "first_name",
    "sex",
]


def _children_identify(run: Run) -> None:
    """The council's ID and disability codes for every child with a social care record; babies due by the
    reference date are born (named, with a sex and their date of birth)."""
    changed: list[Child] = []
    for child_id in sorted(set(run.children)):
        child = run.children[child_id]
        change = False
        if child_id in run.known_to_social_care and not child.la_child_id:
            child.la_child_id = run.next_la_child_id()
            child.disabilities = _disabilities(run, child.disability_or_sen)
            child.upn = _upn(run, child.date_of_birth)
            change = True
        expected = child.expected_date_of_birth
        if child.date_of_birth is None and expected is not None and expected <= NOW:
            child.date_of_birth, child.expected_date_of_birth = expected, None
            child.first_name = child.first_name or run.ctx.person_name().first
            child.sex = run.rng.choice((Sex.MALE, Sex.FEMALE))
            change = True
        if change:
            changed.append(child)
    _update_with_history(
        changed,
        Child,
        IDENTITY_FIELDS,
    )


def _upn(run: Run, born: date | None) -> str:
    """A unique pupil number for a child of school age (rising 5 by the reference date), else none.

    The DfE's format: check letter, the LA code (335, Walsall), a four-digit school number, the two-digit year
    the number was given (the year the child started school) and a three-digit serial number.
    """
    if born is None or born > date(NOW.year - 5, 8, 31):
        return ""
    while True:  # unique, as the DfE requires (rule 1520)
        school, serial = run.upn_rng.randint(2000, 2999), run.upn_rng.randint(0, 999)
        rest = f"335{school}{(born.year + 5) % 100:02d}{serial:03d}"
        if rest not in run.upns_given:
            run.upns_given.add(rest)
            return upn_check_letter(rest) + rest


def _disabilities(run: Run, special_needs: str) -> list[str]:
    """Codes for what the front door recorded about special needs, and for a few children (about 4 in 100)
    a disability it did not record; several when a child has more than one."""
    words = special_needs.lower()
    codes = [code for word, code in DISABILITY_WORDS if word in words]
    if run.rng.random() < 0.04:
        for code in run.rng.sample(OTHER_DISABILITIES, _pick(run, ((1, 70), (2, 25), (3, 5)))):
            if code not in codes:
                codes.append(code)
    return codes or [Disability.NONE]
