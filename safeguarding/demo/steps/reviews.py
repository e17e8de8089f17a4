"""Case reviews and the shared action tracker at Walsall's scale: five financial years, 2018-19 to 2022-23.

What the seeds say the Practice Review Group handles (seed 000 "Learning from Case Reviews and Audits";
seed 003 "Learning from case reviews"): about 4 to 7 cases referred for consideration a year, most of them
serious child safeguarding incidents notified to the National Panel and heard at a rapid review; 1 or 2 a
year go on to a local review (LCSPR, SAR or DHR), some to an alternative (thematic, tabletop); the rest get no
local review. Reviews stand still for criminal proceedings (an SCR from 2018 and an LCSPR from 2021 were
still waiting in 2022-23) and for a coroner's inquest (a review from 2019, after criminal proceedings
ended), and for forensic experts' advice. The 2022-23 reviews are still in progress: an LCSPR and a
thematic review of neglect. Learning themes follow the seeds: injuries in non-mobile babies in 2020-22,
neglect in 2022-23, and throughout think family, working with fathers, professional curiosity and
information sharing.

Each published review gets a 7-minute briefing (safeguarding.briefings), published the same day and shared
in the newsletter or at a practice reflection workshop.

Nearly everything goes through the reviews, actions and briefings services, as the pages would, so
statuses, numbering and history are what the platform would hold. Two kinds of row are written in batches
instead, for speed: the rapid review information requests after a case's first (with their first history
row), and progress notes that change no status (the service would only check the writer's permission, which
every writer here has, and insert the row). The services stamp some times with the real clock
(Action.created_at, ActionUpdate.written_at, ActionEvidence.uploaded_at, Action.closed_at and
impact_recorded_at): the demo's dates are in the past, so those are set afterwards in one bulk_update per
model (the equivalent of a queryset .update(), batched); the history rows keep the real time they were
written. The demo's "today" is REFERENCE_DATE (31 March
2023): nothing is dated after it, so some actions are overdue and some have had no update for more than 30
days on that day.

The numbers are the same at every scale: a partnership's case reviews are a handful a year whatever its
size, and the step stays fast. Review codes run W10, W11 ... in the order the partnership became aware.
Who a review is about (an invented name from safeguarding/demo/names.py) is only in ReviewSubject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.actions.models import Action, ActionEvidence, ActionUpdate
from safeguarding.actions.services import (
    action_close,
    action_evidence_add,
    action_impact_record,
    action_update_add,
)
from safeguarding.briefings.models import SECTIONS_BY_NAME, Briefing, BriefingShare
from safeguarding.briefings.services import briefing_create, briefing_publish, briefing_share_record
from safeguarding.children.codes import Ethnicity
from safeguarding.core.clocks import clock_due_date
from safeguarding.demo import shape
from safeguarding.demo.generator import REFERENCE_DATE, SeedContext, bulk_save
from safeguarding.demo.names import PLACE_FEATURES, PLACES
from safeguarding.demo.sign_ins import DEMO_DOMAIN
from safeguarding.indicators.models import Indicator
from safeguarding.reviews.models import (
    CaseReview,
    Decision,
    MilestoneStage,
    RapidReviewRequest,
    Recommendation,
    Reviewer,
    ReviewerAppointment,
    ReviewPause,
    ReviewSubject,
)
from safeguarding.reviews.services import (
    rapid_review_record,
    rapid_review_request_information,
    rapid_review_request_returned,
    recommendation_action_add,
    recommendation_add,
    review_close,
    review_decision_record,
    review_milestone_record,
    review_notification_record,
    review_pause,
    review_publish,
    review_refer,
    review_resume,
    review_start,
    reviewer_add,
)

Kind = CaseReview.Kind
Status = Action.Status
Reason = ReviewPause.Reason

YEARS = (2018, 2019, 2020, 2021, 2022)  # financial years, by the calendar year they start in
FIRST_CODE_NUMBER = 10
REFERRALS_PER_YEAR = (4, 6)
# Local reviews per year (seed 000: "Of the 4 referrals considered, 1 progressed to a LCSPR"); the first two
# years have two, so that most of the early reviews are published even with two of them paused.
LOCAL_REVIEWS = {2018: (2, 2), 2019: (2, 2), 2020: (1, 2), 2021: (1, 2), 2022: (1, 1)}
ACTIONS_TARGET = 150
MAX_ACTIONS_PER_RECOMMENDATION = 5
EXECUTIVE = "Walsall Safeguarding Partnership executive group"
PUBLICATION_SITE = "https://safeguarding.example.org/learning/reviews/"
REVIEWERS = 6

# What happens to the first local review decided in each year (seed 003, "Learning from case reviews").
PUBLISHED = "published"
CLOSED_UNPUBLISHED = "closed_unpublished"
IN_PROGRESS = "in_progress"
CRIMINAL = "criminal"  # paused for criminal proceedings, still paused
CRIMINAL_EARLY = "criminal_early"  # paused early on (practitioners cannot yet be spoken to), still paused
CRIMINAL_THEN_CORONER = "criminal_then_coroner"  # criminal proceedings ended; waits for the inquest
EXPERT_ADVICE = "expert_advice"  # paused for forensic experts' advice, then published
FIRST_REVIEW_FATE = {
    2018: CRIMINAL,
    2019: CRIMINAL_THEN_CORONER,
    2020: EXPERT_ADVICE,
    2021: CRIMINAL_EARLY,
    2022: IN_PROGRESS,
}

# Planned days from the day the terms are agreed to each milestone (about seven months to publication).
PLAN_DAYS = {
    MilestoneStage.SCOPING: 30,
    MilestoneStage.PRACTITIONER_EVENT: 75,
    MilestoneStage.FAMILY_INVOLVEMENT: 95,
    MilestoneStage.DRAFT: 130,
    MilestoneStage.FINAL_REPORT: 165,
    MilestoneStage.EXEC_SIGN_OFF: 185,
    MilestoneStage.PUBLICATION: 205,
}
# The milestones a review still in progress on the demo's today has not reached, however early it began.
LATE_STAGES = (MilestoneStage.FINAL_REPORT, MilestoneStage.EXEC_SIGN_OFF, MilestoneStage.PUBLICATION)
# Alternative reviews are shorter; a tabletop, single-agency or learning review has no family involvement
# and is not published.
ALTERNATIVE_SPEED = 0.6
UNPUBLISHED_DECISIONS = (Decision.TABLETOP, Decision.SINGLE_AGENCY, Decision.LEARNING_REVIEW)

# Who can be asked for a rapid review's chronology, by the kind of case.
CHILD_AGENCIES = (shape.COUNCIL, shape.POLICE, shape.ICB, shape.HOSPITAL_TRUST, "GP001", "PRI001", "EY001")
CHILD_EXTRA = (shape.MENTAL_HEALTH_TRUST, shape.YOUTH_JUSTICE, shape.HOUSING_GROUP, "SEC001")
ADULT_AGENCIES = (shape.COUNCIL, shape.POLICE, shape.ICB, shape.MENTAL_HEALTH_TRUST, "GP002")
ADULT_EXTRA = (shape.HOSPITAL_TRUST, shape.PROBATION, shape.HOUSING_GROUP, "VCS001")

# Learning themes (codes from safeguarding.actions.models.THEMES), weighted by year as the seeds tell it.
CHILD_THEME_WEIGHTS = {
    "professional_curiosity": 3,
    "information_sharing": 3,
    "think_family": 2,
    "neglect": 2,
    "non_mobile_injuries": 2,
    "working_with_fathers": 2,
    "other": 1,
}
YEAR_THEME_BOOST = {2020: "non_mobile_injuries", 2021: "non_mobile_injuries", 2022: "neglect"}
ADULT_THEMES = ("think_family", "information_sharing", "professional_curiosity", "other")


@dataclass(frozen=True)
class ActionIdea:
    """An action a recommendation could lead to, for one kind of owner ("council", "police" ...)."""

    owner: str
    title: str


# For each theme: recommendations as the reviews word them, and actions agencies take on them. Synthetic,
# in the style of Walsall's published learning (seeds 000 and 003).
RECOMMENDATIONS: dict[str, tuple[str, ...]] = {
    "professional_curiosity": (
        "Partners should assure the partnership that practitioners are curious about who lives in and "
        "visits the household, and check what they are told.",
        "Supervision in every agency should challenge practitioners to test parents' accounts against what "
        "they see.",
        "Practitioners should be supported to ask about and record the lived experience of the child.",
    ),
    "information_sharing": (
        "Agencies should share information about risk promptly and directly with the lead professional, "
        "not only through the referral route.",
        "The partnership should make sure health, police and children's services know when to share "
        "information without consent, and do it.",
        "Cross-border information sharing should be tested when families move between local authorities.",
    ),
    "think_family": (
        "Adult services should consider the children and dependants of the adults they work with, and act "
        "on what they find.",
        "Assessments should take account of parents' mental health, substance use and domestic abuse "
        "together, not one at a time.",
    ),
    "neglect": (
        "Partners should use the Graded Care Profile 2 to assess and measure change where neglect is the "
        "main concern.",
        "The partnership should check that the Neglect Strategy is used in practice, before statutory "
        "intervention is needed.",
    ),
    "non_mobile_injuries": (
        "Every agency should follow the partnership's protocol for bruising and injuries in non-mobile "
        "babies, and the partnership should audit its use.",
        "Midwives, health visitors and GPs should give consistent safer-sleep and coping-with-crying "
        "advice to both parents.",
    ),
    "working_with_fathers": (
        "Practitioners should identify, involve and assess fathers and male carers, including those who do "
        "not live with the child.",
        "Agencies should record who the significant men in a child's life are and what is known about them.",
    ),
    "other": (
        "The partnership should review how suicide prevention is considered for young people known to "
        "several agencies.",
        "Thresholds (Right Help, Right Time) should be applied consistently when concerns escalate.",
        "Practitioners should understand the culture and needs of Gypsy, Roma and Traveller families they "
        "work with.",
    ),
}

ACTION_IDEAS: dict[str, tuple[ActionIdea, ...]] = {
    "professional_curiosity": (
        ActionIdea("council", "Refresh professional curiosity training for all frontline social workers"),
        ActionIdea(
            "police", "Add 'who lives here and who visits' prompts to domestic abuse attendance checks"
        ),
        ActionIdea("hospital", "Include household composition questions in health visitor new birth visits"),
        ActionIdea("icb", "Audit 20 GP records for how household members are recorded"),
        ActionIdea("school", "Brief designated safeguarding leads on testing parents' explanations"),
        ActionIdea("bu", "Run a multi-agency learning event on professional curiosity"),
        ActionIdea("council", "Add a reflective challenge section to the supervision template"),
    ),
    "information_sharing": (
        ActionIdea("police", "Send attendance notifications to the lead professional within one working day"),
        ActionIdea("council", "Update the MASH information-sharing agreement and circulate it to partners"),
        ActionIdea("icb", "Issue GP guidance on sharing information without consent"),
        ActionIdea("hospital", "Make sure emergency department safeguarding flags reach health visiting"),
        ActionIdea("mental_health", "Add the child's lead professional to adult mental health care plans"),
        ActionIdea("bu", "Publish a 7-minute briefing on information sharing"),
        ActionIdea("police", "Brief response officers on the cross-border transfer protocol"),
        ActionIdea("housing", "Share tenancy concerns about vulnerable households with the MASH"),
    ),
    "think_family": (
        ActionIdea("mental_health", "Add a 'think family' question to every adult mental health assessment"),
        ActionIdea("council", "Train adult social care staff on recognising children's needs"),
        ActionIdea("probation", "Check for children in the household at every probation risk review"),
        ActionIdea("police", "Record children present at every domestic abuse incident"),
        ActionIdea("icb", "Add a dependants prompt to the GP safeguarding template"),
        ActionIdea("bu", "Revise the partnership's Think Family guidance"),
    ),
    "neglect": (
        ActionIdea("council", "Train 60 practitioners to use the Graded Care Profile 2"),
        ActionIdea("hospital", "Health visitors to use the Graded Care Profile 2 where neglect is suspected"),
        ActionIdea("school", "Link poor attendance and neglect indicators in the school's safeguarding log"),
        ActionIdea("early_years", "Add neglect indicators to early years key worker checks"),
        ActionIdea("bu", "Include neglect in the multi-agency audit programme"),
        ActionIdea("icb", "Share the neglect toolkit with every GP practice"),
        ActionIdea("housing", "Report home conditions concerns through the early help route"),
    ),
    "non_mobile_injuries": (
        ActionIdea(
            "hospital", "Re-launch the bruising in non-mobile babies protocol in the emergency department"
        ),
        ActionIdea("icb", "Remind GP practices of the non-mobile babies protocol and referral route"),
        ActionIdea(
            "council", "Make sure every MASH referral about a non-mobile baby has a strategy discussion"
        ),
        ActionIdea("police", "Brief officers on injuries in non-mobile babies"),
        ActionIdea("hospital", "Give safer-sleep and coping-with-crying advice to fathers at discharge"),
        ActionIdea("bu", "Audit the use of the non-mobile babies protocol"),
    ),
    "working_with_fathers": (
        ActionIdea("council", "Record fathers' details and views in every child and family assessment"),
        ActionIdea("hospital", "Invite fathers to antenatal and new birth contacts"),
        ActionIdea(
            "police", "Share what is known about the significant men in a child's life at strategy meetings"
        ),
        ActionIdea("probation", "Tell children's services when a supervised man lives with children"),
        ActionIdea("bu", "Deliver a 'seen and heard' briefing on working with fathers"),
        ActionIdea("early_years", "Ask about male carers at nursery registration"),
    ),
    "other": (
        ActionIdea("mental_health", "Add suicide prevention questions to CAMHS triage"),
        ActionIdea("council", "Refresh the Right Help, Right Time threshold guidance"),
        ActionIdea("school", "Train staff on Gypsy, Roma and Traveller families' culture and needs"),
        ActionIdea("youth_justice", "Screen every young person for self-harm at intake"),
        ActionIdea("bu", "Publish the escalation and resolution policy on the website"),
        ActionIdea("police", "Review the missing-person risk assessment for young people known to services"),
    ),
}

OWNER_CODES = {
    "council": shape.COUNCIL,
    "police": shape.POLICE,
    "icb": shape.ICB,
    "hospital": shape.HOSPITAL_TRUST,
    "mental_health": shape.MENTAL_HEALTH_TRUST,
    "probation": shape.PROBATION,
    "youth_justice": shape.YOUTH_JUSTICE,
    "housing": shape.HOUSING_GROUP,
    "bu": shape.BUSINESS_UNIT,
    "school": "PRI001",  # the demo safeguarding lead's school, so that sign-in has actions to answer
    "early_years": "EY001",
}

# Roles that update their own agency's actions (safeguarding/accounts/roles.py: action.update).
WRITER_ROLES = ("agency_safeguarding_lead", "subgroup_member", "mash_manager")
BU_ROLES = ("business_unit_officer", "business_unit_manager")

REVIEWER_POOL = (
    ("Children's social care and LCSPRs", "Independent safeguarding consultant"),
    ("Health: safeguarding children, midwifery and health visiting", "Northfield Safeguarding Associates"),
    ("Safeguarding adult reviews and mental capacity", "Independent adult safeguarding consultant"),
    ("Domestic abuse and domestic homicide reviews", "Harborne Review Partnership"),
    ("Policing, child sexual abuse and exploitation", "Independent reviewer (former senior detective)"),
    ("Thematic reviews and systems methodology", "Learning Together Reviews Ltd"),
)

TERMS: dict[str, str] = {
    Decision.LOCAL_REVIEW: (
        "Review how agencies worked together with the {subject} and family in the 18 months before the "
        "incident; what helped and what got in the way; and what the partnership should change."
    ),
    Decision.THEMATIC: (
        "A thematic review across recent cases: the barriers to using the partnership's strategy in "
        "practice, drawing on the cases heard at rapid review this year."
    ),
    Decision.TABLETOP: (
        "A tabletop review with the practitioners involved: the key decision points and what each agency "
        "knew at the time."
    ),
    Decision.SINGLE_AGENCY: "A single-agency review by the lead agency of its own work, reported back.",
    Decision.LEARNING_REVIEW: "A learning review with practitioners and managers from the agencies involved.",
}
IMMEDIATE_ACTIONS = (
    "Siblings' safety checked the same day; strategy discussion held and plans reviewed.",
    "Child protection enquiries started for the other children in the household.",
    "The family's GP and school were told; health visiting contact increased.",
    "Safety plan agreed with the adult's family; care provider's other clients checked.",
)
LEARNING = {
    "professional_curiosity": "Practitioners accepted explanations at face value and did not test them.",
    "information_sharing": "Agencies held information the others did not know about.",
    "think_family": "Adult services did not consider the children in the household.",
    "neglect": "Long-standing neglect was not recognised as cumulative harm.",
    "non_mobile_injuries": "Bruising in a non-mobile baby was not referred under the protocol.",
    "working_with_fathers": "The father and other significant men were not known to the professionals.",
    "other": "Thresholds were applied differently by different agencies as concerns escalated.",
}
PANEL_RESPONSES: dict[str, str] = {
    Decision.NO_LOCAL_REVIEW: "The Panel agreed that no local review is needed: the learning is clear.",
    Decision.LOCAL_REVIEW: "The Panel agreed with the decision to carry out a local review.",
}
RELIGIONS = ("", "Christian", "Muslim", "Sikh", "Hindu", "No religion", "Not known")
ETHNICITIES = (
    (Ethnicity.WBRI, 60),
    (Ethnicity.APKN, 8),
    (Ethnicity.AIND, 6),
    (Ethnicity.MWBC, 6),
    (Ethnicity.BCRB, 4),
    (Ethnicity.BAFR, 4),
    (Ethnicity.WOTH, 4),
    (Ethnicity.ABAN, 3),
    (Ethnicity.WIRT, 2),
    (Ethnicity.NOBT, 3),
)
STREETS = ("Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Grove")

# What the owner agencies write on their actions.
STARTED = (
    "Lead named and work planned; first meeting with the team managers held.",
    "Work started: draft circulated to the agency's safeguarding group for comment.",
    "Scoped with the named professionals; timeline agreed with the business unit.",
)
PROGRESS = (
    "Training dates set; 40 staff booked on the first two sessions.",
    "Draft guidance agreed by the safeguarding group; going to the next governance meeting.",
    "Half of the teams briefed; the rest booked for next month.",
    "Delayed by staff vacancies in the team; new date agreed with the subgroup chair.",
    "Template change requested from the system supplier; testing in progress.",
    "Audit sample chosen; records being reviewed by the named nurse.",
)
COMPLETED = (
    "Complete: every team briefed and the attendance register attached.",
    "Complete: guidance published on the intranet; the launch note is attached.",
    "Complete: the audit is finished and its report is attached.",
    "Complete: the template is live and the first month's report is attached.",
)
NOT_ACHIEVABLE = (
    "Not achievable: the system supplier cannot make the change; a manual check is in place instead.",
    "Not achievable as written: the service was decommissioned; the learning is covered by the new provider.",
)
SUPERSEDED = (
    "Superseded by the partnership's new multi-agency training programme, which covers this learning.",
    "Superseded by the regional procedure published this year.",
)
EVIDENCE = (
    ("attendance-register", "Attendance register for the briefing sessions"),
    ("guidance", "The published guidance"),
    ("audit-report", "Audit report with the findings"),
    ("template-report", "Report from the new template's first month"),
)
IMPACT_APPROACHES = (
    (Action.ImpactApproach.SINGLE_AGENCY_EVIDENCE, 40),
    (Action.ImpactApproach.SECTION_11_TRIANGULATION, 25),
    (Action.ImpactApproach.MULTI_AGENCY_AUDIT, 15),
    (Action.ImpactApproach.DEEP_DIVE, 10),
    (Action.ImpactApproach.ENQUIRY_PANEL, 10),
)
IMPACT_RATINGS = (
    (Action.ImpactRating.STRONG, 25),
    (Action.ImpactRating.SOME, 45),
    (Action.ImpactRating.NONE, 10),
    (Action.ImpactRating.NOT_YET_KNOWN, 20),
)
IMPACT_NOTES = {
    Action.ImpactApproach.SINGLE_AGENCY_EVIDENCE: "The agency's audit of 10 cases shows the change in use.",
    Action.ImpactApproach.SECTION_11_TRIANGULATION: "Tested at the Section 11 assurance challenge event.",
    Action.ImpactApproach.MULTI_AGENCY_AUDIT: "Covered by this year's multi-agency audit theme.",
    Action.ImpactApproach.DEEP_DIVE: "A deep dive into recent cases found the practice embedded.",
    Action.ImpactApproach.ENQUIRY_PANEL: "Senior managers gave assurance at the enquiry panel.",
}
# A registry indicator that shows the before and after for a theme, linked when the registry has it.
IMPACT_INDICATORS = {
    "neglect": "cpp_initial_category_pct",
    "information_sharing": "contacts_decided_1wd_pct",
}

# Action lifecycles, weighted by how long ago the recommendation was agreed.
CLOSED_WITH_IMPACT = "closed_with_impact"
CLOSED_COMPLETE = "closed_complete"
AWAITING_CLOSURE = "awaiting_closure"  # complete with evidence: the business unit has still to close it
NO_EVIDENCE = "no_evidence"  # marked complete without evidence: cannot be closed yet
IN_PROGRESS_FRESH = "in_progress_fresh"
IN_PROGRESS_STALE = "in_progress_stale"
NOT_STARTED = "not_started"
NOT_ACHIEVABLE_CLOSED = "not_achievable"
SUPERSEDED_CLOSED = "superseded"
LIFECYCLES = (
    CLOSED_WITH_IMPACT,
    CLOSED_COMPLETE,
    AWAITING_CLOSURE,
    NO_EVIDENCE,
    IN_PROGRESS_FRESH,
    IN_PROGRESS_STALE,
    NOT_STARTED,
    NOT_ACHIEVABLE_CLOSED,
    SUPERSEDED_CLOSED,
)
OLD_WEIGHTS = (45, 14, 5, 3, 6, 12, 3, 6, 6)  # agreed more than a year before the demo's today
MIDDLE_WEIGHTS = (15, 12, 10, 5, 20, 18, 10, 5, 5)  # four months to a year
RECENT_WEIGHTS = (0, 0, 8, 4, 45, 8, 35, 0, 0)  # less than four months
STALE_AFTER_DAYS = 30  # settings.ACTIONS_STALE_DAYS' default


@dataclass
class Case:
    """One referral for consideration and what became of it."""

    year: int
    code: str
    kind: str
    aware: date
    theme: str
    agencies: list[Agency] = field(default_factory=list)
    decision: str = ""
    fate: str = ""
    latest: bool = False  # the last referral of all: still at the rapid review
    decided_on: date | None = None
    review: CaseReview | None = None
    final_report_on: date | None = None


@dataclass(frozen=True)
class People:
    officer: User
    owners: list[User]
    writers: dict[str, list[User]]  # agency code -> people who update its actions

    def writer(self, ctx: SeedContext, agency: Agency) -> User:
        return ctx.rng.choice(self.writers.get(agency.code) or [self.officer])


@dataclass
class Fixes:
    """What the action lifecycles share: rows whose real-clock dates are set to the demo's at the end, the
    progress notes written in one batch, and the registry indicators an impact can link to."""

    actions: list[Action] = field(default_factory=list)
    updates: list[ActionUpdate] = field(default_factory=list)
    notes: list[ActionUpdate] = field(default_factory=list)  # progress notes that change no status
    evidence: list[ActionEvidence] = field(default_factory=list)
    indicators: set[str] = field(default_factory=set)  # IMPACT_INDICATORS codes the registry holds


def reviews_create(ctx: SeedContext) -> None:
    """The reviewer pool, five years of referrals and reviews, their recommendations and ~150 actions."""
    people = _people(ctx)
    reviewers = _reviewers_create(ctx, people.officer)
    cases = _cases_plan(ctx)
    for case in cases:
        _case_write(ctx, case, people, reviewers)
    recommendations = _recommendations_create(ctx, cases, people.officer)
    _actions_create(ctx, recommendations, cases, people)
    _briefings_create(ctx, cases, people.officer)


# --- people -------------------------------------------------------------------------------------------


def _people(ctx: SeedContext) -> People:
    memberships = Membership.objects.select_related("user", "agency").order_by("pk")
    officer = ctx.users_by_email.get(f"bu.officer@{DEMO_DOMAIN}")
    manager = ctx.users_by_email.get(f"bu.manager@{DEMO_DOMAIN}")
    business_unit = [m.user for m in memberships.filter(role__in=BU_ROLES)]
    officer = officer or business_unit[0]
    owners = [user for user in (officer, manager) if user is not None]
    writers: dict[str, list[User]] = {}
    for membership in memberships.filter(role__in=WRITER_ROLES):
        people = writers.setdefault(membership.agency.code, [])
        if membership.user not in people:
            people.append(membership.user)
    writers[shape.BUSINESS_UNIT] = owners
    return People(officer=officer, owners=owners, writers=writers)


def _reviewers_create(ctx: SeedContext, actor: User) -> list[Reviewer]:
    reviewers = []
    for expertise, organisation in REVIEWER_POOL[:REVIEWERS]:
        name = ctx.person_name()
        reviewers.append(
            reviewer_add(
                actor=actor,
                name=name.full,
                expertise=expertise,
                organisation=organisation,
                email=ctx.unique_email(name.full, "reviewers.example.org"),
            )
        )
    ctx.counts["case reviewers in the pool"] += len(reviewers)
    return reviewers


# --- the plan -----------------------------------------------------------------------------------------


def _cases_plan(ctx: SeedContext) -> list[Case]:
    rng = ctx.rng
    cases: list[Case] = []
    number = FIRST_CODE_NUMBER
    for index, year in enumerate(YEARS):
        first, last = date(year, 4, 1), date(year + 1, 3, 31)
        latest_year = year == YEARS[-1]
        if latest_year:
            # The year's last referral arrived in March 2023 and is still at its rapid review.
            last = REFERENCE_DATE - timedelta(days=50)
        count = rng.randint(*REFERRALS_PER_YEAR)
        spots = count - 1 if latest_year else count
        days = sorted(rng.sample(range((last - first).days + 1), spots))
        awares = [first + timedelta(days=d) for d in days]
        if latest_year:
            awares.append(REFERENCE_DATE - timedelta(days=rng.randint(10, 16)))
        kinds = _kinds(ctx, count, index)
        year_cases = []
        for aware, kind in zip(awares, kinds, strict=True):
            year_cases.append(Case(year, f"W{number}", kind, aware, _theme(ctx, year, kind)))
            number += 1
        if latest_year:
            year_cases[-1].kind = Kind.NOTIFIABLE_INCIDENT
            year_cases[-1].latest = True
        _decide(ctx, year, year_cases)
        cases.extend(year_cases)
    return cases


def _kinds(ctx: SeedContext, count: int, index: int) -> list[str]:
    """Mostly notifiable incidents; a non-notifiable case most years, a SAR referral every other year or so,
    a domestic homicide review notification now and then (one in 2019-20 at least)."""
    rng = ctx.rng
    kinds: list[str] = []
    if rng.random() < 0.6:
        kinds.append(Kind.NON_NOTIFIABLE)
    if rng.random() < 0.45 or index == 3:
        kinds.append(Kind.SAR_REFERRAL)
    if rng.random() < 0.2 or index == 1:
        kinds.append(Kind.DHR_NOTIFICATION)
    kinds = kinds[: count - 2]
    kinds += [Kind.NOTIFIABLE_INCIDENT] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _theme(ctx: SeedContext, year: int, kind: str) -> str:
    if kind in (Kind.SAR_REFERRAL, Kind.DHR_NOTIFICATION):
        return ctx.rng.choice(ADULT_THEMES)
    weights = dict(CHILD_THEME_WEIGHTS)
    boosted = YEAR_THEME_BOOST.get(year)
    if boosted:
        weights[boosted] += 6
    return ctx.rng.choices(list(weights), weights=list(weights.values()))[0]


def _decide(ctx: SeedContext, year: int, cases: list[Case]) -> None:
    """The executive's decisions for one year's referrals (the latest referral of all is not decided yet)."""
    rng = ctx.rng
    open_cases = [case for case in cases if not case.latest]
    local_wanted = rng.randint(*LOCAL_REVIEWS[year])
    # A domestic homicide review notification leads to a review; then the notifiable incidents and SARs.
    chosen = [case for case in open_cases if case.kind == Kind.DHR_NOTIFICATION]
    candidates = [case for case in open_cases if case.kind in (Kind.NOTIFIABLE_INCIDENT, Kind.SAR_REFERRAL)]
    rng.shuffle(candidates)
    if year == YEARS[-1]:
        # 2022-23's local review is a child's LCSPR after a notifiable incident (seed 003).
        candidates.sort(key=lambda case: case.kind != Kind.NOTIFIABLE_INCIDENT)
    chosen += candidates[: max(0, local_wanted - len(chosen))]
    for case in chosen:
        case.decision = Decision.LOCAL_REVIEW
    rest = [case for case in open_cases if not case.decision and case.kind != Kind.DHR_NOTIFICATION]
    if year == YEARS[-1]:
        # 2022-23 (seed 003): a thematic review of neglect and a tabletop review of child sexual abuse.
        alternatives = [Decision.THEMATIC, Decision.TABLETOP]
    else:
        alternatives = [
            rng.choice(
                (Decision.THEMATIC, Decision.SINGLE_AGENCY, Decision.LEARNING_REVIEW, Decision.TABLETOP)
            )
        ][: rng.choice((0, 1, 1))]
    child_rest = [case for case in rest if case.kind != Kind.SAR_REFERRAL]
    for case, decision in zip(child_rest, alternatives, strict=False):
        case.decision = decision
        if decision == Decision.THEMATIC and year == YEARS[-1]:
            case.theme = "neglect"
    for case in open_cases:
        case.decision = case.decision or Decision.NO_LOCAL_REVIEW
    first = True
    for case in sorted(open_cases, key=lambda c: c.aware):
        if case.decision == Decision.NO_LOCAL_REVIEW:
            continue
        if year == YEARS[-1]:
            case.fate = IN_PROGRESS
        elif first and case.decision == Decision.LOCAL_REVIEW:
            case.fate = FIRST_REVIEW_FATE[year]
            first = False
        elif case.decision in UNPUBLISHED_DECISIONS:
            case.fate = CLOSED_UNPUBLISHED
        else:
            case.fate = PUBLISHED


# --- one case ----------------------------------------------------------------------------------------


def _case_write(ctx: SeedContext, case: Case, people: People, reviewers: list[Reviewer]) -> None:
    rng = ctx.rng
    actor = people.officer
    adult = case.kind in (Kind.SAR_REFERRAL, Kind.DHR_NOTIFICATION)
    case.agencies = _involved(ctx, adult)
    referrer = _referrer(ctx, case, adult)
    if referrer not in case.agencies:
        case.agencies.insert(0, referrer)
    review = review_refer(
        actor=actor,
        code=case.code,
        kind=case.kind,
        subject_type=CaseReview.SubjectType.ADULT if adult else CaseReview.SubjectType.CHILD,
        aware_date=case.aware,
        referred_by_agency=referrer,
        agencies_involved=case.agencies,
        owner=rng.choice(people.owners),
        subject=_subject(ctx, case, adult),
    )
    case.review = review
    ctx.counts["case reviews referred"] += 1
    notified = None
    if case.kind == Kind.NOTIFIABLE_INCIDENT:
        due = clock_due_date("serious-incident-notification", case.aware)
        # Usually within the five working days, sometimes a day or two past them.
        late = rng.random() < 0.15
        notified = (
            due + timedelta(days=rng.randint(1, 3)) if late else due - timedelta(days=rng.randint(0, 4))
        )
        notified = max(notified, case.aware + timedelta(days=1))
        review_notification_record(actor=actor, review=review, notification_date=notified)
    if case.kind == Kind.DHR_NOTIFICATION:
        # The community safety partnership commissions domestic homicide reviews: no rapid review here.
        case.decided_on = case.aware + timedelta(days=rng.randint(30, 60))
        review_decision_record(
            actor=actor,
            review=review,
            decision=case.decision,
            decided_by="Safer Walsall Partnership (community safety partnership)",
            decided_on=case.decided_on,
        )
    else:
        meeting = _rapid_review(ctx, case, review, notified, actor)
        if meeting is None:
            return
        case.decided_on = meeting + timedelta(days=rng.randint(5, 20))
        review_decision_record(
            actor=actor,
            review=review,
            decision=case.decision,
            decided_by=EXECUTIVE,
            decided_on=case.decided_on,
        )
    if case.decision != Decision.NO_LOCAL_REVIEW:
        _review_run(ctx, case, review, actor, reviewers)


def _involved(ctx: SeedContext, adult: bool) -> list[Agency]:
    core, extra = (ADULT_AGENCIES, ADULT_EXTRA) if adult else (CHILD_AGENCIES, CHILD_EXTRA)
    codes = list(core[:3]) + ctx.rng.sample(core[3:], ctx.rng.randint(1, len(core) - 3))
    codes += ctx.rng.sample(extra, ctx.rng.randint(0, 2))
    return [ctx.agencies[code] for code in codes if code in ctx.agencies]


def _referrer(ctx: SeedContext, case: Case, adult: bool) -> Agency:
    if case.kind == Kind.DHR_NOTIFICATION:
        return ctx.agency(shape.POLICE)
    if adult:
        return ctx.agency(ctx.rng.choice((shape.COUNCIL, shape.COUNCIL, shape.MENTAL_HEALTH_TRUST)))
    # The local authority notifies the Panel; other partners refer non-notifiable cases.
    if case.kind == Kind.NOTIFIABLE_INCIDENT:
        return ctx.agency(shape.COUNCIL)
    return ctx.agency(ctx.rng.choice((shape.POLICE, shape.HOSPITAL_TRUST, shape.ICB)))


def _subject(ctx: SeedContext, case: Case, adult: bool) -> dict[str, Any]:
    """The restricted identity and equality data: an invented name, a synthetic Walsall address."""
    rng = ctx.rng
    name = ctx.person_name()
    if adult:
        age = rng.randint(19, 84)
    elif case.theme == "non_mobile_injuries" or rng.random() < 0.35:
        age = 0  # Panel notifications are often about babies
    else:
        age = rng.randint(1, 17)
    born = case.aware - timedelta(days=age * 365 + rng.randint(20, 340))
    place = rng.choice(PLACES)
    address = f"{rng.randint(1, 240)} {rng.choice(PLACE_FEATURES)} {rng.choice(STREETS)}, {place}, Walsall"
    sex = rng.choice((ReviewSubject.Sex.FEMALE, ReviewSubject.Sex.MALE))
    orientation = (
        rng.choice(
            (ReviewSubject.SexualOrientation.HETEROSEXUAL,) * 4
            + (ReviewSubject.SexualOrientation.GAY_LESBIAN, ReviewSubject.SexualOrientation.NOT_KNOWN)
        )
        if adult
        else ReviewSubject.SexualOrientation.NOT_KNOWN
    )
    return {
        "full_name": name.full,
        "date_of_birth": born,
        "address": address,
        "age_at_incident": age,
        "sex": sex,
        "ethnicity": rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0],
        "disability": rng.choice(
            (ReviewSubject.Disability.NO,) * 3
            + (ReviewSubject.Disability.YES, ReviewSubject.Disability.NOT_KNOWN)
        ),
        "religion": rng.choice(RELIGIONS) if adult or age >= 12 else "",
        "sexual_orientation": orientation,
    }


def _rapid_review(
    ctx: SeedContext, case: Case, review: CaseReview, notified: date | None, actor: User
) -> date | None:
    """Ask the agencies for chronologies, record their returns and the meeting; the meeting date, or None
    while the latest referral's rapid review is still to come."""
    rng = ctx.rng
    requested = (notified or case.aware) + timedelta(days=rng.randint(0, 2))
    asked = [agency for agency in case.agencies if agency.code != shape.BUSINESS_UNIT]
    returns: list[date] = []
    more: list[RapidReviewRequest] = []
    for number, agency in enumerate(asked):
        due = requested + timedelta(days=7)
        returned: date | None = requested + timedelta(days=rng.randint(3, 11))  # a few come back late
        if returned is not None and returned > REFERENCE_DATE:
            returned = None
        if returned is not None:
            returns.append(returned)
        if number:
            # The first request goes through the services (it moves the case to its rapid review); the
            # others are the same rows, written in one batch with their first history row, for speed.
            more.append(
                RapidReviewRequest(
                    review=review,
                    agency=agency,
                    requested_on=requested,
                    due_date=due,
                    returned_on=returned,
                    information=RapidReviewRequest.Information.CHRONOLOGY_AND_SUMMARY,
                )
            )
            continue
        request = rapid_review_request_information(
            actor=actor,
            review=review,
            agency=agency,
            requested_on=requested,
            due_date=due,
            information=RapidReviewRequest.Information.CHRONOLOGY_AND_SUMMARY,
        )
        if returned is not None:
            rapid_review_request_returned(actor=actor, request=request, returned_on=returned)
    bulk_save(RapidReviewRequest, more)
    if case.latest:
        return None
    if notified is not None:
        due = clock_due_date("rapid-review", notified)
        meeting = (
            due + timedelta(days=rng.randint(1, 5))
            if rng.random() < 0.15
            else due - timedelta(days=rng.randint(0, 6))
        )
    else:
        # Non-notifiable cases and SAR referrals: an extraordinary Practice Review Group meeting.
        meeting = case.aware + timedelta(days=rng.randint(25, 45))
    meeting = max(meeting, max(returns, default=requested))
    panel_response, panel_date = "", None
    if notified is not None:
        panel_date = meeting + timedelta(days=rng.randint(20, 45))
        if panel_date <= REFERENCE_DATE:
            panel_response = PANEL_RESPONSES.get(
                case.decision, "The Panel noted the alternative review and asked to see its findings."
            )
        else:
            panel_date = None
    rapid_review_record(
        actor=actor,
        review=review,
        meeting_date=meeting,
        attending_agencies=[*asked, ctx.agency(shape.BUSINESS_UNIT)],
        immediate_actions=rng.choice(IMMEDIATE_ACTIONS),
        learning_identified=LEARNING[case.theme],
        recommendation=case.decision,
        panel_response=panel_response,
        panel_response_date=panel_date,
    )
    ctx.counts["rapid reviews"] += 1
    return meeting


