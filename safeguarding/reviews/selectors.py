"""Reads for case reviews, always with the actor (DESIGN rule 2), and the review clocks (DESIGN rule 4).

Reviews are partnership business: review.view (held partnership-wide) shows a review by its code; who it is
about is only read through `review_subject_get_for_user`, which needs review.identity.view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.permissions import can, holds, visible_to
from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_visible_to, with_drift
from safeguarding.core.attention import AttentionItem
from safeguarding.core.clocks import DeadlineState, clock_due_date, deadline_status
from safeguarding.reviews.models import (
    CaseReview,
    Decision,
    RapidReview,
    Recommendation,
    ReviewPause,
    ReviewSubject,
)

VIEW = "review.view"
MANAGE = "review.manage"
IDENTITY = "review.identity.view"

# The home page warns the business unit this many working days before a review deadline.
ATTENTION_WORKING_DAYS = 5


class ClockState:
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


@dataclass(frozen=True)
class ReviewClock:
    """One deadline of a review as the review page shows it."""

    name: str
    title: str
    due: date
    state: str  # ClockState
    label: str
    done_on: date | None = None
    working_days_left: int | None = None

    @property
    def overdue(self) -> bool:
        return self.state == ClockState.OVERDUE


def reviews_visible_to(user: Any) -> QuerySet[CaseReview]:
    return visible_to(user, CaseReview.objects.all(), VIEW)


def review_get_for_user(user: Any, code: str, *, for_write: bool = False) -> CaseReview:
    """One review by its code: 404 when the user may not see it, 403 when they may see but not change it."""
    review = reviews_visible_to(user).filter(code=code).first()
    if review is None:
        raise Http404("No such review, or not one you may see")
    if for_write and not can(user, MANAGE, review):
        raise PermissionDenied("You may see this review but not change it")
    return review


def review_subject_get_for_user(user: Any, review: CaseReview) -> ReviewSubject | None:
    """Who the review is about (None when not yet recorded); 403 without review.identity.view.

    The caller logs the view (access_event_record) in the same request.
    """
    if not can(user, IDENTITY, review):
        raise PermissionDenied("Only case-review roles may see who a review is about")
    return ReviewSubject.objects.filter(review=review).first()


def _clock(name: str, title: str, start: date, done_on: date | None, now: Any = None) -> ReviewClock:
    due = clock_due_date(name, start)
    if done_on is not None:
        late = " (late)" if done_on > due else ""
        return ReviewClock(name, title, due, ClockState.DONE, f"Done on {done_on:%-d %B %Y}{late}", done_on)
    status = deadline_status(due, now=now)
    state = ClockState.OVERDUE if status.state == DeadlineState.OVERDUE else ClockState.DUE
    return ReviewClock(name, title, due, state, status.label, None, status.working_days_left)


def review_clocks(review: CaseReview, *, now: Any = None) -> list[ReviewClock]:
    """The review's deadlines that have started, in order.

    - Notification to the Panel (notifiable incidents only): 5 working days from awareness.
    - Rapid review: 15 working days from the notification; met by the rapid review meeting.
    - Publication (a local review): LCSPR_PUBLICATION_MONTHS from the executive decision; met by publication.
    """
    clocks: list[ReviewClock] = []
    if review.is_notifiable:
        clocks.append(
            _clock(
                "serious-incident-notification",
                "Notify the Child Safeguarding Practice Review Panel",
                review.aware_date,
                review.notification_date,
                now,
            )
        )
    if review.notification_date is not None:
        meeting = review.rapid_review if _has_rapid_review(review) else None
        clocks.append(
            _clock(
                "rapid-review",
                "Complete the rapid review",
                review.notification_date,
                meeting.meeting_date if meeting is not None else None,
                now,
            )
        )
    if review.decision == Decision.LOCAL_REVIEW and review.decided_on is not None:
        clocks.append(
            _clock("lcspr-publication", "Publish the review", review.decided_on, review.published_on, now)
        )
    return clocks


def _has_rapid_review(review: CaseReview) -> bool:
    try:
        review.rapid_review  # noqa: B018 (a reverse one-to-one raises when there is none)
    except CaseReview.rapid_review.RelatedObjectDoesNotExist:
        return False
    return True


def review_next_deadline(review: CaseReview, *, now: Any = None) -> ReviewClock | None:
    """The earliest deadline not yet met, or None."""
    open_clocks = [clock for clock in review_clocks(review, now=now) if clock.state != ClockState.DONE]
    return min(open_clocks, key=lambda clock: clock.due, default=None)


@dataclass(frozen=True)
class ReviewSummaryRow:
    review: CaseReview
    age_days: int
    next_deadline: ReviewClock | None
    current_pause: ReviewPause | None
    days_lost: int


def review_days_lost(review: CaseReview, today: date) -> int:
    """Calendar days lost to every pause of the review, counting a current pause up to today."""
    return sum(pause.days_lost(today) for pause in review.pauses.all())


def reviews_summary(user: Any, *, now: Any = None) -> list[ReviewSummaryRow]:
    """Every review the user may see, for the summary page: age in calendar days since awareness, the next
    deadline, the current pause and the days lost to pauses."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    reviews = reviews_visible_to(user).select_related("rapid_review").prefetch_related("pauses")
    rows = []
    for review in reviews:
        pauses = list(review.pauses.all())
        current = next((pause for pause in pauses if pause.resumed_on is None), None)
        rows.append(
            ReviewSummaryRow(
                review=review,
                age_days=(today - review.aware_date).days,
                next_deadline=review_next_deadline(review, now=now),
                current_pause=current,
                days_lost=sum(pause.days_lost(today) for pause in pauses),
            )
        )
    return rows


