"""Shared set-up for the auditing and moderation tests (no tests here): tools, a round with one case of a
synthetic child audited by agencies A and B, built through the programme's own services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.audits.models import (
    AuditCase,
    AuditProgramme,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
)
from safeguarding.audits.services import programme
from safeguarding.children.tests.support import full_journey, make_child
from safeguarding.core.testing import Personas, make_personas, make_user, sign_in

SECRET_NAME = ("Quillon", "Testcase")  # synthetic
YEAR = "2023-24"


@dataclass
class World:
    personas: Personas
    auditor_a: User  # the case's auditor for agency A
    auditor_b: User  # the case's auditor for agency B
    other_auditor: User  # an auditor in agency A with no section on the case
    pqa_member: User  # subgroup member: audit.view only
    programme: AuditProgramme
    round: AuditRound
    case: AuditCase
    section_a: AuditSection
    section_b: AuditSection
    graded: AuditQuestion
    yes_no: AuditQuestion
    free_text: AuditQuestion
    theme_graded: AuditQuestion

    @property
    def bu(self) -> User:
        return self.personas.bu_officer

    def client(self, name: str, *, two_factor: bool = True) -> Client:
        user = getattr(self, name, None) or getattr(self.personas, name)
        return sign_in(Client(), user, two_factor=two_factor)

    def full_answers(self) -> dict[str, str]:
        return {
            str(self.graded.pk): "good",
            str(self.yes_no.pk): "partly",
            str(self.free_text.pk): "Plans were shared late.",
            str(self.theme_graded.pk): "requires_improvement",
        }


def make_world(*, opened: bool = True, second_case: bool = False) -> World:
    personas = make_personas()
    bu = personas.bu_officer
    core = programme.tool_create(actor=bu, name="Core questions", kind=AuditTool.Kind.CORE)
    core_v1 = core.versions.get()
    graded = programme.tool_question_add(
        actor=bu, version=core_v1, text="How well was risk identified?", kind="graded", practice_area="risk"
    )
    yes_no = programme.tool_question_add(
        actor=bu, version=core_v1, text="Was the child seen alone?", kind="yes_no_partly"
    )
    free_text = programme.tool_question_add(
        actor=bu, version=core_v1, text="What would have made a difference?", kind="free_text"
    )
    programme.tool_version_publish(actor=bu, version=core_v1)
    theme = programme.tool_create(
        actor=bu, name="Neglect questions", kind=AuditTool.Kind.THEME, theme="neglect"
    )
    theme_v1 = theme.versions.get()
    theme_graded = programme.tool_question_add(
        actor=bu, version=theme_v1, text="Was neglect recognised early?", kind="graded"
    )
    programme.tool_version_publish(actor=bu, version=theme_v1)
    prog = programme.programme_create(actor=bu, year=YEAR)
    audit_round = programme.round_create(
        actor=bu,
        programme=prog,
        quarter=1,
        theme="neglect",
        rationale="priority",
        case_count=2,
        opens_on=date(2023, 5, 1),
        sections_due=date(2023, 6, 1),
        panel_date=date(2023, 6, 15),
    )
    child = make_child(first_name=SECRET_NAME[0], last_name=SECRET_NAME[1])
    full_journey(child)
    auditor_a = make_user("auditor", personas.agency_a, full_name="Aud Itor A")
    auditor_b = make_user("auditor", personas.agency_b, full_name="Aud Itor B")
    other_auditor = make_user("auditor", personas.agency_a, full_name="Other Auditor")
    pqa_member = make_user("subgroup_member", personas.agency_a, full_name="Pat Member")
    case = programme.round_case_add(
        actor=bu, round=audit_round, child=child, agencies=[personas.agency_a, personas.agency_b]
    )
    section_a = programme.case_section_assign(
        actor=bu, case=case, agency=personas.agency_a, auditor=auditor_a
    )
    section_b = programme.case_section_assign(
        actor=bu, case=case, agency=personas.agency_b, auditor=auditor_b
    )
    if second_case:
        other_child = make_child(first_name="Second", last_name="Testcase", date_of_birth=date(2015, 1, 2))
        second = programme.round_case_add(
            actor=bu, round=audit_round, child=other_child, agencies=[personas.agency_a]
        )
        programme.case_section_assign(actor=bu, case=second, agency=personas.agency_a, auditor=auditor_a)
    if opened:
        programme.round_open(actor=bu, round=audit_round)
    audit_round.refresh_from_db()
    case.refresh_from_db()
    return World(
        personas=personas,
        auditor_a=auditor_a,
        auditor_b=auditor_b,
        other_auditor=other_auditor,
        pqa_member=pqa_member,
        programme=prog,
        round=audit_round,
        case=case,
        section_a=section_a,
        section_b=section_b,
        graded=graded,
        yes_no=yes_no,
        free_text=free_text,
        theme_graded=theme_graded,
    )