def _review_run(
    ctx: SeedContext, case: Case, review: CaseReview, actor: User, reviewers: list[Reviewer]
) -> None:
    """Start the review and play its milestones, pauses and publication up to the demo's today."""
    rng = ctx.rng
    assert case.decided_on is not None
    started = case.decided_on + timedelta(days=rng.randint(14, 40))
    if started > REFERENCE_DATE:
        return
    alternative = case.decision != Decision.LOCAL_REVIEW
    speed = ALTERNATIVE_SPEED if alternative else 1.0
    skipped: set[str] = set()
    if case.decision in UNPUBLISHED_DECISIONS:
        skipped = {MilestoneStage.FAMILY_INVOLVEMENT, MilestoneStage.PUBLICATION}
    plan = {
        stage.value: started + timedelta(days=round(days * speed))
        for stage, days in PLAN_DAYS.items()
        if stage not in skipped
    }
    reviewer_fields: dict[str, Any] = {}
    if case.decision != Decision.TABLETOP:
        reviewer_fields = {
            "reviewer": rng.choice(reviewers),
            "reviewer_appointed_on": max(case.decided_on, started - timedelta(days=rng.randint(0, 12))),
            "reviewer_appointment": rng.choice(
                (ReviewerAppointment.POOL, ReviewerAppointment.POOL, ReviewerAppointment.OPEN_TENDER)
            ),
        }
    subject = "adult" if review.subject_type == CaseReview.SubjectType.ADULT else "child"
    review_start(
        actor=actor,
        review=review,
        terms_of_reference=TERMS[case.decision].format(subject=subject),
        terms_agreed_on=started,
        plan=plan,
        **reviewer_fields,
    )
    ctx.counts["case reviews started"] += 1
    pauses = _pauses(case.fate)
    delay = 0
    for stage in plan:
        if stage == MilestoneStage.PUBLICATION:
            break
        if case.fate == IN_PROGRESS and stage in LATE_STAGES:
            return  # 2022-23's reviews go on into 2023-24 (seed 003)
        done = plan[stage] + timedelta(days=delay + rng.randint(-4, 18))
        if done > REFERENCE_DATE:
            return
        review_milestone_record(actor=actor, review=review, stage=stage, done_on=done)
        delay = (done - plan[stage]).days
        if stage == MilestoneStage.FINAL_REPORT:
            case.final_report_on = done
        pause = pauses.pop(stage, None)
        while pause is not None:
            reason, detail, length, then = pause
            paused_on = done + timedelta(days=rng.randint(5, 20))
            if paused_on > REFERENCE_DATE:
                return
            review_pause(actor=actor, review=review, reason=reason, paused_on=paused_on, detail=detail)
            ctx.counts["case review pauses"] += 1
            if length is None:
                return  # still paused on the demo's today
            resumed = paused_on + timedelta(days=rng.randint(*length))
            if resumed > REFERENCE_DATE:
                return
            review_resume(actor=actor, review=review, resumed_on=resumed)
            delay += (resumed - done).days
            done = resumed
            pause = then
    if case.fate == CLOSED_UNPUBLISHED:
        review_close(actor=actor, review=review)
        return
    if MilestoneStage.PUBLICATION not in plan:
        return  # an unpublished alternative review still open on the demo's today
    published = plan[MilestoneStage.PUBLICATION] + timedelta(days=delay + rng.randint(0, 30))
    if published > REFERENCE_DATE:
        return
    review_publish(
        actor=actor,
        review=review,
        published_on=published,
        publication_url=f"{PUBLICATION_SITE}{case.code.lower()}",
    )
    ctx.counts["case reviews published"] += 1
    if case.year == YEARS[0]:
        review_close(actor=actor, review=review)


