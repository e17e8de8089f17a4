"""The CIN census pages, mounted at /census/ (app "census"):

- /census/                the import history: who, when, the file and its SHA-256, the counts;
- /census/upload/         upload a census file; the import runs in the background (tasks.py);
- /census/imports/<id>/   one import: its progress while it runs (the page refreshes itself, no script
                          needed), then its counts and its findings grouped by rule, with child and element.

Every page needs `census.import` (MASH managers) and two-factor sign-in: findings name children by their LA
child ID. The history page writes a LIST event to the access log, the import page a VIEW event naming the
children shown, and an upload a CREATE event.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.census.models import CensusImport
from safeguarding.census.reader import CensusUnreadable, max_file_bytes, open_census
from safeguarding.census.selectors import (
    PERMISSION,
    census_import_get_for_user,
    census_imports_visible_to,
    findings_by_rule,
)
from safeguarding.census.tasks import census_upload_receive, progress_note_read

AREA = "children"
IMPORTS_PER_PAGE = 25
FINDINGS_PER_PAGE = 50
# Seconds between refreshes of the page of an import still running.
REFRESH_SECONDS = 5


def _child_url(pk: int | None) -> str | None:
    return reverse("children:child", args=[pk]) if pk is not None else None


# --- The upload form ----------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label="CIN census file",
        error_messages={"required": "Select a CIN census file", "empty": "The selected file is empty"},
    )
    strict = forms.BooleanField(
        label="Refuse the file if it has any errors",
        required=False,
        help_text="Nothing is loaded from a file with errors; its findings are still shown",
    )

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        limit = _megabytes(max_file_bytes())
        self.fields["file"].help_text = f"The XML file your case management system exports, up to {limit}"

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is None:
            raise forms.ValidationError("Select a CIN census file")
        if (upload.size or 0) > max_file_bytes():
            raise forms.ValidationError(
                f"The selected file must be smaller than {_megabytes(max_file_bytes())}"
            )
        try:
            # Reads no further than the end of the header: the rest is checked by the import.
            with open_census(upload.open("rb")):
                pass
        except CensusUnreadable as unreadable:
            raise forms.ValidationError(
                f"The selected file is not a CIN census XML file ({unreadable})"
            ) from unreadable
        finally:
            upload.seek(0)
        return upload

    def full_clean(self) -> None:
        super().full_clean()
        if self.too_big and self.is_bound:
            self.cleaned_data.pop("file", None)
            self.errors["file"] = self.error_class(
                [f"The selected file must be smaller than {_megabytes(max_file_bytes())}"]
            )


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it is over the limit, so an oversized file never reaches the disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        # A request larger than any file allowed plus room for the other fields is stopped at its first
        # chunk (StopUpload may only be raised from there).
        if content_length > self.limit + 64 * 1024:
            self.exceeded = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.exceeded or self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# --- Pages --------------------------------------------------------------------------------------------------


def _render(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    form = context.get("form")
    has_errors = isinstance(form, forms.BaseForm) and form.is_bound and bool(form.errors)
    context.update(
        {"page_title": f"Error: {title}" if has_errors else title, "heading": title, "current_area": AREA}
    )
    return render(request, f"census/{template}", context)


@require_GET
@permission_required(PERMISSION)
def import_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(census_imports_visible_to(request.user), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.LIST,
        subject_type=CensusImport._meta.label_lower,
        subject_label="CIN census imports",
        details={"page": page.number, "shown": [item.pk for item in page.object_list]},
        request=request,
    )
    return _render(request, "import_list.html", "CIN census imports", page=page)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def upload(request: HttpRequest) -> HttpResponse:
    # The size limit has to be in place before the body is read, which CSRF checking would do: so the check
    # of the CSRF token happens inside, once the handler is installed.
    handler = _SizeLimitHandler(request, max_file_bytes())
    if request.method == "POST":
        request.upload_handlers.insert(0, handler)
    return _upload(request, handler)


@csrf_protect
def _upload(request: HttpRequest, handler: _SizeLimitHandler) -> HttpResponse:
    if request.method != "POST":
        return _render(request, "upload.html", "Upload a CIN census file", form=CensusUploadForm())
    form = CensusUploadForm(request.POST, request.FILES, too_big=handler.exceeded)
    if form.is_valid():
        census_import = census_upload_receive(
            actor=request.user,
            upload=form.cleaned_data["file"],
            strict=form.cleaned_data["strict"],
            request=request,
        )
        return redirect("census:import", pk=census_import.pk)
    return _render(request, "upload.html", "Upload a CIN census file", form=form)


@require_GET
@permission_required(PERMISSION)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    census_import = census_import_get_for_user(request.user, pk)
    rules = findings_by_rule(census_import)
    rule = request.GET.get("rule", "")
    findings = census_import.findings.all().order_by("rule", "line", "pk")
    if rule:
        findings = findings.filter(rule=rule)
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(finding, _child_url(finding.child_id)) for finding in page.object_list]
    note = None if census_import.is_finished else progress_note_read(census_import.pk)
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.VIEW,
        subject=census_import,
        purpose="CIN census import and its findings",
        details={
            "page": page.number,
            "rule": rule,
            "children_shown": sorted({f.la_child_id for f, _ in rows if f.la_child_id}),
        },
        request=request,
    )
    return _render(
        request,
        "import_detail.html",
        f"CIN census import {census_import.pk}",
        census_import=census_import,
        rules=rules,
        rule=rule,
        page=page,
        rows=rows,
        progress=_progress(census_import, note),
        refresh_seconds=REFRESH_SECONDS,
        page_prefix=f"?rule={rule}&" if rule else "?",
    )


def _progress(census_import: CensusImport, note: dict[str, Any] | None) -> dict[str, Any] | None:
    """How far a running import has got: children read, and the share of the file read when known."""
    if census_import.is_finished:
        return None
    children = census_import.progress
    percent = None
    if note is not None:
        children = max(children, int(note.get("children") or 0))
        total = note.get("total_bytes") or census_import.file_size
        if total:
            percent = min(100, int(100 * int(note.get("bytes_read") or 0) / int(total)))
    return {"children": children, "percent": percent}
