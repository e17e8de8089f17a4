"""Ending sessions: sign out everywhere."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import User


def sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> None:
    """End every session of this person on every device (their next request asks them to sign in)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        access_event_record(
            actor=user,
            action=AccessEvent.Action.CHANGE,
            subject=user,
            purpose="Signed out everywhere",
            details={"sessions": "all ended"},
            request=request,
        )
    user.refresh_from_db(fields=["session_generation"])
