"""The census pages: import history, upload (a background task) and an import's progress and findings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, reverse

from config import urls as project_urls
from safeguarding.accesslog.models import AccessEvent
from safeguarding.census.importer import census_import_create
from safeguarding.census.models import CensusFinding, CensusImport
from safeguarding.census.tasks import census_import_task, progress_note_write
from safeguarding.census.tests.test_import_support import run_command, synthetic_file
from safeguarding.children.models import Child
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in

# The census pages under the project's URL map, whether or not config/urls.py mounts them yet.
urlpatterns: list[Any] = list(project_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "census" for pattern in urlpatterns):
    urlpatterns.append(path("census/", include("safeguarding.census.urls")))
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to the test's own folder, never var/private-files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def manager(db: None) -> Client:
    return sign_in(Client(), make_user("mash_manager", make_agency(name="Children's services")))


def _stored_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _upload(client: Client, path: Path, **fields: Any) -> Any:
    with path.open("rb") as stream:
        return client.post(reverse("census:upload"), {"file": stream, **fields})


# --- Who may see the pages ----------------------------------------------------------------------------------


def test_the_mash_manager_sees_the_pages(manager: Client) -> None:
    census_import = census_import_create(
        actor=None, channel=CensusImport.Channel.COMMAND, file_name="cin.xml", sha256="a" * 64, file_size=10
    )
    for url in (
        reverse("census:imports"),
        reverse("census:upload"),
        reverse("census:import", args=[census_import.pk]),
    ):
        assert manager.get(url).status_code == 200, url


def test_a_referrer_is_refused_and_an_unknown_import_is_not_found(
    personas: Personas, manager: Client
) -> None:
    census_import = census_import_create(
        actor=None, channel=CensusImport.Channel.COMMAND, file_name="cin.xml", sha256="a" * 64, file_size=10
    )
    referrer = personas.client("a_readonly")
    for url in (
        reverse("census:imports"),
        reverse("census:upload"),
        reverse("census:import", args=[census_import.pk]),
    ):
        assert referrer.get(url).status_code == 403, url
    assert manager.get(reverse("census:import", args=[census_import.pk + 1])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in_and_the_manager_needs_two_factor(db: None) -> None:
    url = reverse("census:imports")
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    without_code = sign_in(Client(), make_user("mash_manager"), two_factor=False)
    response = without_code.get(url)
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


# --- Uploading ----------------------------------------------------------------------------------------------


def test_an_upload_is_imported_in_the_background_and_its_file_deleted(
    manager: Client, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    source = tmp_path / "cin-2023.xml"
    synthetic_file(source, children=40, error_rate=0.25)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(manager, source)

    census_import = CensusImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("census:import", args=[census_import.pk])
    assert census_import.channel == CensusImport.Channel.UPLOAD
    assert census_import.started_by is not None
    assert census_import.status == CensusImport.Status.DONE
    assert census_import.file_name == "cin-2023.xml"
    assert Child.objects.count() == 40
    assert census_import.stored_name == ""
    assert _stored_files(tmp_path) == []  # the uploaded file and the progress note are gone
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.CREATE, subject_id=str(census_import.pk), actor=census_import.started_by
    ).exists()

    page = _text(manager.get(response["Location"]))
    assert "Findings by rule" in page
    assert census_import.sha256 in page
    finding = CensusFinding.objects.filter(census_import=census_import).exclude(la_child_id="").first()
    assert finding is not None
    assert finding.la_child_id in page and finding.element in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing


def test_a_strict_upload_of_a_file_with_errors_is_refused(
    manager: Client, tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=20, error_rate=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(manager, source, strict="on")
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.REFUSED
    assert Child.objects.count() == 0
    page = _text(manager.get(reverse("census:import", args=[census_import.pk])))
    assert "Refused" in page and "nothing was loaded" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Select a CIN census file"),
        (b"", "The selected file is empty"),
        (b"%PDF-1.7 not xml at all", "The selected file is not a CIN census XML file"),
        (
            b"<?xml version='1.0'?><Message><Children/></Message>",
            "The selected file is not a CIN census XML file",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE Message [<!ENTITY a 'x'>]><Message/>",
            "document type declaration",
        ),
    ],
)
def test_bad_uploads_are_refused_with_an_error_summary(
    manager: Client, tmp_path: Path, content: bytes | None, message: str
) -> None:
    data = {} if content is None else {"file": SimpleUploadedFile("cin.xml", content, "text/xml")}
    response = manager.post(reverse("census:upload"), data)
    page = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert '<a href="#id_file">' in page
    assert page.count(message) >= 2  # in the summary and by the field
    assert "<title>Error: " in page
    assert not CensusImport.objects.exists()
    assert _stored_files(tmp_path) == []


@pytest.mark.parametrize("children", [30, 150])  # under and over the limit plus 64 KB for the form
def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    manager: Client, tmp_path: Path, settings: Any, children: int
) -> None:
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=children)
    settings.CENSUS_MAX_FILE_BYTES = 2048
    response = _upload(manager, source)
    assert response.status_code == 200
    assert "The selected file must be smaller than" in _text(response)
    assert not CensusImport.objects.exists()
    assert _stored_files(tmp_path) == []


def test_an_upload_without_the_csrf_token_is_refused(tmp_path: Path, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, make_user("mash_manager"))
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=3)
    assert _upload(client, source).status_code == 403
    assert not CensusImport.objects.exists()


# --- The import page ----------------------------------------------------------------------------------------


def test_a_queued_import_waits_for_the_worker_and_the_page_refreshes_itself(
    manager: Client, tmp_path: Path
) -> None:
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=5)
    response = _upload(manager, source)  # the database task backend: queued, no worker in the test
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.QUEUED
    assert len(_stored_files(tmp_path)) == 1
    page = _text(manager.get(response["Location"]))
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "Waiting for the background worker" in page


def test_a_running_import_shows_how_far_it_has_got(manager: Client) -> None:
    census_import = census_import_create(
        actor=None, channel=CensusImport.Channel.UPLOAD, file_name="cin.xml", sha256="b" * 64, file_size=4000
    )
    CensusImport.objects.filter(pk=census_import.pk).update(status=CensusImport.Status.RUNNING)
    progress_note_write(census_import.pk, 3000, 1000, 4000)
    page = _text(manager.get(reverse("census:import", args=[census_import.pk])))
    assert "3,000 children read, 25% of the file" in page
    assert 'http-equiv="refresh"' in page


def test_findings_are_grouped_by_rule_paginated_and_filtered(manager: Client, tmp_path: Path) -> None:
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=300, error_rate=0.4)
    run_command("import", "cin", str(source))
    census_import = CensusImport.objects.get()
    assert census_import.findings.count() > 50
    url = reverse("census:import", args=[census_import.pk])

    first = _text(manager.get(url))
    second = _text(manager.get(url, {"page": 2}))
    assert "Pages of findings" in first
    rules = sorted(set(census_import.findings.values_list("rule", flat=True)))
    for rule in rules:
        assert f"?rule={rule}" in first  # each rule in the summary, linked to its findings

    only = _text(manager.get(url, {"rule": "4220"}))
    expected = census_import.findings.filter(rule="4220")
    assert "Findings of rule 4220" in only
    for finding in expected:
        assert finding.la_child_id in only
    listed = {f.la_child_id for f in expected}
    other = census_import.findings.exclude(la_child_id__in=[*listed, ""]).first()
    assert other is not None
    assert other.la_child_id not in only
    assert first != second
    views = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW, subject_id=str(census_import.pk))
    assert views.count() == 3
    assert set(views.first().details["children_shown"]) <= {f.la_child_id for f in expected}  # type: ignore[union-attr]


def test_the_history_lists_imports_with_who_when_hash_and_counts(manager: Client, tmp_path: Path) -> None:
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=12)
    run_command("import", "cin", str(source))
    census_import = CensusImport.objects.get()
    page = _text(manager.get(reverse("census:imports")))
    assert "cin.xml" in page
    assert census_import.sha256 in page
    assert "Command line" in page
    assert "Imported" in page
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.LIST, subject_type="census.censusimport"
    ).exists()


def test_an_upload_whose_file_has_vanished_ends_as_failed(db: None) -> None:
    census_import = census_import_create(
        actor=None,
        channel=CensusImport.Channel.UPLOAD,
        file_name="cin.xml",
        sha256="c" * 64,
        file_size=10,
        stored_name="census/uploads/missing.xml",
    )
    assert census_import_task.call(census_import.pk) == "failed"
    census_import.refresh_from_db()
    assert census_import.status == CensusImport.Status.FAILED
    assert "upload it again" in census_import.reason
    assert census_import.stored_name == ""
