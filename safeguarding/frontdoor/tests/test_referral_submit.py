"""Receiving a referral: one contact per submission, numbered references, validation for every channel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from pydantic import ValidationError

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children.codes import ReferralSource
from safeguarding.children.identity import nhs_number_is_valid
from safeguarding.core.testing import Personas
from safeguarding.frontdoor.models import Contact, ContactChild
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit

pytestmark = pytest.mark.django_db


def answers(**overrides: Any) -> ReferralAnswers:
    data: dict[str, Any] = {
        "referrer_phone": "0121 496 0123",
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Testchild",
                "date_of_birth": "2015-03-02",
                "postcode": "ws1 1tp",
            },
            {
                "last_name": "Testchild",
                "expected_date_of_birth": (date.today() + timedelta(days=60)).isoformat(),
            },
        ],
        "household": [
            {"name": "Parent Testchild", "relationship": "mother", "parental_responsibility": True}
        ],
        "concerns": ["neglect", "domestic_abuse", "neglect"],
        "what_happened": "Amy came to school hungry three days running and said there was shouting at home.",
        "consent": "not_sought",
        "no_consent_reason": "risk_to_child",
    }
    data.update(overrides)
    return ReferralAnswers.model_validate(data)


def _referrer(personas: Personas) -> Referrer:
    user = personas.a_worker
    return Referrer(name=user.full_name, email=user.email, user=user, agency=personas.agency_a)


def test_submission_creates_one_contact_with_children_household_and_concerns(personas: Personas) -> None:
    result = referral_submit(referrer=_referrer(personas), answers=answers())
    contact = result.contact
    assert result.created
    assert contact.reference.endswith("-000001")
    assert contact.source == ReferralSource.SCHOOLS  # agency A is a school
    assert [c.first_name for c in contact.children.all()] == ["Amy", ""]
    assert contact.children.first().postcode == "WS1 1TP"  # type: ignore[union-attr]
    assert sorted(contact.concerns.values_list("concern", flat=True)) == ["domestic_abuse", "neglect"]
    assert contact.household.get().parental_responsibility
    assert AccessEvent.objects.filter(action="create", subject_id=str(contact.pk)).exists()


def test_references_count_up_within_the_year(personas: Personas) -> None:
    first = referral_submit(referrer=_referrer(personas), answers=answers()).contact
    second = referral_submit(referrer=_referrer(personas), answers=answers()).contact
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_same_idempotency_key_gives_back_the_first_contact(personas: Personas) -> None:
    first = referral_submit(referrer=_referrer(personas), answers=answers(), idempotency_key="draft-7")
    again = referral_submit(referrer=_referrer(personas), answers=answers(), idempotency_key="draft-7")
    assert first.created and not again.created
    assert again.contact.pk == first.contact.pk
    assert Contact.objects.count() == 1
    assert ContactChild.objects.count() == 2


def test_receipt_email_goes_to_the_referrer(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contact = referral_submit(referrer=_referrer(personas), answers=answers()).contact
    assert mail.outbox[0].to == [personas.a_worker.email]
    assert contact.reference in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"children": []}, "at least 1 item"),
        ({"concerns": []}, "at least 1 item"),
        ({"what_happened": "  "}, "at least 1 character"),
        ({"immediate_danger": True}, "call 999 first"),
        ({"consent": "refused", "no_consent_reason": None}, "Select why the parents have not agreed"),
        ({"children": [{"last_name": "X"}]}, "Enter the child's date of birth"),
        ({"children": [{"last_name": "X", "date_of_birth": "2099-01-01"}]}, "today or in the past"),
        (
            {"children": [{"last_name": "X", "date_of_birth": "2015-01-01", "nhs_number": "9434765918"}]},
            "NHS",
        ),
        (
            {"children": [{"last_name": "X", "date_of_birth": "2015-01-01", "postcode": "nowhere"}]},
            "postcode",
        ),
    ],
)
def test_invalid_referrals_say_what_to_fix(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        answers(**overrides)
    assert message in str(raised.value)


def test_nhs_number_check_digit() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("94347659")
