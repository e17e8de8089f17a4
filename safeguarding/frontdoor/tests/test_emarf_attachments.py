"""Files attached to an eMARF: the type is read from the content, sizes and counts are limited, files are
stored privately and handed to the contact on sending, and downloads go only to people who may see it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.testing import Personas, make_user, sign_in, use_private_storage
from safeguarding.frontdoor.models import Attachment, Contact, ReferralDraft
from safeguarding.frontdoor.services.attachments import (
    DOCX,
    JPEG,
    MAX_ATTACHMENT_BYTES,
    PDF,
    PNG,
    STORAGE_PREFIX,
    file_type_sniff,
)
from safeguarding.frontdoor.tests.test_emarf_support import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    make_draft,
    send_referral,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def _files_url(draft: ReferralDraft) -> str:
    return reverse("frontdoor:emarf-attachments", args=[draft.pk])


def _upload(client: Client, draft: ReferralDraft, name: str, content: bytes) -> str:
    response = client.post(
        _files_url(draft), {"action": "upload", "file": upload(name, content)}, follow=True
    )
    return response.content.decode()


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# --- Reading the type from the content ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (docx_bytes(), DOCX),
        (docx_bytes(word=False), None),  # a ZIP, but not a Word document
        (b"PK\x03\x04 not really a zip", None),
        (EXE_BYTES, None),
        (b"<html><script>alert(1)</script></html>", None),
        (b"", None),
    ],
    ids=["pdf", "png", "jpeg", "docx", "plain-zip", "broken-zip", "exe", "html", "empty"],
)
def test_type_comes_from_the_content(content: bytes, expected: Any) -> None:
    stream = io.BytesIO(content)
    assert file_type_sniff(stream) == expected
    assert stream.tell() == 0  # left ready to be stored


# --- Uploading to a draft --------------------------------------------------------------------------------


def test_a_pdf_is_kept_with_the_draft_in_private_storage(personas: Personas, tmp_path: Path) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    page = _upload(personas.client("a_readonly"), draft, "chronology.pdf", PDF_BYTES)
    assert "chronology.pdf has been uploaded" in page
    draft.refresh_from_db()
    [entry] = draft.answers["attachments"]
    assert entry["original_name"] == "chronology.pdf"
    assert entry["content_type"] == "application/pdf"
    assert entry["stored_name"].startswith(f"{STORAGE_PREFIX}/")
    assert "chronology" not in entry["stored_name"]  # the person's file name never chooses a path
    assert (tmp_path / entry["stored_name"]).read_bytes() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE_BYTES, "The selected file must be a PDF, PNG, JPG or Word document (DOCX)"),
        ("photo.pdf", PNG_BYTES, "The selected file is a PNG image, but its name does not end in .png"),
        ("notes.docx", docx_bytes(word=False), "The selected file must be a PDF, PNG, JPG or Word document"),
        ("page.html", b"<html></html>", "The selected file must be a PDF, PNG, JPG or Word document"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
    ids=["exe-as-pdf", "png-named-pdf", "zip-as-docx", "html", "empty"],
)
def test_files_that_are_not_what_they_claim_are_refused(
    personas: Personas, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    page = _upload(personas.client("a_readonly"), draft, name, content)
    assert message in page
    assert 'href="#id_file"' in page
    draft.refresh_from_db()
    assert draft.answers["attachments"] == []
    assert _stored_files(tmp_path) == []


def test_files_over_10mb_are_refused(personas: Personas, tmp_path: Path) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    too_big = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF_BYTES))
    page = _upload(personas.client("a_readonly"), draft, "big.pdf", too_big)
    assert "The selected file must be smaller than 10MB" in page
    assert _stored_files(tmp_path) == []
    just_fits = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF_BYTES))
    assert "big.pdf has been uploaded" in _upload(personas.client("a_readonly"), draft, "big.pdf", just_fits)


def test_at_most_five_files(personas: Personas, tmp_path: Path) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    for n in range(5):
        _upload(client, draft, f"file{n}.png", PNG_BYTES)
    page = client.get(_files_url(draft)).content.decode()
    assert "the most a referral can have" in page
    assert "You can attach up to 5 files" in _upload(client, draft, "sixth.png", PNG_BYTES)
    draft.refresh_from_db()
    assert len(draft.answers["attachments"]) == 5
    assert len(_stored_files(tmp_path)) == 5


def test_removing_a_file_deletes_it(
    personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    _upload(client, draft, "keep.pdf", PDF_BYTES)
    _upload(client, draft, "drop.png", PNG_BYTES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontdoor:emarf-attachment-remove", args=[draft.pk, 1]))
    assert response["Location"] == _files_url(draft)
    draft.refresh_from_db()
    assert [e["original_name"] for e in draft.answers["attachments"]] == ["keep.pdf"]
    assert len(_stored_files(tmp_path)) == 1


def test_deleting_a_draft_deletes_its_files(
    personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    _upload(client, draft, "notes.docx", docx_bytes())
    assert len(_stored_files(tmp_path)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("frontdoor:emarf-delete", args=[draft.pk]))
    assert _stored_files(tmp_path) == []


def test_another_persons_draft_files_are_out_of_reach(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    _upload(personas.client("a_readonly"), draft, "chronology.pdf", PDF_BYTES)
    worker = personas.client("a_worker")
    assert (
        worker.post(_files_url(draft), {"action": "upload", "file": upload("x.pdf", PDF_BYTES)}).status_code
        == 404
    )
    assert worker.post(reverse("frontdoor:emarf-attachment-remove", args=[draft.pk, 0])).status_code == 404
    draft.refresh_from_db()
    assert len(draft.answers["attachments"]) == 1


# --- On the contact ----------------------------------------------------------------------------------------


def _sent_with_a_file(personas: Personas) -> tuple[Contact, Attachment]:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    _upload(client, draft, "body map.pdf", PDF_BYTES)
    client.post(reverse("frontdoor:emarf-check", args=[draft.pk]))
    contact = Contact.objects.get()
    return contact, contact.attachments.get()


def _download_url(contact: Contact, attachment: Attachment) -> str:
    return reverse("frontdoor:attachment-download", args=[contact.pk, attachment.pk])


def test_sending_hands_the_files_to_the_contact(personas: Personas, tmp_path: Path) -> None:
    _, attachment = _sent_with_a_file(personas)
    assert attachment.original_name == "body map.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.uploaded_by == personas.a_readonly
    # The same stored file: nothing copied, nothing left behind.
    assert (tmp_path / str(attachment.file.name)).read_bytes() == PDF_BYTES
    assert len(_stored_files(tmp_path)) == 1


def test_the_referrer_downloads_the_file_as_an_attachment(personas: Personas) -> None:
    contact, attachment = _sent_with_a_file(personas)
    response = personas.client("a_readonly").get(_download_url(contact, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "body map.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AccessEvent.objects.filter(action="export", subject_id=str(contact.pk)).get()
    assert event.details["file"] == "body map.pdf"


def test_downloads_follow_who_may_see_the_referral(personas: Personas) -> None:
    contact, attachment = _sent_with_a_file(personas)
    url = _download_url(contact, attachment)
    assert personas.client("a_worker").get(url).status_code == 200  # the agency's safeguarding lead
    assert (
        sign_in(Client(), make_user("mash_practitioner", personas.business_unit)).get(url).status_code == 200
    )
    assert sign_in(Client(), make_user("referrer", personas.agency_a)).get(url).status_code == 404
    assert personas.client("b_worker").get(url).status_code == 404  # another agency
    assert personas.client("bu_officer").get(url).status_code == 403
    assert personas.client("a_readonly").post(url).status_code == 405
    assert personas.client("a_readonly", two_factor=False).get(url).status_code == 302
    assert AccessEvent.objects.filter(action="export").count() == 2


def test_an_attachment_is_only_reached_through_its_own_contact(personas: Personas) -> None:
    _, attachment = _sent_with_a_file(personas)
    other = send_referral(personas.a_readonly, personas.agency_a)
    response = personas.client("a_readonly").get(_download_url(other, attachment))
    assert response.status_code == 404


def test_a_file_missing_from_storage_is_not_found(personas: Personas) -> None:
    contact, attachment = _sent_with_a_file(personas)
    default_storage.delete(str(attachment.file.name))
    assert personas.client("a_readonly").get(_download_url(contact, attachment)).status_code == 404