# A pause: (reason, detail, (shortest, longest) days or None while it lasts, the pause that follows).
Pause = tuple[str, str, tuple[int, int] | None, Any]


def _pauses(fate: str) -> dict[str, Pause]:
    """After which milestone a review of this fate stands still, and for how long."""
    if fate == CRIMINAL:
        return {
            MilestoneStage.EXEC_SIGN_OFF: (
                Reason.CRIMINAL_PROCEEDINGS,
                "Publication waits for the end of the criminal trial.",
                None,
                None,
            )
        }
    if fate == CRIMINAL_EARLY:
        return {
            MilestoneStage.SCOPING: (
                Reason.CRIMINAL_PROCEEDINGS,
                "Police investigation ongoing: the family and practitioners cannot yet be spoken to.",
                None,
                None,
            )
        }
    if fate == CRIMINAL_THEN_CORONER:
        inquest = (Reason.CORONERS_INQUEST, "Waiting for the outcome of the coroner's inquest.", None, None)
        return {
            MilestoneStage.DRAFT: (
                Reason.CRIMINAL_PROCEEDINGS,
                "Criminal proceedings: the review waits for the trial.",
                (560, 640),
                inquest,
            )
        }
    if fate == EXPERT_ADVICE:
        return {
            MilestoneStage.PRACTITIONER_EVENT: (
                Reason.EXPERT_ADVICE,
                "Waiting for the forensic experts' advice on the injuries.",
                (90, 150),
                None,
            )
        }
    return {}


