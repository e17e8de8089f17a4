"""The MASH in a real browser, each page type checked with axe-core for WCAG 2.2 AA.

The whole front door: a school's safeguarding lead refers two children through the eMARF. A MASH
practitioner claims the contact, matches one child to an existing record and creates a record for the other,
asks the police for a check and records the answer, and decides level 4; a MASH manager, in their own browser,
authorises it. The referrer sees the outcome and next steps on their own page (and by email), and none of the
research.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from safeguarding.children.models import Child, CINReferral
from safeguarding.core.testing import give_two_factor, make_personas, use_private_storage
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.tests.test_mash_support import make_mash, school_contact
from tests.browser.emarf_steps import refer_amy_and_her_unborn_sibling, school_lead
from tests.browser.support import assert_accessible, sign_in_through_the_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_front_door_from_a_schools_referral_to_the_outcome_on_the_referrers_page(
    page: Page, browser: Browser, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    use_private_storage(settings, tmp_path)
    mash = make_mash()
    amy_record = Child.objects.create(
        first_name="Amy", last_name="Testchild", date_of_birth=date(2015, 3, 2), postcode="WS1 1TP"
    )

    # The school's safeguarding lead refers Amy and her unborn sibling through the eMARF.
    lead, lead_device = school_lead()
    sign_in_through_the_page(page, lead.email, lead_device)
    refer_amy_and_her_unborn_sibling(page)
    contact = Contact.objects.get()

    mash_page = _new_page(browser, live_server)
    sign_in_through_the_page(mash_page, mash.practitioner.email, give_two_factor(mash.practitioner))
    expect(mash_page.get_by_role("link", name="Contacts nobody is working on")).to_be_visible()
    mash_page.goto("/front-door/mash/")
    expect(mash_page.get_by_role("heading", name="MASH queue", level=1)).to_be_visible()
    assert_accessible(mash_page)

    mash_page.get_by_role("button", name=f"Claim {contact.reference}").click()
    expect(mash_page.get_by_role("heading", name=contact.reference, level=1)).to_be_visible()
    expect(mash_page.get_by_text(f"You are now working on contact {contact.reference}")).to_be_visible()
    assert_accessible(mash_page)

    mash_page.get_by_role("radio", name="Red").check()
    mash_page.get_by_role("button", name="Save rating").click()
    expect(mash_page.get_by_text("RAG rating saved")).to_be_visible()

    mash_page.get_by_role("link", name="Find a match for Amy Testchild").click()
    expect(mash_page.get_by_role("heading", name="Match Amy Testchild", level=1)).to_be_visible()
    expect(mash_page.locator(f"#candidate-{amy_record.pk}")).to_contain_text("Same name and date of birth")
    assert_accessible(mash_page)
    mash_page.get_by_role(
        "button", name=f"Link to the record of Amy Testchild, record {amy_record.pk}"
    ).click()
    expect(mash_page.get_by_text("Amy Testchild matched to the record of Amy Testchild")).to_be_visible()

    mash_page.get_by_role("link", name="Find a match for Unborn baby Testchild").click()
    mash_page.get_by_role("button", name="Create a new child record from these details").click()
    expect(mash_page.get_by_text("A new child record was created for Unborn baby Testchild")).to_be_visible()

    mash_page.get_by_role("button", name="Ask an agency for a check").click()
    expect(mash_page.get_by_role("heading", name="Ask an agency for a check", level=1)).to_be_visible()
    assert_accessible(mash_page)
    mash_page.get_by_role("button", name="Ask for the check").click()
    expect(mash_page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(mash_page)
    mash_page.get_by_label("Agency").select_option(label="West Midlands Police")
    mash_page.get_by_label("What are you asking?").fill(
        "Any domestic abuse call-outs to the address this year?"
    )
    mash_page.get_by_role("button", name="Ask for the check").click()
    expect(mash_page.get_by_text("Check requested from West Midlands Police")).to_be_visible()

    mash_page.get_by_role("link", name="Record the answer from West Midlands Police").click()
    expect(
        mash_page.get_by_role("heading", name="Record West Midlands Police's answer", level=1)
    ).to_be_visible()
    assert_accessible(mash_page)
    mash_page.get_by_label("What the agency told you").fill(
        "Two call-outs in March; the children were present."
    )
    mash_page.get_by_label("Who answered").fill("PC Jones, public protection unit")
    mash_page.get_by_role("button", name="Record the answer").click()
    expect(mash_page.get_by_text("West Midlands Police's answer recorded")).to_be_visible()
    expect(mash_page.get_by_text("Two call-outs in March")).to_be_visible()

    mash_page.get_by_role("button", name="Record the decision").click()
    expect(mash_page.get_by_role("heading", name="Record the decision", level=1)).to_be_visible()
    assert_accessible(mash_page)
    mash_page.get_by_role("button", name="Record the decision").click()
    summary = mash_page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select the outcome")).to_be_visible()
    assert_accessible(mash_page)
    mash_page.get_by_role("radio", name="Level 4: statutory assessment").check()
    mash_page.get_by_label("A strategy discussion is to be held").check()
    today = timezone.localdate()
    strategy = mash_page.get_by_role("group", name="Date of the strategy discussion")
    strategy.get_by_label("Day").fill(str(today.day))
    strategy.get_by_label("Month").fill(str(today.month))
    strategy.get_by_label("Year").fill(str(today.year))
    mash_page.get_by_label("Rationale").fill(
        "Repeated domestic abuse with the children present; harm suspected."
    )
    mash_page.get_by_label("Outcome and next steps for the referrer").fill(
        "Children's social care will assess the family; a social worker will contact the school."
    )
    mash_page.get_by_role("button", name="Record the decision").click()
    expect(mash_page.get_by_text("Decision sent to a MASH manager to authorise")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.AWAITING_AUTHORISATION

    # Until the decision is authorised, the referrer sees no outcome.
    page.goto(f"/front-door/referrals/{contact.pk}/")
    expect(page.get_by_text("The multi-agency safeguarding hub (MASH) has not decided yet")).to_be_visible()

    manager_page = _new_page(browser, live_server)
    sign_in_through_the_page(manager_page, mash.manager.email, give_two_factor(mash.manager))
    manager_page.get_by_role("link", name="Decisions waiting for your authorisation").click()
    assert_accessible(manager_page)
    manager_page.get_by_role("link", name=contact.reference).click()
    expect(manager_page.get_by_text("It needs your authorisation")).to_be_visible()
    manager_page.get_by_role("button", name="Authorise the decision").click()
    expect(manager_page.get_by_text("Decision authorised: Level 4: statutory assessment")).to_be_visible()
    assert_accessible(manager_page)

    decided = Contact.objects.get(pk=contact.pk)
    assert decided.status == Contact.Status.DECIDED
    assert decided.outcome == Contact.Outcome.LEVEL_4
    assert decided.authorised_by == mash.manager and decided.decided_by == mash.practitioner
    assert decided.strategy_discussion_date == today
    referrals = CINReferral.objects.filter(contact_reference=contact.reference)
    assert referrals.count() == 2 and referrals.filter(child=amy_record).exists()
    assert {r.source for r in referrals} == {"2A"}
    feedback = [m for m in mail.outbox if m.subject.startswith("The outcome of your referral")]
    assert len(feedback) == 1 and feedback[0].to == [lead.email]
    assert "a social worker will contact the school" in feedback[0].body
    assert "call-outs" not in feedback[0].body
    assert decided.feedback_sent_at is not None

    # The referrer sees the outcome and next steps on their own page, and none of the MASH's research.
    page.reload()
    outcome = page.locator(".govuk-summary-list").first
    expect(outcome).to_contain_text("Level 4: statutory assessment")
    expect(outcome).to_contain_text("a social worker will contact the school")
    expect(page.get_by_text("call-outs")).to_have_count(0)
    expect(page.get_by_text("harm suspected")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("row", name=re.compile(contact.reference))).to_contain_text("Level 4")


def _new_page(browser: Browser, live_server: Any) -> Page:
    """A second person's browser: its own context, so its own cookies and session."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    return opened


