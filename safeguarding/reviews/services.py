"""Writes for case reviews (DESIGN rule 1): keyword-only, one transaction each, history kept by
simple_history. Each service checks the facts it depends on and raises ReviewError with a message a person can
act on; the views show it beside the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.permissions import can
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.actions.models import THEMES, Action
from safeguarding.actions.services import action_create
from safeguarding.core.formpages import RefusedWrite
from safeguarding.core.reminders import site_link
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
    ReviewerAppointment,
    ReviewMilestone,
    ReviewPause,
    ReviewProposal,
    ReviewSubject,
)
from safeguarding.reviews.selectors import MANAGE, proposing_agency_ids, review_is_paused

# A review code: one to three capital letters and a number, as the business unit writes them ("W14").
CODE_PATTERN = re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$")

# Statuses from which a review can no longer go back to the rapid-review stage.
_AFTER_DECISION = {
    CaseReview.Status.DECIDED,
    CaseReview.Status.IN_PROGRESS,
    CaseReview.Status.PAUSED,
    CaseReview.Status.PUBLISHED,
    CaseReview.Status.CLOSED,
    CaseReview.Status.NO_FURTHER_REVIEW,
}


class ReviewError(RefusedWrite):
    """A write refused; `field` names the form field the message belongs beside (or None)."""


def review_code_problem(code: str) -> str | None:
    """Why `code` cannot be used for a new review, or None."""
    if not CODE_PATTERN.match(code):
        return "Enter the review code as capital letters then a number, like W14"
    if CaseReview.objects.filter(code=code).exists():
        return f"Review code {code} is already used: choose another"
    return None


def _require_review_manage(actor: Any, review: CaseReview) -> None:
    if not can(actor, MANAGE, review):
        raise PermissionDenied("Only the business unit and case reviewers may change a review")


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ReviewError(f"{label} cannot be in the future", field)


@transaction.atomic
def review_refer(
    *,
    actor: Any,
    code: str,
    kind: str,
    subject_type: str,
    aware_date: date,
    referred_by_agency: Agency,
    agencies_involved: Iterable[Agency] = (),
    owner: Any = None,
    subject: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> CaseReview:
    """Record a case referred to the partnership for consideration; `subject` is the restricted identity."""
    if not can(actor, MANAGE):
        raise PermissionDenied("Only the business unit and case reviewers may refer a case for consideration")
    code = code.strip().upper()
    problem = review_code_problem(code)
    if problem:
        raise ReviewError(problem, "code")
    _not_future(aware_date, "aware_date", "The date the partnership became aware")
    _check_kind(kind, subject_type)
    _check_owner(owner)
    review = CaseReview.objects.create(
        code=code,
        kind=kind,
        subject_type=subject_type,
        aware_date=aware_date,
        referred_by_agency=referred_by_agency,
        owner=owner,
        created_by=actor,
    )
    review.agencies_involved.set(list(agencies_involved))
    if subject:
        review_subject_set(actor=actor, review=review, request=request, **subject)
    return review


def _check_kind(kind: str, subject_type: str) -> None:
    if kind == CaseReview.Kind.SAR_REFERRAL and subject_type != CaseReview.SubjectType.ADULT:
        raise ReviewError("A safeguarding adult review referral must be about an adult", "subject_type")
    # Children Act 2004 s16C: the duty to notify the Panel is about children.
    if kind == CaseReview.Kind.NOTIFIABLE_INCIDENT and subject_type != CaseReview.SubjectType.CHILD:
        raise ReviewError("A serious child safeguarding incident must be about a child", "subject_type")


def _check_owner(owner: Any, review: CaseReview | None = None) -> None:
    """The owner hears about the review's deadlines, so must be someone active who may run it."""
    if owner is not None and not (owner.is_active and can(owner, MANAGE, review)):
        raise ReviewError(f"{owner} does not run case reviews: choose someone who does", "owner")


