"""Reads for a round's report (issue 7, "a round report as a page, PDF and DOCX"), always with the person
asking (audit.view).

The report names cases by their audit codes only: nothing in it comes from the child's record, and an
escalation is reported by what was done and by which agency, never by the concern's details.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_visible_to, from_source
from safeguarding.audits.agreement import (
    AGREEMENT_HIDDEN,
    Agreement,
    YearAgreement,
    round_agreement,
    year_agreement,
)
from safeguarding.audits.models import (
    AuditCase,
    AuditRound,
    Finding,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.selectors.programme import rounds_visible_to
from safeguarding.audits.tables import GRADE_LABELS, GradeCounts
from safeguarding.briefings.models import Briefing
from safeguarding.briefings.selectors import briefing_for_source, briefing_may_write


@dataclass(frozen=True)
class ReportCase:
    code: str
    grade: str  # "" until the panel grades it
    grade_label: str
    grade_reason: str
    agencies: tuple[str, ...]
    family_views: str  # the FamilyViews label
    escalated: bool


@dataclass(frozen=True)
class ReportFinding:
    number: int
    source_ref: str
    case_code: str  # "" for a finding about the round as a whole
    text: str


@dataclass(frozen=True)
class PracticeAreaFindings:
    """One practice area's findings, good practice and areas for development apart."""

    area: str
    label: str
    good_practice: tuple[ReportFinding, ...]
    development: tuple[ReportFinding, ...]


@dataclass(frozen=True)
class ReportEscalation:
    """What was done about a child found at risk: when, by which agency and what (no identity, no concern)."""

    case_code: str
    raised_on: date
    acting_agency: str
    action_taken: str
    acted_on: date


@dataclass(frozen=True)
class AgencyParticipation:
    agency: str
    invited: int
    attended: int
    declined: int


@dataclass(frozen=True)
class Reflection:
    case_code: str
    agency: str
    role: str
    text: str


@dataclass(frozen=True)
class FamilyViewsSummary:
    case_code: str
    status: str
    summary: str


@dataclass(frozen=True)
class RoundReport:
    round: AuditRound
    year: str
    counts: GradeCounts
    cases: tuple[ReportCase, ...]
    findings: tuple[PracticeAreaFindings, ...]
    actions: tuple[Action, ...]
    escalations: tuple[ReportEscalation, ...]
    participation: tuple[AgencyParticipation, ...]
    reflections: tuple[Reflection, ...]
    family_views: tuple[tuple[str, int], ...]  # (FamilyViews label, cases)
    family_summaries: tuple[FamilyViewsSummary, ...]
    agreement: Agreement | None  # None until the panel meets: independent grades stay hidden till then
    year_agreement: YearAgreement  # the year's rounds the reader may see and the panel has met on, pooled
    briefing: Briefing | None
    may_write_briefing: bool
    dates: tuple[tuple[str, date | None], ...] = field(default=())

    @property
    def code(self) -> str:
        return self.round.code

    @property
    def agreement_text(self) -> str:
        """The round's agreement in a sentence: hidden until the panel meets, the kappa, or why none."""
        return AGREEMENT_HIDDEN if self.agreement is None else self.agreement.sentence

    @property
    def escalated_cases(self) -> int:
        """Cases escalated (a case escalated twice is one case; the table lists each escalation)."""
        return sum(1 for case in self.cases if case.escalated)

    @property
    def ungraded(self) -> int:
        return sum(1 for case in self.cases if not case.grade)

    @property
    def invited(self) -> int:
        return sum(row.invited for row in self.participation)

    @property
    def attended(self) -> int:
        return sum(row.attended for row in self.participation)

    @property
    def finding_count(self) -> int:
        return sum(len(area.good_practice) + len(area.development) for area in self.findings)


def round_get_for_report(user: Any, code: str) -> AuditRound:
    """One round by its code, for its report: 404 when there is none the user may see."""
    try:
        return rounds_visible_to(user).select_related("programme", "lead").get(code=str(code).strip().upper())
    except AuditRound.DoesNotExist as missing:
        raise Http404("No such audit round, or not one you may see") from missing


