"""Who may open what, for every page of multi-agency audits (issue 7, section 4: "Auditors see only their
rounds' cases; the business unit runs rounds; PQA members read reports; persona tests for every view").

One programme (2023-24) is built with the audit services: a core tool and a neglect tool, each with a
published version 1, and a draft version 2 of the core tool; four rounds, one in each state:

    Q1  reported      one case (agency A's section: auditor A), graded, a finding with a tracker action
    Q2  open          case 01 picked by hand (agency A's section: auditor A; agency B's section unallocated),
                      case 02 sampled (agency B's section: auditor B, submitted); auditor A invited a
                      practitioner to case 01 and recorded an escalation
    Q3  moderation    one case, already given the panel's grade
    Q4  planned       one case of two (agency A's section, no auditor yet)

Every child in a round (and the spare one) is called "... Matrixchild", so any page that names one is caught.

Each page is then requested by eight people, and the answer must be the one in EXPECTED. A page added to the
audits area without a line in EXPECTED fails `test_every_page_is_in_the_matrix`; a page that takes POST
without a line in WRITES fails `test_every_write_is_checked`, so no view escapes the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import User
from safeguarding.actions.models import Action
from safeguarding.audits.models import (
    AuditCase,
    AuditQuestion,
    AuditRound,
    AuditSection,
    AuditTool,
    AuditToolVersion,
    Finding,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.services import auditing as auditing_services
from safeguarding.audits.services import programme as programme_services
from safeguarding.children.models import Child
from safeguarding.children.tests.support import full_journey, make_child, make_episode
from safeguarding.core.testing import Personas, make_personas, make_user, sign_in

pytestmark = pytest.mark.django_db

YEAR = "2023-24"
SECRET = "Matrixchild"  # every audited child's (synthetic) last name
AREA = "audits"
SIGN_IN = "sign-in"  # a redirect to the sign-in page
TWO_FACTOR = "two-factor"  # a redirect to enter (or set up) a two-factor code
PEOPLE = (
    "bu_officer",  # business unit officer: audit.manage, runs rounds
    "auditor_a",  # agency A's auditor on Q2-01 (and Q1-01): audit.conduct and audit.view, their rounds only
    "auditor_b",  # agency B's auditor on Q2-02, not on Q2-01
    "pqa_member",  # subgroup member of the PQA subgroup: audit.view, reads reports
    "referrer_a",  # referrer in agency A: nothing in audits
    "sysadmin",  # system administrator: no case material at all
    "auditor_a_no_2fa",  # auditor A, signed in without a second factor this session
    "anonymous",  # not signed in
)


@dataclass
class World:
    personas: Personas
    users: dict[str, User]
    core: AuditTool
    theme_tool: AuditTool
    draft: AuditToolVersion  # the core tool's version 2
    questions: list[AuditQuestion]  # the questions the open round asks
    reported: AuditRound
    open: AuditRound
    moderated: AuditRound
    planned: AuditRound
    reported_case: AuditCase
    case: AuditCase  # Q2-01, picked by hand
    case_b: AuditCase  # Q2-02, sampled
    moderated_case: AuditCase
    planned_case: AuditCase
    section_a: AuditSection  # Q2-01, agency A, auditor A
    section_b: AuditSection  # Q2-02, agency B, auditor B, submitted
    planned_section: AuditSection
    invitation: PractitionerInvitation
    finding: Finding
    spare: Child  # in no round, with no journey


def _child(first: str, n: int) -> Child:
    return make_child(first_name=first, last_name=SECRET, la_child_id=f"MX{n:03d}")


def _open_round(
    bu: User, programme: Any, quarter: int, theme: str, opens_on: date, count: int = 1
) -> AuditRound:
    return programme_services.round_create(
        actor=bu,
        programme=programme,
        quarter=quarter,
        theme=theme,
        rationale=AuditRound.Rationale.PRIORITY,
        case_count=count,
        opens_on=opens_on,
        sections_due=opens_on.replace(day=28),
        panel_date=opens_on.replace(day=28),
    )


def build_world() -> World:
    personas = make_personas()
    bu = personas.bu_officer
    a, b = personas.agency_a, personas.agency_b
    auditor_a = make_user("auditor", a, full_name="Ada Auditor", email="auditor.a@example.org")
    auditor_b = make_user("auditor", b, full_name="Ben Auditor", email="auditor.b@example.org")
    pqa_member = make_user("subgroup_member", a, full_name="Pat Member", email="pqa@example.org")

    # Tools: the core questions and the neglect questions, each published once; then a draft of the core.
    core = programme_services.tool_create(actor=bu, name="Core questions", kind=AuditTool.Kind.CORE)
    core_v1 = core.versions.get()
    graded = programme_services.tool_question_add(
        actor=bu, version=core_v1, text="How well was risk identified?", kind="graded", practice_area="risk"
    )
    yes_no = programme_services.tool_question_add(
        actor=bu, version=core_v1, text="Was the child seen alone?", kind="yes_no_partly"
    )
    free_text = programme_services.tool_question_add(
        actor=bu, version=core_v1, text="What would have made a difference?", kind="free_text"
    )
    programme_services.tool_version_publish(actor=bu, version=core_v1)
    theme_tool = programme_services.tool_create(
        actor=bu, name="Neglect questions", kind=AuditTool.Kind.THEME, theme="neglect"
    )
    theme_v1 = theme_tool.versions.get()
    theme_graded = programme_services.tool_question_add(
        actor=bu, version=theme_v1, text="Was neglect recognised early?", kind="graded"
    )
    programme_services.tool_version_publish(actor=bu, version=theme_v1)
    programme = programme_services.programme_create(actor=bu, year=YEAR)

    # Q1: audited, moderated and reported, with a finding and its action in the shared tracker.
    reported = _open_round(bu, programme, 1, "exploitation", date(2023, 4, 10))
    reported_case = programme_services.round_case_add(
        actor=bu, round=reported, child=_child("Reported", 1), agencies=[a]
    )
    programme_services.case_section_assign(actor=bu, case=reported_case, agency=a, auditor=auditor_a)
    programme_services.round_open(actor=bu, round=reported)
    auditing_services.round_to_moderation(actor=bu, round=reported)
    auditing_services.case_grade(
        actor=bu,
        case=reported_case,
        grade="good",
        reason="Risk was seen early",
        moderated_on=date(2023, 5, 28),
    )
    finding = auditing_services.finding_add(
        actor=bu,
        round=reported,
        kind=Finding.Kind.DEVELOPMENT,
        practice_area=PracticeArea.INFORMATION_SHARING,
        text="Schools were not told of police call-outs.",
        case=reported_case,
    )
    auditing_services.finding_action_add(
        actor=bu,
        finding=finding,
        title="Share police call-outs with schools",
        owner_agency=a,
        due_date=date(2030, 3, 31),
    )
    auditing_services.round_report(
        actor=bu, round=reported, reported_on=date(2023, 6, 5), summary="Information sharing needs work."
    )

    # Q2: open, one child picked by hand and one sampled (two children on a child-in-need plan to draw from).
    secret = _child("Quillon", 2)
    full_journey(secret)
    for n in (3, 4):
        make_episode(_child("Sampled", n), date(2023, 4, 3))
    audit_round = _open_round(bu, programme, 2, "neglect", date(2023, 7, 3), count=2)
    case = programme_services.round_case_add(actor=bu, round=audit_round, child=secret, agencies=[a, b])
    [case_b] = programme_services.round_sample(actor=bu, round=audit_round, seed=7)
    section_a = programme_services.case_section_assign(actor=bu, case=case, agency=a, auditor=auditor_a)
    programme_services.case_section_assign(actor=bu, case=case, agency=b)  # not allocated yet
    section_b = programme_services.case_section_assign(actor=bu, case=case_b, agency=b, auditor=auditor_b)
    programme_services.round_open(actor=bu, round=audit_round)
    case, case_b = (AuditCase.objects.select_related("round").get(pk=c.pk) for c in (case, case_b))
    questions = [graded, yes_no, free_text, theme_graded]
    answers = {graded.pk: "good", yes_no.pk: "partly", free_text.pk: "Late plans", theme_graded.pk: "good"}
    auditing_services.section_save(actor=auditor_b, section=section_b, answers=answers, submit=True)
    invitation = auditing_services.practitioner_invite(
        actor=auditor_a, case=case, agency=a, role="Class teacher", invited_on=date(2023, 7, 10)
    )
    auditing_services.escalation_record(
        actor=auditor_a,
        case=case,
        raised_on=date(2023, 7, 12),
        concern="Unexplained bruising",
        acting_agency=b,
        acted_by="Duty social worker",
        action_taken="Home visit the same day",
        acted_on=date(2023, 7, 12),
    )

    # Q3: at the moderation panel, its one case graded already.
    moderated = _open_round(bu, programme, 3, "self_harm", date(2023, 10, 2))
    moderated_case = programme_services.round_case_add(
        actor=bu, round=moderated, child=_child("Moderated", 5), agencies=[b]
    )
    programme_services.case_section_assign(actor=bu, case=moderated_case, agency=b, auditor=auditor_b)
    programme_services.round_open(actor=bu, round=moderated)
    auditing_services.round_to_moderation(actor=bu, round=moderated)
    auditing_services.case_grade(
        actor=bu, case=moderated_case, grade="good", reason="Good plans", moderated_on=date(2023, 10, 28)
    )

    # Q4: planned, one of its two children chosen, agency A's section not yet allocated.
    planned = _open_round(bu, programme, 4, "neglect", date(2024, 1, 8), count=2)
    planned_case = programme_services.round_case_add(
        actor=bu, round=planned, child=_child("Planned", 6), agencies=[a]
    )
    planned_section = programme_services.case_section_assign(actor=bu, case=planned_case, agency=a)

    draft = programme_services.tool_version_new_draft(actor=bu, tool=core)
    users = {
        "bu_officer": bu,
        "auditor_a": auditor_a,
        "auditor_b": auditor_b,
        "pqa_member": pqa_member,
        "referrer_a": personas.a_readonly,
        "sysadmin": personas.sysadmin,
        "auditor_a_no_2fa": auditor_a,
    }
    for audit_round_ in (reported, audit_round, moderated, planned):
        audit_round_.refresh_from_db()
    return World(
        personas=personas,
        users=users,
        core=core,
        theme_tool=theme_tool,
        draft=draft,
        questions=questions,
        reported=reported,
        open=audit_round,
        moderated=moderated,
        planned=planned,
        reported_case=reported_case,
        case=case,
        case_b=case_b,
        moderated_case=moderated_case,
        planned_case=planned_case,
        section_a=section_a,
        section_b=section_b,
        planned_section=planned_section,
        invitation=invitation,
        finding=finding,
        spare=_child("Spare", 7),
    )


@pytest.fixture
def world() -> World:
    return build_world()


def client_for(world: World, person: str) -> Client:
    if person == "anonymous":
        return Client()
    return sign_in(Client(), world.users[person], two_factor=person != "auditor_a_no_2fa")


def _draft_question(world: World, position: int) -> AuditQuestion:
    return world.draft.questions.get(position=position)


def _url(name: str, world: World) -> str:
    """The page's address in this world: mostly the open round and its case Q2-01."""
    base, _, variant = name.partition("#")
    by_name: dict[str, Callable[[], list[Any]]] = {
        "round_create": lambda: [YEAR],
        "round": lambda: [world.open.code],
        "round_edit": lambda: [world.open.code],
        "round_sample": lambda: [world.planned.code],
        "round_open": lambda: [world.planned.code],
        "round_case_add": lambda: [world.planned.code],
        "round_case_remove": lambda: [world.planned.code, world.planned_case.code],
        "case_section_assign": lambda: [world.open.code, world.case.code],
        "case_section_remove": lambda: [
            world.planned.code,
            world.planned_case.code,
            world.planned_section.pk,
        ],
        "tool": lambda: [world.core.pk],
        "version_new_draft": lambda: [world.theme_tool.pk],
        "version_publish": lambda: [world.core.pk, world.draft.number],
        "question_add": lambda: [world.core.pk, world.draft.number],
        "question_edit": lambda: [world.core.pk, world.draft.number, _draft_question(world, 1).pk],
        "question_move": lambda: [world.core.pk, world.draft.number, _draft_question(world, 2).pk],
        "question_remove": lambda: [world.core.pk, world.draft.number, _draft_question(world, 3).pk],
        "auditing_case": lambda: [world.case.code],
        "auditing_answers": lambda: [world.case.code, world.section_a.pk],
        "auditing_reopen": lambda: [world.case_b.code, world.section_b.pk],
        "auditing_grade": lambda: [world.case.code],
        "auditing_invite": lambda: [world.case.code],
        "auditing_attendance": lambda: [world.case.code, world.invitation.pk],
        "auditing_family_views": lambda: [world.case.code],
        "auditing_escalation": lambda: [world.case.code],
        "moderation_round": lambda: [world.moderated.code],
        "moderation_send": lambda: [world.open.code],
        "moderation_grade": lambda: [world.moderated.code, world.moderated_case.code],
        "moderation_finding_add": lambda: [world.moderated.code],
        "moderation_action_add": lambda: [world.reported.code, world.finding.number],
        "moderation_report": lambda: [world.moderated.code],
        "tables_year": lambda: [YEAR],
        "tables_csv": lambda: [YEAR, "grades"],
        "round_report": lambda: [world.reported.code],
        "round_report_pdf": lambda: [world.reported.code],
        "round_report_docx": lambda: [world.reported.code],
    }
    variants: dict[str, Callable[[], list[Any]]] = {
        "auditing_case#b": lambda: [world.case_b.code],  # auditor B's case
        "auditing_case#reported": lambda: [world.reported_case.code],  # auditor A's case, round closed
        "round#reported": lambda: [world.reported.code],
        "round#planned": lambda: [world.planned.code],
    }
    short = base.removeprefix(f"{AREA}:")
    args = variants[f"{short}#{variant}"]() if variant else by_name.get(short, list)()
    return reverse(base, args=args)