@transaction.atomic
def review_referral_correct(
    *,
    actor: Any,
    review: CaseReview,
    kind: str,
    subject_type: str,
    aware_date: date,
    referred_by_agency: Agency,
    agencies_involved: Iterable[Agency],
    owner: Any,
) -> CaseReview:
    """Correct the facts recorded at referral and set or change the review's owner.

    The clocks are worked out from these facts every time they are read, so a corrected date of awareness or
    type moves the deadlines with it. A date of awareness cannot come after anything that followed it (the
    notification, the rapid review meeting, the decision), and a review notified to the Panel stays a
    notifiable incident. The history (simple_history) keeps who changed what.
    """
    _require_review_manage(actor, review)
    _not_future(aware_date, "aware_date", "The date the partnership became aware")
    _check_kind(kind, subject_type)
    if review.notification_date is not None and kind != CaseReview.Kind.NOTIFIABLE_INCIDENT:
        raise ReviewError(
            f"Review {review.code} was notified to the Panel on {review.notification_date:%-d %B %Y}, so it "
            "stays a serious child safeguarding incident",
            "kind",
        )
    for later, what in _dates_after_awareness(review):
        if aware_date > later:
            raise ReviewError(
                f"The partnership cannot have become aware after {what} on {later:%-d %B %Y}", "aware_date"
            )
    _check_owner(owner, review)
    review.kind = kind
    review.subject_type = subject_type
    review.aware_date = aware_date
    review.referred_by_agency = referred_by_agency
    review.owner = owner
    review.save()
    review.agencies_involved.set(list(agencies_involved))
    return review


def _dates_after_awareness(review: CaseReview) -> list[tuple[date, str]]:
    """The recorded dates that cannot come before the partnership became aware, with what they are."""
    found = [
        (review.notification_date, "the notification to the Panel"),
        (review.decided_on, "the executive decision"),
    ]
    rapid = RapidReview.objects.filter(review=review).values_list("meeting_date", flat=True).first()
    found.append((rapid, "the rapid review meeting"))
    return [(day, what) for day, what in found if day is not None]


@transaction.atomic
def review_subject_set(
    *,
    actor: Any,
    review: CaseReview,
    full_name: str,
    request: HttpRequest | None = None,
    **fields: Any,
) -> ReviewSubject:
    """Record or correct who the review is about and their equality data.

    Like every write of identifiable data, it is written to the access log: created or changed, with the
    names of the fields that changed (never their values, which the log must not hold).
    """
    _require_review_manage(actor, review)
    if not full_name.strip():
        raise ReviewError("Enter the person's full name", "full_name")
    wanted = {"full_name": full_name.strip(), **fields}
    before = ReviewSubject.objects.filter(review=review).first()
    changed = sorted(
        name for name, value in wanted.items() if before is None or getattr(before, name) != value
    )
    subject, created = ReviewSubject.objects.update_or_create(review=review, defaults=wanted)
    if created or changed:
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE if created else AccessEvent.Action.CHANGE,
            subject=subject,
            purpose=f"{'Recorded' if created else 'Corrected'} who review {review.code} is about",
            details={"review": review.code, "fields": changed},
            request=request,
        )
    return subject


@transaction.atomic
def review_notification_record(*, actor: Any, review: CaseReview, notification_date: date) -> CaseReview:
    """Record the date the Child Safeguarding Practice Review Panel was notified (starts the rapid review
    clock)."""
    _require_review_manage(actor, review)
    _not_future(notification_date, "notification_date", "The notification date")
    if notification_date < review.aware_date:
        raise ReviewError(
            "The notification date cannot be before the partnership became aware", "notification_date"
        )
    review.notification_date = notification_date
    if review.status == CaseReview.Status.REFERRED:
        review.status = CaseReview.Status.NOTIFIED
    review.save()
    return review


@transaction.atomic
def rapid_review_request_information(
    *, actor: Any, review: CaseReview, agency: Agency, requested_on: date, due_date: date, information: str
) -> RapidReviewRequest:
    """Ask one agency for its chronology and summary for the rapid review."""
    _require_review_manage(actor, review)
    if due_date < requested_on:
        raise ReviewError("The due date cannot be before the date of the request", "due_date")
    if review.rapid_review_requests.filter(agency=agency).exists():
        raise ReviewError(f"{agency.name} has already been asked for this review", "agency")
    request = RapidReviewRequest.objects.create(
        review=review, agency=agency, requested_on=requested_on, due_date=due_date, information=information
    )
    if review.status in (CaseReview.Status.REFERRED, CaseReview.Status.NOTIFIED):
        review.status = CaseReview.Status.RAPID_REVIEW
        review.save()
    return request


