"""Locked accounts: a lockout from failed sign-ins is listed, and unlocking lets the person in again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.selectors import current_lockouts
from safeguarding.core.testing import TEST_PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("administration:lockout-list")
UNLOCK = reverse("administration:lockout-unlock")


def _sign_in(client: Client, email: str, password: str = TEST_PASSWORD) -> int:
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": password})
    return response.status_code


def _lock(email: str) -> Client:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, email, "not the password")
    assert _sign_in(client, email) == 429
    return client


def test_locked_account_is_listed_and_unlocking_lets_them_sign_in(personas: Personas) -> None:
    person = make_user("subgroup_member", email="locked.out@example.org", full_name="Lou Locked")
    locked_client = _lock("locked.out@example.org")
    admin = personas.client("bu_officer")
    page = admin.get(LIST).content.decode()
    assert "locked.out@example.org" in page
    assert "127.0.0.1" in page
    # The failures, then the right password refused while locked: axes counts that attempt too.
    failures = settings.AXES_FAILURE_LIMIT + 1
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{failures}</td>' in page
    assert reverse("administration:person-detail", args=[person.pk]) in page

    response = admin.post(
        UNLOCK, {"username": "locked.out@example.org", "ip_address": "127.0.0.1"}, follow=True
    )
    assert "locked.out@example.org has been unlocked" in response.content.decode()
    assert "No accounts are locked at the moment" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="locked.out@example.org").exists()
    # The same device can sign in straight away.
    assert _sign_in(locked_client, "locked.out@example.org") == 302
    event = AccessEvent.objects.get(subject_type="accounts.user", subject_id=str(person.pk), action="change")
    assert event.actor_id == personas.bu_officer.pk
    assert event.details["locked_out"] == [True, False]
    assert event.details["ip_address"] == "127.0.0.1"


def test_failures_below_the_limit_are_not_a_lockout(personas: Personas) -> None:
    make_user("referrer", email="nearly@example.org")
    _sign_in(Client(), "nearly@example.org", "wrong")
    assert current_lockouts() == []
    assert "No accounts are locked" in personas.client("sysadmin").get(LIST).content.decode()


def test_lockouts_older_than_the_cool_off_are_not_listed(personas: Personas) -> None:
    make_user("referrer", email="old@example.org")
    _lock("old@example.org")
    assert [lockout.username for lockout in current_lockouts()] == ["old@example.org"]
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(days=2))
    assert current_lockouts() == []


def test_lockout_of_an_address_with_no_account_is_listed_and_unlockable(personas: Personas) -> None:
    _lock("nobody@example.org")
    admin = personas.client("sysadmin")
    assert "No account has this address" in admin.get(LIST).content.decode()
    admin.post(UNLOCK, {"username": "nobody@example.org", "ip_address": "127.0.0.1"})
    assert current_lockouts() == []
    event = AccessEvent.objects.get(subject_type="axes.accessattempt")
    assert event.subject_label == "nobody@example.org"


def test_unlock_with_nothing_chosen_or_a_bad_address_changes_nothing(personas: Personas) -> None:
    make_user("referrer", email="stay.locked@example.org")
    _lock("stay.locked@example.org")
    admin = personas.client("bu_officer")
    assert "Choose an account to unlock" in admin.post(UNLOCK, {"username": ""}, follow=True).content.decode()
    admin.post(UNLOCK, {"username": "stay.locked@example.org", "ip_address": "not-an-ip"})
    assert len(current_lockouts()) == 1
    assert not AccessEvent.objects.filter(action="change").exists()


def test_lockout_pages_persona_matrix(personas: Personas) -> None:
    for persona in ("a_worker", "a_readonly", "b_worker"):
        client = personas.client(persona)
        assert client.get(LIST).status_code == 403
        assert client.post(UNLOCK, {"username": "x@example.org"}).status_code == 403
    for persona in ("bu_officer", "bu_manager", "sysadmin"):
        assert personas.client(persona).get(LIST).status_code == 200
    admin = personas.client("bu_officer")
    assert admin.post(LIST).status_code == 405
    assert admin.get(UNLOCK).status_code == 405
    for url in (LIST, UNLOCK):
        signed_out = Client().get(url)
        assert signed_out.status_code == 302
        assert signed_out["Location"].startswith(reverse("accounts:sign-in"))
