"""Writing API tokens and logging API calls. Every change is logged in the same transaction.

Lock order, for every service here: lock or write the token's row first, and write the access-log event
(which takes the chain lock, an advisory lock on PostgreSQL) last, inside the same transaction. A service
that took the chain lock and then waited for a token row, while another held that row and waited for the
chain lock, would deadlock (for example an API call noting `last_used_at` while the token is revoked).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Membership
from safeguarding.api.models import TOKEN_PREFIX_LENGTH, ApiToken
from safeguarding.api.selectors import TOKEN_MARK, token_hash

# Writing last_used_at on every call would make each read a write; to the minute is plenty for people
# deciding whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def _new_secret() -> str:
    return TOKEN_MARK + secrets.token_urlsafe(32)


def api_token_create(
    *,
    actor: Any,
    membership: Membership,
    name: str,
    expires_at: datetime | None = None,
    channel: str,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token acting through `membership`; returns it with its secret, which is never stored.

    `actor` is the person creating it (None on the command line); `channel` says where it was made.
    """
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name, for example the system that will use it")
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError("The token's name must be 100 characters or fewer")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The token's expiry must be in the future")
    if not membership.is_current() or not membership.user.is_active or not membership.agency.active:
        raise ValidationError("A token can only act through a role in force today")
    secret = _new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            membership=membership,
            name=name,
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            token_hash=token_hash(secret),
            created_by=actor,
            expires_at=expires_at,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=token,
            details={
                "channel": channel,
                "person": membership.user.email,
                "agency": membership.agency.code,
                "role": membership.role,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            request=request,
        )
    return token, secret


def api_token_revoke(
    *, actor: Any, token: ApiToken, channel: str, request: HttpRequest | None = None
) -> bool:
    """Revoke a token at once; False when it was already revoked (nothing changes then)."""
    with transaction.atomic():
        # Re-read under the transaction so two revocations at once record one change. The row lock comes
        # before the access-log event: see the lock order at the top of this module.
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            return False
        now = timezone.now()
        current.revoked_at = now
        current.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        current.save(update_fields=["revoked_at", "revoked_by"])
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CHANGE,
            subject=current,
            details={"revoked_at": [None, now.isoformat()], "channel": channel},
            request=request,
        )
    token.revoked_at, token.revoked_by = current.revoked_at, current.revoked_by
    return True


def api_call_record(
    *,
    token: ApiToken,
    actor: Any,
    request: HttpRequest,
    status: int,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_label: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Log one authenticated API call, like a page view, and note when the token was last used."""
    now = timezone.now()
    membership = token.membership
    note_last_used = token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION
    with transaction.atomic():
        if note_last_used:
            # The token's row before the access-log event: see the lock order at the top of this module.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.API_CALL,
            subject=subject,
            subject_type=subject_type,
            subject_label=subject_label or request.path,
            details={
                "method": request.method,
                "path": request.path,
                "query": request.GET.dict(),
                "status": status,
                "token": token.prefix,
                "token_id": token.pk,
                "agency": membership.agency.code,
                "role": membership.role,
                **(details or {}),
            },
            request=request,
        )
    if note_last_used:
        token.last_used_at = now
