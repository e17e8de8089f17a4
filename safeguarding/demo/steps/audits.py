"""Multi-agency case file audits at Walsall's scale: four rounds a year for four financial years (2019-20 to
2022-23), and next year's programme planned, its first round open.

What the seeds say (seed 003 "Learning from Multi-Agency Audits", Tables 1 and 2; seed 002's audit tables;
seed 000 "Multi-Agency Audits"): four themed rounds a year, one a quarter, five children each; themes chosen
from the partnership's priorities, case reviews, JTAI preparation and data (neglect, child sexual abuse,
injuries in non-mobile babies, exploitation, self-harm); each agency audits its part; a panel grades the
quality of multi-agency working on a four-point scale; findings across the practice areas; a report to the
PQA subgroup; a 7-minute briefing; actions. The 2022-23 rounds are seed 003's Table 1 exactly (themes and
grades: 0% / 35% / 50% / 15%, 85% good or requires improvement). Earlier years' grades follow Table 2 as
closely as 20 cases allow (2021-22 0/60/40/0 exactly; 2020-21 5/60/30/5 for the report's 4/61/30/4;
2019-20 0/25/60/15 for 0/23/63/15), shuffled across the year's rounds. Findings use the recurring gaps of
seed 003 (chronologies, the Graded Care Profile 2, information sharing, plans owned by the lead agency
rather than the multi-agency group, the child's identity, drift and delay, professional escalation) and its
good practice; the 2022-23 findings paraphrase that year's report round by round. Seed 003 says no child was
found at risk through the audits in 2022-23, so the one escalation is in 2019-20. Its exploitation and
self-harm briefings were still to be written (due August 2023) and the neglect one was for the May 2023
conference, so the 2022-23 briefings are drafts; every earlier round's is published and shared.

Everything goes through the audits, actions and briefings services, as the pages would, so statuses,
numbering, permissions and history are what the platform holds. Children are drawn by `round_sample`
(stratified by journey stage and referrer) on the round's opening day, with a seed from ctx.rng. The demo's
children's records begin in October 2021 (frontdoor.FIRST_DAY; only children already in care are known
before), so the earlier rounds find few children in the journey on their day: the rest of their five are
chosen by hand (`round_case_add`, sampling "chosen"), from children alive and under 18 that day.

The services stamp some times with the real clock (AuditToolVersion.published_at, AuditSection.submitted_at,
Action.created_at and closed_at, ActionUpdate.written_at, ActionEvidence.uploaded_at); the demo's dates are
set afterwards in one bulk_update per model (a queryset update, batched). History rows keep the real time
they were written. Nothing reported is dated after the demo's today (REFERENCE_DATE, 31 March 2023). Of next
year's rounds (2023-24), the first was sampled and opened on 27 March, so the demo auditor has cases to audit
(one section started); the other three are planned, with dates ahead and no children yet.

The numbers are the same at every scale (a partnership audits five children a round whatever its size).
Auditors: the people holding the `auditor` role in the council, the ICB, the police (the demo sign-in
auditor@demo.example.org among them), the hospital trust and the mental health trust, and one made here in
the demo's school (PRI001), since schools have no auditor otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeguarding.accounts.models import Membership, User
from safeguarding.actions.models import Action, ActionEvidence, ActionUpdate
from safeguarding.actions.services import (
    action_close,
    action_evidence_add,
    action_impact_record,
    action_update_add,
)
from safeguarding.audits.models import (
    AUDIT_THEMES,
    AuditCase,
    AuditProgramme,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
    AuditToolVersion,
    Finding,
    Grade,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.services.auditing import (
    case_grade,
    escalation_record,
    family_views_record,
    finding_action_add,
    finding_add,
    independent_grade_record,
    practitioner_attendance_record,
    practitioner_invite,
    round_questions,
    round_report,
    round_to_moderation,
    section_save,
)
from safeguarding.audits.services.programme import (
    AuditError,
    case_section_assign,
    programme_create,
    round_case_add,
    round_create,
    round_open,
    round_sample,
    tool_create,
    tool_question_add,
    tool_version_new_draft,
    tool_version_publish,
)
from safeguarding.briefings.models import SECTION_MAX_LINES, SECTIONS_BY_NAME, Briefing, BriefingShare
from safeguarding.briefings.services import briefing_create, briefing_publish, briefing_share_record
from safeguarding.children.models import Child
from safeguarding.demo import shape
from safeguarding.demo.generator import REFERENCE_DATE, SeedContext
from safeguarding.demo.sign_ins import DEMO_DOMAIN
from safeguarding.demo.steps.people import AUDITOR, NewPerson, people_save, person_new
from safeguarding.demo.steps.reviews import _pdf

G = Grade.GOOD
RI = Grade.REQUIRES_IMPROVEMENT
INADEQUATE = Grade.INADEQUATE
OUTSTANDING = Grade.OUTSTANDING
Area = PracticeArea
Rationale = AuditRound.Rationale
Kind = AuditQuestion.Kind
Status = Action.Status

SCHOOL = "PRI001"  # the demo safeguarding lead's school
CASES_PER_ROUND = 5
CURRENT_YEAR = "2022-23"
NEXT_YEAR = "2023-24"
BU_ROLES = ("business_unit_officer", "business_unit_manager")


@dataclass(frozen=True)
class RoundPlan:
    quarter: int
    theme: str
    rationale: str
    rationale_detail: str
    theme_detail: str = ""


# The programme, year by year. 2022-23 is seed 003's Table 1; the earlier years use the seeds' themes and
# reasons (case reviews about injuries in non-mobile babies in 2020-22, neglect "a year on from the previous
# multi-agency audit" in Q4 2021-22, exploitation and neglect as standing priorities).
PROGRAMME: dict[str, tuple[RoundPlan, ...]] = {
    "2019-20": (
        RoundPlan(1, "neglect", Rationale.PRIORITY, "Neglect is a partnership priority."),
        RoundPlan(2, "exploitation", Rationale.PRIORITY, "Child exploitation is a partnership priority."),
        RoundPlan(
            3, "child_sexual_abuse", Rationale.DATA, "Referrals about child sexual abuse rose this year."
        ),
        RoundPlan(4, "self_harm", Rationale.DATA, "Hospital attendances for self-harm by teenagers rose."),
    ),
    "2020-21": (
        RoundPlan(
            1,
            "non_mobile_injuries",
            Rationale.CASE_REVIEW,
            "Rapid reviews this year found bruising in non-mobile babies not referred under the protocol.",
        ),
        RoundPlan(
            2, "neglect", Rationale.PRIORITY, "Neglect during the pandemic, when children were less seen."
        ),
        RoundPlan(3, "exploitation", Rationale.PRIORITY, "Exploitation and children missing from home."),
        RoundPlan(
            4, "child_sexual_abuse", Rationale.CASE_REVIEW, "Learning from a review of child sexual abuse."
        ),
    ),
    "2021-22": (
        RoundPlan(1, "self_harm", Rationale.DATA, "Self-harm by young people rose after the lockdowns."),
        RoundPlan(
            2,
            "non_mobile_injuries",
            Rationale.CASE_REVIEW,
            "Checking the non-mobile babies protocol a year after the last audit and two local reviews.",
        ),
        RoundPlan(3, "exploitation", Rationale.PRIORITY, "All-age exploitation is a partnership priority."),
        RoundPlan(4, "neglect", Rationale.PRIORITY, "Neglect is a partnership priority."),
    ),
    # Seed 003, Table 1 and the rounds' headings.
    "2022-23": (
        RoundPlan(
            1,
            "exploitation",
            Rationale.INSPECTION,
            "Progress against a key priority, and preparation for the Joint Targeted Area Inspection.",
            "JTAI-Exploitation",
        ),
        RoundPlan(
            2,
            "self_harm",
            Rationale.CASE_REVIEW,
            "Linked to the findings of child safeguarding practice reviews.",
            "Self-Harm",
        ),
        RoundPlan(
            3,
            "exploitation",
            Rationale.INSPECTION,
            "Progress against a key priority, repeated in preparation for the JTAI.",
            "JTAI-Exploitation",
        ),
        RoundPlan(
            4,
            "neglect",
            Rationale.PRIORITY,
            "The response to neglect a year on from the previous multi-agency audit.",
            "Neglect",
        ),
    ),
}
# Next year's programme, planned before it begins: rounds without children yet.
PLANNED: tuple[RoundPlan, ...] = (
    RoundPlan(
        1,
        "child_sexual_abuse",
        Rationale.CASE_REVIEW,
        "Learning from this year's tabletop review of child sexual abuse.",
    ),
    RoundPlan(2, "exploitation", Rationale.PRIORITY, "All-age exploitation remains a partnership priority."),
    RoundPlan(3, "self_harm", Rationale.DATA, "Self-harm by young people known to several agencies."),
    RoundPlan(4, "neglect", Rationale.PRIORITY, "Neglect: the strategy's first year."),
)
YEARS = tuple(PROGRAMME)

# The panel's grades. 2022-23 by round, exactly as seed 003 Table 1 (Outstanding, Good, RI, Inadequate).
CURRENT_GRADES: dict[int, tuple[int, int, int, int]] = {
    1: (0, 2, 2, 1),
    2: (0, 2, 3, 0),
    3: (0, 1, 3, 1),
    4: (0, 2, 2, 1),
}
# Earlier years: the year's twenty grades (seed 003 Table 2, as near as 20 cases allow), shuffled into rounds.
YEAR_GRADES: dict[str, tuple[int, int, int, int]] = {
    "2019-20": (0, 5, 12, 3),
    "2020-21": (1, 12, 6, 1),
    "2021-22": (0, 12, 8, 0),
}
GRADE_COLUMNS = (OUTSTANDING, G, RI, INADEQUATE)
ESCALATION_YEAR = "2019-20"

# Panel dates of 2022-23 (seed 003: completed June, September, October 2022 and February 2023).
CURRENT_PANELS = {1: date(2022, 6, 23), 2: date(2022, 9, 22), 3: date(2022, 10, 27), 4: date(2023, 2, 16)}
CURRENT_REPORTED_Q4 = date(2023, 3, 16)  # the PQA subgroup's March meeting

# --- the audit tools ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionPlan:
    text: str
    kind: str
    area: str = ""
    guidance: str = ""


CORE_TOOL = "Multi-agency case audit: core questions"
CORE_QUESTIONS: tuple[QuestionPlan, ...] = (
    QuestionPlan(
        "How well did agencies identify and respond to risk to the child?",
        Kind.GRADED,
        Area.RISK,
        "Timely referrals, thresholds applied correctly, strategy discussions when needed.",
    ),
    QuestionPlan(
        "Was the assessment informed by a chronology and by what the other agencies knew?",
        Kind.YES_NO_PARTLY,
        Area.ASSESSMENT,
        "Look for a multi-agency chronology and for previous professional involvement.",
    ),
    QuestionPlan(
        "How good was the multi-agency assessment of the child's needs?", Kind.GRADED, Area.ASSESSMENT
    ),
    QuestionPlan(
        "Was there a plan owned by all the agencies involved, and shared with the family?",
        Kind.YES_NO_PARTLY,
        Area.PLANNING,
        "A plan the multi-agency group wrote and owns, not the lead agency's alone; specific and timed.",
    ),
    QuestionPlan(
        "Was information shared between agencies promptly and with the right people?",
        Kind.YES_NO_PARTLY,
        Area.INFORMATION_SHARING,
    ),
    QuestionPlan(
        "Does the record show the child's lived experience, identity and wishes?",
        Kind.YES_NO_PARTLY,
        Area.LIVED_EXPERIENCE,
        "Identity includes special educational needs, autism, ADHD, culture and how the child communicates.",
    ),
    QuestionPlan(
        "Is there evidence of management oversight that prevented drift and delay?",
        Kind.YES_NO_PARTLY,
        Area.MANAGEMENT_OVERSIGHT,
    ),
    QuestionPlan(
        "Where professionals disagreed, was challenge or the escalation policy used?",
        Kind.YES_NO_PARTLY,
        Area.CHALLENGE,
        "Answer 'yes' when there was no disagreement to escalate.",
    ),
    QuestionPlan(
        "Were the needs of parents, carers and siblings considered (think family)?",
        Kind.YES_NO_PARTLY,
        Area.THINK_FAMILY,
    ),
    QuestionPlan(
        "Overall, how good was multi-agency working for this child?",
        Kind.GRADED,
        "",
        "Grade the quality of multi-agency working, not the agency's own practice.",
    ),
    QuestionPlan("What difference did the agencies' work make to the child?", Kind.FREE_TEXT),
)
# Version 2 (for 2022-23): seed 003's plan to bring in the lived experience of children and families.
CORE_V2_QUESTION = QuestionPlan(
    "Were the child's and the family's views of the help they received sought for this audit?",
    Kind.YES_NO_PARTLY,
    Area.LIVED_EXPERIENCE,
    "Record what they said in the family's views on the case.",
)
CORE_V2_NOTE = "Added a question on seeking the child's and family's views of the help they had."

THEME_QUESTIONS: dict[str, tuple[QuestionPlan, ...]] = {
    "neglect": (
        QuestionPlan(
            "Was the Graded Care Profile 2 used to assess neglect and measure change?",
            Kind.YES_NO_PARTLY,
            Area.ASSESSMENT,
        ),
        QuestionPlan(
            "Was the cumulative impact of neglect on each child in the family understood?",
            Kind.GRADED,
            Area.LIVED_EXPERIENCE,
        ),
        QuestionPlan("What does a day in this child's life look like?", Kind.FREE_TEXT),
    ),
    "child_sexual_abuse": (
        QuestionPlan(
            "Was a joint strategy discussion held promptly after the disclosure or concern?",
            Kind.YES_NO_PARTLY,
            Area.RISK,
        ),
        QuestionPlan(
            "Was the child offered therapeutic support, and was it timely?", Kind.YES_NO_PARTLY, Area.PLANNING
        ),
        QuestionPlan("What got in the way of the child telling someone sooner?", Kind.FREE_TEXT),
    ),
    "non_mobile_injuries": (
        QuestionPlan(
            "Was the partnership's protocol for bruising in non-mobile babies followed by every agency?",
            Kind.YES_NO_PARTLY,
            Area.RISK,
        ),
        QuestionPlan(
            "Were both parents given safer-sleep and coping-with-crying advice?",
            Kind.YES_NO_PARTLY,
            Area.THINK_FAMILY,
        ),
        QuestionPlan("Who were the significant adults around the baby?", Kind.FREE_TEXT),
    ),
    "exploitation": (
        QuestionPlan(
            "Were the exploitation toolkit and the Exploitation Hub used to understand the risk?",
            Kind.YES_NO_PARTLY,
            Area.ASSESSMENT,
        ),
        QuestionPlan(
            "Was there mapping and disruption aimed at the people exploiting the child?",
            Kind.YES_NO_PARTLY,
            Area.PLANNING,
        ),
        QuestionPlan(
            "How well did the plan address the places and peers around the child (contextual safeguarding)?",
            Kind.GRADED,
            Area.PLANNING,
        ),
    ),
    "self_harm": (
        QuestionPlan(
            "Was the self-harm understood in the context of the child's history, family and trauma?",
            Kind.YES_NO_PARTLY,
            Area.ASSESSMENT,
        ),
        QuestionPlan(
            "Was specialist mental health support provided without delay when it was needed?",
            Kind.YES_NO_PARTLY,
            Area.PLANNING,
        ),
        QuestionPlan("How did the child's identity (autism, ADHD, culture) shape the work?", Kind.FREE_TEXT),
    ),
}

# --- who audits -----------------------------------------------------------------------------------------

# The agencies with auditors whose sections a theme's cases most often need, after the council.
THEME_AGENCIES: dict[str, tuple[str, ...]] = {
    "neglect": (shape.HOSPITAL_TRUST, SCHOOL, shape.ICB, shape.POLICE),
    "child_sexual_abuse": (shape.POLICE, shape.HOSPITAL_TRUST, SCHOOL, shape.MENTAL_HEALTH_TRUST),
    "non_mobile_injuries": (shape.HOSPITAL_TRUST, shape.ICB, shape.POLICE),
    "exploitation": (shape.POLICE, SCHOOL, shape.MENTAL_HEALTH_TRUST, shape.HOSPITAL_TRUST),
    "self_harm": (shape.MENTAL_HEALTH_TRUST, SCHOOL, shape.HOSPITAL_TRUST, shape.ICB),
}
PRACTITIONER_ROLES: dict[str, tuple[str, ...]] = {
    shape.COUNCIL: ("Social worker", "Early help practitioner", "Team manager", "Family support worker"),
    shape.ICB: ("GP", "Practice nurse"),
    shape.POLICE: ("Police officer, Public Protection Unit", "Missing persons coordinator"),
    shape.HOSPITAL_TRUST: ("Health visitor", "School nurse", "Paediatrician", "Midwife"),
    shape.MENTAL_HEALTH_TRUST: ("CAMHS practitioner", "Adult mental health nurse"),
    SCHOOL: ("Designated safeguarding lead", "Class teacher", "Special educational needs coordinator"),
    shape.PROBATION: ("Probation officer",),
}
REFLECTIONS = (
    "Hearing what the other agencies knew changed how I saw the risk at the time.",
    "I would now ask for a multi-agency chronology much earlier.",
    "We each held part of the picture; the plan did not bring it together.",
    "I had not known I could escalate through the partnership's policy when we disagreed.",
    "The discussion showed how much the family's situation had changed since the assessment.",
    "I would take the child's diagnosis into account in how I spoke with them.",
)
FAMILY_VIEWS = (
    "The young person said they had to tell their story again to every new worker.",
    "The parent said the family support worker was the first person who listened to them.",
    "The young person said school was where they felt safe, and wanted their teacher at meetings.",
    "The parent said meetings used words they did not understand and the plan was never explained.",
    "The child said they liked the visits but did not know why the worker came.",
)

# --- what the panel found -------------------------------------------------------------------------------

GRADE_REASONS: dict[str, tuple[str, ...]] = {
    OUTSTANDING: (
        "Agencies worked together exceptionally well and made a lasting difference for the child.",
    ),
    G: (
        "Risks were recognised early and agencies worked together to a shared plan that made a difference.",
        "Timely information sharing and a plan owned by the agencies involved; the child's voice was clear.",
        "Skilled relationship-based work across agencies, with good management oversight.",
    ),
    RI: (
        "Agencies responded to the risk, but the plan belonged to the lead agency and drifted.",
        "Good single-agency work, but information was not brought together in one assessment.",
        "The child's identity and history did not inform the plan; some delay in specialist support.",
    ),
    INADEQUATE: (
        "Vulnerabilities were identified but not acted on together; no escalation when agencies disagreed.",
        "Information held by several agencies was not shared, and the child remained at risk for too long.",
    ),
}
FREE_TEXT_ANSWERS: dict[str, tuple[str, ...]] = {
    OUTSTANDING: ("The child is safe, settled and doing well at school.",),
    G: (
        "The child is safer and the family engaged with support.",
        "School attendance and wellbeing improved.",
    ),
    RI: (
        "Some improvement, but it took longer than it should have.",
        "The child's situation improved slowly.",
    ),
    INADEQUATE: ("Little difference for the child until the case was escalated.", "Not enough change."),
}
# How often an agency answers yes, partly and no, by the grade it gives the case.
YES_PARTLY_NO: dict[str, tuple[int, int, int]] = {
    OUTSTANDING: (9, 1, 0),
    G: (7, 3, 0),
    RI: (2, 6, 2),
    INADEQUATE: (1, 3, 6),
}
SECTION_SUMMARIES = (
    "Our records show regular contact with the child. We shared information at the strategy discussion but "
    "did not receive the plan afterwards.",
    "We were involved throughout. Our practitioners knew the family well; our chronology was not shared.",
    "Our involvement was brief. We referred promptly and were not invited to later meetings.",
    "We attended the core group meetings. Our actions in the plan were completed, some of them late.",
)


@dataclass(frozen=True)
class FindingText:
    kind: str
    area: str
    text: str


def _good(area: str, text: str) -> FindingText:
    return FindingText(Finding.Kind.GOOD_PRACTICE, area, text)


def _develop(area: str, text: str) -> FindingText:
    return FindingText(Finding.Kind.DEVELOPMENT, area, text)


# Seed 003's recurring gaps and good practice (paraphrased), for the rounds before 2022-23.
GOOD_PRACTICE: tuple[FindingText, ...] = (
    _good(Area.RISK, "Risks were recognised promptly and strategy discussions were held without delay."),
    _good(
        Area.LIVED_EXPERIENCE,
        "Skilled practitioners from several agencies built relationships with children and families at "
        "points of crisis, working in a trauma-informed way.",
    ),
    _good(
        Area.MANAGEMENT_OVERSIGHT,
        "Regular supervision considered the child's needs and progress, and actions were followed up.",
    ),
    _good(Area.INFORMATION_SHARING, "Agencies shared information promptly and thresholds were applied well."),
    _good(Area.THINK_FAMILY, "Practitioners considered the needs of the whole family, including fathers."),
)
DEVELOPMENT: tuple[FindingText, ...] = (
    _develop(
        Area.ASSESSMENT,
        "Chronologies were not used to understand the child's history in the context of their family.",
    ),
    _develop(
        Area.PLANNING,
        "Plans were owned by the lead agency rather than by the multi-agency group, and were not always "
        "shared with the family.",
    ),
    _develop(
        Area.INFORMATION_SHARING,
        "Information was not shared promptly between key agencies, so no one held the whole picture.",
    ),
    _develop(
        Area.LIVED_EXPERIENCE,
        "The child's identity (special educational needs, autism, ADHD, culture) did not inform direct work.",
    ),
    _develop(
        Area.MANAGEMENT_OVERSIGHT,
        "Drift and delay: decisions were made later than they should have been, and supervision did not "
        "reflect on the timescales for the child.",
    ),
    _develop(
        Area.CHALLENGE,
        "Where professionals disagreed about thresholds, the escalation policy was not used.",
    ),
)
THEME_DEVELOPMENT: dict[str, FindingText] = {
    "neglect": _develop(
        Area.ASSESSMENT,
        "The Graded Care Profile 2 was not used to build a shared understanding of the impact of neglect.",
    ),
    "child_sexual_abuse": _develop(
        Area.RISK, "After a disclosure, the joint strategy discussion and therapeutic support were delayed."
    ),
    "non_mobile_injuries": _develop(
        Area.RISK, "The protocol for bruising in non-mobile babies was not followed by every agency."
    ),
    "exploitation": _develop(
        Area.PLANNING,
        "Mapping was not used consistently, so plans focused on the child rather than on disrupting the "
        "people exploiting them.",
    ),
    "self_harm": _develop(
        Area.PLANNING,
        "Specialist mental health support was not provided in time where a need was identified.",
    ),
}
# 2022-23, round by round, as seed 003 reports them (paraphrased).
CURRENT_FINDINGS: dict[int, tuple[FindingText, ...]] = {
    1: (
        _good(
            Area.RISK,
            "Risks were recognised and responses timely, supported by the Exploitation Hub and the toolkit.",
        ),
        _good(
            Area.ASSESSMENT,
            "A better understanding of the child's needs led to purposeful support that made a difference.",
        ),
        _develop(
            Area.INFORMATION_SHARING,
            "Where vulnerabilities were identified, better co-ordination and information sharing between key "
            "agencies would have given timely support.",
        ),
        _develop(
            Area.PLANNING,
            "Mapping was not used consistently, so plans did not take a contextual safeguarding approach "
            "that included disrupting perpetrators.",
        ),
    ),
    2: (
        _good(
            Area.LIVED_EXPERIENCE,
            "Self-harm was seen in the context of the child's family, environment and previous trauma, not "
            "only as a presenting behaviour.",
        ),
        _good(
            Area.THINK_FAMILY,
            "Professionals worked skilfully with children and family members at points of crisis.",
        ),
        _develop(
            Area.LIVED_EXPERIENCE,
            "Children's identity, particularly autism and ADHD, and their history were not understood well "
            "enough to shape direct work.",
        ),
        _develop(
            Area.PLANNING,
            "Plans were developed and owned by the lead agency rather than by the multi-agency group.",
        ),
        _develop(Area.RISK, "Specialised support was not provided in time where a need had been identified."),
    ),
    3: (
        _good(
            Area.RISK,
            "Exploitation was recognised and, for the most part, the right assessments and tools were used.",
        ),
        _good(
            Area.LIVED_EXPERIENCE,
            "Skilled work from several agencies with children and families at points of crisis and trauma.",
        ),
        _develop(
            Area.INFORMATION_SHARING,
            "Information was not shared robustly and in time to understand the child's history, current "
            "interventions and changing circumstances.",
        ),
        _develop(
            Area.ASSESSMENT,
            "Assessments and plans were not consistently informed by the child's identity and their special "
            "educational and mental health needs.",
        ),
        _develop(
            Area.PLANNING,
            "Plans were not reviewed when specialist support was needed, alongside disruption planning.",
        ),
    ),
    4: (
        _good(
            Area.THINK_FAMILY,
            "The Family Safeguarding Model kept a focus on the difference for children and a think family "
            "approach.",
        ),
        _good(
            Area.LIVED_EXPERIENCE,
            "Professionals were adept at engaging family members, some of them reluctant to work with "
            "agencies.",
        ),
        _develop(
            Area.ASSESSMENT,
            "The Graded Care Profile 2 and chronologies were not used to build a shared understanding of the "
            "impact of neglect on each child.",
        ),
        _develop(
            Area.CHALLENGE,
            "Where vulnerabilities were identified, the professional escalation process was not used in "
            "time.",
        ),
        _develop(
            Area.PLANNING,
            "Multi-agency plans were not consistently developed, owned and shared with families.",
        ),
    ),
}


@dataclass(frozen=True)
class ActionIdea:
    owner: str  # agency code
    title: str
    theme: str  # a theme code from safeguarding.actions.models.THEMES


# Actions an area for development leads to (synthetic, in the style of seed 003's "closing the loop").
ACTION_IDEAS: dict[str, tuple[ActionIdea, ...]] = {
    Area.ASSESSMENT: (
        ActionIdea(shape.COUNCIL, "Train practitioners to build and use a multi-agency chronology", "other"),
        ActionIdea(
            shape.HOSPITAL_TRUST, "Add previous professional involvement to health assessments", "other"
        ),
    ),
    Area.PLANNING: (
        ActionIdea(
            shape.COUNCIL,
            "Revise the plan templates so every agency owns its actions and the family sees it",
            "other",
        ),
        ActionIdea(shape.BUSINESS_UNIT, "Run a practice reflection workshop on multi-agency plans", "other"),
    ),
    Area.INFORMATION_SHARING: (
        ActionIdea(
            shape.POLICE,
            "Share police information with the lead professional before strategy discussions",
            "information_sharing",
        ),
        ActionIdea(
            shape.BUSINESS_UNIT,
            "Publish a 7-minute briefing on the seven golden rules of information sharing",
            "information_sharing",
        ),
        ActionIdea(
            shape.ICB, "Remind GP practices how to share safeguarding information", "information_sharing"
        ),
    ),
    Area.LIVED_EXPERIENCE: (
        ActionIdea(
            SCHOOL, "Share the child's communication and SEND needs at every multi-agency meeting", "other"
        ),
        ActionIdea(
            shape.MENTAL_HEALTH_TRUST, "Record how autism and ADHD shape each child's CAMHS plan", "other"
        ),
    ),
    Area.MANAGEMENT_OVERSIGHT: (
        ActionIdea(
            shape.COUNCIL, "Add timescales for change to the supervision template", "professional_curiosity"
        ),
    ),
    Area.CHALLENGE: (
        ActionIdea(
            shape.BUSINESS_UNIT,
            "Relaunch the escalation and resolution policy with a practitioner briefing",
            "professional_curiosity",
        ),
    ),
    Area.RISK: (
        ActionIdea(
            shape.COUNCIL, "Audit MASH decisions not to accept referrals where neglect was raised", "neglect"
        ),
        ActionIdea(
            shape.HOSPITAL_TRUST,
            "Re-launch the bruising in non-mobile babies protocol",
            "non_mobile_injuries",
        ),
    ),
    Area.THINK_FAMILY: (
        ActionIdea(
            shape.MENTAL_HEALTH_TRUST,
            "Ask about children at every adult mental health assessment",
            "think_family",
        ),
    ),
}
THEME_ACTIONS: dict[str, ActionIdea] = {
    "neglect": ActionIdea(
        shape.COUNCIL, "Train 60 practitioners to use the Graded Care Profile 2", "neglect"
    ),
    "non_mobile_injuries": ActionIdea(
        shape.HOSPITAL_TRUST,
        "Audit the use of the non-mobile babies protocol in the emergency department",
        "non_mobile_injuries",
    ),
    "exploitation": ActionIdea(
        shape.POLICE, "Map peers and places for every child open to the Exploitation Hub", "other"
    ),
    "self_harm": ActionIdea(
        shape.MENTAL_HEALTH_TRUST, "Agree a CAMHS response time for children who self-harm", "other"
    ),
    "child_sexual_abuse": ActionIdea(
        shape.POLICE, "Hold joint strategy discussions within one working day of a disclosure", "other"
    ),
}
STARTED = (
    "Lead named and the work planned with the team managers.",
    "Work started: draft shared with the agency's safeguarding group.",
)
PROGRESS = (
    "Half of the teams briefed; the rest booked for next month.",
    "Delayed by vacancies in the team; a new date agreed with the subgroup chair.",
    "Draft agreed; going to the next governance meeting.",
)
COMPLETED = "Complete: the evidence is attached."
CLOSED_OTHER = {
    Status.NOT_ACHIEVABLE: (
        "Not achievable as written: the service changed; the learning is covered elsewhere."
    ),
    Status.SUPERSEDED: "Superseded by the partnership's new multi-agency training programme.",
}

# Action lifecycles by how long before the demo's today the round was reported.
CLOSED_COMPLETE = "closed_complete"
CLOSED_OTHERWISE = "closed_otherwise"
AWAITING_CLOSURE = "awaiting_closure"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
LIFECYCLES = (CLOSED_COMPLETE, CLOSED_OTHERWISE, AWAITING_CLOSURE, IN_PROGRESS, NOT_STARTED)
OLD_WEIGHTS = (65, 12, 8, 15, 0)  # reported more than a year before
MIDDLE_WEIGHTS = (20, 5, 20, 45, 10)  # four months to a year
RECENT_WEIGHTS = (0, 0, 0, 40, 60)  # less than four months

BRIEFING_QUESTIONS = (
    "Which of these gaps do you recognise in your own team's work?",
    "Who owns the plan for the children you work with?",
    "When did you last use the escalation policy, and what happened?",
)
FURTHER_READING = "The partnership's escalation and resolution policy\nThe neglect toolkit and GCP2 training"
BRIEFING_SHARES = (
    (BriefingShare.Channel.NEWSLETTER, "Partnership quarterly newsletter"),
    (BriefingShare.Channel.EVENT, "Practice reflection workshop"),
    (BriefingShare.Channel.WEBSITE, "Partnership website, Learning tab"),
)
# 2022-23 (seed 003): the exploitation briefing combines both rounds (so Q1 has none of its own); the
# exploitation and self-harm ones are due August 2023 and the neglect one is for the May 2023 conference.
CURRENT_BRIEFINGS = {2: "Self-harm", 3: "Exploitation (rounds Q1 and Q3)", 4: "Neglect"}


# --- the step -------------------------------------------------------------------------------------------


@dataclass
class People:
    officer: User
    manager: User
    auditors: dict[str, list[tuple[User, date]]]  # agency code -> (auditor, first day in the role)

    def auditors_on(self, agency_code: str, day: date) -> list[User]:
        """The agency's auditors in post on `day` (or all of them when nobody was yet)."""
        pool = self.auditors.get(agency_code, [])
        ready = [user for user, start in pool if start <= day]
        return ready or [user for user, _ in pool]


