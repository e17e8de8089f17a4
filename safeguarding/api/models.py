"""API tokens: how an agency's own system calls the platform's API.

A token belongs to one membership (a person's role in one agency) and acts with that role's permissions
only, never with the person's other roles. It stops working when it is revoked or expires, when the
membership ends, when the person is deactivated or when the agency is deactivated.

The secret is shown once, when the token is created; only its SHA-256 hash is stored, with the first
characters (the prefix) kept in clear so people can tell their tokens apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.accounts.models import Membership, MembershipQuerySet, User

TOKEN_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        ROLE_ENDED = "role_ended", "Role no longer in force"

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system that uses it.")
    prefix = models.CharField(
        max_length=TOKEN_PREFIX_LENGTH, help_text="The first characters of the token, to tell tokens apart."
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, in hex.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Empty when the token was created on the command line.",
    )  # fmt: skip
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: valid until revoked.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # How the access module scopes tokens: by the agency, team and person of their membership.
    access_agency_path: ClassVar[str] = "membership__agency_id"
    access_team_path: ClassVar[str] = "membership__team_id"
    access_own_path: ClassVar[str] = "membership__user_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="apitoken_revoked_by_needs_revoked_at",
            ),
        ]
        indexes = [models.Index(fields=["prefix"], name="apitoken_prefix_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (at or timezone.now())

    @property
    def status(self) -> ApiToken.Status:
        """Why the token would (not) work today, in the order the API checks it."""
        if self.is_revoked:
            return self.Status.REVOKED
        if self.is_expired():
            return self.Status.EXPIRED
        membership = self.membership
        if not (membership.is_current() and membership.user.is_active and membership.agency.active):
            return self.Status.ROLE_ENDED
        return self.Status.ACTIVE


class TokenActor(User):
    """The person behind an API token, holding only the role of the token's membership.

    The access checks (`access.permissions`) and the access log read a person's roles through
    `user.memberships`; narrowing that to the token's one membership makes every check and every logged
    role reflect what the token may do, without a second permission system. Never saved.
    """

    token_membership_id: int
    # A person's break-glass grants are theirs, in their session; a token acting for them never uses them.
    break_glass_applies = False

    class Meta:
        proxy = True

    @classmethod
    def for_membership(cls, membership: Membership) -> TokenActor:
        """The membership's person (as already loaded with it), narrowed to that membership."""
        person = membership.user
        fields = [field.attname for field in User._meta.concrete_fields]
        actor = cls.from_db(person._state.db, fields, [getattr(person, name) for name in fields])
        actor.token_membership_id = membership.pk
        return actor

    @property
    def memberships(self) -> MembershipQuerySet:  # type: ignore[override]
        return Membership.objects.filter(pk=self.token_membership_id, user_id=self.pk)

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("A token actor stands in for a person during one API call; it is never saved")
