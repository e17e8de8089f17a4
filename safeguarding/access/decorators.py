"""View decorators: hold a permission, and prove two-factor sign-in before identifiable data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from safeguarding.access.permissions import holds, holds_partnership_wide, requires_two_factor

View = Callable[..., HttpResponseBase]


def is_two_factor_verified(user: Any) -> bool:
    """True when this session was signed in with a second factor (django-otp's OTPMiddleware sets this)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def two_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where to send someone who must prove two-factor sign-in first; None when they already have."""
    user: Any = request.user
    if is_two_factor_verified(user):
        return None
    from safeguarding.accounts.services.two_factor import has_two_factor

    target = "accounts:two-factor" if has_two_factor(user) else "accounts:two-factor-setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def permission_required(permission: str, *, partnership_wide: bool = False) -> Callable[[View], View]:
    """The user must hold `permission` in some scope (else 403); identifiable permissions need two-factor.

    With partnership_wide, only a grant across the whole partnership will do (for example adding agencies).
    Object-level checks stay in the view, through access.permissions.get_for_user.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            allowed = holds_partnership_wide if partnership_wide else holds
            if not allowed(request.user, permission):
                raise PermissionDenied("Your roles do not allow this")
            if requires_two_factor(permission):
                detour = two_factor_redirect(request)
                if detour is not None:
                    return detour
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