def _findings(audit_round: AuditRound) -> tuple[PracticeAreaFindings, ...]:
    found = list(Finding.objects.filter(round=audit_round).select_related("case").order_by("number"))
    areas = []
    for area in PracticeArea:
        here = [finding for finding in found if finding.practice_area == area.value]
        if not here:
            continue

        def of(kind: str, here: list[Finding] = here) -> tuple[ReportFinding, ...]:
            return tuple(
                ReportFinding(
                    finding.number,
                    f"{audit_round.code}/F{finding.number}",
                    finding.case.code if finding.case else "",
                    finding.text,
                )
                for finding in here
                if finding.kind == kind
            )

        areas.append(
            PracticeAreaFindings(
                area.value, str(area.label), of(Finding.Kind.GOOD_PRACTICE), of(Finding.Kind.DEVELOPMENT)
            )
        )
    return tuple(areas)


def round_report(user: Any, audit_round: AuditRound) -> RoundReport:
    """Everything a round's report shows, for a round the caller has already fetched for `user`."""
    cases = list(
        AuditCase.objects.filter(round=audit_round)
        .prefetch_related(
            "agencies",
            Prefetch(
                "practitioners",
                queryset=PractitionerInvitation.objects.select_related("agency").order_by(
                    "agency__name", "pk"
                ),
            ),
            "escalations__acting_agency",
        )
        .order_by("code")
    )
    report_cases = tuple(
        ReportCase(
            code=case.code,
            grade=case.grade,
            grade_label=GRADE_LABELS.get(case.grade, "Not graded yet"),
            grade_reason=case.grade_reason,
            agencies=tuple(sorted(agency.name for agency in case.agencies.all())),
            family_views=case.get_family_views_display(),
            escalated=bool(case.escalations.all()),
        )
        for case in cases
    )
    counts = GradeCounts.of(Counter(case.grade for case in cases if case.grade))

    escalations = tuple(
        ReportEscalation(
            case.code,
            escalation.raised_on,
            escalation.acting_agency.name,
            escalation.action_taken,
            escalation.acted_on,
        )
        for case in cases
        for escalation in case.escalations.all()
    )

    invited: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    declined: Counter[str] = Counter()
    reflections = []
    for case in cases:
        for invitation in case.practitioners.all():
            name = invitation.agency.name
            invited[name] += 1
            attended[name] += invitation.attendance == PractitionerInvitation.Attendance.ATTENDED
            declined[name] += invitation.attendance == PractitionerInvitation.Attendance.DECLINED
            if invitation.reflections.strip():
                reflections.append(
                    Reflection(case.code, name, invitation.role, invitation.reflections.strip())
                )
    participation = tuple(
        AgencyParticipation(name, invited[name], attended[name], declined[name]) for name in sorted(invited)
    )

    views = Counter(case.family_views for case in cases)
    family_views = tuple(
        (str(label), views[value]) for value, label in AuditCase.FamilyViews.choices if views[value]
    )
    family_summaries = tuple(
        FamilyViewsSummary(case.code, case.get_family_views_display(), case.family_views_summary.strip())
        for case in cases
        if case.family_views_summary.strip()
    )

    actions = tuple(
        from_source(actions_visible_to(user), audit_round.code)
        .filter(source_kind=Action.SourceKind.AUDIT)
        .order_by("source_ref", "reference")
    )
    return RoundReport(
        round=audit_round,
        year=audit_round.programme.year,
        counts=counts,
        cases=report_cases,
        findings=_findings(audit_round),
        actions=actions,
        escalations=escalations,
        participation=participation,
        reflections=tuple(reflections),
        family_views=family_views,
        family_summaries=family_summaries,
        agreement=round_agreement(audit_round),
        year_agreement=year_agreement(audit_round.programme.year, rounds_visible_to(user)),
        briefing=briefing_for_source(user, Briefing.SourceKind.AUDIT, audit_round.code),
        may_write_briefing=briefing_may_write(user, Briefing.SourceKind.AUDIT),
        dates=(
            ("Auditing started", audit_round.opens_on),
            ("Agencies' sections due", audit_round.sections_due),
            ("Moderation panel", audit_round.panel_date),
            ("Reported to the PQA subgroup", audit_round.reported_on),
        ),
    )
