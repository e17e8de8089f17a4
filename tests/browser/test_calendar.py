"""The working-day calendar pages in a real browser, checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from safeguarding.core.models import LocalClosureDay
from safeguarding.core.testing import make_personas
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_and_remove_a_closure_day_in_the_browser(page: Page) -> None:
    personas = make_personas()
    sign_in_through_the_page(page, personas.sysadmin.email)
    page.goto("/administration/calendar/")
    expect(page.get_by_role("heading", name="Working-day calendar", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a closure day").click()
    expect(page.get_by_role("heading", name="Add a local closure day")).to_be_visible()
    assert_accessible(page)

    # A weekend date: the error summary links to the day box, and the page stays accessible.
    page.get_by_label("Day").fill("6")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2030")
    page.get_by_label("Why are the offices closed?").fill("Offices closed for a move")
    page.get_by_role("button", name="Add the closure day").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Saturday 6 July 2030 is at a weekend")).to_have_attribute(
        "href", "#id_date_day"
    )
    assert_accessible(page)

    page.get_by_label("Day").fill("8")
    page.get_by_role("button", name="Add the closure day").click()
    expect(page.get_by_text("Monday 8 July 2030 is now a local closure day")).to_be_visible()
    expect(page.get_by_role("cell", name="Offices closed for a move")).to_be_visible()
    assert LocalClosureDay.objects.filter(reason="Offices closed for a move").exists()
    assert_accessible(page)

    page.get_by_role("link", name="Remove 8 July 2030").click()
    expect(page.get_by_role("heading", name="Remove this local closure day?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the closure day").click()
    expect(page.get_by_text("Monday 8 July 2030 is a working day again")).to_be_visible()
    assert not LocalClosureDay.objects.exists()
