"""Test support for the API: tokens for the personas, and calling the API with one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.test import Client

from safeguarding.accounts.models import Membership, User
from safeguarding.api.models import ApiToken
from safeguarding.api.services import api_token_create


def token_for(
    user: User, *, name: str = "Test system", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A token acting through the user's (first) current membership, with its secret."""
    membership = Membership.objects.current().filter(user=user).order_by("pk").first()
    assert membership is not None, f"{user} holds no current role"
    return api_token_create(
        actor=None, membership=membership, name=name, expires_at=expires_at, channel="test"
    )


def api_get(path: str, secret: str | None, **extra: Any) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return Client().get(path, headers=headers, **extra)
