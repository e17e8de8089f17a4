"""Step 5: a year and a half of the front door, at Walsall's scale: contacts, the children they name and the
records the MASH's decisions made.

Walsall's front door receives about 14,000 contacts a year (13,943 in 2016-17, seed 002) and makes about
3,500 referrals to children's social care (3,440 in 2021-22 and 3,335 in 2022-23, seed 003). This step writes
`CONTACTS_PER_YEAR` x scale contacts a year from 1 October 2021 to the demo's "today" (REFERENCE_DATE,
31 March 2023), as the services would have left them:

- sources: the seeded agencies, police and schools the largest, then health, the council and members of
  the public; phone and email before the eMARF was launched on 28 November 2022 (seed 003), mostly the
  eMARF after; police domestic abuse notifications with a DASH risk level;
- worries, levels of need and outcomes in plausible proportions (about one in five decided contacts is
  level 4; each child in them has a CIN referral, each child in a level 3 one an early help request);
- decision times on the working-day calendar: most the same or next working day, across weekends and bank
  holidays, some late; the last days' contacts still open, a few of them overdue (the open ones moved to the
  week of seeding: see open_contacts_shift); feedback to referrers
  mostly minutes after the decision, some days later, a few never;
- repeat contacts: about two in five contacts are about a family already known, so the same children
  come back, linked to the same Child records;
- the population of children aged 0-17 the rates divide by (Walsall's mid-2020 figure, seed 000).

Every name is invented (safeguarding/demo/names.py), NHS numbers are in the 999 range NHS England keeps for
testing, and phone numbers in Ofcom's drama ranges. Contacts are written with bulk_create in batches (not
through referral_submit, for speed) but with what the services would write: references WSP-YYYY-NNNNNN in
order of receipt with the ReferenceCounter at the last number of each year, status, outcome and decision
times that agree, version 1, history rows. Tests lower CONTACTS_PER_YEAR (read when the step runs).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.children.codes import Ethnicity, ReferralSource, Sex
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest
from safeguarding.core.calendar import WorkingCalendar, current_calendar
from safeguarding.demo import shape
from safeguarding.demo.generator import BATCH_SIZE, REFERENCE_DATE, SeedContext, bulk_save
from safeguarding.demo.names import PLACE_FEATURES, PLACES
from safeguarding.frontdoor.models import (
    Concern,
    Contact,
    ContactChild,
    ContactConcern,
    HouseholdMember,
    ReferenceCounter,
)
from safeguarding.frontdoor.sources import referral_source_for
from safeguarding.population.models import ChildPopulation

# Contacts a year at scale 1 (module level, read when the step runs, so tests can seed fewer).
CONTACTS_PER_YEAR = 14_000
FIRST_DAY = date(2021, 10, 1)
LAST_DAY = REFERENCE_DATE
# The demo's "now": contacts not decided by then are open in the MASH queue.
DEMO_NOW_TIME = time(17, 30)
EMARF_LAUNCHED = date(2022, 11, 28)
# Share of contacts about a family the MASH already knows (Walsall: 47.6% within 12 months in 2016-17).
REPEAT_FAMILY_SHARE = 0.42
# Contacts of the last fortnight left open past their deadline (the queue's overdue ones).
STALLED_SHARE = 0.015
STALLED_DAYS = frozenset(LAST_DAY - timedelta(days=n) for n in (9, 7, 3))
# Repeats are drawn from families seen in about this many recent days of contacts.
REPEAT_LOOKBACK_DAYS = 330


# ONS mid-year estimates of children aged 0-17 (times the scale: a larger demo partnership has more children).
POPULATION: tuple[tuple[int, int, str], ...] = (
    (2019, 69_050, "Demo figure: near the ONS mid-2020 estimate (not an ONS figure)"),
    (2020, 69_375, "ONS mid-2020 estimate, as the partnership's annual report quotes it (seed 000)"),
    (2021, 69_355, "Demo figure: implied by 3,440 referrals at 496 per 10,000 in 2021-22 (seed 003)"),
    (2022, 69_335, "Demo figure: implied by 3,335 referrals at 481 per 10,000 in 2022-23 (seed 003)"),
    (2023, 69_400, "Demo figure: near the previous years' estimates (not an ONS figure)"),
)


# --- Who refers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceGroup:
    """A kind of referrer and how many of the contacts come from it (weights, on working days and not)."""

    name: str
    weight: float
    weight_out_of_hours: float
    agencies: Callable[[SeedContext], list[Agency]]
    # For members of the public: the CIN census referral source the MASH records (no agency).
    public_source: str = ""


def _kind(kind: str) -> Callable[[SeedContext], list[Agency]]:
    return lambda ctx: ctx.agencies_of_kind(kind)


def _codes(*codes: str) -> Callable[[SeedContext], list[Agency]]:
    return lambda ctx: [ctx.agency(code) for code in codes]


def _housing(ctx: SeedContext) -> list[Agency]:
    return ctx.agencies_of_kind(Agency.Kind.HOUSING)


def _nobody(ctx: SeedContext) -> list[Agency]:
    return []


Kind = Agency.Kind

SOURCE_GROUPS: tuple[SourceGroup, ...] = (
    SourceGroup("police", 29, 55, _codes(shape.POLICE)),
    SourceGroup("schools", 20, 0, _kind(Kind.SCHOOL)),
    SourceGroup("college", 1.5, 0, _kind(Kind.COLLEGE)),
    SourceGroup("early years", 1.5, 0, _kind(Kind.EARLY_YEARS)),
    SourceGroup("hospital and community health", 8, 10, _codes(shape.HOSPITAL_TRUST)),
    SourceGroup("GP practices", 3, 0, _kind(Kind.GP_PRACTICE)),
    SourceGroup("mental health", 2, 2, _codes(shape.MENTAL_HEALTH_TRUST)),
    SourceGroup("integrated care board", 0.5, 0, _codes(shape.ICB)),
    SourceGroup("council", 6, 2, _codes(shape.COUNCIL)),
    SourceGroup("youth justice", 1.5, 0.5, _codes(shape.YOUTH_JUSTICE)),
    SourceGroup("probation", 2, 0, _codes(shape.PROBATION)),
    SourceGroup("housing", 3, 0.5, _housing),
    SourceGroup("voluntary and faith", 2, 1, _kind(Kind.VOLUNTARY_FAITH)),
    SourceGroup("children's homes", 1, 3, _kind(Kind.CHILDRENS_HOMES)),
    SourceGroup("fire", 0.5, 0.5, _codes(shape.FIRE)),
    SourceGroup("sports", 0.5, 0.5, _kind(Kind.SPORTS)),
    SourceGroup("family", 5, 12, _nobody, ReferralSource.FAMILY),
    SourceGroup("acquaintance", 2, 4, _nobody, ReferralSource.ACQUAINTANCE),
    SourceGroup("self", 1, 2, _nobody, ReferralSource.SELF),
    SourceGroup("other individual", 1, 2, _nobody, ReferralSource.OTHER_INDIVIDUAL),
    SourceGroup("anonymous", 2, 4, _nobody, ReferralSource.ANONYMOUS),
)

# Worries: (concern, weight for most contacts, weight in police notifications).
CONCERN_WEIGHTS: tuple[tuple[str, float, float], ...] = (
    (Concern.DOMESTIC_ABUSE, 16, 75),
    (Concern.NEGLECT, 20, 4),
    (Concern.EMOTIONAL, 14, 3),
    (Concern.PHYSICAL, 12, 5),
    (Concern.SELF_HARM, 9, 2),
    (Concern.MISSING, 5, 5),
    (Concern.SEXUAL, 5, 2),
    (Concern.CCE, 4, 2),
    (Concern.CSE, 3, 1),
    (Concern.SUBSTANCE, 4, 1),
    (Concern.RADICALISATION, 0.5, 0.2),
    (Concern.FGM, 0.3, 0.1),
    (Concern.FORCED_MARRIAGE, 0.2, 0.1),
    (Concern.OTHER, 5, 0.5),
)

WHAT_HAPPENED: dict[str, tuple[str, ...]] = {
    Concern.DOMESTIC_ABUSE: (
        "Police attended a verbal argument between {parent} and a partner; {child} was in the house.",
        "{child} told staff there was shouting and things were thrown at home last night.",
    ),
    Concern.NEGLECT: (
        "{child} has arrived hungry and in the same unwashed clothes on several days this month.",
        "Home conditions were found to be poor on a visit: little food, no working heating.",
    ),
    Concern.EMOTIONAL: (
        "{child} says {parent} often calls them names and tells them they are not wanted.",
        "{child} appears withdrawn and anxious, and is frightened to go home.",
    ),
    Concern.PHYSICAL: (
        "{child} has a bruise on the upper arm and gave different accounts of how it happened.",
        "{child} said {parent} hit them with a belt at the weekend.",
    ),
    Concern.SELF_HARM: (
        "{child} disclosed cutting their arms and said they have thoughts of ending their life.",
        "{child} attended the emergency department after taking an overdose of paracetamol.",
    ),
    Concern.MISSING: (
        "{child} was reported missing overnight and returned the next afternoon, unwilling to say where.",
        "{child} has been missing from education for three weeks and the family cannot be reached.",
    ),
    Concern.SEXUAL: (
        "{child} made a disclosure to a teacher about an adult known to the family.",
        "Concerns about sexualised behaviour that is not typical for {child}'s age.",
    ),
    Concern.CCE: (
        "{child} was found in another town with cash and two phones; possible county lines involvement.",
        "{child} has new expensive clothes and is seen with older young people not known to the family.",
    ),
    Concern.CSE: (
        "{child} is getting into cars with unknown adults after school.",
        "{child} has an older 'boyfriend' and has been staying out overnight.",
    ),
    Concern.SUBSTANCE: (
        "{parent} appeared under the influence of alcohol when collecting {child}.",
        "{child} was found with cannabis and says they use it daily.",
    ),
    Concern.RADICALISATION: ("{child} has been sharing extremist material with classmates online.",),
    Concern.FGM: ("{child} mentioned a planned trip abroad for a 'special ceremony'.",),
    Concern.FORCED_MARRIAGE: (
        "{child} said the family is arranging a marriage for them during the holidays.",
    ),
    Concern.OTHER: ("The referrer is worried about {child}'s wellbeing and asks for advice.",),
}

PUBLIC_ROLES: dict[str, str] = {
    ReferralSource.FAMILY: "Grandparent",
    ReferralSource.ACQUAINTANCE: "Neighbour",
    ReferralSource.SELF: "The young person",
}

WHEN_HAPPENED = ("Today", "Yesterday", "At the weekend", "Over the last few weeks", "This week", "")

NFA_REASONS = (
    "Information and advice given to the referrer; no role for children's services",
    "Already open to a social worker, who has been told",
    "Needs met by the universal services already involved",
    "Not enough information to progress; the referrer has been advised",
    "Parents are taking protective action; no further role for the MASH",
)

OUTCOME_FEEDBACK = {
    Contact.Outcome.LEVEL_1: "Advice and signposting to universal services have been given to the family.",
    Contact.Outcome.LEVEL_2: "A single agency will offer early help; please continue your support.",
    Contact.Outcome.LEVEL_3: "An early help assessment will be offered; the early help team will call you.",
    Contact.Outcome.LEVEL_4: "Children's social care will assess; a social worker will be in touch.",
    Contact.Outcome.NFA: "No further action by the MASH; please contact us again if things change.",
}

# England's ethnic mix in Walsall's children, roughly (weights).
ETHNICITY_WEIGHTS: tuple[tuple[str, float], ...] = (
    (Ethnicity.WBRI, 62),
    (Ethnicity.APKN, 8),
    (Ethnicity.AIND, 7),
    (Ethnicity.ABAN, 3),
    (Ethnicity.MWBC, 4),
    (Ethnicity.MOTH, 2),
    (Ethnicity.WOTH, 4),
    (Ethnicity.BAFR, 2),
    (Ethnicity.BCRB, 2),
    (Ethnicity.AOTH, 1),
    (Ethnicity.WROM, 1),
    (Ethnicity.OOTH, 1),
    (Ethnicity.NOBT, 3),
)
LANGUAGES: tuple[tuple[str, float], ...] = (
    ("English", 86),
    ("Urdu", 3),
    ("Punjabi", 3),
    ("Bengali", 2),
    ("Polish", 2),
    ("Romanian", 2),
    ("Kurdish", 1),
    ("Arabic", 1),
)
STREETS = ("Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Grove")
SEN = (
    "SEN support: speech, language and communication",
    "Education, health and care plan: autism",
    "ADHD, awaiting assessment",
    "SEN support: specific learning difficulty",
)


# --- The families the contacts are about ------------------------------------------------------------------


@dataclass
class DemoChild:
    details: dict[str, Any]
    record: Child | None = None


@dataclass
class Family:
    children: list[DemoChild]
    adults: list[dict[str, Any]]


@dataclass
class Planned:
    """A contact before it is saved, with what will be written beside it."""

    contact: Contact
    family: Family
    matched: bool
    concerns: list[str]


@dataclass
class Staff:
    referrers: dict[int, list[User]]  # by agency id
    practitioners: list[User]
    managers: list[User]


@dataclass
class Run:
    """What the step keeps between months."""

    ctx: SeedContext
    calendar: WorkingCalendar
    staff: Staff
    groups: list[tuple[SourceGroup, list[Agency]]]
    schools: list[Agency]
    gp_practices: list[Agency]
    demo_now: datetime
    # Cumulative weights of the source groups by (working day, August: schools are shut).
    group_weights: dict[tuple[bool, bool], list[float]] = field(default_factory=dict)
    families_seen: list[Family] = field(default_factory=list)
    stalled_days: set[date] = field(default_factory=set)
    families_per_day: float = 1.0
    last_number: dict[int, int] = field(default_factory=dict)
    open_shift: timedelta = timedelta(0)


def frontdoor_create(ctx: SeedContext) -> None:
    """Contacts from FIRST_DAY to the demo's today, and the population the rates divide by."""
    _population_create(ctx)
    calendar = current_calendar()
    staff = _staff(ctx)
    groups = [(group, group.agencies(ctx)) for group in SOURCE_GROUPS]
    run = Run(
        ctx=ctx,
        calendar=calendar,
        staff=staff,
        groups=[(group, agencies) for group, agencies in groups if agencies or group.public_source],
        schools=ctx.agencies_of_kind(Kind.SCHOOL),
        gp_practices=ctx.agencies_of_kind(Kind.GP_PRACTICE),
        demo_now=timezone.make_aware(datetime.combine(LAST_DAY, DEMO_NOW_TIME)),
        open_shift=open_contacts_shift(timezone.localdate()),
    )
    for working, august in itertools.product((True, False), repeat=2):
        weights = [
            (group.weight if working else group.weight_out_of_hours)
            * (0.15 if august and group.name == "schools" else 1)
            for group, _ in run.groups
        ]
        run.group_weights[(working, august)] = list(itertools.accumulate(weights))
    days = _days(FIRST_DAY, LAST_DAY)
    weights = [_day_weight(day, calendar) for day in days]
    total = CONTACTS_PER_YEAR * ctx.scale * len(days) / 365
    run.families_per_day = total / len(days)
    per_weight = total / sum(weights)
    month: list[tuple[date, int]] = []
    for day, weight in zip(days, weights, strict=True):
        expected = weight * per_weight
        count = int(expected) + (1 if ctx.rng.random() < expected - int(expected) else 0)
        if month and month[-1][0].month != day.month:
            _month_save(run, month)
            month = []
        month.append((day, count))
    _month_save(run, month)
    bulk_save(
        ReferenceCounter,
        [ReferenceCounter(year=y, last_number=n) for y, n in sorted(run.last_number.items())],
    )


