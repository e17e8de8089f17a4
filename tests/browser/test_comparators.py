"""Importing comparators in a real browser: a business unit officer uploads a file with one bad row and is
told exactly what is wrong (nothing is kept), then a good file, whose figures are listed. Checked with axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.indicators.models import Comparator
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "indicator,year,comparator,breakdown,value,source\n"


def test_a_business_unit_officer_imports_comparators(page: Page, live_server: Any, tmp_path: Path) -> None:
    officer = make_user("business_unit_officer", make_agency(name="Business Unit", code="BU"))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "referrals_per_10k,2022-23,england,,534,Report\nreferrals_per_10k,2022-23,region,,84%,Report\n"
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeff" + HEADER + "referrals_per_10k,2022-23,england,,534,Annual report 2022-23\n"
        "referrals_per_10k,2022-23,statistical_neighbours,,624,Annual report 2022-23\n"
    )

    sign_in_through_the_page(page, officer.email, give_two_factor(officer))
    page.goto("/indicators/comparators/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparators")
    page.get_by_role("link", name="Import comparators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import comparators")
    assert_accessible(page)

    page.get_by_label("Comparator file").set_input_files(str(bad))
    page.get_by_role("button", name="Import comparators").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The selected file has 1 problem: nothing was imported")
    expect(page.get_by_text("Line 3: 'value' must be a number, not '84%'")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert not Comparator.objects.exists()
    assert_accessible(page)

    page.get_by_label("Comparator file").set_input_files(str(good))
    page.get_by_role("button", name="Import comparators").click()
    expect(page.get_by_text("2 comparator rows imported from good.csv")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparators 2022-23")
    row = page.get_by_role("row").filter(has_text="referrals_per_10k")
    expect(row).to_contain_text("534")
    expect(row).to_contain_text("624")
    assert Comparator.objects.count() == 2
    assert_accessible(page)
