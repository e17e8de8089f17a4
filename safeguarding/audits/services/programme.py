"""Writes for the audit programme: programmes, versioned audit tools, rounds, their case samples, sections
and opening a round (issue 7, sections 1 and 2).

Every function needs the business unit's audit.manage permission (PermissionDenied otherwise), runs in one
transaction, and refuses what it may not do with an `AuditError` naming the form field it belongs beside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguarding.access.permissions import held_grants, holds
from safeguarding.accounts.models import Agency
from safeguarding.accounts.roles import Scope
from safeguarding.audits import sampling
from safeguarding.audits.models import (
    AUDIT_THEMES,
    DEFAULT_CASE_COUNT,
    AuditCase,
    AuditProgramme,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
    AuditToolVersion,
    PracticeArea,
)
from safeguarding.audits.permissions import CONDUCT, MANAGE
from safeguarding.children.models import Child
from safeguarding.core.formpages import RefusedWrite
from safeguarding.reviews.year import YearError, financial_year_period

# Enough for the biggest rounds the seeds describe (fifteen children in earlier years), with room to spare.
MAX_CASES = 30


class AuditError(RefusedWrite):
    """An audit write refused, with a message for the person and the form field it belongs beside."""


def _require_manage(actor: Any) -> None:
    if not holds(actor, MANAGE):
        raise PermissionDenied("Only the business unit runs the audit programme")


# --- Programmes ---------------------------------------------------------------------------------------------


@transaction.atomic
def programme_create(*, actor: Any, year: str) -> AuditProgramme:
    """A financial year's programme ("2022-23"). The year may be any past year, this one or the next (a
    programme is planned before its year begins); one programme per year."""
    _require_manage(actor)
    today = timezone.localdate()
    try:
        # A year from now: next year's programme may be planned before 1 April.
        period = financial_year_period(year, today=today.replace(year=today.year + 1, day=min(today.day, 28)))
    except YearError as wrong:
        raise AuditError(str(wrong), "year") from wrong
    if AuditProgramme.objects.filter(year=period.key).exists():
        raise AuditError(f"There is already a programme for {period.key}", "year")
    return AuditProgramme.objects.create(year=period.key, created_by=actor)


# --- Tools and their versions -------------------------------------------------------------------------------


@transaction.atomic
def tool_create(*, actor: Any, name: str, kind: str, theme: str = "", description: str = "") -> AuditTool:
    """A new tool with an empty draft version 1. Core tools have no theme; a theme tool needs one."""
    _require_manage(actor)
    name = (name or "").strip()
    if not name:
        raise AuditError("Enter the tool's name", "name")
    if AuditTool.objects.filter(name__iexact=name).exists():
        raise AuditError("There is already a tool with this name", "name")
    if kind not in AuditTool.Kind.values:
        raise AuditError("Choose core questions or theme questions", "kind")
    theme = (theme or "").strip()
    if kind == AuditTool.Kind.THEME:
        if theme not in AUDIT_THEMES:
            raise AuditError("Choose the theme these questions are for", "theme")
    else:
        theme = ""
    tool = AuditTool.objects.create(
        name=name, kind=kind, theme=theme, description=(description or "").strip(), created_by=actor
    )
    AuditToolVersion.objects.create(tool=tool, number=1)
    return tool


def _require_draft(version: AuditToolVersion) -> None:
    if version.status != AuditToolVersion.Status.DRAFT:
        raise AuditError(
            f"Version {version.number} is published and never changes: "
            "start a new draft to change the questions"
        )


def _clean_question(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if "text" in cleaned:
        cleaned["text"] = (cleaned["text"] or "").strip()
        if not cleaned["text"]:
            raise AuditError("Enter the question", "text")
        if len(cleaned["text"]) > 500:
            raise AuditError("The question must be 500 characters or fewer", "text")
    if "kind" in cleaned and cleaned["kind"] not in AuditQuestion.Kind.values:
        raise AuditError("Choose how the question is answered", "kind")
    if "practice_area" in cleaned:
        cleaned["practice_area"] = cleaned["practice_area"] or ""
        if cleaned["practice_area"] and cleaned["practice_area"] not in PracticeArea.values:
            raise AuditError("Choose a practice area from the list", "practice_area")
    if "guidance" in cleaned:
        cleaned["guidance"] = (cleaned["guidance"] or "").strip()
        if len(cleaned["guidance"]) > 500:
            raise AuditError("The guidance must be 500 characters or fewer", "guidance")
    return cleaned


def _locked_version(version: AuditToolVersion) -> AuditToolVersion:
    return AuditToolVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def tool_question_add(
    *,
    actor: Any,
    version: AuditToolVersion,
    text: str,
    kind: str,
    practice_area: str = "",
    guidance: str = "",
) -> AuditQuestion:
    """A question at the end of a draft version."""
    _require_manage(actor)
    version = _locked_version(version)
    _require_draft(version)
    fields = _clean_question(
        {"text": text, "kind": kind, "practice_area": practice_area, "guidance": guidance}
    )
    last = version.questions.aggregate(last=Max("position"))["last"] or 0
    return AuditQuestion.objects.create(version=version, position=last + 1, **fields)


_QUESTION_FIELDS = frozenset({"text", "kind", "practice_area", "guidance"})


@transaction.atomic
def tool_question_update(*, actor: Any, question: AuditQuestion, **fields: Any) -> AuditQuestion:
    """Change a draft version's question: its text, kind, practice area or guidance."""
    _require_manage(actor)
    unknown = set(fields) - _QUESTION_FIELDS
    if unknown:
        raise TypeError(f"A question has no field {', '.join(sorted(unknown))} to change")
    question = AuditQuestion.objects.select_related("version").get(pk=question.pk)
    _require_draft(_locked_version(question.version))
    for name, value in _clean_question(fields).items():
        setattr(question, name, value)
    question.save()
    return question


