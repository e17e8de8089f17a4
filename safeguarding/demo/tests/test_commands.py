"""`safeguarding demo`, `safeguarding demo-otp` and `safeguarding serve`: demo conveniences only in demo
mode, and a newcomer can sign in as each role with what `demo` prints."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import Agency
from safeguarding.core.cli import main as safeguarding_cli
from safeguarding.core.management.commands.serve import bind_address
from safeguarding.demo.services import demo_partnership_seed
from safeguarding.demo.sign_ins import demo_sign_ins

MASH_MANAGER = "mash.manager@demo.example.org"


def _demo_otp(email: str) -> str:
    out = StringIO()
    call_command("demo_otp", email, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def _run_demo_without_serving() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_demo_otp_refuses_outside_demo_mode_with_exit_status_2(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(SystemExit) as exit_info:
        safeguarding_cli(["demo-otp", MASH_MANAGER])
    assert exit_info.value.code == 2
    assert "demo-otp works only in demo mode" in capsys.readouterr().err


def test_demo_command_refuses_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="runs only in demo mode") as error:
        call_command("demo", "--no-serve", stdout=StringIO())
    assert error.value.returncode == 2


def test_demo_conveniences_cannot_be_on_in_production_settings() -> None:
    import config.settings as real

    # The flag is derived from the mode alone; no environment variable turns it on by itself.
    assert (real.MODE == "demo") == real.DEMO_MODE
    assert not (real.DEMO_MODE and real.PRODUCTION)


@pytest.mark.django_db
def test_demo_otp_prints_the_code_the_authenticator_would_show(settings: Any) -> None:
    settings.DEMO_MODE = True
    demo_partnership_seed()
    code = _demo_otp(MASH_MANAGER)
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__email=MASH_MANAGER)
    assert device.verify_token(code)


@pytest.mark.django_db
def test_demo_otp_for_an_account_without_authenticator_says_which_need_one(settings: Any) -> None:
    settings.DEMO_MODE = True
    demo_partnership_seed()
    with pytest.raises(CommandError, match="has no authenticator") as error:
        _demo_otp("bu.officer@demo.example.org")
    assert MASH_MANAGER in str(error.value)
    assert error.value.returncode == 1


@pytest.mark.django_db
def test_demo_seeds_an_empty_database_and_prints_a_sign_in_for_every_role(settings: Any) -> None:
    settings.DEMO_MODE = True
    output = _run_demo_without_serving()
    assert "Seeded the demo partnership" in output
    for sign_in in demo_sign_ins():
        line = next(line for line in output.splitlines() if f" {sign_in.email} " in line)
        assert line.startswith(sign_in.role.name)
        if sign_in.needs_code:
            assert f"demo-otp {sign_in.email}" in line
        else:
            assert line.rstrip().endswith("not needed")


@pytest.mark.django_db
def test_a_second_demo_run_reuses_the_partnership(settings: Any) -> None:
    settings.DEMO_MODE = True
    _run_demo_without_serving()
    agencies = Agency.objects.count()
    output = _run_demo_without_serving()
    assert "already there" in output
    assert "Seeded" not in output
    assert Agency.objects.count() == agencies


def _printed_sign_in(output: str, email: str) -> tuple[str, str]:
    """The email and password as a newcomer reads them off the table `demo` prints."""
    line = next(line for line in output.splitlines() if f" {email} " in line)
    _, printed_email, password = re.split(r"\s{2,}", line.strip())[:3]
    return printed_email, password


@pytest.mark.django_db
def test_printed_password_signs_in_a_role_without_two_factor(settings: Any) -> None:
    settings.DEMO_MODE = True
    email, password = _printed_sign_in(_run_demo_without_serving(), "bu.officer@demo.example.org")
    client = Client()
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.django_db
def test_printed_password_and_demo_otp_code_sign_in_a_role_with_two_factor(settings: Any) -> None:
    settings.DEMO_MODE = True
    email, password = _printed_sign_in(_run_demo_without_serving(), MASH_MANAGER)
    client = Client()
    response = client.post(reverse("accounts:sign-in"), {"username": email, "password": password})
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    response = client.post(reverse("accounts:two-factor"), {"code": _demo_otp(email)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_serve_binds_ipv4_and_ipv6_addresses() -> None:
    assert bind_address("127.0.0.1", 8000) == "127.0.0.1:8000"
    assert bind_address("::1", 8080) == "[::1]:8080"


def test_serve_rejects_a_port_out_of_range() -> None:
    with pytest.raises(CommandError, match="--port"):
        call_command("serve", "--port", "70000", stdout=StringIO())