def open_contacts_shift(today: date) -> timedelta:
    """How far the contacts still open at the demo's now move, so the MASH queue shows live work.

    The history ends on the demo's reference date (31 March 2023, the year the seeds report on), but a queue
    of contacts three years overdue is not what a MASH sees. The open contacts move forward by whole weeks to
    the last week before the day of seeding: each keeps its weekday and time, so those received on the last
    afternoon are due in the next working day or two and the stalled ones are a few days overdue.
    """
    return timedelta(weeks=max(0, (today - LAST_DAY).days // 7))


def _family_moved(family: Family, shift: timedelta) -> Family:
    """The family of a contact moved to the week of seeding: the same people born `shift` later, so the
    children are the ages they were (not three years older), and new to the MASH (no child records yet)."""

    def later(details: dict[str, Any]) -> dict[str, Any]:
        moved = dict(details)
        for key in ("date_of_birth", "expected_date_of_birth"):
            if moved.get(key) is not None:
                moved[key] += shift
        return moved

    return Family([DemoChild(later(c.details)) for c in family.children], [later(a) for a in family.adults])


def _population_create(ctx: SeedContext) -> None:
    rows = [
        ChildPopulation(
            year=year,
            children_0_17=count * ctx.scale,
            source=source
            if ctx.scale == 1
            else f"{source}, times {ctx.scale} for a demo {ctx.scale} times as large",
        )
        for year, count, source in POPULATION
    ]
    bulk_save(ChildPopulation, rows)
    ctx.counts["population years"] += len(rows)


def _staff(ctx: SeedContext) -> Staff:
    referrers: dict[int, list[User]] = {}
    practitioners: list[User] = []
    managers: list[User] = []
    memberships = (
        Membership.objects.current()
        .filter(
            role__in=["referrer", "agency_safeguarding_lead", "mash_practitioner", "mash_manager"],
            agency__in=list(ctx.agencies.values()),
        )
        .select_related("user")
        .order_by("user_id", "pk")
    )
    for membership in memberships:
        if membership.role == "mash_practitioner":
            practitioners.append(membership.user)
        elif membership.role == "mash_manager":
            managers.append(membership.user)
        else:
            referrers.setdefault(membership.agency_id, []).append(membership.user)
    return Staff(referrers, practitioners, managers)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_weight(day: date, calendar: WorkingCalendar) -> float:
    if not calendar.is_working_day(day):
        return 0.3
    # Schools are shut in August: fewer contacts.
    return 0.85 if day.month == 8 else 1.0


# --- One month at a time ------------------------------------------------------------------------------------


def _month_save(run: Run, days: list[tuple[date, int]]) -> None:
    planned: list[Planned] = []
    for day, count in days:
        planned.extend(_contact_plan(run, day) for _ in range(count))
    for p in planned:
        if p.contact.status != Contact.Status.DECIDED and run.open_shift:
            p.contact.received_at += run.open_shift
            p.family = _family_moved(p.family, run.open_shift)
    planned.sort(key=lambda p: p.contact.received_at)
    _number(run, planned)
    ctx = run.ctx

    # Children matched for the first time this month get their Child record (once, however many contacts).
    new_children: dict[int, DemoChild] = {}
    for p in planned:
        if p.matched:
            new_children.update((id(c), c) for c in p.family.children if c.record is None)
    saved_children = bulk_save(
        Child,
        [
            Child(**c.details, locality=shape.locality_of(c.details["postcode"]))
            for c in new_children.values()
        ],
    )
    for child, record in zip(new_children.values(), saved_children, strict=True):
        child.record = record
    ctx.counts["children"] += len(saved_children)

    saved = bulk_save(Contact, [p.contact for p in planned])
    for p, contact in zip(planned, saved, strict=True):
        p.contact = contact
    ctx.counts["contacts"] += len(saved)
    ctx.counts["open contacts"] += sum(1 for p in planned if p.contact.status != Contact.Status.DECIDED)

    _in_batches(ContactChild, _contact_children(planned))
    _in_batches(HouseholdMember, _household(planned))
    _in_batches(
        ContactConcern, (ContactConcern(contact=p.contact, concern=c) for p in planned for c in p.concerns)
    )
    referrals = _one_per_child_and_day([r for p in planned for r in _cin_referrals(p)], "referral_date")
    ctx.counts["CIN referrals"] += len(bulk_save(CINReferral, referrals))
    requests = _one_per_child_and_day([r for p in planned for r in _early_help_requests(p)], "requested_on")
    ctx.counts["early help requests"] += len(bulk_save(EarlyHelpRequest, requests))


def _one_per_child_and_day(rows: list[Any], day_field: str) -> list[Any]:
    """Two decisions about one child on one day make one episode, as the children services do
    (cin_referral_create joins the second to the first); the first decision's row is kept."""
    seen: set[tuple[int, date]] = set()
    kept = []
    for row in rows:
        key = (row.child.pk, getattr(row, day_field))
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _number(run: Run, planned: list[Planned]) -> None:
    """References in order of receipt, numbered from 1 in each calendar year (as contact_reference_next)."""
    prefix = settings.PARTNERSHIP_SHORT_NAME
    for p in planned:
        year = timezone.localtime(p.contact.received_at).year
        number = run.last_number.get(year, 0) + 1
        run.last_number[year] = number
        p.contact.reference = f"{prefix}-{year}-{number:06d}"


def _in_batches(model: Any, rows: Iterator[Any]) -> None:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_SIZE * 4:
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            batch = []
    if batch:
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)


def _contact_children(planned: list[Planned]) -> Iterator[ContactChild]:
    for p in planned:
        received = timezone.localdate(p.contact.received_at)
        for child in p.family.children:
            details = dict(child.details)
            # A baby born since the family was first known: the referrer now gives the date of birth.
            expected = details.get("expected_date_of_birth")
            if expected is not None and expected <= received:
                details["date_of_birth"], details["expected_date_of_birth"] = expected, None
            yield ContactChild(contact=p.contact, child=child.record if p.matched else None, **details)


def _household(planned: list[Planned]) -> Iterator[HouseholdMember]:
    for p in planned:
        for adult in p.family.adults:
            yield HouseholdMember(contact=p.contact, **adult)


def _cin_referrals(p: Planned) -> list[CINReferral]:
    contact = p.contact
    if contact.status != Contact.Status.DECIDED or contact.outcome != Contact.Outcome.LEVEL_4:
        return []
    assert contact.decided_at is not None
    recorder = contact.authorised_by or contact.decided_by
    return [
        CINReferral(
            child=child.record,
            referral_date=timezone.localdate(contact.decided_at),
            source=contact.source,
            contact_reference=contact.reference,
            strategy_discussion_date=contact.strategy_discussion_date,
            recorded_by=recorder,
        )
        for child in p.family.children
        if child.record is not None
    ]


def _early_help_requests(p: Planned) -> list[EarlyHelpRequest]:
    contact = p.contact
    if contact.status != Contact.Status.DECIDED or contact.outcome != Contact.Outcome.LEVEL_3:
        return []
    assert contact.decided_at is not None
    return [
        EarlyHelpRequest(
            child=child.record,
            requested_on=timezone.localdate(contact.decided_at),
            contact_reference=contact.reference,
            recorded_by=contact.decided_by,
        )
        for child in p.family.children
        if child.record is not None
    ]


# --- One contact ------------------------------------------------------------------------------------------


def _contact_plan(run: Run, day: date) -> Planned:
    rng = run.ctx.rng
    weights = run.group_weights[(run.calendar.is_working_day(day), day.month == 8)]
    group, agencies = rng.choices(run.groups, cum_weights=weights)[0]
    agency = rng.choice(agencies) if agencies else None
    family = _family_for(run, day)
    police = group.name == "police"
    channel = _channel(run, day, agency, police)
    concerns = _concerns(run, police)
    received = _received_at(run, day, police=police, public=agency is None)

    contact = Contact(channel=channel, received_at=received, version=1)
    _referrer(run, contact, agency, group, channel)
    first_child = family.children[0].details
    parent = family.adults[0]["name"].split()[0] if family.adults else "a parent"
    contact.what_happened = rng.choice(WHAT_HAPPENED[concerns[0]]).format(
        child=first_child["first_name"] or "the baby", parent=parent
    )
    contact.when_happened = rng.choice(WHEN_HAPPENED)
    contact.immediate_danger = rng.random() < 0.03
    contact.called_999 = contact.immediate_danger
    if channel == Contact.Channel.POLICE_NOTIFICATION and Concern.DOMESTIC_ABUSE in concerns:
        contact.dash_risk = rng.choices(list(Contact.DashRisk), weights=[60, 30, 10])[0]
    _consent(run, contact)
    matched = _decide(run, contact, concerns)
    return Planned(contact, family, matched, concerns)


def _family_for(run: Run, day: date) -> Family:
    rng = run.ctx.rng
    lookback = int(run.families_per_day * REPEAT_LOOKBACK_DAYS)
    seen = len(run.families_seen)
    family = None
    if seen and rng.random() < REPEAT_FAMILY_SHARE:
        family = run.families_seen[rng.randrange(max(0, seen - lookback), seen)]
        if not _all_still_children(family, day):
            family = None  # a child has turned 18 since: a contact about them is not the MASH's
    if family is None:
        family = _family_new(run, day)
    run.families_seen.append(family)
    return family


def _all_still_children(family: Family, day: date) -> bool:
    """Whether every born child of the family is under 18 on `day` (to within a day: leap years ignored)."""
    born = (c.details["date_of_birth"] for c in family.children)
    return all((day - b).days < 18 * 365 for b in born if b is not None)


def _family_new(run: Run, day: date) -> Family:
    ctx, rng = run.ctx, run.ctx.rng
    name = ctx.person_name()
    place = rng.choice(PLACES)
    address = f"{rng.randint(1, 240)} {rng.choice(PLACE_FEATURES)} {rng.choice(STREETS)}, {place}, Walsall"
    postcode = f"WS{rng.randint(1, 10)} {rng.randint(1, 9)}{_letters(run, 2)}"
    ethnicity = rng.choices([e for e, _ in ETHNICITY_WEIGHTS], weights=[w for _, w in ETHNICITY_WEIGHTS])[0]
    language = rng.choices([lang for lang, _ in LANGUAGES], weights=[w for _, w in LANGUAGES])[0]
    gp = rng.choice(run.gp_practices).name if run.gp_practices else ""
    size = rng.choices([1, 2, 3, 4], weights=[70, 20, 8, 2])[0]
    children = [
        DemoChild(
            _child_details(run, day, name.family, address, postcode, ethnicity, language, gp, unborn=n == 0)
        )
        for n in range(size)
    ]
    # Parents are older than their eldest child by a plausible margin (born or expected).
    eldest = min(c.details["date_of_birth"] or c.details["expected_date_of_birth"] for c in children)
    adults = [
        {
            "name": f"{ctx.person_name().first} {name.family}",
            "relationship": "Mother",
            "date_of_birth": eldest - timedelta(days=rng.randint(17 * 365, 40 * 365)),
            "address": address,
            "parental_responsibility": True,
            "lives_with_child": True,
        }
    ]
    if rng.random() < 0.55:
        adults.append(
            {
                "name": ctx.person_name().full,
                "relationship": rng.choice(("Father", "Stepfather", "Mother's partner")),
                "date_of_birth": eldest - timedelta(days=rng.randint(18 * 365, 45 * 365)),
                "address": address if rng.random() < 0.7 else "",
                "parental_responsibility": rng.random() < 0.6,
                "lives_with_child": rng.random() < 0.7,
            }
        )
    return Family(children, adults)


def _child_details(
    run: Run,
    day: date,
    family_name: str,
    address: str,
    postcode: str,
    ethnicity: str,
    language: str,
    gp: str,
    *,
    unborn: bool,
) -> dict[str, Any]:
    ctx, rng = run.ctx, run.ctx.rng
    if unborn and rng.random() < 0.03:
        expected = day + timedelta(days=rng.randint(20, 150))
        return {
            "first_name": "",
            "last_name": family_name,
            "date_of_birth": None,
            "expected_date_of_birth": expected,
            "sex": Sex.NOT_RECORDED,
            "ethnicity": ethnicity,
            "address": address,
            "postcode": postcode,
            "school_or_setting": "",
            "gp_practice": gp,
            "nhs_number": "",
            "disability_or_sen": "",
            "first_language": language,
            "interpreter_needed": False,
        }
    age_days = rng.randint(30, 17 * 365 + 300)
    born = day - timedelta(days=age_days)
    school = ""
    if 4 * 365 < age_days < 16 * 365 and run.schools:
        school = rng.choice(run.schools).name
    return {
        "first_name": ctx.person_name().first,
        "last_name": family_name,
        "date_of_birth": born,
        "expected_date_of_birth": None,
        "sex": rng.choice((Sex.MALE, Sex.FEMALE)),
        "ethnicity": ethnicity,
        "address": address,
        "postcode": postcode,
        "school_or_setting": school,
        "gp_practice": gp,
        "nhs_number": _nhs_number(run) if rng.random() < 0.6 else "",
        "disability_or_sen": rng.choice(SEN) if rng.random() < 0.12 else "",
        "first_language": language,
        "interpreter_needed": language != "English" and rng.random() < 0.3,
    }


def _nhs_number(run: Run) -> str:
    """A number in the 999 range NHS England keeps for testing, with a valid modulus 11 check digit."""
    rng = run.ctx.rng
    while True:
        digits = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _letters(run: Run, count: int) -> str:
    # Postcode inward letters never use C, I, K, M, O or V.
    return "".join(run.ctx.rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(count))


def _channel(run: Run, day: date, agency: Agency | None, police: bool) -> str:
    rng = run.ctx.rng
    Channel = Contact.Channel
    if police:
        return rng.choices([Channel.POLICE_NOTIFICATION, Channel.EMAIL, Channel.PHONE], weights=[85, 10, 5])[
            0
        ]
    if agency is None:
        return rng.choices([Channel.PHONE, Channel.EMAIL], weights=[85, 15])[0]
    if day < EMARF_LAUNCHED:
        return rng.choices([Channel.EMAIL, Channel.PHONE], weights=[70, 30])[0]
    api_weight = 6 if agency.kind == Kind.SCHOOL else 0
    return rng.choices(
        [Channel.EMARF, Channel.API, Channel.EMAIL, Channel.PHONE], weights=[80, api_weight, 8, 7]
    )[0]


def _concerns(run: Run, police: bool) -> list[str]:
    rng = run.ctx.rng
    concerns = [c for c, _, _ in CONCERN_WEIGHTS]
    weights = [police_w if police else w for _, w, police_w in CONCERN_WEIGHTS]
    how_many = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
    chosen: list[str] = []
    while len(chosen) < how_many:
        concern = rng.choices(concerns, weights=weights)[0]
        if concern not in chosen:
            chosen.append(concern)
    return chosen


def _received_at(run: Run, day: date, *, police: bool, public: bool) -> datetime:
    rng = run.ctx.rng
    if police:
        minutes = rng.randrange(24 * 60)
    elif public:
        minutes = rng.randrange(8 * 60, 21 * 60)
    elif not run.calendar.is_working_day(day):
        minutes = rng.randrange(9 * 60, 21 * 60)
    else:
        part = rng.random()
        if part < 0.8:
            minutes = rng.randrange(8 * 60 + 30, 17 * 60)
        elif part < 0.95:
            minutes = rng.randrange(17 * 60, 20 * 60)
        else:
            minutes = rng.randrange(20 * 60, 23 * 60 + 59)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randrange(60)))
    return timezone.make_aware(moment)