@dataclass
class Fixes:
    """Rows whose real-clock times are set to the demo's dates at the end, in one bulk_update per model."""

    versions: list[AuditToolVersion] = field(default_factory=list)
    sections: list[AuditSection] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    updates: list[ActionUpdate] = field(default_factory=list)
    evidence: list[ActionEvidence] = field(default_factory=list)


@dataclass
class Tools:
    core_v1: AuditToolVersion
    core_tool: AuditTool
    themes: dict[str, AuditToolVersion]


def audits_create(ctx: SeedContext) -> None:
    """The audit tools, four years of reported rounds with their cases, grades, findings, actions and
    briefings, and next year's programme planned, its first round open for auditing."""
    people = _people(ctx)
    fixes = Fixes()
    tools = _tools_create(people.officer, fixes)
    children = list(Child.objects.order_by("pk").values_list("pk", "date_of_birth"))
    escalated = False
    for year in YEARS:
        programme = programme_create(actor=people.officer, year=year)
        ctx.counts["audit programmes"] += 1
        if year == CURRENT_YEAR:
            _core_v2(tools, people.officer, fixes)
        grades = _year_grades(ctx, year)
        for plan, round_grades in zip(PROGRAMME[year], grades, strict=True):
            audit_round, dates = _round_run(ctx, people, programme, plan, round_grades, children, fixes)
            if not escalated and year == ESCALATION_YEAR and INADEQUATE in round_grades:
                _escalation_record(ctx, audit_round, round_grades, people)
                escalated = True
            _moderate_and_report(ctx, audit_round, plan, round_grades, dates, people, fixes)
    _next_year_plan(ctx, people, children)
    _review_impact_audits_link(ctx, people, fixes)
    # The services stamp these with the real clock; the demo's dates are set here in one go per model.
    AuditToolVersion.objects.bulk_update(fixes.versions, ["published_at"])
    AuditSection.objects.bulk_update(fixes.sections, ["submitted_at"])
    Action.objects.bulk_update(fixes.actions, ["created_at", "closed_at", "impact_recorded_at"])
    ActionUpdate.objects.bulk_update(fixes.updates, ["written_at"])
    ActionEvidence.objects.bulk_update(fixes.evidence, ["uploaded_at"])


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


