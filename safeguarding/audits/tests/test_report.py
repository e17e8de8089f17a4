"""A round's report (issue 7, section 2 "Outputs"): the page, the PDF and the Word document, for the people
who read audit reports (audit.view), with cases by audit code and never a child's name."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from safeguarding.actions.models import Action
from safeguarding.actions.services import action_create
from safeguarding.audits.models import (
    AuditCase,
    AuditRound,
    Escalation,
    Finding,
    IndependentGrade,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.report_docx import GRADES_TABLE_HEADER, HEADINGS
from safeguarding.audits.tests.test_tables import make_round
from safeguarding.briefings.models import Briefing
from safeguarding.briefings.tests.helpers import make_briefing
from safeguarding.core.testing import Personas, make_user, pdf_text, sign_in

pytestmark = pytest.mark.django_db

CHILD_FIRST = "Zebedee"
CHILD_LAST = "Quintrellson"
CODE = "MAA-2022-23-Q2"


def _a_reported_round(personas: Personas) -> AuditRound:
    """Seed 003's Q2 (self-harm: 2 good, 3 requires improvement), with findings, an action, an escalation,
    practitioners, family views and a double-marked pair; every child called Zebedee Quintrellson."""
    actor = personas.bu_officer
    make_round(actor, "2022-23", 2, "self_harm", (0, 2, 3, 0), child_name=CHILD_FIRST)
    audit_round = AuditRound.objects.get(code=CODE)
    audit_round.rationale_detail = "Self-harm presentations to the emergency department rose."
    audit_round.opens_on = date(2022, 7, 4)
    audit_round.panel_date = date(2022, 9, 20)
    audit_round.save()
    AuditCase.objects.filter(round=audit_round).update(
        family_views=AuditCase.FamilyViews.SOUGHT, family_views_summary=""
    )
    for child_case in AuditCase.objects.filter(round=audit_round):
        child = child_case.child
        child.last_name = CHILD_LAST
        child.save()
    first = AuditCase.objects.get(code=f"{CODE}-01")
    first.agencies.add(personas.agency_a, personas.agency_b)
    first.family_views_summary = "The young person said school nurses listened."
    first.save()
    Finding.objects.create(
        round=audit_round,
        case=first,
        number=1,
        kind=Finding.Kind.GOOD_PRACTICE,
        practice_area=PracticeArea.LIVED_EXPERIENCE,
        text="The young person's own words were recorded in every plan.",
        created_by=actor,
    )
    Finding.objects.create(
        round=audit_round,
        number=2,
        kind=Finding.Kind.DEVELOPMENT,
        practice_area=PracticeArea.INFORMATION_SHARING,
        text="Emergency department attendances were not shared with schools.",
        created_by=actor,
    )
    action_create(
        actor=actor,
        title="Share emergency department attendances with schools",
        source_kind=Action.SourceKind.AUDIT,
        source_ref=f"{CODE}/F2",
        source_label=f"Multi-agency audit {CODE}, finding 2",
        owner_agency=personas.agency_b,
        due_date=date(2023, 3, 31),
    )
    Escalation.objects.create(
        case=first,
        raised_on=date(2022, 9, 20),
        concern=f"{CHILD_FIRST} disclosed new self-harm.",
        raised_by=actor,
        acting_agency=personas.agency_a,
        acted_by="Duty social worker",
        action_taken="Strategy discussion held the same day.",
        acted_on=date(2022, 9, 20),
    )
    PractitionerInvitation.objects.create(
        case=first,
        agency=personas.agency_a,
        role="School nurse",
        invited_on=date(2022, 9, 1),
        attendance=PractitionerInvitation.Attendance.ATTENDED,
        reflections="Hearing the other agencies helped.",
    )
    PractitionerInvitation.objects.create(
        case=first,
        agency=personas.agency_b,
        role="GP",
        invited_on=date(2022, 9, 1),
        attendance=PractitionerInvitation.Attendance.DECLINED,
    )
    auditor_a = make_user("auditor", personas.agency_a)
    auditor_b = make_user("auditor", personas.agency_b)
    for case, grades in zip(
        AuditCase.objects.filter(round=audit_round).order_by("code"),
        [
            ("good", "good"),
            ("requires_improvement", "requires_improvement"),
            ("good", "requires_improvement"),
        ],
        strict=False,
    ):
        IndependentGrade.objects.create(
            case=case, grader=auditor_a, grade=grades[0], graded_on=date(2022, 9, 1)
        )
        IndependentGrade.objects.create(
            case=case, grader=auditor_b, grade=grades[1], graded_on=date(2022, 9, 2)
        )
    return audit_round


def _reader(personas: Personas, persona: str) -> Client:
    if persona == "subgroup_member":
        return sign_in(Client(), make_user("subgroup_member", personas.agency_b))
    return personas.client(persona)


@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member"])
def test_report_page(personas: Personas, persona: str) -> None:
    _a_reported_round(personas)
    response = _reader(personas, persona).get(reverse("audits:round_report", args=[CODE]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for heading in HEADINGS:
        assert heading in page
    assert "Self-harm presentations to the emergency department rose." in page
    assert f"{CODE}-01" in page and f"{CODE}-05" in page
    assert "The young person's own words were recorded in every plan." in page
    assert "The child's lived experience and voice" in page and "Information sharing" in page
    assert "Share emergency department attendances with schools" in page
    assert "1 case was escalated at once" in page and "Strategy discussion held the same day." in page
    assert "1 of the 2 practitioners invited took part." in page
    assert "The young person said school nurses listened." in page
    assert "Cohen's kappa" in page
    assert "100% of the cases graded were good or requires improvement." in page
    assert CHILD_FIRST not in page and CHILD_LAST not in page
    # No briefing yet: the business unit may write one, a subgroup member may not.
    assert ("Write the 7-minute briefing" in page) == (persona == "bu_officer")
    assert "source_kind=audit&source_ref=MAA-2022-23-Q2" in page or persona != "bu_officer"


def test_report_links_to_its_briefing(personas: Personas) -> None:
    _a_reported_round(personas)
    briefing = make_briefing(
        personas.bu_officer,
        source_kind=Briefing.SourceKind.AUDIT,
        source_ref=CODE,
        title="Self-harm: what the audit found",
        published_on=date(2022, 10, 1),
    )
    page = (
        _reader(personas, "subgroup_member").get(reverse("audits:round_report", args=[CODE])).content.decode()
    )
    assert reverse("briefings:detail", args=[briefing.pk]) in page
    assert "Self-harm: what the audit found" in page
    assert "Write the 7-minute briefing" not in page


@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member"])
def test_report_pdf(personas: Personas, persona: str) -> None:
    _a_reported_round(personas)
    response = _reader(personas, persona).get(reverse("audits:round_report_pdf", args=[CODE]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="audit-report-{CODE}.pdf"'
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert CODE in text and "Findings by practice area" in text
    assert CHILD_FIRST not in text and CHILD_LAST not in text


@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member"])
def test_report_docx(personas: Personas, persona: str) -> None:
    _a_reported_round(personas)
    response = _reader(personas, persona).get(reverse("audits:round_report_docx", args=[CODE]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-report-{CODE}.docx"'
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == list(HEADINGS)
    area_headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"
    ]
    assert area_headings == ["Information sharing", "The child's lived experience and voice"]
    grades_table = document.tables[1]
    assert [cell.text for cell in grades_table.rows[0].cells] == list(GRADES_TABLE_HEADER)
    assert [cell.text for cell in grades_table.rows[1].cells] == [
        "Q2 2022-23",
        "Self-harm",
        "",  # nobody outstanding: left empty, as the annual report's table does
        "2",
        "3",
        "",
        "5",
    ]
    cases_table = document.tables[2]
    assert [row.cells[0].text for row in cases_table.rows[1:]] == [f"{CODE}-0{n}" for n in range(1, 6)]

    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert CHILD_FIRST not in everything and CHILD_LAST not in everything
    assert "Strategy discussion held the same day." in everything


def test_report_is_refused_to_a_referrer(personas: Personas) -> None:
    _a_reported_round(personas)
    client = personas.client("a_readonly")
    for name in ("audits:round_report", "audits:round_report_pdf", "audits:round_report_docx"):
        assert client.get(reverse(name, args=[CODE])).status_code == 403


def test_an_unknown_round_is_not_found(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.get(reverse("audits:round_report", args=["MAA-1999-00-Q1"])).status_code == 404


def test_a_round_with_nothing_yet(personas: Personas) -> None:
    make_round(personas.bu_officer, "2023-24", 1, "neglect", (0, 0, 0, 0), ungraded=2)
    page = personas.client("bu_officer").get(reverse("audits:round_report", args=["MAA-2023-24-Q1"]))
    text = page.content.decode()
    assert "2 of the 2 cases are not graded yet." in text
    assert "No findings recorded yet." in text
    assert "No child was found to be at risk of harm through this audit." in text
    assert "No case was graded independently by two people." in text


def test_the_graders_agreement_is_hidden_until_the_panel_meets(personas: Personas) -> None:
    """An auditor reading the report of an open round must not learn whether the other grader agreed."""
    audit_round = _a_reported_round(personas)
    reader = _reader(personas, "subgroup_member")
    url = reverse("audits:round_report", args=[CODE])
    reported = html.unescape(reader.get(url).content.decode())
    assert "Cohen's kappa: 0.40" in reported  # 3 double-marked cases, 2 agreed
    hidden = "The agreement between graders is reported once the moderation panel has met."
    assert hidden not in reported
    for status in (AuditRound.Status.OPEN, AuditRound.Status.PLANNED):
        AuditRound.objects.filter(pk=audit_round.pk).update(status=status)
        page = html.unescape(reader.get(url).content.decode())
        assert hidden in page
        assert "Cohen's kappa" not in page and "observed agreement" not in page
    docx = reader.get(reverse("audits:round_report_docx", args=[CODE]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert hidden in text and "Cohen's kappa" not in text


def test_a_case_escalated_twice_counts_as_one_case(personas: Personas) -> None:
    audit_round = _a_reported_round(personas)
    first = AuditCase.objects.get(round=audit_round, code=f"{CODE}-01")
    Escalation.objects.create(
        case=first,
        raised_on=date(2022, 9, 21),
        concern="A second worry about the same young person.",
        raised_by=personas.bu_officer,
        acting_agency=personas.agency_b,
        acted_by="GP",
        action_taken="Urgent appointment the next morning.",
        acted_on=date(2022, 9, 22),
    )
    client = _reader(personas, "subgroup_member")
    page = html.unescape(client.get(reverse("audits:round_report", args=[CODE])).content.decode())
    assert "1 case was escalated at once" in page
    assert "Strategy discussion held the same day." in page and "Urgent appointment the next morning." in page
    docx = client.get(reverse("audits:round_report_docx", args=[CODE]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert any(p.startswith("1 case was escalated at once") for p in paragraphs)
