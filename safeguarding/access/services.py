"""Break-glass: opening one record outside your scope, with a reason, for a limited time; and its review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.access.models import BreakGlassGrant
from safeguarding.access.permissions import break_glass_permission, forget_grants, holds, may_break_glass
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record

MINIMUM_REASON_LENGTH = 20


def break_glass_open(
    *, user: Any, obj: models.Model, reason: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Let `user` read `obj` for settings.BREAK_GLASS_MINUTES, logging the reason.

    Break-glass widens the scope of the model's read permission, which the person must already hold; it
    never adds a permission and never allows a change.
    """
    permission = break_glass_permission(type(obj))
    if permission is None:
        raise PermissionDenied("Break-glass is not available for this kind of record")
    if not may_break_glass(user) or not holds(user, permission):
        raise PermissionDenied("Your roles do not allow break-glass access to this record")
    reason = reason.strip()
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise ValidationError(f"Give the reason in at least {MINIMUM_REASON_LENGTH} characters")
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            permission=permission,
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        access_event_record(
            actor=user,
            action=AccessEvent.Action.BREAK_GLASS,
            subject=obj,
            purpose=reason,
            details={"permission": permission, "grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
            request=request,
        )
    forget_grants(user)
    return grant


def break_glass_review(
    *, reviewer: Any, grant: BreakGlassGrant, note: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Record the business unit manager's review of one use of break-glass."""
    if grant.reviewed_at is not None:
        raise ValidationError("This break-glass use has already been reviewed")
    if grant.user_id == reviewer.pk:
        raise PermissionDenied("Nobody reviews their own break-glass use")
    with transaction.atomic():
        grant.reviewed_at = timezone.now()
        grant.reviewed_by = reviewer
        grant.review_note = note.strip()
        grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        access_event_record(
            actor=reviewer,
            action=AccessEvent.Action.CHANGE,
            subject=grant,
            purpose="Break-glass review",
            details={"reviewed": True, "note": grant.review_note},
            request=request,
        )
    return grant
