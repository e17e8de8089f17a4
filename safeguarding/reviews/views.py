"""The case review pages (area "case-reviews"): the summary of every review, referral, the review page, the
restricted subject page, and the forms for notification, the rapid review, the decision and pauses.

Views parse input, read through selectors and write through services. Reviews are shown by code; the subject
panel and page are for review.identity.view only, and every view of them is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.decorators import permission_required
from safeguarding.access.permissions import can, holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.briefings.models import Briefing
from safeguarding.briefings.selectors import briefing_for_source, briefing_may_write
from safeguarding.core.formpages import form_page
from safeguarding.reviews import services
from safeguarding.reviews.forms import (
    AttendeeForm,
    CloseForm,
    DecisionForm,
    InformationRequestForm,
    MilestoneForm,
    NotificationForm,
    PauseForm,
    ProposalAcceptForm,
    ProposalDeclineForm,
    ProposalForm,
    PublishForm,
    RapidReviewForm,
    RecommendationActionForm,
    RecommendationForm,
    ReferralDetailsForm,
    ReferralForm,
    ReferralWithSubjectForm,
    ResumeForm,
    ReturnedForm,
    ReviewerForm,
    ReviewerSetForm,
    ReviewStartForm,
    SubjectForm,
)
from safeguarding.reviews.models import (
    MILESTONE_ORDER,
    REVIEWING_DECISIONS,
    CaseReview,
    Decision,
    MilestoneStage,
    ReviewProposal,
    ReviewSubject,
)
from safeguarding.reviews.profile import review_equality_profile
from safeguarding.reviews.selectors import (
    IDENTITY,
    MANAGE,
    PROPOSE,
    VIEW,
    information_overdue_ids,
    may_see_case_material,
    may_see_identity,
    proposal_get_for_user,
    proposal_identity_for_user,
    proposals_visible_to,
    proposing_agency_ids,
    rapid_review_attendance,
    rapid_review_of,
    recommendation_of,
    review_clocks,
    review_days_lost,
    review_get_for_user,
    review_is_paused,
    review_milestones,
    review_next_milestone,
    review_recommendations,
    review_subject_get_for_user,
    review_type_label,
    reviewer_get,
    reviewers_for_appointment,
    reviewers_pool,
    reviews_summary,
)
from safeguarding.reviews.year import YearError, financial_year_period, years_to_choose

AREA = "case-reviews"


def _log_subject_view(request: HttpRequest, subject: ReviewSubject, purpose: str) -> None:
    access_event_record(
        actor=request.user, action=AccessEvent.Action.VIEW, subject=subject, purpose=purpose, request=request
    )


@require_GET
@permission_required(VIEW)
def summary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/summary.html",
        {
            "page_title": "Case reviews",
            "current_area": AREA,
            "rows": reviews_summary(request.user),
            "can_manage": holds(request.user, MANAGE),
            "today": timezone.localdate(),
        },
    )


@require_GET
@permission_required(MANAGE)
def profile(request: HttpRequest) -> HttpResponse:
    """The equality profile of the people reviewed, for all years or one (?year=2022-23)."""
    chosen = request.GET.get("year", "").strip()
    period, problem = None, ""
    if chosen:
        try:
            period = financial_year_period(chosen)
        except YearError as wrong:
            problem = str(wrong)
    return render(
        request,
        "reviews/profile.html",
        {
            "page_title": "The people reviewed",
            "current_area": AREA,
            "profile": review_equality_profile(request.user, period),
            "period": period,
            "years": years_to_choose(request.user),
            "chosen": chosen,
            "problem": problem,
        },
    )


@require_GET
@permission_required(VIEW)
def summary_print(request: HttpRequest) -> HttpResponse:
    """The summary on its own, for the executive: A4 landscape, without the site's header."""
    return render(
        request,
        "reviews/summary_print.html",
        {"rows": reviews_summary(request.user), "today": timezone.localdate()},
    )


