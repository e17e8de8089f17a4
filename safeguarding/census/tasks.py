"""The upload page's import, run in the background (django-tasks; the database backend's `db_worker` runs it).

    census_import = census_upload_receive(actor=user, upload=request.FILES["file"], strict=False)

1. The uploaded file is stored privately (Django's default storage, settings.STORAGES: var/private-files,
   never served) under a random name; its SHA-256 is computed as it is stored; an import is recorded as
   "queued"; the task is enqueued once that is committed.
2. The task runs the import (importer.census_import_run: all or nothing), writing a progress note beside the
   file after each thousand children, and deletes the stored file and the note when it ends, however it ends.

Why a progress note in storage rather than a column: the import writes everything in one transaction, so
nothing it writes to the database is visible to the progress page until it commits, and SQLite allows no
second writer meanwhile. The note lives in the same storage the uploaded file does, which the web and worker
processes already share.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django_tasks import task

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.importer import census_import_create, census_import_mark_failed, census_import_run
from safeguarding.census.models import CensusImport

UPLOAD_PREFIX = "census/uploads"
PROGRESS_PREFIX = "census/progress"


def safe_file_name(name: str | None) -> str:
    """The person's file name, as text only: the last part of any path, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "census.xml")[:255]


def census_upload_receive(
    *, actor: Any, upload: UploadedFile, strict: bool = False, request: HttpRequest | None = None
) -> CensusImport:
    """Store the uploaded file privately, record the import as queued and enqueue its task."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored_name = default_storage.save(f"{UPLOAD_PREFIX}/{uuid.uuid4().hex}.xml", upload)
    with transaction.atomic():
        census_import = census_import_create(
            actor=actor,
            channel=CensusImport.Channel.UPLOAD,
            file_name=safe_file_name(upload.name),
            sha256=digest.hexdigest(),
            file_size=upload.size or 0,
            strict=strict,
            stored_name=stored_name,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=census_import,
            purpose="CIN census file uploaded for import",
            details={"file": census_import.file_name, "sha256": census_import.sha256, "strict": strict},
            request=request,
        )
        transaction.on_commit(partial(census_import_task.enqueue, census_import.pk))
    return census_import


def _progress_name(import_pk: int) -> str:
    return f"{PROGRESS_PREFIX}/{import_pk}.json"


def progress_note_write(import_pk: int, children: int, bytes_read: int, total_bytes: int | None) -> None:
    name = _progress_name(import_pk)
    note = json.dumps({"children": children, "bytes_read": bytes_read, "total_bytes": total_bytes})
    default_storage.delete(name)
    default_storage.save(name, ContentFile(note.encode("utf-8")))


def progress_note_read(import_pk: int) -> dict[str, Any] | None:
    """What the running import last wrote: children, bytes_read, total_bytes; None before its first note."""
    name = _progress_name(import_pk)
    try:
        with default_storage.open(name, "rb") as stream:
            note = json.loads(stream.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) else None


@task()
def census_import_task(import_pk: int) -> str:
    """Run a queued upload's import; returns the import's status."""
    census_import = CensusImport.objects.select_related("started_by").get(pk=import_pk)
    if census_import.status != CensusImport.Status.QUEUED:
        return str(census_import.status)  # run already (a task delivered twice does nothing)
    file_size = census_import.file_size or None

    def progress(children: int, bytes_read: int, total_bytes: int | None) -> None:
        progress_note_write(import_pk, children, bytes_read, total_bytes or file_size)

    try:
        try:
            stream = default_storage.open(census_import.stored_name, "rb")
        except OSError:
            census_import_mark_failed(
                census_import=census_import, reason="The uploaded file could not be found: upload it again"
            )
            return str(census_import.status)
        with stream:
            census_import_run(
                census_import=census_import, source=stream, actor=census_import.started_by, progress=progress
            )
    finally:
        default_storage.delete(census_import.stored_name)
        default_storage.delete(_progress_name(import_pk))
        CensusImport.objects.filter(pk=import_pk).update(stored_name="")
    return str(census_import.status)