# --- people ---------------------------------------------------------------------------------------------


def _people(ctx: SeedContext) -> People:
    """The business unit's officer and manager, and every auditor by agency (one added in the school)."""
    memberships = Membership.objects.select_related("user", "agency").order_by("pk")
    business_unit = [m.user for m in memberships.filter(role__in=BU_ROLES)]
    officer = ctx.users_by_email.get(f"bu.officer@{DEMO_DOMAIN}") or business_unit[0]
    manager = ctx.users_by_email.get(f"bu.manager@{DEMO_DOMAIN}") or officer
    if SCHOOL in ctx.agencies and not memberships.filter(role=AUDITOR, agency__code=SCHOOL).exists():
        school = ctx.agency(SCHOOL)
        user = person_new(ctx, school, title="Deputy designated safeguarding lead")
        user.date_joined = ctx.aware(date(2018, 9, 1))  # before the first round audited
        people_save(ctx, [NewPerson(user, [(school, None, AUDITOR)])])
    auditors: dict[str, list[tuple[User, date]]] = {}
    # One User object per person, so each one's permissions are read once (held_grants caches on it).
    users: dict[int, User] = {}
    for membership in memberships.filter(role=AUDITOR):
        user = users.setdefault(membership.user_id, membership.user)
        auditors.setdefault(membership.agency.code, []).append((user, membership.starts_on))
    return People(officer=officer, manager=manager, auditors=auditors)


