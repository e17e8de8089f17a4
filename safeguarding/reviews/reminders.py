"""Reminder emails about case review deadlines (`safeguarding reviews remind`, run once a day).

For every open review, each deadline from `selectors.review_clocks` that is not yet met and is due within
ATTENTION_WORKING_DAYS working days (as the home page warns), or overdue, is emailed to the review's owner
(CaseReview.owner). A review with deadlines to remind but no owner (or an owner no longer active) is skipped
and counted, so the business unit can give it one. Each deadline is reminded once while due soon and once
when overdue; the key holds the clock's name and due date ("review:W14:rapid-review:2023-01-12:overdue"), so
a deadline that moves is a new one. The new reminders of one review go in one email.

Emails name the review by its code only, never who it is about, and link to the review's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safeguarding.core.reminders import already_sent, reminder_send_once, site_link
from safeguarding.reviews.models import CaseReview
from safeguarding.reviews.selectors import (
    ATTENTION_WORKING_DAYS,
    FINISHED_STATUSES,
    ClockState,
    ReviewClock,
    review_clocks,
)


@dataclass(frozen=True)
class DeadlineReminder:
    clock: ReviewClock
    key: str


@dataclass
class ReviewsReminded:
    """What a run did: the reviews emailed with the keys sent, and the codes of reviews with no owner."""

    sent: list[tuple[CaseReview, list[str]]] = field(default_factory=list)
    no_owner: list[str] = field(default_factory=list)


def review_deadline_reminders(review: CaseReview, *, now: datetime | None = None) -> list[DeadlineReminder]:
    """The review's deadlines that need a reminder now (not yet met; overdue or due within the working
    days), whether already sent or not."""
    reminders = []
    for clock in review_clocks(review, now=now):
        if clock.done_on is not None or clock.state == ClockState.DONE:
            continue
        if clock.overdue:
            state = "overdue"
        elif clock.working_days_left is not None and clock.working_days_left <= ATTENTION_WORKING_DAYS:
            state = "due-soon"
        else:
            continue
        key = f"review:{review.code}:{clock.name}:{clock.due.isoformat()}:{state}"
        reminders.append(DeadlineReminder(clock, key))
    return reminders


def reviews_remind(*, now: datetime | None = None) -> ReviewsReminded:
    """Email each open review's owner about its deadlines due soon or overdue; each one once."""
    now = now or timezone.now()
    result = ReviewsReminded()
    reviews = (
        CaseReview.objects.exclude(status__in=FINISHED_STATUSES)
        .select_related("owner", "rapid_review")
        .prefetch_related("milestones", "rapid_review_requests__agency")
        .order_by("code")
    )
    for review in reviews:
        reminders = review_deadline_reminders(review, now=now)
        if not reminders:
            continue
        owner = review.owner
        if owner is None or not owner.is_active or not owner.email:
            result.no_owner.append(review.code)
            continue
        sent_before = already_sent([reminder.key for reminder in reminders])
        new = [reminder for reminder in reminders if reminder.key not in sent_before]
        if not new:
            continue
        keys = [reminder.key for reminder in new]
        if reminder_send_once(
            keys=keys,
            recipients=[owner.email],
            subject=_subject(review, new),
            message=_message(review, new),
            now=now,
        ):
            result.sent.append((review, keys))
    return result


def _subject(review: CaseReview, reminders: list[DeadlineReminder]) -> str:
    overdue = any(reminder.clock.overdue for reminder in reminders)
    if len(reminders) == 1:
        what = "deadline overdue" if overdue else "deadline coming up"
    else:
        what = "deadlines overdue" if overdue else "deadlines coming up"
    return f"Case review {review.code}: {what}"


def _message(review: CaseReview, reminders: list[DeadlineReminder]) -> str:
    # The review's code only: never who it is about (that stays in the restricted part of the review).
    lines = [
        "Hello,",
        "",
        f"Case review {review.code} has {'a deadline' if len(reminders) == 1 else 'deadlines'} to look at:",
        "",
    ]
    for reminder in reminders:
        clock = reminder.clock
        lines.append(f"- {clock.title}: due {clock.due:%-d %B %Y} ({clock.label})")
    link = site_link(reverse("reviews:detail", args=[review.code]))
    lines += [
        "",
        f"Open the review: {link}" if link else "Open the review from Case reviews in the platform.",
        "",
        "You receive this because you are the review's owner.",
        "",
        settings.PARTNERSHIP_NAME,
    ]
    return "\n".join(lines) + "\n"
