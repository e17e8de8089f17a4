"""Reads for 7-minute briefings, always with the actor (DESIGN rule 2).

Published briefings are for everyone with learning.view. Drafts are seen only by those who may write them:
the business unit (learning.manage) for every briefing, and case-review roles (review.manage) for briefings
about a case review. Briefings belong to the whole partnership, so only partnership-wide grants reach them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safeguarding.access.permissions import scope_filter
from safeguarding.briefings.models import Briefing, BriefingShare

VIEW = "learning.view"
MANAGE = "learning.manage"
REVIEW_MANAGE = "review.manage"


def _reaches(user: Any, permission: str) -> bool:
    return scope_filter(user, Briefing, permission) is not None


def briefing_may_write(user: Any, source_kind: str) -> bool:
    """May `user` write briefings about this kind of source? learning.manage; review.manage for a review."""
    if _reaches(user, MANAGE):
        return True
    return source_kind == Briefing.SourceKind.CASE_REVIEW and _reaches(user, REVIEW_MANAGE)


def briefing_writable_kinds(user: Any) -> list[str]:
    """The source kinds this user may write briefings about (empty: not a writer)."""
    return [kind for kind in Briefing.SourceKind.values if briefing_may_write(user, kind)]


def briefings_visible_to(user: Any) -> QuerySet[Briefing]:
    """Published briefings for learning.view; drafts too for the people who may write them."""
    if _reaches(user, MANAGE):
        return Briefing.objects.all()
    clauses = []
    if _reaches(user, VIEW):
        clauses.append(Q(status=Briefing.Status.PUBLISHED))
    if _reaches(user, REVIEW_MANAGE):
        clauses.append(Q(source_kind=Briefing.SourceKind.CASE_REVIEW))
    if not clauses:
        return Briefing.objects.none()
    condition = clauses[0]
    for clause in clauses[1:]:
        condition |= clause
    return Briefing.objects.filter(condition)


def briefing_get_for_user(user: Any, pk: Any, *, for_write: bool = False) -> Briefing:
    """One briefing: 404 when the user may not see it, 403 when they may see but not change it."""
    try:
        briefing = briefings_visible_to(user).get(pk=pk)
    except (Briefing.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such briefing, or not one you may see") from error
    if for_write and not briefing_may_write(user, briefing.source_kind):
        raise PermissionDenied("You may read this briefing but not change it")
    return briefing


def briefing_for_source(user: Any, source_kind: str, source_ref: str) -> Briefing | None:
    """The briefing about one source (e.g. case review W14) that the user may see, or None."""
    return (
        briefings_visible_to(user)
        .filter(source_kind=source_kind, source_ref=source_ref.strip().upper())
        .first()
    )


def briefings_published(user: Any, *, source_kind: str = "") -> QuerySet[Briefing]:
    """The published briefings the user may see, newest first, optionally of one source kind, each with
    `share_count` (how many times it was shared)."""
    queryset = (
        briefings_visible_to(user)
        .filter(status=Briefing.Status.PUBLISHED)
        .annotate(share_count=Count("shares"))
    )
    if source_kind:
        queryset = queryset.filter(source_kind=source_kind)
    return queryset.order_by("-published_on", "source_ref")


def briefings_drafts(user: Any) -> QuerySet[Briefing]:
    """The drafts the user may see (only writers see any), most recently changed first."""
    return briefings_visible_to(user).filter(status=Briefing.Status.DRAFT).order_by("-updated_at")


def briefing_shares(briefing: Briefing) -> QuerySet[BriefingShare]:
    """Where a briefing the caller has already fetched for the user was shared, newest first."""
    return briefing.shares.all()
