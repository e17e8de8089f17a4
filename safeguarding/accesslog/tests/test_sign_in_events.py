"""Sign-ins, failed sign-ins and sign-outs are written to the access log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import access_log_verify
from safeguarding.core.testing import TEST_PASSWORD, give_two_factor, make_user

pytestmark = pytest.mark.django_db

Action = AccessEvent.Action


def _sign_in(client: Client, email: str, password: str = TEST_PASSWORD) -> None:
    client.post(reverse("accounts:sign-in"), {"username": email, "password": password})


def test_signing_in_is_logged_with_who_and_where_from() -> None:
    user = make_user("subgroup_member", full_name="Sue Member", email="sue@example.org")
    client = Client()
    _sign_in(client, "sue@example.org")
    event = AccessEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor_id == user.pk
    assert event.actor_name == "Sue Member"
    assert event.actor_email == "sue@example.org"
    assert event.actor_roles == "Subgroup member"
    assert event.ip_address == "127.0.0.1"
    assert len(event.request_id) == 32
    assert access_log_verify().ok


def test_with_two_factor_the_sign_in_is_logged_only_once_the_code_is_right() -> None:
    user = make_user("referrer", email="two@example.org")
    device = give_two_factor(user)
    client = Client()
    _sign_in(client, "two@example.org")
    assert not AccessEvent.objects.filter(action=Action.SIGN_IN).exists()
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    client.post(reverse("accounts:two-factor"), {"code": f"{code:06d}"})
    assert AccessEvent.objects.filter(action=Action.SIGN_IN, actor_id=user.pk).count() == 1


def test_a_failed_sign_in_records_the_email_tried_and_never_the_password() -> None:
    make_user("referrer", email="real@example.org")
    secret = "Wrong-But-Secret-Passphrase-99"
    _sign_in(Client(), "real@example.org", secret)
    _sign_in(Client(), "nobody@example.org", secret)
    events = list(AccessEvent.objects.filter(action=Action.SIGN_IN_FAILED).order_by("id"))
    assert [e.actor_email for e in events] == ["real@example.org", "nobody@example.org"]
    assert all(e.actor_id is None and e.actor_name == "" for e in events)
    assert all(e.ip_address == "127.0.0.1" for e in events)
    for event in AccessEvent.objects.all():
        stored = " ".join(str(getattr(event, f.attname)) for f in AccessEvent._meta.concrete_fields)
        assert secret not in stored
        assert "********" not in stored  # Django's masked password is not stored either


def test_a_sign_in_refused_by_lockout_is_logged_as_locked_out() -> None:
    make_user("referrer", email="locked@example.org")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "locked@example.org", "nope nope nope")
    _sign_in(client, "locked@example.org")
    last = AccessEvent.objects.filter(action=Action.SIGN_IN_FAILED).order_by("-id").first()
    assert last is not None
    assert last.details == {"locked_out": True}
    assert not AccessEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_signing_out_is_logged() -> None:
    user = make_user("subgroup_member", email="out@example.org")
    client = Client()
    _sign_in(client, "out@example.org")
    client.post(reverse("accounts:sign-out"))
    actions = list(
        AccessEvent.objects.filter(actor_id=user.pk).order_by("id").values_list("action", flat=True)
    )
    assert actions == [Action.SIGN_IN, Action.SIGN_OUT]
