"""`safeguarding token create|list|revoke`: one line of output, hashed storage, clear errors."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership
from safeguarding.api.models import ApiToken
from safeguarding.core.testing import Personas, make_user

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_exactly_one_line_the_token(personas: Personas) -> None:
    out, err = _run("create", "A.Worker@example.org", "--agency", "aga", "--name", "School MIS")
    lines = out.splitlines()
    assert len(lines) == 1
    secret = lines[0]
    assert secret.startswith("sgp_")
    assert len(secret) > 40
    token = ApiToken.objects.get()
    assert token.name == "School MIS"
    assert token.membership.user == personas.a_worker
    assert token.membership.agency == personas.agency_a
    assert token.prefix == secret[:8]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert "shown only this once" in err
    assert secret not in err


def test_secret_is_not_stored_in_clear(personas: Personas) -> None:
    out, _ = _run("create", "a.worker@example.org", "--agency", "AGA")
    secret = out.strip()
    row = ApiToken.objects.filter(pk=ApiToken.objects.get().pk).values().get()
    assert all(secret not in str(value) for value in row.values())
    assert secret[8:20] not in str(row)
    event = AccessEvent.objects.get(action=AccessEvent.Action.CREATE, subject_type="api.apitoken")
    assert secret not in str(event.details) and secret not in event.subject_label


def test_create_default_name_and_expiry(personas: Personas) -> None:
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    _run("create", "a.worker@example.org", "--agency", "AGA", "--expires", expires)
    token = ApiToken.objects.get()
    assert token.name == "AGA system"
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at).date().isoformat() == expires


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org", "--agency", "AGA"], "No person has the email address nobody@example.org"),
        (["a.worker@example.org", "--agency", "NOPE"], "No agency has the code NOPE"),
        (["a.worker@example.org", "--agency", "AGB"], "holds no current role in AGB"),
        (
            ["a.worker@example.org", "--agency", "AGA", "--role", "referrer"],
            "does not hold the role referrer",
        ),
        (["a.worker@example.org", "--agency", "AGA", "--role", "wizard"], "There is no role wizard"),
        (["a.worker@example.org", "--agency", "AGA", "--expires", "2001-01-01"], "must be a day after today"),
        (["a.worker@example.org", "--agency", "AGA", "--expires", "soon"], "must be a date like"),
    ],
)
def test_create_errors_exit_2_and_print_no_token(personas: Personas, args: list[str], message: str) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("token", "create", *args, stdout=out, stderr=StringIO())
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert out.getvalue() == ""
    assert not ApiToken.objects.exists()


def test_several_roles_need_role_option(personas: Personas) -> None:
    Membership.objects.create(user=personas.a_worker, agency=personas.agency_a, role="auditor")
    with pytest.raises(CommandError, match=r"several roles in AGA .*choose one with --role") as caught:
        _run("create", "a.worker@example.org", "--agency", "AGA")
    assert caught.value.returncode == 2
    _run("create", "a.worker@example.org", "--agency", "AGA", "--role", "auditor")
    assert ApiToken.objects.get().membership.role == "auditor"


def test_deactivated_person_and_ended_role_get_no_token(personas: Personas) -> None:
    gone = make_user("referrer", personas.agency_a, email="gone@example.org")
    gone.is_active = False
    gone.save()
    with pytest.raises(CommandError, match="has been deactivated"):
        _run("create", "gone@example.org", "--agency", "AGA")
    Membership.objects.filter(user=personas.a_readonly).update(
        starts_on=timezone.localdate() - timedelta(days=10), ends_on=timezone.localdate()
    )
    with pytest.raises(CommandError, match="holds no current role in AGA"):
        _run("create", "a.reader@example.org", "--agency", "AGA")


def test_list_and_revoke_by_prefix(personas: Personas) -> None:
    secret, _ = _run("create", "a.worker@example.org", "--agency", "AGA", "--name", "MIS")
    token = ApiToken.objects.get()
    listing, _ = _run("list")
    assert token.prefix in listing and "a.worker@example.org" in listing and "active" in listing
    assert secret.strip() not in listing
    out, _ = _run("revoke", token.prefix)
    assert f"Revoked token {token.prefix}" in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by is None
    assert _run("list")[0] == ""
    assert "revoked" in _run("list", "--all")[0]
    again, _ = _run("revoke", str(token.pk))
    assert "already revoked" in again
    change = AccessEvent.objects.get(action=AccessEvent.Action.CHANGE, subject_id=str(token.pk))
    assert change.details["channel"].startswith("command line")


def test_revoke_by_whole_token_and_unknown_reference(personas: Personas) -> None:
    secret = _run("create", "a.worker@example.org", "--agency", "AGA")[0].strip()
    _run("revoke", secret)
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(CommandError, match="No API token matches") as caught:
        _run("revoke", "sgp_zzzz")
    assert caught.value.returncode == 2
