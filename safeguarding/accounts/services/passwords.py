"""Setting a password (change, reset or first set from an invitation), logged like any other change."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import User


def password_set(*, user: User, new_password: str, via: str, request: HttpRequest | None = None) -> None:
    """Give `user` a new (already validated) password.

    The session hash includes the password hash, so every other session of the person ends; the caller keeps
    the current one with update_session_auth_hash where that is wanted. `via` is "change" or "reset".
    """
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        access_event_record(
            actor=user if request is None or request.user.is_authenticated else None,
            actor_email=user.email,
            action=AccessEvent.Action.CHANGE,
            subject=user,
            purpose="Password changed" if via == "change" else "Password set from an emailed link",
            details={"password": "new password set", "via": via},
            request=request,
        )
