"""Administration, the access log, break-glass and the account pages in a real browser, each checked with
axe-core for WCAG 2.2 AA, and walked the way the business unit uses them."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from safeguarding.access.services import break_glass_open
from safeguarding.accounts.models import User
from safeguarding.core.testing import give_two_factor, make_personas
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_business_unit_invites_a_person_and_gives_a_role(page: Page) -> None:
    personas = make_personas()
    sign_in_through_the_page(page, personas.bu_officer.email)
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Full name").fill("Priya Newcomer")
    page.get_by_label("Email address").fill("priya.newcomer@example.org")
    page.get_by_label("Agency").select_option(label="Agency A")
    page.get_by_label("Role").select_option(label="Subgroup member")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Priya Newcomer")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(email="priya.newcomer@example.org").memberships.get().role == "subgroup_member"
    assert any("priya.newcomer@example.org" in message.to for message in mail.outbox)


def test_agency_pages_and_roles_catalogue(page: Page) -> None:
    personas = make_personas()
    sign_in_through_the_page(page, personas.bu_officer.email)
    page.goto("/administration/agencies/")
    expect(page.get_by_role("heading", name="Agencies", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Agency A").click()
    expect(page.get_by_role("heading", name="Agency A")).to_be_visible()
    assert_accessible(page)
    page.goto("/administration/roles/")
    expect(page.get_by_role("heading", name="Roles and permissions", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto("/administration/locked-accounts/")
    expect(page.get_by_role("heading", name="Locked accounts", level=1)).to_be_visible()
    assert_accessible(page)


def test_access_log_and_break_glass_review(page: Page) -> None:
    personas = make_personas()
    break_glass_open(
        user=personas.b_worker,
        obj=personas.agency_a,
        reason="A pupil of agency A came to our surgery with injuries this morning",
    )
    device = give_two_factor(personas.bu_manager)
    sign_in_through_the_page(page, personas.bu_manager.email, device)
    expect(page.get_by_role("link", name="Break-glass uses to review")).to_be_visible()
    page.get_by_role("link", name="Break-glass uses to review").click()
    expect(page.get_by_text("came to our surgery with injuries")).to_be_visible()
    assert_accessible(page)
    page.goto("/administration/access-log/")
    expect(page.get_by_role("heading", name="Access log", level=1)).to_be_visible()
    assert_accessible(page)


def test_break_glass_from_the_out_of_scope_page(page: Page) -> None:
    personas = make_personas()
    device = give_two_factor(personas.b_worker)
    sign_in_through_the_page(page, personas.b_worker.email, device)
    response = page.goto(f"/administration/agencies/{personas.agency_a.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="This record is outside your scope")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Break glass to open this record").click()
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to open this record?").fill(
        "A pupil of agency A is at our surgery now with an injury that needs checking"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Agency A")).to_be_visible()


def test_account_and_password_reset_pages(page: Page) -> None:
    personas = make_personas()
    sign_in_through_the_page(page, personas.bu_officer.email)
    page.goto("/account/")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/account/password/reset/")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(personas.bu_officer.email)
    page.get_by_role("button", name="Send me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