def test_recording_a_phone_contact_and_the_decided_tab(page: Page) -> None:
    make_personas()
    mash = make_mash()
    sign_in_through_the_page(page, mash.practitioner.email, give_two_factor(mash.practitioner))
    page.goto("/front-door/mash/")
    page.get_by_role("button", name="Record a phone, email or police contact").click()
    expect(page.get_by_role("heading", name="Record a contact", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record the contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("radio", name="Phone call").check()
    page.get_by_label("Referral source").select_option(value="1A")
    page.get_by_label("Referrer's name").fill("Grace Grandparent")
    page.get_by_label("Referrer's agency").select_option(label="Member of the public (no agency)")
    page.get_by_label("Referrer's phone number").fill("07700 900123")
    child = page.locator("#child-0-form")
    child.get_by_label("First name").fill("Dee")
    child.get_by_label("Last name").fill("Example")
    born = child.get_by_role("group", name="Date of birth", exact=True)
    born.get_by_label("Day").fill("4")
    born.get_by_label("Month").fill("5")
    born.get_by_label("Year").fill("2016")
    page.get_by_role("checkbox", name="Neglect").check()
    page.get_by_label("What happened").fill("Dee was left alone overnight, her grandmother says.")
    page.get_by_label("Why the parents do not agree, or were not asked").select_option(value="risk_to_child")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text(
        re.compile(r"Contact WSP-\d{4}-\d{6} recorded")
    )
    contact = Contact.objects.get(referrer_name="Grace Grandparent")
    assert (
        contact.channel == Contact.Channel.PHONE
        and contact.source == "1A"
        and contact.referrer_agency is None
    )

    page.goto("/front-door/mash/decided/")
    expect(page.get_by_role("heading", name="Decided in the last week", level=1)).to_be_visible()
    assert_accessible(page)


def test_a_manager_sends_a_decision_back_after_a_conflict(page: Page) -> None:
    from safeguarding.frontdoor.services import mash as services

    personas = make_personas()
    mash = make_mash()
    contact = school_contact(personas)
    services.contact_rate(actor=mash.practitioner, contact=contact, rag="red", seen_version=1)
    services.decision_record(
        actor=mash.practitioner,
        contact=Contact.objects.get(pk=contact.pk),
        decision=services.Decision(
            outcome="nfa", rationale="Unfounded", feedback="No further action", nfa_reason="Unfounded"
        ),
        seen_version=2,
    )
    sign_in_through_the_page(page, mash.manager.email, give_two_factor(mash.manager))
    page.goto(f"/front-door/mash/contacts/{contact.pk}/")
    page.get_by_role("link", name="Send it back to the practitioner").click()
    expect(page.get_by_role("heading", name="Send the decision back", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the decision back").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why are you sending the decision back?").fill(
        "Ask the school nurse what she has seen."
    )
    # Meanwhile a colleague asks the police for a check on the same contact.
    services.agency_check_request(
        actor=mash.colleague,
        contact=Contact.objects.get(pk=contact.pk),
        agency=mash.police,
        question="Call-outs?",
        due_at=None,
        seen_version=3,
    )
    page.get_by_role("button", name="Send the decision back").click()
    expect(page.get_by_text("Someone else changed this contact while you were working")).to_be_visible()
    expect(page.get_by_text("Asked West Midlands Police for a check")).to_be_visible()
    expect(page.get_by_label("Why are you sending the decision back?")).to_have_value(
        "Ask the school nurse what she has seen."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send the decision back").click()
    expect(page.get_by_text("Decision sent back to the practitioner")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.IN_PROGRESS