def _renumber(version: AuditToolVersion) -> None:
    """Positions 1, 2, 3... in their current order (ascending, so no two ever share a position)."""
    for position, question in enumerate(version.questions.order_by("position"), start=1):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])


@transaction.atomic
def tool_question_remove(*, actor: Any, question: AuditQuestion) -> None:
    """Take a question out of a draft version; the ones after it move up."""
    _require_manage(actor)
    question = AuditQuestion.objects.select_related("version").get(pk=question.pk)
    version = _locked_version(question.version)
    _require_draft(version)
    question.delete()
    _renumber(version)


@transaction.atomic
def tool_question_move(*, actor: Any, question: AuditQuestion, up: bool) -> AuditQuestion:
    """Swap a draft version's question with the one above (up) or below it; at the top or bottom, nothing."""
    _require_manage(actor)
    question = AuditQuestion.objects.select_related("version").get(pk=question.pk)
    version = _locked_version(question.version)
    _require_draft(version)
    others = version.questions.exclude(pk=question.pk)
    neighbour = (
        others.filter(position__lt=question.position).order_by("-position").first()
        if up
        else others.filter(position__gt=question.position).order_by("position").first()
    )
    if neighbour is None:
        return question
    mine, theirs = question.position, neighbour.position
    question.position = 0  # a position no question holds, while the two swap
    question.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    question.position = theirs
    question.save(update_fields=["position"])
    return question


@transaction.atomic
def tool_version_publish(*, actor: Any, version: AuditToolVersion, change_note: str = "") -> AuditToolVersion:
    """Publish a draft: from now on rounds use it, and it never changes."""
    _require_manage(actor)
    version = _locked_version(version)
    _require_draft(version)
    if not version.questions.exists():
        raise AuditError("Add at least one question before publishing")
    version.status = AuditToolVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    if change_note:
        version.change_note = change_note.strip()[:500]
    version.save()
    return version


@transaction.atomic
def tool_version_new_draft(*, actor: Any, tool: AuditTool) -> AuditToolVersion:
    """A new draft version holding a copy of the latest version's questions (one draft at a time)."""
    _require_manage(actor)
    tool = AuditTool.objects.select_for_update().get(pk=tool.pk)
    if tool.versions.filter(status=AuditToolVersion.Status.DRAFT).exists():
        raise AuditError("This tool already has a draft: change that one, or publish it first")
    latest = tool.versions.order_by("-number").first()
    number = (latest.number if latest else 0) + 1
    draft = AuditToolVersion.objects.create(tool=tool, number=number)
    if latest is not None:
        AuditQuestion.objects.bulk_create(
            AuditQuestion(
                version=draft,
                position=question.position,
                text=question.text,
                kind=question.kind,
                practice_area=question.practice_area,
                guidance=question.guidance,
            )
            for question in latest.questions.order_by("position")
        )
    return draft


def latest_published_version(*, kind: str, theme: str = "") -> AuditToolVersion | None:
    """The most recently published version of a core tool, or of a theme tool for `theme`."""
    versions = AuditToolVersion.objects.filter(status=AuditToolVersion.Status.PUBLISHED, tool__kind=kind)
    if kind == AuditTool.Kind.THEME:
        versions = versions.filter(tool__theme=theme)
    return versions.select_related("tool").order_by("-published_at", "-pk").first()


