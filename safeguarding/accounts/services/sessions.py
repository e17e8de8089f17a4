"""Ending sessions: sign out everywhere."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from safeguarding.accounts.models import User


def sign_out_everywhere(*, user: User) -> None:
    """End every session of this person on every device (their next request asks them to sign in)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