@transaction.atomic
def rapid_review_request_returned(*, actor: Any, request: RapidReviewRequest, returned_on: date) -> None:
    """Record that the agency sent what was asked."""
    _require_review_manage(actor, request.review)
    _not_future(returned_on, "returned_on", "The date it came back")
    if returned_on < request.requested_on:
        raise ReviewError("It cannot come back before it was asked for", "returned_on")
    request.returned_on = returned_on
    request.save()


@transaction.atomic
def rapid_review_record(
    *,
    actor: Any,
    review: CaseReview,
    meeting_date: date,
    attending_agencies: Iterable[Agency],
    immediate_actions: str,
    learning_identified: str,
    recommendation: str,
    panel_response: str = "",
    panel_response_date: date | None = None,
) -> RapidReview:
    """Record (or correct) the rapid review meeting, what it found and what it recommends."""
    _require_review_manage(actor, review)
    _not_future(meeting_date, "meeting_date", "The meeting date")
    if meeting_date < review.aware_date:
        raise ReviewError("The meeting cannot be before the partnership became aware", "meeting_date")
    if panel_response_date is not None and panel_response_date < meeting_date:
        raise ReviewError("The Panel cannot respond before the meeting", "panel_response_date")
    rapid, _ = RapidReview.objects.update_or_create(
        review=review,
        defaults={
            "meeting_date": meeting_date,
            "immediate_actions": immediate_actions,
            "learning_identified": learning_identified,
            "recommendation": recommendation,
            "panel_response": panel_response,
            "panel_response_date": panel_response_date,
            "recorded_by": actor,
        },
    )
    # An agency with a named attendee attended, whatever the boxes say.
    named = Agency.objects.filter(pk__in=rapid.attendees.values("agency_id"))
    rapid.attending_agencies.set({*attending_agencies, *named})
    if review.status in (CaseReview.Status.REFERRED, CaseReview.Status.NOTIFIED):
        review.status = CaseReview.Status.RAPID_REVIEW
        review.save()
    return rapid


@transaction.atomic
def rapid_review_attendee_add(
    *, actor: Any, review: CaseReview, agency: Agency, name: str, role: str = ""
) -> RapidReviewAttendee:
    """Name one person at the rapid review meeting for an agency, marking the agency as attending."""
    _require_review_manage(actor, review)
    rapid = RapidReview.objects.filter(review=review).first()
    if rapid is None:
        raise ReviewError("Record the rapid review meeting first, then who attended it", None)
    name, role = name.strip(), role.strip()
    if not name:
        raise ReviewError("Enter the attendee's name", "name")
    if rapid.attendees.filter(agency=agency, name__iexact=name).exists():
        raise ReviewError(f"{name} is already listed for {agency.name}", "name")
    attendee = RapidReviewAttendee.objects.create(rapid_review=rapid, agency=agency, name=name, role=role)
    rapid.attending_agencies.add(agency)
    return attendee


@transaction.atomic
def rapid_review_attendee_remove(*, actor: Any, review: CaseReview, attendee_pk: int) -> None:
    """Take a name off the rapid review's attendees (entered by mistake); the agency stays as attending."""
    _require_review_manage(actor, review)
    deleted, _ = RapidReviewAttendee.objects.filter(pk=attendee_pk, rapid_review__review=review).delete()
    if not deleted:
        raise ReviewError("That attendee is not on this rapid review", None)


@transaction.atomic
def review_decision_record(
    *, actor: Any, review: CaseReview, decision: str, decided_by: str, decided_on: date
) -> CaseReview:
    """Record the executive's decision: who and when. A local review starts the publication clock."""
    _require_review_manage(actor, review)
    _not_future(decided_on, "decided_on", "The decision date")
    if decided_on < review.aware_date:
        raise ReviewError("The decision cannot be before the partnership became aware", "decided_on")
    if not decided_by.strip():
        raise ReviewError("Enter who made the decision", "decided_by")
    review.decision = decision
    review.decided_by = decided_by.strip()
    review.decided_on = decided_on
    if review.status not in _AFTER_DECISION or review.status in (
        CaseReview.Status.DECIDED,
        CaseReview.Status.NO_FURTHER_REVIEW,
    ):
        review.status = (
            CaseReview.Status.NO_FURTHER_REVIEW
            if decision == Decision.NO_LOCAL_REVIEW
            else CaseReview.Status.DECIDED
        )
    review.save()
    return review


