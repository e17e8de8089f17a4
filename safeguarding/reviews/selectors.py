"""Reads for case reviews, always with the actor (DESIGN rule 2), and the review clocks (DESIGN rule 4).

Reviews are partnership business: review.view (held partnership-wide) shows a review by its code; who it is
about is only read through `review_subject_get_for_user`, which needs review.identity.view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.decorators import is_two_factor_verified
from safeguarding.access.permissions import can, held_grants, holds, visible_to
from safeguarding.accounts.models import Agency
from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_visible_to, with_drift
from safeguarding.core.attention import AttentionItem
from safeguarding.core.clocks import DeadlineState, clock_due_date, deadline_status
from safeguarding.reviews.models import (
    MILESTONE_ORDER,
    REVIEWING_DECISIONS,
    CaseReview,
    Decision,
    MilestoneStage,
    RapidReview,
    RapidReviewAttendee,
    RapidReviewRequest,
    Recommendation,
    Reviewer,
    ReviewMilestone,
    ReviewPause,
    ReviewProposal,
    ReviewSubject,
)

VIEW = "review.view"
MANAGE = "review.manage"
IDENTITY = "review.identity.view"
PROPOSE = "review.propose"

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


MATERIAL = "review.material.view"


def may_see_case_material(user: Any, review: CaseReview) -> bool:
    """Whether the person may read the review's case material (the rapid review's immediate actions,
    learning and the Panel's response; the terms of reference): case-review roles and the executive, who
    decide on reviews (issue 6, section 7). Everyone else with review.view follows a review by its code,
    status, dates and deadlines."""
    return can(user, MATERIAL, review)


def may_see_identity(user: Any, review: CaseReview | None = None) -> bool:
    """Whether the person may see who a review is about (or, with no review, exact equality counts): they
    hold review.identity.view and have proved two factors this session, as DESIGN.md asks of identifiable
    data. The permission alone is not enough: a case reviewer who has not yet set up an authenticator is
    signed in with a password only."""
    return can(user, IDENTITY, review) and is_two_factor_verified(user)


def review_subject_get_for_user(user: Any, review: CaseReview) -> ReviewSubject | None:
    """Who the review is about (None when not yet recorded); 403 without review.identity.view and two
    factors.

    The caller logs the view (access_event_record) in the same request.
    """
    if not may_see_identity(user, review):
        raise PermissionDenied("Only case-review roles may see who a review is about")
    return ReviewSubject.objects.filter(review=review).first()


def _clock(name: str, title: str, start: date, done_on: date | None, now: Any = None) -> ReviewClock:
    due = clock_due_date(name, start)
    if done_on is not None:
        late = " (late)" if done_on > due else ""
        return ReviewClock(name, title, due, ClockState.DONE, f"Done on {done_on:%-d %B %Y}{late}", done_on)
    return _open_clock(name, title, due, now)


def _open_clock(name: str, title: str, due: date, now: Any) -> ReviewClock:
    """A deadline not met yet (a planned date, a due date), due or overdue as of `now`."""
    status = deadline_status(due, now=now)
    state = ClockState.OVERDUE if status.state == DeadlineState.OVERDUE else ClockState.DUE
    return ReviewClock(name, title, due, state, status.label, None, status.working_days_left)


def review_clocks(review: CaseReview, *, now: Any = None) -> list[ReviewClock]:
    """The review's deadlines that have started, in order.

    - Notification to the Panel (notifiable incidents only): 5 working days from awareness.
    - Rapid review: 15 working days from the notification; met by the rapid review meeting.
    - Information asked of an agency for the rapid review: its due date, met by its return; chased only
      until the meeting is recorded ("information-<agency id>", see _information_clocks).
    - The decision on a local review: see review_decision_clock; met by the executive decision.
    - Publication (a local review): LCSPR_PUBLICATION_MONTHS from the executive decision; met by publication.
    - Milestones of a review in progress (scoping ... publication): each planned date not yet done, named
      "milestone-<stage>" (e.g. "milestone-draft") with the stage's label as title; left out while the
      review is paused and once it is published or closed (see _milestone_clocks).
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
    clocks.extend(_information_clocks(review, now))
    decision = review_decision_clock(review, now=now)
    if decision is not None:
        clocks.append(decision)
    if review.decision == Decision.LOCAL_REVIEW and review.decided_on is not None:
        clocks.append(
            _clock("lcspr-publication", "Publish the review", review.decided_on, review.published_on, now)
        )
    clocks.extend(_milestone_clocks(review, now))
    return clocks


