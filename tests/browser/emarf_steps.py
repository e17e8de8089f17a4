"""The eMARF filled in through the real pages, shared by the eMARF test and the whole front door journey.

A school's safeguarding lead refers two children (one of them unborn) through every section, checks the
answers and sends. Each kind of page is checked with axe-core for WCAG 2.2 AA on the way.
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from safeguarding.accounts.models import Agency, User
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from safeguarding.frontdoor.tests.test_emarf_support import PDF_BYTES
from tests.browser.support import assert_accessible


def school_lead(agency: Agency | None = None) -> tuple[User, object]:
    """The designated safeguarding lead of a primary school, with a two-factor device."""
    school = agency or make_agency(name="Walsall Test Primary School", code="WTPS", kind=Agency.Kind.SCHOOL)
    lead = make_user(
        "agency_safeguarding_lead",
        school,
        full_name="Dana Lead",
        email="dana.lead@example.org",
        job_title="Designated safeguarding lead",
    )
    return lead, give_two_factor(lead)


def open_section(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()


def save(page: Page, label: str = "Save and continue") -> None:
    page.get_by_role("button", name=label).click()


def refer_amy_and_her_unborn_sibling(page: Page) -> None:
    """From the home page of a signed-in referrer to the "Referral sent" page."""
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
    open_section(page, "Your details")
    expect(page.get_by_text("Designated safeguarding lead")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your phone number").fill("01922 000111")
    save(page)

    # The children: two, one of them unborn.
    open_section(page, "The children")
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
    save(page, "Save child")
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
    save(page, "Save child")
    expect(page.get_by_role("heading", name="Unborn baby Testchild")).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    # The household.
    open_section(page, "The household")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Full name").fill("Pat Testparent")
    page.get_by_label("Relationship to the child or children").fill("mother")
    page.locator("#id_parental_responsibility").check()
    page.locator("#id_lives_with_child").check()
    assert_accessible(page)
    save(page, "Save person")
    page.get_by_role("button", name="Continue").click()

    # The worry.
    open_section(page, "What you are worried about")
    page.get_by_role("checkbox", name="Neglect").check()
    page.get_by_role("checkbox", name="Domestic abuse").check()
    page.get_by_label("What happened?").fill("Amy has come to school hungry three days running.")
    page.get_by_label("What has the child said?").fill("There is shouting at home at night.")
    assert_accessible(page)
    save(page)

    # The level of need, with the descriptors as hints.
    open_section(page, "Level of need")
    expect(page.get_by_text("Several needs that need a multi-agency early help assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Level 3: early help assessment (multi-agency)").check()
    save(page)

    # Immediate danger: "yes" needs 999 called first.
    open_section(page, "Immediate danger")
    expect(page.get_by_text("call 999 first, before you finish this referral")).to_be_visible()
    page.locator("#id_immediate_danger").check()
    save(page)
    expect(page.locator(".govuk-error-summary").get_by_role("link", name="call 999 first")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_immediate_danger-2").check()
    save(page)

    # Consent.
    open_section(page, "Consent")
    page.locator("#id_parents_aware-2").check()
    page.get_by_role("radio", name="Consent not sought").check()
    page.get_by_role("radio", name="Telling the parents would put the child at risk").check()
    assert_accessible(page)
    save(page)

    # A file.
    open_section(page, "Files")
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
