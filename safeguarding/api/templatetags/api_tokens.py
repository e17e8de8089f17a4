"""Template tags for the token lists included in account pages that the api app does not own."""

from __future__ import annotations

from typing import Any

from django import template

from safeguarding.access.permissions import holds
from safeguarding.accounts.models import User
from safeguarding.api.models import ApiToken
from safeguarding.api.selectors import api_tokens_managed_by, api_tokens_of

register = template.Library()


@register.simple_tag
def api_tokens_owned_by(person: User) -> list[ApiToken]:
    """`{% api_tokens_owned_by user as tokens %}`: the person's own tokens, newest first."""
    if not getattr(person, "is_authenticated", False):
        return []
    return list(api_tokens_of(person))


@register.simple_tag
def api_tokens_manageable(viewer: Any, person: User) -> list[ApiToken] | None:
    """`{% api_tokens_manageable user person as tokens %}`: the person's tokens the viewer may revoke.

    None (show nothing) when the viewer doesn't manage people at all, so "no tokens" is never a guess.
    """
    if not holds(viewer, "people.manage"):
        return None
    return list(api_tokens_managed_by(viewer, person))
