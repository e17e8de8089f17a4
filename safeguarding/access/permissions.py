"""Who may do what: `can`, `visible_to` and `get_for_user`, the only ways views decide access.

A permission is held through a current membership whose role grants it with a scope. For a record, the
scope is turned into a filter using paths the model declares:

    access_agency_path  -> the agency a record belongs to   (for the "agency" scope)
    access_team_path    -> the team it belongs to           (for the "team" scope)
    access_own_path     -> the user it belongs to           (for the "own" scope)

A model that doesn't declare a path can't be reached through that scope. A break-glass grant in force
adds the one record it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404

from safeguarding.accounts.roles import PERMISSIONS, ROLES, Scope

M = TypeVar("M", bound=models.Model)


class OutOfScope(Http404):
    """The record exists but lies outside the person's scope, and they may break glass to open it.

    Only raised for people whose role allows break-glass, on models that name a break_glass_permission; the
    404 page then offers to open the record with a reason. Everyone else gets a plain 404.
    """

    def __init__(self, model: type[models.Model], pk: Any, permission: str) -> None:
        super().__init__("This record is outside your scope")
        self.model_label = model._meta.label_lower
        self.pk = pk
        self.permission = permission


@dataclass(frozen=True)
class HeldGrant:
    """One permission a person holds today, with the scope and where it applies."""

    permission: str
    scope: Scope
    agency_id: int
    team_id: int | None
    role: str


# The permissions break-glass may widen: reading a record, never changing it. A model opts in by naming one of
# these as its `break_glass_permission`; a person must already hold it in a narrower scope, and one of their
# roles must allow break-glass.
BREAK_GLASS_PERMISSIONS = frozenset({"agency.view", "referral.view", "contact.view", "child.view"})


def break_glass_permission(model: type[models.Model]) -> str | None:
    """The read permission break-glass widens for this model, or None when the model doesn't allow it."""
    permission = getattr(model, "break_glass_permission", None)
    return permission if permission in BREAK_GLASS_PERMISSIONS else None


_CACHE_ATTR = "_access_held_grants"


def held_grants(user: Any) -> list[HeldGrant]:
    """The permissions a user holds through current memberships, cached on the user object per request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants = []
    for membership in user.memberships.current().only("agency_id", "team_id", "role"):
        role = ROLES.get(membership.role)
        if role is None:
            continue
        for grant in role.grants:
            grants.append(
                HeldGrant(grant.permission, grant.scope, membership.agency_id, membership.team_id, role.code)
            )
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user: Any) -> None:
    """Drop the per-request cache after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def holds(user: Any, permission: str) -> bool:
    """True when the user holds the permission in any scope (the gate for list pages and menus)."""
    _check_known(permission)
    return any(g.permission == permission for g in held_grants(user))


def holds_partnership_wide(user: Any, permission: str) -> bool:
    """True when a current role grants `permission` across the whole partnership, not just one agency."""
    _check_known(permission)
    return any(g.permission == permission and g.scope == Scope.PARTNERSHIP for g in held_grants(user))


def scope_filter(user: Any, model: type[models.Model], permission: str) -> Q | None:
    """The filter of records of `model` the user reaches with `permission`; None means none at all."""
    _check_known(permission)
    clauses: list[Q] = []
    for grant in held_grants(user):
        if grant.permission != permission:
            continue
        if grant.scope == Scope.PARTNERSHIP:
            return Q()
        path = _path_for(model, grant)
        if path is None:
            continue
        value: int | None
        if grant.scope == Scope.AGENCY:
            value = grant.agency_id
        elif grant.scope == Scope.TEAM:
            value = grant.team_id
        else:
            value = user.pk
        if value is not None:
            clauses.append(Q(**{path: value}))
    clauses.extend(_break_glass_clauses(user, model, permission))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def visible_to(user: Any, queryset: models.QuerySet[M], permission: str) -> models.QuerySet[M]:
    """Narrow a queryset to the records the user may reach with `permission`."""
    condition = scope_filter(user, queryset.model, permission)
    if condition is None:
        return queryset.none()
    if condition == Q():
        return queryset
    # A filter across a to-many path (e.g. a user's memberships) can repeat rows; keep each record once.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def can(user: Any, permission: str, obj: models.Model | None = None) -> bool:
    """May `user` use `permission` (on `obj`, when given)?"""
    if obj is None:
        return holds(user, permission)
    model = type(obj)
    return visible_to(user, model._default_manager.filter(pk=obj.pk), permission).exists()


def get_for_user(
    user: Any,
    model: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    view_permission: str,
    change_permission: str | None = None,
    for_write: bool = False,
) -> M:
    """Fetch one record for a user: 404 when they may not see it, 403 when they may see but not change it."""
    queryset = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    try:
        obj = visible_to(user, queryset, view_permission).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        if _may_break_glass_into(user, queryset, pk, view_permission):
            raise OutOfScope(queryset.model, pk, view_permission) from exc
        raise Http404("No such record, or not one you may see") from exc
    if for_write:
        if change_permission is None:
            raise ValueError("for_write needs a change_permission")
        if not can(user, change_permission, obj):
            raise PermissionDenied("You may see this record but not change it")
    return obj


def may_break_glass(user: Any) -> bool:
    """True when a current role of the user allows break-glass access."""
    roles = {g.role for g in held_grants(user)}
    return any(ROLES[code].can_break_glass for code in roles)


def _may_break_glass_into(user: Any, queryset: models.QuerySet[Any], pk: Any, permission: str) -> bool:
    return (
        permission == break_glass_permission(queryset.model)
        and holds(user, permission)
        and may_break_glass(user)
        and _exists(queryset, pk)
    )


def _exists(queryset: models.QuerySet[Any], pk: Any) -> bool:
    try:
        return queryset.filter(pk=pk).exists()
    except (ValueError, TypeError, ValidationError):
        return False


def requires_two_factor(permission: str) -> bool:
    return PERMISSIONS[permission].identifiable


def _path_for(model: type[models.Model], grant: HeldGrant) -> str | None:
    attribute = {
        Scope.AGENCY: "access_agency_path",
        Scope.TEAM: "access_team_path",
        Scope.OWN: "access_own_path",
    }[grant.scope]
    path = getattr(model, attribute, None)
    return path if isinstance(path, str) else None


def _break_glass_clauses(user: Any, model: type[models.Model], permission: str) -> list[Q]:
    from safeguarding.access.models import BreakGlassGrant

    # Break-glass is a person's decision in a session; an API token acting for them never inherits it. A grant
    # stops counting as soon as the person loses the permission or the role that allowed break-glass.
    if (
        permission != break_glass_permission(model)
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "break_glass_applies", True)
        or not holds(user, permission)
        or not may_break_glass(user)
    ):
        return []
    content_type = ContentType.objects.get_for_model(model)
    ids = list(
        BreakGlassGrant.objects.in_force()
        .filter(user=user, content_type=content_type, permission=permission)
        .values_list("object_id", flat=True)
    )
    return [Q(pk__in=ids)] if ids else []


def _check_known(permission: str) -> None:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to accounts/roles.py")