def _referrer(run: Run, contact: Contact, agency: Agency | None, group: SourceGroup, channel: str) -> None:
    ctx, rng = run.ctx, run.ctx.rng
    if agency is None:
        contact.source = group.public_source
        if group.public_source == ReferralSource.ANONYMOUS:
            contact.referrer_name = "Anonymous caller"
        else:
            contact.referrer_name = ctx.person_name().full
            contact.referrer_role = PUBLIC_ROLES.get(group.public_source, "Member of the public")
            contact.referrer_phone = ctx.mobile()
        return
    people = run.staff.referrers.get(agency.pk, [])
    person = rng.choice(people) if people else None
    contact.referrer_agency = agency
    contact.source = referral_source_for(agency)
    contact.referrer_name = person.full_name if person else ctx.person_name().full
    contact.referrer_role = (person.job_title if person else "") or "Practitioner"
    contact.referrer_email = person.email if person else ""
    contact.referrer_phone = (person.phone if person else "") or ctx.landline()
    # The eMARF and the API are used by signed-in people; the MASH records phone, email and police contacts.
    if channel in (Contact.Channel.EMARF, Contact.Channel.API):
        contact.referrer = person


def _consent(run: Run, contact: Contact) -> None:
    rng = run.ctx.rng
    contact.parents_aware = rng.choices(list(Contact.ParentsAware), weights=[55, 25, 20])[0]
    contact.consent = rng.choices(list(Contact.Consent), weights=[50, 10, 40])[0]
    if contact.consent != Contact.Consent.GIVEN:
        contact.no_consent_reason = rng.choices(
            [
                Contact.NoConsentReason.RISK_TO_CHILD,
                Contact.NoConsentReason.PREJUDICE_ENQUIRIES,
                Contact.NoConsentReason.CANNOT_CONTACT,
            ],
            weights=[60, 25, 15],
        )[0]
    if contact.referrer_agency_id is not None:
        contact.referrer_level = rng.choices([1, 2, 3, 4], weights=[5, 25, 40, 30])[0]


