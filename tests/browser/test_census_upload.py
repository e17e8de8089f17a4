"""The CIN census upload in a real browser: a MASH manager finds the imports from the Children area, is told
what is wrong with an empty upload, uploads a census file and reads its findings by rule. Each page type is
checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.census.models import CensusImport
from safeguarding.census.tests.test_import_support import synthetic_file
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_storage_and_tasks_run_at_once(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    # The live server runs the import as soon as the upload commits (no separate worker in a test).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_mash_manager_uploads_a_census_file_and_reads_its_findings(page: Page, tmp_path: Path) -> None:
    manager = make_user("mash_manager", make_agency(name="Walsall Council", code="WMBC"))
    source = tmp_path / "cin-2022-23.xml"
    synthetic_file(source, children=30, error_rate=0.3)

    sign_in_through_the_page(page, manager.email, give_two_factor(manager))
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Children", exact=True).click()
    page.get_by_role("link", name="CIN census imports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CIN census")
    assert_accessible(page)

    page.get_by_role("button", name="Upload a CIN census file").click()
    assert_accessible(page)
    page.get_by_role("button", name="Upload and import").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_role("button", name="Upload and import").click()
    census_import = CensusImport.objects.get()
    expect(page.get_by_role("heading", name=f"CIN census import {census_import.pk}")).to_be_visible()
    expect(page.get_by_text("Imported", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Findings by rule")).to_be_visible()
    assert census_import.errors > 0
    assert_accessible(page)