# --- recommendations and actions ------------------------------------------------------------------------


def _recommendations_create(ctx: SeedContext, cases: Sequence[Case], actor: User) -> list[Recommendation]:
    """Recommendations from every finished report, interim ones from the rapid reviews of reviews still
    running, and learning agreed at some rapid reviews that led to no local review."""
    rng = ctx.rng
    made: list[Recommendation] = []
    for case in cases:
        if case.review is None or case.decided_on is None:
            continue
        if case.final_report_on is not None:
            count, agreed = rng.randint(3, 6), case.final_report_on
        elif case.decision != Decision.NO_LOCAL_REVIEW or rng.random() < 0.6:
            count, agreed = rng.randint(1, 2), case.decided_on
        else:
            continue
        themes = _recommendation_themes(ctx, case, count)
        used: set[str] = set()
        for theme in themes:
            texts = [text for text in RECOMMENDATIONS[theme] if text not in used]
            text = rng.choice(texts or RECOMMENDATIONS[theme])
            used.add(text)
            extra = [rng.choice(list(CHILD_THEME_WEIGHTS))] if rng.random() < 0.3 else []
            made.append(
                recommendation_add(
                    review=case.review,
                    actor=actor,
                    text=text,
                    themes=[theme, *(code for code in extra if code != theme)],
                    agreed_on=agreed,
                )
            )
    ctx.counts["review recommendations"] += len(made)
    return made