def _information_clocks(review: CaseReview, now: Any) -> list[ReviewClock]:
    """A deadline for each agency's information asked for the rapid review and not yet returned.

    Once the meeting is recorded an unreturned request is no longer chased (the meeting went ahead without
    it: the information table still says it never came). Returned ones are on that table, not here.
    """
    return [clock for _, clock in _information_deadlines(review, now)]


def _information_deadlines(review: CaseReview, now: Any) -> list[tuple[RapidReviewRequest, ReviewClock]]:
    if _has_rapid_review(review):
        return []
    requests = sorted(review.rapid_review_requests.all(), key=lambda request: (request.due_date, request.pk))
    return [
        (
            request,
            _open_clock(
                f"information-{request.agency_id}",
                f"Information from {request.agency.name}",
                request.due_date,
                now,
            ),
        )
        for request in requests
        if request.returned_on is None
    ]


def information_overdue_ids(review: CaseReview, *, now: Any = None) -> set[int]:
    """The information requests the review page flags as overdue: those whose deadline (above) is overdue,
    read the same way as every other deadline of the review."""
    return {request.pk for request, clock in _information_deadlines(review, now) if clock.overdue}


DECISION_CLOCK_TITLE = "Decide on a local review"


def review_decision_clock(review: CaseReview, *, now: Any = None) -> ReviewClock | None:
    """When the executive's decision on a local review is due, by the kind of referral (core.clocks):

    - a notifiable incident: with the rapid review, 15 working days from the notification (cspr-decision),
      so none until the Panel is notified;
    - a DHR notification: one month from the day the death came to attention (dhr-decision);
    - a SAR referral or a non-notifiable case: the local standard from the day of awareness
      (local-review-decision).

    Met by the decision's date (decided_on); None for a notifiable incident not yet notified.
    """
    if review.is_notifiable:
        if review.notification_date is None:
            return None
        name, start = "cspr-decision", review.notification_date
    elif review.kind == CaseReview.Kind.DHR_NOTIFICATION:
        name, start = "dhr-decision", review.aware_date
    else:
        name, start = "local-review-decision", review.aware_date
    decided_on = review.decided_on if review.decision else None
    return _clock(name, DECISION_CLOCK_TITLE, start, decided_on, now)


# Reviews that are over: no milestone or deadline of theirs is chased, on the home page or by email.
FINISHED_STATUSES = (
    CaseReview.Status.PUBLISHED,
    CaseReview.Status.CLOSED,
    CaseReview.Status.NO_FURTHER_REVIEW,
)


def _milestones_of(review: CaseReview) -> list[ReviewMilestone]:
    """The review's milestones in MILESTONE_ORDER (read from a prefetch when there is one)."""
    return sorted(review.milestones.all(), key=lambda milestone: MILESTONE_ORDER[milestone.stage])


def review_is_paused(review: CaseReview) -> bool:
    """Paused now: review_pause sets the status and review_resume clears it."""
    return review.status == CaseReview.Status.PAUSED


def _milestone_clocks(review: CaseReview, now: Any) -> list[ReviewClock]:
    """A deadline for each milestone with a planned date that is not done yet ("milestone-draft" etc.).

    A paused review's milestones are left out altogether while it is paused: nothing is expected to move
    while the review stands still (criminal proceedings, an inquest), so a planned date passing then is
    neither overdue nor due soon, and no reminder goes out. They come back, with their planned dates, once
    it resumes (the business unit re-plans them then). Done milestones are on the review page's milestones
    table, not here.
    """
    if review_is_paused(review) or review.status in FINISHED_STATUSES:
        return []
    return [
        _open_clock(
            f"milestone-{milestone.stage.replace('_', '-')}",
            milestone.get_stage_display(),
            milestone.planned_date,
            now,
        )
        for milestone in _milestones_of(review)
        if milestone.done_on is None and milestone.planned_date is not None
    ]


