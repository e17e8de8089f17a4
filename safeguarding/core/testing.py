"""Test support shared by every app: factories, the persona set, and signing a test client in.

The personas are the standard cast every view test uses:

    a_worker    agency safeguarding lead in agency A (changes A's records)
    a_readonly  referrer in agency A (sees A's agency record, changes nothing)
    b_worker    agency safeguarding lead in agency B (sees none of A's agency-scoped records)
    bu_officer  business unit officer (the whole partnership)
    bu_manager  business unit manager (the whole partnership, plus the access log)
    sysadmin    system administrator
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import Agency, Membership, Team, User

TEST_PASSWORD = "correct horse battery staple 42"  # noqa: S105  (test accounts only)
_sequence = itertools.count(1)


def make_agency(**fields: Any) -> Agency:
    n = next(_sequence)
    defaults: dict[str, Any] = {"name": f"Test Agency {n}", "code": f"TA{n}", "kind": Agency.Kind.SCHOOL}
    defaults.update(fields)
    return Agency.objects.create(**defaults)


def make_team(agency: Agency, **fields: Any) -> Team:
    n = next(_sequence)
    return Team.objects.create(agency=agency, name=fields.pop("name", f"Team {n}"), **fields)


def make_user(
    role: str | None = None, agency: Agency | None = None, team: Team | None = None, **fields: Any
) -> User:
    n = next(_sequence)
    email = fields.pop("email", f"person{n}@example.org")
    user = User.objects.create_user(
        email,
        password=fields.pop("password", TEST_PASSWORD),
        full_name=fields.pop("full_name", f"Person {n}"),
        **fields,
    )
    if role is not None:
        Membership.objects.create(user=user, agency=agency or make_agency(), team=team, role=role)
    return user


def give_two_factor(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client: Client, user: User, *, two_factor: bool = True) -> Client:
    """Sign a test client in as `user`; with two_factor, as if they had entered a code this session."""
    client.force_login(user, backend="safeguarding.accounts.backends.EmailBackend")
    if two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_two_factor(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@dataclass
class Personas:
    agency_a: Agency
    agency_b: Agency
    business_unit: Agency
    team_a: Team
    a_worker: User
    a_readonly: User
    b_worker: User
    bu_officer: User
    bu_manager: User
    sysadmin: User

    def client(self, name: str, *, two_factor: bool = True) -> Client:
        return sign_in(Client(), getattr(self, name), two_factor=two_factor)


def make_personas() -> Personas:
    agency_a = make_agency(name="Agency A", code="AGA", kind=Agency.Kind.SCHOOL)
    agency_b = make_agency(name="Agency B", code="AGB", kind=Agency.Kind.GP_PRACTICE)
    business_unit = make_agency(name="Business Unit", code="BU", kind=Agency.Kind.PARTNERSHIP_BUSINESS_UNIT)
    team_a = make_team(agency_a, name="Pastoral team")
    return Personas(
        agency_a=agency_a,
        agency_b=agency_b,
        business_unit=business_unit,
        team_a=team_a,
        a_worker=make_user(
            "agency_safeguarding_lead", agency_a, full_name="Ada Worker", email="a.worker@example.org"
        ),
        a_readonly=make_user("referrer", agency_a, full_name="Alan Reader", email="a.reader@example.org"),
        b_worker=make_user(
            "agency_safeguarding_lead", agency_b, full_name="Bea Worker", email="b.worker@example.org"
        ),
        bu_officer=make_user(
            "business_unit_officer", business_unit, full_name="Omar Officer", email="bu.officer@example.org"
        ),
        bu_manager=make_user(
            "business_unit_manager", business_unit, full_name="Mina Manager", email="bu.manager@example.org"
        ),
        sysadmin=make_user(
            "system_administrator", business_unit, full_name="Sam Admin", email="sysadmin@example.org"
        ),
    )


def use_private_storage(settings: Any, root: Path) -> None:
    """Store files in a test's temporary folder, never in var/private-files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }


def date_post(name: str, day: date | None) -> dict[str, str]:
    """What a GOV.UK date field (GovukDateField) posts for `day`: day, month and year; blank for None."""
    if day is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def pdf_text(content: bytes) -> str:
    """The words of a PDF, every page, with runs of white space made single spaces (so a sentence the
    layout broke across lines still reads as one). pypdf is a test dependency, so it is imported here."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