def reviews_needing_attention(user: Any, *, now: Any = None) -> tuple[list[CaseReview], list[CaseReview]]:
    """(overdue, due within ATTENTION_WORKING_DAYS working days) among reviews the user may manage."""
    overdue: list[CaseReview] = []
    due_soon: list[CaseReview] = []
    for review in visible_to(user, CaseReview.objects.all(), MANAGE).select_related("rapid_review"):
        deadline = review_next_deadline(review, now=now)
        if deadline is None:
            continue
        if deadline.overdue:
            overdue.append(review)
        elif deadline.working_days_left is not None and deadline.working_days_left <= ATTENTION_WORKING_DAYS:
            due_soon.append(review)
    return overdue, due_soon


def reviews_attention(user: Any) -> list[AttentionItem]:
    """Home-page items for people who run reviews (review.manage)."""
    if not holds(user, MANAGE):
        return []
    overdue, due_soon = reviews_needing_attention(user)
    href = reverse("reviews:summary")
    return [
        AttentionItem(
            "Case review deadlines overdue",
            len(overdue),
            href,
            ", ".join(review.code for review in overdue),
            overdue=True,
        ),
        AttentionItem(
            f"Case review deadlines due within {ATTENTION_WORKING_DAYS} working days",
            len(due_soon),
            href,
            ", ".join(review.code for review in due_soon),
        ),
    ]


@dataclass(frozen=True)
class RecommendationRow:
    """A recommendation and those of its tracker actions the person may see (with drift annotations)."""

    recommendation: Recommendation
    actions: list[Action]


def review_recommendations(user: Any, review: CaseReview) -> list[RecommendationRow]:
    """The review's recommendations in number order, each with its actions from the shared tracker.

    Actions are matched by source_kind "review_recommendation" and source_ref "<code>/R<number>", and read
    through the tracker's own scope: an agency-scoped reader sees only its agency's actions.
    """
    recommendations = list(Recommendation.objects.filter(review=review).select_related("review"))
    refs = [recommendation.source_ref for recommendation in recommendations]
    actions = with_drift(
        actions_visible_to(user).filter(
            source_kind=Action.SourceKind.REVIEW_RECOMMENDATION, source_ref__in=refs
        )
    ).order_by("due_date", "reference")
    by_ref: dict[str, list[Action]] = {ref: [] for ref in refs}
    for action in actions:
        by_ref[action.source_ref].append(action)
    return [RecommendationRow(rec, by_ref[rec.source_ref]) for rec in recommendations]


def rapid_review_of(review: CaseReview) -> RapidReview | None:
    """The review's rapid review meeting, with the agencies that attended, or None before it is recorded."""
    return RapidReview.objects.filter(review=review).prefetch_related("attending_agencies").first()


def recommendation_of(review: CaseReview, number: int) -> Recommendation | None:
    return Recommendation.objects.filter(review=review, number=number).select_related("review").first()
