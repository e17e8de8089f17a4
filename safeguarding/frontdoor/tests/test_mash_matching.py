"""Child matching: candidates by NHS number, name and date of birth, surname and postcode, each with its
reasons; the repeat contacts and open involvement shown beside a matched child."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguarding.children.codes import ReferralSource
from safeguarding.children.models import CINReferral, EarlyHelpRequest
from safeguarding.children.selectors import (
    SAME_NAME_AND_BIRTH,
    SAME_NHS_NUMBER,
    SAME_SURNAME_AND_POSTCODE,
    child_match_candidates,
    children_involvement_since,
    postcode_forms,
)
from safeguarding.core.testing import Personas
from safeguarding.frontdoor.selectors.mash import other_contacts_about
from safeguarding.frontdoor.services import mash as services
from safeguarding.frontdoor.tests.test_mash_support import Mash, existing_child, make_mash, school_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def mash(personas: Personas) -> Mash:
    return make_mash()


def _reasons(mash: Mash, **details: object) -> dict[int, tuple[str, ...]]:
    return {match.child.pk: match.reasons for match in child_match_candidates(mash.practitioner, **details)}  # type: ignore[arg-type]


def test_the_same_nhs_number_is_a_match_whatever_the_name(mash: Mash) -> None:
    renamed = existing_child(
        first_name="Amelia", last_name="Other", nhs_number="9434765919", postcode="B1 1AA"
    )
    found = _reasons(mash, first_name="Amy", last_name="Testchild", nhs_number="943 476 5919")
    assert found == {renamed.pk: (SAME_NHS_NUMBER,)}


def test_name_and_date_of_birth_match_ignoring_case(mash: Mash) -> None:
    child = existing_child(postcode="B1 1AA")
    existing_child(first_name="Amy", date_of_birth=date(2016, 3, 2), postcode="B2 2BB")  # another birthday
    found = _reasons(mash, first_name="AMY", last_name="testchild", date_of_birth=date(2015, 3, 2))
    assert found == {child.pk: (SAME_NAME_AND_BIRTH,)}


def test_surname_and_postcode_match_with_or_without_the_space(mash: Mash) -> None:
    sibling = existing_child(first_name="Cara", date_of_birth=date(2012, 1, 1), postcode="WS11TP")
    existing_child(first_name="Cara", last_name="Different", postcode="WS1 1TP")
    found = _reasons(mash, first_name="Ben", last_name="Testchild", postcode="ws1 1tp")
    assert found == {sibling.pk: (SAME_SURNAME_AND_POSTCODE,)}
    assert postcode_forms("ws11tp") == ["WS1 1TP", "WS11TP"]


def test_every_reason_is_given_and_the_strongest_match_comes_first(mash: Mash) -> None:
    weak = existing_child(first_name="Cara", date_of_birth=date(2012, 1, 1))
    strong = existing_child(nhs_number="9434765919")
    matches = child_match_candidates(
        mash.practitioner,
        first_name="Amy",
        last_name="Testchild",
        date_of_birth=date(2015, 3, 2),
        postcode="WS1 1TP",
        nhs_number="9434765919",
    )
    assert [m.child.pk for m in matches] == [strong.pk, weak.pk]
    assert matches[0].reasons == (SAME_NHS_NUMBER, SAME_NAME_AND_BIRTH, SAME_SURNAME_AND_POSTCODE)
    assert matches[1].reasons == (SAME_SURNAME_AND_POSTCODE,)


def test_no_details_no_candidates_and_nobody_without_child_view_sees_any(
    personas: Personas, mash: Mash
) -> None:
    existing_child()
    assert child_match_candidates(mash.practitioner) == []
    assert (
        child_match_candidates(
            personas.a_worker, first_name="Amy", last_name="Testchild", date_of_birth=date(2015, 3, 2)
        )
        == []
    )


def test_open_involvement_is_what_started_in_the_last_12_months(mash: Mash) -> None:
    child = existing_child()
    since = timezone.localdate() - timedelta(days=365)
    recent = CINReferral.objects.create(
        child=child,
        referral_date=since + timedelta(days=30),
        source=ReferralSource.POLICE,
        recorded_by=mash.manager,
    )
    CINReferral.objects.create(
        child=child,
        referral_date=since - timedelta(days=1),
        source=ReferralSource.POLICE,
        recorded_by=mash.manager,
    )
    early_help = EarlyHelpRequest.objects.create(
        child=child, requested_on=since + timedelta(days=2), recorded_by=mash.manager
    )
    involvement = children_involvement_since(mash.practitioner, [child.pk], since)[child.pk]
    assert involvement.cin_referrals == [recent]
    assert involvement.early_help_requests == [early_help]
    assert involvement.any


def test_other_contacts_about_a_matched_child_make_a_repeat_contact(personas: Personas, mash: Mash) -> None:
    child = existing_child()
    old = school_contact(personas, received_at=timezone.now() - timedelta(days=500))
    earlier = school_contact(personas, received_at=timezone.now() - timedelta(days=40))
    current = school_contact(personas)
    for contact in (old, earlier, current):
        amy = contact.children.get(first_name="Amy")
        services.contact_child_link(
            actor=mash.practitioner, contact_child=amy, child=child, seen_version=contact.version
        )
    found = other_contacts_about(mash.practitioner, current, [child.pk])
    assert found[child.pk] == [earlier]  # the one from 500 days ago is too old to count
    assert other_contacts_about(personas.b_worker, current, [child.pk]) == {}