def _recommendation_themes(ctx: SeedContext, case: Case, count: int) -> list[str]:
    adult = case.kind in (Kind.SAR_REFERRAL, Kind.DHR_NOTIFICATION)
    others = [theme for theme in (ADULT_THEMES if adult else CHILD_THEME_WEIGHTS) if theme != case.theme]
    return [case.theme, *ctx.rng.sample(others, min(count - 1, len(others)))]


def _actions_create(
    ctx: SeedContext, recommendations: Sequence[Recommendation], cases: Sequence[Case], people: People
) -> None:
    """About ACTIONS_TARGET actions across the recommendations, each played through its lifecycle."""
    rng = ctx.rng
    involved = {case.code: {agency.code for agency in case.agencies} for case in cases}
    ideas = [_ideas(ctx, rec, involved[rec.review.code]) for rec in recommendations]
    counts = [1] * len(recommendations)
    spare = ACTIONS_TARGET - len(recommendations)
    caps = [min(MAX_ACTIONS_PER_RECOMMENDATION, len(found)) for found in ideas]
    while spare > 0 and any(count < cap for count, cap in zip(counts, caps, strict=True)):
        index = rng.randrange(len(counts))
        if counts[index] < caps[index]:
            counts[index] += 1
            spare -= 1
    fixes = Fixes(
        indicators=set(
            Indicator.objects.filter(code__in=IMPACT_INDICATORS.values()).values_list("code", flat=True)
        )
    )
    planned: list[tuple[Recommendation, ActionIdea, str]] = []
    for rec, found, count in zip(recommendations, ideas, counts, strict=True):
        for idea in found[:count]:
            planned.append((rec, idea, _lifecycle(ctx, rec.agreed_on)))
    _make_every_state_appear(ctx, planned)
    for rec, idea, lifecycle in planned:
        _action_play(ctx, rec, idea, lifecycle, people, fixes)
    # The services stamp these with the real clock; the demo's dates are set here in one go per model.
    Action.objects.bulk_update(fixes.actions, ["created_at", "closed_at", "impact_recorded_at"])
    ActionUpdate.objects.bulk_update(fixes.updates, ["written_at"])
    bulk_save(ActionUpdate, fixes.notes)
    ActionEvidence.objects.bulk_update(fixes.evidence, ["uploaded_at"])
    ctx.counts["actions"] += len(planned)


