"""The action tracker's pages, for each persona: who sees what, forms, downloads and exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safeguarding.accesslog.models import AccessEvent
from safeguarding.actions.models import Action, ActionEvidence
from safeguarding.actions.services import action_evidence_add, action_impact_record, action_update_add
from safeguarding.actions.tests.support import PDF_BYTES, closed_complete_action, make_action, pdf_upload
from safeguarding.core.testing import Personas, use_private_storage
from safeguarding.frontdoor.measures import Period, financial_year_of
from safeguarding.indicators.compute import indicators_compute, indicators_sync

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def test_tracker_shows_each_agency_its_own(personas: Personas) -> None:
    make_action(personas.agency_a, personas.bu_officer, title="Agency A training")
    make_action(personas.agency_b, personas.bu_officer, title="Agency B audit")
    a_page = personas.client("a_worker").get(reverse("actions:home")).content.decode()
    assert "Agency A training" in a_page and "Agency B audit" not in a_page
    bu_page = personas.client("bu_officer").get(reverse("actions:home")).content.decode()
    assert "Agency A training" in bu_page and "Agency B audit" in bu_page
    assert "2 actions: 0 overdue" in bu_page
    assert personas.client("a_readonly").get(reverse("actions:home")).status_code == 200
    # The system administrator holds no action.view.
    assert personas.client("sysadmin").get(reverse("actions:home")).status_code == 403


def test_overdue_tag_on_the_tracker(personas: Personas) -> None:
    from datetime import date

    make_action(personas.agency_a, personas.bu_officer, title="Long late", due_date=date(2020, 1, 1))
    page = personas.client("bu_officer").get(reverse("actions:home") + "?overdue=1").content.decode()
    assert "Long late" in page and 'govuk-tag--red">Overdue' in page


def test_detail_scope(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    url = reverse("actions:detail", args=[action.pk])
    assert personas.client("b_worker").get(url).status_code == 404
    assert personas.client("sysadmin").get(url).status_code == 403
    a_page = personas.client("a_worker").get(url).content.decode()
    assert action.reference in a_page and 'id="update-form"' in a_page and 'id="close-form"' not in a_page
    reader_page = personas.client("a_readonly").get(url).content.decode()
    assert 'id="update-form"' not in reader_page
    bu_page = personas.client("bu_officer").get(url).content.decode()
    assert 'id="close-form"' in bu_page


def test_an_agency_lead_adds_an_update(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    url = reverse("actions:update-add", args=[action.pk])
    response = personas.client("a_worker").post(
        url, {"update-text": "Half the staff trained", "update-status": "in_progress"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert personas.client("b_worker").post(url, {"update-text": "x"}).status_code == 404
    assert personas.client("a_readonly").post(url, {"update-text": "x"}).status_code == 403
    assert action.updates.count() == 1


def test_an_empty_update_redisplays_with_the_error(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    response = personas.client("a_worker").post(
        reverse("actions:update-add", args=[action.pk]), {"update-text": "", "update-status": "complete"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the progress update" in page
    assert '<option value="complete" selected>' in page


def test_upload_download_and_close(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    client = personas.client("a_worker")
    client.post(
        reverse("actions:update-add", args=[action.pk]), {"update-text": "Done", "update-status": "complete"}
    )
    bu = personas.client("bu_officer")
    refused = bu.post(reverse("actions:close", args=[action.pk])).content.decode()
    assert "An action marked complete without evidence cannot be closed" in refused

    response = client.post(
        reverse("actions:evidence-add", args=[action.pk]),
        {"evidence-file": pdf_upload("training-register.pdf"), "evidence-description": "Training register"},
    )
    assert response.status_code == 302
    evidence = ActionEvidence.objects.get(action=action)
    download_url = reverse("actions:evidence-download", args=[action.pk, evidence.pk])
    download = personas.client("a_readonly").get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert 'attachment; filename="training-register.pdf"' in download["Content-Disposition"]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT, subject_id=str(action.pk)).exists()
    assert personas.client("b_worker").get(download_url).status_code == 404

    # Agency A's lead may not close; the business unit may.
    assert client.post(reverse("actions:close", args=[action.pk])).status_code == 403
    assert bu.post(reverse("actions:close", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.is_closed

    response = bu.post(
        reverse("actions:impact", args=[action.pk]),
        {
            "impact-approach": "deep_dive",
            "impact-rating": "some",
            "impact-notes": "",
            "impact-indicator_code": "",
            "impact-audit_code": "MAA-2099-00-Q1",
        },
    )
    assert response.status_code == 200  # no such audit round: said beside the field, nothing recorded
    assert "There is no audit round with the code MAA-2099-00-Q1" in response.content.decode()
    assert 'value="MAA-2099-00-Q1"' in response.content.decode()
    action.refresh_from_db()
    assert action.impact_approach == ""

    from safeguarding.audits.tests.test_tables import make_round

    make_round(personas.bu_officer, "2022-23", 2, "self_harm", (0, 2, 3, 0))
    response = bu.post(
        reverse("actions:impact", args=[action.pk]),
        {
            "impact-approach": "multi_agency_audit",
            "impact-rating": "some",
            "impact-notes": "",
            "impact-indicator_code": "",
            "impact-audit_code": "MAA-2022-23-Q2",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.impact_approach, action.impact_audit_code) == ("multi_agency_audit", "MAA-2022-23-Q2")
    report = reverse("audits:round_report", args=["MAA-2022-23-Q2"])
    assert f'href="{report}"' in bu.get(reverse("actions:detail", args=[action.pk])).content.decode()
    # Agency A's lead reads the action but not the audits area: the code, without a link it could not open.
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "MAA-2022-23-Q2" in page and f'href="{report}"' not in page


def test_a_program_posing_as_a_pdf_is_refused_on_the_page(personas: Personas) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    action = make_action(personas.agency_a, personas.bu_officer)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = personas.client("a_worker").post(
        reverse("actions:evidence-add", args=[action.pk]),
        {"evidence-file": fake, "evidence-description": "Report"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be a PDF, PNG, JPG or Word document (DOCX)" in page
    assert 'value="Report"' in page
    assert not ActionEvidence.objects.exists()


def test_the_business_unit_creates_an_action(personas: Personas) -> None:
    url = reverse("actions:create")
    assert personas.client("a_worker").get(url).status_code == 403
    response = personas.client("bu_officer").post(
        url,
        {
            "title": "Audit neglect referrals",
            "description": "",
            "source_kind": "audit",
            "source_ref": "MACFA-3",
            "source_label": "",
            "owner_agency": str(personas.agency_b.pk),
            "due_date_0": "31",
            "due_date_1": "3",
            "due_date_2": "2031",
            "themes": ["neglect"],
        },
    )
    created = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "actions:detail", args=[created.pk]
    )
    assert (created.owner_agency, created.themes, str(created.due_date)) == (
        personas.agency_b,
        ["neglect"],
        "2031-03-31",
    )


def test_exports_are_filtered_scoped_and_formula_safe(personas: Personas) -> None:
    make_action(personas.agency_a, personas.bu_officer, title='=HYPERLINK("http://example.org")')
    b_action = make_action(personas.agency_b, personas.bu_officer, title="B's action", source_ref="W14")
    action_update_add(action=b_action, actor=personas.b_worker, text="Done", status="complete")
    action_evidence_add(action=b_action, actor=personas.b_worker, upload=pdf_upload(), description="Proof")

    response = personas.client("bu_officer").get(reverse("actions:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0][:3] == ["Reference", "Title", "Owner agency"]
    titles = {row[1] for row in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://example.org")', "B's action"}

    filtered = personas.client("bu_officer").get(reverse("actions:export", args=["csv"]) + "?status=complete")
    filtered_rows = list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert len(filtered_rows) == 2
    b_row = dict(zip(filtered_rows[0], filtered_rows[1], strict=True))
    assert (b_row["Reference"], b_row["Status"], b_row["Evidence attached"], b_row["Overdue"]) == (
        b_action.reference,
        "Complete",
        "yes",
        "no",
    )

    xlsx = personas.client("b_worker").get(reverse("actions:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][1] == "B's action"
    assert personas.client("sysadmin").get(reverse("actions:export", args=["csv"])).status_code == 403


def _csv_rows(response: Any) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _xlsx_rows(response: Any) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_tracker_narrows_to_one_source(personas: Personas) -> None:
    review = make_action(personas.agency_a, personas.bu_officer, title="Review-wide", source_ref="W14")
    second = make_action(personas.agency_a, personas.bu_officer, title="Second rec", source_ref="W14/R2")
    make_action(personas.agency_a, personas.bu_officer, title="Other review", source_ref="W140/R1")
    client = personas.client("bu_officer")
    page = client.get(reverse("actions:home") + "?source=W14").content.decode()
    assert review.reference in page and second.reference in page and "Other review" not in page
    assert 'id="source" name="source" type="text" value="W14"' in page
    # The downloads carry the same filter.
    assert reverse("actions:export", args=["csv"]) + "?source=W14" in page
    page = client.get(reverse("actions:home") + "?source=W14%2FR2").content.decode()
    assert second.reference in page and review.reference not in page
    assert "1 action: 0 overdue" in page


def test_the_export_follows_the_source_and_carries_the_impact(personas: Personas) -> None:
    from safeguarding.audits.tests.test_tables import make_round

    indicators_sync()
    make_round(personas.bu_officer, "2022-23", 4, "neglect", (0, 2, 2, 1))
    measured = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    Action.objects.filter(pk=measured.pk).update(source_ref="W14/R1")
    action_impact_record(
        action=measured,
        actor=personas.bu_officer,
        approach="multi_agency_audit",
        rating="strong",
        notes="=SUM(A1:A9) re-audit showed fewer drift cases",
        indicator_code="contacts",
        audit_code="MAA-2022-23-Q4",
    )
    unmeasured = make_action(personas.agency_a, personas.bu_officer, source_ref="W14")
    make_action(personas.agency_a, personas.bu_officer, source_ref="W15")
    url = reverse("actions:export", args=["csv"]) + "?source=W14"

    csv_rows = _csv_rows(personas.client("bu_officer").get(url))
    xlsx_rows = _xlsx_rows(personas.client("bu_officer").get(url.replace("csv", "xlsx")))
    for rows in (csv_rows, xlsx_rows):
        by_reference = {row["Reference"]: row for row in rows}
        assert set(by_reference) == {measured.reference, unmeasured.reference}
        row = by_reference[measured.reference]
        assert (
            row["Impact approach"],
            row["Impact rating"],
            row["Impact notes"],
            row["Impact indicator code"],
            row["Impact audit round"],
        ) == (
            "A multi-agency audit theme",
            "Strong evidence of impact",
            "'=SUM(A1:A9) re-audit showed fewer drift cases",  # never a formula
            "contacts",
            "MAA-2022-23-Q4",
        )
        assert not by_reference[unmeasured.reference]["Impact approach"]


def test_the_impact_indicator_links_to_its_scorecard_page_for_those_who_read_it(personas: Personas) -> None:

    indicators_sync()
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    action_impact_record(
        action=action,
        actor=personas.bu_officer,
        approach="deep_dive",
        rating="some",
        indicator_code="contacts",
    )
    url = reverse("actions:detail", args=[action.pk])
    # No year has values yet: the link opens this financial year's page for the indicator.

    this_year = Period.financial_year(financial_year_of(timezone.localdate())).key
    scorecard = reverse("indicators:scorecard-indicator", args=[this_year, "contacts"])
    for reader in ("bu_officer", "a_worker"):  # both hold indicator.view
        client = personas.client(reader)
        assert f'href="{scorecard}"' in client.get(url).content.decode(), reader
        assert client.get(scorecard).status_code == 200, reader
    # A referrer reads agency A's actions but not the scorecard: the code, without a link it could not open.
    page = personas.client("a_readonly").get(url).content.decode()
    assert "(indicator contacts)" in page and f'href="{scorecard}"' not in page
    assert personas.client("a_readonly").get(scorecard).status_code == 403
    # Once a year has been computed, the link opens the latest such year.
    indicators_compute(year=2022)
    computed = reverse("indicators:scorecard-indicator", args=["2022-23", "contacts"])
    assert f'href="{computed}"' in personas.client("bu_officer").get(url).content.decode()


def test_the_tracker_lists_completed_actions_with_no_impact(personas: Personas) -> None:

    unmeasured = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    still_open = make_action(personas.agency_a, personas.bu_officer)
    client = personas.client("bu_officer")
    tracker = client.get(reverse("actions:home")).content.decode()
    link = reverse("actions:home") + "?impact_missing=1"
    assert f'id="impact-missing-link" href="{link}"' in tracker
    page = client.get(link).content.decode()
    assert unmeasured.reference in page and still_open.reference not in page
    assert 'id="impact_missing" name="impact_missing" type="checkbox" value="1" checked' in page
