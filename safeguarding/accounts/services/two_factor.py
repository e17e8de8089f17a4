"""Two-factor sign-in: enrol a TOTP authenticator app, confirm it, and keep single-use recovery codes.

A person whose roles reach identifiable data must have a confirmed authenticator before such pages open
(access.decorators). Recovery codes are shown once, stored by django-otp, and each works once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import User

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return confirmed_totp_device(user) is not None


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """Give the person a fresh unconfirmed authenticator secret (replacing an earlier unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def totp_enrolment_confirm(
    *, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm a new authenticator with a code from the app: new recovery codes, or None if wrong."""
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        _end_other_sessions(user)
        access_event_record(
            actor=user,
            action=AccessEvent.Action.CHANGE,
            subject=user,
            purpose="Two-factor sign-in set up",
            details={"two_factor": "authenticator app confirmed, new recovery codes"},
            request=request,
        )
    return codes


def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the person's recovery codes with a new set and return them (shown once, never again)."""
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _end_other_sessions(user)
        access_event_record(
            actor=user,
            action=AccessEvent.Action.CHANGE,
            subject=user,
            purpose="New recovery codes",
            details={"two_factor": "recovery codes replaced"},
            request=request,
        )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _end_other_sessions(user: User) -> None:
    # A session signed in before the new second factor existed must not outlive it; the caller keeps the
    # current session with update_session_auth_hash.
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset(*, user: User) -> None:
    """Remove a person's authenticator and recovery codes (an administrator's action for a lost phone)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
