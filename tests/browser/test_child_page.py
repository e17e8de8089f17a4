"""The children's records in a real browser, each page type checked with axe-core for WCAG 2.2 AA.

A MASH practitioner, signed in with two-factor authentication, finds a child by name from the Children page,
opens the child's page and sees the timeline and an overdue assessment clock, adds the assessment (first
with an authorisation date before its start, which the error summary names and links to the field), and
corrects the child's UPN through the identity form.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import Agency
from safeguarding.children import services
from safeguarding.children.models import Assessment, Child
from safeguarding.children.tests.support import make_child
from safeguarding.core.testing import give_two_factor, make_agency, make_user
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page: Page, group: str, day: date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


def test_finding_a_child_adding_an_assessment_and_correcting_the_upn(page: Page) -> None:
    council = make_agency(name="Walsall Council", code="WMBC", kind=Agency.Kind.LOCAL_AUTHORITY)
    practitioner = make_user("mash_practitioner", council, full_name="Priya Practitioner")
    amy = make_child(first_name="Amy", last_name="Testchild", date_of_birth=date(2015, 3, 2))
    make_child(first_name="Ben", last_name="Otherchild", date_of_birth=date(2018, 7, 9))
    # Referred 100 days ago and never assessed: far past the 45 working days an assessment may take.
    referred = date.today() - timedelta(days=100)
    episode = services.cin_referral_create(
        actor=practitioner, child=amy, referral_date=referred, source="2A", contact_reference="C-TEST-1"
    )

    sign_in_through_the_page(page, practitioner.email, give_two_factor(practitioner))
    page.get_by_role("link", name="Children", exact=True).first.click()
    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("Amy Testchild")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Otherchild")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Amy Testchild").click()
    expect(page.get_by_role("heading", name="Amy Testchild", level=1)).to_be_visible()
    timeline = page.locator("#timeline + table")
    expect(timeline).to_contain_text("Referral to children's social care")
    expect(page.locator(".govuk-tag--red", has_text="Assessment overdue").first).to_be_visible()
    clocks = page.locator("#clocks + table")
    expect(clocks.get_by_role("row", name="Assessment")).to_contain_text("Overdue")
    assert_accessible(page)

    # An assessment authorised before it started is refused, with the error summary linking to the field.
    page.get_by_role("link", name="Add an assessment").click()
    expect(page.get_by_role("heading", name="Add an assessment", level=1)).to_be_visible()
    assert_accessible(page)
    started = referred + timedelta(days=1)
    _fill_date(page, "Start date", started)
    _fill_date(page, "Authorisation date", started - timedelta(days=1))
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name="The assessment cannot be authorised before it started")
    expect(link).to_have_attribute("href", "#id_authorisation_date_0")
    link.click()
    expect(page.locator("#id_authorisation_date_0")).to_be_focused()  # the day box of the date in error
    expect(page.locator("#id_authorisation_date-error")).to_contain_text(
        "cannot be authorised before it started"
    )
    assert_accessible(page)
    assert not Assessment.objects.exists()

    authorised = started + timedelta(days=30)
    _fill_date(page, "Authorisation date", authorised)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The assessment was added")).to_be_visible()
    expect(page.locator("#timeline + table")).to_contain_text("Assessment authorised")
    expect(page.get_by_text("Assessment overdue")).to_have_count(0)
    assessment = Assessment.objects.get(episode=episode)
    assert (assessment.start_date, assessment.authorisation_date) == (started, authorised)

    # The UPN: first mistyped (the census format is checked), then right.
    page.get_by_role("link", name="Correct the identity").click()
    expect(page.get_by_role("heading", name="Correct the child's identity", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Unique pupil number (UPN)").fill("A12345")
    page.get_by_role("button", name="Save").click()
    upn_error = page.locator(".govuk-error-summary").get_by_role("link", name="The UPN must be 13 characters")
    expect(upn_error).to_have_attribute("href", "#id_upn")
    assert_accessible(page)
    page.get_by_label("Unique pupil number (UPN)").fill("a123 4567 89012")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The child's identity was corrected")).to_be_visible()
    expect(page.locator("#identity + p + dl, #identity ~ dl").first).to_contain_text("A123456789012")
    assert Child.objects.get(pk=amy.pk).upn == "A123456789012"
    assert_accessible(page)