def _ideas(ctx: SeedContext, rec: Recommendation, involved: set[str]) -> list[ActionIdea]:
    """The recommendation's possible actions, owners involved in the case (or the statutory partners and
    the business unit) first, shuffled."""
    found: list[ActionIdea] = []
    for theme in rec.themes:
        for idea in ACTION_IDEAS[theme]:
            code = OWNER_CODES[idea.owner]
            if code in ctx.agencies and idea not in found:
                found.append(idea)
    ctx.rng.shuffle(found)
    always = {shape.COUNCIL, shape.POLICE, shape.ICB, shape.BUSINESS_UNIT}
    found.sort(key=lambda idea: OWNER_CODES[idea.owner] not in (involved | always))
    return found


def _lifecycle(ctx: SeedContext, agreed: date) -> str:
    age = (REFERENCE_DATE - agreed).days
    weights = OLD_WEIGHTS if age > 365 else MIDDLE_WEIGHTS if age > 120 else RECENT_WEIGHTS
    return ctx.rng.choices(LIFECYCLES, weights=weights)[0]


def _make_every_state_appear(ctx: SeedContext, planned: list[tuple[Recommendation, ActionIdea, str]]) -> None:
    """Whatever the draw, the tracker shows every lifecycle: a missing one replaces a common one on an action
    old enough for it (recommendations agreed more than four months before the demo's today)."""
    for lifecycle in LIFECYCLES:
        if any(chosen == lifecycle for _, _, chosen in planned):
            continue
        old = [
            i
            for i, (rec, _, chosen) in enumerate(planned)
            if (REFERENCE_DATE - rec.agreed_on).days > 200
            and chosen == CLOSED_WITH_IMPACT
            and sum(1 for _, _, c in planned if c == chosen) > 3
        ]
        if old:
            index = ctx.rng.choice(old)
            rec, idea, _ = planned[index]
            planned[index] = (rec, idea, lifecycle)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _action_play(
    ctx: SeedContext,
    rec: Recommendation,
    idea: ActionIdea,
    lifecycle: str,
    people: People,
    fixes: Fixes,
) -> None:
    rng = ctx.rng
    agency = ctx.agency(OWNER_CODES[idea.owner])
    writer = people.writer(ctx, agency)
    created = min(rec.agreed_on + timedelta(days=rng.randint(1, 14)), REFERENCE_DATE - timedelta(days=1))
    due = rec.agreed_on + timedelta(days=rng.randint(90, 300))
    action = recommendation_action_add(
        recommendation=rec,
        actor=people.officer,
        title=idea.title,
        owner_agency=agency,
        owner_person=writer,
        due_date=due,
        description=f"From recommendation {rec.number}: {rec.text}",
    )
    action.created_at = _at(created, 9)
    fixes.actions.append(action)
    if lifecycle == NOT_STARTED:
        return

    def write(day: date, text: str, status: str = "") -> None:
        written_at = _at(day, rng.randint(9, 17))
        if not status:
            # A note that changes no status is only a row (the service checks the writer may update the
            # agency's actions, which every writer here may): written in one batch at the end, for speed.
            fixes.notes.append(
                ActionUpdate(action=action, text=text, written_by=writer, written_at=written_at)
            )
            return
        update = action_update_add(action=action, actor=writer, text=text, status=status)
        update.written_at = written_at
        fixes.updates.append(update)

    last_day = REFERENCE_DATE - timedelta(days=1)
    if lifecycle == IN_PROGRESS_STALE:
        last_day = REFERENCE_DATE - timedelta(days=STALE_AFTER_DAYS + rng.randint(10, 120))
    started = min(created + timedelta(days=rng.randint(7, 40)), last_day)
    started = max(started, created)
    write(started, rng.choice(STARTED), Status.IN_PROGRESS)
    day = started
    for _ in range(rng.randint(0, 3)):
        following = day + timedelta(days=rng.randint(20, 80))
        if following > last_day:
            break
        day = following
        write(day, rng.choice(PROGRESS))
    if lifecycle == IN_PROGRESS_FRESH:
        recent = REFERENCE_DATE - timedelta(days=rng.randint(2, STALE_AFTER_DAYS - 5))
        if recent > day:
            write(recent, rng.choice(PROGRESS))
        return
    if lifecycle == IN_PROGRESS_STALE:
        return
    finished = min(day + timedelta(days=rng.randint(15, 90)), REFERENCE_DATE - timedelta(days=3))
    finished = max(finished, day)
    if lifecycle in (NOT_ACHIEVABLE_CLOSED, SUPERSEDED_CLOSED):
        text = rng.choice(NOT_ACHIEVABLE if lifecycle == NOT_ACHIEVABLE_CLOSED else SUPERSEDED)
        status = Status.NOT_ACHIEVABLE if lifecycle == NOT_ACHIEVABLE_CLOSED else Status.SUPERSEDED
        write(finished, text, status)
        _close(ctx, action, finished, people, fixes)
        return
    write(finished, rng.choice(COMPLETED), Status.COMPLETE)
    if lifecycle == NO_EVIDENCE:
        return
    _evidence(ctx, action, rec, writer, finished, fixes)
    if lifecycle == AWAITING_CLOSURE:
        return
    closed = _close(ctx, action, finished, people, fixes)
    if closed is None or lifecycle != CLOSED_WITH_IMPACT:
        return
    recorded = closed + timedelta(days=rng.randint(20, 150))
    if recorded > REFERENCE_DATE:
        return
    approach = rng.choices([a for a, _ in IMPACT_APPROACHES], weights=[w for _, w in IMPACT_APPROACHES])[0]
    indicator = _indicator_for(rec, fixes.indicators)
    impact = action_impact_record(
        action=action,
        actor=people.officer,
        approach=approach,
        rating=rng.choices([r for r, _ in IMPACT_RATINGS], weights=[w for _, w in IMPACT_RATINGS])[0],
        notes=IMPACT_NOTES[approach],
        indicator_code=indicator if rng.random() < 0.5 else "",
    )
    action.impact_recorded_at = _at(recorded, 15)
    action.impact_approach = impact.impact_approach


