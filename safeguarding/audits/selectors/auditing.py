"""Reading for auditors and the moderation panel (issue 7 sections 2 and 4).

- An auditor reaches a case only through a section they are the auditor of (audit.conduct for its agency);
  anyone else who may conduct audits gets a 404 for it. The business unit (audit.manage) reaches every case.
- Who the child is, and their journey, is shown only while the round is open (open or moderation), only to
  the case's own auditors and the business unit; the views write each showing to the access log.
- Independent grades stay hidden from everyone but the person who gave them until the round reaches the panel.
- Other agencies' sections are shown to a case's auditor once they have submitted their own, and only the
  submitted ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.decorators import is_two_factor_verified
from safeguarding.access.permissions import holds, visible_to
from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_visible_to
from safeguarding.audits.agreement import (
    GRADES_SHOWN,
    Agreement,
    YearAgreement,
    round_agreement,
    year_agreement,
)
from safeguarding.audits.models import (
    AuditCase,
    AuditQuestion,
    AuditRound,
    AuditSection,
    Escalation,
    Finding,
    Grade,
    IndependentGrade,
    PractitionerInvitation,
)
from safeguarding.audits.permissions import CONDUCT, MANAGE
from safeguarding.audits.selectors.programme import rounds_visible_to
from safeguarding.audits.services.auditing import (
    YES_NO_PARTLY,
    is_case_auditor,
    round_questions,
)
from safeguarding.children.models import Child
from safeguarding.children.selectors import TimelineEntry, child_journey, child_timeline
from safeguarding.core.attention import AttentionItem

JOURNEY_LINES = 30


# --- An auditor's cases ------------------------------------------------------------------------------------


def sections_for_auditor(user: Any) -> QuerySet[AuditSection]:
    """The person's own sections in rounds open for auditing or at moderation, soonest due first."""
    own = AuditSection.objects.filter(
        auditor=user,
        case__round__status__in=(AuditRound.Status.OPEN, AuditRound.Status.MODERATION),
    )
    return (
        visible_to(user, own, CONDUCT)
        .select_related("case__round", "agency")
        .order_by("case__round__sections_due", "case__round__code", "case__code", "agency__name")
    )


def case_for_auditing(user: Any, code: str) -> AuditCase:
    """A case for its auditor or the business unit; a 404 for anyone else (even another auditor)."""
    case = AuditCase.objects.select_related("round", "child").filter(code=code).first()
    if case is None:
        raise Http404("No such audit case")
    if holds(user, MANAGE) or is_case_auditor(user, case):
        return case
    raise Http404("No such audit case, or not one of yours")


def own_sections(user: Any, case: AuditCase) -> list[AuditSection]:
    sections = visible_to(user, case.sections.filter(auditor=user), CONDUCT)
    return list(sections.select_related("agency"))


def may_see_identity(user: Any, case: AuditCase) -> bool:
    """Only while the round is open, only the case's auditors, or the business unit signed in with two
    factors (the children are identifiable data)."""
    if not case.round.is_open or not is_two_factor_verified(user):
        return False
    return holds(user, MANAGE) or is_case_auditor(user, case)


@dataclass
class ChildSummary:
    child: Child
    timeline: list[TimelineEntry]
    more: int


def child_summary(user: Any, case: AuditCase) -> ChildSummary:
    """The child's identity and journey through the children app's own selectors. The caller has checked
    may_see_identity and logs the view."""
    if not may_see_identity(user, case):
        raise Http404("Not yours to see")
    journey = child_journey(user, case.child)
    timeline = child_timeline(journey)
    return ChildSummary(case.child, timeline[:JOURNEY_LINES], max(0, len(timeline) - JOURNEY_LINES))


@dataclass(frozen=True)
class Answer:
    question: AuditQuestion
    value: str

    @property
    def label(self) -> str:
        if not self.value:
            return "Not answered"
        if self.question.kind == AuditQuestion.Kind.GRADED:
            return str(dict(Grade.choices).get(self.value, self.value))
        if self.question.kind == AuditQuestion.Kind.YES_NO_PARTLY:
            return YES_NO_PARTLY.get(self.value, self.value)
        return self.value


@dataclass
class SectionView:
    section: AuditSection
    answers: list[Answer]


def section_view(section: AuditSection, questions: list[AuditQuestion]) -> SectionView:
    stored = section.answers or {}
    return SectionView(section, [Answer(q, str(stored.get(str(q.pk), ""))) for q in questions])


def other_sections(user: Any, case: AuditCase, mine: list[AuditSection]) -> list[AuditSection]:
    """Other agencies' sections the person may read: for the business unit all of them; for an auditor,
    the submitted ones, once they have submitted their own."""
    others = case.sections.exclude(pk__in=[s.pk for s in mine]).select_related("agency", "auditor")
    if holds(user, MANAGE):
        return list(others)
    if not any(s.status == AuditSection.Status.SUBMITTED for s in mine):
        return []
    return list(others.filter(status=AuditSection.Status.SUBMITTED))


def own_independent_grade(user: Any, case: AuditCase) -> IndependentGrade | None:
    return IndependentGrade.objects.filter(case=case, grader=user).first()


def case_practitioners(case: AuditCase) -> list[PractitionerInvitation]:
    return list(case.practitioners.select_related("agency"))


def case_escalations(case: AuditCase) -> list[Escalation]:
    return list(case.escalations.select_related("acting_agency", "raised_by"))


# --- The moderation panel -----------------------------------------------------------------------------


def round_for_moderation(code: str) -> AuditRound:
    """A round for the business unit's moderation page (the view has checked audit.manage)."""
    audit_round = AuditRound.objects.select_related("programme", "lead").filter(code=code).first()
    if audit_round is None:
        raise Http404("No such audit round")
    return audit_round