@require_GET
@permission_required(VIEW)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    review = review_get_for_user(request.user, code)
    subject = None
    identity_shown = may_see_identity(request.user, review)
    if identity_shown:
        subject = review_subject_get_for_user(request.user, review)
        if subject is not None:
            _log_subject_view(request, subject, "Case review page (subject panel)")
    rapid = rapid_review_of(review)
    return render(
        request,
        "reviews/detail.html",
        {
            "page_title": f"Review {review.code}",
            "current_area": AREA,
            "review": review,
            "clocks": review_clocks(review),
            "agencies": review.agencies_involved.order_by("name"),
            "requests": review.rapid_review_requests.select_related("agency"),
            "requests_overdue": information_overdue_ids(review),
            "rapid": rapid,
            "attendance": rapid_review_attendance(rapid) if rapid is not None else [],
            "pauses": review.pauses.all(),
            "days_lost": review_days_lost(review, timezone.localdate()),
            "paused": review_is_paused(review),
            "can_manage": can(request.user, MANAGE, review),
            "may_see_identity": identity_shown,
            "may_see_material": may_see_case_material(request.user, review),
            # A case reviewer signed in with a password only: say how to see who the review is about.
            "identity_needs_two_factor": not identity_shown and can(request.user, IDENTITY, review),
            "subject": subject,
            "recommendations": review_recommendations(request.user, review),
            "briefing": briefing_for_source(request.user, Briefing.SourceKind.CASE_REVIEW, review.code),
            "may_write_briefing": briefing_may_write(request.user, Briefing.SourceKind.CASE_REVIEW),
            **_progress_context(review),
        },
    )


def _progress_context(review: CaseReview) -> dict[str, Any]:
    """The "The review" section: shown once a review of some kind is decided."""
    started = review.terms_agreed_on is not None
    finished = review.status in (CaseReview.Status.PUBLISHED, CaseReview.Status.CLOSED)
    rows = review_milestones(review) if started else []
    final_done = any(
        row.milestone.stage == MilestoneStage.FINAL_REPORT and row.milestone.done_on for row in rows
    )
    closable = started and (
        review.status == CaseReview.Status.PUBLISHED
        or (review.decision != Decision.LOCAL_REVIEW and final_done and not finished)
    )
    return {
        "reviewing": review.decision in REVIEWING_DECISIONS,
        "review_type": review_type_label(review),
        "started": started,
        "finished": finished,
        "milestones": rows,
        "next_milestone": review_next_milestone(review) if started else None,
        "may_publish": started and not finished and review.status != CaseReview.Status.PAUSED,
        "may_close": closable and review.status != CaseReview.Status.PAUSED,
    }


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    heading: str,
    button: str,
    save: Callable[[forms.Form], Any],
    done: str,
    cancel: str,
    review: CaseReview | None = None,
    intro: str = "",
) -> HttpResponse:
    """A form page: on a valid POST call `save`; a ReviewError goes beside its field and nothing is lost."""
    context: dict[str, Any] = {
        "page_title": heading,
        "current_area": AREA,
        "heading": heading,
        "button": button,
    }
    context.update({"cancel": cancel, "review": review, "intro": intro})
    return form_page(request, form=form, template="reviews/form.html", context=context, save=save, done=done)