@transaction.atomic
def review_pause(
    *, actor: Any, review: CaseReview, reason: str, paused_on: date, detail: str = ""
) -> ReviewPause:
    """Pause a review (for example during criminal proceedings); the time lost counts from `paused_on`."""
    _require_review_manage(actor, review)
    if review.pauses.filter(resumed_on__isnull=True).exists():
        raise ReviewError(f"Review {review.code} is already paused", "reason")
    _not_future(paused_on, "paused_on", "The date it was paused")
    pause = ReviewPause.objects.create(review=review, reason=reason, paused_on=paused_on, detail=detail)
    review.status = CaseReview.Status.PAUSED
    review.save()
    return pause


@transaction.atomic
def review_resume(*, actor: Any, review: CaseReview, resumed_on: date) -> ReviewPause:
    """End the current pause; the review goes back to the stage its record shows it had reached."""
    _require_review_manage(actor, review)
    pause = review.pauses.filter(resumed_on__isnull=True).first()
    if pause is None:
        raise ReviewError(f"Review {review.code} is not paused", "resumed_on")
    if resumed_on < pause.paused_on:
        raise ReviewError("It cannot resume before it was paused", "resumed_on")
    _not_future(resumed_on, "resumed_on", "The date it resumed")
    pause.resumed_on = resumed_on
    pause.save()
    review.status = _stage_reached(review)
    review.save()
    return pause


def _stage_reached(review: CaseReview) -> str:
    """The status a review's own record gives it when it is not paused: a review paused before its terms of
    reference were agreed goes back to where it was (decided, rapid review...), not to "in progress"."""
    if review.published_on is not None:
        return CaseReview.Status.PUBLISHED
    if review.terms_agreed_on is not None:
        return CaseReview.Status.IN_PROGRESS
    if review.decision:
        return (
            CaseReview.Status.NO_FURTHER_REVIEW
            if review.decision == Decision.NO_LOCAL_REVIEW
            else CaseReview.Status.DECIDED
        )
    if RapidReview.objects.filter(review=review).exists() or review.rapid_review_requests.exists():
        return CaseReview.Status.RAPID_REVIEW
    if review.notification_date is not None:
        return CaseReview.Status.NOTIFIED
    return CaseReview.Status.REFERRED


def _theme_codes(themes: Iterable[str]) -> list[str]:
    """The chosen theme codes, once each, in the order given; each must be one of actions.models.THEMES."""
    chosen = list(dict.fromkeys(themes))
    unknown = [code for code in chosen if code not in THEMES]
    if unknown:
        raise ReviewError(f"Unknown theme: {', '.join(unknown)}", "themes")
    return chosen


@transaction.atomic
def recommendation_add(
    *,
    review: CaseReview,
    actor: Any,
    text: str,
    themes: Iterable[str] = (),
    agreed_on: date | None = None,
) -> Recommendation:
    """Add the review's next recommendation, numbered 1, 2, 3 ... within the review (never reused).

    `agreed_on` is the day it was agreed; it defaults to today."""
    _require_review_manage(actor, review)
    if not text.strip():
        raise ReviewError("Enter the recommendation", "text")
    agreed_on = agreed_on or timezone.localdate()
    _not_future(agreed_on, "agreed_on", "The date it was agreed")
    if agreed_on < review.aware_date:
        raise ReviewError("It cannot be agreed before the partnership became aware", "agreed_on")
    codes = _theme_codes(themes)
    # Locks the review row on databases that support it, so two people adding at once get different numbers.
    CaseReview.objects.select_for_update().filter(pk=review.pk).first()
    last = Recommendation.objects.filter(review=review).aggregate(last=Max("number"))["last"] or 0
    return Recommendation.objects.create(
        review=review, number=last + 1, text=text.strip(), themes=codes, agreed_on=agreed_on, created_by=actor
    )


