"""Signing in: password, lockout, two-factor, deactivation, sign out everywhere, idle timeout."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.services.sessions import sign_out_everywhere
from safeguarding.core.testing import TEST_PASSWORD, give_two_factor, make_user

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _post_sign_in(client: Client, email: str, password: str = TEST_PASSWORD, next_url: str = "") -> Any:
    return client.post(
        reverse("accounts:sign-in"), {"username": email, "password": password, "next": next_url}
    )


def test_sign_in_with_email_any_case_reaches_home() -> None:
    user = make_user("subgroup_member", email="jo.bloggs@example.org")
    client = Client()
    response = _post_sign_in(client, "Jo.Bloggs@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert user.full_name.split()[0] in home.content.decode()


def test_wrong_password_shows_error_summary_and_keeps_email() -> None:
    make_user("referrer", email="jo@example.org")
    response = _post_sign_in(Client(), "jo@example.org", "wrong password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'value="jo@example.org"' in page


def test_deactivated_person_cannot_sign_in() -> None:
    user = make_user("referrer", email="gone@example.org")
    user.is_active = False
    user.save()
    response = _post_sign_in(Client(), "gone@example.org")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_role_reaching_identifiable_data_is_sent_to_two_factor_set_up() -> None:
    make_user("referrer", email="ref@example.org")
    response = _post_sign_in(Client(), "ref@example.org")
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_lockout_after_repeated_failures_even_with_right_password() -> None:
    make_user("referrer", email="locked@example.org")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_sign_in(client, "locked@example.org", "nope nope nope")
    response = _post_sign_in(client, "locked@example.org")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_locked_accounts_appear_on_the_administrators_home() -> None:
    from safeguarding.core.testing import sign_in

    make_user("subgroup_member", email="locked2@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_sign_in(Client(), "locked2@example.org", "nope nope nope")
    admin = sign_in(Client(), make_user("system_administrator"))
    page = admin.get(reverse("core:home")).content.decode()
    assert "Accounts locked after failed sign-ins" in page


def test_lockout_cannot_be_dodged_by_changing_capitals() -> None:
    make_user("subgroup_member", email="caps@example.org")
    client = Client()
    spellings = [
        "caps@example.org",
        "CAPS@example.org",
        "Caps@Example.org",
        "cApS@example.ORG",
        "CAPS@EXAMPLE.ORG",
    ]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        _post_sign_in(client, spelling, "not the password")
    assert _post_sign_in(client, "caps@example.org").status_code == 429


def test_two_factor_step_before_signed_in(settings: object) -> None:
    # django-otp slows retries after a wrong code (throttling); switch that off to retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # type: ignore[attr-defined]
    user = make_user("referrer", email="otp@example.org")
    device = give_two_factor(user)
    client = Client()
    response = _post_sign_in(client, "otp@example.org")
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    # Not signed in yet: home still redirects to sign-in.
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))
    wrong = client.post(
        reverse("accounts:two-factor"), {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "The code is not right" in wrong.content.decode()
    response = client.post(reverse("accounts:two-factor"), {"code": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_identifiable_role_without_authenticator_is_sent_to_set_up() -> None:
    make_user("mash_practitioner", email="mash@example.org")
    client = Client()
    response = _post_sign_in(client, "mash@example.org")
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user__email="mash@example.org", confirmed=False)
    confirmed = client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert confirmed["Location"].startswith(reverse("accounts:recovery-codes"))
    codes_page = client.get(confirmed["Location"]).content.decode()
    assert codes_page.count("<li><code>") == settings.RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed


def test_recovery_code_signs_in_once() -> None:
    from safeguarding.accounts.services.two_factor import recovery_codes_regenerate

    user = make_user("referrer", email="rec@example.org")
    give_two_factor(user)
    code = recovery_codes_regenerate(user=user)[0]
    for expected_ok in (True, False):
        client = Client()
        _post_sign_in(client, "rec@example.org")
        response = client.post(reverse("accounts:two-factor"), {"code": code, "method": "recovery"})
        assert (response.status_code == 302) is expected_ok


def test_sign_out_everywhere_ends_other_sessions() -> None:
    user = make_user("referrer")
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    assert phone.get(reverse("core:home")).status_code == 200
    sign_out_everywhere(user=user)
    assert phone.get(reverse("core:home")).status_code == 302
    assert laptop.get(reverse("core:home")).status_code == 302


def test_sign_out_needs_post() -> None:
    user = make_user("referrer")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert client.post(reverse("accounts:sign-out")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_idle_session_ends_and_activity_renews_it() -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == settings.IDLE_TIMEOUT_MINUTES * 60
    client = Client()
    client.force_login(make_user("subgroup_member"))
    key = client.session.session_key
    # Activity pushes the end of the session to a full idle period from now.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("core:home")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert renewed > timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES - 1)
    # A session left idle past its end is over: the next request asks for sign-in.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))


def test_password_reset_by_email_sets_a_new_password() -> None:
    import re

    from django.core import mail

    make_user("subgroup_member", email="forgetful@example.org")
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/account/password/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new long passphrase 77"
    weak = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert "This password is too common" in weak.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done["Location"] == reverse("accounts:password-reset-done")
    assert _post_sign_in(Client(), "forgetful@example.org", new_password).status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing() -> None:
    from django.core import mail

    response = Client().post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert mail.outbox == []


def test_passwords_are_hashed_with_argon2_in_the_real_settings() -> None:
    from config import settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_unverified_session_cannot_replace_the_second_factor_or_its_codes() -> None:
    """A session signed in with the password alone (before enrolment) must not swap in a new factor."""
    user = make_user("subgroup_member", email="victim@example.org")
    give_two_factor(user)
    client = Client()
    client.force_login(user)  # signed in, but no second factor proved in this session
    for response in (
        client.post(reverse("accounts:recovery-codes-new")),
        client.get(reverse("accounts:two-factor-setup")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_new_second_factor_ends_other_sessions_but_keeps_this_one() -> None:
    from safeguarding.core.testing import sign_in

    user = make_user("mash_practitioner", email="enrol@example.org")
    old_session = Client()
    old_session.force_login(user)
    client = Client()
    client.force_login(user)
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert client.get(reverse("core:home")).status_code == 200
    assert old_session.get(reverse("core:home")).status_code == 302
    # New recovery codes do the same, from a verified session.
    user.refresh_from_db()
    other = sign_in(Client(), user)
    other.post(reverse("accounts:recovery-codes-new"))
    assert other.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 302


def test_account_changes_are_in_the_access_log() -> None:
    from safeguarding.accesslog.models import AccessEvent
    from safeguarding.core.testing import sign_in

    user = make_user("subgroup_member", email="logged@example.org")
    client = sign_in(Client(), user)
    client.post(reverse("accounts:recovery-codes-new"))
    new_password = "another long passphrase 2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("accounts:my-account")
    assert client.get(reverse("core:home")).status_code == 200  # this session carries on
    client.post(reverse("accounts:sign-out-everywhere"))
    purposes = list(
        AccessEvent.objects.filter(subject_id=str(user.pk), action="change").values_list("purpose", flat=True)
    )
    assert purposes == ["Signed out everywhere", "Password changed", "New recovery codes"]