def _detail_url(review: CaseReview) -> str:
    return reverse("reviews:detail", args=[review.code])


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def refer(request: HttpRequest) -> HttpResponse:
    with_subject = may_see_identity(request.user)
    form_class = ReferralWithSubjectForm if with_subject else ReferralForm
    form = form_class(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        subject = None
        if isinstance(form, SubjectForm) and data.get("full_name"):
            subject = form.subject_fields()
        review = services.review_refer(
            actor=request.user,
            code=data["code"],
            kind=data["kind"],
            subject_type=data["subject_type"],
            aware_date=data["aware_date"],
            referred_by_agency=data["referred_by_agency"],
            agencies_involved=data["agencies_involved"],
            owner=data["owner"],
            subject=subject,
            request=request,
        )
        return _detail_url(review)

    return _form_page(
        request,
        form=form,
        heading="Refer a case for consideration",
        button="Refer the case",
        save=save,
        done="Case referred",
        cancel=reverse("reviews:summary"),
        intro="Use the review code, never a name. "
        + (
            "Who the review is about is restricted to case-review roles."
            if with_subject
            else "A case reviewer records who the review is about."
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required(IDENTITY)
def subject(request: HttpRequest, code: str) -> HttpResponse:
    review = review_get_for_user(request.user, code)
    current = review_subject_get_for_user(request.user, review)
    if request.method == "GET" and current is not None:
        _log_subject_view(request, current, "Case review subject page")
    if request.method == "POST" and not can(request.user, MANAGE, review):
        raise PermissionDenied("You may see who the review is about but not change it")
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in SubjectForm.base_fields}
    form = SubjectForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form: forms.Form) -> str:
        assert isinstance(form, SubjectForm)
        services.review_subject_set(
            actor=request.user, review=review, request=request, **form.subject_fields()
        )
        return _detail_url(review)

    return _form_page(
        request,
        form=form,
        heading=f"Who review {review.code} is about",
        button="Save",
        save=save,
        done="Saved",
        cancel=_detail_url(review),
        review=review,
        intro="Restricted: only case-review roles see this page, and every view is logged.",
    )


def _review_form(
    request: HttpRequest,
    code: str,
    form_class: type[forms.Form],
    *,
    heading: str,
    button: str,
    write: Callable[[CaseReview, dict[str, Any]], Any],
    initial: Callable[[CaseReview], dict[str, Any]] | None = None,
    form_kwargs: Callable[[CaseReview], dict[str, Any]] | None = None,
    intro: str = "",
    anchor: str = "",
) -> HttpResponse:
    review = review_get_for_user(request.user, code, for_write=True)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial(review) if initial else None,
        **(form_kwargs(review) if form_kwargs else {}),
    )

    def save(form: forms.Form) -> str:
        write(review, form.cleaned_data)
        return _detail_url(review) + anchor

    return _form_page(
        request,
        form=form,
        heading=f"{heading}: review {review.code}",
        button=button,
        save=save,
        done="Saved",
        cancel=_detail_url(review) + anchor,
        review=review,
        intro=intro,
    )