# --- What the MASH did ------------------------------------------------------------------------------------


def _outcome(run: Run, contact: Contact, concerns: list[str]) -> str:
    rng = run.ctx.rng
    Outcome = Contact.Outcome
    if contact.immediate_danger or contact.dash_risk == Contact.DashRisk.HIGH:
        weights = [2, 3, 10, 60, 25]
    elif contact.dash_risk == Contact.DashRisk.STANDARD:
        weights = [30, 15, 5, 3, 47]
    elif {Concern.SEXUAL, Concern.PHYSICAL, Concern.CSE, Concern.FGM} & set(concerns):
        weights = [8, 10, 12, 33, 37]
    else:
        weights = [20, 20, 12, 13, 35]
    return rng.choices(
        [Outcome.LEVEL_1, Outcome.LEVEL_2, Outcome.LEVEL_3, Outcome.LEVEL_4, Outcome.NFA], weights
    )[0]


def _decide(run: Run, contact: Contact, concerns: list[str]) -> bool:
    """Fill in what the MASH did by the demo's now; returns whether the children were matched to records."""
    rng, staff = run.ctx.rng, run.staff
    outcome = _outcome(run, contact, concerns)
    level_4 = outcome == Contact.Outcome.LEVEL_4
    contact.rag = (
        Contact.Rag.RED
        if contact.immediate_danger
        else rng.choices(list(Contact.Rag), weights=[40, 50, 10] if level_4 else [3, 30, 67])[0]
    )
    decided_at = _decision_time(run, timezone.localtime(contact.received_at))
    received_day = timezone.localdate(contact.received_at)
    # A few contacts from the last fortnight have stalled: open past their deadline. The first contact of
    # each of STALLED_DAYS stalls whatever the volume, so even a small demo has overdue contacts.
    stalled = (LAST_DAY - received_day).days <= 14 and rng.random() < STALLED_SHARE
    if received_day in STALLED_DAYS and received_day not in run.stalled_days:
        run.stalled_days.add(received_day)
        stalled = True
    practitioner = rng.choice(staff.practitioners)
    manager = rng.choice(staff.managers)
    needs_manager = level_4 or (outcome == Contact.Outcome.NFA and contact.rag == Contact.Rag.RED)

    if decided_at > run.demo_now or stalled:
        state = rng.random()
        if stalled or state < 0.5:
            contact.status = Contact.Status.IN_PROGRESS
            contact.assigned_to = practitioner
            if needs_manager and rng.random() < 0.4:
                contact.status = Contact.Status.AWAITING_AUTHORISATION
                _record_decision(run, contact, outcome, decided_by=practitioner)
                return True
            return rng.random() < 0.6
        contact.status = Contact.Status.NEW
        contact.rag = Contact.Rag.RED if contact.immediate_danger else ""
        return False

    decider = manager if needs_manager or rng.random() < 0.25 else practitioner
    contact.status = Contact.Status.DECIDED
    contact.assigned_to = practitioner
    _record_decision(run, contact, outcome, decided_by=decider)
    contact.decided_at = decided_at
    if needs_manager:
        contact.authorised_by, contact.authorised_at = manager, decided_at
    if level_4 and rng.random() < 0.45:
        contact.strategy_discussion_date = run.calendar.working_day_on_or_after(
            timezone.localdate(decided_at)
        )
    contact.feedback_sent_at = _feedback_time(run, contact, decided_at)
    # The MASH matches every child before a decision that creates records for them, and most others too.
    return outcome in (Contact.Outcome.LEVEL_3, Contact.Outcome.LEVEL_4) or rng.random() < 0.92