def _close(ctx: SeedContext, action: Action, finished: date, people: People, fixes: Fixes) -> date | None:
    """The business unit closes the finished action some days later (not when that is after today)."""
    closed = finished + timedelta(days=ctx.rng.randint(7, 45))
    if closed > REFERENCE_DATE:
        return None
    action_close(action=action, actor=people.officer)
    action.closed_at = _at(closed, 14)
    return closed


def _evidence(
    ctx: SeedContext, action: Action, rec: Recommendation, writer: User, day: date, fixes: Fixes
) -> None:
    slug, description = ctx.rng.choice(EVIDENCE)
    name = f"{rec.review.code}-R{rec.number}-{slug}.pdf"
    content = _pdf(
        [
            f"{action.owner_agency.name}",
            f"Evidence for {action.reference}: {action.title}",
            f"Review {rec.review.code}, recommendation {rec.number}",
            description,
            f"Dated {day:%-d %B %Y}. Synthetic demo document.",
        ]
    )
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    evidence = action_evidence_add(action=action, actor=writer, upload=upload, description=description)
    evidence.uploaded_at = _at(day, 16)
    fixes.evidence.append(evidence)


def _indicator_for(rec: Recommendation, indicators: set[str]) -> str:
    """A registry indicator showing the before and after for the recommendation's theme, when there is one."""
    for theme in rec.themes:
        code = IMPACT_INDICATORS.get(theme)
        if code in indicators:
            return code
    return ""


