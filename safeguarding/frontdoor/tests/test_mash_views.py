"""The MASH's pages: who may use them, the queue (filters, order, clocks, no N+1), the contact page and the
access log, recording a contact, matching, agency checks, the decision pages, conflicts that keep what was
typed, and the home page's items."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children.models import CINReferral
from safeguarding.core.testing import Personas
from safeguarding.frontdoor.models import AgencyCheck, Contact
from safeguarding.frontdoor.services import mash as services
from safeguarding.frontdoor.services.mash import Decision
from safeguarding.frontdoor.tests.test_mash_support import Mash, existing_child, make_mash, school_contact

pytestmark = pytest.mark.django_db

QUEUE = reverse("frontdoor:queue")
DECIDED = reverse("frontdoor:queue-decided")
RECORD = reverse("frontdoor:mash-contact-record")


@pytest.fixture
def mash(personas: Personas) -> Mash:
    return make_mash()


@pytest.fixture
def contact(personas: Personas) -> Contact:
    return school_contact(personas)


def _url(name: str, contact: Contact, *more: int) -> str:
    return reverse(f"frontdoor:{name}", args=[contact.pk, *more])


def _text(response: Any) -> str:
    return response.content.decode()


def _check(mash: Mash, contact: Contact) -> AgencyCheck:
    return services.agency_check_request(
        actor=mash.practitioner,
        contact=contact,
        agency=mash.police,
        question="Any domestic abuse call-outs to the address?",
        due_at=None,
        seen_version=Contact.objects.get(pk=contact.pk).version,
    )


def _all_pages(contact: Contact, check: AgencyCheck) -> dict[str, tuple[str, list[str]]]:
    """Every MASH page: its URL and the methods it answers."""
    child = contact.children.first()
    assert child is not None
    return {
        "queue": (QUEUE, ["GET"]),
        "decided": (DECIDED, ["GET"]),
        "record": (RECORD, ["GET", "POST"]),
        "detail": (_url("mash-contact", contact), ["GET"]),
        "claim": (_url("mash-claim", contact), ["POST"]),
        "assign": (_url("mash-assign", contact), ["POST"]),
        "rate": (_url("mash-rate", contact), ["POST"]),
        "match": (_url("mash-child-match", contact, child.pk), ["GET"]),
        "link": (_url("mash-child-link", contact, child.pk), ["POST"]),
        "create": (_url("mash-child-create", contact, child.pk), ["POST"]),
        "check": (_url("mash-check-request", contact), ["GET", "POST"]),
        "answer": (_url("mash-check-answer", contact, check.pk), ["GET", "POST"]),
        "decision": (_url("mash-decision", contact), ["GET", "POST"]),
        "authorise": (_url("mash-authorise", contact), ["POST"]),
        "send-back": (_url("mash-send-back", contact), ["GET", "POST"]),
    }


# --- Who may use the pages ----------------------------------------------------------------------------------


def test_a_mash_practitioner_opens_every_page_they_work_with(mash: Mash, contact: Contact) -> None:
    pages = _all_pages(contact, _check(mash, contact))
    client = mash.client("practitioner")
    for name in ("queue", "decided", "record", "detail", "match", "check", "answer", "decision"):
        response = client.get(pages[name][0])
        assert response.status_code == 200, name
        assert response.context["current_area"] == "front-door"
        assert response.context["page_title"]


@pytest.mark.parametrize("persona", ["a_worker", "a_readonly", "b_worker", "bu_manager", "sysadmin"])
def test_referrers_agency_leads_and_others_outside_the_mash_get_403(
    personas: Personas, mash: Mash, contact: Contact, persona: str
) -> None:
    client = personas.client(persona)
    for name, (url, methods) in _all_pages(contact, _check(mash, contact)).items():
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 403, (persona, name, method)
    assert not AccessEvent.objects.filter(
        action__in=["view", "list", "search"], actor=getattr(personas, persona)
    ).exists()


def test_only_a_manager_authorises_or_sends_back(mash: Mash, contact: Contact) -> None:
    pages = _all_pages(contact, _check(mash, contact))
    practitioner = mash.client("practitioner")
    assert practitioner.post(pages["authorise"][0], {"version": 1}).status_code == 403
    assert practitioner.get(pages["send-back"][0]).status_code == 403


def test_pages_answer_only_their_methods(mash: Mash, contact: Contact) -> None:
    client = mash.client("manager")
    for name, (url, methods) in _all_pages(contact, _check(mash, contact)).items():
        for method in ("get", "post", "put", "delete"):
            if method.upper() not in methods:
                assert getattr(client, method)(url).status_code == 405, (name, method)


def test_signed_out_people_are_sent_to_sign_in(mash: Mash, contact: Contact) -> None:
    for name, (url, methods) in _all_pages(contact, _check(mash, contact)).items():
        response = getattr(Client(), methods[0].lower())(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:sign-in")), name


def test_two_factor_sign_in_comes_before_any_contact(mash: Mash, contact: Contact) -> None:
    from safeguarding.core.testing import sign_in

    client = sign_in(Client(), mash.practitioner, two_factor=False)
    response = client.get(_url("mash-contact", contact))
    assert response.status_code == 302
    assert "two-factor" in response["Location"]
    assert not AccessEvent.objects.filter(action="view").exists()


def test_an_unknown_contact_child_or_check_is_404(mash: Mash, contact: Contact) -> None:
    client = mash.client("practitioner")
    assert client.get(reverse("frontdoor:mash-contact", args=[999999])).status_code == 404
    assert client.get(_url("mash-child-match", contact, 999999)).status_code == 404
    assert client.get(_url("mash-check-answer", contact, 999999)).status_code == 404


# --- The queue ----------------------------------------------------------------------------------------------


def test_the_queue_lists_open_contacts_most_urgent_first_with_their_clocks(
    personas: Personas, mash: Mash
) -> None:
    now = timezone.now()
    old_green = school_contact(personas, received_at=now - timedelta(days=9))
    new_red = school_contact(personas, received_at=now - timedelta(minutes=5))
    unrated = school_contact(personas, received_at=now - timedelta(hours=1))
    decided = school_contact(personas, received_at=now - timedelta(days=1))
    services.contact_rate(actor=mash.practitioner, contact=old_green, rag="green", seen_version=1)
    services.contact_rate(actor=mash.practitioner, contact=new_red, rag="red", seen_version=1)
    services.decision_record(
        actor=mash.practitioner,
        contact=decided,
        decision=Decision(outcome="level_1", rationale="Advice given", feedback="Advice given to the school"),
        seen_version=1,
    )
    response = mash.client("practitioner").get(QUEUE)
    rows = response.context["rows"]
    assert [row.contact.pk for row in rows] == [new_red.pk, unrated.pk, old_green.pk]
    page = _text(response)
    assert "Overdue by" in page  # nine days old
    assert "Due in 1 working day" in page or "Due today" in page
    assert decided.reference not in page
    assert "Amy Testchild" in page and "Neglect" in page and "Agency A" in page
    event = AccessEvent.objects.get(action="list", actor=mash.practitioner)
    assert event.details["shown"] == [new_red.pk, unrated.pk, old_green.pk]


def test_queue_filters(personas: Personas, mash: Mash) -> None:
    mine = school_contact(personas, referrer_level=4, concerns=["cse"])
    rated = school_contact(personas, referrer_level=2)
    from_b = school_contact(personas, referrer_level=2)
    Contact.objects.filter(pk=from_b.pk).update(referrer_agency=personas.agency_b)
    services.contact_claim(actor=mash.practitioner, contact=mine, seen_version=1)
    services.contact_rate(actor=mash.practitioner, contact=rated, rag="amber", seen_version=1)
    client = mash.client("practitioner")

    def shown(**query: Any) -> list[int]:
        return [row.contact.pk for row in client.get(QUEUE, query).context["rows"]]

    assert shown(worker="me") == [mine.pk]
    assert shown(worker="unassigned") == [rated.pk, from_b.pk]
    assert shown(level=4) == [mine.pk]
    assert shown(concern="cse") == [mine.pk]
    assert shown(rag="amber") == [rated.pk]
    assert shown(rag="none") == [mine.pk, from_b.pk]
    assert shown(agency=personas.agency_b.pk) == [from_b.pk]
    assert shown(status="new") == [from_b.pk]
    assert shown(status="in_progress", agency=personas.agency_a.pk) == [rated.pk, mine.pk]
    event = AccessEvent.objects.filter(action="list").order_by("-id").first()
    assert event is not None
    assert event.details["filters"] == {"status": "in_progress", "agency_id": personas.agency_a.pk}


def test_a_filter_that_makes_no_sense_is_shown_as_an_error(mash: Mash, contact: Contact) -> None:
    response = mash.client("practitioner").get(QUEUE, {"level": "9"})
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert response.context["page_title"] == "Error: MASH queue"
    assert [row.contact.pk for row in response.context["rows"]] == [contact.pk]


def test_overdue_filter_and_decided_tab(personas: Personas, mash: Mash) -> None:
    late = school_contact(personas, received_at=timezone.now() - timedelta(days=8))
    fresh = school_contact(personas)
    client = mash.client("practitioner")
    assert [row.contact.pk for row in client.get(QUEUE, {"overdue": "on"}).context["rows"]] == [late.pk]
    services.decision_record(
        actor=mash.practitioner,
        contact=fresh,
        decision=Decision(
            outcome="level_2", rationale="School can help", feedback="The school will support."
        ),
        seen_version=1,
    )
    response = client.get(DECIDED)
    assert [row.contact.pk for row in response.context["rows"]] == [fresh.pk]
    assert "Level 2: single-agency early help" in _text(response)


def test_the_queue_takes_the_same_number_of_queries_for_many_rows(personas: Personas, mash: Mash) -> None:
    client = mash.client("practitioner")
    for _ in range(3):
        school_contact(personas)
    client.get(QUEUE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for _ in range(22):
        contact = school_contact(personas)
        services.contact_claim(actor=mash.colleague, contact=contact, seen_version=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 25
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_queue_is_paginated_in_the_database(personas: Personas, mash: Mash) -> None:
    for _ in range(27):
        school_contact(personas)
    client = mash.client("practitioner")
    assert len(client.get(QUEUE).context["rows"]) == 25
    second = client.get(QUEUE, {"page": 2})
    assert len(second.context["rows"]) == 2
    assert "Pages of contacts" in _text(second)


def test_claiming_from_the_queue(mash: Mash, contact: Contact) -> None:
    client = mash.client("practitioner")
    assert "Claim<span" in _text(client.get(QUEUE))
    response = client.post(_url("mash-claim", contact), {"version": contact.version})
    assert response.status_code == 302
    assert response["Location"] == _url("mash-contact", contact)
    assert Contact.objects.get(pk=contact.pk).assigned_to == mash.practitioner


def test_a_stale_claim_shows_who_got_there_first(mash: Mash, contact: Contact) -> None:
    services.contact_claim(actor=mash.colleague, contact=contact, seen_version=1)
    response = mash.client("practitioner").post(_url("mash-claim", contact), {"version": 1})
    assert response.status_code == 409
    page = _text(response)
    assert "Someone else changed this contact while you were working" in page
    assert "Colin Colleague" in page and "Claimed" in page
    assert Contact.objects.get(pk=contact.pk).assigned_to == mash.colleague


# --- The contact page ---------------------------------------------------------------------------------------


def test_the_contact_page_shows_everything_and_is_logged(mash: Mash, contact: Contact) -> None:
    check = _check(mash, contact)
    response = mash.client("practitioner").get(_url("mash-contact", contact))
    page = _text(response)
    assert contact.reference in page
    assert "Amy came to school hungry" in page and "Parent Testchild" in page
    assert "Any domestic abuse call-outs" in page and "West Midlands Police" in page
    assert "Not matched yet" in page
    assert "Asked West Midlands Police for a check" in page  # the log of work
    assert _url("mash-check-answer", contact, check.pk) in page
    event = AccessEvent.objects.get(action="view", actor=mash.practitioner, subject_type="frontdoor.contact")
    assert event.subject_id == str(contact.pk)


def test_free_text_is_escaped(personas: Personas, mash: Mash) -> None:
    contact = school_contact(personas, what_happened="<script>alert('x')</script> was written")
    page = _text(mash.client("practitioner").get(_url("mash-contact", contact)))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_matched_child_shows_repeat_contacts_and_involvement_and_its_view_is_logged(
    personas: Personas, mash: Mash
) -> None:
    child = existing_child()
    earlier = school_contact(personas, received_at=timezone.now() - timedelta(days=60))
    contact = school_contact(personas)
    for each in (earlier, contact):
        amy = each.children.get(first_name="Amy")
        services.contact_child_link(actor=mash.practitioner, contact_child=amy, child=child, seen_version=1)
    CINReferral.objects.create(
        child=child,
        referral_date=timezone.localdate() - timedelta(days=50),
        source="2A",
        recorded_by=mash.manager,
    )
    page = _text(mash.client("practitioner").get(_url("mash-contact", contact)))
    assert "Repeat contact" in page and earlier.reference in page
    assert "Referral to children's social care on" in page
    assert AccessEvent.objects.filter(
        action="view", subject_type="children.child", subject_id=str(child.pk), actor=mash.practitioner
    ).exists()


def test_rating_and_assigning_from_the_contact_page(mash: Mash, contact: Contact) -> None:
    client = mash.client("practitioner")
    assert client.post(_url("mash-rate", contact), {"version": 1, "rag": "red"}).status_code == 302
    assert (
        client.post(_url("mash-assign", contact), {"version": 2, "assignee": mash.colleague.pk}).status_code
        == 302
    )
    fresh = Contact.objects.get(pk=contact.pk)
    assert (fresh.rag, fresh.assigned_to) == ("red", mash.colleague)
    missing = client.post(_url("mash-rate", contact), {"version": 3})
    assert missing.status_code == 400
    assert '<a href="#id_rag">Select red, amber or green</a>' in _text(missing)


def test_a_stale_rating_is_shown_again_with_the_choice_kept(mash: Mash, contact: Contact) -> None:
    services.contact_rate(actor=mash.colleague, contact=contact, rag="green", seen_version=1)
    response = mash.client("practitioner").post(_url("mash-rate", contact), {"version": 1, "rag": "red"})
    assert response.status_code == 409
    page = _text(response)
    assert "Rated green" in page
    assert 'value="red" checked' in page
    assert response.context["rag_form"]["version"].value() == "2"


# --- Recording a contact ------------------------------------------------------------------------------------


def _record_form(mash: Mash, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "children_count": "2",
        "household_count": "1",
        "channel": "police",
        "received_date_0": today.day,
        "received_date_1": today.month,
        "received_date_2": today.year,
        "received_time": "00:05",
        "source": "6",
        "dash_risk": "high",
        "referrer_name": "DC Sam Smith",
        "referrer_role": "Public protection unit",
        "referrer_agency": str(mash.police.pk),
        "referrer_phone": "101",
        "referrer_email": "ppu@example.org",
        "child-0-first_name": "Dee",
        "child-0-last_name": "Example",
        "child-0-date_of_birth_0": "4",
        "child-0-date_of_birth_1": "5",
        "child-0-date_of_birth_2": "2016",
        "child-0-sex": "2",
        "child-0-ethnicity": "WBRI",
        "child-0-postcode": "ws2 8aa",
        "child-1-first_name": "Eli",
        "child-1-last_name": "Example",
        "child-1-date_of_birth_0": "1",
        "child-1-date_of_birth_1": "9",
        "child-1-date_of_birth_2": "2019",
        "child-1-sex": "1",
        "child-1-ethnicity": "WBRI",
        "member-0-name": "Fay Example",
        "member-0-relationship": "mother",
        "member-0-parental_responsibility": "on",
        "member-0-lives_with_child": "on",
        "concerns": ["domestic_abuse"],
        "what_happened": "Police attended a domestic incident; the children were present.",
        "parents_aware": "yes",
        "consent": "not_sought",
        "no_consent_reason": "prejudice",
        "record": "1",
    }
    data.update(overrides)
    return data


def test_recording_a_police_notification(mash: Mash) -> None:
    response = mash.client("practitioner").post(RECORD, _record_form(mash))
    assert response.status_code == 302, _text(response)
    contact = Contact.objects.get(referrer_name="DC Sam Smith")
    assert response["Location"] == _url("mash-contact", contact)
    assert (contact.channel, contact.dash_risk, contact.source, contact.referrer_agency) == (
        "police",
        "high",
        "6",
        mash.police,
    )
    assert timezone.localtime(contact.received_at).strftime("%H:%M") == "00:05"
    assert [c.first_name for c in contact.children.order_by("pk")] == ["Dee", "Eli"]
    assert contact.children.get(first_name="Dee").postcode == "WS2 8AA"
    assert contact.household.get().parental_responsibility
    assert contact.referrer is None


def test_recording_a_contact_with_mistakes_shows_the_error_summary(mash: Mash) -> None:
    data = _record_form(
        mash,
        dash_risk="",
        referrer_name="",
        **{"child-0-postcode": "nowhere", "child-1-date_of_birth_2": "", "received_time": "25:00"},
    )
    response = mash.client("practitioner").post(RECORD, data)
    assert response.status_code == 200
    page = _text(response)
    assert "There is a problem" in page
    assert '<a href="#id_referrer_name">Enter the referrer&#x27;s name</a>' in page
    assert '<a href="#id_received_time">Time received must be a real time, like 14:30</a>' in page
    assert "Date of birth must include a day, month and year" in page
    assert response.context["page_title"] == "Error: Record a contact"
    assert 'value="Public protection unit"' in page  # what was typed is kept
    assert not Contact.objects.exists()


def test_the_schema_checks_reach_the_right_field(mash: Mash) -> None:
    response = mash.client("practitioner").post(RECORD, _record_form(mash, **{"child-0-postcode": "nowhere"}))
    assert '<a href="#id_child-0-postcode">Enter a real postcode, like WS1 1TP</a>' in _text(response)
    response = mash.client("practitioner").post(RECORD, _record_form(mash, dash_risk=""))
    assert '<a href="#id_dash_risk">Select the DASH risk level the police gave</a>' in _text(response)
    assert not Contact.objects.exists()


def test_adding_another_child_keeps_what_was_typed_without_errors(mash: Mash) -> None:
    data = _record_form(mash, referrer_name="", add_child="1")
    data.pop("record")
    response = mash.client("practitioner").post(RECORD, data)
    page = _text(response)
    assert len(response.context["children"]) == 3
    assert "There is a problem" not in page
    assert 'value="Dee"' in page
    assert not Contact.objects.exists()


# --- Matching -----------------------------------------------------------------------------------------------


def test_the_match_page_lists_candidates_with_reasons_and_is_logged(mash: Mash, contact: Contact) -> None:
    child = existing_child(nhs_number="9434765919")
    amy = contact.children.get(first_name="Amy")
    response = mash.client("practitioner").get(_url("mash-child-match", contact, amy.pk))
    page = _text(response)
    assert "Same NHS number" in page and "Same name and date of birth" in page
    search = AccessEvent.objects.get(action="search", actor=mash.practitioner)
    assert search.details == {"contact_child": amy.pk, "candidates": [child.pk]}


def test_linking_and_creating_from_the_match_page(mash: Mash, contact: Contact) -> None:
    child = existing_child()
    amy, ben = contact.children.order_by("pk")
    client = mash.client("practitioner")
    response = client.post(_url("mash-child-link", contact, amy.pk), {"version": 1, "child": child.pk})
    assert response.status_code == 302
    response = client.post(_url("mash-child-create", contact, ben.pk), {"version": 2})
    assert response.status_code == 302
    amy.refresh_from_db()
    ben.refresh_from_db()
    assert amy.child == child
    assert ben.child is not None and ben.child.first_name == "Ben"
    stale = client.post(_url("mash-child-create", contact, ben.pk), {"version": 2})
    assert stale.status_code == 409
    assert "Someone else changed this contact" in _text(stale)


# --- Agency checks ------------------------------------------------------------------------------------------


def test_asking_for_a_check_and_recording_the_answer_through_the_pages(mash: Mash, contact: Contact) -> None:
    client = mash.client("practitioner")
    page = _text(client.get(_url("mash-check-request", contact)))
    assert "Leave the date and time empty for the default: 12:00" in page
    response = client.post(
        _url("mash-check-request", contact),
        {"version": 1, "agency": mash.police.pk, "question": "Call-outs?"},
    )
    assert response.status_code == 302
    check = AgencyCheck.objects.get()
    today = timezone.localdate()
    response = client.post(
        _url("mash-check-answer", contact, check.pk),
        {
            "version": 2,
            "answer": "No call-outs recorded.",
            "answered_by_name": "PC Jones",
            "answered_date_0": today.day,
            "answered_date_1": today.month,
            "answered_date_2": today.year,
            "answered_time": timezone.localtime().strftime("%H:%M"),
        },
    )
    assert response.status_code == 302, _text(response)
    check.refresh_from_db()
    assert check.answer == "No call-outs recorded." and check.recorded_by == mash.practitioner


@pytest.mark.parametrize("page", ["check request", "check answer", "send back"])
def test_a_conflict_on_a_form_page_shows_what_changed_and_keeps_what_was_typed(
    mash: Mash, contact: Contact, page: str
) -> None:
    check = _check(mash, contact)  # version 2
    if page == "send back":
        services.contact_rate(actor=mash.practitioner, contact=contact, rag="red", seen_version=2)
        services.decision_record(
            actor=mash.practitioner,
            contact=Contact.objects.get(pk=contact.pk),
            decision=Decision(outcome="nfa", rationale="Unfounded", feedback="None", nfa_reason="Unfounded"),
            seen_version=3,
        )
    stale = Contact.objects.get(pk=contact.pk).version
    services.contact_assign(
        actor=mash.manager,
        contact=Contact.objects.get(pk=contact.pk),
        assignee=mash.colleague,
        seen_version=stale,
    )
    typed = "Typed with care before the clash"
    cases: dict[str, tuple[str, Client, dict[str, Any]]] = {
        "check request": (
            _url("mash-check-request", contact),
            mash.client("practitioner"),
            {"agency": mash.police.pk, "question": typed},
        ),
        "check answer": (
            _url("mash-check-answer", contact, check.pk),
            mash.client("practitioner"),
            {
                "answer": typed,
                "answered_by_name": "PC Jones",
                "answered_date_0": timezone.localdate().day,
                "answered_date_1": timezone.localdate().month,
                "answered_date_2": timezone.localdate().year,
                "answered_time": timezone.localtime().strftime("%H:%M"),
            },
        ),
        "send back": (_url("mash-send-back", contact), mash.client("manager"), {"reason": typed}),
    }
    url, client, data = cases[page]
    response = client.post(url, {"version": stale, **data})
    assert response.status_code == 409
    text = _text(response)
    assert "Someone else changed this contact while you were working" in text
    assert "Colin Colleague" in text
    assert typed in text
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.version == stale + 1  # the clash changed nothing
    assert AgencyCheck.objects.filter(question=typed).count() == 0
    assert AgencyCheck.objects.filter(answer=typed).count() == 0


def test_a_check_request_with_half_a_due_time_is_an_error(mash: Mash, contact: Contact) -> None:
    response = mash.client("practitioner").post(
        _url("mash-check-request", contact),
        {"version": 1, "agency": mash.police.pk, "question": "Call-outs?", "due_time": "15:00"},
    )
    assert response.status_code == 400
    assert "Enter the date the answer is due on, as well as the time" in _text(response)


# --- The decision pages -------------------------------------------------------------------------------------


def _decision_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "outcome": "level_2",
        "rationale": "My careful rationale about the family's needs.",
        "feedback": "The school nurse will be in touch.",
    }
    data.update(overrides)
    return data


def test_deciding_through_the_page(
    mash: Mash, contact: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    client = mash.client("practitioner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("mash-decision", contact), _decision_form())
    assert response.status_code == 302
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.outcome == "level_2" and fresh.status == Contact.Status.DECIDED
    assert [m.to for m in mail.outbox if "outcome" in m.subject] == [[contact.referrer_email]]


def test_decision_form_errors(mash: Mash, contact: Contact) -> None:
    response = mash.client("practitioner").post(
        _url("mash-decision", contact), _decision_form(outcome="nfa", rationale="", strategy_discussion="on")
    )
    page = _text(response)
    assert response.status_code == 400
    assert "Enter the rationale for the decision" in page
    assert "Enter the reason for no further action" in page
    assert "A strategy discussion is only decided with level 4" in page


def test_level_4_with_unmatched_children_says_so(mash: Mash, contact: Contact) -> None:
    response = mash.client("manager").post(_url("mash-decision", contact), _decision_form(outcome="level_4"))
    assert response.status_code == 400
    assert "Match every child to a child record" in _text(response)
    assert Contact.objects.get(pk=contact.pk).outcome == ""


def test_two_people_deciding_the_second_sees_the_first_and_keeps_their_text(
    mash: Mash, contact: Contact
) -> None:
    first, second = mash.client("colleague"), mash.client("practitioner")
    assert first.post(_url("mash-decision", contact), _decision_form(outcome="level_1")).status_code == 302
    response = second.post(
        _url("mash-decision", contact), _decision_form(rationale="Second person's long and careful rationale")
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Someone else changed this contact while you were working" in page
    assert "Colin Colleague" in page and "Decided: Level 1" in page
    assert "Second person&#x27;s long and careful rationale" in page  # nothing typed is lost
    assert "This contact has been decided" in page
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.outcome == "level_1" and fresh.decided_by == mash.colleague


def test_manager_authorises_and_sends_back_through_the_pages(mash: Mash, contact: Contact) -> None:
    for link in contact.children.all():
        services.contact_child_create_record(
            actor=mash.practitioner,
            contact_child=link,
            seen_version=Contact.objects.get(pk=contact.pk).version,
        )
    version = Contact.objects.get(pk=contact.pk).version
    practitioner, manager = mash.client("practitioner"), mash.client("manager")
    practitioner.post(_url("mash-decision", contact), _decision_form(outcome="level_4", version=version))
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.AWAITING_AUTHORISATION
    detail = _text(manager.get(_url("mash-contact", contact)))
    assert "Authorise the decision" in detail and "It needs your authorisation" in detail
    response = manager.post(
        _url("mash-send-back", contact), {"version": version + 1, "reason": "Check with health"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).status == Contact.Status.IN_PROGRESS
    practitioner.post(_url("mash-decision", contact), _decision_form(outcome="level_4", version=version + 2))
    response = manager.post(_url("mash-authorise", contact), {"version": version + 3})
    assert response.status_code == 302
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.status == Contact.Status.DECIDED and fresh.authorised_by == mash.manager
    assert CINReferral.objects.filter(contact_reference=contact.reference, source="2A").count() == 2


# --- Agency checks stay inside the MASH ---------------------------------------------------------------------


def test_agency_checks_appear_only_on_mash_pages(personas: Personas, mash: Mash, contact: Contact) -> None:
    check = _check(mash, contact)
    services.agency_check_answer(
        actor=mash.practitioner,
        check=check,
        answer="Secret police intelligence",
        answered_by_name="PC Jones",
        answered_at=timezone.now(),
        seen_version=2,
    )
    assert "Secret police intelligence" in _text(
        mash.client("practitioner").get(_url("mash-contact", contact))
    )
    referrer = personas.client("a_worker")
    for url in (_url("mash-contact", contact), QUEUE):
        response = referrer.get(url)
        assert response.status_code == 403
        assert "Secret police intelligence" not in _text(response)
    assert "Secret police intelligence" not in _text(mash.client("practitioner").get(QUEUE))


# --- Home page ----------------------------------------------------------------------------------------------


def test_home_page_items_for_practitioners_and_managers(personas: Personas, mash: Mash) -> None:
    late = school_contact(personas, received_at=timezone.now() - timedelta(days=8))
    school_contact(personas)
    services.contact_claim(actor=mash.practitioner, contact=late, seen_version=1)
    page = _text(mash.client("practitioner").get("/"))
    assert "Contacts assigned to you" in page
    assert "Your contacts past the decision deadline" in page
    assert "Contacts nobody is working on" in page
    assert "Decisions waiting for your authorisation" not in page

    waiting = school_contact(personas)
    services.contact_rate(actor=mash.practitioner, contact=waiting, rag="red", seen_version=1)
    services.decision_record(
        actor=mash.practitioner,
        contact=Contact.objects.get(pk=waiting.pk),
        decision=Decision(outcome="nfa", rationale="No concerns", feedback="None", nfa_reason="Unfounded"),
        seen_version=2,
    )
    manager_page = _text(mash.client("manager").get("/"))
    assert "Decisions waiting for your authorisation" in manager_page
    assert "Contacts assigned to you" not in personas.client("a_worker").get("/").content.decode()