def _answer(response: HttpResponseBase) -> int | str:
    """The status code, or where a redirect to sign in (or to prove two-factor sign-in) goes."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:sign-in") + "?"):
            return SIGN_IN
        if location.startswith((reverse("accounts:two-factor"), reverse("accounts:two-factor-setup"))):
            return TWO_FACTOR
    return response.status_code


# The answer each person gets to GET each page; columns follow PEOPLE.
# 405: the address only takes POST (its button is on another page); what a POST gets is in POSTED.
Row = tuple[int | str, ...]
READ: Row = (200, 200, 200, 200, 403, 403, 200, SIGN_IN)  # audit.view: codes only, no two factors needed
MANAGE: Row = (200, 403, 403, 403, 403, 403, 403, SIGN_IN)  # the business unit runs rounds and tools
# A round auditor B has no section in (MAA-2023-24-Q1, auditor A's only): "not found" for B (issue 7, 4).
READ_NOT_B: Row = (200, 200, 404, 200, 403, 403, 200, SIGN_IN)
# The planned round: no auditor has a section in it yet.
READ_NO_AUDITOR: Row = (200, 404, 404, 200, 403, 403, 404, SIGN_IN)
# Q2-01: its auditor (A, with two factors) and the business unit; auditor B of the same round gets a 404.
CASE: Row = (200, 200, 404, 403, 403, 403, TWO_FACTOR, SIGN_IN)
POST_ONLY: Row = (405, 405, 405, 405, 405, 405, 405, SIGN_IN)
EXPECTED: dict[str, Row] = {
    # The programme and its rounds
    "audits:home": READ,
    "audits:programme_create": MANAGE,
    "audits:round_create": MANAGE,
    "audits:round": READ,
    "audits:round#reported": READ_NOT_B,
    "audits:round#planned": READ_NO_AUDITOR,
    "audits:round_edit": MANAGE,
    "audits:round_sample": POST_ONLY,
    "audits:round_open": POST_ONLY,
    "audits:round_case_add": POST_ONLY,
    "audits:round_case_remove": POST_ONLY,
    "audits:case_section_assign": MANAGE,
    "audits:case_section_remove": POST_ONLY,
    # Tools
    "audits:tools": READ,
    "audits:tool_create": MANAGE,
    "audits:tool": READ,
    "audits:version_new_draft": POST_ONLY,
    "audits:version_publish": POST_ONLY,
    "audits:question_add": MANAGE,
    "audits:question_edit": MANAGE,
    "audits:question_remove": POST_ONLY,
    "audits:question_move": POST_ONLY,
    # Auditing: only the case's own auditors (with two factors) and the business unit
    "audits:auditing_my_cases": (403, 200, 200, 403, 403, 403, TWO_FACTOR, SIGN_IN),  # no sections: no page
    "audits:auditing_case": CASE,
    "audits:auditing_case#b": (200, 404, 200, 403, 403, 403, TWO_FACTOR, SIGN_IN),
    "audits:auditing_case#reported": CASE,  # the case page stays (by code) once the round is reported
    "audits:auditing_answers": POST_ONLY,
    "audits:auditing_reopen": MANAGE,
    "audits:auditing_grade": CASE,
    "audits:auditing_invite": CASE,
    "audits:auditing_attendance": CASE,
    "audits:auditing_family_views": CASE,
    "audits:auditing_escalation": CASE,
    # The moderation panel: the business unit
    "audits:moderation_round": MANAGE,
    "audits:moderation_send": MANAGE,
    "audits:moderation_grade": MANAGE,
    "audits:moderation_finding_add": MANAGE,
    "audits:moderation_action_add": MANAGE,
    "audits:moderation_report": MANAGE,
    # Tables and reports: everyone who reads audits (the PQA subgroup among them)
    "audits:tables": (302, 302, 302, 302, 403, 403, 302, SIGN_IN),  # to the latest year's tables
    "audits:tables_year": READ,
    "audits:tables_csv": READ,
    "audits:round_report": READ_NOT_B,
    "audits:round_report_pdf": READ_NOT_B,
    "audits:round_report_docx": READ_NOT_B,
}

# What a POST gets at the addresses that only take POST. 302: done, back to the page the button is on.
MANAGE_POST: Row = (302, 403, 403, 403, 403, 403, 403, SIGN_IN)
POSTED: dict[str, Row] = {
    "audits:round_sample": MANAGE_POST,
    "audits:round_open": MANAGE_POST,
    "audits:round_case_add": MANAGE_POST,
    "audits:round_case_remove": MANAGE_POST,
    "audits:case_section_remove": MANAGE_POST,
    "audits:version_new_draft": MANAGE_POST,
    "audits:version_publish": MANAGE_POST,
    "audits:question_remove": MANAGE_POST,
    "audits:question_move": MANAGE_POST,
    # Section A of Q2-01: its auditor and the business unit; auditor B, on another case, gets a 404.
    "audits:auditing_answers": (302, 302, 404, 403, 403, 403, TWO_FACTOR, SIGN_IN),
}


def _day(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# A write the business unit may make at every address that takes POST: the data is valid, so a refusal
# proves the person was refused, not the data.
WRITES: dict[str, Callable[[World], dict[str, Any]]] = {
    "audits:programme_create": lambda w: {"year": "2021-22"},
    "audits:round_create": lambda w: {
        "quarter": "1",
        "theme": "neglect",
        "rationale": AuditRound.Rationale.DATA,
        "case_count": "5",
    },
    "audits:round_edit": lambda w: {
        "theme": w.open.theme,
        "rationale": AuditRound.Rationale.DATA,
        "rationale_detail": "Neglect referrals rose",
        "case_count": str(w.open.case_count),
        **_day("opens_on", date(2023, 7, 3)),
    },
    "audits:round_sample": lambda w: {},
    "audits:round_open": lambda w: {},
    "audits:round_case_add": lambda w: {"child": str(w.spare.pk)},
    "audits:round_case_remove": lambda w: {},
    "audits:case_section_assign": lambda w: {
        "agency": str(w.personas.agency_b.pk),
        "auditor": str(w.users["auditor_b"].pk),
    },
    "audits:case_section_remove": lambda w: {},
    "audits:tool_create": lambda w: {
        "name": "Exploitation questions",
        "kind": "theme",
        "theme": "exploitation",
    },
    "audits:version_new_draft": lambda w: {},
    "audits:version_publish": lambda w: {"change_note": "Reworded"},
    "audits:question_add": lambda w: {"text": "Was the plan shared?", "kind": "yes_no_partly"},
    "audits:question_edit": lambda w: {"text": "How well was risk responded to?", "kind": "graded"},
    "audits:question_remove": lambda w: {},
    "audits:question_move": lambda w: {"direction": "up"},
    "audits:auditing_answers": lambda w: {
        f"section{w.section_a.pk}-q_{w.questions[0].pk}": "inadequate",
        f"section{w.section_a.pk}-summary": "Our part",
        "action": "save",
    },
    "audits:auditing_reopen": lambda w: {},
    "audits:auditing_grade": lambda w: {"grade": "good", **_day("graded_on", date(2023, 7, 20))},
    "audits:auditing_invite": lambda w: {
        "agency": str(w.personas.agency_b.pk),
        "role": "GP",
        **_day("invited_on", date(2023, 7, 10)),
    },
    "audits:auditing_attendance": lambda w: {"attendance": "attended", "reflections": "Useful"},
    "audits:auditing_family_views": lambda w: {"family_views": "declined", "summary": ""},
    "audits:auditing_escalation": lambda w: {
        "concern": "A new injury",
        "acting_agency": str(w.personas.agency_a.pk),
        "acted_by": "Designated safeguarding lead",
        "action_taken": "Referred to the MASH",
        **_day("raised_on", date(2023, 7, 20)),
        **_day("acted_on", date(2023, 7, 20)),
    },
    "audits:moderation_send": lambda w: {},
    "audits:moderation_grade": lambda w: {
        "grade": "requires_improvement",
        "reason": "Plans drifted",
        **_day("moderated_on", date(2023, 10, 28)),
    },
    "audits:moderation_finding_add": lambda w: {
        "kind": Finding.Kind.GOOD_PRACTICE,
        "practice_area": PracticeArea.LIVED_EXPERIENCE,
        "text": "The young person's words were in every plan.",
    },
    "audits:moderation_action_add": lambda w: {
        "title": "Tell schools of call-outs within a day",
        "owner_agency": str(w.personas.agency_b.pk),
        **_day("due_date", date(2030, 6, 30)),
    },
    "audits:moderation_report": lambda w: {
        "summary": "Self-harm plans were good.",
        **_day("reported_on", date(2023, 12, 1)),
    },
}

REFUSED = (403, 404, TWO_FACTOR, SIGN_IN)


def _names_in(namespace: str) -> set[str]:
    def walk(resolver: URLResolver) -> set[str]:
        found: set[str] = set()
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                found |= walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                found.add(f"{namespace}:{entry.name}")
        return found

    return walk(get_resolver().namespace_dict[namespace][1])


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every audit table (their history too), the tracker's actions and the children."""
    tables: list[type[models.Model]] = [*apps.get_app_config("audits").get_models(), Action, Child]
    taken = {}
    for model in tables:
        fields = [field.attname for field in model._meta.concrete_fields]
        taken[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return taken


def _body(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")  # type: ignore[attr-defined]
    return response.content.decode(errors="replace")  # type: ignore[attr-defined]


def _child_views() -> int:
    return AccessEvent.objects.filter(action=AccessEvent.Action.VIEW, subject_type="children.child").count()


# --- The matrix -------------------------------------------------------------------------------------------


def test_every_page_is_in_the_matrix() -> None:
    listed = {name.partition("#")[0] for name in EXPECTED}
    assert _names_in(AREA) == listed
    assert set(POSTED) == {name for name, row in EXPECTED.items() if row == POST_ONLY}
    assert set(WRITES) <= listed


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_person_gets_the_expected_answer(world: World, name: str) -> None:
    url = _url(name, world)
    got = {person: _answer(client_for(world, person).get(url)) for person in PEOPLE}
    assert got == dict(zip(PEOPLE, EXPECTED[name], strict=True)), url


def test_every_write_is_checked(world: World) -> None:
    """Every address not in WRITES refuses POST from the business unit (405): it only shows."""
    officer = client_for(world, "bu_officer")
    for name in EXPECTED:
        if name.partition("#")[0] not in WRITES:
            assert officer.post(_url(name, world), {}).status_code == 405, name


@pytest.mark.parametrize("name", list(WRITES))
def test_writes_are_refused_to_people_without_the_right_and_change_nothing(world: World, name: str) -> None:
    url = _url(name, world)
    data = WRITES[name](world)
    expected = dict(zip(PEOPLE, POSTED.get(name, EXPECTED[name]), strict=True))
    refused = {person: answer for person, answer in expected.items() if answer in REFUSED}
    assert "bu_officer" not in refused and {"referrer_a", "sysadmin", "anonymous"} <= set(refused)
    before = _snapshot()
    got = {person: _answer(client_for(world, person).post(url, data)) for person in refused}
    assert got == refused, url
    assert _snapshot() == before, url
    # The same POST from the business unit is done: the data was good, and only the person was refused.
    response = client_for(world, "bu_officer").post(url, data)
    assert response.status_code == 302 and _answer(response) == 302, (url, _body(response)[:2000])
    assert _snapshot() != before, url


# --- Who sees the child -----------------------------------------------------------------------------------


# The pages that name a child, for whom; the number is the children named (each written to the access log).
NAMING: dict[tuple[str, str], int] = {
    ("bu_officer", "audits:round"): 2,  # the open round's two children: the business unit samples them
    ("bu_officer", "audits:round#planned"): 1,  # choosing a planned round's children
    ("bu_officer", "audits:auditing_case"): 1,
    ("bu_officer", "audits:auditing_case#b"): 1,
    ("auditor_a", "audits:auditing_case"): 1,
    ("auditor_b", "audits:auditing_case#b"): 1,
}
BINARY = {"audits:round_report_pdf", "audits:round_report_docx"}  # read as text in test_report.py


def test_only_the_cases_auditors_and_the_business_unit_see_a_child_and_every_sight_is_logged(
    world: World,
) -> None:
    named: dict[tuple[str, str], int] = {}
    before = _child_views()
    for person in PEOPLE:
        client = client_for(world, person)
        for name, row in EXPECTED.items():
            if row[PEOPLE.index(person)] != 200 or name in BINARY:
                continue
            if SECRET in _body(client.get(_url(name, world))):
                named[(person, name)] = NAMING.get((person, name), 0)
    assert named == NAMING
    assert _child_views() - before == sum(NAMING.values())


def test_an_auditors_view_of_their_cases_child_is_logged(world: World) -> None:
    page = client_for(world, "auditor_a").get(_url("audits:auditing_case", world))
    assert "Quillon" in page.text and SECRET in page.text
    event = AccessEvent.objects.latest("id")
    assert event.actor == world.users["auditor_a"]
    assert (event.action, event.subject_type) == (AccessEvent.Action.VIEW, "children.child")
    assert event.subject_id == str(world.case.child_id) and world.case.code in event.purpose
    # Auditor B audits the same round, but not this case: a 404, nothing shown and nothing logged.
    before = _child_views()
    refused = client_for(world, "auditor_b").get(_url("audits:auditing_case", world))
    assert refused.status_code == 404 and SECRET not in refused.text
    assert _child_views() == before


def test_after_the_round_closes_the_auditor_no_longer_sees_the_child(world: World) -> None:
    auditor = client_for(world, "auditor_a")
    url = _url("audits:auditing_case", world)
    bu = world.users["bu_officer"]
    auditing_services.round_to_moderation(actor=bu, round=world.open)
    assert SECRET in auditor.get(url).text  # at the panel the round is still open to its auditors
    for case in (world.case, world.case_b):
        auditing_services.case_grade(
            actor=bu, case=case, grade="good", reason="Shared well", moderated_on=date(2023, 8, 28)
        )
    auditing_services.round_report(
        actor=bu, round=world.open, reported_on=date(2023, 9, 1), summary="Neglect was seen early."
    )
    before = _child_views()
    page = auditor.get(url)
    assert page.status_code == 200 and SECRET not in page.text and "Quillon" not in page.text
    assert 'id="identity-hidden"' in page.text
    assert _child_views() == before
    # Their list of cases no longer offers it, and auditor B no longer sees the child of case Q2-02.
    assert world.case.code not in auditor.get(reverse("audits:auditing_my_cases")).text
    assert SECRET not in client_for(world, "auditor_b").get(_url("audits:auditing_case#b", world)).text
    assert _child_views() == before


# --- The round page: the business unit sees the children only with two factors, and never once reported ----


def test_a_reported_rounds_page_names_no_child(world: World) -> None:
    page = client_for(world, "bu_officer").get(_url("audits:round#reported", world))
    assert page.status_code == 200 and world.reported_case.code in page.text
    assert SECRET not in page.text


def test_the_round_page_names_children_only_after_two_factor_sign_in(world: World) -> None:
    officer = sign_in(Client(), world.users["bu_officer"], two_factor=False)
    before = _child_views()
    page = officer.get(_url("audits:round", world))
    assert page.status_code == 200 and world.case.code in page.text
    assert SECRET not in page.text and _child_views() == before
    # With two factors the same page names them (and logs each one).
    assert SECRET in client_for(world, "bu_officer").get(_url("audits:round", world)).text
    assert _child_views() == before + 2
