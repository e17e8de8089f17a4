"""The synthetic partnership generator: deterministic, Walsall-shaped, scaled, and written only once."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Agency, Membership, Team, User
from safeguarding.accounts.roles import ROLES
from safeguarding.demo.services import SeedRefused, SeedSummary, demo_partnership_seed
from safeguarding.demo.sign_ins import DEMO_DOMAIN, DEMO_PASSWORD, demo_sign_ins

pytestmark = pytest.mark.django_db

BUSINESS_UNIT = Agency.Kind.PARTNERSHIP_BUSINESS_UNIT
DRAMA_PHONE = re.compile(r"^(0121 496 0\d{3}|07700 900\d{3})$")


def _snapshot() -> dict[str, Any]:
    """Everything the generator decides, keyed by natural values (not database ids)."""
    return {
        "agencies": list(
            Agency.objects.order_by("code").values_list("code", "name", "kind", "email", "phone")
        ),
        "teams": sorted(Team.objects.values_list("agency__code", "name")),
        "people": list(
            User.objects.order_by("email").values_list("email", "full_name", "job_title", "phone")
        ),
        "memberships": sorted(
            Membership.objects.values_list("user__email", "agency__code", "team__name", "role", "starts_on"),
            key=str,
        ),
    }


def _seed_and_roll_back(*, scale: int = 1, seed: int = 2023) -> tuple[SeedSummary, dict[str, Any]]:
    """Seed, take a snapshot, and undo the seed so the next one starts from an empty database again."""
    with transaction.atomic():
        summary = demo_partnership_seed(scale=scale, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return summary, snapshot


def _relevant_agencies() -> int:
    return Agency.objects.exclude(kind__in=[*Agency.STATUTORY_KINDS, BUSINESS_UNIT]).count()


def test_same_seed_gives_the_same_partnership() -> None:
    _, first = _seed_and_roll_back(seed=7)
    assert Agency.objects.count() == 0  # rolled back
    _, second = _seed_and_roll_back(seed=7)
    assert first == second
    assert len(first["people"]) > 100


def test_different_seed_gives_different_people_in_the_same_statutory_partners() -> None:
    _, first = _seed_and_roll_back(seed=1)
    _, second = _seed_and_roll_back(seed=2)
    first_names = {name for _, name, _, _ in first["people"]}
    second_names = {name for _, name, _, _ in second["people"]}
    assert len(first_names ^ second_names) > len(first_names) // 2
    statutory = {"WALSALL-LA", "BC-ICB", "WMP", "WSP"}
    first_statutory = {a[:3] for a in first["agencies"] if a[0] in statutory}
    assert len(first_statutory) == 4
    assert first_statutory == {a[:3] for a in second["agencies"] if a[0] in statutory}


def test_scale_one_is_shaped_like_walsall() -> None:
    demo_partnership_seed()
    assert 25 <= _relevant_agencies() <= 35
    by_kind = {
        kind: set(Agency.objects.filter(kind=kind).values_list("name", flat=True))
        for kind in Agency.STATUTORY_KINDS
    }
    assert by_kind == {
        Agency.Kind.LOCAL_AUTHORITY: {"Walsall Council"},
        Agency.Kind.HEALTH_ICB: {"NHS Black Country Integrated Care Board"},
        Agency.Kind.POLICE: {"West Midlands Police"},
    }
    assert Agency.objects.filter(kind=BUSINESS_UNIT).count() == 1
    relevant_kinds = set(Agency.objects.values_list("kind", flat=True))
    for kind in (
        "school",
        "gp_practice",
        "nhs_trust",
        "probation",
        "youth_justice",
        "housing",
        "voluntary_faith",
    ):
        assert kind in relevant_kinds
    team_names = set(Team.objects.values_list("agency__code", "name"))
    assert ("WALSALL-LA", "Multi-Agency Safeguarding Hub (MASH)") in team_names
    assert ("WMP", "Public Protection Unit") in team_names
    assert ("BC-ICB", "Designated safeguarding professionals") in team_names
    assert sum(1 for code, name in team_names if code == "WALSALL-LA" and name.startswith("Early help")) == 4


def test_every_role_is_held_by_invented_people_and_by_a_demo_sign_in() -> None:
    demo_partnership_seed()
    current = Membership.objects.current()
    held_by_others = set(current.exclude(user__email__endswith=DEMO_DOMAIN).values_list("role", flat=True))
    held_by_demo = set(current.filter(user__email__endswith=DEMO_DOMAIN).values_list("role", flat=True))
    assert held_by_others == set(ROLES)
    assert held_by_demo == set(ROLES)


def test_scale_two_is_about_twice_scale_one() -> None:
    one, _ = _seed_and_roll_back(scale=1)
    two, _ = _seed_and_roll_back(scale=2)
    assert 1.7 <= two.counts["relevant agencies"] / one.counts["relevant agencies"] <= 2.1
    assert 1.7 <= two.counts["people"] / one.counts["people"] <= 2.1


def test_people_have_synthetic_contact_details_and_only_demo_sign_ins_have_passwords() -> None:
    demo_partnership_seed()
    for user in User.objects.all():
        assert DRAMA_PHONE.match(user.phone), user.phone
        assert user.email.endswith(".example.org")
        is_demo = user.email.endswith("@" + DEMO_DOMAIN)
        assert user.has_usable_password() is is_demo
        if is_demo:
            assert user.check_password(DEMO_PASSWORD)
    for agency in Agency.objects.all():
        assert agency.email == f"safeguarding@{agency.code.lower()}.example.org"


def test_demo_sign_ins_reaching_identifiable_data_have_a_confirmed_authenticator() -> None:
    demo_partnership_seed()
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__email", flat=True))
    for sign_in in demo_sign_ins():
        assert (sign_in.email in with_device) is ROLES[sign_in.role_code].grants_identifiable
        user = User.objects.get(email=sign_in.email)
        assert user.roles_grant_identifiable is sign_in.needs_code
    assert {"mash.manager@demo.example.org", "referrer@demo.example.org"} <= with_device
    assert "bu.officer@demo.example.org" not in with_device


def test_seeding_again_is_refused_and_changes_nothing() -> None:
    demo_partnership_seed()
    before = _snapshot()
    with pytest.raises(SeedRefused, match="already holds a partnership"):
        demo_partnership_seed(seed=99)
    assert _snapshot() == before


def test_seed_command_refuses_with_a_clear_message_on_a_seeded_database() -> None:
    out = StringIO()
    call_command("seed", "--scale", "1", "--seed", "5", stdout=out)
    assert "Seeded the demo partnership (scale 1, seed 5)" in out.getvalue()
    with pytest.raises(CommandError, match="already holds a partnership"):
        call_command("seed", stdout=StringIO())


def test_seeding_is_refused_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(SeedRefused, match="never seeded in production"):
        demo_partnership_seed()
    assert not Agency.objects.exists()


def test_seeding_is_recorded_in_the_access_log() -> None:
    summary = demo_partnership_seed(seed=11)
    event = AccessEvent.objects.get(subject_type="demo.partnership")
    assert event.action == AccessEvent.Action.CREATE
    assert event.details["seed"] == 11
    assert event.details["counts"]["people"] == summary.counts["people"] == User.objects.count()