# --- tools ----------------------------------------------------------------------------------------------


def _tool_publish(
    actor: User, version: AuditToolVersion, questions: Sequence[QuestionPlan], day: date, fixes: Fixes
) -> AuditToolVersion:
    for question in questions:
        tool_question_add(
            actor=actor,
            version=version,
            text=question.text,
            kind=question.kind,
            practice_area=question.area,
            guidance=question.guidance,
        )
    published = tool_version_publish(actor=actor, version=version)
    published.published_at = _at(day, 9)
    fixes.versions.append(published)
    return published


def _tools_create(actor: User, fixes: Fixes) -> Tools:
    """The core tool (version 1) and a theme tool for every theme the programme uses, published before the
    first round."""
    first_day = date(2019, 4, 1)
    core = tool_create(
        actor=actor,
        name=CORE_TOOL,
        kind=AuditTool.Kind.CORE,
        description="The questions every round asks, across the practice areas.",
    )
    core_v1 = _tool_publish(actor, core.versions.get(), CORE_QUESTIONS, first_day, fixes)
    themes: dict[str, AuditToolVersion] = {}
    used = sorted({plan.theme for plans in (*PROGRAMME.values(), PLANNED) for plan in plans})
    for theme in used:
        tool = tool_create(
            actor=actor,
            name=f"{AUDIT_THEMES[theme]}: theme questions",
            kind=AuditTool.Kind.THEME,
            theme=theme,
            description=(
                f"Questions asked in rounds on {AUDIT_THEMES[theme].lower()}, after the core questions."
            ),
        )
        themes[theme] = _tool_publish(actor, tool.versions.get(), THEME_QUESTIONS[theme], first_day, fixes)
    return Tools(core_v1=core_v1, core_tool=core, themes=themes)


