"""The moderation panel: sending a round to moderation, the panel's grades, findings and their actions in the
shared tracker, reporting the round; the panel page per persona, independent grades hidden until the panel,
agreement (kappa) shown, and the business unit's home-page item."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from safeguarding.actions.models import Action
from safeguarding.audits.models import AuditCase, AuditRound, Finding, IndependentGrade
from safeguarding.audits.services import auditing as services
from safeguarding.audits.services import programme
from safeguarding.audits.services.programme import AuditError
from safeguarding.audits.tests.auditing_support import SECRET_NAME, World, make_world
from safeguarding.children.tests.support import make_child
from safeguarding.core.attention import AttentionItem, items_for

pytestmark = pytest.mark.django_db

PANEL = date(2023, 6, 15)


@pytest.fixture
def world() -> World:
    return make_world()


def _page(world: World) -> str:
    return reverse("audits:moderation_round", args=[world.round.code])


def _to_moderation(world: World) -> None:
    services.round_to_moderation(actor=world.bu, round=world.round)
    world.round.refresh_from_db()


def _grade(world: World, grade: str = "good") -> AuditCase:
    return services.case_grade(
        actor=world.bu, case=world.case, grade=grade, reason="Shared well", moderated_on=PANEL
    )


# --- Services ---------------------------------------------------------------------------------------------


def test_round_to_moderation(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.round_to_moderation(actor=world.auditor_a, round=world.round)
    _to_moderation(world)
    assert world.round.status == AuditRound.Status.MODERATION
    with pytest.raises(AuditError, match="only while the round is open"):
        services.round_to_moderation(actor=world.bu, round=world.round)


def test_a_planned_round_cannot_go_to_moderation() -> None:
    planned = make_world(opened=False)
    with pytest.raises(AuditError, match="planned"):
        services.round_to_moderation(actor=planned.bu, round=planned.round)


def test_case_grade_needs_the_round_at_moderation(world: World) -> None:
    with pytest.raises(AuditError, match="moderation"):
        _grade(world)
    _to_moderation(world)
    with pytest.raises(PermissionDenied):
        services.case_grade(
            actor=world.auditor_a, case=world.case, grade="good", reason="x", moderated_on=PANEL
        )
    with pytest.raises(AuditError, match="why") as refused:
        services.case_grade(actor=world.bu, case=world.case, grade="good", reason=" ", moderated_on=PANEL)
    assert refused.value.field == "reason"
    with pytest.raises(AuditError, match="four grades"):
        services.case_grade(actor=world.bu, case=world.case, grade="ok", reason="x", moderated_on=PANEL)
    with pytest.raises(AuditError, match="future"):
        services.case_grade(
            actor=world.bu,
            case=world.case,
            grade="good",
            reason="x",
            moderated_on=timezone.localdate() + timedelta(days=1),
        )
    case = _grade(world, "requires_improvement")
    assert case.grade == "requires_improvement" and case.moderated_by == world.bu
    assert case.moderated_on == PANEL and case.grade_reason == "Shared well"


def test_findings_are_numbered_in_the_round(world: World) -> None:
    with pytest.raises(AuditError, match="moderation"):
        services.finding_add(
            actor=world.bu, round=world.round, kind="good_practice", practice_area="risk", text="x"
        )
    _to_moderation(world)
    first = services.finding_add(
        actor=world.bu, round=world.round, kind="good_practice", practice_area="risk", text="Risk seen early"
    )
    second = services.finding_add(
        actor=world.bu,
        round=world.round,
        kind="development",
        practice_area="think_family",
        text="Fathers not seen",
        case=world.case,
    )
    assert (first.number, second.number) == (1, 2)
    assert second.source_ref == f"{world.round.code}/F2"
    with pytest.raises(AuditError, match="practice area"):
        services.finding_add(
            actor=world.bu, round=world.round, kind="development", practice_area="x", text="y"
        )
    with pytest.raises(AuditError, match="good practice or"):
        services.finding_add(actor=world.bu, round=world.round, kind="x", practice_area="risk", text="y")
    with pytest.raises(AuditError, match="Describe"):
        services.finding_add(
            actor=world.bu, round=world.round, kind="development", practice_area="risk", text=""
        )
    with pytest.raises(PermissionDenied):
        services.finding_add(
            actor=world.auditor_a, round=world.round, kind="development", practice_area="risk", text="y"
        )


def test_a_finding_on_a_case_from_another_round_is_refused(world: World) -> None:
    _to_moderation(world)
    later = programme.round_create(
        actor=world.bu, programme=world.programme, quarter=2, theme="neglect", rationale="data"
    )
    stranger = programme.round_case_add(
        actor=world.bu,
        round=later,
        child=make_child(last_name="Elsewhere"),
        agencies=[world.personas.agency_a],
    )
    with pytest.raises(AuditError, match="case from this round") as refused:
        services.finding_add(
            actor=world.bu,
            round=world.round,
            kind="development",
            practice_area="risk",
            text="y",
            case=stranger,
        )
    assert refused.value.field == "case"


def test_finding_actions_go_to_the_shared_tracker(world: World) -> None:
    _to_moderation(world)
    finding = services.finding_add(
        actor=world.bu,
        round=world.round,
        kind="development",
        practice_area="information_sharing",
        text="Late",
    )
    action = services.finding_action_add(
        actor=world.bu,
        finding=finding,
        title="Share plans with schools",
        owner_agency=world.personas.agency_a,
        due_date=date(2023, 12, 1),
        themes=["information_sharing"],
    )
    assert action.source_kind == Action.SourceKind.AUDIT
    assert action.source_ref == f"{world.round.code}/F1"
    assert action.source_label == f"Audit {world.round.code}, finding 1"
    assert action.themes == ["information_sharing"]
    with pytest.raises(AuditError, match="themes"):
        services.finding_action_add(
            actor=world.bu,
            finding=finding,
            title="x",
            owner_agency=world.personas.agency_a,
            due_date=date(2023, 12, 1),
            themes=["nonsense"],
        )
    with pytest.raises(AuditError, match="what the action is") as refused:
        services.finding_action_add(
            actor=world.bu,
            finding=finding,
            title="",
            owner_agency=world.personas.agency_a,
            due_date=date(2023, 12, 1),
        )
    assert refused.value.field == "title"
    with pytest.raises(PermissionDenied):
        services.finding_action_add(
            actor=world.auditor_a,
            finding=finding,
            title="x",
            owner_agency=world.personas.agency_a,
            due_date=date(2023, 12, 1),
        )


def test_round_report_needs_every_case_graded(world: World) -> None:
    with pytest.raises(AuditError, match="moderation"):
        services.round_report(actor=world.bu, round=world.round, reported_on=PANEL, summary="Done")
    _to_moderation(world)
    with pytest.raises(AuditError, match=world.case.code):
        services.round_report(actor=world.bu, round=world.round, reported_on=PANEL, summary="Done")
    _grade(world)
    with pytest.raises(AuditError, match="summary"):
        services.round_report(actor=world.bu, round=world.round, reported_on=PANEL, summary=" ")
    with pytest.raises(PermissionDenied):
        services.round_report(actor=world.auditor_a, round=world.round, reported_on=PANEL, summary="Done")
    reported = services.round_report(actor=world.bu, round=world.round, reported_on=PANEL, summary="Done")
    assert reported.status == AuditRound.Status.REPORTED
    assert reported.reported_on == PANEL and reported.summary == "Done"
    # Reported: the auditor's case page no longer shows who the child is.
    page = world.client("auditor_a").get(reverse("audits:auditing_case", args=[world.case.code])).text
    assert SECRET_NAME[1] not in page


# --- The panel page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bu_officer", 200),
        ("bu_manager", 200),
        ("auditor_a", 403),
        ("other_auditor", 403),
        ("pqa_member", 403),
        ("a_readonly", 403),
        ("sysadmin", 403),
    ],
)
def test_the_panel_page_is_for_the_business_unit(world: World, persona: str, status: int) -> None:
    response = world.client(persona).get(_page(world))
    assert response.status_code == status
    assert SECRET_NAME[1] not in response.text
    for name in ("moderation_send", "moderation_finding_add", "moderation_report"):
        assert (
            world.client(persona).get(reverse(f"audits:{name}", args=[world.round.code])).status_code
            == status
        )


def test_independent_grades_are_hidden_until_moderation_then_kappa_is_shown(world: World) -> None:
    day = date(2023, 5, 20)
    services.independent_grade_record(actor=world.auditor_a, case=world.case, grade="good", graded_on=day)
    services.independent_grade_record(actor=world.auditor_b, case=world.case, grade="good", graded_on=day)
    client = world.client("bu_officer")
    before = client.get(_page(world)).text
    assert "2 recorded: shown when the round reaches moderation" in before
    assert world.auditor_a.full_name not in before
    assert 'id="agreement-round"' not in before
    _to_moderation(world)
    after = client.get(_page(world)).text
    assert f"Good ({world.auditor_a.full_name}" in after and f"Good ({world.auditor_b.full_name}" in after
    assert 'id="agreement-round"' in after
    # One pair, both Good: p_o = 1 and p_e = 1, so kappa is undefined and said so.
    assert "Undefined" in after
    assert IndependentGrade.objects.count() == 2


def test_the_panel_works_a_round_through_its_pages(world: World) -> None:
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    client = world.client("bu_officer")
    assert client.post(reverse("audits:moderation_send", args=[world.round.code]), {}).status_code == 302
    world.round.refresh_from_db()
    assert world.round.status == AuditRound.Status.MODERATION
    page = client.get(_page(world)).text
    assert "Was the child seen alone?" in page and "Partly" in page  # agency A's answers

    grade_url = reverse("audits:moderation_grade", args=[world.round.code, world.case.code])
    date_fields = {"moderated_on_0": "15", "moderated_on_1": "6", "moderated_on_2": "2023"}
    response = client.post(grade_url, {"grade": "good", "reason": "", **date_fields})
    assert response.status_code == 200 and "Write why the panel gave this grade" in response.text
    assert (
        client.post(grade_url, {"grade": "good", "reason": "Strong sharing", **date_fields}).status_code
        == 302
    )

    finding_url = reverse("audits:moderation_finding_add", args=[world.round.code])
    response = client.post(
        finding_url,
        {
            "kind": "development",
            "practice_area": "planning",
            "text": "Plans lacked dates",
            "case": world.case.pk,
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(round=world.round)
    assert finding.case == world.case and finding.number == 1

    action_url = reverse("audits:moderation_action_add", args=[world.round.code, 1])
    response = client.post(
        action_url,
        {
            "title": "Plans to carry review dates",
            "owner_agency": world.personas.agency_a.pk,
            "due_date_0": "1",
            "due_date_1": "12",
            "due_date_2": "2023",
            "themes": ["other"],
        },
    )
    assert response.status_code == 302
    page = client.get(_page(world)).text
    assert "Plans lacked dates" in page and "Plans to carry review dates" in page
    assert Action.objects.get().source_ref == f"{world.round.code}/F1"

    report_url = reverse("audits:moderation_report", args=[world.round.code])
    report_date = {"reported_on_0": "1", "reported_on_1": "7", "reported_on_2": "2023"}
    response = client.post(report_url, {"summary": "", **report_date})
    assert response.status_code == 200 and "Write the report&#x27;s summary" in response.text
    assert client.post(report_url, {"summary": "Good sharing overall", **report_date}).status_code == 302
    world.round.refresh_from_db()
    assert world.round.status == AuditRound.Status.REPORTED
    assert "Good sharing overall" in client.get(_page(world)).text


def test_reporting_with_an_ungraded_case_says_which(world: World) -> None:
    _to_moderation(world)
    response = world.client("bu_officer").post(
        reverse("audits:moderation_report", args=[world.round.code]),
        {"summary": "Typed summary", "reported_on_0": "1", "reported_on_1": "7", "reported_on_2": "2023"},
    )
    assert response.status_code == 200
    assert world.case.code in response.text and "Typed summary" in response.text


def test_escalations_show_on_the_panel_page(world: World) -> None:
    services.escalation_record(
        actor=world.auditor_a,
        case=world.case,
        raised_on=date(2023, 5, 10),
        concern="Unsafe sleeping",
        acting_agency=world.personas.agency_b,
        acted_by="Health visitor",
        action_taken="Visited that day",
        acted_on=date(2023, 5, 10),
    )
    page = world.client("bu_officer").get(_page(world)).text
    assert "Escalated: Unsafe sleeping" in page and "Health visitor" in page


# --- Home page --------------------------------------------------------------------------------------------


def test_rounds_ready_for_moderation_on_the_business_units_home_page(world: World) -> None:
    def ready() -> list[AttentionItem]:
        return [i for i in items_for(world.bu) if i.title == "Rounds ready for moderation"]

    # Sections due 1 June 2023, long past (the tests run later): the round is ready.
    [item] = ready()
    assert item.count == 1 and world.round.code in item.detail and item.href == _page(world)
    AuditRound.objects.filter(pk=world.round.pk).update(
        sections_due=timezone.localdate() + timedelta(days=30)
    )
    assert ready() == []
    for section, auditor in ((world.section_a, world.auditor_a), (world.section_b, world.auditor_b)):
        services.section_save(actor=auditor, section=section, answers=world.full_answers(), submit=True)
    assert len(ready()) == 1
    _to_moderation(world)
    assert ready() == []
    assert not [i for i in items_for(world.auditor_a) if i.title == "Rounds ready for moderation"]