@dataclass(frozen=True)
class NextMilestone:
    """The first milestone of a review in progress that is not done yet."""

    stage: str
    title: str
    planned_date: date | None
    overdue: bool
    on_hold: bool  # the review is paused, so a passed planned date is not overdue
    label: str


def review_next_milestone(review: CaseReview, *, now: Any = None) -> NextMilestone | None:
    """The first stage in MILESTONE_ORDER not done yet, with its planned date and whether it is overdue
    (never while the review is paused); None before the review starts, once every milestone is done, and
    once the review is published or closed."""
    if review.status in FINISHED_STATUSES:
        return None
    pending = [milestone for milestone in _milestones_of(review) if milestone.done_on is None]
    if not pending:
        return None
    milestone = pending[0]
    title = milestone.get_stage_display()
    on_hold = review_is_paused(review)
    if milestone.planned_date is None:
        return NextMilestone(milestone.stage, title, None, False, on_hold, "Not planned yet")
    status = deadline_status(milestone.planned_date, now=now)
    if on_hold:
        label = f"On hold while the review is paused (planned for {milestone.planned_date:%-d %B %Y})"
        return NextMilestone(milestone.stage, title, milestone.planned_date, False, True, label)
    overdue = status.state == DeadlineState.OVERDUE
    return NextMilestone(milestone.stage, title, milestone.planned_date, overdue, False, status.label)


@dataclass(frozen=True)
class MilestoneRow:
    """One row of the review page's milestones table."""

    milestone: ReviewMilestone
    late: bool  # done after its planned date
    overdue: bool  # not done, planned date passed, review not paused
    on_hold: bool  # not done, planned date passed, review paused


def review_milestones(review: CaseReview, *, now: Any = None) -> list[MilestoneRow]:
    """The review's milestones in order, each flagged late (done after the plan) or overdue."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    paused = review_is_paused(review)
    rows = []
    for milestone in _milestones_of(review):
        planned, done = milestone.planned_date, milestone.done_on
        late = done is not None and planned is not None and done > planned
        passed = done is None and planned is not None and planned < today
        rows.append(MilestoneRow(milestone, late, passed and not paused, passed and paused))
    return rows


def review_type_label(review: CaseReview) -> str:
    """The kind of review decided on: LCSPR (a child's local review), SAR (an adult's), DHR (after a domestic
    homicide review notification), or the alternative review's name; "" when no review was decided."""
    if review.decision not in REVIEWING_DECISIONS:
        return ""
    if review.decision == Decision.LOCAL_REVIEW:
        if review.kind == CaseReview.Kind.DHR_NOTIFICATION:
            return "DHR"
        if review.subject_type == CaseReview.SubjectType.ADULT:
            return "SAR"
        return "LCSPR"
    label = str(Decision(review.decision).label)
    name = label.removeprefix("Alternative: ")
    return name[:1].upper() + name[1:]


# The referral types in a word or two, for the summary table (the full labels are on the review page).
_REFERRAL_SHORT = {
    CaseReview.Kind.NOTIFIABLE_INCIDENT: "Notifiable incident",
    CaseReview.Kind.NON_NOTIFIABLE: "Non-notifiable case",
    CaseReview.Kind.SAR_REFERRAL: "SAR referral",
    CaseReview.Kind.DHR_NOTIFICATION: "DHR notification",
}


def referral_short_label(review: CaseReview) -> str:
    """ "Notifiable incident (child)" and so on: the referral's type in brief, with child or adult."""
    kind = _REFERRAL_SHORT.get(CaseReview.Kind(review.kind), review.get_kind_display())
    return f"{kind} ({review.get_subject_type_display().lower()})"


