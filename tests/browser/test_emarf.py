"""The eMARF in a real browser: a school's safeguarding lead refers two children through every section, checks
the answers and sends; a missing answer shows the error summary linking to the field. Each kind of page is
checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.core.testing import use_private_storage
from safeguarding.frontdoor.models import Contact
from tests.browser.emarf_steps import open_section, refer_amy_and_her_unborn_sibling, save, school_lead
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def test_a_schools_safeguarding_lead_refers_two_children(page: Page) -> None:
    lead, device = school_lead()
    sign_in_through_the_page(page, lead.email, device)
    refer_amy_and_her_unborn_sibling(page)

    contact = Contact.objects.get()
    expect(page.get_by_text(contact.reference)).to_be_visible()
    assert_accessible(page)
    assert contact.referrer == lead
    assert contact.referrer_role == "Designated safeguarding lead"
    assert [c.first_name for c in contact.children.all()] == ["Amy", ""]
    assert contact.attachments.get().original_name == "chronology.pdf"

    # The referrer follows it on their agency's list.
    page.get_by_role("link", name="See your referrals").click()
    expect(page.get_by_role("link", name=contact.reference)).to_be_visible()
    expect(page.get_by_text("Amy T., Unborn baby T.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", name=f"Referral {contact.reference}")).to_be_visible()
    assert_accessible(page)


def test_a_missing_answer_shows_the_error_summary_linking_to_the_field(page: Page) -> None:
    lead, device = school_lead()
    sign_in_through_the_page(page, lead.email, device)
    page.goto("/front-door/referrals/new/")
    page.get_by_role("button", name="Start a new referral").click()
    open_section(page, "The children")
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("First name").fill("Amy")
    save(page, "Save child")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter the child's last name")
    expect(link).to_have_attribute("href", "#id_last_name")
    expect(page.get_by_label("First name")).to_have_value("Amy")  # what was typed is kept
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    link.click()
    expect(page.locator("#id_last_name")).to_be_focused()

    # A date of birth left out, once "born" is answered, links to the day box.
    page.locator("#id_last_name").fill("Testchild")
    page.locator("#id_born").check()
    page.get_by_role("radio", name="Female").check()
    page.locator("#id_interpreter_needed-2").check()
    save(page, "Save child")
    date_link = page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the child's date of birth"
    )
    expect(date_link).to_have_attribute("href", "#id_date_of_birth_0")
    assert_accessible(page)
    date_link.click()
    expect(page.locator("#id_date_of_birth_0")).to_be_focused()
