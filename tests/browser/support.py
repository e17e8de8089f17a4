"""Helpers for browser tests: signing in through the real page, and the axe-core accessibility check."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from safeguarding.core.testing import TEST_PASSWORD

# WCAG 2.2 AA and everything beneath it.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def totp_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_through_the_page(page: Page, email: str, device: TOTPDevice | None = None) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Code from your authenticator app").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response.get("violations", [])
    summary = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"{page.url} has accessibility violations:\n{summary}"