def review_publication_clock(review: CaseReview, *, now: Any = None) -> ReviewClock | None:
    """The local review's publication deadline (met by publication), or None."""
    return next((c for c in review_clocks(review, now=now) if c.name == "lcspr-publication"), None)


@dataclass(frozen=True)
class ReviewerRow:
    reviewer: Reviewer
    codes: list[str]  # the reviews they lead that the reader may see, by code


def reviewers_pool(user: Any) -> list[ReviewerRow]:
    """The reviewer pool, active reviewers first, each with the reviews they lead (by code only)."""
    visible = reviews_visible_to(user).filter(reviewer__isnull=False).order_by("code")
    codes: dict[int, list[str]] = {}
    for reviewer_id, code in visible.values_list("reviewer_id", "code"):
        codes.setdefault(reviewer_id, []).append(code)
    reviewers = Reviewer.objects.order_by("-active", "name")
    return [ReviewerRow(reviewer, codes.get(reviewer.pk, [])) for reviewer in reviewers]


def reviewer_get(pk: int) -> Reviewer:
    reviewer = Reviewer.objects.filter(pk=pk).first()
    if reviewer is None:
        raise Http404("No such reviewer")
    return reviewer


def reviewers_for_appointment(current: Reviewer | None = None) -> QuerySet[Reviewer]:
    """Reviewers who may be appointed: the active pool, and the review's current reviewer."""
    query = Q(active=True)
    if current is not None:
        query |= Q(pk=current.pk)
    return Reviewer.objects.filter(query).order_by("name")


def _has_rapid_review(review: CaseReview) -> bool:
    try:
        review.rapid_review  # noqa: B018 (a reverse one-to-one raises when there is none)
    except CaseReview.rapid_review.RelatedObjectDoesNotExist:
        return False
    return True


def review_next_deadline(review: CaseReview, *, now: Any = None) -> ReviewClock | None:
    """The earliest deadline not yet met, or None."""
    return _next_open(review_clocks(review, now=now))


def _next_open(clocks: list[ReviewClock]) -> ReviewClock | None:
    open_clocks = [clock for clock in clocks if clock.state != ClockState.DONE]
    return min(open_clocks, key=lambda clock: clock.due, default=None)


@dataclass(frozen=True)
class ReviewSummaryRow:
    review: CaseReview
    age_days: int
    next_deadline: ReviewClock | None
    current_pause: ReviewPause | None
    days_lost: int
    type_label: str = ""  # LCSPR, SAR, DHR or the alternative review ("" before a review is decided)
    referral_label: str = ""  # the referral's type in brief, e.g. "Notifiable incident (child)"
    next_milestone: NextMilestone | None = None
    publication: ReviewClock | None = None  # a local review's publication deadline
    planned_publication: date | None = None  # the publication milestone's planned date


def review_days_lost(review: CaseReview, today: date) -> int:
    """Calendar days lost to every pause of the review, counting a current pause up to today."""
    return sum(pause.days_lost(today) for pause in review.pauses.all())


