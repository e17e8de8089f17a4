"""The action tracker's API: a police force's lead follows and updates its own actions through a token, never
another agency's; permissions, field messages, filters, paging and the access log."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Agency, User
from safeguarding.actions.models import Action, ActionEvidence, ActionUpdate
from safeguarding.actions.services import (
    action_close,
    action_impact_record,
    action_update_add,
)
from safeguarding.actions.tests.support import PDF_BYTES, closed_complete_action, make_action, pdf_upload
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.core.testing import Personas, make_agency, make_user, use_private_storage

pytestmark = pytest.mark.django_db

API = "/api/v1/actions"


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


@pytest.fixture
def police() -> Agency:
    return make_agency(name="Test Police Force", code="TPF", kind=Agency.Kind.POLICE)


@pytest.fixture
def police_lead(police: Agency) -> User:
    return make_user(
        "agency_safeguarding_lead", police, full_name="Pat Constable", email="p.constable@example.org"
    )


def _secret(user: User) -> str:
    return token_for(user)[1]


def _post_json(path: str, secret: str, body: Any) -> Any:
    import json

    return Client().post(
        path,
        data=body if isinstance(body, (str, bytes)) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _post_evidence(path: str, secret: str, **data: Any) -> Any:
    return Client().post(path, data=data, headers={"Authorization": f"Bearer {secret}"})


def test_a_police_lead_updates_its_own_action_and_attaches_evidence(
    personas: Personas, police: Agency, police_lead: User
) -> None:
    ours = make_action(police, personas.bu_officer, title="Train officers in professional curiosity")
    make_action(personas.agency_b, personas.bu_officer, title="Agency B audit")
    secret = _secret(police_lead)

    listed = api_get(API, secret).json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert item["reference"] == ours.reference
    assert item["owner_agency"] == {"code": "TPF", "name": "Test Police Force"}
    assert item["links"]["self"] == f"{API}/{ours.reference}"

    answer = _post_json(
        f"{API}/{ours.reference}/updates",
        secret,
        {"text": "All response officers trained", "status": "complete"},
    )
    assert answer.status_code == 201, answer.content
    assert answer["Location"] == f"{API}/{ours.reference}"
    body = answer.json()
    assert body["status"] == "complete"
    assert body["updates"][0]["text"] == "All response officers trained"
    assert body["updates"][0]["status_set"] == "complete"
    assert body["updates"][0]["written_by"] == "Pat Constable"
    update = ActionUpdate.objects.get(action=ours)
    assert update.written_by == police_lead

    answer = _post_evidence(
        f"{API}/{ours.reference}/evidence",
        secret,
        file=pdf_upload("training-register.pdf"),
        description="Training register, March",
    )
    assert answer.status_code == 201, answer.content
    [evidence] = answer.json()["evidence"]
    assert evidence["file_name"] == "training-register.pdf"
    assert evidence["content_type"] == "application/pdf"
    assert evidence["description"] == "Training register, March"
    assert evidence["uploaded_by"] == "Pat Constable"
    assert "file" not in evidence and "url" not in evidence  # details only, never the file
    stored = ActionEvidence.objects.get(action=ours)
    assert stored.uploaded_by == police_lead and stored.file.read() == PDF_BYTES

    detail = api_get(f"{API}/{ours.reference}", secret).json()
    assert detail["has_evidence"] is True and len(detail["updates"]) == 1 and detail["status"] == "complete"
    # The business unit can now close it: complete, with evidence.
    action_close(action=Action.objects.get(pk=ours.pk), actor=personas.bu_officer)


def test_another_agencys_action_is_not_found(personas: Personas, police_lead: User) -> None:
    theirs = make_action(personas.agency_b, personas.bu_officer)
    secret = _secret(police_lead)
    assert api_get(f"{API}/{theirs.reference}", secret).status_code == 404
    assert api_get(f"{API}/ACT-99999", secret).json() == {"detail": "Not found"}
    refused = _post_json(f"{API}/{theirs.reference}/updates", secret, {"text": "Done", "status": "complete"})
    assert refused.status_code == 404
    refused = _post_evidence(f"{API}/{theirs.reference}/evidence", secret, file=pdf_upload(), description="x")
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Action.Status.NOT_STARTED
    assert not ActionUpdate.objects.exists() and not ActionEvidence.objects.exists()
    assert api_get(API, secret).json() == {"count": 0, "items": []}


def test_without_the_permission_it_is_forbidden(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    # A referrer may see its agency's actions but not update them.
    reader = _secret(personas.a_readonly)
    assert api_get(f"{API}/{action.reference}", reader).status_code == 200
    refused = _post_json(f"{API}/{action.reference}/updates", reader, {"text": "Done"})
    assert refused.status_code == 403
    assert "action.update" in refused.json()["detail"]
    assert _post_evidence(f"{API}/{action.reference}/evidence", reader, description="x").status_code == 403
    # A MASH practitioner holds no action.view at all.
    practitioner = _secret(make_user("mash_practitioner", personas.business_unit))
    assert api_get(API, practitioner).status_code == 403
    assert api_get(f"{API}/{action.reference}", practitioner).status_code == 403
    assert api_get(API, None).status_code == 401


def test_the_business_unit_sees_every_agency(personas: Personas, police: Agency) -> None:
    make_action(police, personas.bu_officer)
    make_action(personas.agency_b, personas.bu_officer)
    assert api_get(API, _secret(personas.bu_officer)).json()["count"] == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "   "}, "text", "Enter the progress update"),
        ({}, "text", "Enter the progress update"),
        ({"text": 12}, "text", "The progress update must be text"),
        ({"text": "Done", "status": "finished"}, "status", "Choose a status: not_started, in_progress,"),
        ({"text": "Done", "owner": "someone"}, "owner", "owner is not part of an update"),
        ({"text": "Done\x00"}, "text", "Remove the unprintable character (NUL)"),
        ([], "", "Send the update as a JSON object"),
    ],
)
def test_bad_updates_get_field_messages(personas: Personas, body: Any, field: str, message: str) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    answer = _post_json(f"{API}/{action.reference}/updates", _secret(personas.a_worker), body)
    assert answer.status_code == 422, answer.content
    [error] = answer.json()["detail"]
    assert error["field"] == field
    assert error["loc"] == ["body", field] if field else ["body"]
    assert error["msg"].startswith(message)
    assert not ActionUpdate.objects.exists()


def test_a_body_that_is_not_json_is_a_bad_request(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    answer = _post_json(f"{API}/{action.reference}/updates", _secret(personas.a_worker), "{not json")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("The body is not valid JSON")


def test_evidence_is_checked_like_the_site(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    secret = _secret(personas.a_worker)
    path = f"{API}/{action.reference}/evidence"
    missing = _post_evidence(path, secret).json()["detail"]
    assert {(e["field"], e["msg"]) for e in missing} == {
        ("file", "Select a file"),
        ("description", "Enter what the file shows"),
    }
    script = SimpleUploadedFile("notes.pdf", b"#!/bin/sh\necho hello\n", content_type="application/pdf")
    [error] = _post_evidence(path, secret, file=script, description="Notes").json()["detail"]
    assert error["loc"] == ["body", "file"] and error["type"] == "value_error"
    assert "PDF" in error["msg"]
    too_long = _post_evidence(path, secret, file=pdf_upload(), description="x" * 501)
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["msg"] == "What the file shows must be 500 characters or fewer"
    assert not ActionEvidence.objects.exists()


def test_a_closed_action_takes_no_more(personas: Personas) -> None:
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    secret = _secret(personas.a_worker)
    answer = _post_json(f"{API}/{action.reference}/updates", secret, {"text": "More"})
    assert answer.status_code == 409
    assert answer.json()["detail"] == "This action is closed: it can no longer be updated"
    answer = _post_evidence(
        f"{API}/{action.reference}/evidence", secret, file=pdf_upload(), description="More"
    )
    assert answer.status_code == 409
    detail = api_get(f"{API}/{action.reference}", secret).json()
    assert detail["closed"] is True and detail["closed_by"] == personas.bu_officer.full_name
    assert detail["impact"] is None


def test_the_impact_shows_the_audit_round_that_measured_it(personas: Personas) -> None:
    from safeguarding.audits.tests.test_tables import make_round

    make_round(personas.bu_officer, "2022-23", 4, "neglect", (0, 2, 2, 1))
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    action_impact_record(
        action=action,
        actor=personas.bu_officer,
        approach="multi_agency_audit",
        rating="strong",
        audit_code="MAA-2022-23-Q4",
    )
    impact = api_get(f"{API}/{action.reference}", _secret(personas.a_worker)).json()["impact"]
    assert (impact["approach"], impact["rating"], impact["audit_code"], impact["indicator_code"]) == (
        "multi_agency_audit",
        "strong",
        "MAA-2022-23-Q4",
        "",
    )


def test_filters_and_paging(personas: Personas) -> None:
    late = make_action(personas.agency_a, personas.bu_officer, due_date=date(2020, 1, 1), source_ref="W14")
    make_action(personas.agency_a, personas.bu_officer, source_ref="W15")
    of_recommendation = make_action(personas.agency_a, personas.bu_officer, source_ref="W14/R2")
    make_action(personas.agency_a, personas.bu_officer, source_ref="W140/R1")  # another review: W140
    audit = make_action(
        personas.agency_a, personas.bu_officer, source_kind=Action.SourceKind.AUDIT, source_ref="MACFA-3"
    )
    action_update_add(action=audit, actor=personas.a_worker, text="Started", status="in_progress")
    secret = _secret(personas.a_worker)

    def references(query: str) -> list[str]:
        return [item["reference"] for item in api_get(f"{API}?{query}", secret).json()["items"]]

    assert references("overdue=true") == [late.reference]
    assert late.reference not in references("overdue=false") and len(references("overdue=false")) == 4
    assert references("status=in_progress") == [audit.reference]
    assert references("source_kind=audit") == [audit.reference]
    # A review's code finds its recommendations' actions too; a recommendation's finds only its own.
    assert references("source_ref=W14") == [late.reference, of_recommendation.reference]
    assert references("source_ref=W14/R2") == [of_recommendation.reference]
    page = api_get(f"{API}?limit=1&offset=1", secret).json()
    assert page["count"] == 5 and len(page["items"]) == 1
    [overdue_item] = api_get(f"{API}?overdue=true", secret).json()["items"]
    assert overdue_item["overdue"] is True
    bad = api_get(f"{API}?status=finished", secret)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "status"]


def test_calls_are_in_the_access_log(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    secret = _secret(personas.a_worker)
    api_get(f"{API}/{action.reference}", secret)
    _post_json(f"{API}/{action.reference}/updates", secret, {"text": "Booked"})
    events = AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL).order_by("pk")
    assert [(e.details["method"], e.details["status"]) for e in events] == [("GET", 200), ("POST", 201)]
    assert all(e.subject_label == str(action) or action.reference in e.subject_label for e in events)


def test_the_api_choices_are_the_models() -> None:
    from safeguarding.actions.api_schemas import ActionSourceKindChoice, ActionStatusChoice
    from safeguarding.api.api import api

    assert [choice.value for choice in ActionStatusChoice] == list(Action.Status.values)
    assert [choice.value for choice in ActionSourceKindChoice] == list(Action.SourceKind.values)
    components = api.get_openapi_schema()["components"]["schemas"]
    assert components["ActionStatusChoice"]["enum"] == list(Action.Status.values)
    # Named apart from other models' "Status" choices, which the document keeps one of per name.
    assert "not_achievable" not in str(components.get("Status", ""))


def test_a_police_lead_names_a_colleague_as_the_owner(
    personas: Personas, police: Agency, police_lead: User
) -> None:
    action = make_action(police, personas.bu_officer)
    colleague = make_user("referrer", police, full_name="Sam Sergeant", email="s.sergeant@example.org")
    secret = _secret(police_lead)
    path = f"{API}/{action.reference}/owner"

    answer = _post_json(path, secret, {"owner_person": "S.Sergeant@example.org"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["owner_person"] == "Sam Sergeant"
    action.refresh_from_db()
    assert action.owner_person == colleague

    # Someone in another agency and an address no one has get the same answer: the API names no accounts.
    for email in (personas.b_worker.email, "nobody@example.org"):
        refused = _post_json(path, secret, {"owner_person": email})
        assert refused.status_code == 422
        [error] = refused.json()["detail"]
        assert (error["field"], error["type"]) == ("owner_person", "value_error")
        assert error["msg"].startswith("Choose someone who works for Test Police Force now")
    action.refresh_from_db()
    assert action.owner_person == colleague

    cleared = _post_json(path, secret, {"owner_person": None})
    assert cleared.status_code == 200 and cleared.json()["owner_person"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "owner_person", "Send owner_person"),
        ({"owner_person": 12}, "owner_person", "The owner must be an email address"),
        ({"owner_person": "a@example.org", "due_date": "2031-01-01"}, "due_date", "due_date is not part"),
        ({"owner_person": "a\x00@example.org"}, "owner_person", "Remove the unprintable character (NUL)"),
        ([], "", "Send the owner as a JSON object"),
    ],
)
def test_bad_owner_bodies_get_field_messages(personas: Personas, body: Any, field: str, message: str) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    answer = _post_json(f"{API}/{action.reference}/owner", _secret(personas.a_worker), body)
    assert answer.status_code == 422, answer.content
    [error] = answer.json()["detail"]
    assert error["field"] == field and error["msg"].startswith(message)
    action.refresh_from_db()
    assert action.owner_person is None


def test_naming_the_owner_is_for_the_owner_agency_and_the_business_unit(
    personas: Personas, police_lead: User
) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    path = f"{API}/{action.reference}/owner"
    body = {"owner_person": personas.a_worker.email}
    # Another agency's lead: as good as missing.
    assert _post_json(path, _secret(police_lead), body).status_code == 404
    # A referrer in agency A reads the action but may not name its owner.
    assert _post_json(path, _secret(personas.a_readonly), body).status_code == 403
    # A case reviewer updates actions across the partnership but is not agency A's person.
    reviewer = _post_json(path, _secret(make_user("case_reviewer", personas.business_unit)), body)
    assert reviewer.status_code == 403
    assert reviewer.json()["detail"].startswith("Only the business unit, or the owner agency's people")
    action.refresh_from_db()
    assert action.owner_person is None
    # The business unit may.
    assert _post_json(path, _secret(personas.bu_officer), body).status_code == 200
    action.refresh_from_db()
    assert action.owner_person == personas.a_worker


def test_a_closed_action_keeps_its_owner(personas: Personas) -> None:
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    answer = _post_json(
        f"{API}/{action.reference}/owner",
        _secret(personas.a_worker),
        {"owner_person": personas.a_worker.email},
    )
    assert answer.status_code == 409
    assert answer.json()["detail"] == "This action is closed: its owner can no longer be changed"