# --- Rounds -------------------------------------------------------------------------------------------------


def _round_code(programme: AuditProgramme, quarter: int) -> str:
    """ "MAA-2022-23-Q1"; a second round in the quarter is "MAA-2022-23-Q1-b", a third "-c"."""
    base = f"MAA-{programme.year}-Q{quarter}"
    taken = set(AuditRound.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}-{letter}" not in taken:
            return f"{base}-{letter}"
    raise AuditError("That quarter has too many rounds already", "quarter")


def _check_round_fields(fields: dict[str, Any]) -> None:
    if "theme" in fields and fields["theme"] not in AUDIT_THEMES:
        raise AuditError("Choose the round's theme", "theme")
    if "rationale" in fields and fields["rationale"] not in AuditRound.Rationale.values:
        raise AuditError("Choose why this theme was chosen", "rationale")
    if "case_count" in fields:
        count = fields["case_count"]
        if not isinstance(count, int) or count < 1:
            raise AuditError("A round audits at least 1 child", "case_count")
        if count > MAX_CASES:
            raise AuditError(f"A round audits at most {MAX_CASES} children", "case_count")
    if "theme_detail" in fields and len(fields["theme_detail"] or "") > 200:
        raise AuditError("The theme's name in the report must be 200 characters or fewer", "theme_detail")
    lead = fields.get("lead")
    if lead is not None and not lead.is_active:
        raise AuditError("The lead's account is not active", "lead")


def _check_dates(opens_on: date | None, sections_due: date | None, panel_date: date | None) -> None:
    if opens_on and sections_due and sections_due < opens_on:
        raise AuditError("Sections cannot be due before the round opens", "sections_due")
    if sections_due and panel_date and panel_date < sections_due:
        raise AuditError("The panel cannot meet before the sections are due", "panel_date")
    if opens_on and panel_date and panel_date < opens_on:
        raise AuditError("The panel cannot meet before the round opens", "panel_date")


@transaction.atomic
def round_create(
    *,
    actor: Any,
    programme: AuditProgramme,
    quarter: int,
    theme: str,
    rationale: str,
    theme_detail: str = "",
    rationale_detail: str = "",
    lead: Any = None,
    case_count: int = DEFAULT_CASE_COUNT,
    opens_on: date | None = None,
    sections_due: date | None = None,
    panel_date: date | None = None,
) -> AuditRound:
    """A planned round in the programme, with the latest published core tool version and the latest
    published theme tool version for its theme (when there are any)."""
    _require_manage(actor)
    if quarter not in (1, 2, 3, 4):
        raise AuditError("Choose the quarter: 1 (April to June) to 4 (January to March)", "quarter")
    _check_round_fields(
        {
            "theme": theme,
            "rationale": rationale,
            "case_count": case_count,
            "theme_detail": theme_detail,
            "lead": lead,
        }
    )
    _check_dates(opens_on, sections_due, panel_date)
    programme = AuditProgramme.objects.select_for_update().get(pk=programme.pk)
    core = latest_published_version(kind=AuditTool.Kind.CORE)
    themed = latest_published_version(kind=AuditTool.Kind.THEME, theme=theme)
    return AuditRound.objects.create(
        programme=programme,
        code=_round_code(programme, quarter),
        quarter=quarter,
        theme=theme,
        theme_detail=(theme_detail or "").strip(),
        rationale=rationale,
        rationale_detail=(rationale_detail or "").strip(),
        lead=lead,
        case_count=case_count,
        opens_on=opens_on,
        sections_due=sections_due,
        panel_date=panel_date,
        core_version=core,
        theme_version=themed,
        created_by=actor,
    )


_ROUND_FIELDS = frozenset(
    {
        "theme",
        "theme_detail",
        "rationale",
        "rationale_detail",
        "lead",
        "case_count",
        "opens_on",
        "sections_due",
        "panel_date",
    }
)
# Once a round is open, its theme and size are fixed: the auditors are working to them.
_PLANNED_ONLY = frozenset({"theme", "case_count"})


def _locked_round(round: AuditRound) -> AuditRound:
    return AuditRound.objects.select_for_update().get(pk=round.pk)