def reviews_summary(user: Any, *, now: Any = None) -> list[ReviewSummaryRow]:
    """Every review the user may see, for the summary page: age in calendar days since awareness, the next
    deadline, the current pause and the days lost to pauses."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    reviews = (
        reviews_visible_to(user)
        .select_related("rapid_review")
        .prefetch_related("pauses", "milestones", "rapid_review_requests__agency")
    )
    rows = []
    for review in reviews:
        current = next((pause for pause in review.pauses.all() if pause.resumed_on is None), None)
        clocks = review_clocks(review, now=now)
        publication_milestone = next(
            (m for m in review.milestones.all() if m.stage == MilestoneStage.PUBLICATION), None
        )
        rows.append(
            ReviewSummaryRow(
                review=review,
                age_days=(today - review.aware_date).days,
                next_deadline=_next_open(clocks),
                current_pause=current,
                days_lost=review_days_lost(review, today),
                type_label=review_type_label(review),
                referral_label=referral_short_label(review),
                next_milestone=review_next_milestone(review, now=now),
                publication=next((c for c in clocks if c.name == "lcspr-publication"), None),
                planned_publication=publication_milestone.planned_date if publication_milestone else None,
            )
        )
    return rows


def reviews_needing_attention(user: Any, *, now: Any = None) -> tuple[list[CaseReview], list[CaseReview]]:
    """(overdue, due within ATTENTION_WORKING_DAYS working days) among reviews the user may manage."""
    overdue: list[CaseReview] = []
    due_soon: list[CaseReview] = []
    managed = visible_to(user, CaseReview.objects.all(), MANAGE)
    for review in managed.select_related("rapid_review").prefetch_related(
        "milestones", "rapid_review_requests__agency"
    ):
        deadline = review_next_deadline(review, now=now)
        if deadline is None:
            continue
        if deadline.overdue:
            overdue.append(review)
        elif deadline.working_days_left is not None and deadline.working_days_left <= ATTENTION_WORKING_DAYS:
            due_soon.append(review)
    return overdue, due_soon


def proposals_visible_to(user: Any) -> QuerySet[ReviewProposal]:
    """Cases put forward: all of them for the business unit and case reviewers (review.propose across the
    partnership), a partner's own for everyone else."""
    return visible_to(user, ReviewProposal.objects.select_related("agency", "review"), PROPOSE)


def proposal_get_for_user(user: Any, pk: int) -> ReviewProposal:
    proposal = proposals_visible_to(user).filter(pk=pk).first()
    if proposal is None:
        raise Http404("No such case put forward, or not one you may see")
    return proposal


def proposing_agency_ids(user: Any) -> set[int]:
    """The agencies a person may put a case forward for: those of their roles that grant review.propose."""
    return {grant.agency_id for grant in held_grants(user) if grant.permission == PROPOSE}


@dataclass(frozen=True)
class ProposalIdentity:
    name: str
    date_of_birth: date | None


def proposal_identity_for_user(user: Any, proposal: ReviewProposal) -> ProposalIdentity | None:
    """Who a case put forward is about, for case-review roles with two factors (as may_see_identity);
    None for everyone else, the partner who put it forward included. The caller logs the view."""
    if not may_see_identity(user):
        return None
    return ProposalIdentity(proposal.subject_name, proposal.subject_date_of_birth)


def proposals_waiting(user: Any) -> QuerySet[ReviewProposal]:
    return proposals_visible_to(user).filter(status=ReviewProposal.Status.SUBMITTED)


def reviews_attention(user: Any) -> list[AttentionItem]:
    """Home-page items for people who run reviews (review.manage)."""
    if not holds(user, MANAGE):
        return []
    overdue, due_soon = reviews_needing_attention(user)
    href = reverse("reviews:summary")
    return [
        AttentionItem(
            "Cases put forward for consideration of a review",
            proposals_waiting(user).count(),
            reverse("reviews:proposals"),
            "Put forward by partner agencies: take each into consideration under a code, or say why not.",
        ),
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
    return (
        RapidReview.objects.filter(review=review)
        .prefetch_related("attending_agencies", "attendees__agency")
        .first()
    )


@dataclass(frozen=True)
class AgencyAttendance:
    agency: Agency
    people: list[RapidReviewAttendee]


def rapid_review_attendance(rapid: RapidReview) -> list[AgencyAttendance]:
    """Each agency that attended the meeting, by name, with the people named for it (maybe none)."""
    people: dict[int, list[RapidReviewAttendee]] = {}
    for person in rapid.attendees.all():
        people.setdefault(person.agency_id, []).append(person)
    agencies = sorted(rapid.attending_agencies.all(), key=lambda agency: agency.name)
    return [AgencyAttendance(agency, people.get(agency.pk, [])) for agency in agencies]


def recommendation_of(review: CaseReview, number: int) -> Recommendation | None:
    return Recommendation.objects.filter(review=review, number=number).select_related("review").first()