def _core_v2(tools: Tools, actor: User, fixes: Fixes) -> None:
    """Version 2 of the core questions for 2022-23; the earlier rounds keep version 1."""
    draft = tool_version_new_draft(actor=actor, tool=tools.core_tool)
    version = _tool_publish(actor, draft, (CORE_V2_QUESTION,), date(2022, 3, 28), fixes)
    version.change_note = CORE_V2_NOTE
    version.save(update_fields=["change_note"])


# --- grades ---------------------------------------------------------------------------------------------


def _grades(counts: tuple[int, int, int, int]) -> list[str]:
    return [grade for grade, count in zip(GRADE_COLUMNS, counts, strict=True) for _ in range(count)]


def _year_grades(ctx: SeedContext, year: str) -> list[list[str]]:
    """The panel's grades for each of the year's rounds, in the order its cases will be given them."""
    if year == CURRENT_YEAR:
        rounds = [_grades(CURRENT_GRADES[quarter]) for quarter in sorted(CURRENT_GRADES)]
        for grades in rounds:
            ctx.rng.shuffle(grades)
        return rounds
    grades = _grades(YEAR_GRADES[year])
    ctx.rng.shuffle(grades)
    return [grades[i : i + CASES_PER_ROUND] for i in range(0, len(grades), CASES_PER_ROUND)]


def _near(ctx: SeedContext, grade: str, keep: float = 0.7) -> str:
    """The grade, or one step either side of it (an agency's or one grader's view of the same case)."""
    if ctx.rng.random() < keep:
        return grade
    index = GRADE_COLUMNS.index(grade)
    steps = [i for i in (index - 1, index + 1) if 0 <= i < len(GRADE_COLUMNS)]
    return GRADE_COLUMNS[ctx.rng.choice(steps)]


# --- a round --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dates:
    opens: date
    sections_due: date
    panel: date
    reported: date


def _dates(ctx: SeedContext, year: str, quarter: int) -> Dates:
    rng = ctx.rng
    if year == CURRENT_YEAR:
        panel = CURRENT_PANELS[quarter]
        opens = panel - timedelta(days=rng.randint(45, 55))
        reported = CURRENT_REPORTED_Q4 if quarter == 4 else panel + timedelta(days=rng.randint(21, 35))
    else:
        first_year = int(year[:4])
        start = date(first_year, 4 + 3 * (quarter - 1), 1) if quarter < 4 else date(first_year + 1, 1, 1)
        opens = start + timedelta(days=rng.randint(7, 20))
        panel = opens + timedelta(days=rng.randint(42, 56))
        reported = panel + timedelta(days=rng.randint(14, 35))
    return Dates(opens, opens + timedelta(days=28), panel, min(reported, REFERENCE_DATE))