def recommendation_action_add(
    *,
    recommendation: Recommendation,
    actor: Any,
    title: str,
    owner_agency: Agency,
    due_date: date,
    description: str = "",
    owner_person: Any = None,
    themes: Iterable[str] | None = None,
) -> Action:
    """An action in the shared tracker for one recommendation, owned by one agency.

    It is found again by source_kind "review_recommendation" and source_ref "<code>/R<number>" (e.g.
    "W14/R2"); its themes default to the recommendation's. The owner agency sees and updates it in its
    tracker (action.view / action.update at AGENCY scope).
    """
    review = recommendation.review
    _require_review_manage(actor, review)
    codes = _theme_codes(recommendation.themes if themes is None else themes)
    try:
        return action_create(
            actor=actor,
            title=title,
            source_kind=Action.SourceKind.REVIEW_RECOMMENDATION,
            owner_agency=owner_agency,
            due_date=due_date,
            description=description,
            source_ref=recommendation.source_ref,
            source_label=f"Review {review.code}, recommendation {recommendation.number}",
            owner_person=owner_person,
            themes=codes,
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ReviewError(messages[0], field) from error


# --- Reviews in progress (issue 6, section 3) -----------------------------------------------------------


def _require_pool_manage(actor: Any) -> None:
    if not can(actor, MANAGE):
        raise PermissionDenied("Only the business unit and case reviewers may change the reviewer pool")


# The reviewer fields reviewer_update may change.
_REVIEWER_FIELDS = ("name", "organisation", "email", "expertise", "active")


def _reviewer_clean(fields: dict[str, Any], *, instance: Reviewer | None = None) -> dict[str, Any]:
    """Check and tidy a reviewer's fields; ReviewError beside the field at fault."""
    clean = dict(fields)
    for key in ("name", "organisation", "email", "expertise"):
        if key in clean:
            clean[key] = str(clean[key] or "").strip()
    if "name" in clean:
        if not clean["name"]:
            raise ReviewError("Enter the reviewer's name", "name")
        if len(clean["name"]) > 200:
            raise ReviewError("The name must be 200 characters or fewer", "name")
        same = Reviewer.objects.filter(name__iexact=clean["name"])
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            raise ReviewError(f"{clean['name']} is already in the reviewer pool", "name")
    if "expertise" in clean and not clean["expertise"]:
        raise ReviewError("Enter what the reviewer is expert in", "expertise")
    if "organisation" in clean and len(clean["organisation"]) > 200:
        raise ReviewError("The organisation must be 200 characters or fewer", "organisation")
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError as error:
            raise ReviewError("Enter an email address like name@example.org", "email") from error
    if "active" in clean:
        clean["active"] = bool(clean["active"])
    return clean


@transaction.atomic
def reviewer_add(
    *, actor: Any, name: str, expertise: str, organisation: str = "", email: str = "", active: bool = True
) -> Reviewer:
    """Add an independent reviewer to the partnership's pool."""
    _require_pool_manage(actor)
    clean = _reviewer_clean(
        {"name": name, "expertise": expertise, "organisation": organisation, "email": email, "active": active}
    )
    return Reviewer.objects.create(**clean)


@transaction.atomic
def reviewer_update(*, actor: Any, reviewer: Reviewer, **fields: Any) -> Reviewer:
    """Change a reviewer's details (any of name, organisation, email, expertise, active).

    Taking a reviewer out of the pool (active=False) leaves the reviews they lead as they are."""
    _require_pool_manage(actor)
    unknown = sorted(set(fields) - set(_REVIEWER_FIELDS))
    if unknown:
        raise TypeError(f"reviewer_update() cannot change {', '.join(unknown)}")
    clean = _reviewer_clean(fields, instance=reviewer)
    for key, value in clean.items():
        setattr(reviewer, key, value)
    reviewer.save()
    return reviewer


def _require_reviewing_decision(review: CaseReview) -> date:
    """The decision date of a review decided on a review of some kind; ReviewError otherwise."""
    if review.decision not in REVIEWING_DECISIONS or review.decided_on is None:
        raise ReviewError(
            f"Review {review.code} has no executive decision for a review: record the decision first", None
        )
    return review.decided_on


def _not_before(day: date, earliest: date, field: str, message: str) -> None:
    if day < earliest:
        raise ReviewError(message, field)


def _check_appointment(
    review: CaseReview, reviewer: Reviewer, appointed_on: date | None, appointment: str, decided_on: date
) -> date:
    if appointed_on is None:
        raise ReviewError("Enter the date the reviewer was appointed", "reviewer_appointed_on")
    _not_future(appointed_on, "reviewer_appointed_on", "The date the reviewer was appointed")
    _not_before(
        appointed_on,
        decided_on,
        "reviewer_appointed_on",
        "The reviewer cannot be appointed before the executive decision",
    )
    if appointment not in ReviewerAppointment.values:
        raise ReviewError("Select how the reviewer was appointed", "reviewer_appointment")
    if not reviewer.active and review.reviewer_id != reviewer.pk:
        raise ReviewError(f"{reviewer.name} is no longer in the reviewer pool", "reviewer")
    return appointed_on


def _check_plan(plan: Mapping[str, date | None], started_on: date) -> Mapping[str, date | None]:
    unknown = [stage for stage in plan if stage not in MILESTONE_ORDER]
    if unknown:
        raise ReviewError(f"Unknown milestone: {', '.join(unknown)}", None)
    for stage, planned in plan.items():
        if planned is not None and planned < started_on:
            raise ReviewError(
                f"{MilestoneStage(stage).label} cannot be planned before the review started", f"plan_{stage}"
            )
    return plan


@transaction.atomic
def review_start(
    *,
    actor: Any,
    review: CaseReview,
    terms_of_reference: str,
    terms_agreed_on: date,
    reviewer: Reviewer | None = None,
    reviewer_appointed_on: date | None = None,
    reviewer_appointment: str = "",
    plan: Mapping[str, date | None] | None = None,
) -> CaseReview:
    """Start the review the executive decided on: its terms of reference, agreed on the day it starts, and
    optionally the reviewer and the planned dates of its milestones (`plan`: stage -> date).

    The review is in progress (or stays paused, when it was paused before it started) and has its seven
    milestones, in MILESTONE_ORDER."""
    _require_review_manage(actor, review)
    decided_on = _require_reviewing_decision(review)
    if review.terms_agreed_on is not None:
        raise ReviewError(f"Review {review.code} has already started", "terms_agreed_on")
    if review.status in (CaseReview.Status.PUBLISHED, CaseReview.Status.CLOSED):
        raise ReviewError(f"Review {review.code} is already {review.get_status_display().lower()}", None)
    if not terms_of_reference.strip():
        raise ReviewError("Enter the terms of reference", "terms_of_reference")
    _not_future(terms_agreed_on, "terms_agreed_on", "The date the terms were agreed")
    _not_before(
        terms_agreed_on,
        decided_on,
        "terms_agreed_on",
        "The terms cannot be agreed before the executive decision",
    )
    if reviewer is not None:
        _check_appointment(review, reviewer, reviewer_appointed_on, reviewer_appointment, decided_on)
    planned = _check_plan(plan or {}, terms_agreed_on)
    review.terms_of_reference = terms_of_reference.strip()
    review.terms_agreed_on = terms_agreed_on
    if reviewer is not None:
        review.reviewer = reviewer
        review.reviewer_appointed_on = reviewer_appointed_on
        review.reviewer_appointment = reviewer_appointment
    if not review_is_paused(review):
        review.status = CaseReview.Status.IN_PROGRESS
    review.save()
    for stage in MilestoneStage:
        ReviewMilestone.objects.update_or_create(
            review=review, stage=stage.value, defaults={"planned_date": planned.get(stage.value)}
        )
    return review


@transaction.atomic
def review_reviewer_set(
    *,
    actor: Any,
    review: CaseReview,
    reviewer: Reviewer,
    reviewer_appointed_on: date,
    reviewer_appointment: str,
) -> CaseReview:
    """Appoint the review's reviewer, or change to another (the history keeps who it was before)."""
    _require_review_manage(actor, review)
    decided_on = _require_reviewing_decision(review)
    if review.status == CaseReview.Status.CLOSED:
        raise ReviewError(f"Review {review.code} is closed", "reviewer")
    _check_appointment(review, reviewer, reviewer_appointed_on, reviewer_appointment, decided_on)
    review.reviewer = reviewer
    review.reviewer_appointed_on = reviewer_appointed_on
    review.reviewer_appointment = reviewer_appointment
    review.save()
    return review


def _require_started(review: CaseReview) -> date:
    if review.terms_agreed_on is None:
        raise ReviewError(f"Review {review.code} has not started: agree its terms of reference first", None)
    return review.terms_agreed_on


@transaction.atomic
def review_milestone_record(
    *,
    actor: Any,
    review: CaseReview,
    stage: str,
    planned_date: date | None = None,
    done_on: date | None = None,
    notes: str = "",
    clear_planned: bool = False,
    clear_done: bool = False,
) -> ReviewMilestone:
    """Plan a milestone or record it done. A date left as None stays as it was (clear_planned / clear_done
    remove one); notes replace the old notes when given. Publication is recorded by review_publish."""
    _require_review_manage(actor, review)
    started_on = _require_started(review)
    if stage not in MILESTONE_ORDER:
        raise ReviewError("Select a milestone from the list", "stage")
    if review.status == CaseReview.Status.CLOSED:
        raise ReviewError(f"Review {review.code} is closed", None)
    if stage == MilestoneStage.PUBLICATION and (done_on is not None or clear_done):
        raise ReviewError("Record publication with 'Publish the review'", "done_on")
    if planned_date is not None:
        _not_before(
            planned_date, started_on, "planned_date", "It cannot be planned before the review started"
        )
    if done_on is not None:
        _not_future(done_on, "done_on", "The date it was done")
        _not_before(done_on, started_on, "done_on", "It cannot be done before the review started")
    if len(notes) > 500:
        raise ReviewError("Notes must be 500 characters or fewer", "notes")
    milestone, _ = ReviewMilestone.objects.get_or_create(review=review, stage=stage)
    if clear_planned:
        milestone.planned_date = None
    elif planned_date is not None:
        milestone.planned_date = planned_date
    if clear_done:
        milestone.done_on = None
    elif done_on is not None:
        milestone.done_on = done_on
    if notes.strip():
        milestone.notes = notes.strip()
    milestone.save()
    return milestone


@transaction.atomic
def review_publish(
    *, actor: Any, review: CaseReview, published_on: date, publication_url: str = ""
) -> CaseReview:
    """Record the review's publication: the date (which meets the publication deadline and milestone) and
    where the report can be read."""
    _require_review_manage(actor, review)
    started_on = _require_started(review)
    if review.status == CaseReview.Status.CLOSED:
        raise ReviewError(f"Review {review.code} is closed", None)
    if review_is_paused(review):
        raise ReviewError(f"Review {review.code} is paused: resume it before publishing", None)
    _not_future(published_on, "published_on", "The publication date")
    _not_before(published_on, started_on, "published_on", "It cannot be published before the review started")
    url = publication_url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise ReviewError(
                "Enter the web address of the report, like https://example.org/w14", "publication_url"
            ) from error
    review.published_on = published_on
    review.publication_url = url
    review.status = CaseReview.Status.PUBLISHED
    review.save()
    milestone, _ = ReviewMilestone.objects.get_or_create(review=review, stage=MilestoneStage.PUBLICATION)
    milestone.done_on = published_on
    milestone.save()
    return review


@transaction.atomic
def review_close(*, actor: Any, review: CaseReview) -> CaseReview:
    """Close a finished review: a published one, or an alternative review whose final report is done."""
    _require_review_manage(actor, review)
    _require_started(review)
    if review.status == CaseReview.Status.CLOSED:
        raise ReviewError(f"Review {review.code} is already closed", None)
    if review_is_paused(review):
        raise ReviewError(f"Review {review.code} is paused: resume it before closing", None)
    if review.status != CaseReview.Status.PUBLISHED:
        final_done = review.milestones.filter(
            stage=MilestoneStage.FINAL_REPORT, done_on__isnull=False
        ).exists()
        if review.decision == Decision.LOCAL_REVIEW:
            raise ReviewError(f"Review {review.code} must be published before it is closed", None)
        if not final_done:
            raise ReviewError(
                f"Review {review.code} can be closed once its final report is done (or it is published)", None
            )
    review.status = CaseReview.Status.CLOSED
    review.save()
    return review


# --- Cases put forward by any partner ---------------------------------------------------------------------


@transaction.atomic
def review_propose(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    subject_type: str,
    aware_date: date,
    what_happened: str,
    subject_name: str,
    subject_date_of_birth: date | None = None,
    agencies_involved: Iterable[Agency] = (),
    request: HttpRequest | None = None,
) -> ReviewProposal:
    """Put a case forward for the partnership to consider for a review; it waits in the business unit's queue.

    The person's name is written to the access log as identifiable data created (the name itself never is).
    """
    if agency.pk not in proposing_agency_ids(actor):
        raise PermissionDenied("You may put a case forward for your own agency only")
    _not_future(aware_date, "aware_date", "The date your agency became aware")
    _check_kind(kind, subject_type)
    if not what_happened.strip():
        raise ReviewError("Say what happened and why it may need a review", "what_happened")
    if not subject_name.strip():
        raise ReviewError("Enter the name of the person the case is about", "subject_name")
    if subject_date_of_birth is not None:
        _not_future(subject_date_of_birth, "subject_date_of_birth", "The date of birth")
    proposal = ReviewProposal.objects.create(
        proposed_by=actor,
        agency=agency,
        kind=kind,
        subject_type=subject_type,
        aware_date=aware_date,
        what_happened=what_happened.strip(),
        subject_name=subject_name.strip(),
        subject_date_of_birth=subject_date_of_birth,
    )
    proposal.agencies_involved.set(list(agencies_involved))
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.CREATE,
        subject=proposal,
        purpose="Put a case forward for consideration of a review",
        details={"agency": agency.pk},
        request=request,
    )
    return proposal


