"""The audit programme: services and their refusals, tool versions a round keeps, and every page per persona
(business unit writes; audit.view reads codes only; auditors and referrers may not run rounds)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.audits.forms_auditing import FindingForm
from safeguarding.audits.models import (
    DEFAULT_CASE_COUNT,
    AuditCase,
    AuditProgramme,
    AuditQuestion,
    AuditRound,
    AuditTool,
    AuditToolVersion,
    PracticeArea,
)
from safeguarding.audits.services import programme as services
from safeguarding.audits.services.programme import AuditError
from safeguarding.children.codes import CategoryOfAbuse
from safeguarding.children.models import Child, ChildProtectionPlan, CINReferral
from safeguarding.core.testing import Personas, make_personas, make_user, sign_in

pytestmark = pytest.mark.django_db

SECRET_NAME = "Quillon Testchild"  # synthetic


@pytest.fixture
def personas() -> Personas:
    return make_personas()


@pytest.fixture
def bu(personas: Personas) -> Any:
    return personas.bu_officer


def _tool(
    actor: Any, *, kind: str = "core", theme: str = "", name: str = "Core questions", publish: bool = True
) -> AuditTool:
    tool = services.tool_create(actor=actor, name=name, kind=kind, theme=theme)
    version = tool.versions.get()
    services.tool_question_add(
        actor=actor, version=version, text="Was risk identified?", kind="graded", practice_area="risk"
    )
    services.tool_question_add(actor=actor, version=version, text="Was the child seen?", kind="yes_no_partly")
    if publish:
        services.tool_version_publish(actor=actor, version=version)
    return tool


def _programme(actor: Any, year: str = "2022-23") -> AuditProgramme:
    return services.programme_create(actor=actor, year=year)


def _round(actor: Any, programme: AuditProgramme, quarter: int = 1, **extra: Any) -> AuditRound:
    fields: dict[str, Any] = {"theme": "neglect", "rationale": "priority", "case_count": 2}
    fields.update(extra)
    return services.round_create(actor=actor, programme=programme, quarter=quarter, **fields)


def _child(name: str = SECRET_NAME, la_id: str = "LA9001") -> Child:
    first, last = name.split()
    child = Child.objects.create(
        first_name=first, last_name=last, la_child_id=la_id, date_of_birth=date(2016, 2, 3)
    )
    episode = CINReferral.objects.create(child=child, referral_date=date(2022, 4, 1), source="6")
    ChildProtectionPlan.objects.create(
        episode=episode,
        start_date=date(2022, 5, 1),
        initial_category=CategoryOfAbuse.NEGLECT,
        latest_category=CategoryOfAbuse.NEGLECT,
    )
    return child


# --- Services -----------------------------------------------------------------------------------------------


def test_programme_create_and_its_refusals(personas: Personas, bu: Any) -> None:
    programme = _programme(bu)
    assert programme.year == "2022-23" and programme.created_by == bu
    with pytest.raises(AuditError, match="already a programme") as refused:
        _programme(bu)
    assert refused.value.field == "year"
    for wrong in ("2022", "2022-24", "1990-91", "2099-00"):
        with pytest.raises(AuditError):
            _programme(bu, wrong)
    with pytest.raises(PermissionDenied):
        _programme(personas.a_worker, "2021-22")


def test_tools_versions_and_questions(personas: Personas, bu: Any) -> None:
    tool = _tool(bu, publish=False)
    draft = tool.versions.get()
    assert draft.number == 1 and draft.status == AuditToolVersion.Status.DRAFT
    first, second = draft.questions.order_by("position")
    assert (first.position, second.position) == (1, 2)
    services.tool_question_update(
        actor=bu, question=second, text="Was the child seen and heard?", guidance="Notes"
    )
    services.tool_question_move(actor=bu, question=second, up=True)
    assert list(draft.questions.order_by("position").values_list("text", flat=True)) == [
        "Was the child seen and heard?",
        "Was risk identified?",
    ]
    third = services.tool_question_add(actor=bu, version=draft, text="Was there oversight?", kind="free_text")
    services.tool_question_remove(actor=bu, question=first)  # "Was risk identified?", now second
    assert list(draft.questions.order_by("position").values_list("position", "text")) == [
        (1, "Was the child seen and heard?"),
        (2, "Was there oversight?"),
    ]
    services.tool_version_publish(actor=bu, version=draft, change_note="First version")
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_by == bu and draft.published_at
    # A published version never changes.
    for write in (
        lambda: services.tool_question_add(actor=bu, version=draft, text="More?", kind="free_text"),
        lambda: services.tool_question_update(actor=bu, question=third, text="Changed"),
        lambda: services.tool_question_remove(actor=bu, question=third),
        lambda: services.tool_question_move(actor=bu, question=third, up=True),
        lambda: services.tool_version_publish(actor=bu, version=draft),
    ):
        with pytest.raises(AuditError, match="published and never changes"):
            write()
    new = services.tool_version_new_draft(actor=bu, tool=tool)
    assert new.number == 2 and list(new.questions.values_list("text", flat=True)) == [
        "Was the child seen and heard?",
        "Was there oversight?",
    ]
    with pytest.raises(AuditError, match="already has a draft"):
        services.tool_version_new_draft(actor=bu, tool=tool)


def test_tool_refusals(personas: Personas, bu: Any) -> None:
    _tool(bu)
    with pytest.raises(AuditError, match="already a tool") as refused:
        services.tool_create(actor=bu, name="core QUESTIONS", kind="core")
    assert refused.value.field == "name"
    with pytest.raises(AuditError) as refused:
        services.tool_create(actor=bu, name="Theme", kind="theme")
    assert refused.value.field == "theme"
    with pytest.raises(AuditError) as refused:
        services.tool_create(actor=bu, name="Odd", kind="other")
    assert refused.value.field == "kind"
    with pytest.raises(AuditError) as refused:
        services.tool_create(actor=bu, name=" ", kind="core")
    assert refused.value.field == "name"
    empty = services.tool_create(actor=bu, name="Empty", kind="theme", theme="neglect")
    version = empty.versions.get()
    with pytest.raises(AuditError, match="at least one question"):
        services.tool_version_publish(actor=bu, version=version)
    for fields, field in (({"text": "", "kind": "graded"}, "text"), ({"text": "Q", "kind": "bad"}, "kind")):
        with pytest.raises(AuditError) as refused:
            services.tool_question_add(actor=bu, version=version, **fields)
        assert refused.value.field == field
    with pytest.raises(AuditError) as refused:
        services.tool_question_add(actor=bu, version=version, text="Q", kind="graded", practice_area="nope")
    assert refused.value.field == "practice_area"
    with pytest.raises(PermissionDenied):
        services.tool_create(actor=personas.a_worker, name="Mine", kind="core")
    with pytest.raises(PermissionDenied):
        services.tool_question_add(actor=personas.a_worker, version=version, text="Q", kind="graded")


def test_round_create_codes_and_tool_versions(personas: Personas, bu: Any) -> None:
    core = _tool(bu)
    neglect = _tool(bu, kind="theme", theme="neglect", name="Neglect questions")
    _tool(bu, kind="theme", theme="self_harm", name="Self-harm questions")
    _tool(bu, kind="theme", theme="neglect", name="Neglect draft", publish=False)
    programme = _programme(bu)
    round = _round(bu, programme, lead=bu, opens_on=date(2022, 5, 1), panel_date=date(2022, 6, 30))
    assert round.code == "MAA-2022-23-Q1" and round.status == "planned"
    assert round.core_version == core.versions.get() and round.theme_version == neglect.versions.get()
    second = _round(bu, programme, theme="exploitation")
    assert second.code == "MAA-2022-23-Q1-b" and second.theme_version is None
    assert _round(bu, programme).code == "MAA-2022-23-Q1-c"

    # The round keeps its versions when a new version is published.
    draft = services.tool_version_new_draft(actor=bu, tool=core)
    services.tool_question_add(actor=bu, version=draft, text="New question", kind="free_text")
    services.tool_version_publish(actor=bu, version=draft)
    round.refresh_from_db()
    assert round.core_version.number == 1
    assert list(round.core_version.questions.values_list("text", flat=True)) == [
        "Was risk identified?",
        "Was the child seen?",
    ]
    assert _round(bu, programme, quarter=2).core_version == draft


def test_a_round_audits_five_children_unless_told_otherwise(personas: Personas, bu: Any) -> None:
    """Five children a round since 2022-23 (seed 000 "Multi-Agency Audits"; seed 003), in the model, the
    service and the form."""
    assert DEFAULT_CASE_COUNT == 5
    programme = _programme(bu)
    made = services.round_create(
        actor=bu, programme=programme, quarter=1, theme="neglect", rationale="priority"
    )
    assert made.case_count == 5
    assert AuditRound._meta.get_field("case_count").get_default() == 5
    page = (
        personas.client("bu_officer").get(reverse("audits:round_create", args=["2022-23"])).content.decode()
    )
    assert 'name="case_count" value="5"' in page


def test_the_eight_practice_areas(personas: Personas, bu: Any) -> None:
    """Findings are tagged to exactly the issue's eight practice areas, in its order, and the panel's finding
    form offers those eight and nothing else."""
    assert [label for _, label in PracticeArea.choices] == [
        "Identification of and response to risk",
        "Assessment",
        "Planning",
        "Information sharing",
        "The child's lived experience and voice",
        "Management oversight",
        "Professional challenge and escalation",
        "Think family",
    ]
    offered = FindingForm(cases=AuditCase.objects.none()).fields["practice_area"].widget.choices
    assert [value for value, _ in offered if value] == list(PracticeArea.values)


def test_round_refusals(personas: Personas, bu: Any) -> None:
    programme = _programme(bu)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"quarter": 5}, "quarter"),
        ({"theme": "astrology"}, "theme"),
        ({"rationale": "whim"}, "rationale"),
        ({"case_count": 0}, "case_count"),
        ({"case_count": 99}, "case_count"),
        ({"opens_on": date(2022, 5, 2), "sections_due": date(2022, 5, 1)}, "sections_due"),
        ({"sections_due": date(2022, 5, 2), "panel_date": date(2022, 5, 1)}, "panel_date"),
    ]
    for extra, field in cases:
        fields: dict[str, Any] = {"quarter": 1}
        fields.update(extra)
        with pytest.raises(AuditError) as refused:
            _round(bu, programme, **fields)
        assert refused.value.field == field, extra
    with pytest.raises(PermissionDenied):
        _round(personas.a_worker, programme)


def test_round_update(personas: Personas, bu: Any) -> None:
    _tool(bu, kind="theme", theme="self_harm", name="Self-harm questions")
    programme = _programme(bu)
    round = _round(bu, programme)
    services.round_update(actor=bu, round=round, theme="self_harm", case_count=3, rationale_detail=" Data ")
    round.refresh_from_db()
    assert round.theme == "self_harm" and round.theme_version is not None and round.rationale_detail == "Data"
    round.status = AuditRound.Status.OPEN
    round.save()
    with pytest.raises(AuditError) as refused:
        services.round_update(actor=bu, round=round, case_count=4)
    assert refused.value.field == "case_count"
    services.round_update(actor=bu, round=round, panel_date=date(2022, 7, 1))
    round.status = AuditRound.Status.REPORTED
    round.save()
    with pytest.raises(AuditError, match="reported"):
        services.round_update(actor=bu, round=round, panel_date=date(2022, 7, 2))


def test_cases_sections_and_opening(personas: Personas, bu: Any) -> None:
    programme = _programme(bu)
    round = _round(bu, programme, case_count=1)
    with pytest.raises(AuditError, match="Add the round's children"):
        services.round_open(actor=bu, round=round)
    child = _child()
    case = services.round_case_add(actor=bu, round=round, child=child, agencies=[personas.agency_a])
    assert case.code == "MAA-2022-23-Q1-01" and list(case.agencies.all()) == [personas.agency_a]
    with pytest.raises(AuditError, match="already in the round"):
        services.round_case_add(actor=bu, round=round, child=child)
    with pytest.raises(AuditError, match="already has its 1 children"):
        services.round_case_add(actor=bu, round=round, child=_child("Other Testchild", "LA9002"))
    other_round = _round(bu, programme, quarter=2)
    with pytest.raises(AuditError, match="already audited this year") as refused:
        services.round_case_add(actor=bu, round=other_round, child=child)
    assert refused.value.field == "child"
    with pytest.raises(AuditError, match="at least one agency's section"):
        services.round_open(actor=bu, round=round)

    auditor_a = make_user("auditor", personas.agency_a)
    with pytest.raises(AuditError, match="not an auditor for Agency B") as refused:
        services.case_section_assign(actor=bu, case=case, agency=personas.agency_b, auditor=auditor_a)
    assert refused.value.field == "auditor"
    with pytest.raises(AuditError):
        services.case_section_assign(actor=bu, case=case, agency=personas.agency_a, auditor=personas.a_worker)
    section = services.case_section_assign(actor=bu, case=case, agency=personas.agency_b)
    assert section.auditor is None and personas.agency_b in case.agencies.all()
    section = services.case_section_assign(actor=bu, case=case, agency=personas.agency_a, auditor=auditor_a)
    assert section.auditor == auditor_a
    with pytest.raises(PermissionDenied):
        services.case_section_assign(actor=auditor_a, case=case, agency=personas.agency_a, auditor=auditor_a)

    # No core questions published yet: nothing for the agencies to answer, so the round stays planned.
    with pytest.raises(AuditError, match="Publish the core audit questions before opening the round"):
        services.round_open(actor=bu, round=round)
    round.refresh_from_db()
    assert round.status == "planned" and round.opens_on is None and round.core_version is None
    _tool(bu, publish=False)  # a draft is not enough
    with pytest.raises(AuditError, match="Publish the core audit questions"):
        services.round_open(actor=bu, round=round)
    core = _tool(bu, name="Core questions, published")

    opened = services.round_open(actor=bu, round=round)
    assert opened.status == "open" and opened.opens_on is not None
    assert opened.core_version == core.versions.get()  # planned before it was published: takes it now
    with pytest.raises(AuditError, match="already open"):
        services.round_open(actor=bu, round=round)
    with pytest.raises(AuditError, match="only while it is planned"):
        services.round_case_remove(actor=bu, case=case)
    with pytest.raises(AuditError, match="only while it is planned"):
        services.round_sample(actor=bu, round=opened)
    with pytest.raises(PermissionDenied):
        services.round_open(actor=personas.a_worker, round=other_round)


def test_case_remove_while_planned(personas: Personas, bu: Any) -> None:
    round = _round(bu, _programme(bu))
    case = services.round_case_add(actor=bu, round=round, child=_child())
    with pytest.raises(PermissionDenied):
        services.round_case_remove(actor=personas.a_worker, case=case)
    services.round_case_remove(actor=bu, case=case)
    assert not AuditCase.objects.exists()


# --- Pages --------------------------------------------------------------------------------------------------


@pytest.fixture
def planned(personas: Personas, bu: Any) -> AuditRound:
    _tool(bu)
    round = _round(bu, _programme(bu), case_count=2, lead=bu)
    case = services.round_case_add(actor=bu, round=round, child=_child())
    services.case_section_assign(actor=bu, case=case, agency=personas.agency_a)
    return round


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_home_and_round_page_for_the_business_unit(personas: Personas, planned: AuditRound) -> None:
    client = personas.client("bu_officer")
    home = client.get(reverse("audits:home"))
    assert home.status_code == 200
    text = home.content.decode()
    assert "MAA-2022-23-Q1" in text and "Neglect" in text and "1 of 2" in text
    before = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW, subject_type="children.child").count()
    page = client.get(reverse("audits:round", args=[planned.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET_NAME in text and "LA9001" in text and "MAA-2022-23-Q1-01" in text
    assert "On a child protection plan; referred by police" in text
    after = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW, subject_type="children.child").count()
    assert after == before + 1


def test_round_page_search_and_add_by_hand(personas: Personas, planned: AuditRound) -> None:
    other = _child("Rosalind Testcase", "LA7777")
    client = personas.client("bu_officer")
    page = client.get(reverse("audits:round", args=[planned.code]), {"name": "rosalind", "search": "1"})
    assert "Rosalind Testcase" in page.content.decode()
    assert AccessEvent.objects.filter(action=AccessEvent.Action.SEARCH, details__name="rosalind").exists()
    by_id = client.get(reverse("audits:round", args=[planned.code]), {"la_child_id": "la7777", "search": "1"})
    assert "Rosalind Testcase" in by_id.content.decode()
    empty = client.get(reverse("audits:round", args=[planned.code]), {"search": "1"})
    assert "Enter a name or an LA child ID" in empty.content.decode()
    response = client.post(reverse("audits:round_case_add", args=[planned.code]), {"child": other.pk})
    assert response.status_code == 302
    assert planned.cases.filter(child=other, sampling="chosen").exists()
    refused = client.post(
        reverse("audits:round_case_add", args=[planned.code]), {"child": other.pk}, follow=True
    )
    assert "already in the round" in refused.content.decode()


def test_round_children_need_two_factors_and_an_unreported_round(
    personas: Personas, planned: AuditRound, bu: Any
) -> None:
    """Who the children are is identifiable data: the business unit sees it (and chooses by hand) only when
    signed in with two factors, and nobody sees it once the round is reported."""
    other = _child("Rosalind Testcase", "LA7777")
    one_factor = personas.client("bu_officer", two_factor=False)
    logged = AccessEvent.objects.filter(subject_type="children.child").count()
    page = one_factor.get(reverse("audits:round", args=[planned.code]), {"name": "rosalind", "search": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and "MAA-2022-23-Q1-01" in text
    assert SECRET_NAME not in text and "LA9001" not in text and "Rosalind Testcase" not in text
    assert "Sign in with two-factor authentication" in text
    assert AccessEvent.objects.filter(subject_type="children.child").count() == logged
    added = one_factor.post(reverse("audits:round_case_add", args=[planned.code]), {"child": other.pk})
    assert added.status_code == 302 and "two-factor" in added["Location"]
    assert not planned.cases.filter(child=other).exists()

    planned.status = AuditRound.Status.REPORTED
    planned.save(update_fields=["status"])
    reported = personas.client("bu_officer").get(reverse("audits:round", args=[planned.code]))
    text = reported.content.decode()
    assert SECRET_NAME not in text and "is reported: who the children were is no longer shown" in text


def test_round_writes_by_the_business_unit(personas: Personas, planned: AuditRound, bu: Any) -> None:
    client = personas.client("bu_officer")
    case = planned.cases.get()
    # A section and its auditor.
    auditor = make_user("auditor", personas.agency_b, full_name="Aud Itor")
    url = reverse("audits:case_section_assign", args=[planned.code, case.code])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"agency": personas.agency_a.pk, "auditor": auditor.pk})
    assert wrong.status_code == 200 and "not an auditor for Agency A" in wrong.content.decode()
    assert client.post(url, {"agency": personas.agency_b.pk, "auditor": auditor.pk}).status_code == 302
    assert case.sections.get(agency=personas.agency_b).auditor == auditor
    # Edit the plan.
    edit = reverse("audits:round_edit", args=[planned.code])
    assert client.get(edit).status_code == 200
    data = {
        "theme": "neglect",
        "rationale": "data",
        "case_count": "2",
        **_date("panel_date", date(2022, 8, 1)),
    }
    assert client.post(edit, data).status_code == 302
    planned.refresh_from_db()
    assert planned.rationale == "data" and planned.panel_date == date(2022, 8, 1)
    bad = client.post(edit, {**data, "case_count": "0"})
    assert bad.status_code == 200 and "at least 1 child" in bad.content.decode()
    # Sample the rest, then open.
    _child("Another Testchild", "LA9003")
    assert client.post(reverse("audits:round_sample", args=[planned.code])).status_code == 302
    assert planned.cases.count() == 2
    refused = client.post(reverse("audits:round_open", args=[planned.code]), follow=True)
    assert "at least one agency&#x27;s section" in refused.content.decode()
    sampled = planned.cases.exclude(pk=case.pk).get()
    services.case_section_assign(actor=bu, case=sampled, agency=personas.agency_a)
    assert client.post(reverse("audits:round_open", args=[planned.code])).status_code == 302
    planned.refresh_from_db()
    assert planned.status == "open"


def test_programme_and_round_create_pages(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.get(reverse("audits:programme_create")).status_code == 200
    assert client.post(reverse("audits:programme_create"), {"year": "2022-23"}).status_code == 302
    again = client.post(reverse("audits:programme_create"), {"year": "2022-23"})
    assert again.status_code == 200 and "already a programme" in again.content.decode()
    url = reverse("audits:round_create", args=["2022-23"])
    assert client.get(url).status_code == 200
    data = {"quarter": "2", "theme": "self_harm", "rationale": "case_review", "case_count": "5"}
    assert client.post(url, data).status_code == 302
    assert AuditRound.objects.filter(code="MAA-2022-23-Q2", theme="self_harm").exists()
    assert client.get(reverse("audits:round_create", args=["2030-31"])).status_code == 404


def test_tool_pages(personas: Personas, bu: Any) -> None:
    client = personas.client("bu_officer")
    assert client.get(reverse("audits:tools")).status_code == 200
    response = client.post(reverse("audits:tool_create"), {"name": "Core", "kind": "core"})
    assert response.status_code == 302
    tool = AuditTool.objects.get(name="Core")
    add = reverse("audits:question_add", args=[tool.pk, 1])
    assert client.get(add).status_code == 200
    client.post(add, {"text": "Was risk identified?", "kind": "graded", "practice_area": "risk"})
    client.post(add, {"text": "Was the child seen?", "kind": "yes_no_partly"})
    blank = client.post(add, {"text": "", "kind": "graded"})
    assert blank.status_code == 200 and "Enter the question" in blank.content.decode()
    first, second = AuditQuestion.objects.filter(version__tool=tool).order_by("position")
    assert client.get(reverse("audits:question_edit", args=[tool.pk, 1, first.pk])).status_code == 200
    client.post(
        reverse("audits:question_edit", args=[tool.pk, 1, first.pk]), {"text": "Risk?", "kind": "graded"}
    )
    client.post(reverse("audits:question_move", args=[tool.pk, 1, second.pk]), {"direction": "up"})
    first.refresh_from_db()
    assert (first.text, first.position) == ("Risk?", 2)
    page = client.get(reverse("audits:tool", args=[tool.pk]))
    assert page.status_code == 200 and "Publish version 1" in page.content.decode()
    client.post(reverse("audits:version_publish", args=[tool.pk, 1]), {"change_note": "First"})
    published = client.get(reverse("audits:tool", args=[tool.pk])).content.decode()
    assert "Publish version 1" not in published and "Move up" not in published
    client.post(reverse("audits:question_remove", args=[tool.pk, 1, second.pk]))
    assert AuditQuestion.objects.filter(version__tool=tool).count() == 2  # published: refused
    assert client.post(reverse("audits:version_new_draft", args=[tool.pk])).status_code == 302
    assert tool.versions.filter(number=2, status="draft").exists()


def test_audit_view_reads_codes_only(personas: Personas, planned: AuditRound) -> None:
    member = make_user("subgroup_member", personas.agency_a)
    client = sign_in(Client(), member)
    for url in (
        reverse("audits:home"),
        reverse("audits:round", args=[planned.code]),
        reverse("audits:tools"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_NAME not in response.content.decode() and "LA9001" not in response.content.decode()
    assert "MAA-2022-23-Q1-01" in client.get(reverse("audits:round", args=[planned.code])).content.decode()
    searched = client.get(reverse("audits:round", args=[planned.code]), {"name": "Quillon", "search": "1"})
    assert SECRET_NAME not in searched.content.decode()
    tool = AuditTool.objects.get()
    assert client.get(reverse("audits:tool", args=[tool.pk])).status_code == 200
    _writes_forbidden(client, planned, tool)


def _writes_forbidden(client: Client, round: AuditRound, tool: AuditTool) -> None:
    case = round.cases.get()
    question = AuditQuestion.objects.filter(version__tool=tool).first()
    assert question is not None
    gets = [
        reverse("audits:programme_create"),
        reverse("audits:round_create", args=["2022-23"]),
        reverse("audits:round_edit", args=[round.code]),
        reverse("audits:case_section_assign", args=[round.code, case.code]),
        reverse("audits:tool_create"),
        reverse("audits:question_add", args=[tool.pk, 1]),
        reverse("audits:question_edit", args=[tool.pk, 1, question.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    posts = [
        reverse("audits:round_sample", args=[round.code]),
        reverse("audits:round_open", args=[round.code]),
        reverse("audits:round_case_add", args=[round.code]),
        reverse("audits:round_case_remove", args=[round.code, case.code]),
        reverse("audits:case_section_remove", args=[round.code, case.code, case.sections.get().pk]),
        reverse("audits:question_remove", args=[tool.pk, 1, question.pk]),
        reverse("audits:question_move", args=[tool.pk, 1, question.pk]),
        reverse("audits:version_publish", args=[tool.pk, 1]),
        reverse("audits:version_new_draft", args=[tool.pk]),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 403, url
    assert round.cases.count() == 1


def _audits(auditor: Any, audit_round: AuditRound) -> None:
    """Make `auditor` the auditor of agency A's section of the round's first case."""
    case = audit_round.cases.order_by("code").first()
    assert case is not None
    services.case_section_assign(
        actor=audit_round.created_by, case=case, agency=case.sections.get().agency, auditor=auditor
    )


def test_auditor_may_not_run_rounds(personas: Personas, planned: AuditRound) -> None:
    auditor = make_user("auditor", personas.agency_a)
    client = sign_in(Client(), auditor)
    # Not one of their rounds: "not found" (issue 7 section 4, auditors see only their rounds' cases).
    assert client.get(reverse("audits:round", args=[planned.code])).status_code == 404
    assert client.get(reverse("audits:round_report", args=[planned.code])).status_code == 404
    _audits(auditor, planned)
    page = client.get(reverse("audits:round", args=[planned.code]))
    assert page.status_code == 200 and SECRET_NAME not in page.content.decode()
    _writes_forbidden(client, planned, AuditTool.objects.get())


def test_links_to_an_auditors_cases_the_panel_and_the_report(personas: Personas, planned: AuditRound) -> None:
    auditor_user = make_user("auditor", personas.agency_a)
    _audits(auditor_user, planned)
    auditor = sign_in(Client(), auditor_user)
    my_cases = reverse("audits:auditing_my_cases")
    assert my_cases in auditor.get(reverse("audits:home")).content.decode()
    assert my_cases not in personas.client("bu_officer").get(reverse("audits:home")).content.decode()
    moderation = reverse("audits:moderation_round", args=[planned.code])
    report = reverse("audits:round_report", args=[planned.code])
    page = personas.client("bu_officer").get(reverse("audits:round", args=[planned.code])).content.decode()
    assert moderation not in page and report not in page  # planned: nothing to moderate or report yet
    planned.status = AuditRound.Status.REPORTED
    planned.save(update_fields=["status"])
    page = personas.client("bu_officer").get(reverse("audits:round", args=[planned.code])).content.decode()
    assert moderation in page and report in page
    page = auditor.get(reverse("audits:round", args=[planned.code])).content.decode()
    assert report in page and moderation not in page


def test_referrer_sees_nothing(personas: Personas, planned: AuditRound) -> None:
    client = personas.client("a_readonly")
    tool = AuditTool.objects.get()
    for url in (
        reverse("audits:home"),
        reverse("audits:round", args=[planned.code]),
        reverse("audits:tools"),
        reverse("audits:tool", args=[tool.pk]),
    ):
        assert client.get(url).status_code == 403, url
    _writes_forbidden(client, planned, tool)


def test_unknown_round_is_404(personas: Personas) -> None:
    assert (
        personas.client("bu_officer").get(reverse("audits:round", args=["MAA-1999-00-Q1"])).status_code == 404
    )
