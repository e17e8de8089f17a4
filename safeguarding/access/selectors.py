from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safeguarding.access.models import BreakGlassGrant
from safeguarding.access.permissions import holds


def break_glass_grants_for_review(user: Any, *, unreviewed_only: bool) -> QuerySet[BreakGlassGrant]:
    if not holds(user, "breakglass.review"):
        return BreakGlassGrant.objects.none()
    grants = BreakGlassGrant.objects.select_related("user", "content_type", "reviewed_by")
    if unreviewed_only:
        grants = grants.filter(reviewed_at__isnull=True)
    return grants.order_by("-granted_at")
