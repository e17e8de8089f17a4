"""Synthetic CIN census files for tests and benchmarks (`safeguarding seed-cin`). Made-up children only.

    census = SyntheticCensus(children=10_000, year_end=2023, error_rate=0.0, seed=1)
    write_census(path, census.header, census.children())     # streams: one child made at a time
    census.injected                                          # {LAchildID: rule code} of deliberate errors

Each child follows a plausible journey through one census year (statutory-rules.md section 2; timescales
from core.clocks): a referral that goes no further (NFA); an assessment within about 45 working days (some
late) closed with no further action or referred to early help; a child in need plan; a section 47 enquiry
where a conference was not needed; a section 47 enquiry, an initial child protection conference within 15
working days (some late) and a child protection plan reviewed at 3 and then 6 months, ending with a step down
to a CIN plan or a closure; or a child protection plan carried over from the previous year. Some children
have a second episode after the first closed. Everything is made so that, with no errors asked for, the
file passes every DfE error rule; queries about the return as a whole (for instance fewer than eight
disability codes in a very small file) may remain.

With ``error_rate`` R, that share of children (rounded) each get one deliberate error from a small
catalogue (ERROR_CATALOGUE); which children and which error come from their own random stream, so the same
seed gives the same children whatever the rate.

Identifiers: LA child IDs "WS000001" upwards; UPNs on LA code 335 (Walsall) with a correct check letter
(``upn_check_letter``). The same seed always gives the same file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

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
from safeguarding.census.writer import FIRST_YEAR_WITH_SEX_ELEMENT
from safeguarding.core.calendar import WorkingCalendar
from safeguarding.core.clocks import clock_due_date

LA_CODE = "335"  # Walsall, the demo partnership (DfE LA number; in 1530's list of recognised codes)

# The DfE's UPN check letter: characters 2 to 13 are weighted by their position (2 to 13), the sum is taken
# modulo 23, and the remainder picks a letter from A-Z without I, O and S. Sources: DfE "Unique pupil
# numbers (UPN): guidance for local authorities and schools", as restated by the UK Government Data Standards
# Catalogue (UniquePupilNumber 2.0) and by MIS suppliers' notes on census error 1510 (worked example:
# Q207000016049).
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(last_twelve: str) -> str:
    """The check letter for a UPN whose characters 2-13 are ``last_twelve`` (12 digits, or 11 digits and a
    letter for a temporary UPN, the letter counted by its place in UPN_CHECK_LETTERS)."""
    if len(last_twelve) != 12:
        raise ValueError("a UPN has 12 characters after its check letter")
    total = 0
    for position, character in enumerate(last_twelve, start=2):
        value = int(character) if character.isdigit() else UPN_CHECK_LETTERS.index(character.upper())
        total += position * value
    return UPN_CHECK_LETTERS[total % 23]


# --- Code lists and how often each is used (statutory-rules.md section 2.2; shares are plausible, not data)

ETHNICITIES = (
    ("WBRI", 62), ("WIRI", 1), ("WIRT", 1), ("WOTH", 4), ("WROM", 1), ("MWBC", 4), ("MWBA", 1), ("MWAS", 2),
    ("MOTH", 2), ("AIND", 5), ("APKN", 5), ("ABAN", 3), ("AOTH", 1), ("BCRB", 2), ("BAFR", 3), ("BOTH", 1),
    ("CHNE", 1), ("OOTH", 1), ("REFU", 1), ("NOBT", 1),
)  # fmt: skip
REFERRAL_SOURCES = (
    ("1A", 5), ("1B", 1), ("1C", 1), ("1D", 1), ("2A", 18), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1),
    ("3D", 2), ("3E", 3), ("3F", 2), ("4", 2), ("5A", 4), ("5B", 3), ("5C", 3), ("5D", 5), ("6", 28),
    ("7", 2), ("8", 6), ("9", 1), ("10", 2),
)  # fmt: skip
PRIMARY_NEEDS = (("N1", 50), ("N2", 5), ("N3", 4), ("N4", 10), ("N5", 18), ("N6", 3), ("N7", 1), ("N8", 6))
CATEGORIES_OF_ABUSE = (("NEG", 50), ("EMO", 35), ("PHY", 8), ("SAB", 4), ("MUL", 3))
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")
ASSESSMENT_FACTORS = (
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B",
    "6C", "7A", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C",
    "20", "22A", "23A", "24A",
)  # fmt: skip
NO_FACTORS = "21"  # "No factors identified": used alone, on assessments that closed with no further action

# Referral source 5D and closure reason RC9 came in with the 2022-23 schema (Year 2023).
FIRST_YEAR_WITH_EARLY_HELP_CODES = 2023

JOURNEYS = (
    ("nfa", 22),
    ("assessment_closed", 27),
    ("cin_plan", 20),
    ("s47_no_conference", 8),
    ("child_protection", 15),
    ("carried_over_plan", 8),
)
SECOND_EPISODE_SHARE = 0.12

# The deliberate errors `--error-rate` puts in, by the DfE rule each one breaks.
ERROR_CATALOGUE = {
    "4180": "sex (GenderCurrent or Sex) left out",
    "4220": "an ethnicity code that does not exist",
    "8866": "a referral source code that does not exist",
    "8794": "the same disability recorded twice",
    "1510": "a UPN with the wrong check letter",
    "8650": "a primary need code that does not exist",
    "8840": "a child protection plan that starts and ends on the same day",
    "8630": "an episode closed before its referral",
}


def _weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([code for code, _ in table], weights=[weight for _, weight in table])[0]


class SyntheticCensus:
    """A synthetic census for one year: ``header``, then ``children()`` made one at a time."""

    def __init__(
        self, *, children: int, year_end: int = 2023, error_rate: float = 0.0, seed: int = 1
    ) -> None:
        if children < 0:
            raise ValueError("the number of children cannot be negative")
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("the error rate is a share between 0 and 1")
        self.count = children
        self.year_end = year_end
        self.error_rate = error_rate
        self.seed = seed
        self.period_start = date(year_end - 1, 4, 1)
        self.reference_date = date(year_end, 3, 31)
        self.calendar = WorkingCalendar()  # England bank holidays and weekends, as the DfE counts them
        self.injected: dict[str, str] = {}
        self.header = Header(
            collection="CIN",
            year=str(year_end),
            reference_date=self.reference_date.isoformat(),
            source_level="L",
            lea=LA_CODE,
            software_code="Safeguarding Partnership Platform",
            release="seed-cin",
            serial_no="001",
            date_time=f"{year_end}-04-20T09:00:00",
        )

    @property
    def uses_sex_element(self) -> bool:
        return self.year_end >= FIRST_YEAR_WITH_SEX_ELEMENT

    def children(self) -> Iterator[ChildRecord]:
        journeys = random.Random(f"seed-cin:{self.seed}:journeys")
        errors = random.Random(f"seed-cin:{self.seed}:errors")
        with_error = set(errors.sample(range(self.count), round(self.count * self.error_rate)))
        self.injected = {}
        for index in range(self.count):
            child = _ChildMaker(self, journeys, index).make()
            if index in with_error:
                code = _inject_error(child, errors, self.period_start)
                self.injected[child.la_child_id or ""] = code
            yield child


class _ChildMaker:
    """One child's identity and journey."""

    def __init__(self, census: SyntheticCensus, rng: random.Random, index: int) -> None:
        self.census = census
        self.rng = rng
        self.index = index
        self.cal = census.calendar
        self.start = census.period_start
        self.end = census.reference_date
        self.year_end = census.year_end

    # -- dates

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def working_days_after(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def working_days_left(self, day: date) -> int:
        return self.cal.working_days_between(day, self.end)

    # -- the child

    def make(self) -> ChildRecord:
        rng = self.rng
        child = ChildRecord(la_child_id=f"WS{self.index + 1:06d}")
        unborn = rng.random() < 0.02
        episodes = self.episodes(unborn)
        first_referral = as_date(episodes[0].referral_date)
        assert first_referral is not None
        if unborn:
            self.unborn_identity(child, first_referral)
        else:
            self.identity(child, first_referral)
        child.ethnicity = _weighted(rng, ETHNICITIES)
        child.has_disabilities_element = True
        child.disabilities = self.disabilities()
        child.cin_details = episodes
        return child

    def identity(self, child: ChildRecord, first_referral: date) -> None:
        rng = self.rng
        age_days = rng.randint(20, 17 * 365 + 300)
        birth = first_referral - timedelta(days=age_days)
        child.birth_date = birth.isoformat()
        child.sex = self.sex_code(rng.choice(("male", "female")))
        if (self.end - birth).days >= 4 * 365:
            child.upn = self.upn(birth)

    def unborn_identity(self, child: ChildRecord, first_referral: date) -> None:
        # Expected in the months after the reference date (query 8530Q wants March to December of the year
        # end), and the referral no more than 40 weeks before it (8606).
        latest = min(date(self.year_end, 8, 31), first_referral + timedelta(weeks=38))
        expected = self.day_between(max(self.end, first_referral + timedelta(days=14)), latest)
        child.expected_birth_date = expected.isoformat()
        child.sex = self.sex_code("unborn")

    def sex_code(self, sex: str) -> str:
        if self.census.uses_sex_element:
            return {"male": "M", "female": "F", "unborn": "U"}[sex]
        return {"male": "1", "female": "2", "unborn": "0"}[sex]

    def upn(self, birth: date) -> str:
        # Establishment number and serial are made from the child's index, so every UPN in a file differs.
        establishment = 2000 + (self.index // 1000) % 8000
        allocated = (birth.year + 5) % 100
        digits = f"{LA_CODE}{establishment:04d}{allocated:02d}{self.index % 1000:03d}"
        return upn_check_letter(digits) + digits

    def disabilities(self) -> list[str]:
        rng = self.rng
        if rng.random() >= 0.12:
            return ["NONE"]
        how_many = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        return rng.sample(DISABILITIES, how_many)

    # -- the episodes

    def episodes(self, unborn: bool) -> list[CINDetails]:
        rng = self.rng
        if unborn:
            # A pre-birth referral late in the year, no more than 40 weeks before the expected date.
            referral = self.day_between(self.end - timedelta(days=150), self.end - timedelta(days=20))
            kind = rng.choice(("assessment_closed", "cin_plan", "child_protection"))
            return [self.episode(kind, referral)]
        kind = _weighted(rng, JOURNEYS)
        if kind == "carried_over_plan":
            return [self.carried_over_plan()]
        if rng.random() < SECOND_EPISODE_SHARE:
            first = self.episode(
                rng.choice(("nfa", "assessment_closed")),
                self.day_between(self.start + timedelta(days=3), self.start + timedelta(days=100)),
                must_close=True,
            )
            closed = as_date(first.closure_date)
            if closed is not None:
                second_referral = closed + timedelta(days=rng.randint(14, 120))
                if second_referral <= self.end - timedelta(days=10):
                    return [first, self.episode(kind, second_referral)]
        return [
            self.episode(kind, self.day_between(self.start + timedelta(days=3), self.end - timedelta(days=5)))
        ]

    def new_episode(self, referral: date, *, nfa: bool) -> CINDetails:
        rng = self.rng
        source = _weighted(rng, REFERRAL_SOURCES)
        if source == "5D" and self.year_end < FIRST_YEAR_WITH_EARLY_HELP_CODES:
            source = "5A"
        return CINDetails(
            referral_date=referral.isoformat(),
            referral_source=source,
            primary_need=None if nfa else _weighted(rng, PRIMARY_NEEDS),
            referral_nfa="true" if nfa else "false",
        )

    def episode(self, kind: str, referral: date, *, must_close: bool = False) -> CINDetails:
        if kind == "nfa":
            episode = self.new_episode(referral, nfa=True)
            # A referral that goes no further is closed the day it is received.
            episode.closure_date = referral.isoformat()
            episode.closure_reason = "RC7"
            return episode
        episode = self.new_episode(referral, nfa=False)
        if kind == "assessment_closed":
            self.assessment_then_closure(episode, referral, must_close=must_close)
        elif kind == "cin_plan":
            self.assessment_then_plan(episode, referral)
        elif kind == "s47_no_conference":
            self.enquiry_without_conference(episode, referral)
        else:
            self.child_protection(episode, referral)
        return episode

    def assessment(self, episode: CINDetails, referral: date, *, starts: date | None = None) -> date | None:
        """An assessment from the referral; its authorisation date, or None while it is still going on."""
        rng = self.rng
        start = starts or self.cal.working_day_on_or_after(referral + timedelta(days=rng.randint(0, 3)))
        if start > self.end:
            start = referral
        late = rng.random() < 0.12
        authorised: date | None = self.working_days_after(
            start, rng.randint(46, 70) if late else rng.randint(8, 45)
        )
        if authorised is not None and authorised > self.end:
            # Still going at the year end, unless that would leave it open past its 45 working days (8670Q).
            if self.working_days_left(start) <= 40:
                authorised = None
            else:
                authorised = self.cal.working_day_on_or_before(self.end)
        record = Assessment(start=start.isoformat())
        if authorised is not None:
            record.authorised = authorised.isoformat()
            record.has_factors_element = True
            record.factors = rng.sample(ASSESSMENT_FACTORS, rng.randint(1, 3))
        episode.assessments.append(record)
        return authorised

    def close(self, episode: CINDetails, day: date, reason: str) -> None:
        if day <= self.end:
            episode.closure_date = day.isoformat()
            episode.closure_reason = reason

    def assessment_then_closure(self, episode: CINDetails, referral: date, *, must_close: bool) -> None:
        rng = self.rng
        authorised = self.assessment(episode, referral)
        if authorised is None and must_close:
            episode.assessments.clear()
            authorised = self.assessment(episode, referral, starts=referral)
        if authorised is None:
            return
        early_help = self.year_end >= FIRST_YEAR_WITH_EARLY_HELP_CODES and rng.random() < 0.35
        if rng.random() < 0.15:
            episode.assessments[-1].factors = [NO_FACTORS]
        closed = min(authorised + timedelta(days=rng.randint(0, 5)), self.end)
        self.close(episode, closed, "RC9" if early_help else "RC8")

    def cin_plan(
        self, episode: CINDetails, start: date, *, closure_reasons: Sequence[str] = ("RC7",)
    ) -> None:
        """A CIN plan from ``start`` (if inside the year), open or ended with the episode closing after it."""
        rng = self.rng
        if start > self.end:
            return
        plan = CINPlan(start=start.isoformat())
        episode.cin_plans.append(plan)
        ends = start + timedelta(days=rng.randint(60, 330))
        if ends <= self.end:
            plan.end = ends.isoformat()
            self.close(
                episode, min(ends + timedelta(days=rng.randint(0, 5)), self.end), rng.choice(closure_reasons)
            )

    def assessment_then_plan(self, episode: CINDetails, referral: date) -> None:
        authorised = self.assessment(episode, referral)
        if authorised is not None:
            reasons = ("RC7", "RC7", "RC7", "RC7", "RC5", "RC3", "RC4")
            self.cin_plan(
                episode, authorised + timedelta(days=self.rng.randint(0, 7)), closure_reasons=reasons
            )

    def enquiry_start(self, referral: date) -> date:
        start = self.cal.working_day_on_or_after(referral + timedelta(days=self.rng.randint(0, 2)))
        return start if start <= self.end else referral

    def enquiry_without_conference(self, episode: CINDetails, referral: date) -> None:
        rng = self.rng
        started = self.enquiry_start(referral)
        episode.section47s.append(
            Section47(
                start=started.isoformat(),
                icpc_target=clock_due_date("icpc", started, calendar=self.cal).isoformat(),
                icpc_not_required="true",
            )
        )
        authorised = self.assessment(episode, referral, starts=started)
        if authorised is None:
            return
        if rng.random() < 0.5:
            self.cin_plan(episode, authorised + timedelta(days=rng.randint(0, 7)))
        else:
            self.close(episode, min(authorised + timedelta(days=rng.randint(0, 5)), self.end), "RC7")

    def child_protection(self, episode: CINDetails, referral: date) -> None:
        rng = self.rng
        started = self.enquiry_start(referral)
        enquiry = Section47(
            start=started.isoformat(),
            icpc_target=clock_due_date("icpc", started, calendar=self.cal).isoformat(),
            icpc_not_required="false",
        )
        episode.section47s.append(enquiry)
        authorised = self.assessment(episode, referral, starts=started)
        conference = self.working_days_after(
            started, rng.randint(5, 15) if rng.random() < 0.8 else rng.randint(16, 25)
        )
        if conference > self.end:
            if self.working_days_left(started) <= 12:
                return  # the enquiry is still going on at the year end, inside its 15 working days (8675Q)
            conference = self.cal.working_day_on_or_before(self.end)
        enquiry.icpc_date = conference.isoformat()
        plan = self.cp_plan(conference)
        episode.cp_plans.append(plan)
        plan_end = as_date(plan.end)
        if plan_end is None:
            return
        if authorised is None or authorised > plan_end:
            plan.end = None  # keep the plan open rather than end it before the assessment is done
            return
        if rng.random() < 0.5:
            self.cin_plan(episode, plan_end + timedelta(days=rng.randint(1, 7)))
        else:
            self.close(episode, min(plan_end + timedelta(days=rng.randint(0, 5)), self.end), "RC7")

    def cp_plan(self, start: date, *, may_end: bool = True) -> ChildProtectionPlan:
        """A plan from ``start`` with its review conferences (3 months, then every 6) up to the year end;
        ended at one of the reviews inside the year for about half of them."""
        rng = self.rng
        initial = _weighted(rng, CATEGORIES_OF_ABUSE)
        latest = initial if rng.random() < 0.85 else _weighted(rng, CATEGORIES_OF_ABUSE)
        plan = ChildProtectionPlan(
            start=start.isoformat(),
            initial_category=initial,
            latest_category=latest,
            number_of_previous=rng.choice(("0", "0", "0", "0", "0", "0", "1", "1", "2")),
            has_reviews_element=True,
        )
        reviews: list[date] = []
        review = clock_due_date("cp-first-review", start, calendar=self.cal)
        while review <= self.end:
            reviews.append(review)
            review = clock_due_date("cp-review", review, calendar=self.cal)
        in_year = [day for day in reviews if day >= self.start]
        if may_end and in_year and rng.random() < 0.5:
            ends = rng.choice(in_year)
            plan.end = ends.isoformat()
            in_year = [day for day in in_year if day <= ends]
        plan.review_dates = [day.isoformat() for day in in_year]
        plan.has_reviews_element = bool(in_year)
        return plan

    def carried_over_plan(self) -> CINDetails:
        """An episode referred in an earlier year whose child protection plan is still open on 1 April: only
        the plan is in this year's return (the assessment and enquiry finished before it)."""
        rng = self.rng
        referral = self.start - timedelta(days=rng.randint(60, 700))
        episode = self.new_episode(referral, nfa=False)
        episode.primary_need = "N1"
        plan_start = self.cal.working_day_on_or_after(referral + timedelta(days=rng.randint(10, 40)))
        plan = self.cp_plan(plan_start)
        episode.cp_plans.append(plan)
        plan_end = as_date(plan.end)
        if plan_end is not None:
            # Stepped down to a CIN plan; the episode stays open into the next year.
            start = plan_end + timedelta(days=rng.randint(1, 7))
            if start <= self.end:
                episode.cin_plans.append(CINPlan(start=start.isoformat()))
        return episode


# --- Deliberate errors -------------------------------------------------------------------------------------


def _inject_error(child: ChildRecord, rng: random.Random, period_start: date) -> str:
    """Break one thing in the child, chosen from the errors that fit its record; the rule code it breaks.
    Other rules may flag what follows from it (an episode closed before its referral has activity after
    its closure, 8565)."""
    further_action = [episode for episode in child.cin_details if episode.primary_need]
    # Plans started this year: ending a carried-over plan on its start day would also end it outside the year.
    plans = [
        plan
        for episode in child.cin_details
        for plan in episode.cp_plans
        if (as_date(plan.start) or period_start) >= period_start
    ]
    closed = [episode for episode in child.cin_details if episode.closure_date]
    choices = ["4180", "4220", "8866", "8794"]
    if child.upn:
        choices.append("1510")
    if further_action:
        choices.append("8650")
    if plans:
        choices.append("8840")
    if closed:
        choices.append("8630")
    code = rng.choice(choices)
    if code == "4180":
        child.sex = None
    elif code == "4220":
        child.ethnicity = "XXXX"
    elif code == "8866":
        rng.choice(child.cin_details).referral_source = "99"
    elif code == "8794":
        child.has_disabilities_element = True
        child.disabilities = ["MOB", "MOB"]
    elif code == "1510":
        assert child.upn is not None
        right = child.upn[0]
        child.upn = UPN_CHECK_LETTERS[(UPN_CHECK_LETTERS.index(right) + 1) % 23] + child.upn[1:]
    elif code == "8650":
        rng.choice(further_action).primary_need = "N99"
    elif code == "8840":
        plan = rng.choice(plans)
        plan.end = plan.start
        plan.review_dates = []
        plan.has_reviews_element = False
    else:
        episode = rng.choice(closed)
        referral = as_date(episode.referral_date)
        assert referral is not None
        episode.closure_date = (referral - timedelta(days=7)).isoformat()
    return code


def parse_year(text: str) -> int:
    """A census year given as "2023" or "2022-23" (both the census ending 31 March 2023)."""
    value = text.strip()
    if len(value) == 4 and value.isdigit():
        return int(value)
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        first = int(value[:4])
        if (first + 1) % 100 == int(value[5:]):
            return first + 1
    raise ValueError(f"'{text}' is not a census year: give it as 2023 or 2022-23")
