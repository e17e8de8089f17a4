"""Security headers on every response, the production settings' deploy check, and two-factor gating."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django_otp.middleware import OTPMiddleware

from safeguarding.access.decorators import permission_required
from safeguarding.core.testing import give_two_factor, make_user, sign_in

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def test_security_headers_on_pages() -> None:
    response = Client().get("/account/sign-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) >= 8


def test_signed_in_pages_are_not_cached() -> None:
    client = sign_in(Client(), make_user("subgroup_member"))
    assert "no-store" in client.get("/")["Cache-Control"]


def test_production_settings_pass_the_deploy_check() -> None:
    env = {
        **os.environ,
        "SAFEGUARDING_MODE": "production",
        "SAFEGUARDING_SECRET_KEY": secrets.token_urlsafe(64),
        "SAFEGUARDING_ACCESSLOG_KEY": secrets.token_urlsafe(32),
        "SAFEGUARDING_ALLOWED_HOSTS": "safeguarding.example.org",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_first_command_on_a_new_var_dir_makes_it_and_its_database(tmp_path: Path) -> None:
    var_dir = tmp_path / "not" / "made" / "yet"
    env = {**os.environ, "SAFEGUARDING_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (var_dir / "safeguarding.sqlite3").is_file()


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**os.environ, "SAFEGUARDING_MODE": "production", "SAFEGUARDING_ALLOWED_HOSTS": "x.example.org"}
    env.pop("SAFEGUARDING_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SAFEGUARDING_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "accesslog_key",
    [
        None,
        "",
        "too-short-31-characters-xxxxxxx",
        "insecure-development-access-log-key-never-use-in-production",
    ],
    ids=["unset", "empty", "short", "development-key"],
)
def test_production_refuses_to_start_without_an_access_log_key(accesslog_key: str | None) -> None:
    env = {
        **os.environ,
        "SAFEGUARDING_MODE": "production",
        "SAFEGUARDING_SECRET_KEY": secrets.token_urlsafe(64),
        "SAFEGUARDING_ALLOWED_HOSTS": "x.example.org",
    }
    env.pop("SAFEGUARDING_ACCESSLOG_KEY", None)
    if accesslog_key is not None:
        env["SAFEGUARDING_ACCESSLOG_KEY"] = accesslog_key
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SAFEGUARDING_ACCESSLOG_KEY must be set" in result.stderr


def _request(user: object) -> HttpRequest:
    request = RequestFactory().get("/children/1/")
    request.user = user  # type: ignore[assignment]
    request.session = {}  # type: ignore[assignment]
    OTPMiddleware(lambda r: HttpResponse())(request)
    return request


@permission_required("child.view")
def _child_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a child's record")


def test_identifiable_permission_needs_two_factor_first() -> None:
    practitioner = make_user("mash_practitioner")
    response = _child_page(_request(practitioner))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/?next=%2Fchildren%2F1%2F")
    give_two_factor(practitioner)
    response = _child_page(_request(practitioner))
    assert response["Location"].startswith("/account/sign-in/code/?next=")


def test_identifiable_permission_opens_after_two_factor() -> None:
    practitioner = make_user("mash_practitioner")
    client = sign_in(Client(), practitioner, two_factor=True)
    request = _request(practitioner)
    request.session = client.session
    OTPMiddleware(lambda r: HttpResponse())(request)
    response = _child_page(request)
    assert isinstance(response, HttpResponse)
    assert response.content == b"a child's record"


def test_permission_required_refuses_roles_without_it() -> None:
    with pytest.raises(PermissionDenied):
        _child_page(_request(make_user("subgroup_member")))


def test_server_error_page_renders_without_the_database() -> None:
    from safeguarding.core.views import error_500

    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "call 999" in response.content.decode()


def test_client_address_comes_from_the_trusted_proxy_only(settings: Any) -> None:
    from safeguarding.accesslog.models import AccessEvent

    user = make_user("subgroup_member", email="proxy@example.org")
    headers: dict[str, Any] = {
        "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7",
        "HTTP_X_REQUEST_ID": "planted-request-id",
    }
    settings.PROXY_COUNT = 0
    response = Client().post("/account/sign-in/", {"username": user.email, "password": "wrong"}, **headers)
    assert response["X-Request-ID"] != "planted-request-id"
    settings.PROXY_COUNT = 1
    response = Client().post("/account/sign-in/", {"username": user.email, "password": "wrong"}, **headers)
    assert response["X-Request-ID"] == "planted-request-id"
    failures = AccessEvent.objects.filter(action="sign_in_failed").order_by("id")
    assert [event.ip_address for event in failures] == ["127.0.0.1", "198.51.100.7"]
