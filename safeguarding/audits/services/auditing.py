"""Writes for auditing a round and moderating it (issue 7 section 2; DESIGN rule 1): keyword-only, one
transaction each. Each service checks who may do it (PermissionDenied) and the facts it depends on
(AuditError, a RefusedWrite whose `field` names the form field the message belongs beside).

Who does what:
- a case's auditors (the auditor named on one of its agency sections, holding audit.conduct for that agency)
  complete their section, grade the case independently, invite their agency's practitioners, record the
  family's views and escalate a child found at risk;
- the business unit (audit.manage) may do all of that for any case, reopens submitted sections, sends the
  round to the moderation panel, records the panel's grade and findings, adds actions, and reports the round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguarding.access.permissions import can
from safeguarding.accounts.models import Agency
from safeguarding.actions.models import THEMES, Action
from safeguarding.actions.services import action_create
from safeguarding.audits.models import (
    AuditCase,
    AuditQuestion,
    AuditRound,
    AuditSection,
    Escalation,
    Finding,
    Grade,
    IndependentGrade,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.permissions import CONDUCT, MANAGE
from safeguarding.audits.services.programme import AuditError

FREE_TEXT_LIMIT = 5000
YES_NO_PARTLY: dict[str, str] = {"yes": "Yes", "no": "No", "partly": "Partly"}
# Questions that must be answered before a section is submitted (free text may be left empty).
REQUIRED_KINDS = (AuditQuestion.Kind.GRADED, AuditQuestion.Kind.YES_NO_PARTLY)


# --- Who may ------------------------------------------------------------------------------------------------


def may_manage(actor: Any, audit_round: AuditRound) -> bool:
    return can(actor, MANAGE, audit_round)


def is_case_auditor(actor: Any, case: AuditCase) -> bool:
    """True when the actor is the auditor of one of the case's sections and holds audit.conduct for its
    agency (a person who has left the agency, or lost the role, is no longer the case's auditor)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return any(can(actor, CONDUCT, section) for section in case.sections.filter(auditor=actor))


def _require_manage(actor: Any, audit_round: AuditRound) -> None:
    if not may_manage(actor, audit_round):
        raise PermissionDenied("Only the business unit may do this")


def _require_case_worker(actor: Any, case: AuditCase) -> None:
    """The case's auditors, or the business unit."""
    if not (may_manage(actor, case.round) or is_case_auditor(actor, case)):
        raise PermissionDenied("Only the case's auditors and the business unit may do this")


def _require_status(audit_round: AuditRound, *statuses: str, doing: str) -> None:
    if audit_round.status not in statuses:
        wanted = " or ".join(str(AuditRound.Status(status).label).lower() for status in statuses)
        raise AuditError(
            f"You can {doing} only while the round is {wanted}; round {audit_round.code} is "
            f"{audit_round.get_status_display().lower()}"
        )


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise AuditError(f"{label} cannot be in the future", field)


def _choice(value: str, choices: Iterable[str], field: str, message: str) -> None:
    if value not in choices:
        raise AuditError(message, field)


# --- Agencies' sections ----------------------------------------------------------------------------------


def round_questions(audit_round: AuditRound) -> list[AuditQuestion]:
    """The questions of the round's tool versions: the core tool's, then the theme tool's, numbered straight
    through (`number_in_round`) so that "question 4" names one question on the auditor's form."""
    versions = [v for v in (audit_round.core_version_id, audit_round.theme_version_id) if v is not None]
    questions = AuditQuestion.objects.filter(version_id__in=versions)
    order = {version: i for i, version in enumerate(versions)}
    ordered = sorted(questions, key=lambda q: (order[q.version_id], q.position))
    for number, question in enumerate(ordered, start=1):
        question.number_in_round = number
    return ordered


def answer_field(question: AuditQuestion) -> str:
    """The form field a question's answer is typed into, and that refusals about it name."""
    return f"q_{question.pk}"


def answer_problem(question: AuditQuestion, value: str) -> str | None:
    """Why `value` cannot answer `question`, or None. An empty value is no answer (checked at submit)."""
    if value == "":
        return None
    if question.kind == AuditQuestion.Kind.GRADED and value not in Grade.values:
        return "Choose one of the four grades"
    if question.kind == AuditQuestion.Kind.YES_NO_PARTLY and value not in YES_NO_PARTLY:
        return "Choose yes, no or partly"
    if question.kind == AuditQuestion.Kind.FREE_TEXT and len(value) > FREE_TEXT_LIMIT:
        return f"Answer in {FREE_TEXT_LIMIT:,} characters or fewer"
    return None


def unanswered(questions: Iterable[AuditQuestion], answers: Mapping[str, str]) -> list[AuditQuestion]:
    """The graded and yes/no/partly questions without an answer: they must be answered before submitting."""
    return [q for q in questions if q.kind in REQUIRED_KINDS and not answers.get(str(q.pk))]


@transaction.atomic
def section_save(
    *,
    actor: Any,
    section: AuditSection,
    answers: Mapping[Any, Any],
    summary: str = "",
    submit: bool = False,
) -> AuditSection:
    """Save an agency's answers as a draft, or submit them (then read-only until the business unit reopens).

    `answers` maps question ids (or their strings) to answers; empty answers are dropped. Graded answers are
    Grade values, yes/no/partly answers "yes", "no" or "partly", free text any text up to 5,000 characters.
    Submitting needs every graded and yes/no/partly question answered.
    """
    section = AuditSection.objects.select_for_update().select_related("case__round").get(pk=section.pk)
    audit_round = section.case.round
    if not (section.auditor_id == getattr(actor, "pk", None) and can(actor, CONDUCT, section)) and not (
        may_manage(actor, audit_round)
    ):
        raise PermissionDenied("Only the section's auditor and the business unit may change this section")
    _require_status(audit_round, AuditRound.Status.OPEN, doing="change a section")
    if section.status == AuditSection.Status.SUBMITTED:
        raise AuditError("This section has been submitted: ask the business unit to reopen it")
    questions = round_questions(audit_round)
    by_id = {str(q.pk): q for q in questions}
    cleaned: dict[str, str] = {}
    for key, raw in answers.items():
        question = by_id.get(str(key))
        if question is None:
            raise AuditError(f"Question {key} is not in this round's audit tool")
        value = "" if raw is None else str(raw).strip()
        problem = answer_problem(question, value)
        if problem:
            raise AuditError(problem, answer_field(question))
        if value:
            cleaned[str(question.pk)] = value
    if len(summary) > FREE_TEXT_LIMIT:
        raise AuditError(f"Write the summary in {FREE_TEXT_LIMIT:,} characters or fewer", "summary")
    if submit:
        missing = unanswered(questions, cleaned)
        if missing:
            raise AuditError(
                f"Answer question {missing[0].number_in_round} before submitting", answer_field(missing[0])
            )
    section.answers = cleaned
    section.summary = summary.strip()
    if submit:
        section.status = AuditSection.Status.SUBMITTED
        section.submitted_at = timezone.now()
    else:
        section.status = AuditSection.Status.IN_PROGRESS
    section.save()
    return section


@transaction.atomic
def section_reopen(*, actor: Any, section: AuditSection) -> AuditSection:
    """The business unit reopens a submitted section so its auditor can change it."""
    section = AuditSection.objects.select_for_update().select_related("case__round").get(pk=section.pk)
    _require_manage(actor, section.case.round)
    _require_status(section.case.round, AuditRound.Status.OPEN, doing="reopen a section")
    if section.status != AuditSection.Status.SUBMITTED:
        raise AuditError("Only a submitted section can be reopened")
    section.status = AuditSection.Status.IN_PROGRESS
    section.submitted_at = None
    section.save()
    return section


# --- Independent grades (double marking) ----------------------------------------------------------------


@transaction.atomic
def independent_grade_record(*, actor: Any, case: AuditCase, grade: str, graded_on: date) -> IndependentGrade:
    """One person's grade for a case before the panel, hidden from everyone else until the panel meets.
    One per person per case; recorded while the round is open for auditing."""
    _require_case_worker(actor, case)
    _require_status(case.round, AuditRound.Status.OPEN, doing="grade a case independently")
    _choice(grade, Grade.values, "grade", "Choose one of the four grades")
    _not_future(graded_on, "graded_on", "The date graded")
    if IndependentGrade.objects.filter(case=case, grader=actor).exists():
        raise AuditError("You have already graded this case: each person grades a case once", "grade")
    return IndependentGrade.objects.create(case=case, grader=actor, grade=grade, graded_on=graded_on)


# --- Practitioners and the family -----------------------------------------------------------------------


def _case_agency_ids(case: AuditCase) -> set[int]:
    ids = set(case.agencies.values_list("pk", flat=True))
    ids.update(case.sections.values_list("agency_id", flat=True))
    return ids


def _require_agency_worker(actor: Any, case: AuditCase, agency_id: int) -> None:
    """The business unit, or an auditor of the case for this agency's section."""
    if may_manage(actor, case.round):
        return
    sections = case.sections.filter(auditor=actor, agency_id=agency_id)
    if not any(can(actor, CONDUCT, section) for section in sections):
        raise PermissionDenied("Only the agency's auditor of this case and the business unit may do this")


@transaction.atomic
def practitioner_invite(
    *, actor: Any, case: AuditCase, agency: Agency, role: str, invited_on: date
) -> PractitionerInvitation:
    """A practitioner involved in the case, invited to the discussion (by their role, never their name)."""
    if agency.pk not in _case_agency_ids(case):
        _require_case_worker(actor, case)
        raise AuditError("Choose one of the agencies involved in this case", "agency")
    _require_agency_worker(actor, case, agency.pk)
    _require_status(
        case.round, AuditRound.Status.OPEN, AuditRound.Status.MODERATION, doing="invite practitioners"
    )
    role = role.strip()
    if not role:
        raise AuditError("Enter the practitioner's role, like Health visitor", "role")
    _not_future(invited_on, "invited_on", "The date invited")
    return PractitionerInvitation.objects.create(case=case, agency=agency, role=role, invited_on=invited_on)


@transaction.atomic
def practitioner_attendance_record(
    *, actor: Any, invitation: PractitionerInvitation, attendance: str, reflections: str = ""
) -> PractitionerInvitation:
    """Whether the practitioner took part, and what they reflected (only someone who took part reflects)."""
    invitation = PractitionerInvitation.objects.select_for_update().get(pk=invitation.pk)
    case = AuditCase.objects.select_related("round").get(pk=invitation.case_id)
    _require_agency_worker(actor, case, invitation.agency_id)
    _require_status(
        case.round, AuditRound.Status.OPEN, AuditRound.Status.MODERATION, doing="record practitioners"
    )
    _choice(
        attendance, PractitionerInvitation.Attendance.values, "attendance", "Choose whether they took part"
    )
    reflections = reflections.strip()
    if reflections and attendance != PractitionerInvitation.Attendance.ATTENDED:
        raise AuditError("Record reflections only for a practitioner who took part", "reflections")
    invitation.attendance = attendance
    invitation.reflections = reflections
    invitation.save()
    return invitation


@transaction.atomic
def family_views_record(*, actor: Any, case: AuditCase, family_views: str, summary: str = "") -> AuditCase:
    """Whether the child's and family's views were sought, and what they said."""
    case = AuditCase.objects.select_for_update().select_related("round").get(pk=case.pk)
    _require_case_worker(actor, case)
    _require_status(
        case.round, AuditRound.Status.OPEN, AuditRound.Status.MODERATION, doing="record the family's views"
    )
    _choice(family_views, AuditCase.FamilyViews.values, "family_views", "Choose whether views were sought")
    summary = summary.strip()
    if family_views == AuditCase.FamilyViews.SOUGHT and not summary:
        raise AuditError("Write what the child and family said", "summary")
    if family_views == AuditCase.FamilyViews.NOT_SOUGHT and summary:
        raise AuditError(
            "Leave this empty when views were not sought, or choose how they were sought", "summary"
        )
    case.family_views = family_views
    case.family_views_summary = summary
    case.save()
    return case


# --- A child found at risk ------------------------------------------------------------------------------


@transaction.atomic
def escalation_record(
    *,
    actor: Any,
    case: AuditCase,
    raised_on: date,
    concern: str,
    acting_agency: Agency,
    acted_by: str,
    action_taken: str,
    acted_on: date,
) -> Escalation:
    """A child found at risk during the audit: the immediate escalation, who acted and what they did."""
    _require_case_worker(actor, case)
    _require_status(
        case.round, AuditRound.Status.OPEN, AuditRound.Status.MODERATION, doing="record an escalation"
    )
    if not concern.strip():
        raise AuditError("Describe the concern about the child", "concern")
    if not acted_by.strip():
        raise AuditError("Enter who acted", "acted_by")
    if not action_taken.strip():
        raise AuditError("Describe what was done", "action_taken")
    _not_future(raised_on, "raised_on", "The date raised")
    _not_future(acted_on, "acted_on", "The date acted on")
    if acted_on < raised_on:
        raise AuditError("The date acted on cannot be before the date raised", "acted_on")
    return Escalation.objects.create(
        case=case,
        raised_on=raised_on,
        concern=concern.strip(),
        raised_by=actor,
        acting_agency=acting_agency,
        acted_by=acted_by.strip(),
        action_taken=action_taken.strip(),
        acted_on=acted_on,
    )


# --- The moderation panel ---------------------------------------------------------------------------


@transaction.atomic
def round_to_moderation(*, actor: Any, round: AuditRound) -> AuditRound:
    """Close auditing and take the round to the moderation panel: sections become read-only and the
    independent grades are shown."""
    audit_round = AuditRound.objects.select_for_update().get(pk=round.pk)
    _require_manage(actor, audit_round)
    _require_status(audit_round, AuditRound.Status.OPEN, doing="send a round to moderation")
    if not audit_round.cases.exists():
        raise AuditError("The round has no cases to moderate")
    audit_round.status = AuditRound.Status.MODERATION
    audit_round.save()
    return audit_round


@transaction.atomic
def case_grade(*, actor: Any, case: AuditCase, grade: str, reason: str, moderated_on: date) -> AuditCase:
    """The panel's multi-agency grade for a case, with its reason."""
    case = AuditCase.objects.select_for_update().select_related("round").get(pk=case.pk)
    _require_manage(actor, case.round)
    _require_status(case.round, AuditRound.Status.MODERATION, doing="grade a case at the panel")
    _choice(grade, Grade.values, "grade", "Choose one of the four grades")
    reason = reason.strip()
    if not reason:
        raise AuditError("Write why the panel gave this grade", "reason")
    _not_future(moderated_on, "moderated_on", "The date of the panel")
    case.grade = grade
    case.grade_reason = reason
    case.moderated_on = moderated_on
    case.moderated_by = actor
    case.save()
    return case


@transaction.atomic
def finding_add(
    *,
    actor: Any,
    round: AuditRound,
    kind: str,
    practice_area: str,
    text: str,
    case: AuditCase | None = None,
) -> Finding:
    """Good practice or an area for development, tagged to a practice area; numbered 1, 2, 3 in the round."""
    audit_round = AuditRound.objects.select_for_update().get(pk=round.pk)
    _require_manage(actor, audit_round)
    _require_status(audit_round, AuditRound.Status.MODERATION, doing="add findings")
    _choice(kind, Finding.Kind.values, "kind", "Choose good practice or an area for development")
    _choice(practice_area, PracticeArea.values, "practice_area", "Choose the practice area")
    text = text.strip()
    if not text:
        raise AuditError("Describe the finding", "text")
    if case is not None and case.round_id != audit_round.pk:
        raise AuditError("Choose a case from this round", "case")
    last = Finding.objects.filter(round=audit_round).aggregate(last=Max("number"))["last"] or 0
    return Finding.objects.create(
        round=audit_round,
        case=case,
        number=last + 1,
        kind=kind,
        practice_area=practice_area,
        text=text,
        created_by=actor,
    )


@transaction.atomic
def finding_action_add(
    *,
    actor: Any,
    finding: Finding,
    title: str,
    owner_agency: Agency,
    due_date: date,
    description: str = "",
    themes: Iterable[str] = (),
) -> Action:
    """An action in the shared tracker for a finding, found again by source_ref "MAA-2022-23-Q1/F3"."""
    audit_round = finding.round
    _require_manage(actor, audit_round)
    _require_status(
        audit_round, AuditRound.Status.MODERATION, AuditRound.Status.REPORTED, doing="add actions"
    )
    codes = list(themes)
    unknown = [code for code in codes if code not in THEMES]
    if unknown:
        raise AuditError("Choose themes from the list", "themes")
    try:
        return action_create(
            actor=actor,
            title=title,
            source_kind=Action.SourceKind.AUDIT,
            owner_agency=owner_agency,
            due_date=due_date,
            description=description,
            source_ref=finding.source_ref,
            source_label=f"Audit {audit_round.code}, finding {finding.number}",
            themes=codes,
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise AuditError(messages[0], field) from error


@transaction.atomic
def round_report(*, actor: Any, round: AuditRound, reported_on: date, summary: str) -> AuditRound:
    """The round is reported to the PQA subgroup: every case must carry the panel's grade."""
    audit_round = AuditRound.objects.select_for_update().get(pk=round.pk)
    _require_manage(actor, audit_round)
    _require_status(audit_round, AuditRound.Status.MODERATION, doing="report a round")
    ungraded = list(audit_round.cases.filter(grade="").values_list("code", flat=True))
    if ungraded:
        raise AuditError(f"Grade every case first: {', '.join(ungraded)} not graded yet")
    summary = summary.strip()
    if not summary:
        raise AuditError("Write the report's summary", "summary")
    _not_future(reported_on, "reported_on", "The date reported")
    audit_round.status = AuditRound.Status.REPORTED
    audit_round.reported_on = reported_on
    audit_round.summary = summary
    audit_round.save()
    return audit_round