def _waiting(actor: Any, proposal: ReviewProposal) -> ReviewProposal:
    """The proposal locked for a decision; refused unless it is still waiting and the actor runs reviews."""
    if not can(actor, MANAGE):
        raise PermissionDenied("Only the business unit and case reviewers decide on cases put forward")
    locked = ReviewProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ReviewProposal.Status.SUBMITTED:
        raise ReviewError(f"This case has already been decided: {locked.get_status_display().lower()}", None)
    return locked


@transaction.atomic
def review_proposal_accept(
    *,
    actor: Any,
    proposal: ReviewProposal,
    code: str,
    aware_date: date,
    owner: Any = None,
    request: HttpRequest | None = None,
) -> CaseReview:
    """Take a case put forward into consideration: refer it under a review code with its facts, and copy who
    it is about into the review's restricted part. The proposer hears by email."""
    locked = _waiting(actor, proposal)
    if aware_date < locked.aware_date:
        raise ReviewError(
            f"The partnership cannot have become aware before {locked.agency.name} did "
            f"({locked.aware_date:%-d %B %Y})",
            "aware_date",
        )
    review = review_refer(
        actor=actor,
        code=code,
        kind=locked.kind,
        subject_type=locked.subject_type,
        aware_date=aware_date,
        referred_by_agency=locked.agency,
        agencies_involved=locked.agencies_involved.all(),
        owner=owner,
        subject={"full_name": locked.subject_name, "date_of_birth": locked.subject_date_of_birth},
        request=request,
    )
    _decided(actor, locked, ReviewProposal.Status.ACCEPTED, review=review)
    return review


