"""Reading the demo partnership's state: whether it exists, and which demo sign-ins are present."""

from __future__ import annotations

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import Agency, User
from safeguarding.demo.sign_ins import DemoSignIn, demo_sign_ins


@dataclass(frozen=True)
class DemoSignInRow:
    sign_in: DemoSignIn
    full_name: str
    needs_code: bool


def partnership_exists() -> bool:
    return Agency.objects.exists()


def demo_sign_ins_present() -> list[DemoSignInRow]:
    """The demo sign-ins that exist and are active, in the catalogue's order, each saying whether signing
    in asks for a code (the account has a confirmed authenticator)."""
    sign_ins = demo_sign_ins()
    users = {u.email: u for u in User.objects.filter(email__in=[s.email for s in sign_ins], is_active=True)}
    with_device = set(
        TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).values_list(
            "user__email", flat=True
        )
    )
    return [
        DemoSignInRow(sign_in=s, full_name=users[s.email].full_name, needs_code=s.email in with_device)
        for s in sign_ins
        if s.email in users
    ]


def confirmed_device_for_email(email: str) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.filter(user__email__iexact=email.strip(), user__is_active=True, confirmed=True)
        .order_by("pk")
        .first()
    )
