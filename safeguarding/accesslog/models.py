"""The access log: one append-only, hash-chained row per view, list, search, export or print of personal
data, per sign-in (and failed sign-in), and per change.

Each row freezes who acted (name, email, roles and agencies as they were at the time), so later changes
to people never rewrite history. Each row's hash covers its content and the previous row's hash, so an
altered or removed row breaks the chain (`safeguarding accesslog verify`). Updates and deletes are refused
by the model, its queryset and by database triggers (triggers.py, installed by migration 0002), and a
unique prev_hash means the chain can never fork.

On SQLite, a migration that alters this table may rebuild it (create a copy, drop the old one), and the
triggers go with the old table: such a migration must install them again with `triggers.install`.
test_triggers.py fails if a migration leaves the table without them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a logged event."""


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    """Reads as usual; bulk changes are refused here before the database triggers would refuse them.

    bulk_create is refused too: it would add rows without linking each to the one before it (only
    services.access_event_record does that, one event at a time under the chain's lock).
    """

    def bulk_create(
        self,
        objs: Iterable[AccessEvent],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> NoReturn:
        raise AppendOnlyError("Access events are added one at a time, through access_event_record")

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Access events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("Access events cannot be changed")


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
        SIGN_OUT = "sign_out", "Signed out"
        BREAK_GLASS = "break_glass", "Broke glass"
        API_CALL = "api_call", "Called the API"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=200, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    actor_roles = models.CharField(max_length=500, blank=True, help_text="Roles held at the time, frozen")
    actor_agencies = models.CharField(max_length=500, blank=True, help_text="Agencies at the time, frozen")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=300, blank=True)
    purpose = models.TextField(blank=True)
    # For changes: {"field": [old, new], ...}; for lists and searches: the filters used.
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "occurred_at"], name="accessevent_subject_idx"
            ),
            models.Index(fields=["actor", "occurred_at"], name="accessevent_actor_idx"),
            models.Index(fields=["action", "occurred_at"], name="accessevent_action_idx"),
        ]
        constraints = [
            # Each event has one successor: two events claiming the same predecessor (a fork of the
            # chain, from writers that did not take turns) can never be committed.
            models.UniqueConstraint(fields=["prev_hash"], name="accessevent_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name or 'anonymous'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Access events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events cannot be deleted")

    @property
    def details_text(self) -> str:
        """The details as one readable line, for the log's pages ("" when there are none)."""
        if not isinstance(self.details, dict):
            return str(self.details or "")
        return "; ".join(f"{key}: {value}" for key, value in sorted(self.details.items()))
