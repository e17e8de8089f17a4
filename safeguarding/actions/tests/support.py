"""Test support for the action tracker: a small real PDF, an action owned by an agency, and one that is
complete, evidenced and closed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from safeguarding.accounts.models import Agency
from safeguarding.actions.models import Action
from safeguarding.actions.services import action_close, action_create, action_evidence_add, action_update_add

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "audit-findings.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_action(agency: Agency, actor: Any, **fields: Any) -> Action:
    values: dict[str, Any] = {
        "title": "Refresh training on professional curiosity",
        "source_kind": Action.SourceKind.REVIEW_RECOMMENDATION,
        "source_ref": "W14",
        "due_date": date(2030, 3, 31),
        "themes": ["professional_curiosity"],
    }
    values.update(fields)
    return action_create(actor=actor, owner_agency=agency, **values)


def closed_complete_action(agency: Agency, owner: Any, business_unit: Any) -> Action:
    """An action the owner agency completed with evidence and the business unit closed: ready for impact."""
    action = make_action(agency, business_unit)
    action_update_add(action=action, actor=owner, text="Done", status="complete")
    action_evidence_add(action=action, actor=owner, upload=pdf_upload(), description="Register")
    return action_close(action=action, actor=business_unit)
