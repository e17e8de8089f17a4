"""Reads for the audit programme: the programme by year, a round and its cases with their sections' progress,
the tools with their versions, and the business unit's search for a child to add to a round by hand.

Programmes, rounds and cases are read by anyone holding audit.view or audit.manage, by code only; the child
behind a case is read only through `round_children`, for the business unit (audit.manage), and the view
that shows them writes each one to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from safeguarding.access.decorators import is_two_factor_verified
from safeguarding.access.permissions import holds, holds_partnership_wide
from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.accounts.roles import ROLES
from safeguarding.audits.models import (
    AuditCase,
    AuditProgramme,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
    AuditToolVersion,
)
from safeguarding.audits.permissions import CONDUCT, MANAGE, VIEW
from safeguarding.children.models import Child
from safeguarding.children.selectors import ChildSearch, children_matching

# The most children a search shows: more than this and the person narrows it.
SEARCH_LIMIT = 20


def may_view(user: Any) -> bool:
    return holds(user, VIEW) or holds(user, MANAGE)


def may_manage(user: Any) -> bool:
    return holds(user, MANAGE)


def _require_view(user: Any) -> None:
    if not may_view(user):
        raise PermissionDenied("Your roles do not allow this")


# --- The programme ------------------------------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[AuditProgramme]:
    if not may_view(user):
        return AuditProgramme.objects.none()
    return AuditProgramme.objects.order_by("-year")


def rounds_visible_to(user: Any) -> QuerySet[AuditRound]:
    """The rounds a user may read, by audit code (who a child is is never here). The programme, the grade
    tables and the reports all start from this.

    - audit.manage, or audit.view across the partnership (the PQA subgroup, the scrutineer, the executive):
      every round.
    - audit.view within an agency only (an auditor): the rounds they audit a section in, and no others
      (issue 7 section 4, "auditors see only their rounds' cases").
    - anyone else: none.
    """
    if holds(user, MANAGE) or holds_partnership_wide(user, VIEW):
        return AuditRound.objects.all()
    if holds(user, VIEW):
        return AuditRound.objects.filter(
            pk__in=AuditSection.objects.filter(auditor=user).values("case__round")
        )
    return AuditRound.objects.none()


def _rounds_with_counts(user: Any) -> QuerySet[AuditRound]:
    """The rounds the user may see, each with its number of cases and of graded cases."""
    return (
        rounds_visible_to(user)
        .select_related("programme", "lead")
        .annotate(
            cases_total=Count("cases", distinct=True),
            cases_graded=Count("cases", filter=~Q(cases__grade=""), distinct=True),
        )
    )


@dataclass(frozen=True)
class ProgrammeYear:
    programme: AuditProgramme
    rounds: list[AuditRound]  # annotated with cases_total and cases_graded

    @property
    def cases_total(self) -> int:
        return sum(getattr(round, "cases_total", 0) for round in self.rounds)

    @property
    def cases_graded(self) -> int:
        return sum(getattr(round, "cases_graded", 0) for round in self.rounds)


def programme_overview(user: Any) -> list[ProgrammeYear]:
    """Every programme, latest year first, with its rounds in quarter order (two queries)."""
    programmes = list(programmes_visible_to(user))
    rounds_of: dict[int, list[AuditRound]] = {programme.pk: [] for programme in programmes}
    for round in _rounds_with_counts(user).filter(programme__in=programmes).order_by("quarter", "code"):
        rounds_of[round.programme_id].append(round)
    return [ProgrammeYear(programme, rounds_of[programme.pk]) for programme in programmes]


def programme_get_for_user(user: Any, year: str) -> AuditProgramme:
    _require_view(user)
    programme = AuditProgramme.objects.filter(year=year).first()
    if programme is None:
        raise Http404("No audit programme for that year")
    return programme


def round_get_for_user(user: Any, code: str, *, for_write: bool = False) -> AuditRound:
    """One round by code: 403 without audit.view or audit.manage (or without audit.manage to change it), 404
    when there is no such round or it is not one the user may read (an auditor reads only their rounds)."""
    _require_view(user)
    if for_write and not may_manage(user):
        raise PermissionDenied("Only the business unit runs audit rounds")
    round = (
        rounds_visible_to(user)
        .select_related("programme", "lead", "core_version__tool", "theme_version__tool", "created_by")
        .filter(code=code)
        .first()
    )
    if round is None:
        raise Http404("No such audit round")
    return round


# --- A round's cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseProgress:
    case: AuditCase
    sections: list[AuditSection]
    agencies: list[Agency]

    @property
    def submitted(self) -> int:
        return sum(1 for section in self.sections if section.status == AuditSection.Status.SUBMITTED)

    @property
    def total(self) -> int:
        return len(self.sections)

    @property
    def unallocated(self) -> int:
        """Sections with no auditor yet."""
        return sum(1 for section in self.sections if section.auditor_id is None)


def round_cases(user: Any, round: AuditRound) -> list[CaseProgress]:
    """The round's cases by code, each with its sections (agency, auditor, status) and agencies; codes only:
    the children are read apart (round_children)."""
    _require_view(user)
    cases = (
        round.cases.order_by("code")
        .prefetch_related(
            Prefetch(
                "sections",
                AuditSection.objects.select_related("agency", "auditor").order_by("agency__name", "pk"),
            ),
            Prefetch("agencies", Agency.objects.order_by("name")),
        )
        .defer("child")
    )
    return [CaseProgress(case, list(case.sections.all()), list(case.agencies.all())) for case in cases]


CHOOSING_REFUSED = "Only the business unit, signed in with two factors, chooses a round's children"


def round_children_hidden_reason(user: Any, round: AuditRound) -> str:
    """Why the user may not see who the round's children are ("" when they may). The business unit samples
    them, so it sees them until the round is reported, signed in with two factors: the children are
    identifiable data (DESIGN.md, data tiers)."""
    if not may_manage(user):
        return "Only the business unit sees who a round's children are."
    if round.status == AuditRound.Status.REPORTED:
        return f"Round {round.code} is reported: who the children were is no longer shown to anyone."
    if not is_two_factor_verified(user):
        return "Sign in with two-factor authentication to see who the children are and to choose them."
    return ""


def round_children(user: Any, round: AuditRound) -> dict[int, Child]:
    """Who each case of the round is about, by case id (see `round_children_hidden_reason`). The caller
    writes every child shown to the access log."""
    reason = round_children_hidden_reason(user, round)
    if reason:
        raise PermissionDenied(reason)
    cases = round.cases.select_related("child")
    return {case.pk: case.child for case in cases}


def round_case_get(user: Any, round: AuditRound, case_code: str) -> AuditCase:
    _require_view(user)
    case = round.cases.filter(code=case_code).first()
    if case is None:
        raise Http404("No such case in this round")
    return case


def auditors_for(agency: Agency) -> list[User]:
    """The people who may audit for `agency` (audit.conduct there): active members with the auditor role."""
    roles = [
        role.code for role in ROLES.values() if any(grant.permission == CONDUCT for grant in role.grants)
    ]
    members = User.objects.filter(
        is_active=True, memberships__in=agency.memberships.current().filter(role__in=roles)
    )
    return list(members.distinct().order_by("full_name", "pk"))


def round_leads() -> list[User]:
    """The people who may lead a round: the business unit (audit.manage)."""
    roles = [role.code for role in ROLES.values() if any(grant.permission == MANAGE for grant in role.grants)]
    memberships = Membership.objects.current().filter(role__in=roles)
    return list(
        User.objects.filter(is_active=True, memberships__in=memberships).distinct().order_by("full_name")
    )


def children_for_round_search(user: Any, *, name: str = "", la_child_id: str = "") -> list[Child]:
    """Children to add to a round by hand, by name or LA child ID, with the children app's own matching
    (`children_matching`): the business unit only, and nothing until a term is given. The caller logs the
    search.

    The children app's `children_search` reads only the children a person holds child.view for; the
    business unit holds audit.manage instead, and searches every child.
    """
    if not may_manage(user) or not is_two_factor_verified(user):
        raise PermissionDenied(CHOOSING_REFUSED)
    search = ChildSearch(name=name.strip(), la_child_id=la_child_id.strip())
    if not search.name and not search.la_child_id:
        return []
    children = Child.objects.filter(children_matching(search))
    return list(children.order_by("last_name", "first_name", "date_of_birth", "pk")[:SEARCH_LIMIT])


def child_for_round(user: Any, pk: Any) -> Child | None:
    """The child the business unit chose from the search results (None when there is no such child)."""
    if not may_manage(user) or not is_two_factor_verified(user):
        raise PermissionDenied(CHOOSING_REFUSED)
    return Child.objects.filter(pk=pk).first() if str(pk).isdigit() else None


# --- Tools --------------------------------------------------------------------------------------------------


def tools_with_versions(user: Any) -> list[AuditTool]:
    """Every tool, core first, with its versions newest first (each with its number of questions)."""
    _require_view(user)
    versions = AuditToolVersion.objects.annotate(question_count=Count("questions")).order_by("-number")
    return list(AuditTool.objects.order_by("kind", "name").prefetch_related(Prefetch("versions", versions)))


def tool_get_for_user(user: Any, pk: Any) -> AuditTool:
    _require_view(user)
    tool = AuditTool.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if tool is None:
        raise Http404("No such audit tool")
    return tool


def tool_versions(tool: AuditTool) -> list[AuditToolVersion]:
    """A tool's versions, newest first, each with its questions in order."""
    return list(
        tool.versions.order_by("-number")
        .select_related("published_by")
        .prefetch_related(Prefetch("questions", AuditQuestion.objects.order_by("position")))
    )


def tool_version_get(tool: AuditTool, number: Any) -> AuditToolVersion:
    version = tool.versions.filter(number=number).first() if str(number).isdigit() else None
    if version is None:
        raise Http404("No such version of this tool")
    return version


def version_question_get(version: AuditToolVersion, pk: Any) -> AuditQuestion:
    question = version.questions.filter(pk=pk).first() if str(pk).isdigit() else None
    if question is None:
        raise Http404("No such question in this version")
    return question


def rounds_using(version: AuditToolVersion) -> list[AuditRound]:
    """The rounds that audit with this version."""
    return list(
        AuditRound.objects.filter(Q(core_version=version) | Q(theme_version=version)).order_by(
            "-programme__year", "code"
        )
    )