@transaction.atomic
def review_proposal_decline(*, actor: Any, proposal: ReviewProposal, reason: str) -> ReviewProposal:
    """Not take a case forward, saying why; the proposer hears the reason by email."""
    locked = _waiting(actor, proposal)
    if not reason.strip():
        raise ReviewError(
            "Say why the case is not taken forward: the agency that put it forward is told", "reason"
        )
    locked.decline_reason = reason.strip()
    _decided(actor, locked, ReviewProposal.Status.DECLINED)
    return locked


def _decided(actor: Any, proposal: ReviewProposal, status: str, *, review: CaseReview | None = None) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.review = review
    proposal.save()
    transaction.on_commit(lambda: _proposal_outcome_email(proposal.pk))


def _proposal_outcome_email(proposal_pk: int) -> None:
    """Tell the person who put the case forward what became of it, by review code only (never a name)."""
    proposal = ReviewProposal.objects.select_related("proposed_by", "review", "agency").get(pk=proposal_pk)
    if not proposal.proposed_by.email or not proposal.proposed_by.is_active:
        return
    context = {
        "proposal": proposal,
        "link": site_link(reverse("reviews:proposal", args=[proposal.pk])),
        "partnership_name": settings.PARTNERSHIP_NAME,
    }
    send_mail(
        subject=f"The case you put forward on {proposal.submitted_at:%-d %B %Y}: "
        + ("taken into consideration" if proposal.review else "not taken forward"),
        message=render_to_string("reviews/email/proposal_outcome.txt", context),
        from_email=None,
        recipient_list=[proposal.proposed_by.email],
        fail_silently=True,
    )
