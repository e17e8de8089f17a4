"""Audit pages: the programme by year, rounds (plan, sample, cases, sections, opening) and the audit tools
with their versions and questions.

Everyone with audit.view reads the programme, the rounds and the tools, by audit code only. The business
unit (audit.manage) plans and runs rounds and edits tools; on a round's page it sees who each case is about,
and every child shown (and every search for a child) is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.decorators import permission_required, two_factor_redirect
from safeguarding.access.permissions import holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.audits.forms_programme import (
    ChildSearchForm,
    ProgrammeForm,
    PublishForm,
    QuestionForm,
    RoundForm,
    SectionForm,
    ToolForm,
)
from safeguarding.audits.models import AuditRound, AuditSection, AuditToolVersion
from safeguarding.audits.permissions import CONDUCT, MANAGE, VIEW
from safeguarding.audits.selectors.programme import (
    child_for_round,
    children_for_round_search,
    may_manage,
    programme_get_for_user,
    programme_overview,
    round_case_get,
    round_cases,
    round_children,
    round_children_hidden_reason,
    round_get_for_user,
    round_leads,
    rounds_using,
    tool_get_for_user,
    tool_version_get,
    tool_versions,
    tools_with_versions,
    version_question_get,
)
from safeguarding.audits.services import programme as services
from safeguarding.audits.services.programme import sample_day
from safeguarding.audits.views.common import AREA, audit_form
from safeguarding.core.formpages import RefusedWrite


def _round_url(round: AuditRound, anchor: str = "") -> str:
    return reverse("audits:round", args=[round.code]) + anchor


def _tool_url(tool_pk: int, number: int | None = None) -> str:
    url = reverse("audits:tool", args=[tool_pk])
    return f"{url}?version={number}#version-{number}" if number else url


def _post_action(request: HttpRequest, write: Callable[[], Any], *, done: str, back: str) -> HttpResponse:
    """A button on a page: do it and say so, or say why not; back to the page either way."""
    try:
        write()
    except RefusedWrite as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect(back)


# --- The programme ------------------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audits/programme_home.html",
        {
            "page_title": "Audits",
            "current_area": AREA,
            "years": programme_overview(request.user),
            "can_manage": may_manage(request.user),
            "can_conduct": holds(request.user, CONDUCT),
            "tables_url": reverse("audits:tables"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        programme = services.programme_create(actor=request.user, year=form.cleaned_data["year"])
        return reverse("audits:home") + f"#year-{programme.year}"

    return audit_form(
        request,
        form=form,
        heading="Start a year's audit programme",
        button="Start the programme",
        save=save,
        done="Programme started",
        cancel=reverse("audits:home"),
    )


# --- Rounds -------------------------------------------------------------------------------------------------

_ROUND_FIELDS = (
    "theme",
    "theme_detail",
    "rationale",
    "rationale_detail",
    "lead",
    "case_count",
    "opens_on",
    "sections_due",
    "panel_date",
)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def round_create(request: HttpRequest, year: str) -> HttpResponse:
    programme = programme_get_for_user(request.user, year)
    form = RoundForm(request.POST if request.method == "POST" else None, leads=round_leads())

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        round = services.round_create(
            actor=request.user,
            programme=programme,
            quarter=data["quarter"],
            **{name: data[name] for name in _ROUND_FIELDS},
        )
        return _round_url(round)

    return audit_form(
        request,
        form=form,
        heading=f"Plan a round: programme {programme.year}",
        button="Plan the round",
        save=save,
        done="Round planned",
        cancel=reverse("audits:home"),
        intro="The round uses the latest published core questions, and its theme's questions if any.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def round_edit(request: HttpRequest, code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    initial = {name: getattr(round, name) for name in _ROUND_FIELDS}
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        leads=round_leads(),
        with_quarter=False,
    )

    def save(form: forms.Form) -> str:
        services.round_update(
            actor=request.user, round=round, **{name: form.cleaned_data[name] for name in _ROUND_FIELDS}
        )
        return _round_url(round)

    return audit_form(
        request,
        form=form,
        heading=f"Change round {round.code}",
        button="Save",
        save=save,
        done="Saved",
        cancel=_round_url(round),
        intro="The theme and the number of children change only while the round is planned.",
    )


def _log_children(request: HttpRequest, round: AuditRound, children: dict[int, Any]) -> None:
    for child in children.values():
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.VIEW,
            subject=child,
            purpose=f"Audit round {round.code}: the sample",
            request=request,
        )


@require_GET
@permission_required(VIEW)
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code)
    manage = may_manage(request.user)
    cases = round_cases(request.user, round)
    children: dict[int, Any] = {}
    search_form = None
    found: list[Any] = []
    hidden_reason = round_children_hidden_reason(request.user, round) if manage else ""
    if manage and not hidden_reason:
        children = round_children(request.user, round)
        _log_children(request, round, children)
        if round.status == AuditRound.Status.PLANNED and "search" in request.GET:
            search_form = ChildSearchForm(request.GET)
            if search_form.is_valid():
                terms = {key: search_form.cleaned_data[key].strip() for key in ("name", "la_child_id")}
                found = children_for_round_search(request.user, **terms)
                access_event_record(
                    actor=request.user,
                    action=AccessEvent.Action.SEARCH,
                    subject_type="children.child",
                    purpose=f"Audit round {round.code}: choosing a child by hand",
                    details={key: value for key, value in terms.items() if value},
                    request=request,
                )
        else:
            search_form = ChildSearchForm()
    rows = [{"progress": progress, "child": children.get(progress.case.pk)} for progress in cases]
    return render(
        request,
        "audits/round_detail.html",
        {
            "page_title": f"Audit round {round.code}",
            "current_area": AREA,
            "round": round,
            "rows": rows,
            "can_manage": manage,
            "show_children": manage and not hidden_reason,
            "children_hidden_reason": hidden_reason,
            "planned": round.status == AuditRound.Status.PLANNED,
            "places_left": max(0, round.case_count - len(cases)),
            "sample_day": sample_day(round),
            "search_form": search_form,
            "searched": "search" in request.GET,
            "found": found,
            "in_round": {progress.case.child_id for progress in cases},
            "tables_url": reverse("audits:tables"),
        },
    )


@require_POST
@permission_required(MANAGE)
def round_sample(request: HttpRequest, code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    try:
        drawn = services.round_sample(actor=request.user, round=round)
    except RefusedWrite as refused:
        messages.error(request, str(refused))
    else:
        wanted = round.case_count - (round.cases.count() - len(drawn))
        words = f"{len(drawn)} {'child' if len(drawn) == 1 else 'children'} sampled"
        if len(drawn) < wanted:
            words += f": only {len(drawn)} left to sample from"
        messages.success(request, words)
    return redirect(_round_url(round, "#cases"))


@require_POST
@permission_required(MANAGE)
def round_case_add(request: HttpRequest, code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    detour = two_factor_redirect(request)
    if detour is not None:  # choosing a child by hand is reading identifiable data
        return detour
    child = child_for_round(request.user, request.POST.get("child", ""))
    if child is None:
        messages.error(request, "Choose a child from the search results")
        return redirect(_round_url(round, "#add-child"))
    return _post_action(
        request,
        lambda: services.round_case_add(actor=request.user, round=round, child=child),
        done="Child added to the round",
        back=_round_url(round, "#cases"),
    )


@require_POST
@permission_required(MANAGE)
def round_case_remove(request: HttpRequest, code: str, case_code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    case = round_case_get(request.user, round, case_code)
    return _post_action(
        request,
        lambda: services.round_case_remove(actor=request.user, case=case),
        done=f"Case {case.code} taken out of the round",
        back=_round_url(round, "#cases"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def case_section_assign(request: HttpRequest, code: str, case_code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    case = round_case_get(request.user, round, case_code)
    initial: dict[str, Any] = {}
    agency_pk = request.GET.get("agency", "")
    if agency_pk.isdigit():
        section = case.sections.filter(agency_id=int(agency_pk)).first()
        initial = {"agency": int(agency_pk), "auditor": section.auditor_id if section else None}
    form = SectionForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form: forms.Form) -> str:
        services.case_section_assign(
            actor=request.user,
            case=case,
            agency=form.cleaned_data["agency"],
            auditor=form.cleaned_data["auditor"],
        )
        return _round_url(round, f"#case-{case.code}")

    agencies = ", ".join(agency.name for agency in case.agencies.order_by("name")) or "none recorded"
    return audit_form(
        request,
        form=form,
        heading=f"An agency's section of case {case.code}",
        button="Save the section",
        save=save,
        done="Section saved",
        cancel=_round_url(round, f"#case-{case.code}"),
        intro=f"Agencies the records show involved: {agencies}. The auditor must audit for that agency.",
    )


@require_POST
@permission_required(MANAGE)
def case_section_remove(request: HttpRequest, code: str, case_code: str, pk: int) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    case = round_case_get(request.user, round, case_code)
    section = case.sections.filter(pk=pk).first()
    if section is None:
        messages.error(request, "That section is not on this case")
        return redirect(_round_url(round, f"#case-{case.code}"))
    found: AuditSection = section
    return _post_action(
        request,
        lambda: services.case_section_remove(actor=request.user, section=found),
        done="Section taken off the case",
        back=_round_url(round, f"#case-{case.code}"),
    )


@require_POST
@permission_required(MANAGE)
def round_open(request: HttpRequest, code: str) -> HttpResponse:
    round = round_get_for_user(request.user, code, for_write=True)
    return _post_action(
        request,
        lambda: services.round_open(actor=request.user, round=round),
        done=f"Round {round.code} is open for auditing",
        back=_round_url(round),
    )


# --- Tools --------------------------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW)
def tools(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audits/tool_list.html",
        {
            "page_title": "Audit tools",
            "current_area": AREA,
            "tools": tools_with_versions(request.user),
            "can_manage": may_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def tool_create(request: HttpRequest) -> HttpResponse:
    form = ToolForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        tool = services.tool_create(actor=request.user, **form.cleaned_data)
        return _tool_url(tool.pk, 1)

    return audit_form(
        request,
        form=form,
        heading="Make an audit tool",
        button="Make the tool",
        save=save,
        done="Tool made: add its questions to version 1, then publish it",
        cancel=reverse("audits:tools"),
        intro="The core questions are asked in every round; theme questions only in rounds on their theme.",
    )


@require_GET
@permission_required(VIEW)
def tool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tool = tool_get_for_user(request.user, pk)
    versions = tool_versions(tool)
    manage = may_manage(request.user)
    return render(
        request,
        "audits/tool_detail.html",
        {
            "page_title": f"Audit tool: {tool.name}",
            "current_area": AREA,
            "tool": tool,
            "versions": [
                {
                    "version": version,
                    "editable": manage and version.status == AuditToolVersion.Status.DRAFT,
                    "rounds": rounds_using(version),
                }
                for version in versions
            ],
            "has_draft": any(version.status == AuditToolVersion.Status.DRAFT for version in versions),
            "can_manage": manage,
            "publish_form": PublishForm(),
        },
    )


def _draft(request: HttpRequest, pk: int, number: int) -> AuditToolVersion:
    tool = tool_get_for_user(request.user, pk)
    return tool_version_get(tool, number)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def question_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _draft(request, pk, number)
    form = QuestionForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        services.tool_question_add(actor=request.user, version=version, **form.cleaned_data)
        return _tool_url(pk, number)

    return audit_form(
        request,
        form=form,
        heading=f"Add a question: {version}",
        button="Add the question",
        save=save,
        done="Question added",
        cancel=_tool_url(pk, number),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def question_edit(request: HttpRequest, pk: int, number: int, question_pk: int) -> HttpResponse:
    version = _draft(request, pk, number)
    question = version_question_get(version, question_pk)
    initial = {name: getattr(question, name) for name in ("text", "kind", "practice_area", "guidance")}
    form = QuestionForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form: forms.Form) -> str:
        services.tool_question_update(actor=request.user, question=question, **form.cleaned_data)
        return _tool_url(pk, number)

    return audit_form(
        request,
        form=form,
        heading=f"Change question {question.position}: {version}",
        button="Save",
        save=save,
        done="Question saved",
        cancel=_tool_url(pk, number),
    )


@require_POST
@permission_required(MANAGE)
def question_remove(request: HttpRequest, pk: int, number: int, question_pk: int) -> HttpResponse:
    version = _draft(request, pk, number)
    question = version_question_get(version, question_pk)
    return _post_action(
        request,
        lambda: services.tool_question_remove(actor=request.user, question=question),
        done="Question removed",
        back=_tool_url(pk, number),
    )


@require_POST
@permission_required(MANAGE)
def question_move(request: HttpRequest, pk: int, number: int, question_pk: int) -> HttpResponse:
    version = _draft(request, pk, number)
    question = version_question_get(version, question_pk)
    up = request.POST.get("direction") == "up"
    return _post_action(
        request,
        lambda: services.tool_question_move(actor=request.user, question=question, up=up),
        done="Question moved",
        back=_tool_url(pk, number),
    )


@require_POST
@permission_required(MANAGE)
def version_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _draft(request, pk, number)
    form = PublishForm(request.POST)
    note = form.cleaned_data["change_note"] if form.is_valid() else ""
    return _post_action(
        request,
        lambda: services.tool_version_publish(actor=request.user, version=version, change_note=note),
        done=f"Version {version.number} published: new rounds use it",
        back=_tool_url(pk, number),
    )


@require_POST
@permission_required(MANAGE)
def version_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    tool = tool_get_for_user(request.user, pk)
    made: list[AuditToolVersion] = []

    def write() -> None:
        made.append(services.tool_version_new_draft(actor=request.user, tool=tool))

    response = _post_action(
        request, write, done="New draft started with the latest questions", back=_tool_url(pk)
    )
    return redirect(_tool_url(pk, made[0].number)) if made else response


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<str:year>/rounds/new/", round_create, name="round_create"),
    path("rounds/<str:code>/", round_detail, name="round"),
    path("rounds/<str:code>/edit/", round_edit, name="round_edit"),
    path("rounds/<str:code>/sample/", round_sample, name="round_sample"),
    path("rounds/<str:code>/open/", round_open, name="round_open"),
    path("rounds/<str:code>/cases/add/", round_case_add, name="round_case_add"),
    path("rounds/<str:code>/cases/<str:case_code>/remove/", round_case_remove, name="round_case_remove"),
    path(
        "rounds/<str:code>/cases/<str:case_code>/sections/", case_section_assign, name="case_section_assign"
    ),
    path(
        "rounds/<str:code>/cases/<str:case_code>/sections/<int:pk>/remove/",
        case_section_remove,
        name="case_section_remove",
    ),
    path("tools/", tools, name="tools"),
    path("tools/new/", tool_create, name="tool_create"),
    path("tools/<int:pk>/", tool_detail, name="tool"),
    path("tools/<int:pk>/new-draft/", version_new_draft, name="version_new_draft"),
    path("tools/<int:pk>/versions/<int:number>/publish/", version_publish, name="version_publish"),
    path("tools/<int:pk>/versions/<int:number>/questions/add/", question_add, name="question_add"),
    path(
        "tools/<int:pk>/versions/<int:number>/questions/<int:question_pk>/edit/",
        question_edit,
        name="question_edit",
    ),
    path(
        "tools/<int:pk>/versions/<int:number>/questions/<int:question_pk>/remove/",
        question_remove,
        name="question_remove",
    ),
    path(
        "tools/<int:pk>/versions/<int:number>/questions/<int:question_pk>/move/",
        question_move,
        name="question_move",
    ),
]
