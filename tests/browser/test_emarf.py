"""The eMARF in a real browser: a school's safeguarding lead refers two children through every section, checks
the answers and sends; a missing answer shows the error summary linking to the field. Each kind of page is
checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import Agency, User
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.tests.test_emarf_support import PDF_BYTES, use_private_storage
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def _school_lead() -> tuple[User, Any]:
    school = make_agency(name="Walsall Test Primary School", code="WTPS", kind=Agency.Kind.SCHOOL)
    lead = make_user(
        "agency_safeguarding_lead",
        school,
        full_name="Dana Lead",
        email="dana.lead@example.org",
        job_title="Designated safeguarding lead",
    )
    return lead, give_two_factor(lead)


def _open_section(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()


def _save(page: Page, label: str = "Save and continue") -> None:
    page.get_by_role("button", name=label).click()


def test_a_schools_safeguarding_lead_refers_two_children(page: Page) -> None:
    lead, device = _school_lead()
    sign_in_through_the_page(page, lead.email, device)

    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Front door", exact=True).click()
    expect(page.get_by_role("heading", name="Front door", level=1)).to_be_visible()
    expect(page.get_by_text("If a child is in immediate danger, call 999 now")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Make a referral").click()

    expect(page.get_by_role("heading", name="Make a referral", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start a new referral").click()

    # The task list.
    expect(page.get_by_text("You have completed 0 of 7 sections")).to_be_visible()
    expect(page.get_by_text("Cannot start yet")).to_be_visible()
    assert_accessible(page)

    # Your details: prefilled from the account, with a phone number to give.
    _open_section(page, "Your details")
    expect(page.get_by_text("Designated safeguarding lead")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your phone number").fill("01922 000111")
    _save(page)

    # The children: two, one of them unborn.
    _open_section(page, "The children")
    assert_accessible(page)
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("First name").fill("Amy")
    page.get_by_label("Last name").fill("Testchild")
    page.locator("#id_born").check()  # Yes: it has been born
    page.locator("#id_date_of_birth_0").fill("2")
    page.locator("#id_date_of_birth_1").fill("3")
    page.locator("#id_date_of_birth_2").fill("2015")
    page.get_by_role("radio", name="Female").check()
    page.get_by_label("Ethnicity").select_option(label="White: British")
    page.get_by_label("Postcode").fill("ws1 1tp")
    page.get_by_label("School, nursery or other setting").fill("Walsall Test Primary School")
    page.locator("#id_interpreter_needed-2").check()
    assert_accessible(page)
    _save(page, "Save child")
    expect(page.get_by_role("heading", name="Amy Testchild")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add another child").click()
    expected = date.today() + timedelta(days=90)
    page.get_by_label("Last name").fill("Testchild")
    page.locator("#id_born-2").check()  # No: an unborn baby, with an expected date
    page.locator("#id_expected_date_of_birth_0").fill(str(expected.day))
    page.locator("#id_expected_date_of_birth_1").fill(str(expected.month))
    page.locator("#id_expected_date_of_birth_2").fill(str(expected.year))
    page.get_by_role("radio", name="Not known").check()
    page.locator("#id_interpreter_needed-2").check()
    _save(page, "Save child")
    expect(page.get_by_role("heading", name="Unborn baby Testchild")).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    # The household.
    _open_section(page, "The household")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Full name").fill("Pat Testparent")
    page.get_by_label("Relationship to the child or children").fill("mother")
    page.locator("#id_parental_responsibility").check()
    page.locator("#id_lives_with_child").check()
    assert_accessible(page)
    _save(page, "Save person")
    page.get_by_role("button", name="Continue").click()

    # The worry.
    _open_section(page, "What you are worried about")
    page.get_by_role("checkbox", name="Neglect").check()
    page.get_by_role("checkbox", name="Domestic abuse").check()
    page.get_by_label("What happened?").fill("Amy has come to school hungry three days running.")
    page.get_by_label("What has the child said?").fill("There is shouting at home at night.")
    assert_accessible(page)
    _save(page)

    # The level of need, with the descriptors as hints.
    _open_section(page, "Level of need")
    expect(page.get_by_text("Several needs that need a multi-agency early help assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Level 3: early help assessment (multi-agency)").check()
    _save(page)

    # Immediate danger: "yes" needs 999 called first.
    _open_section(page, "Immediate danger")
    expect(page.get_by_text("call 999 first, before you finish this referral")).to_be_visible()
    page.locator("#id_immediate_danger").check()
    _save(page)
    expect(page.locator(".govuk-error-summary").get_by_role("link", name="call 999 first")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_immediate_danger-2").check()
    _save(page)

    # Consent.
    _open_section(page, "Consent")
    page.locator("#id_parents_aware-2").check()
    page.get_by_role("radio", name="Consent not sought").check()
    page.get_by_role("radio", name="Telling the parents would put the child at risk").check()
    assert_accessible(page)
    _save(page)

    # A file.
    _open_section(page, "Files")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "chronology.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("chronology.pdf has been uploaded")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    # Check your answers, and send.
    expect(page.get_by_text("You have completed 7 of 7 sections")).to_be_visible()
    page.get_by_role("link", name="Check your answers and send").click()
    expect(
        page.get_by_role("heading", name="Check your answers before sending your referral")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Amy Testchild")).to_be_visible()
    expect(page.get_by_role("heading", name="Unborn baby Testchild")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()

    expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
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
    lead, device = _school_lead()
    sign_in_through_the_page(page, lead.email, device)
    page.goto("/front-door/referrals/new/")
    page.get_by_role("button", name="Start a new referral").click()
    _open_section(page, "The children")
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("First name").fill("Amy")
    _save(page, "Save child")

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
    _save(page, "Save child")
    date_link = page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the child's date of birth"
    )
    expect(date_link).to_have_attribute("href", "#id_date_of_birth_0")
    assert_accessible(page)
    date_link.click()
    expect(page.locator("#id_date_of_birth_0")).to_be_focused()