@transaction.atomic
def round_update(*, actor: Any, round: AuditRound, **fields: Any) -> AuditRound:
    """Change a round's plan. The theme and the number of children change only while it is planned (a new
    theme takes that theme's latest published questions); nothing changes once it is reported."""
    _require_manage(actor)
    unknown = set(fields) - _ROUND_FIELDS
    if unknown:
        raise TypeError(f"A round has no field {', '.join(sorted(unknown))} to change")
    round = _locked_round(round)
    if round.status == AuditRound.Status.REPORTED:
        raise AuditError("This round has been reported and can no longer change")
    changing = {name: value for name, value in fields.items() if getattr(round, name) != value}
    if round.status != AuditRound.Status.PLANNED:
        for name in _PLANNED_ONLY & set(changing):
            raise AuditError("This can change only while the round is planned", name)
    _check_round_fields(changing)
    if "case_count" in changing and changing["case_count"] < round.cases.count():
        raise AuditError("The round already has more children than that: remove some first", "case_count")
    for name in ("theme_detail", "rationale_detail"):
        if name in changing:
            changing[name] = (changing[name] or "").strip()
    dates = {
        name: changing.get(name, getattr(round, name)) for name in ("opens_on", "sections_due", "panel_date")
    }
    _check_dates(dates["opens_on"], dates["sections_due"], dates["panel_date"])
    for name, value in changing.items():
        setattr(round, name, value)
    if "theme" in changing:
        round.theme_version = latest_published_version(kind=AuditTool.Kind.THEME, theme=round.theme)
    round.save()
    return round


def _require_planned(round: AuditRound, field: str | None = None) -> None:
    if round.status != AuditRound.Status.PLANNED:
        raise AuditError(
            f"Round {round.code} is {round.get_status_display().lower()}: "
            "its sample can change only while it is planned",
            field,
        )


def sample_day(round: AuditRound) -> date:
    """The day the sample describes the children as of: the round's opening day, or today."""
    return round.opens_on or timezone.localdate()


def _next_case_codes(round: AuditRound, count: int) -> list[str]:
    numbers = [0]
    for code in round.cases.values_list("code", flat=True):
        match = re.fullmatch(rf"{re.escape(round.code)}-(\d+)", code)
        if match:
            numbers.append(int(match.group(1)))
    start = max(numbers) + 1
    return [f"{round.code}-{number:02d}" for number in range(start, start + count)]


def _children_elsewhere_in_programme(round: AuditRound) -> set[int]:
    return set(
        AuditCase.objects.filter(round__programme_id=round.programme_id).values_list("child_id", flat=True)
    )


@transaction.atomic
def round_sample(*, actor: Any, round: AuditRound, seed: int | str | None = None) -> list[AuditCase]:
    """Fill the round up to its number of children with a stratified random sample (see audits.sampling),
    leaving out children already in any round of the same programme; the same seed gives the same sample."""
    _require_manage(actor)
    round = _locked_round(round)
    _require_planned(round)
    wanted = round.case_count - round.cases.count()
    if wanted <= 0:
        raise AuditError(f"The round already has its {round.case_count} children")
    drawn = sampling.draw(
        sample_day(round), wanted, exclude=_children_elsewhere_in_programme(round), seed=seed
    )
    if not drawn:
        raise AuditError(
            "There are no children left to sample: every child in the journey is already audited"
        )
    agencies = sampling.agencies_involved(item.child_id for item in drawn)
    cases = []
    for item, code in zip(drawn, _next_case_codes(round, len(drawn)), strict=True):
        case = AuditCase.objects.create(
            round=round,
            code=code,
            child_id=item.child_id,
            sampling=AuditCase.Sampling.RANDOM,
            stratum=item.stratum.label,
        )
        if agencies[item.child_id]:
            case.agencies.set(sorted(agencies[item.child_id]))
        cases.append(case)
    return cases


@transaction.atomic
def round_case_add(
    *, actor: Any, round: AuditRound, child: Child, agencies: Iterable[Agency] = ()
) -> AuditCase:
    """A child chosen by hand. With no agencies given, the agencies the child's records show are added."""
    _require_manage(actor)
    round = _locked_round(round)
    _require_planned(round, "child")
    if round.cases.filter(child=child).exists():
        raise AuditError("This child is already in the round", "child")
    elsewhere = (
        AuditCase.objects.filter(round__programme_id=round.programme_id, child=child)
        .select_related("round")
        .first()
    )
    if elsewhere is not None:
        raise AuditError(f"This child is already audited this year, in round {elsewhere.round.code}", "child")
    if round.cases.count() >= round.case_count:
        raise AuditError(
            f"The round already has its {round.case_count} children: remove one, or audit more children",
            "child",
        )
    stratum = sampling.strata_of(sample_day(round), [child.pk]).get(child.pk)
    [code] = _next_case_codes(round, 1)
    case = AuditCase.objects.create(
        round=round,
        code=code,
        child=child,
        sampling=AuditCase.Sampling.CHOSEN,
        stratum=stratum.label if stratum else "",
    )
    chosen = [agency.pk for agency in agencies] or sorted(sampling.agencies_involved([child.pk])[child.pk])
    if chosen:
        case.agencies.set(chosen)
    return case


