"""Shared set-up for the eMARF tests: complete draft answers, drafts and sent referrals.

(A module of helpers, not tests; named test_emarf_* to sit with the tests it serves.)
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from safeguarding.accounts.models import Agency, User
from safeguarding.frontdoor.models import Contact, ReferralDraft
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.services.drafts import SECTIONS
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit


def complete_answers(**overrides: Any) -> dict[str, Any]:
    """A draft's answers with every section completed: two children, one parent."""
    answers: dict[str, Any] = {
        "referrer_phone": "0121 496 0000",
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Testchild",
                "date_of_birth": "2015-03-02",
                "expected_date_of_birth": None,
                "sex": "2",
                "ethnicity": "WBRI",
                "address": "1 Test Street, Walsall",
                "postcode": "WS1 1TP",
                "school_or_setting": "Test Primary School",
                "gp_practice": "Test Surgery",
                "nhs_number": "9434765919",
                "disability_or_sen": "",
                "first_language": "English",
                "interpreter_needed": False,
            },
            {
                "first_name": "",
                "last_name": "Testchild",
                "date_of_birth": None,
                "expected_date_of_birth": (date.today() + timedelta(days=60)).isoformat(),
                "sex": "0",
                "ethnicity": "NOBT",
                "address": "",
                "postcode": "",
                "school_or_setting": "",
                "gp_practice": "",
                "nhs_number": "",
                "disability_or_sen": "",
                "first_language": "",
                "interpreter_needed": False,
            },
        ],
        "household": [
            {
                "name": "Pat Testparent",
                "relationship": "mother",
                "date_of_birth": None,
                "address": "",
                "parental_responsibility": True,
                "lives_with_child": True,
            }
        ],
        "concerns": ["neglect", "domestic_abuse"],
        "what_happened": "Amy came to school hungry three days running and said there was shouting at home.",
        "when_happened": "This week",
        "child_views": "I don't want to go home when he's angry.",
        "support_tried": "Breakfast club.",
        "referrer_level": 3,
        "immediate_danger": False,
        "called_999": False,
        "parents_aware": "no",
        "consent": "not_sought",
        "no_consent_reason": "risk_to_child",
        "no_consent_detail": "",
        "sections_done": list(SECTIONS),
        "attachments": [],
    }
    answers.update(overrides)
    return answers


def make_draft(owner: User, agency: Agency, **overrides: Any) -> ReferralDraft:
    return ReferralDraft.objects.create(owner=owner, agency=agency, answers=complete_answers(**overrides))


def send_referral(referrer: User, agency: Agency, **overrides: Any) -> Contact:
    """A referral sent through the one service every channel uses."""
    answers = {k: v for k, v in complete_answers(**overrides).items() if k in ReferralAnswers.model_fields}
    return referral_submit(
        referrer=Referrer(name=referrer.full_name, email=referrer.email, user=referrer, agency=agency),
        answers=ReferralAnswers.model_validate(answers),
    ).contact


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# A Windows program starts "MZ": here it pretends to be a PDF.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def docx_bytes(*, word: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if word:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
