"""Receiving contacts: the one way a referral becomes a Contact, whichever way it arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.children.codes import ReferralSource
from safeguarding.frontdoor.models import (
    Contact,
    ContactChild,
    ContactConcern,
    HouseholdMember,
    ReferenceCounter,
)
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.sources import referral_source_for


@dataclass(frozen=True)
class Referrer:
    """Who is referring, as the contact will freeze it."""

    name: str
    role: str = ""
    email: str = ""
    user: Any = None
    agency: Agency | None = None


@dataclass(frozen=True)
class Submitted:
    contact: Contact
    # False when an earlier submission with the same idempotency key was found and returned instead.
    created: bool


def contact_reference_next(*, year: int) -> str:
    """The next reference of the year, e.g. WSP-2023-000123 (inside the transaction creating the contact)."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{settings.PARTNERSHIP_SHORT_NAME}-{year}-{counter.last_number:06d}"


def referral_submit(
    *,
    referrer: Referrer,
    answers: ReferralAnswers,
    channel: str = Contact.Channel.EMARF,
    idempotency_key: str = "",
    source: str | None = None,
    received_at: datetime | None = None,
    dash_risk: str = "",
    request: HttpRequest | None = None,
) -> Submitted:
    """Create a contact from a complete referral, with its children, household and concerns.

    Submitting again with the same referrer and idempotency key returns the first contact (a double click,
    a retried request), so one worry is never two contacts.
    """
    if idempotency_key and referrer.user is not None:
        earlier = _earlier_submission(referrer.user, idempotency_key)
        if earlier is not None:
            return Submitted(earlier, created=False)
    try:
        with transaction.atomic():
            contact = _create_contact(
                referrer=referrer,
                answers=answers,
                channel=channel,
                idempotency_key=idempotency_key,
                source=source or referral_source_for(referrer.agency),
                received_at=received_at or timezone.now(),
                dash_risk=dash_risk,
            )
            access_event_record(
                actor=referrer.user,
                action=AccessEvent.Action.CREATE,
                subject=contact,
                purpose=f"Contact received by {Contact.Channel(channel).label}",
                details={"children": len(answers.children), "concerns": [c.value for c in answers.concerns]},
                request=request,
            )
            if referrer.email:
                transaction.on_commit(lambda: _send_receipt(contact))
    except IntegrityError:
        # Two identical submissions raced: the other one won and holds the key.
        earlier = _earlier_submission(referrer.user, idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return Submitted(earlier, created=False)
    return Submitted(contact, created=True)


def _earlier_submission(user: Any, key: str) -> Contact | None:
    return Contact.objects.filter(referrer=user, idempotency_key=key).first()


def _create_contact(
    *,
    referrer: Referrer,
    answers: ReferralAnswers,
    channel: str,
    idempotency_key: str,
    source: str,
    received_at: datetime,
    dash_risk: str,
) -> Contact:
    contact = Contact.objects.create(
        reference=contact_reference_next(year=timezone.localtime(received_at).year),
        channel=channel,
        received_at=received_at,
        referrer=referrer.user,
        referrer_agency=referrer.agency,
        referrer_name=referrer.name,
        referrer_role=referrer.role,
        referrer_email=referrer.email,
        referrer_phone=answers.referrer_phone,
        source=ReferralSource(source),
        what_happened=answers.what_happened,
        when_happened=answers.when_happened,
        child_views=answers.child_views,
        support_tried=answers.support_tried,
        referrer_level=answers.referrer_level,
        immediate_danger=answers.immediate_danger,
        called_999=answers.called_999,
        parents_aware=answers.parents_aware,
        consent=answers.consent,
        no_consent_reason=answers.no_consent_reason or "",
        no_consent_detail=answers.no_consent_detail,
        dash_risk=dash_risk,
        idempotency_key=idempotency_key,
        # Immediate danger goes to the top of the queue as red until a practitioner rates it.
        rag=Contact.Rag.RED if answers.immediate_danger else "",
    )
    ContactChild.objects.bulk_create(
        ContactChild(contact=contact, **child.model_dump()) for child in answers.children
    )
    HouseholdMember.objects.bulk_create(
        HouseholdMember(contact=contact, **member.model_dump()) for member in answers.household
    )
    ContactConcern.objects.bulk_create(ContactConcern(contact=contact, concern=c) for c in answers.concerns)
    return contact


def _send_receipt(contact: Contact) -> None:
    context = {"contact": contact, "partnership_name": settings.PARTNERSHIP_NAME}
    send_mail(
        subject=f"We have received your referral {contact.reference}",
        message=render_to_string("frontdoor/email/receipt.txt", context),
        from_email=None,
        recipient_list=[contact.referrer_email],
        fail_silently=True,
    )
