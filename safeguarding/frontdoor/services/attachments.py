"""Files a referrer attaches to an eMARF: checked by content, stored privately, handed to the contact.

The design, and why it is the simplest one that stays correct:

- A file is stored once, through Django's default storage (settings.STORAGES, var/private-files: never under
  static, never served by the web server), under a random name in `frontdoor/referral-files/`. The person's
  file name is kept only as text, so it can never choose a path.
- While the referral is a draft, the draft's answers list its files (stored name, original name, type, size).
- On submission, an Attachment row is recorded for each file, pointing at the same stored name, in the same
  transaction that creates the contact and deletes the draft. Nothing is copied or moved, so the hand-over
  can't half-happen: either the draft lists the file or the contact does.
- Removing a file from a draft, or deleting the draft, deletes the stored file once the transaction commits.

The type is decided by the file's first bytes, never by its name or the browser's word: PDF, PNG, JPEG and
Word (DOCX, a ZIP holding [Content_Types].xml and word/document.xml). A name whose extension doesn't match the
content is refused too, so a program renamed "report.pdf" never reaches a practitioner's computer.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.frontdoor.models import Attachment, Contact, ReferralDraft

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
STORAGE_PREFIX = "frontdoor/referral-files"
ALLOWED_DESCRIPTION = "a PDF, PNG, JPG or Word document (DOCX)"


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPG image", "image/jpeg", (".jpg", ".jpeg"))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)


class AttachmentRefused(Exception):
    """The file can't be attached; the message says why, in words for the person who chose it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_type_sniff(stream: IO[bytes]) -> FileType | None:
    """What the file is, from its content; None for anything not allowed. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04") and _is_word_document(stream):
            return DOCX
        return None
    finally:
        stream.seek(0)


def _is_word_document(stream: IO[bytes]) -> bool:
    # Only the archive's directory is read (never extracted), so a "zip bomb" costs nothing here.
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def attachment_check(upload: UploadedFile) -> FileType:
    """The file's type, or AttachmentRefused saying what is wrong with it."""
    size = upload.size or 0
    if size == 0:
        raise AttachmentRefused("The selected file is empty")
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused("The selected file must be smaller than 10MB")
    found = file_type_sniff(upload.file) if upload.file is not None else None
    if found is None:
        raise AttachmentRefused(f"The selected file must be {ALLOWED_DESCRIPTION}")
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in found.extensions:
        raise AttachmentRefused(
            f"The selected file is a {found.name}, but its name does not end in "
            f"{' or '.join(found.extensions)}: check you chose the right file"
        )
    return found


def _safe_original_name(name: str | None) -> str:
    # Browsers send a bare name, but some send a full Windows path; keep only the last part, as text.
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "attachment")[:255]


def attachment_add_to_draft(
    *, actor: Any, draft: ReferralDraft, upload: UploadedFile, request: HttpRequest | None = None
) -> dict[str, Any]:
    """Check a file and keep it with the draft; AttachmentRefused when it can't be attached."""
    if len(draft.answers.get("attachments", [])) >= MAX_ATTACHMENTS:
        raise AttachmentRefused(f"You can attach up to {MAX_ATTACHMENTS} files")
    found = attachment_check(upload)
    stored_name = default_storage.save(f"{STORAGE_PREFIX}/{uuid.uuid4().hex}{found.extensions[0]}", upload)
    try:
        with transaction.atomic():
            locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
            files = list(locked.answers.get("attachments", []))
            if len(files) >= MAX_ATTACHMENTS:
                raise AttachmentRefused(f"You can attach up to {MAX_ATTACHMENTS} files")
            entry = {
                "stored_name": stored_name,
                "original_name": _safe_original_name(upload.name),
                "content_type": found.content_type,
                "size": upload.size,
                "uploaded_at": timezone.now().isoformat(),
            }
            files.append(entry)
            locked.answers = {**locked.answers, "attachments": files}
            locked.save(update_fields=["answers", "updated_at"])
            access_event_record(
                actor=actor,
                action=AccessEvent.Action.CHANGE,
                subject=locked,
                purpose="Attached a file to a draft referral",
                details={"file": entry["original_name"], "size": entry["size"]},
                request=request,
            )
    except BaseException:
        # The draft doesn't list it, so nothing else ever will: don't leave it in storage.
        default_storage.delete(stored_name)
        raise
    draft.answers = locked.answers
    return entry


def attachment_remove_from_draft(
    *, actor: Any, draft: ReferralDraft, index: int, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        files = list(locked.answers.get("attachments", []))
        if not 0 <= index < len(files):
            return
        removed = files.pop(index)
        locked.answers = {**locked.answers, "attachments": files}
        locked.save(update_fields=["answers", "updated_at"])
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CHANGE,
            subject=locked,
            purpose="Removed a file from a draft referral",
            details={"file": removed.get("original_name", "")},
            request=request,
        )
        draft_files_delete_on_commit([removed])
    draft.answers = locked.answers


def draft_files_delete_on_commit(files: Iterable[dict[str, Any]]) -> None:
    """Delete a draft's stored files once the transaction that let go of them has committed."""
    names = [entry["stored_name"] for entry in files if entry.get("stored_name")]
    if names:
        transaction.on_commit(lambda: _delete_stored(names))


def _delete_stored(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def attachments_record_for_contact(
    *, contact: Contact, files: Iterable[dict[str, Any]], uploaded_by: Any
) -> None:
    """Record a submitted draft's files as the contact's attachments (inside the submission's transaction)."""
    Attachment.objects.bulk_create(
        Attachment(
            contact=contact,
            file=entry["stored_name"],
            original_name=entry["original_name"],
            content_type=entry["content_type"],
            size=entry["size"],
            uploaded_by=uploaded_by,
        )
        for entry in files
    )
