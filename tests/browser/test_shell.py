"""The shell of the site in a real browser: sign-in with two-factor, home, areas, statements, error pages,
each checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeguarding.core.testing import give_two_factor, make_personas, make_user
from tests.browser.support import assert_accessible, sign_in_through_the_page, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_page_and_its_errors_are_accessible(page: Page) -> None:
    page.goto("/account/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    assert_accessible(page)


def test_two_factor_sign_in_reaches_home_with_roles(page: Page) -> None:
    personas = make_personas()
    device = give_two_factor(personas.bu_manager)
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(personas.bu_manager.email)
    page.get_by_label("Password").fill("correct horse battery staple 42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    expect(page.get_by_text("Business unit manager")).to_be_visible()
    nav = page.get_by_role("navigation", name="Areas")
    for area in ("Front door", "Performance", "Audits", "Case reviews", "Actions", "Administration"):
        expect(nav.get_by_role("link", name=area, exact=True)).to_be_visible()
    assert_accessible(page)


def test_area_landing_pages_say_what_they_are_for(page: Page) -> None:
    user = make_user("business_unit_officer", email="officer@example.org")
    sign_in_through_the_page(page, user.email)
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Audits", exact=True).click()
    expect(page.get_by_role("heading", name="Audits", level=1)).to_be_visible()
    expect(page.get_by_text("Multi-agency case file audits")).to_be_visible()
    assert_accessible(page)


def test_the_case_reviews_and_actions_areas_open_on_their_own_pages(page: Page) -> None:
    user = make_user("business_unit_officer", email="officer@example.org")
    sign_in_through_the_page(page, user.email)
    areas = page.get_by_role("navigation", name="Areas")
    areas.get_by_role("link", name="Case reviews", exact=True).click()
    expect(page.get_by_role("heading", name="Case reviews", level=1)).to_be_visible()
    assert_accessible(page)
    areas.get_by_role("link", name="Actions", exact=True).click()
    expect(page.get_by_role("heading", name="Action tracker", level=1)).to_be_visible()
    assert_accessible(page)


def test_two_factor_set_up_page_shows_a_qr_code(page: Page) -> None:
    user = make_user("mash_practitioner", email="mash@example.org")
    sign_in_through_the_page(page, user.email)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert_accessible(page)


def test_statements_and_error_pages_are_accessible(page: Page) -> None:
    for path, heading in (
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert_accessible(page)
    user = make_user("subgroup_member", email="member@example.org")
    sign_in_through_the_page(page, user.email)
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
    response = page.goto("/access/break-glass/review/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You do not have permission to do this")).to_be_visible()
    assert_accessible(page)


def test_cookie_message_can_be_hidden(page: Page) -> None:
    page.goto("/account/sign-in/")
    banner = page.get_by_role("region", name="Cookies on")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Hide this message").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("region", name="Cookies on")).to_have_count(0)


def test_sign_out(page: Page) -> None:
    user = make_user("subgroup_member", email="leaver@example.org")
    sign_in_through_the_page(page, user.email)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