@dataclass
class FindingRow:
    finding: Finding
    actions: list[Action]


@dataclass
class ModerationCase:
    case: AuditCase
    sections: list[SectionView]
    grades: list[IndependentGrade]
    grade_count: int
    practitioners: list[PractitionerInvitation]
    escalations: list[Escalation]
    findings: list[FindingRow] = field(default_factory=list)


@dataclass
class Moderation:
    round: AuditRound
    cases: list[ModerationCase]
    round_findings: list[FindingRow]
    agreement: Agreement | None  # None until the panel meets
    year_agreement: YearAgreement
    grades_shown: bool
    unsubmitted: int
    ungraded: int


def moderation(user: Any, audit_round: AuditRound) -> Moderation:
    """Everything the panel looks at, case by case, in a fixed number of queries."""
    questions = round_questions(audit_round)
    cases = list(audit_round.cases.prefetch_related("agencies").order_by("code"))
    ids = [case.pk for case in cases]
    sections: dict[int, list[SectionView]] = {}
    unsubmitted = 0
    for section in AuditSection.objects.filter(case_id__in=ids).select_related("agency", "auditor"):
        sections.setdefault(section.case_id, []).append(section_view(section, questions))
        unsubmitted += section.status != AuditSection.Status.SUBMITTED
    grades: dict[int, list[IndependentGrade]] = {}
    for grade in IndependentGrade.objects.filter(case_id__in=ids).select_related("grader"):
        grades.setdefault(grade.case_id, []).append(grade)
    practitioners: dict[int, list[PractitionerInvitation]] = {}
    for invitation in PractitionerInvitation.objects.filter(case_id__in=ids).select_related("agency"):
        practitioners.setdefault(invitation.case_id, []).append(invitation)
    escalations: dict[int, list[Escalation]] = {}
    for escalation in Escalation.objects.filter(case_id__in=ids).select_related("acting_agency", "raised_by"):
        escalations.setdefault(escalation.case_id, []).append(escalation)
    shown = audit_round.status in GRADES_SHOWN
    rows = {
        case.pk: ModerationCase(
            case=case,
            sections=sections.get(case.pk, []),
            grades=grades.get(case.pk, []) if shown else [],
            grade_count=len(grades.get(case.pk, [])),
            practitioners=practitioners.get(case.pk, []),
            escalations=escalations.get(case.pk, []),
        )
        for case in cases
    }
    round_findings = []
    for row in round_finding_rows(user, audit_round):
        if row.finding.case_id in rows:
            rows[row.finding.case_id].findings.append(row)
        else:
            round_findings.append(row)
    return Moderation(
        round=audit_round,
        cases=list(rows.values()),
        round_findings=round_findings,
        agreement=round_agreement(audit_round),
        year_agreement=year_agreement(audit_round.programme.year, rounds_visible_to(user)),
        grades_shown=shown,
        unsubmitted=unsubmitted,
        ungraded=sum(1 for case in cases if not case.grade),
    )


def round_finding_rows(user: Any, audit_round: AuditRound) -> list[FindingRow]:
    """The round's findings in number order, each with the tracker actions the person may see."""
    findings = list(Finding.objects.filter(round=audit_round).select_related("round", "case"))
    refs = [finding.source_ref for finding in findings]
    by_ref: dict[str, list[Action]] = {}
    actions = actions_visible_to(user).filter(source_kind=Action.SourceKind.AUDIT, source_ref__in=refs)
    for action in actions.order_by("reference"):
        by_ref.setdefault(action.source_ref, []).append(action)
    return [FindingRow(finding, by_ref.get(finding.source_ref, [])) for finding in findings]


def finding_get(audit_round: AuditRound, number: int) -> Finding:
    finding = Finding.objects.select_related("round").filter(round=audit_round, number=number).first()
    if finding is None:
        raise Http404("No such finding")
    return finding


# --- Home page --------------------------------------------------------------------------------------------


def rounds_ready_for_moderation(today: date | None = None) -> list[AuditRound]:
    """Rounds open for auditing whose sections are all submitted, or whose sections are past due."""
    today = today or timezone.localdate()
    ready = []
    for audit_round in AuditRound.objects.filter(status=AuditRound.Status.OPEN).order_by("code"):
        statuses = list(AuditSection.objects.filter(case__round=audit_round).values_list("status", flat=True))
        all_in = bool(statuses) and all(s == AuditSection.Status.SUBMITTED for s in statuses)
        past_due = audit_round.sections_due is not None and audit_round.sections_due < today
        if all_in or past_due:
            ready.append(audit_round)
    return ready


def auditing_attention(user: Any) -> list[AttentionItem]:
    """Home-page items: an auditor's sections still to complete; for the business unit, rounds ready for the
    moderation panel."""
    items: list[AttentionItem] = []
    today = timezone.localdate()
    if holds(user, CONDUCT):
        to_do = [
            s
            for s in sections_for_auditor(user)
            if s.case.round.status == AuditRound.Status.OPEN and s.status != AuditSection.Status.SUBMITTED
        ]
        late = [s for s in to_do if s.case.round.sections_due and s.case.round.sections_due < today]
        items.append(
            AttentionItem(
                "Audit sections to complete",
                len(to_do),
                reverse("audits:auditing_my_cases"),
                ", ".join(s.case.code for s in to_do),
                overdue=bool(late),
            )
        )
    if holds(user, MANAGE):
        ready = rounds_ready_for_moderation(today)
        href = reverse("audits:moderation_round", args=[ready[0].code]) if ready else ""
        items.append(
            AttentionItem("Rounds ready for moderation", len(ready), href, ", ".join(r.code for r in ready))
        )
    return items