def _pdf(lines: Sequence[str]) -> bytes:
    """A one-page PDF of a few lines of text (Helvetica), small enough to store by the hundred."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    operations = ["BT", "/F1 11 Tf", "72 770 Td", "16 TL"]
    operations += [f"({escape(line)}) Tj T*" for line in lines]
    operations.append("ET")
    stream = "\n".join(operations).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- 7-minute briefings ------------------------------------------------------------------------------

BRIEFING_QUESTIONS = (
    "What would you have done with what each agency knew?",
    "Who would you have told, and how quickly?",
    "What gets in the way of doing this in your team?",
)
BRIEFING_SHARES = (
    (BriefingShare.Channel.NEWSLETTER, "Partnership quarterly newsletter"),
    (BriefingShare.Channel.EVENT, "Practice reflection workshop"),
    (BriefingShare.Channel.WEBSITE, "Partnership website, Learning tab"),
)


def _briefings_create(ctx: SeedContext, cases: Sequence[Case], actor: User) -> None:
    """A 7-minute briefing for each published review, published the day the review was and shared once or
    twice after (seed 003: briefings go out in newsletters and at practitioner events)."""
    for case in cases:
        review = case.review
        if review is None or review.published_on is None:
            continue
        subject = review.get_subject_type_display().lower()
        briefing = briefing_create(
            actor=actor,
            source_kind=Briefing.SourceKind.CASE_REVIEW,
            source_ref=case.code,
            title=f"Learning from review {case.code}",
            background=(
                f"Review {case.code} looked at how {len(case.agencies)} agencies worked with a {subject} "
                f"and their family. It was referred in {case.aware:%B %Y} and published in "
                f"{review.published_on:%B %Y}."
            ),
            why_it_matters=(
                "The same patterns appear in reviews across the country and in Walsall's own audits. "
                "Each of us holds part of the picture."
            ),
            what_happened=(
                "Several agencies were involved and each knew something important. The pieces were not put "
                "together in time, and the risk was not seen as a whole."
            ),
            what_we_learned=LEARNING[case.theme],
            what_to_do_differently=_recommendation_texts(review),
            questions_for_reflection="\n".join(BRIEFING_QUESTIONS),
            further_reading=f"The full report: {review.publication_url}",
        )
        briefing_publish(actor=actor, briefing=briefing, published_on=review.published_on)
        ctx.counts["7-minute briefings"] += 1
        shared = review.published_on + timedelta(days=ctx.rng.randint(3, 20))
        for channel, detail in BRIEFING_SHARES[: ctx.rng.randint(1, 2)]:
            if shared > REFERENCE_DATE:
                break
            briefing_share_record(
                actor=actor, briefing=briefing, channel=channel, detail=detail, shared_on=shared
            )
            shared += timedelta(days=ctx.rng.randint(20, 60))


def _recommendation_texts(review: CaseReview) -> str:
    """The review's recommendations, one a line, as many as fit the section (550 characters)."""
    limit = SECTIONS_BY_NAME["what_to_do_differently"].max_length
    lines: list[str] = []
    for rec in Recommendation.objects.filter(review=review).order_by("number"):
        if len("\n".join([*lines, rec.text])) > limit:
            break
        lines.append(rec.text)
    return "\n".join(lines) or "Read the full report and discuss its recommendations as a team."
