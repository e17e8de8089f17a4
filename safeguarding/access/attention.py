"""Home-page item for the business unit manager: break-glass uses waiting for review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeguarding.access.selectors import break_glass_grants_for_review
from safeguarding.core.attention import AttentionItem, register


@register
def break_glass_to_review(user: Any) -> list[AttentionItem]:
    count = break_glass_grants_for_review(user, unreviewed_only=True).count()
    return [
        AttentionItem(
            title="Break-glass uses to review",
            count=count,
            href=reverse("access:break-glass-review"),
            detail="Records opened outside someone's scope, with their reasons.",
        )
    ]