def _round_run(
    ctx: SeedContext,
    people: People,
    programme: AuditProgramme,
    plan: RoundPlan,
    grades: list[str],
    children: list[tuple[int, date | None]],
    fixes: Fixes,
) -> tuple[AuditRound, Dates]:
    """A round planned, sampled, opened and audited: sections, practitioners, family views, double marking."""
    dates = _dates(ctx, programme.year, plan.quarter)
    audit_round = round_create(
        actor=people.officer,
        programme=programme,
        quarter=plan.quarter,
        theme=plan.theme,
        theme_detail=plan.theme_detail,
        rationale=plan.rationale,
        rationale_detail=plan.rationale_detail,
        lead=people.officer,
        case_count=CASES_PER_ROUND,
        opens_on=dates.opens,
        sections_due=dates.sections_due,
        panel_date=dates.panel,
    )
    cases = _sample(ctx, audit_round, people.officer, children)
    sections: dict[int, list[AuditSection]] = {}
    for case in cases:
        sections[case.pk] = _sections_assign(ctx, case, plan.theme, people, dates.opens)
    audit_round = round_open(actor=people.officer, round=audit_round)
    # Read again: the services check the round's status on the case's round, now open.
    cases = list(audit_round.cases.select_related("round").order_by("code"))
    questions = round_questions(audit_round)
    current = programme.year == CURRENT_YEAR
    for case, grade in zip(cases, grades, strict=True):
        for section in sections[case.pk]:
            _section_complete(ctx, section, questions, grade, dates, fixes)
        _practitioners(ctx, case, sections[case.pk], dates, current)
        _family_views(ctx, case, people.officer, programme.year)
    _double_mark(ctx, cases, grades, sections, dates)
    ctx.counts["audit rounds"] += 1
    ctx.counts["audit cases"] += len(cases)
    return audit_round, dates


def _sample(
    ctx: SeedContext,
    audit_round: AuditRound,
    actor: User,
    children: list[tuple[int, date | None]],
) -> list[AuditCase]:
    """The stratified random sample on the round's opening day; topped up by hand when the journey holds too
    few children that day (before October 2021 the demo's records hold only children already in care)."""
    try:
        cases = round_sample(actor=actor, round=audit_round, seed=ctx.rng.randrange(2**31))
    except AuditError:
        cases = []
    missing = audit_round.case_count - len(cases)
    if missing > 0:
        day = audit_round.opens_on or REFERENCE_DATE
        taken = set(
            AuditCase.objects.filter(round__programme_id=audit_round.programme_id).values_list(
                "child_id", flat=True
            )
        )
        eligible = [
            pk
            for pk, born in children
            if pk not in taken and born is not None and day - timedelta(days=18 * 365) < born < day
        ]
        chosen = ctx.rng.sample(eligible, min(missing, len(eligible)))
        found = Child.objects.in_bulk(chosen)
        for pk in chosen:
            cases.append(round_case_add(actor=actor, round=audit_round, child=found[pk]))
        ctx.counts["audit cases chosen by hand"] += len(chosen)
    return cases


def _sections_assign(
    ctx: SeedContext, case: AuditCase, theme: str, people: People, day: date
) -> list[AuditSection]:
    """Sections for the council and one to three more agencies (those the records show involved first)."""
    rng = ctx.rng
    involved = {agency.code for agency in case.agencies.all()}
    candidates = [code for code in THEME_AGENCIES[theme] if people.auditors.get(code)]
    rng.shuffle(candidates)
    candidates.sort(key=lambda code: code not in involved)
    codes = [shape.COUNCIL, *candidates[: rng.randint(1, min(3, len(candidates)))]]
    sections = []
    for code in codes:
        auditor = rng.choice(people.auditors_on(code, day))
        sections.append(
            case_section_assign(actor=people.officer, case=case, agency=ctx.agency(code), auditor=auditor)
        )
    return sections


def _answer(ctx: SeedContext, question: AuditQuestion, grade: str) -> str:
    rng = ctx.rng
    if question.kind == Kind.GRADED:
        return _near(ctx, grade)
    if question.kind == Kind.YES_NO_PARTLY:
        return rng.choices(("yes", "partly", "no"), weights=YES_PARTLY_NO[grade])[0]
    return rng.choice(FREE_TEXT_ANSWERS[grade])


def _section_complete(
    ctx: SeedContext,
    section: AuditSection,
    questions: Sequence[AuditQuestion],
    grade: str,
    dates: Dates,
    fixes: Fixes,
) -> None:
    """The agency's auditor answers every question and submits, mostly by the due date."""
    agency_grade = _near(ctx, grade)
    answers = {question.pk: _answer(ctx, question, agency_grade) for question in questions}
    saved = section_save(
        actor=section.auditor,
        section=section,
        answers=answers,
        summary=ctx.rng.choice(SECTION_SUMMARIES),
        submit=True,
    )
    late = ctx.rng.random() < 0.15
    day = dates.sections_due + timedelta(days=ctx.rng.randint(1, 7) if late else -ctx.rng.randint(0, 14))
    saved.submitted_at = _at(min(day, dates.panel - timedelta(days=1)), ctx.rng.randint(9, 17))
    fixes.sections.append(saved)


def _practitioners(
    ctx: SeedContext, case: AuditCase, sections: list[AuditSection], dates: Dates, current: bool
) -> None:
    """Practitioners invited to the discussion by their agency's auditor; more of them in 2022-23 (seed 003:
    "increasing the involvement of practitioners")."""
    rng = ctx.rng
    count = rng.randint(1, 2) if current else rng.randint(0, 1)
    for section in rng.sample(sections, min(count, len(sections))):
        invitation = practitioner_invite(
            actor=section.auditor,
            case=case,
            agency=section.agency,
            role=rng.choice(PRACTITIONER_ROLES[section.agency.code]),
            invited_on=dates.opens + timedelta(days=rng.randint(3, 14)),
        )
        attendance = rng.choices(
            PractitionerInvitation.Attendance.values,
            weights=(1, 8, 2) if current else (1, 6, 3),  # invited (no reply), took part, could not
        )[0]
        if attendance != PractitionerInvitation.Attendance.INVITED:
            practitioner_attendance_record(
                actor=section.auditor,
                invitation=invitation,
                attendance=attendance,
                reflections=rng.choice(REFLECTIONS)
                if attendance == PractitionerInvitation.Attendance.ATTENDED
                else "",
            )
        ctx.counts["audit practitioners invited"] += 1


def _family_views(ctx: SeedContext, case: AuditCase, actor: User, year: str) -> None:
    """Views sought for some children, more often in later years (seed 003: lived experience to come in)."""
    rng = ctx.rng
    share = {"2019-20": 0.05, "2020-21": 0.1, "2021-22": 0.2}.get(year, 0.5)
    if rng.random() >= share:
        return
    Views = AuditCase.FamilyViews
    views = rng.choices((Views.SOUGHT, Views.DECLINED, Views.NO_RESPONSE), weights=(6, 2, 2))[0]
    family_views_record(
        actor=actor,
        case=case,
        family_views=views,
        summary=rng.choice(FAMILY_VIEWS) if views == Views.SOUGHT else "",
    )
    ctx.counts["audit family views sought"] += 1


def _double_mark(
    ctx: SeedContext,
    cases: list[AuditCase],
    grades: list[str],
    sections: dict[int, list[AuditSection]],
    dates: Dates,
) -> None:
    """One or two cases graded independently by two of their auditors before the panel."""
    rng = ctx.rng
    pairs = [
        (case, grade)
        for case, grade in zip(cases, grades, strict=True)
        if len({section.auditor_id for section in sections[case.pk]}) >= 2
    ]
    for case, grade in rng.sample(pairs, min(rng.randint(1, 2), len(pairs))):
        graders: list[User] = []
        for section in sections[case.pk]:
            if section.auditor is not None and section.auditor not in graders:
                graders.append(section.auditor)
        for grader in graders[:2]:
            independent_grade_record(
                actor=grader,
                case=case,
                grade=_near(ctx, grade, keep=0.75),
                graded_on=dates.sections_due + timedelta(days=rng.randint(1, 10)),
            )
        ctx.counts["audit cases double marked"] += 1


def _escalation_record(ctx: SeedContext, audit_round: AuditRound, grades: list[str], people: People) -> None:
    """A child found at risk during the audit (a case the panel will grade inadequate): escalated at once by
    the case's council auditor."""
    cases = list(audit_round.cases.order_by("code"))
    case = cases[grades.index(INADEQUATE)]
    section = case.sections.select_related("auditor").filter(agency__code=shape.COUNCIL).first()
    actor = section.auditor if section is not None and section.auditor is not None else people.officer
    raised = (audit_round.opens_on or REFERENCE_DATE) + timedelta(days=ctx.rng.randint(5, 15))
    escalation_record(
        actor=actor,
        case=case,
        raised_on=raised,
        concern=(
            "Reading the records together showed continuing neglect and a recent unexplained injury that no "
            "single agency had seen as a whole."
        ),
        acting_agency=ctx.agency(shape.COUNCIL),
        acted_by="MASH team manager",
        action_taken=(
            "Referral to the MASH the same day; strategy discussion held and a section 47 enquiry begun."
        ),
        acted_on=raised + timedelta(days=1),
    )
    ctx.counts["audit escalations"] += 1


