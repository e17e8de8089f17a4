"""`safeguarding demo-otp EMAIL` (demo mode only): print a demo account's current two-factor code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from safeguarding.demo.selectors import confirmed_device_for_email, demo_sign_ins_present

NOT_DEMO_MODE = 2


class Command(BaseCommand):
    help = (
        "Print the current 6-digit two-factor code of an account with an authenticator, as the person's "
        "phone would show it. Works only in demo mode (SAFEGUARDING_MODE=demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The account's email, for example mash.manager@demo.example.org")

    def handle(self, *args: Any, **options: Any) -> None:
        # Printing someone's code defeats two-factor sign-in: only ever for the synthetic demo partnership.
        if not settings.DEMO_MODE:
            raise CommandError(
                "demo-otp works only in demo mode (SAFEGUARDING_MODE=demo, as `make demo` runs); "
                f"this is {settings.MODE} mode.",
                returncode=NOT_DEMO_MODE,
            )
        device = confirmed_device_for_email(options["email"])
        if device is None:
            needing = ", ".join(row.sign_in.email for row in demo_sign_ins_present() if row.needs_code)
            raise CommandError(
                f"{options['email']} has no authenticator, so signing in asks for no code."
                + (f" Demo sign-ins that need a code: {needing}." if needing else "")
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        seconds_left = device.step - int(totp.time - device.t0) % device.step
        self.stderr.write(f"(a new code every {device.step} seconds; this one changes in {seconds_left})")
