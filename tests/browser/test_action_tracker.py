"""The action tracker in a real browser, checked with axe-core for WCAG 2.2 AA: an agency lead names a
colleague as an action's owner; the business unit moves its due date (a wrong date first) and reassigns it;
the tracker narrows to one review's actions."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from safeguarding.actions.models import Action
from safeguarding.actions.tests.support import make_action
from safeguarding.core.testing import make_personas, make_user
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agency_lead_names_a_colleague_as_owner(page: Page) -> None:
    personas = make_personas()
    colleague = make_user("referrer", personas.agency_a, full_name="Cal Colleague", email="cal@example.org")
    action = make_action(personas.agency_a, personas.bu_officer, title="Refresh neglect training")
    sign_in_through_the_page(page, personas.a_worker.email)
    page.goto(f"/actions/{action.pk}/")
    expect(page.get_by_role("heading", name="Refresh neglect training", level=1)).to_be_visible()
    # Reassigning and moving the due date are the business unit's: not offered to the agency.
    expect(page.get_by_role("heading", name="Reassign to another agency")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Owner (optional)").select_option(label=str(colleague))
    page.get_by_role("button", name="Save the owner").click()
    expect(page.get_by_text("Cal Colleague now owns the action")).to_be_visible()
    action.refresh_from_db()
    assert action.owner_person == colleague


def test_the_business_unit_moves_the_due_date_and_reassigns(page: Page) -> None:
    personas = make_personas()
    action = make_action(
        personas.agency_a, personas.bu_officer, title="Audit neglect referrals", due_date=date(2030, 6, 30)
    )
    make_action(personas.agency_a, personas.bu_officer, title="Another review's action", source_ref="W15")
    sign_in_through_the_page(page, personas.bu_officer.email)
    page.goto(f"/actions/{action.pk}/")

    due = page.locator("#due-main-form")
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("2")
    due.get_by_label("Year").fill("2031")
    due.get_by_label("Why the due date is changing").fill("Waiting for the new neglect strategy")
    due.get_by_role("button", name="Change the due date").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="New due date must be a real date")).to_have_attribute(
        "href", "#id_due-due_date_0"
    )
    # What was typed is kept.
    expect(page.get_by_label("Why the due date is changing")).to_have_value(
        "Waiting for the new neglect strategy"
    )
    assert_accessible(page)

    page.locator("#due-main-form").get_by_label("Day").fill("30")
    page.locator("#due-main-form").get_by_label("Month").fill("9")
    page.locator("#due-main-form").get_by_role("button", name="Change the due date").click()
    expect(page.get_by_text("Due date changed")).to_be_visible()
    expect(
        page.get_by_text(
            "Due date moved from 30 June 2030 to 30 September 2031: Waiting for the new neglect strategy"
        )
    ).to_be_visible()

    reassign = page.locator("#reassign-main-form")
    reassign.get_by_label("New owner agency").select_option(label="Agency B")
    reassign.get_by_label("Why it is being reassigned").fill("Agency B runs the service now")
    reassign.get_by_role("button", name="Reassign").click()
    expect(
        page.get_by_text("Reassigned from Agency A to Agency B: Agency B runs the service now")
    ).to_be_visible()
    assert_accessible(page)
    action.refresh_from_db()
    assert (action.owner_agency, action.due_date) == (personas.agency_b, date(2031, 9, 30))

    page.goto("/actions/")
    page.get_by_label("Source reference").fill("W15")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=action.reference)).to_have_count(0)
    expect(page.get_by_text("Another review's action")).to_be_visible()
    assert_accessible(page)
    assert Action.objects.count() == 2
