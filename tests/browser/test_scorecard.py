"""The scorecard in a real browser over a small computed year: filter by a theme, open a drill-down, axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.indicators.compute import indicators_compute
from safeguarding.indicators.tests.data import year_2022_23
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_scorecard_filters_by_theme_and_drills_down(page: Page, live_server: Any) -> None:
    year_2022_23()
    indicators_compute(year=2022)
    officer = make_user(
        "business_unit_officer",
        make_agency(name="Partnership Business Unit", code="PBU", kind="partnership_business_unit"),
    )
    sign_in_through_the_page(page, officer.email, give_two_factor(officer))

    page.goto("/indicators/scorecard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scorecard: 2022-23")
    contacts = page.locator("#indicator-contacts")
    # 5 contacts in the year; the trend lists the 8 quarters in words beside the (hidden) sparkline.
    expect(contacts.locator('[data-figure="value"]')).to_have_text("5")
    expect(contacts.get_by_text("Q1 2022-23: fewer than 5")).to_be_visible()
    expect(page.locator("#checks-passed")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Priority theme").select_option(label="Child protection")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name="Indicators: Child protection")).to_be_visible()
    expect(page.locator("#indicator-contacts")).to_have_count(0)
    expect(page.locator("#indicator-cpp_started")).to_have_count(1)

    page.goto("/indicators/scorecard/2022-23/")
    page.locator("#indicator-contacts").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(page.locator("#breakdown-level")).to_be_visible()
    assert_accessible(page)
