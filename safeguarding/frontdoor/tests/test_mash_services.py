"""The MASH's work on a contact through its services: claiming, rating, matching, agency checks, the decision
rules (authorisation, matched children, CIN referrals with the census source code), optimistic locking, and
feedback to the referrer."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children.codes import ReferralSource
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest
from safeguarding.core.clocks import clock_due_date
from safeguarding.core.testing import Personas, make_user
from safeguarding.frontdoor.models import AgencyCheck, Contact
from safeguarding.frontdoor.services import mash as services
from safeguarding.frontdoor.services.mash import Conflict, Decision, WorkRefused
from safeguarding.frontdoor.services.referrals import Referrer
from safeguarding.frontdoor.tests.test_mash_support import (
    Mash,
    existing_child,
    make_mash,
    referral_answers,
    school_contact,
)

pytestmark = pytest.mark.django_db

Outcome = Contact.Outcome


@pytest.fixture
def mash(personas: Personas) -> Mash:
    return make_mash()


@pytest.fixture
def contact(personas: Personas) -> Contact:
    return school_contact(personas)


def _fresh(contact: Contact) -> Contact:
    return Contact.objects.get(pk=contact.pk)


def _changes(contact: Contact) -> list[AccessEvent]:
    return list(
        AccessEvent.objects.filter(
            subject_type="frontdoor.contact", subject_id=str(contact.pk), action="change"
        ).order_by("id")
    )


def _match_all(mash: Mash, contact: Contact) -> Contact:
    for link in contact.children.all():
        services.contact_child_create_record(
            actor=mash.practitioner, contact_child=link, seen_version=_fresh(contact).version
        )
    return _fresh(contact)


def _decide(mash: Mash, contact: Contact, outcome: str, *, actor: Any = None, **fields: Any) -> Contact:
    decision = Decision(
        outcome=outcome,
        rationale=fields.pop("rationale", "Agency checks show a pattern of neglect; the children need help."),
        feedback=fields.pop("feedback", "A social worker will contact the family this week."),
        **fields,
    )
    return services.decision_record(
        actor=actor or mash.practitioner, contact=contact, decision=decision, seen_version=contact.version
    )


# --- Claiming, assigning, rating -------------------------------------------------------------------------


def test_claiming_assigns_the_contact_starts_work_and_raises_the_version(
    mash: Mash, contact: Contact
) -> None:
    claimed = services.contact_claim(actor=mash.practitioner, contact=contact, seen_version=1)
    assert claimed.assigned_to == mash.practitioner
    assert claimed.status == Contact.Status.IN_PROGRESS
    assert _fresh(contact).version == 2
    [event] = _changes(contact)
    assert event.actor_id == mash.practitioner.pk
    assert event.details["version"] == 2
    assert "Claimed" in event.purpose
    assert contact.history.first().status == Contact.Status.IN_PROGRESS


def test_a_change_from_an_out_of_date_page_is_refused_as_a_conflict(mash: Mash, contact: Contact) -> None:
    services.contact_claim(actor=mash.practitioner, contact=contact, seen_version=1)
    with pytest.raises(Conflict) as raised:
        services.contact_rate(actor=mash.colleague, contact=contact, rag="red", seen_version=1)
    assert raised.value.seen_version == 1
    fresh = _fresh(contact)
    assert fresh.rag == "" and fresh.version == 2
    assert len(_changes(contact)) == 1


def test_contacts_are_assigned_only_to_people_who_work_contacts(
    personas: Personas, mash: Mash, contact: Contact
) -> None:
    with pytest.raises(WorkRefused, match="does not work contacts"):
        services.contact_assign(
            actor=mash.manager, contact=contact, assignee=personas.a_worker, seen_version=1
        )
    assigned = services.contact_assign(
        actor=mash.manager, contact=contact, assignee=mash.colleague, seen_version=1
    )
    assert assigned.assigned_to == mash.colleague
    assert "Assigned to Colin Colleague" in _changes(contact)[0].purpose


def test_people_outside_the_mash_cannot_work_a_contact(personas: Personas, contact: Contact) -> None:
    with pytest.raises(PermissionDenied):
        services.contact_rate(actor=personas.a_worker, contact=contact, rag="red", seen_version=1)


def test_rating(mash: Mash, contact: Contact) -> None:
    services.contact_rate(actor=mash.practitioner, contact=contact, rag="amber", seen_version=1)
    assert _fresh(contact).rag == "amber"
    with pytest.raises(WorkRefused):
        services.contact_rate(actor=mash.practitioner, contact=contact, rag="purple", seen_version=2)


# --- Matching children --------------------------------------------------------------------------------------


def test_linking_a_child_to_an_existing_record(mash: Mash, contact: Contact) -> None:
    child = existing_child()
    amy = contact.children.get(first_name="Amy")
    services.contact_child_link(actor=mash.practitioner, contact_child=amy, child=child, seen_version=1)
    amy.refresh_from_db()
    assert amy.child == child
    assert f"record {child.pk}" in _changes(contact)[0].purpose


def test_creating_a_child_record_from_the_contact_copies_the_details(mash: Mash, contact: Contact) -> None:
    amy = contact.children.get(first_name="Amy")
    services.contact_child_create_record(actor=mash.practitioner, contact_child=amy, seen_version=1)
    amy.refresh_from_db()
    assert amy.child is not None
    assert (amy.child.first_name, amy.child.last_name, amy.child.nhs_number, amy.child.postcode) == (
        "Amy",
        "Testchild",
        "9434765919",
        "WS1 1TP",
    )
    assert AccessEvent.objects.filter(action="create", subject_type="children.child").count() == 1


def test_a_stale_match_creates_no_child_record(mash: Mash, contact: Contact) -> None:
    services.contact_claim(actor=mash.colleague, contact=contact, seen_version=1)
    amy = contact.children.get(first_name="Amy")
    with pytest.raises(Conflict):
        services.contact_child_create_record(actor=mash.practitioner, contact_child=amy, seen_version=1)
    assert not Child.objects.exists()


# --- Agency checks ------------------------------------------------------------------------------------------


def test_an_agency_check_is_due_by_noon_on_the_decision_day_unless_said_otherwise(
    mash: Mash, contact: Contact
) -> None:
    check = services.agency_check_request(
        actor=mash.practitioner,
        contact=contact,
        agency=mash.police,
        question="Any call-outs?",
        due_at=None,
        seen_version=1,
    )
    due = timezone.localtime(check.due_at)
    assert due.date() == clock_due_date("referral-decision", contact.received_at)
    assert due.time() == time(12, 0)
    assert check.requested_by == mash.practitioner
    assert "West Midlands Police" in _changes(contact)[0].purpose


def test_a_check_on_a_contact_past_its_decision_day_is_due_within_two_hours(
    personas: Personas, mash: Mash
) -> None:
    old = school_contact(personas, received_at=timezone.now() - timedelta(days=10))
    now = timezone.now()
    assert services.agency_check_default_due(old, now=now) == now + timedelta(hours=2)


def test_a_check_due_in_the_past_is_refused(mash: Mash, contact: Contact) -> None:
    with pytest.raises(WorkRefused, match="future"):
        services.agency_check_request(
            actor=mash.practitioner,
            contact=contact,
            agency=mash.police,
            question="Any call-outs?",
            due_at=timezone.now() - timedelta(hours=1),
            seen_version=1,
        )
    assert not AgencyCheck.objects.exists()


def test_recording_an_answer_keeps_who_answered_and_when(mash: Mash, contact: Contact) -> None:
    check = services.agency_check_request(
        actor=mash.practitioner,
        contact=contact,
        agency=mash.police,
        question="Any call-outs?",
        due_at=None,
        seen_version=1,
    )
    answered_at = timezone.now()
    services.agency_check_answer(
        actor=mash.colleague,
        check=check,
        answer="Two domestic incidents at the address this year.",
        answered_by_name="PC Jones, public protection unit",
        answered_at=answered_at,
        seen_version=2,
    )
    check.refresh_from_db()
    assert (check.answered_by_name, check.answered_at, check.recorded_by) == (
        "PC Jones, public protection unit",
        answered_at,
        mash.colleague,
    )
    with pytest.raises(WorkRefused, match="already been answered"):
        services.agency_check_answer(
            actor=mash.colleague,
            check=check,
            answer="Again",
            answered_by_name="PC Jones",
            answered_at=answered_at,
            seen_version=3,
        )


def test_an_answer_from_the_future_is_refused(mash: Mash, contact: Contact) -> None:
    check = services.agency_check_request(
        actor=mash.practitioner,
        contact=contact,
        agency=mash.police,
        question="Any call-outs?",
        due_at=None,
        seen_version=1,
    )
    with pytest.raises(WorkRefused, match="now or in the past"):
        services.agency_check_answer(
            actor=mash.practitioner,
            check=check,
            answer="None",
            answered_by_name="PC Jones",
            answered_at=timezone.now() + timedelta(hours=3),
            seen_version=2,
        )


# --- The decision -------------------------------------------------------------------------------------------


def test_a_practitioner_decides_levels_1_to_3_without_a_manager(
    mash: Mash, contact: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decided = _decide(mash, contact, Outcome.LEVEL_2)
    assert decided.status == Contact.Status.DECIDED
    assert decided.decided_by == mash.practitioner and decided.decided_at is not None
    assert decided.authorised_by is None
    assert not CINReferral.objects.exists() and not EarlyHelpRequest.objects.exists()
    assert _fresh(contact).feedback_sent_at is not None


def test_level_4_by_a_practitioner_waits_for_a_manager_and_creates_nothing_yet(
    mash: Mash, contact: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    contact = _match_all(mash, contact)
    with django_capture_on_commit_callbacks(execute=True):
        proposed = _decide(mash, contact, Outcome.LEVEL_4)
    assert proposed.status == Contact.Status.AWAITING_AUTHORISATION
    assert proposed.decided_at is None
    assert not CINReferral.objects.exists()
    assert mail.outbox == []
    assert _fresh(contact).feedback_sent_at is None


def test_a_manager_authorises_level_4_and_a_cin_referral_is_made_for_each_child_with_the_source_code(
    mash: Mash, contact: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    contact = _match_all(mash, contact)
    strategy_day = timezone.localdate()
    proposed = _decide(mash, contact, Outcome.LEVEL_4, strategy_discussion_date=strategy_day)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.decision_authorise(
            actor=mash.manager, contact=proposed, seen_version=proposed.version
        )
    assert decided.status == Contact.Status.DECIDED
    assert decided.authorised_by == mash.manager and decided.decided_by == mash.practitioner
    referrals = list(CINReferral.objects.order_by("child__first_name"))
    assert [r.child.first_name for r in referrals] == ["Amy", "Ben"]
    for referral in referrals:
        assert referral.source == ReferralSource.SCHOOLS == contact.source  # a school referred: code 2A
        assert referral.referral_date == timezone.localdate(decided.decided_at)
        assert referral.contact_reference == contact.reference
        assert referral.strategy_discussion_date == strategy_day
        assert referral.recorded_by == mash.manager
    [email] = mail.outbox
    assert email.to == [contact.referrer_email]
    assert "Level 4" in email.body and "A social worker will contact the family" in email.body
    assert _fresh(contact).feedback_sent_at is not None


def test_level_4_needs_every_child_matched_first(mash: Mash, contact: Contact) -> None:
    amy = contact.children.get(first_name="Amy")
    services.contact_child_link(
        actor=mash.practitioner, contact_child=amy, child=existing_child(), seen_version=1
    )
    contact = _fresh(contact)
    with pytest.raises(WorkRefused, match="Match every child") as raised:
        _decide(mash, contact, Outcome.LEVEL_4, actor=mash.manager)
    assert "Ben Testchild" in str(raised.value) and "Amy" not in str(raised.value)
    fresh = _fresh(contact)
    assert fresh.status == Contact.Status.IN_PROGRESS and fresh.outcome == ""
    assert fresh.version == contact.version  # the refused decision changed nothing


def test_level_3_makes_an_early_help_request_for_each_child(mash: Mash, contact: Contact) -> None:
    contact = _match_all(mash, contact)
    _decide(mash, contact, Outcome.LEVEL_3)
    assert EarlyHelpRequest.objects.filter(contact_reference=contact.reference).count() == 2
    assert not CINReferral.objects.exists()


def test_no_further_action_on_a_red_contact_needs_a_manager_but_not_on_amber(
    personas: Personas, mash: Mash, contact: Contact
) -> None:
    services.contact_rate(actor=mash.practitioner, contact=contact, rag="red", seen_version=1)
    red = _decide(mash, _fresh(contact), Outcome.NFA, nfa_reason="Family moved out of the area")
    assert red.status == Contact.Status.AWAITING_AUTHORISATION

    amber = school_contact(personas)
    services.contact_rate(actor=mash.practitioner, contact=amber, rag="amber", seen_version=1)
    decided = _decide(mash, _fresh(amber), Outcome.NFA, nfa_reason="Needs met by the school")
    assert decided.status == Contact.Status.DECIDED and decided.nfa_reason == "Needs met by the school"


def test_no_further_action_needs_a_reason_and_every_decision_a_rationale(
    mash: Mash, contact: Contact
) -> None:
    with pytest.raises(WorkRefused, match="reason for no further action"):
        _decide(mash, contact, Outcome.NFA)
    with pytest.raises(WorkRefused, match="rationale"):
        _decide(mash, contact, Outcome.LEVEL_1, rationale="  ")
    assert _fresh(contact).version == 1


def test_a_managers_own_level_4_decision_is_final(mash: Mash, contact: Contact) -> None:
    contact = _match_all(mash, contact)
    decided = _decide(mash, contact, Outcome.LEVEL_4, actor=mash.manager)
    assert decided.status == Contact.Status.DECIDED
    assert decided.authorised_by == mash.manager
    assert CINReferral.objects.count() == 2


def test_only_a_manager_authorises_and_only_what_waits(mash: Mash, contact: Contact) -> None:
    contact = _match_all(mash, contact)
    with pytest.raises(WorkRefused, match="no decision"):
        services.decision_authorise(actor=mash.manager, contact=contact, seen_version=contact.version)
    proposed = _decide(mash, contact, Outcome.LEVEL_4)
    with pytest.raises(PermissionDenied):
        services.decision_authorise(actor=mash.colleague, contact=proposed, seen_version=proposed.version)
    with pytest.raises(WorkRefused, match="waiting for a manager"):
        _decide(mash, proposed, Outcome.LEVEL_2)


def test_a_manager_sends_a_decision_back_and_the_practitioner_decides_again(
    mash: Mash, contact: Contact
) -> None:
    contact = _match_all(mash, contact)
    proposed = _decide(mash, contact, Outcome.LEVEL_4, rationale="First thoughts")
    with pytest.raises(WorkRefused, match="why"):
        services.decision_send_back(
            actor=mash.manager, contact=proposed, reason=" ", seen_version=proposed.version
        )
    back = services.decision_send_back(
        actor=mash.manager, contact=proposed, reason="Ask health first", seen_version=proposed.version
    )
    assert back.status == Contact.Status.IN_PROGRESS
    assert back.outcome == "" and back.decided_by is None
    assert back.rationale == "First thoughts"  # kept for the practitioner to revise
    assert "Ask health first" in _changes(contact)[-1].purpose
    again = _decide(mash, back, Outcome.LEVEL_3)
    assert again.status == Contact.Status.DECIDED


def test_nothing_changes_a_decided_contact(mash: Mash, contact: Contact) -> None:
    decided = _decide(mash, contact, Outcome.LEVEL_1)
    with pytest.raises(WorkRefused, match="decided"):
        services.contact_rate(
            actor=mash.practitioner, contact=decided, rag="red", seen_version=decided.version
        )


def test_a_strategy_discussion_belongs_to_level_4(mash: Mash, contact: Contact) -> None:
    with pytest.raises(WorkRefused, match="level 4"):
        _decide(mash, contact, Outcome.LEVEL_2, strategy_discussion_date=timezone.localdate())


# --- Feedback to the referrer -------------------------------------------------------------------------------


def test_feedback_tells_the_outcome_and_next_steps_but_never_the_research(
    mash: Mash, contact: Contact, django_capture_on_commit_callbacks: Any
) -> None:
    check = services.agency_check_request(
        actor=mash.practitioner,
        contact=contact,
        agency=mash.police,
        question="Call-outs?",
        due_at=None,
        seen_version=1,
    )
    services.agency_check_answer(
        actor=mash.practitioner,
        check=check,
        answer="Father has a conviction for assault",
        answered_by_name="PC Jones",
        answered_at=timezone.now(),
        seen_version=2,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(
            mash,
            _fresh(contact),
            Outcome.LEVEL_2,
            rationale="Police told us of a conviction for assault",
            feedback="The school nurse will offer support.",
        )
    [email] = mail.outbox
    assert contact.reference in email.subject
    assert "The school nurse will offer support." in email.body
    assert "conviction" not in email.body and "assault" not in email.body
    assert "Level 2" in email.body


def test_feedback_is_sent_once_and_only_with_an_email_address(personas: Personas, mash: Mash) -> None:
    contact = school_contact(personas)
    decided = _decide(mash, contact, Outcome.LEVEL_1)
    assert services.feedback_send(contact_id=decided.pk) is True
    sent_at = _fresh(contact).feedback_sent_at
    assert services.feedback_send(contact_id=decided.pk) is False
    assert _fresh(contact).feedback_sent_at == sent_at

    phoned = services.contact_record(
        actor=mash.practitioner,
        referrer=Referrer(name="A neighbour"),
        answers=referral_answers(),
        channel=Contact.Channel.PHONE,
        source=ReferralSource.ACQUAINTANCE,
        received_at=timezone.now(),
    )
    decided = _decide(mash, phoned, Outcome.LEVEL_1)
    assert services.feedback_send(contact_id=decided.pk) is False
    assert _fresh(phoned).feedback_sent_at is None


def test_no_feedback_leaves_before_the_decision_commits(mash: Mash, contact: Contact) -> None:
    # Without running the on-commit callbacks (the test's transaction never commits), nothing is sent.
    _decide(mash, contact, Outcome.LEVEL_1)
    assert mail.outbox == []
    assert _fresh(contact).feedback_sent_at is None


# --- Contacts recorded by the MASH --------------------------------------------------------------------------


def test_a_police_domestic_abuse_notification_needs_its_dash_risk_level(mash: Mash) -> None:
    police = Referrer(name="DC Smith", role="Public protection unit", agency=mash.police)
    arguments: dict[str, Any] = {
        "actor": mash.practitioner,
        "referrer": police,
        "answers": referral_answers(concerns=["domestic_abuse"]),
        "channel": Contact.Channel.POLICE_NOTIFICATION,
        "source": ReferralSource.POLICE,
        "received_at": timezone.now() - timedelta(hours=3),
    }
    with pytest.raises(WorkRefused, match="DASH"):
        services.contact_record(**arguments)
    contact = services.contact_record(**arguments, dash_risk="high")
    assert (contact.channel, contact.dash_risk, contact.source) == ("police", "high", "6")
    assert contact.referrer is None and contact.referrer_agency == mash.police
    recorded = AccessEvent.objects.get(action="change", subject_id=str(contact.pk))
    assert recorded.actor_id == mash.practitioner.pk
    assert "police notification" in recorded.purpose


def test_only_police_domestic_abuse_notifications_have_a_dash_risk(mash: Mash) -> None:
    with pytest.raises(WorkRefused, match="Only police domestic abuse"):
        services.contact_record(
            actor=mash.practitioner,
            referrer=Referrer(name="A neighbour"),
            answers=referral_answers(),
            channel=Contact.Channel.PHONE,
            source=ReferralSource.ACQUAINTANCE,
            received_at=timezone.now(),
            dash_risk="medium",
        )
    assert not Contact.objects.exists()


def test_a_contact_phoned_earlier_keeps_its_time_but_not_one_in_the_future(mash: Mash) -> None:
    earlier = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(16, 45)))
    arguments: dict[str, Any] = {
        "actor": mash.practitioner,
        "referrer": Referrer(name="A grandparent"),
        "answers": referral_answers(),
        "channel": Contact.Channel.PHONE,
        "source": ReferralSource.FAMILY,
    }
    contact = services.contact_record(**arguments, received_at=earlier)
    assert contact.received_at == earlier
    with pytest.raises(WorkRefused, match="now or in the past"):
        services.contact_record(**arguments, received_at=timezone.now() + timedelta(hours=2))


def test_the_eMARF_channel_is_not_recorded_by_the_mash(mash: Mash) -> None:
    with pytest.raises(WorkRefused):
        services.contact_record(
            actor=mash.practitioner,
            referrer=Referrer(name="Someone"),
            answers=referral_answers(),
            channel=Contact.Channel.EMARF,
            source=ReferralSource.UNKNOWN,
            received_at=timezone.now(),
        )


def test_a_practitioner_without_child_change_cannot_create_child_records(
    personas: Personas, contact: Contact
) -> None:
    outsider = make_user("mash_practitioner")
    amy = contact.children.get(first_name="Amy")
    services.contact_child_create_record(
        actor=outsider, contact_child=amy, seen_version=1
    )  # MASH roles hold it
    assert Child.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.contact_child_create_record(
            actor=personas.a_worker, contact_child=contact.children.get(first_name="Ben"), seen_version=2
        )