# --- the panel and the report ---------------------------------------------------------------------------


def _moderate_and_report(
    ctx: SeedContext,
    audit_round: AuditRound,
    plan: RoundPlan,
    grades: list[str],
    dates: Dates,
    people: People,
    fixes: Fixes,
) -> None:
    """The panel grades every case and records its findings; actions follow; the round is reported to the
    PQA subgroup and its 7-minute briefing written."""
    rng = ctx.rng
    audit_round = round_to_moderation(actor=people.officer, round=audit_round)
    cases = list(audit_round.cases.order_by("code"))
    for case, grade in zip(cases, grades, strict=True):
        case_grade(
            actor=people.manager,
            case=case,
            grade=grade,
            reason=rng.choice(GRADE_REASONS[grade]),
            moderated_on=dates.panel,
        )
    findings = _findings_add(ctx, audit_round, plan, cases, grades, people.officer)
    _actions_add(ctx, audit_round, plan, findings, people, dates, fixes)
    round_report(
        actor=people.officer,
        round=audit_round,
        reported_on=dates.reported,
        summary=_summary(audit_round, grades, findings),
    )
    ctx.counts["audit rounds reported"] += 1
    if audit_round.programme.year != CURRENT_YEAR:
        published = dates.reported + timedelta(days=rng.randint(14, 45))
        _briefing(
            ctx,
            audit_round,
            plan,
            findings,
            people.officer,
            published if published <= REFERENCE_DATE else None,
        )
    elif plan.quarter in CURRENT_BRIEFINGS:
        _briefing(ctx, audit_round, plan, findings, people.officer, None)


def _findings_add(
    ctx: SeedContext,
    audit_round: AuditRound,
    plan: RoundPlan,
    cases: list[AuditCase],
    grades: list[str],
    actor: User,
) -> list[Finding]:
    """Good practice and areas for development, tagged to practice areas; some about one case."""
    rng = ctx.rng
    if audit_round.programme.year == CURRENT_YEAR:
        texts = list(CURRENT_FINDINGS[plan.quarter])
    else:
        texts = [
            *rng.sample(GOOD_PRACTICE, rng.randint(1, 2)),
            THEME_DEVELOPMENT[plan.theme],
            *rng.sample(DEVELOPMENT, rng.randint(2, 3)),
        ]
    weakest = [case for case, grade in zip(cases, grades, strict=True) if grade in (INADEQUATE, RI)]
    best = [case for case, grade in zip(cases, grades, strict=True) if grade in (OUTSTANDING, G)]
    findings = []
    for text in texts:
        about = best if text.kind == Finding.Kind.GOOD_PRACTICE else weakest
        case = rng.choice(about) if about and rng.random() < 0.3 else None
        findings.append(
            finding_add(
                actor=actor,
                round=audit_round,
                kind=text.kind,
                practice_area=text.area,
                text=text.text,
                case=case,
            )
        )
    ctx.counts["audit findings"] += len(findings)
    return findings


def _actions_add(
    ctx: SeedContext,
    audit_round: AuditRound,
    plan: RoundPlan,
    findings: list[Finding],
    people: People,
    dates: Dates,
    fixes: Fixes,
) -> None:
    """An action for two or three of the areas for development, each played through its lifecycle."""
    rng = ctx.rng
    developments = [f for f in findings if f.kind == Finding.Kind.DEVELOPMENT]
    chosen = rng.sample(developments, min(len(developments), rng.randint(2, 3)))
    used: set[str] = set()
    for finding in sorted(chosen, key=lambda f: f.number):
        ideas = [idea for idea in ACTION_IDEAS[finding.practice_area] if idea.title not in used]
        theme_idea = THEME_ACTIONS[plan.theme]
        if theme_idea.title not in used and rng.random() < 0.4:
            ideas = [theme_idea]
        if not ideas:
            continue
        idea = rng.choice(ideas)
        used.add(idea.title)
        created = dates.panel + timedelta(days=rng.randint(2, 10))
        action = finding_action_add(
            actor=people.officer,
            finding=finding,
            title=idea.title,
            owner_agency=ctx.agency(idea.owner),
            due_date=dates.reported + timedelta(days=rng.randint(90, 240)),
            description=f"From finding {finding.number}: {finding.text}",
            themes=[idea.theme],
        )
        action.created_at = _at(min(created, REFERENCE_DATE), 9)
        fixes.actions.append(action)
        _action_play(ctx, action, idea, people, created, audit_round, fixes)
        ctx.counts["actions"] += 1
        ctx.counts["audit actions"] += 1


def _lifecycle(ctx: SeedContext, created: date) -> str:
    age = (REFERENCE_DATE - created).days
    weights = OLD_WEIGHTS if age > 365 else MIDDLE_WEIGHTS if age > 120 else RECENT_WEIGHTS
    return ctx.rng.choices(LIFECYCLES, weights=weights)[0]


def _action_play(
    ctx: SeedContext,
    action: Action,
    idea: ActionIdea,
    people: People,
    created: date,
    audit_round: AuditRound,
    fixes: Fixes,
) -> None:
    """Progress notes by the owner agency (its auditor, who may update its actions; the business unit for its
    own), evidence, and closure by the business unit, all dated before the demo's today."""
    rng = ctx.rng
    lifecycle = _lifecycle(ctx, created)
    if lifecycle == NOT_STARTED:
        return
    owners = people.auditors_on(idea.owner, created) if idea.owner != shape.BUSINESS_UNIT else []
    writer = rng.choice(owners) if owners else people.officer
    last_day = REFERENCE_DATE - timedelta(days=1)

    def write(day: date, text: str, status: str = "") -> None:
        update = action_update_add(action=action, actor=writer, text=text, status=status)
        update.written_at = _at(min(day, last_day), rng.randint(9, 17))
        fixes.updates.append(update)

    day = min(created + timedelta(days=rng.randint(7, 30)), last_day)
    write(day, rng.choice(STARTED), Status.IN_PROGRESS)
    for _ in range(rng.randint(0, 2)):
        following = day + timedelta(days=rng.randint(20, 70))
        if following > last_day:
            break
        day = following
        write(day, rng.choice(PROGRESS))
    if lifecycle == IN_PROGRESS:
        return
    finished = min(day + timedelta(days=rng.randint(15, 90)), REFERENCE_DATE - timedelta(days=20))
    finished = max(finished, day)
    if lifecycle == CLOSED_OTHERWISE:
        status = rng.choice((Status.NOT_ACHIEVABLE, Status.SUPERSEDED))
        write(finished, CLOSED_OTHER[status], status)
    else:
        write(finished, COMPLETED, Status.COMPLETE)
        name = f"{audit_round.code}-F-evidence.pdf"
        content = _pdf(
            [
                action.owner_agency.name,
                f"Evidence for {action.reference}: {action.title}",
                f"Audit {audit_round.code}. Dated {finished:%-d %B %Y}. Synthetic demo document.",
            ]
        )
        evidence = action_evidence_add(
            action=action,
            actor=writer,
            upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
            description="What was done, with the dates",
        )
        evidence.uploaded_at = _at(finished, 16)
        fixes.evidence.append(evidence)
        if lifecycle == AWAITING_CLOSURE:
            return
    closed = min(finished + timedelta(days=rng.randint(7, 30)), last_day)
    action_close(action=action, actor=people.officer)
    action.closed_at = _at(closed, 14)


def _grade_words(grades: list[str]) -> str:
    counts = [(grades.count(grade), Grade(grade).label.lower()) for grade in GRADE_COLUMNS]
    return ", ".join(f"{count} {label}" for count, label in counts if count)


def _summary(audit_round: AuditRound, grades: list[str], findings: list[Finding]) -> str:
    good = [f.text for f in findings if f.kind == Finding.Kind.GOOD_PRACTICE]
    develop = [f.text for f in findings if f.kind == Finding.Kind.DEVELOPMENT]
    return (
        f"The round audited multi-agency practice for {len(grades)} children on "
        f"{AUDIT_THEMES[audit_round.theme].lower()}. The panel graded the cases {_grade_words(grades)}.\n\n"
        f"Good practice: {' '.join(good)}\n\nAreas for development: {' '.join(develop)}"
    )


