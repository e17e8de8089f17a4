"""Home-page item for administrators: accounts locked after failed sign-ins."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeguarding.access.permissions import holds
from safeguarding.accounts.selectors import current_lockouts
from safeguarding.core.attention import AttentionItem, register


@register
def locked_accounts(user: Any) -> list[AttentionItem]:
    if not holds(user, "lockout.manage"):
        return []
    return [
        AttentionItem(
            title="Accounts locked after failed sign-ins",
            count=len(current_lockouts()),
            href=reverse("administration:lockout-list"),
            detail="People who cannot sign in until the lock ends or you unlock them.",
        )
    ]
