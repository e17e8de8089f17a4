"""Writing children and the first episodes of their journey (the front door calls these; only services write).

The children app does not depend on the front door, so a child is created from "child details": anything with
the fields a referral gives about a child (the front door's ContactChild has them all).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from django.db import transaction
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.children.codes import ReferralSource
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest


class ChildDetails(Protocol):
    """What a referral says about a child: the fields a new Child record is made from."""

    first_name: str
    last_name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    ethnicity: str
    address: str
    postcode: str
    school_or_setting: str
    gp_practice: str
    nhs_number: str
    disability_or_sen: str
    first_language: str
    interpreter_needed: bool


CHILD_DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "address",
    "postcode",
    "school_or_setting",
    "gp_practice",
    "nhs_number",
    "disability_or_sen",
    "first_language",
    "interpreter_needed",
)


def child_create_from_contact_child(
    *, actor: Any, contact_child: ChildDetails, request: HttpRequest | None = None
) -> Child:
    """A new Child record made from the details a referral gave (when no existing record matches)."""
    with transaction.atomic():
        child = Child.objects.create(**{name: getattr(contact_child, name) for name in CHILD_DETAIL_FIELDS})
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=child,
            purpose="Child record created from a contact's details",
            request=request,
        )
    return child


def cin_referral_create(
    *,
    actor: Any,
    child: Child,
    referral_date: date,
    source: str,
    contact_reference: str = "",
    strategy_discussion_date: date | None = None,
    request: HttpRequest | None = None,
) -> CINReferral:
    """A referral to children's social care (the start of a CIN episode) with its CIN census source code."""
    with transaction.atomic():
        referral = CINReferral.objects.create(
            child=child,
            referral_date=referral_date,
            source=ReferralSource(source),
            contact_reference=contact_reference,
            strategy_discussion_date=strategy_discussion_date,
            recorded_by=actor,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=referral,
            purpose=f"CIN referral from contact {contact_reference}".strip(),
            details={"child": child.pk, "source": referral.source},
            request=request,
        )
    return referral


def early_help_request_create(
    *,
    actor: Any,
    child: Child,
    requested_on: date,
    contact_reference: str = "",
    request: HttpRequest | None = None,
) -> EarlyHelpRequest:
    """A request for an early help assessment (level 3 of Right Help, Right Time)."""
    with transaction.atomic():
        early_help = EarlyHelpRequest.objects.create(
            child=child,
            requested_on=requested_on,
            contact_reference=contact_reference,
            recorded_by=actor,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=early_help,
            purpose=f"Early help request from contact {contact_reference}".strip(),
            details={"child": child.pk},
            request=request,
        )
    return early_help
