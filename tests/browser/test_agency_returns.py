"""An agency data return's round trip in a real browser: the police lead submits, the business unit returns
it with a comment, the lead corrects and resubmits, the business unit accepts and sees the stored values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import Agency, User
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.models import AgencyReturn
from safeguarding.indicators.returns import returns_open
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)

DA = "#police_da_notifications-numerator"
MISSING = "#police_missing_reports-numerator"


def switch_to(page: Page, user: User) -> None:
    page.context.clear_cookies()
    sign_in_through_the_page(page, user.email, give_two_factor(user))


def test_a_police_return_is_submitted_returned_corrected_and_accepted(page: Page, live_server: Any) -> None:
    indicators_sync()
    police = make_agency(name="Test Police", code="TPOL", kind=Agency.Kind.POLICE)
    lead = make_user("agency_safeguarding_lead", police, full_name="Pat Lead")
    officer = make_user(
        "business_unit_officer", make_agency(name="Business Unit", kind=Agency.Kind.PARTNERSHIP_BUSINESS_UNIT)
    )
    returns_open(quarter_key="2022-23-q1", due_date=date(2022, 7, 21), actor=None)

    # The lead fills the return in and submits it.
    switch_to(page, lead)
    page.goto("/indicators/returns/mine/")
    page.get_by_role("link", name="Enter figures").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data return for Q1 2022-23")
    page.locator(DA).fill("lots")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("enter a whole number of 0 or more")
    expect(page.locator(DA)).to_have_value("lots")
    assert_accessible(page)
    page.locator(DA).fill("120")
    page.locator(MISSING).fill("35")
    page.get_by_label("The story behind the figures").fill("Steady demand this quarter.")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Return submitted")

    # The business unit returns it with a comment.
    switch_to(page, officer)
    page.goto("/indicators/returns/")
    page.get_by_role("link", name="Review Test Police's return").click()
    expect(page.locator("#figure-history")).to_contain_text("Pat Lead")
    assert_accessible(page)
    page.get_by_label("Comments").fill("Please check the May notifications.")
    page.get_by_role("button", name="Return with comments").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent back")

    # The lead sees the comment, corrects a figure and resubmits.
    switch_to(page, lead)
    page.goto("/indicators/returns/mine/")
    page.get_by_role("link", name="Enter figures").click()
    expect(page.locator("#returned-comment")).to_contain_text("Please check the May notifications.")
    expect(page.locator(DA)).to_have_value("120")
    page.locator(DA).fill("118")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Return submitted")

    # The business unit accepts it and the stored values are there.
    switch_to(page, officer)
    page.goto("/indicators/returns/")
    page.get_by_role("link", name="Review Test Police's return").click()
    page.get_by_role("button", name="Accept the return").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted")
    stored = page.locator("#stored-values")
    expect(stored).to_contain_text("Domestic abuse notifications involving children")
    expect(stored).to_contain_text("118.0")
    expect(page.locator("#figure-history")).to_contain_text("118")
    assert_accessible(page)
    assert AgencyReturn.objects.get(agency=police).status == AgencyReturn.Status.ACCEPTED
