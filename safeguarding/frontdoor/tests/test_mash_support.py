"""Shared set-up for the MASH tests (this module holds no tests of its own).

The MASH cast joins the standard personas: two practitioners and a manager in the council's MASH team. A
contact is received the way most are: a school's safeguarding lead (persona a_worker, agency A is a school)
submits a referral about two children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.test import Client

from safeguarding.accounts.models import Agency, User
from safeguarding.children.models import Child
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit


@dataclass
class Mash:
    council: Agency
    police: Agency
    practitioner: User
    colleague: User
    manager: User

    def client(self, name: str) -> Client:
        return sign_in(Client(), getattr(self, name))


def make_mash() -> Mash:
    council = make_agency(name="Walsall Council", code="WMBC", kind=Agency.Kind.LOCAL_AUTHORITY)
    police = make_agency(name="West Midlands Police", code="WMP", kind=Agency.Kind.POLICE)
    return Mash(
        council=council,
        police=police,
        practitioner=make_user("mash_practitioner", council, full_name="Priya Practitioner"),
        colleague=make_user("mash_practitioner", council, full_name="Colin Colleague"),
        manager=make_user("mash_manager", council, full_name="Mo Manager"),
    )


def referral_answers(**overrides: Any) -> ReferralAnswers:
    data: dict[str, Any] = {
        "referrer_phone": "0121 496 0123",
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Testchild",
                "date_of_birth": "2015-03-02",
                "postcode": "WS1 1TP",
                "nhs_number": "9434765919",
            },
            {
                "first_name": "Ben",
                "last_name": "Testchild",
                "date_of_birth": "2018-07-09",
                "postcode": "WS1 1TP",
            },
        ],
        "household": [
            {"name": "Parent Testchild", "relationship": "mother", "parental_responsibility": True}
        ],
        "concerns": ["neglect", "domestic_abuse"],
        "what_happened": "Amy came to school hungry three days running and said there was shouting at home.",
        "referrer_level": 3,
        "consent": "not_sought",
        "no_consent_reason": "risk_to_child",
    }
    data.update(overrides)
    return ReferralAnswers.model_validate(data)


def school_contact(personas: Personas, *, received_at: datetime | None = None, **overrides: Any) -> Contact:
    """A contact referred by the school's safeguarding lead (agency A), as the eMARF submits it."""
    lead = personas.a_worker
    return referral_submit(
        referrer=Referrer(
            name=lead.full_name,
            role="Designated safeguarding lead",
            email=lead.email,
            user=lead,
            agency=personas.agency_a,
        ),
        answers=referral_answers(**overrides),
        received_at=received_at,
    ).contact


def existing_child(**fields: Any) -> Child:
    values: dict[str, Any] = {
        "first_name": "Amy",
        "last_name": "Testchild",
        "date_of_birth": date(2015, 3, 2),
        "postcode": "WS1 1TP",
    }
    values.update(fields)
    return Child.objects.create(**values)


def days_ago(days: int) -> date:
    return date.today() - timedelta(days=days)
