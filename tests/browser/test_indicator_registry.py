"""The indicator registry (the partnership's data dictionary) in a real browser, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.core.testing import give_two_factor, make_agency, make_user
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_performance_area_leads_to_the_registry_of_definitions(page: Page, live_server: Any) -> None:
    manager = make_user("mash_manager", make_agency(name="Walsall Council", code="WMBC"))
    sign_in_through_the_page(page, manager.email, give_two_factor(manager))
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Performance", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    assert_accessible(page)
    # A MASH manager reads figures but submits and approves no agency returns: no links to them.
    expect(page.get_by_role("link", name="Agency data returns")).to_have_count(0)
    page.get_by_role("link", name="The indicator registry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indicator registry")
    # Every indicator is there with its plain-English definition (one front door and one journey example).
    expect(page.get_by_text("contacts_decided_1wd_pct").first).to_be_visible()
    expect(page.get_by_text("assessments_within_45wd_pct").first).to_be_visible()
    assert_accessible(page)
