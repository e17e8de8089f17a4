"""Break-glass: time-limited access to one record outside a person's scope, given with a reason."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class BreakGlassGrantQuerySet(models.QuerySet["BreakGlassGrant"]):
    def in_force(self) -> BreakGlassGrantQuerySet:
        return self.filter(expires_at__gt=timezone.now(), revoked_at__isnull=True)


class BreakGlassGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    permission = models.CharField(max_length=60)
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The business unit manager's review of the use, after the event.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(
                fields=["user", "content_type", "object_id", "expires_at"], name="breakglass_lookup_idx"
            ),
            models.Index(fields=["reviewed_at"], name="breakglass_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="breakglass_expires_after_grant",
            )
        ]

    def __str__(self) -> str:
        until = timezone.localtime(self.expires_at)
        return f"{self.user} -> {self.content_type.model} {self.object_id}, until {until:%H:%M}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