def _referral_initial(review: CaseReview) -> dict[str, Any]:
    fields = ("kind", "subject_type", "aware_date", "referred_by_agency", "owner")
    return {
        **{name: getattr(review, name) for name in fields},
        "agencies_involved": list(review.agencies_involved.all()),
    }


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def referral(request: HttpRequest, code: str) -> HttpResponse:
    """Correct the referral's facts, and set or change the owner."""
    return _review_form(
        request,
        code,
        ReferralDetailsForm,
        heading="Referral details",
        button="Save the referral details",
        write=lambda review, data: services.review_referral_correct(
            actor=request.user, review=review, **data
        ),
        initial=_referral_initial,
        intro="The deadlines are worked out from the type of referral and the date the partnership became "
        "aware, so correcting them moves the deadlines too. The owner hears about the deadlines by email.",
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def notification(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        NotificationForm,
        heading="Notification to the Panel",
        button="Save the notification",
        write=lambda review, data: services.review_notification_record(
            actor=request.user, review=review, notification_date=data["notification_date"]
        ),
        initial=lambda review: {"notification_date": review.notification_date},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def information_request(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        InformationRequestForm,
        heading="Ask an agency for information",
        button="Save the request",
        write=lambda review, data: services.rapid_review_request_information(
            actor=request.user, review=review, **data
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def information_returned(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    def write(review: CaseReview, data: dict[str, Any]) -> None:
        info = review.rapid_review_requests.filter(pk=pk).first()
        if info is None:
            raise Http404("No such request on this review")
        services.rapid_review_request_returned(
            actor=request.user, request=info, returned_on=data["returned_on"]
        )

    return _review_form(
        request, code, ReturnedForm, heading="Information returned", button="Save", write=write
    )


def _rapid_initial(review: CaseReview) -> dict[str, Any]:
    rapid = rapid_review_of(review)
    if rapid is None:
        return {}
    fields = ("meeting_date", "immediate_actions", "learning_identified", "recommendation")
    initial = {name: getattr(rapid, name) for name in (*fields, "panel_response", "panel_response_date")}
    initial["attending_agencies"] = list(rapid.attending_agencies.all())
    return initial


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def rapid_review(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        RapidReviewForm,
        heading="Rapid review",
        button="Save the rapid review",
        write=lambda review, data: services.rapid_review_record(actor=request.user, review=review, **data),
        initial=_rapid_initial,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def rapid_review_attendees(request: HttpRequest, code: str) -> HttpResponse:
    """Who attended the rapid review meeting, by name and agency: the list, and a form to add another."""
    review = review_get_for_user(request.user, code, for_write=True)
    rapid = rapid_review_of(review)
    if rapid is None:
        messages.info(request, "Record the rapid review meeting first, then who attended it.")
        return redirect(reverse("reviews:rapid_review", args=[review.code]))
    here = reverse("reviews:rapid_review_attendees", args=[review.code])
    form = AttendeeForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        attendee = services.rapid_review_attendee_add(actor=request.user, review=review, **form.cleaned_data)
        messages.success(request, f"{attendee.name} added for {attendee.agency.name}")
        return here

    heading = f"Who attended the rapid review: review {review.code}"
    return form_page(
        request,
        form=form,
        template="reviews/attendees.html",
        context={
            "page_title": heading,
            "current_area": AREA,
            "heading": heading,
            "review": review,
            "rapid": rapid,
            "attendees": rapid.attendees.select_related("agency"),
        },
        save=save,
        done="Saved",
    )


@require_http_methods(["POST"])
@permission_required(MANAGE)
def rapid_review_attendee_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    review = review_get_for_user(request.user, code, for_write=True)
    try:
        services.rapid_review_attendee_remove(actor=request.user, review=review, attendee_pk=pk)
    except services.ReviewError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Attendee removed")
    return redirect(reverse("reviews:rapid_review_attendees", args=[review.code]))


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def decision(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        DecisionForm,
        heading="Executive decision",
        button="Save the decision",
        write=lambda review, data: services.review_decision_record(actor=request.user, review=review, **data),
        initial=lambda review: {
            "decision": review.decision,
            "decided_by": review.decided_by,
            "decided_on": review.decided_on,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def pause(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        PauseForm,
        heading="Pause the review",
        button="Pause",
        write=lambda review, data: services.review_pause(actor=request.user, review=review, **data),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def resume(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        ResumeForm,
        heading="Resume the review",
        button="Resume",
        write=lambda review, data: services.review_resume(actor=request.user, review=review, **data),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def recommendation_add(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        RecommendationForm,
        heading="Add a recommendation",
        button="Add the recommendation",
        write=lambda review, data: services.recommendation_add(
            review=review,
            actor=request.user,
            text=data["text"],
            themes=data["themes"],
            agreed_on=data["agreed_on"],
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def recommendation_action_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    review = review_get_for_user(request.user, code, for_write=True)
    recommendation = recommendation_of(review, number)
    if recommendation is None:
        raise Http404("No such recommendation on this review")
    form = RecommendationActionForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        data = form.cleaned_data
        services.recommendation_action_add(
            recommendation=recommendation,
            actor=request.user,
            title=data["title"],
            owner_agency=data["owner_agency"],
            due_date=data["due_date"],
            description=data["description"],
            themes=data["themes"] or None,
        )
        return _detail_url(review) + "#recommendations"

    return _form_page(
        request,
        form=form,
        heading=f"Add an action: review {review.code}, recommendation {recommendation.number}",
        button="Add the action",
        save=save,
        done="Action added to the tracker",
        cancel=_detail_url(review),
        review=review,
        intro=f"Recommendation {recommendation.number}: {recommendation.text}",
    )


# --- Reviews in progress (issue 6, section 3) -----------------------------------------------------------


@require_GET
@permission_required(VIEW)
def reviewers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/reviewers.html",
        {
            "page_title": "Reviewer pool",
            "current_area": AREA,
            "rows": reviewers_pool(request.user),
            "can_manage": holds(request.user, MANAGE),
        },
    )


def _reviewer_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("name", "organisation", "email", "expertise", "active")}


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def reviewer_add(request: HttpRequest) -> HttpResponse:
    form = ReviewerForm(request.POST if request.method == "POST" else None)

    def save(form: forms.Form) -> str:
        services.reviewer_add(actor=request.user, **_reviewer_fields(form.cleaned_data))
        return reverse("reviews:reviewers")

    return _form_page(
        request,
        form=form,
        heading="Add a reviewer to the pool",
        button="Add the reviewer",
        save=save,
        done="Reviewer added",
        cancel=reverse("reviews:reviewers"),
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def reviewer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = reviewer_get(pk)
    initial = {name: getattr(reviewer, name) for name in ReviewerForm.base_fields}
    form = ReviewerForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(form: forms.Form) -> str:
        services.reviewer_update(actor=request.user, reviewer=reviewer, **_reviewer_fields(form.cleaned_data))
        return reverse("reviews:reviewers")

    return _form_page(
        request,
        form=form,
        heading=f"Change reviewer: {reviewer.name}",
        button="Save",
        save=save,
        done="Reviewer saved",
        cancel=reverse("reviews:reviewers"),
    )


_PROGRESS = "#the-review"


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def review_start(request: HttpRequest, code: str) -> HttpResponse:
    started = review_get_for_user(request.user, code)
    if started.terms_agreed_on is not None:
        messages.info(request, f"Review {started.code} started on {started.terms_agreed_on:%-d %B %Y}")
        return redirect(f"{_detail_url(started)}{_PROGRESS}")

    def write(review: CaseReview, data: dict[str, Any]) -> None:
        services.review_start(
            actor=request.user,
            review=review,
            terms_of_reference=data["terms_of_reference"],
            terms_agreed_on=data["terms_agreed_on"],
            reviewer=data["reviewer"],
            reviewer_appointed_on=data["reviewer_appointed_on"],
            reviewer_appointment=data["reviewer_appointment"],
            plan={stage.value: data.get(f"plan_{stage.value}") for stage in MilestoneStage},
        )

    return _review_form(
        request,
        code,
        ReviewStartForm,
        heading="Start the review",
        button="Start the review",
        write=write,
        form_kwargs=lambda review: {"reviewers": reviewers_for_appointment(review.reviewer)},
        intro="The review starts on the day its terms of reference are agreed. You can appoint the reviewer "
        "and plan the milestones now or later.",
        anchor=_PROGRESS,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def review_reviewer(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        ReviewerSetForm,
        heading="Appoint the reviewer",
        button="Save the reviewer",
        write=lambda review, data: services.review_reviewer_set(actor=request.user, review=review, **data),
        initial=lambda review: {
            "reviewer": review.reviewer,
            "reviewer_appointed_on": review.reviewer_appointed_on,
            "reviewer_appointment": review.reviewer_appointment,
        },
        form_kwargs=lambda review: {"reviewers": reviewers_for_appointment(review.reviewer)},
        anchor=_PROGRESS,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def review_milestone(request: HttpRequest, code: str, stage: str) -> HttpResponse:
    if stage not in MILESTONE_ORDER:
        raise Http404("No such milestone")
    label = MilestoneStage(stage).label
    publication = stage == MilestoneStage.PUBLICATION

    def current(review: CaseReview) -> dict[str, Any]:
        milestone = review.milestones.filter(stage=stage).first()
        if milestone is None:
            return {}
        return {
            "planned_date": milestone.planned_date,
            "done_on": milestone.done_on,
            "notes": milestone.notes,
        }

    def write(review: CaseReview, data: dict[str, Any]) -> None:
        before = current(review)
        done_on = data.get("done_on")
        services.review_milestone_record(
            actor=request.user,
            review=review,
            stage=stage,
            planned_date=data["planned_date"],
            done_on=done_on,
            notes=data["notes"],
            # A date that was there and is now left blank is removed.
            clear_planned=data["planned_date"] is None and before.get("planned_date") is not None,
            clear_done=not publication and done_on is None and before.get("done_on") is not None,
        )

    return _review_form(
        request,
        code,
        MilestoneForm,
        heading=f"Milestone: {label.lower()}",
        button="Save the milestone",
        write=write,
        initial=current,
        form_kwargs=lambda review: {"publication": publication},
        intro="Record publication itself with 'Publish the review'." if publication else "",
        anchor=_PROGRESS,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def review_publish(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        PublishForm,
        heading="Publish the review",
        button="Record the publication",
        write=lambda review, data: services.review_publish(actor=request.user, review=review, **data),
        initial=lambda review: {
            "published_on": review.published_on,
            "publication_url": review.publication_url,
        },
        anchor=_PROGRESS,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def review_close(request: HttpRequest, code: str) -> HttpResponse:
    return _review_form(
        request,
        code,
        CloseForm,
        heading="Close the review",
        button="Close the review",
        write=lambda review, data: services.review_close(actor=request.user, review=review),
        intro="Close a review once it is finished: published, or for an alternative review, its final "
        "report done. Its recommendations and actions stay open in the tracker until each is closed.",
        anchor=_PROGRESS,
    )


# --- Cases put forward by any partner ----------------------------------------------------------------------


@require_GET
@permission_required(PROPOSE)
def proposals(request: HttpRequest) -> HttpResponse:
    """The business unit's queue of cases put forward (every one), or a partner's own."""
    rows = list(proposals_visible_to(request.user))
    return render(
        request,
        "reviews/proposals.html",
        {
            "page_title": "Cases put forward for consideration",
            "current_area": AREA,
            "waiting": [row for row in rows if row.status == ReviewProposal.Status.SUBMITTED],
            "decided": [row for row in rows if row.status != ReviewProposal.Status.SUBMITTED],
            "can_manage": holds(request.user, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(PROPOSE)
def propose(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.filter(pk__in=proposing_agency_ids(request.user)).order_by("name")
    form = ProposalForm(request.POST if request.method == "POST" else None, agencies=agencies)

    def save(form: forms.Form) -> str:
        proposal = services.review_propose(actor=request.user, request=request, **form.cleaned_data)
        return reverse("reviews:proposal", args=[proposal.pk])

    return _form_page(
        request,
        form=form,
        heading="Put a case forward for consideration of a review",
        button="Put the case forward",
        save=save,
        done="Case put forward: the business unit will consider it, and you will hear by email",
        cancel=reverse("reviews:proposals"),
        intro="For a serious incident your agency thinks the partnership should consider for a rapid review, "
        "a local child safeguarding practice review, a safeguarding adult review or a domestic homicide "
        "review. The business unit takes it from here.",
    )


@require_GET
@permission_required(PROPOSE)
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    found = proposal_get_for_user(request.user, pk)
    identity = proposal_identity_for_user(request.user, found)
    if identity is not None:
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.VIEW,
            subject=found,
            purpose="Case put forward (who it is about)",
            request=request,
        )
    return render(
        request,
        "reviews/proposal.html",
        {
            "page_title": "Case put forward",
            "current_area": AREA,
            "proposal": found,
            "agencies": found.agencies_involved.order_by("name"),
            "identity": identity,
            "can_decide": can(request.user, MANAGE) and found.status == ReviewProposal.Status.SUBMITTED,
        },
    )


def _proposal_decision(
    request: HttpRequest,
    found: ReviewProposal,
    form: forms.Form,
    *,
    heading: str,
    button: str,
    write: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A form deciding on a case put forward, while it still waits (else back to it, saying so)."""
    back = reverse("reviews:proposal", args=[found.pk])
    if found.status != ReviewProposal.Status.SUBMITTED:
        messages.info(request, f"This case has already been decided: {found.get_status_display().lower()}")
        return redirect(back)
    return _form_page(
        request,
        form=form,
        heading=heading,
        button=button,
        save=lambda form: write(form.cleaned_data),
        done="Saved: the agency that put the case forward is told by email",
        cancel=back,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = proposal_get_for_user(request.user, pk)
    form = ProposalAcceptForm(
        request.POST if request.method == "POST" else None, initial={"aware_date": found.aware_date}
    )

    def write(data: dict[str, Any]) -> str:
        review = services.review_proposal_accept(actor=request.user, proposal=found, request=request, **data)
        return _detail_url(review)

    return _proposal_decision(
        request,
        found,
        form,
        heading="Take the case into consideration",
        button="Refer it as a review",
        write=write,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    found = proposal_get_for_user(request.user, pk)
    form = ProposalDeclineForm(request.POST if request.method == "POST" else None)

    def write(data: dict[str, Any]) -> str:
        services.review_proposal_decline(actor=request.user, proposal=found, reason=data["reason"])
        return reverse("reviews:proposals")

    return _proposal_decision(
        request,
        found,
        form,
        heading="Do not take the case forward",
        button="Save and tell the agency",
        write=write,
    )
