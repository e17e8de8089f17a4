"""The areas of the platform shown in the service navigation, each with what it is for.

Each area's landing page says what it is for and, until its module is built, what it will hold. A later
module takes over an area by giving its URL name here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    slug: str
    title: str
    purpose: str
    holds: tuple[str, ...]
    # Permission needed to see the area in the navigation; None means every signed-in person.
    permission: str | None = None
    # URL name of the module's own landing page once it exists; None shows the generic landing page.
    url_name: str | None = None


AREAS: tuple[Area, ...] = (
    Area(
        "front-door",
        "Front door",
        "Where partner agencies refer a worry about a child, and where the MASH triages each contact, "
        "gathers information from partners and decides within one working day.",
        (
            "The electronic multi-agency referral form (eMARF), with save as draft and check your answers",
            "Your referrals and what happened to them",
            "The MASH queue, with the one working day clock for every contact",
        ),
        url_name="frontdoor:home",
    ),
    Area(
        "children",
        "Children",
        "Each child's journey through help and protection: early help, assessment, section 47 enquiries, "
        "conferences, plans, care, missing episodes and exploitation screening.",
        (
            "A child's timeline with open clocks and what is overdue",
            "Import and validation of the CIN census and Ofsted Annex A",
        ),
        permission="child.view",
        url_name="children:home",
    ),
    Area(
        "performance",
        "Performance",
        "The multi-agency scorecard: every figure defined once, computed from the data, and traceable to "
        "its definition, with comparators and partners' narrative.",
        ("The indicator registry (the partnership's data dictionary)", "The quarterly scorecard"),
        permission="indicator.view",
        url_name="indicators:home",
    ),
    Area(
        "audits",
        "Audits",
        "Multi-agency case file audits: the programme, themed tools, grading, moderation and learning.",
        ("The audit programme", "Audit tools and grades", "Findings and briefings"),
        permission="audit.view",
        url_name="audits:home",
    ),
    Area(
        "case-reviews",
        "Case reviews",
        "Rapid reviews, local child safeguarding practice reviews, safeguarding adult reviews and domestic "
        "homicide reviews, with their clocks and recommendations.",
        ("Referrals for consideration and their deadlines", "Reviews in progress and publication"),
        permission="review.view",
        url_name="reviews:summary",
    ),
    Area(
        "actions",
        "Actions",
        "One tracker for every recommendation and action across the partnership, with owners, due dates, "
        "updates and evidence of impact, so drift or delay is easy to see.",
        ("Actions by owner agency and due date", "Evidence of implementation"),
        permission="action.view",
        url_name="actions:home",
    ),
    Area(
        "self-assessment",
        "Self-assessment",
        "Section 11, section 175 and Care Act self-assessments by partner agencies, and challenge events.",
        ("Self-assessment rounds", "Agency returns and challenge"),
        permission="selfassessment.view",
    ),
    Area(
        "learning",
        "Learning",
        "Multi-agency training, attendance and evaluation of its impact, 7-minute briefings and "
        "practitioner surveys.",
        ("Training events and attendance", "Evaluation at three stages", "Briefings and surveys"),
        permission="learning.view",
        url_name="briefings:home",
    ),
    Area(
        "governance",
        "Governance",
        "The executive and subgroups: meetings, decisions, priorities, risks and funding.",
        ("Meetings and action logs", "Priorities and strategies", "Risks and funding"),
        permission="governance.view",
    ),
    Area(
        "voice",
        "Voice",
        "The voice of children and families, the partnership's 4th partner: young people's inspections, "
        "focus groups and feedback.",
        ("Young people's inspections", "What children and families told us"),
        permission="voice.view",
    ),
    Area(
        "reports",
        "Reports",
        "The yearly report, compiled from the data with every figure traceable to its definition.",
        ("The annual report in HTML, PDF and Word",),
        permission="report.view",
    ),
    Area(
        "administration",
        "Administration",
        "Agencies, teams, people and their roles; sign-in lockouts; the working-day calendar; the access "
        "log and break-glass reviews.",
        (),
        permission="agency.view",
        url_name="administration:home",
    ),
)

AREAS_BY_SLUG = {area.slug: area for area in AREAS}
