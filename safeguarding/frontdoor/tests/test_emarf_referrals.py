""" "Your referrals": referrers see their own, an agency's safeguarding lead the agency's; each shows what was
referred and, once the MASH has decided, the outcome and next steps, never the MASH's own research."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.testing import Personas, make_user, sign_in
from safeguarding.frontdoor.models import AgencyCheck, Attachment, Contact
from safeguarding.frontdoor.tests.test_emarf_support import send_referral

pytestmark = pytest.mark.django_db

LIST = reverse("frontdoor:referral-list")


def _detail(contact: Contact) -> str:
    return reverse("frontdoor:referral-detail", args=[contact.pk])


def _decide(contact: Contact, *, outcome: str, feedback: str, rationale: str) -> None:
    # The MASH's decision is another module's service; here the record simply is decided.
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        status=Contact.Status.DECIDED,
        outcome=outcome,
        rationale=rationale,
        feedback=feedback,
        decided_at=now,
        feedback_sent_at=now + timedelta(minutes=5),
    )


def test_a_referrer_sees_their_own_referrals_only(personas: Personas) -> None:
    mine = send_referral(personas.a_readonly, personas.agency_a)
    colleague = make_user("referrer", personas.agency_a)
    theirs = send_referral(colleague, personas.agency_a)
    page = personas.client("a_readonly").get(LIST).content.decode()
    assert '<h1 class="govuk-heading-xl">Your referrals</h1>' in page
    assert mine.reference in page
    assert theirs.reference not in page
    assert "Amy T., Unborn baby T." in page
    assert "Testchild" not in page  # first name and initial only in the list
    assert "Referred by" not in page


def test_an_agency_lead_sees_the_agencys_referrals(personas: Personas) -> None:
    mine = send_referral(personas.a_readonly, personas.agency_a)
    colleague = send_referral(make_user("referrer", personas.agency_a), personas.agency_a)
    elsewhere = send_referral(personas.b_worker, personas.agency_b)
    page = personas.client("a_worker").get(LIST).content.decode()
    assert "Your agency&#x27;s referrals" in page
    assert mine.reference in page and colleague.reference in page
    assert elsewhere.reference not in page
    assert "Referred by" in page and "Alan Reader" in page
    b_page = personas.client("b_worker").get(LIST).content.decode()
    assert elsewhere.reference in b_page and mine.reference not in b_page


def test_the_list_is_logged_with_what_it_showed(personas: Personas) -> None:
    contact = send_referral(personas.a_readonly, personas.agency_a)
    personas.client("a_readonly").get(LIST)
    event = AccessEvent.objects.filter(action="list", subject_type="frontdoor.contact").get()
    assert event.actor == personas.a_readonly
    assert event.details["references"] == [contact.reference]


def test_the_list_shows_status_and_the_outcome_once_decided(personas: Personas) -> None:
    waiting = send_referral(personas.a_readonly, personas.agency_a)
    decided = send_referral(personas.a_readonly, personas.agency_a)
    _decide(decided, outcome=Contact.Outcome.LEVEL_3, feedback="An early help assessment.", rationale="x")
    page = personas.client("a_readonly").get(LIST).content.decode()
    waiting_row = page[page.index(waiting.reference) : page.index("</tr>", page.index(waiting.reference))]
    decided_row = page[page.index(decided.reference) : page.index("</tr>", page.index(decided.reference))]
    assert "Received" in waiting_row and "Not decided yet" in waiting_row
    assert "Decided" in decided_row and "Level 3: early help assessment" in decided_row


def test_the_list_is_paginated_without_a_query_per_referral(personas: Personas) -> None:
    client = personas.client("a_readonly")
    send_referral(personas.a_readonly, personas.agency_a)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(29):
        send_referral(personas.a_readonly, personas.agency_a)
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST).content.decode()
    assert len(many.captured_queries) <= len(few.captured_queries) + 1  # + the paginator's count
    assert page.count("govuk-table__row") == 26  # a header and 25 referrals
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert second.count("govuk-table__row") == 6


def test_list_persona_matrix(personas: Personas) -> None:
    assert personas.client("bu_officer").get(LIST).status_code == 403
    assert personas.client("sysadmin").get(LIST).status_code == 403
    mash = sign_in(Client(), make_user("mash_practitioner", personas.business_unit))
    contact = send_referral(personas.a_readonly, personas.agency_a)
    assert contact.reference in mash.get(LIST).content.decode()
    assert personas.client("a_readonly").post(LIST).status_code == 405
    assert personas.client("a_readonly", two_factor=False).get(LIST).status_code == 302


def test_detail_shows_what_was_referred_and_the_outcome_but_not_the_mash_research(personas: Personas) -> None:
    contact = send_referral(personas.a_readonly, personas.agency_a, child_views="<i>I'm scared</i>")
    AgencyCheck.objects.create(
        contact=contact,
        agency=personas.agency_b,
        question="Known to the GP?",
        answer="Seen for bruising twice this year",
        requested_by=personas.a_worker,
        due_at=timezone.now(),
    )
    _decide(
        contact,
        outcome=Contact.Outcome.LEVEL_4,
        feedback="A social worker will visit the family this week.",
        rationale="Repeated bruising and the police log point to significant harm",
    )
    page = personas.client("a_readonly").get(_detail(contact)).content.decode()
    for text in ("Amy Testchild", "2 March 2015", "WS1 1TP", "Pat Testparent", "Neglect", "Breakfast club"):
        assert text in page
    assert "&lt;i&gt;I&#x27;m scared&lt;/i&gt;" in page
    assert "Level 4: statutory assessment" in page
    assert "A social worker will visit the family this week." in page
    assert "Repeated bruising" not in page
    assert "Seen for bruising" not in page
    assert "Known to the GP" not in page
    assert "Change" not in page  # a sent referral is not edited here


def test_detail_before_a_decision_says_when_it_is_due(personas: Personas) -> None:
    contact = send_referral(personas.a_readonly, personas.agency_a)
    page = personas.client("a_readonly").get(_detail(contact)).content.decode()
    assert "has not decided yet. It decides by the end of" in page


def test_detail_persona_matrix(personas: Personas) -> None:
    contact = send_referral(personas.a_readonly, personas.agency_a)
    url = _detail(contact)
    assert personas.client("a_readonly").get(url).status_code == 200
    assert personas.client("a_worker").get(url).status_code == 200
    assert sign_in(Client(), make_user("referrer", personas.agency_a)).get(url).status_code == 404
    assert personas.client("b_worker").get(url).status_code == 404
    assert personas.client("bu_officer").get(url).status_code == 403
    assert personas.client("a_readonly").post(url).status_code == 405
    assert (
        personas.client("a_readonly").get(reverse("frontdoor:referral-detail", args=[999999])).status_code
        == 404
    )
    views = AccessEvent.objects.filter(action="view", subject_id=str(contact.pk))
    assert {event.actor for event in views} == {personas.a_readonly, personas.a_worker}


def test_the_detail_links_the_files_for_download(personas: Personas) -> None:
    contact = send_referral(personas.a_readonly, personas.agency_a)
    attachment = Attachment.objects.create(
        contact=contact,
        file="frontdoor/referral-files/x.pdf",
        original_name="chronology.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=personas.a_readonly,
    )
    page = personas.client("a_readonly").get(_detail(contact)).content.decode()
    assert reverse("frontdoor:attachment-download", args=[contact.pk, attachment.pk]) in page
    assert "chronology.pdf" in page