def _fit(lines: Sequence[str], name: str) -> str:
    """As many whole lines as fit a briefing section (its characters and lines)."""
    limit = SECTIONS_BY_NAME[name].max_length
    kept: list[str] = []
    for line in lines:
        if len(kept) >= SECTION_MAX_LINES or len("\n".join([*kept, line])) > limit:
            break
        kept.append(line)
    return "\n".join(kept)


DIFFERENTLY: dict[str, str] = {
    Area.RISK: "Act on vulnerabilities as soon as you see them, with the other agencies.",
    Area.ASSESSMENT: "Start a chronology early and use the evidence-based tools (such as the GCP2).",
    Area.PLANNING: "Write the plan with the other agencies and the family, so all of you own it.",
    Area.INFORMATION_SHARING: "Share what you know with the lead professional promptly.",
    Area.LIVED_EXPERIENCE: "Find out who the child is: their identity, needs and how they communicate.",
    Area.MANAGEMENT_OVERSIGHT: "Ask in supervision what the timescale for change is for this child.",
    Area.CHALLENGE: "When you disagree about a decision, use the escalation policy.",
    Area.THINK_FAMILY: "Think family: consider the adults and siblings around the child.",
}


def _briefing(
    ctx: SeedContext,
    audit_round: AuditRound,
    plan: RoundPlan,
    findings: list[Finding],
    actor: User,
    published_on: date | None,
) -> None:
    """The round's 7-minute briefing: published and shared (earlier years), or a draft still being written."""
    good = [f.text for f in findings if f.kind == Finding.Kind.GOOD_PRACTICE]
    develop = [f for f in findings if f.kind == Finding.Kind.DEVELOPMENT]
    label = CURRENT_BRIEFINGS.get(plan.quarter, "") if audit_round.programme.year == CURRENT_YEAR else ""
    title = f"Learning from audit {audit_round.code}: {label or AUDIT_THEMES[plan.theme].lower()}"
    briefing = briefing_create(
        actor=actor,
        source_kind=Briefing.SourceKind.AUDIT,
        source_ref=audit_round.code,
        title=title[:100],
        background=(
            f"Audit round {audit_round.code} looked at how agencies worked together for 5 children "
            f"({AUDIT_THEMES[audit_round.theme].lower()}). {plan.rationale_detail}"
        ),
        why_it_matters=(
            "Audits look at what happened for real children in Walsall. The same gaps appear in our case "
            "reviews: each agency holds part of the picture."
        ),
        what_happened=_fit([f.text for f in develop], "what_happened"),
        what_we_learned=_fit(good, "what_we_learned"),
        what_to_do_differently=_fit(
            list(dict.fromkeys(DIFFERENTLY[f.practice_area] for f in develop)), "what_to_do_differently"
        ),
        questions_for_reflection="\n".join(BRIEFING_QUESTIONS),
        further_reading=FURTHER_READING,
    )
    ctx.counts["7-minute briefings"] += 1
    if published_on is None:
        return
    briefing_publish(actor=actor, briefing=briefing, published_on=published_on)
    shared = published_on + timedelta(days=ctx.rng.randint(3, 20))
    for channel, detail in BRIEFING_SHARES[: ctx.rng.randint(1, 2)]:
        if shared > REFERENCE_DATE:
            break
        briefing_share_record(
            actor=actor, briefing=briefing, channel=channel, detail=detail, shared_on=shared
        )
        shared += timedelta(days=ctx.rng.randint(20, 60))


# --- case review actions whose impact an audit showed -------------------------------------------------------


def _review_impact_audits_link(ctx: SeedContext, people: People, fixes: Fixes) -> None:
    """Case review actions whose impact was assured by a multi-agency audit theme (the reviews step runs
    first) name the round that showed it: one reported after the action closed and before the impact was
    recorded, on the action's theme where there is one."""
    rounds = list(AuditRound.objects.filter(status=AuditRound.Status.REPORTED).order_by("reported_on"))
    assured = Action.objects.filter(
        source_kind=Action.SourceKind.REVIEW_RECOMMENDATION,
        impact_approach=Action.ImpactApproach.MULTI_AGENCY_AUDIT,
    ).order_by("pk")
    for action in assured:
        if action.closed_at is None or action.impact_recorded_at is None:
            continue
        closed, recorded = timezone.localdate(action.closed_at), timezone.localdate(action.impact_recorded_at)
        between = [r for r in rounds if r.reported_on is not None and closed < r.reported_on <= recorded]
        if not between:
            continue
        on_theme = [r for r in between if r.theme in action.themes]
        audit_round = (on_theme or between)[0]
        linked = action_impact_record(
            action=action,
            actor=people.officer,
            approach=action.impact_approach,
            rating=action.impact_rating,
            notes=f"Re-audited in {audit_round.code} ({audit_round.theme_label}).",
            indicator_code=action.impact_indicator_code,
            audit_code=audit_round.code,
        )
        linked.impact_recorded_at = action.impact_recorded_at  # the service stamped the real clock
        fixes.actions.append(linked)
        ctx.counts["case review actions whose impact an audit showed"] += 1


# --- next year ------------------------------------------------------------------------------------------


# 2023-24's first round is sampled and opened a few days before the demo's today, so that an auditor signing
# in has live work: the demo auditor audits the police's part of every case, and has started the first.
FIRST_ROUND_OPENS = date(2023, 3, 27)


def _next_year_plan(ctx: SeedContext, people: People, children: list[tuple[int, date | None]]) -> None:
    """2023-24's programme, planned in March 2023: its rounds have themes and dates, and the first is open."""
    programme = programme_create(actor=people.officer, year=NEXT_YEAR)
    ctx.counts["audit programmes"] += 1
    for plan in PLANNED:
        start = date(2023, 4 + 3 * (plan.quarter - 1), 1) if plan.quarter < 4 else date(2024, 1, 1)
        opens = FIRST_ROUND_OPENS if plan.quarter == 1 else start + timedelta(days=14)
        audit_round = round_create(
            actor=people.officer,
            programme=programme,
            quarter=plan.quarter,
            theme=plan.theme,
            rationale=plan.rationale,
            rationale_detail=plan.rationale_detail,
            theme_detail=plan.theme_detail,
            lead=people.officer,
            case_count=CASES_PER_ROUND,
            opens_on=opens,
            sections_due=opens + timedelta(days=28),
            panel_date=opens + timedelta(days=49),
        )
        if plan.quarter == 1:
            _first_round_open(ctx, people, audit_round, children)
        else:
            ctx.counts["audit rounds planned"] += 1


def _first_round_open(
    ctx: SeedContext, people: People, audit_round: AuditRound, children: list[tuple[int, date | None]]
) -> None:
    """Sampled, its sections allocated (the council's and the police's on every case, the demo auditor
    taking the police's where they are one of its auditors) and opened; the demo auditor has saved a draft of
    one section."""
    demo_auditor = ctx.users_by_email.get(f"auditor@{DEMO_DOMAIN}")
    others = [
        code
        for code in THEME_AGENCIES[audit_round.theme]
        if code != shape.POLICE and people.auditors.get(code)
    ]
    cases = _sample(ctx, audit_round, people.officer, children)
    drafted: AuditSection | None = None
    for case in cases:
        for code in (shape.COUNCIL, shape.POLICE, *ctx.rng.sample(others, ctx.rng.randint(0, 1))):
            pool = people.auditors_on(code, FIRST_ROUND_OPENS)
            mine = code == shape.POLICE and demo_auditor in pool
            auditor = demo_auditor if mine else ctx.rng.choice(pool)
            section = case_section_assign(
                actor=people.officer, case=case, agency=ctx.agency(code), auditor=auditor
            )
            if mine and drafted is None:
                drafted = section
    audit_round = round_open(actor=people.officer, round=audit_round)
    if drafted is not None and drafted.auditor is not None:
        questions = round_questions(audit_round)[:3]
        section_save(
            actor=drafted.auditor,
            section=drafted,
            answers={question.pk: _answer(ctx, question, G) for question in questions},
            summary="",
        )
    ctx.counts["audit rounds open"] += 1
    ctx.counts["audit cases"] += len(cases)