@transaction.atomic
def round_case_remove(*, actor: Any, case: AuditCase) -> None:
    """Take a case out of a planned round (with its sections)."""
    _require_manage(actor)
    case = AuditCase.objects.select_related("round").get(pk=case.pk)
    _require_planned(_locked_round(case.round))
    case.delete()


def holds_conduct_in(user: Any, agency: Agency) -> bool:
    """True when the user may audit for `agency`: audit.conduct granted there (or partnership-wide)."""
    return any(
        grant.permission == CONDUCT and (grant.scope == Scope.PARTNERSHIP or grant.agency_id == agency.pk)
        for grant in held_grants(user)
    )


@transaction.atomic
def case_section_assign(*, actor: Any, case: AuditCase, agency: Agency, auditor: Any = None) -> AuditSection:
    """The agency's section of a case, made if there is none, with its auditor (who must hold audit.conduct
    in that agency). The agency joins the case's agencies."""
    _require_manage(actor)
    case = AuditCase.objects.select_related("round").get(pk=case.pk)
    round = _locked_round(case.round)
    if round.status in (AuditRound.Status.MODERATION, AuditRound.Status.REPORTED):
        raise AuditError(f"Round {round.code} is past auditing: its sections can no longer change", "agency")
    if auditor is not None and not holds_conduct_in(auditor, agency):
        raise AuditError(f"{auditor.full_name} is not an auditor for {agency.name}", "auditor")
    section = AuditSection.objects.select_for_update().filter(case=case, agency=agency).first()
    if section is None:
        section = AuditSection.objects.create(case=case, agency=agency, auditor=auditor)
    else:
        if section.status == AuditSection.Status.SUBMITTED and section.auditor_id != getattr(
            auditor, "pk", None
        ):
            raise AuditError("This section has been submitted: its auditor can no longer change", "auditor")
        section.auditor = auditor
        section.save()
    if not case.agencies.filter(pk=agency.pk).exists():
        case.agencies.add(agency)
    return section


@transaction.atomic
def case_section_remove(*, actor: Any, section: AuditSection) -> None:
    """Take an agency's section off a case, while the round is planned or the section not yet started."""
    _require_manage(actor)
    section = AuditSection.objects.select_related("case__round").get(pk=section.pk)
    round = _locked_round(section.case.round)
    if round.status != AuditRound.Status.PLANNED and section.status != AuditSection.Status.NOT_STARTED:
        raise AuditError("This section has been started: it can no longer be taken off")
    section.delete()


@transaction.atomic
def round_open(*, actor: Any, round: AuditRound) -> AuditRound:
    """Open a planned round for auditing: it needs its cases, each with at least one agency's section, and
    core questions to answer. A round planned before its tools were published takes the latest published
    versions now; a theme may have no questions of its own, but a round without core questions is refused."""
    _require_manage(actor)
    round = _locked_round(round)
    if round.status != AuditRound.Status.PLANNED:
        raise AuditError(f"Round {round.code} is already {round.get_status_display().lower()}")
    cases = list(round.cases.order_by("code"))
    if not cases:
        raise AuditError("Add the round's children before opening it")
    without = [case.code for case in cases if not case.sections.exists()]
    if without:
        raise AuditError(f"Give every case at least one agency's section first: {', '.join(without)}")
    if round.core_version is None:
        round.core_version = latest_published_version(kind=AuditTool.Kind.CORE)
    if round.core_version is None:
        # The core questions are what every agency's section answers: without them there is nothing to audit.
        raise AuditError(
            "Publish the core audit questions before opening the round: every agency's section answers them"
        )
    if round.theme_version is None:
        round.theme_version = latest_published_version(kind=AuditTool.Kind.THEME, theme=round.theme)
    round.status = AuditRound.Status.OPEN
    if round.opens_on is None:
        round.opens_on = timezone.localdate()
    round.save()
    return round


__all__ = [
    "AuditError",
    "case_section_assign",
    "case_section_remove",
    "latest_published_version",
    "programme_create",
    "round_case_add",
    "round_case_remove",
    "round_create",
    "round_open",
    "round_sample",
    "round_update",
    "tool_create",
    "tool_question_add",
    "tool_question_move",
    "tool_question_remove",
    "tool_question_update",
    "tool_version_new_draft",
    "tool_version_publish",
]
