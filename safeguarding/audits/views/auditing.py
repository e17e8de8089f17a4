"""Audit pages: auditing and moderation (issue 7 sections 2 and 4).

- /audits/my-cases/: an auditor's sections in open rounds.
- /audits/cases/<code>/: the case page for its auditors and the business unit: who the child is and their
  journey (only while the round is open, logged each time), the agency's answers form, the independent
  grade, practitioners, the family's views and escalations.
- /audits/rounds/<code>/moderation/: the business unit's panel page: sections, independent grades (from
  moderation on), the panel's grades, findings and their actions, agreement (Cohen's kappa), and the
  buttons that send the round to moderation and report it.

People who only read audits (audit.view: the PQA subgroup) get a 403 on all of these, and never see a child.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required, two_factor_redirect
from safeguarding.access.permissions import holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.audits.forms_auditing import (
    SUBMIT,
    AttendanceForm,
    CaseGradeForm,
    ConfirmForm,
    EscalationForm,
    FamilyViewsForm,
    FindingActionForm,
    FindingForm,
    IndependentGradeForm,
    PractitionerInviteForm,
    RoundReportForm,
    SectionAnswersForm,
)
from safeguarding.audits.models import AuditCase, AuditRound, AuditSection, PractitionerInvitation
from safeguarding.audits.permissions import CONDUCT, MANAGE
from safeguarding.audits.selectors.auditing import (
    case_escalations,
    case_for_auditing,
    case_practitioners,
    child_summary,
    finding_get,
    may_see_identity,
    moderation,
    other_sections,
    own_independent_grade,
    own_sections,
    round_for_moderation,
    section_view,
    sections_for_auditor,
)
from safeguarding.audits.services import auditing as services
from safeguarding.audits.services.auditing import is_case_auditor, round_questions
from safeguarding.audits.views.common import AREA, audit_form
from safeguarding.core.formpages import RefusedWrite


def _require_auditing_role(request: HttpRequest) -> HttpResponse | None:
    """Auditors (who must have signed in with two factors) and the business unit; a 403 for anyone else."""
    user = request.user
    if holds(user, MANAGE):
        return None
    if not holds(user, CONDUCT):
        raise PermissionDenied("Only auditors and the business unit may open audit cases")
    return two_factor_redirect(request)


def _posted(request: HttpRequest) -> Any:
    """The POST data on a POST (even an empty one: a confirm button posts nothing), else None."""
    return request.POST if request.method == "POST" else None


def _case(request: HttpRequest, code: str) -> AuditCase:
    return case_for_auditing(request.user, code)


def _case_url(case: AuditCase) -> str:
    return reverse("audits:auditing_case", args=[case.code])


def _moderation_url(audit_round: AuditRound) -> str:
    return reverse("audits:moderation_round", args=[audit_round.code])


# --- An auditor's cases --------------------------------------------------------------------------------


@require_GET
@permission_required(CONDUCT)
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audits/auditing_my_cases.html",
        {
            "page_title": "Your audit cases",
            "current_area": AREA,
            "sections": sections_for_auditor(request.user),
            "today": timezone.localdate(),
        },
    )


def _case_page(
    request: HttpRequest,
    case: AuditCase,
    *,
    bound: dict[int, SectionAnswersForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    questions = round_questions(case.round)
    mine = own_sections(user, case)
    editable = case.round.status == AuditRound.Status.OPEN
    own_rows = []
    for section in mine:
        form = None
        if editable and section.status != AuditSection.Status.SUBMITTED:
            form = (bound or {}).get(section.pk) or SectionAnswersForm(
                initial={
                    **{f"q_{key}": value for key, value in (section.answers or {}).items()},
                    "summary": section.summary,
                },
                questions=questions,
                prefix=f"section{section.pk}",
            )
        own_rows.append({"view": section_view(section, questions), "form": form})
    summary = None
    if may_see_identity(user, case):
        summary = child_summary(user, case)
        access_event_record(
            actor=user,
            action=AccessEvent.Action.VIEW,
            subject=case.child,
            purpose=f"Audit case {case.code}: the child's identity and journey",
            request=request,
        )
    manages = holds(user, MANAGE)
    grade = own_independent_grade(user, case)
    response = render(
        request,
        "audits/auditing_case.html",
        {
            "page_title": f"Audit case {case.code}",
            "current_area": AREA,
            "case": case,
            "round": case.round,
            "summary": summary,
            "identity_hidden_reason": _identity_hidden_reason(request, case),
            "own_rows": own_rows,
            "others": [section_view(s, questions) for s in other_sections(user, case, mine)],
            "own_grade": grade,
            "may_grade": grade is None and case.round.status == AuditRound.Status.OPEN,
            "practitioners": case_practitioners(case),
            "escalations": case_escalations(case),
            "manages": manages,
            "is_auditor": is_case_auditor(user, case),
            "round_open": case.round.is_open,
            "editable": editable,
        },
        status=status,
    )
    return response


def _identity_hidden_reason(request: HttpRequest, case: AuditCase) -> str:
    if not case.round.is_open:
        return (
            f"Round {case.round.code} is {case.round.get_status_display().lower()}: who the child is is "
            "shown only while the round is open."
        )
    if not may_see_identity(request.user, case):
        return "Sign in with two-factor authentication to see who the child is."
    return ""


@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    detour = _require_auditing_role(request)
    if detour is not None:
        return detour
    return _case_page(request, _case(request, code))


@require_POST
def section_answers(request: HttpRequest, code: str, section_pk: int) -> HttpResponse:
    """Save a section's answers as a draft, or submit them; errors redisplay the case page, nothing lost."""
    detour = _require_auditing_role(request)
    if detour is not None:
        return detour
    case = _case(request, code)
    section = get_object_or_404(AuditSection, pk=section_pk, case=case)
    if section.auditor_id != request.user.pk and not holds(request.user, MANAGE):
        raise Http404("Not your section")
    submit = request.POST.get("action") == SUBMIT
    form = SectionAnswersForm(
        request.POST,
        questions=round_questions(case.round),
        submit=submit,
        prefix=f"section{section.pk}",
    )
    if form.is_valid():
        try:
            services.section_save(
                actor=request.user,
                section=section,
                answers=form.answers(),
                summary=form.cleaned_data.get("summary") or "",
                submit=submit,
            )
        except RefusedWrite as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, "Section submitted" if submit else "Draft saved")
            return redirect(_case_url(case))
    return _case_page(request, case, bound={section.pk: form})


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def section_reopen(request: HttpRequest, code: str, section_pk: int) -> HttpResponse:
    case = _case(request, code)
    section = get_object_or_404(AuditSection.objects.select_related("agency"), pk=section_pk, case=case)

    def save(form: forms.Form) -> str:
        services.section_reopen(actor=request.user, section=section)
        return _case_url(case)

    return audit_form(
        request,
        form=ConfirmForm(_posted(request)),
        heading=f"Reopen {section.agency.name}'s section",
        button="Reopen the section",
        save=save,
        done="Section reopened",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
        intro="Its auditor can then change the answers and submit them again.",
    )


