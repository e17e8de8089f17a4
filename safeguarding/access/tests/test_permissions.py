"""can / visible_to / get_for_user across the scopes, memberships in and out of force, and break-glass."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from safeguarding.access.permissions import OutOfScope, can, get_for_user, holds, visible_to
from safeguarding.access.services import break_glass_open
from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.accounts.roles import PERMISSIONS, ROLES, check_catalogue
from safeguarding.core.testing import Personas, make_user

pytestmark = pytest.mark.django_db
REASON = "A child from agency A presented at our surgery with injuries today"


def test_catalogue_grants_only_known_permissions() -> None:
    assert check_catalogue() == []
    expected = [
        "referrer",
        "agency_safeguarding_lead",
        "mash_practitioner",
        "mash_manager",
        "business_unit_officer",
        "business_unit_manager",
        "subgroup_chair",
        "subgroup_member",
        "independent_scrutineer",
        "executive_member",
        "auditor",
        "case_reviewer",
        "young_peoples_representative",
        "system_administrator",
    ]
    assert set(ROLES) == set(expected)  # fmt: skip


def test_identity_of_a_case_review_is_only_for_case_reviewers() -> None:
    holders = {code for code, role in ROLES.items() if role.scope_for("review.identity.view")}
    assert holders == {"case_reviewer"}
    assert PERMISSIONS["review.identity.view"].identifiable


def test_agency_scope_sees_own_agency_only(personas: Personas) -> None:
    visible = visible_to(personas.a_worker, Agency.objects.all(), "agency.view")
    assert list(visible) == [personas.agency_a]
    assert can(personas.a_worker, "agency.view", personas.agency_a)
    assert not can(personas.a_worker, "agency.view", personas.agency_b)


def test_partnership_scope_sees_everything(personas: Personas) -> None:
    assert (
        visible_to(personas.bu_officer, Agency.objects.all(), "agency.view").count() == Agency.objects.count()
    )


def test_own_scope_uses_the_models_own_path(personas: Personas) -> None:
    # Users declare access_own_path = "pk": an own-scoped permission would reach only oneself.
    assert personas.a_readonly.memberships.get().role == "referrer"
    assert not holds(personas.a_readonly, "people.manage")
    assert visible_to(personas.a_readonly, User.objects.all(), "people.manage").count() == 0


def test_get_for_user_404_when_out_of_scope_and_403_when_read_only(personas: Personas) -> None:
    with pytest.raises(Http404):
        get_for_user(personas.b_worker, Agency, personas.agency_a.pk, view_permission="agency.view")
    with pytest.raises(PermissionDenied):
        get_for_user(
            personas.a_readonly, Agency, personas.agency_a.pk,
            view_permission="agency.view", change_permission="agency.change", for_write=True,
        )  # fmt: skip
    found = get_for_user(
        personas.a_worker, Agency, personas.agency_a.pk,
        view_permission="agency.view", change_permission="agency.change", for_write=True,
    )  # fmt: skip
    assert found == personas.agency_a


def test_get_for_user_404_for_missing_and_malformed_ids(personas: Personas) -> None:
    for pk in (999999, "not-a-number"):
        with pytest.raises(Http404) as raised:
            get_for_user(personas.bu_officer, Agency, pk, view_permission="agency.view")
        assert not isinstance(raised.value, OutOfScope)


def test_memberships_out_of_force_grant_nothing(personas: Personas) -> None:
    today = timezone.localdate()
    ended = make_user()
    Membership.objects.create(
        user=ended, agency=personas.agency_a, role="agency_safeguarding_lead",
        starts_on=today - timedelta(days=30), ends_on=today,
    )  # fmt: skip
    future = make_user()
    Membership.objects.create(
        user=future,
        agency=personas.agency_a,
        role="agency_safeguarding_lead",
        starts_on=today + timedelta(days=1),
    )
    assert not holds(ended, "agency.view")
    assert not holds(future, "agency.view")
    personas.agency_a.active = False
    personas.agency_a.save()
    assert not holds(make_user_fresh(personas.a_worker), "agency.view")


def make_user_fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_deactivated_user_holds_nothing(personas: Personas) -> None:
    personas.a_worker.is_active = False
    assert not holds(personas.a_worker, "agency.view")


def test_break_glass_offered_only_to_roles_that_allow_it(personas: Personas) -> None:
    # b_worker (agency safeguarding lead) may break glass: the 404 carries the offer.
    with pytest.raises(OutOfScope):
        get_for_user(personas.b_worker, Agency, personas.agency_a.pk, view_permission="agency.view")
    # a referrer may not: plain 404.
    other_referrer = make_user("referrer", personas.agency_b)
    with pytest.raises(Http404) as raised:
        get_for_user(other_referrer, Agency, personas.agency_a.pk, view_permission="agency.view")
    assert not isinstance(raised.value, OutOfScope)


def test_break_glass_opens_one_record_for_a_limited_time_and_is_logged(personas: Personas) -> None:
    from safeguarding.accesslog.models import AccessEvent

    reason = "Child from agency A presented at our surgery with injuries today"
    grant = break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason=reason)
    fresh = make_user_fresh(personas.b_worker)
    assert (
        get_for_user(fresh, Agency, personas.agency_a.pk, view_permission="agency.view") == personas.agency_a
    )
    # Only that record, only that permission.
    assert not can(fresh, "agency.change", personas.agency_a)
    assert not can(fresh, "agency.view", personas.business_unit)
    event = AccessEvent.objects.get(action="break_glass")
    assert event.purpose == reason
    assert event.subject_id == str(personas.agency_a.pk)
    # After expiry it is gone.
    grant.__class__.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - timedelta(hours=3), expires_at=timezone.now() - timedelta(hours=2)
    )
    assert not can(make_user_fresh(personas.b_worker), "agency.view", personas.agency_a)


def test_break_glass_refused_without_role_or_reason(personas: Personas) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(PermissionDenied):
        break_glass_open(user=personas.a_readonly, obj=personas.agency_b, reason="x" * 40)
    with pytest.raises(ValidationError):
        break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason="because")
    with pytest.raises(PermissionDenied):
        # Only models that name a break-glass read permission can be opened this way.
        break_glass_open(user=personas.b_worker, obj=personas.a_worker, reason="x" * 40)


def test_break_glass_never_allows_a_change(personas: Personas) -> None:
    break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason=REASON)
    fresh = make_user_fresh(personas.b_worker)
    assert can(fresh, "agency.view", personas.agency_a)
    assert not can(fresh, "agency.change", personas.agency_a)
    with pytest.raises(PermissionDenied):
        get_for_user(
            fresh,
            Agency,
            personas.agency_a.pk,
            view_permission="agency.view",
            change_permission="agency.change",
            for_write=True,
        )


def test_break_glass_stops_when_the_role_that_allowed_it_ends(personas: Personas) -> None:
    break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason=REASON)
    Membership.objects.filter(user=personas.b_worker).update(role="subgroup_member")
    # subgroup members hold agency.view but may not break glass: the earlier grant no longer counts.
    assert not can(make_user_fresh(personas.b_worker), "agency.view", personas.agency_a)