def _record_decision(run: Run, contact: Contact, outcome: str, *, decided_by: User) -> None:
    rng = run.ctx.rng
    contact.outcome = outcome
    contact.decided_by = decided_by
    contact.rationale = (
        f"Checks with police, health and education considered. {Contact.Outcome(outcome).label}: "
        "the threshold in Right Help, Right Time is met at this level."
    )
    contact.feedback = OUTCOME_FEEDBACK[Contact.Outcome(outcome)]
    if outcome == Contact.Outcome.NFA:
        contact.nfa_reason = rng.choice(NFA_REASONS)


def _decision_time(run: Run, received: datetime) -> datetime:
    """Most decisions the same or the next working day; some later. Decisions are made 09:00 to 17:30."""
    rng, calendar = run.ctx.rng, run.calendar
    day = received.date()
    if calendar.is_working_day(day) and received.time() < time(16) and rng.random() < 0.45:
        decided = received + timedelta(minutes=rng.randint(30, 180))
        if decided.time() <= time(17, 45) and decided.date() == day:
            return decided
    working_days = rng.choices([1, 2, 3, 4, 5], weights=[88, 8, 2, 1, 1])[0]
    decision_day = calendar.add_working_days(day, working_days)
    minutes = rng.randrange(9 * 60, 17 * 60 + 30)
    return timezone.make_aware(datetime.combine(decision_day, time(minutes // 60, minutes % 60)))


def _feedback_time(run: Run, contact: Contact, decided_at: datetime) -> datetime | None:
    """Sent minutes after the decision as a rule; some after a day or more (the email failed and was sent
    again); a few never. Nothing after the demo's now."""
    rng = run.ctx.rng
    if not contact.referrer_email:
        return None
    part = rng.random()
    if part < 0.92:
        sent = decided_at + timedelta(minutes=rng.randint(1, 20))
    elif part < 0.98:
        day = run.calendar.add_working_days(timezone.localdate(decided_at), rng.choice((1, 1, 2, 3)))
        sent = timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randrange(60))))
    else:
        return None
    return sent if sent <= run.demo_now else None