def _case_form_guard(request: HttpRequest, code: str) -> AuditCase | HttpResponse:
    detour = _require_auditing_role(request)
    if detour is not None:
        return detour
    return _case(request, code)


@require_http_methods(["GET", "POST"])
def independent_grade(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_form_guard(request, code)
    if isinstance(case, HttpResponse):
        return case
    form = IndependentGradeForm(_posted(request), initial={"graded_on": timezone.localdate()})

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.independent_grade_record(
            actor=request.user, case=case, grade=data["grade"], graded_on=data["graded_on"]
        )
        return _case_url(case)

    return audit_form(
        request,
        form=form,
        heading="Grade the case independently",
        button="Save your grade",
        save=save,
        done="Your grade is saved",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
        intro="Nobody else sees your grade until the moderation panel. You can grade a case once.",
    )


def _invite_agencies(request: HttpRequest, case: AuditCase) -> Any:
    ids = set(case.agencies.values_list("pk", flat=True)) | set(
        case.sections.values_list("agency_id", flat=True)
    )
    if not holds(request.user, MANAGE):
        ids &= {s.agency_id for s in own_sections(request.user, case)}
    return Agency.objects.filter(pk__in=ids).order_by("name")


@require_http_methods(["GET", "POST"])
def practitioner_invite(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_form_guard(request, code)
    if isinstance(case, HttpResponse):
        return case
    form = PractitionerInviteForm(
        _posted(request),
        agencies=_invite_agencies(request, case),
        initial={"invited_on": timezone.localdate()},
    )

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.practitioner_invite(
            actor=request.user,
            case=case,
            agency=data["agency"],
            role=data["role"],
            invited_on=data["invited_on"],
        )
        return _case_url(case)

    return audit_form(
        request,
        form=form,
        heading="Invite a practitioner",
        button="Record the invitation",
        save=save,
        done="Invitation recorded",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
        intro="Record a practitioner involved with the child by their role, not their name.",
    )


@require_http_methods(["GET", "POST"])
def practitioner_attendance(request: HttpRequest, code: str, invitation_pk: int) -> HttpResponse:
    case = _case_form_guard(request, code)
    if isinstance(case, HttpResponse):
        return case
    invitation = get_object_or_404(
        PractitionerInvitation.objects.select_related("agency"), pk=invitation_pk, case=case
    )
    form = AttendanceForm(
        _posted(request),
        initial={"attendance": invitation.attendance, "reflections": invitation.reflections},
    )

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.practitioner_attendance_record(
            actor=request.user,
            invitation=invitation,
            attendance=data["attendance"],
            reflections=data["reflections"],
        )
        return _case_url(case)

    return audit_form(
        request,
        form=form,
        heading=f"{invitation.role}, {invitation.agency.name}",
        button="Save",
        save=save,
        done="Practitioner's part recorded",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
    )


@require_http_methods(["GET", "POST"])
def family_views(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_form_guard(request, code)
    if isinstance(case, HttpResponse):
        return case
    form = FamilyViewsForm(
        _posted(request),
        initial={"family_views": case.family_views, "summary": case.family_views_summary},
    )

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.family_views_record(
            actor=request.user, case=case, family_views=data["family_views"], summary=data["summary"]
        )
        return _case_url(case)

    return audit_form(
        request,
        form=form,
        heading="The child's and family's views",
        button="Save",
        save=save,
        done="The family's views are recorded",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
    )


@require_http_methods(["GET", "POST"])
def escalation(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_form_guard(request, code)
    if isinstance(case, HttpResponse):
        return case
    form = EscalationForm(_posted(request), initial={"raised_on": timezone.localdate()})

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.escalation_record(
            actor=request.user,
            case=case,
            raised_on=data["raised_on"],
            concern=data["concern"],
            acting_agency=data["acting_agency"],
            acted_by=data["acted_by"],
            action_taken=data["action_taken"],
            acted_on=data["acted_on"],
        )
        return _case_url(case)

    return audit_form(
        request,
        form=form,
        heading="Record an escalation",
        button="Record the escalation",
        save=save,
        done="Escalation recorded",
        cancel=_case_url(case),
        caption=f"Audit case {case.code}",
        intro=(
            "If the audit finds a child at risk, act at once through your agency's safeguarding procedures, "
            "then record here what was done and by whom."
        ),
    )


# --- The moderation panel ------------------------------------------------------------------------


@require_GET
@permission_required(MANAGE)
def moderation_round(request: HttpRequest, code: str) -> HttpResponse:
    audit_round = round_for_moderation(code)
    return render(
        request,
        "audits/moderation_round.html",
        {
            "page_title": f"Moderation: {audit_round.code}",
            "current_area": AREA,
            "round": audit_round,
            "panel": moderation(request.user, audit_round),
            "in_moderation": audit_round.status == AuditRound.Status.MODERATION,
            "is_reported": audit_round.status == AuditRound.Status.REPORTED,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def moderation_send(request: HttpRequest, code: str) -> HttpResponse:
    audit_round = round_for_moderation(code)

    def save(form: forms.Form) -> str:
        services.round_to_moderation(actor=request.user, round=audit_round)
        return _moderation_url(audit_round)

    return audit_form(
        request,
        form=ConfirmForm(_posted(request)),
        heading=f"Send round {audit_round.code} to moderation",
        button="Send to moderation",
        save=save,
        done="The round is at moderation",
        cancel=_moderation_url(audit_round),
        caption="Moderation",
        intro=(
            "Auditing stops: sections can no longer change, and the independent grades are shown to the "
            "panel."
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def moderation_grade(request: HttpRequest, code: str, case_code: str) -> HttpResponse:
    audit_round = round_for_moderation(code)
    case = get_object_or_404(AuditCase, round=audit_round, code=case_code)
    form = CaseGradeForm(
        _posted(request),
        initial={
            "grade": case.grade,
            "reason": case.grade_reason,
            "moderated_on": case.moderated_on or audit_round.panel_date or timezone.localdate(),
        },
    )

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.case_grade(
            actor=request.user,
            case=case,
            grade=data["grade"],
            reason=data["reason"],
            moderated_on=data["moderated_on"],
        )
        return _moderation_url(audit_round) + f"#case-{case.code}"

    return audit_form(
        request,
        form=form,
        heading=f"The panel's grade for {case.code}",
        button="Save the grade",
        save=save,
        done=f"{case.code} graded",
        cancel=_moderation_url(audit_round),
        caption="Moderation",
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def moderation_finding_add(request: HttpRequest, code: str) -> HttpResponse:
    audit_round = round_for_moderation(code)
    cases = AuditCase.objects.filter(round=audit_round).order_by("code")
    initial_case = cases.filter(code=request.GET.get("case", "")).first()
    form = FindingForm(_posted(request), cases=cases, initial={"case": initial_case})

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.finding_add(
            actor=request.user,
            round=audit_round,
            kind=data["kind"],
            practice_area=data["practice_area"],
            text=data["text"],
            case=data["case"],
        )
        return _moderation_url(audit_round) + "#findings"

    return audit_form(
        request,
        form=form,
        heading="Add a finding",
        button="Add the finding",
        save=save,
        done="Finding added",
        cancel=_moderation_url(audit_round),
        caption=f"Moderation: {audit_round.code}",
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def moderation_action_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    audit_round = round_for_moderation(code)
    finding = finding_get(audit_round, number)
    form = FindingActionForm(_posted(request))

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.finding_action_add(
            actor=request.user,
            finding=finding,
            title=data["title"],
            owner_agency=data["owner_agency"],
            due_date=data["due_date"],
            description=data["description"],
            themes=data["themes"],
        )
        return _moderation_url(audit_round) + "#findings"

    return audit_form(
        request,
        form=form,
        heading=f"Add an action for finding {finding.number}",
        button="Add the action",
        save=save,
        done="Action added to the tracker",
        cancel=_moderation_url(audit_round),
        caption=f"Moderation: {audit_round.code}",
        intro=finding.text,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def moderation_report(request: HttpRequest, code: str) -> HttpResponse:
    audit_round = round_for_moderation(code)
    form = RoundReportForm(
        _posted(request), initial={"reported_on": timezone.localdate(), "summary": audit_round.summary}
    )

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.round_report(
            actor=request.user, round=audit_round, reported_on=data["reported_on"], summary=data["summary"]
        )
        return _moderation_url(audit_round)

    return audit_form(
        request,
        form=form,
        heading=f"Report round {audit_round.code}",
        button="Report the round",
        save=save,
        done="The round is reported",
        cancel=_moderation_url(audit_round),
        caption="Moderation",
        intro=(
            "Every case needs the panel's grade first. The round then closes: nobody sees who the "
            "children are any more."
        ),
    )


urlpatterns: list[URLPattern] = [
    path("my-cases/", my_cases, name="auditing_my_cases"),
    path("cases/<str:code>/", case_detail, name="auditing_case"),
    path("cases/<str:code>/sections/<int:section_pk>/answers/", section_answers, name="auditing_answers"),
    path("cases/<str:code>/sections/<int:section_pk>/reopen/", section_reopen, name="auditing_reopen"),
    path("cases/<str:code>/grade/", independent_grade, name="auditing_grade"),
    path("cases/<str:code>/practitioners/add/", practitioner_invite, name="auditing_invite"),
    path(
        "cases/<str:code>/practitioners/<int:invitation_pk>/",
        practitioner_attendance,
        name="auditing_attendance",
    ),
    path("cases/<str:code>/family-views/", family_views, name="auditing_family_views"),
    path("cases/<str:code>/escalations/add/", escalation, name="auditing_escalation"),
    path("rounds/<str:code>/moderation/", moderation_round, name="moderation_round"),
    path("rounds/<str:code>/moderation/send/", moderation_send, name="moderation_send"),
    path(
        "rounds/<str:code>/moderation/cases/<str:case_code>/grade/", moderation_grade, name="moderation_grade"
    ),
    path("rounds/<str:code>/moderation/findings/add/", moderation_finding_add, name="moderation_finding_add"),
    path(
        "rounds/<str:code>/moderation/findings/<int:number>/actions/add/",
        moderation_action_add,
        name="moderation_action_add",
    ),
    path("rounds/<str:code>/moderation/report/", moderation_report, name="moderation_report"),
]
