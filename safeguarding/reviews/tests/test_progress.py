"""Reviews in progress (issue 6, section 3): the reviewer pool, starting a review, its reviewer, milestones,
publication and closing; the next milestone and milestone deadlines (overdue, paused); the pages per persona
and their forms' validation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import weasyprint
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from safeguarding.core.testing import Personas, date_post, make_personas, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import (
    CaseReview,
    Decision,
    MilestoneStage,
    Reviewer,
    ReviewerAppointment,
    ReviewMilestone,
    ReviewPause,
)
from safeguarding.reviews.selectors import (
    ClockState,
    review_clocks,
    review_milestones,
    review_next_deadline,
    review_next_milestone,
    review_type_label,
    reviewers_pool,
    reviews_needing_attention,
    reviews_summary,
)

pytestmark = pytest.mark.django_db

AWARE = date(2023, 1, 10)
DECIDED = date(2023, 3, 1)
STARTED = date(2023, 4, 3)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def personas() -> Personas:
    return make_personas()


def _reader(personas: Personas) -> Client:
    """A subgroup member: review.view (codes only) but not review.manage."""
    return sign_in(Client(), make_user("subgroup_member", personas.agency_a))


def _decided(
    personas: Personas,
    code: str = "W20",
    decision: str = Decision.LOCAL_REVIEW,
    kind: str = CaseReview.Kind.NON_NOTIFIABLE,
    subject_type: str = CaseReview.SubjectType.CHILD,
) -> CaseReview:
    review = services.review_refer(
        actor=personas.bu_officer,
        code=code,
        kind=kind,
        subject_type=subject_type,
        aware_date=AWARE,
        referred_by_agency=personas.agency_a,
    )
    return services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=decision,
        decided_by="Executive",
        decided_on=DECIDED,
    )


def _reviewer(personas: Personas, name: str = "Reviewer One", **extra: Any) -> Reviewer:
    fields: dict[str, Any] = {"expertise": "Children's social care", "organisation": "Independent"}
    fields.update(extra)
    return services.reviewer_add(actor=personas.bu_officer, name=name, **fields)


def _started(personas: Personas, code: str = "W20", **extra: Any) -> CaseReview:
    review = _decided(personas, code, **extra)
    return services.review_start(
        actor=personas.bu_officer,
        review=review,
        terms_of_reference="The year before the incident; information sharing between agencies",
        terms_agreed_on=STARTED,
        plan={
            MilestoneStage.SCOPING: date(2023, 4, 28),
            MilestoneStage.PRACTITIONER_EVENT: date(2023, 6, 14),
            MilestoneStage.DRAFT: date(2023, 9, 29),
            MilestoneStage.PUBLICATION: date(2024, 1, 31),
        },
    )


# --- The reviewer pool ----------------------------------------------------------------------------------


def test_reviewer_add_and_update(personas: Personas) -> None:
    reviewer = _reviewer(personas, name="  Reviewer One ", email="one@example.org")
    assert reviewer.name == "Reviewer One" and reviewer.active
    services.reviewer_update(actor=personas.bu_officer, reviewer=reviewer, active=False, organisation="X Ltd")
    reviewer.refresh_from_db()
    assert not reviewer.active and reviewer.organisation == "X Ltd"
    assert reviewer.history.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "Enter the reviewer's name"),
        ({"name": "reviewer one"}, "name", "already in the reviewer pool"),
        ({"expertise": ""}, "expertise", "Enter what the reviewer is expert in"),
        ({"email": "not an address"}, "email", "Enter an email address"),
    ],
)
def test_reviewer_add_refusals(personas: Personas, fields: dict[str, Any], field: str, message: str) -> None:
    _reviewer(personas)
    data: dict[str, Any] = {"name": "Reviewer Two", "expertise": "Health", **fields}
    with pytest.raises(services.ReviewError, match=message) as refused:
        services.reviewer_add(actor=personas.bu_officer, **data)
    assert refused.value.field == field


def test_reviewer_update_refusals(personas: Personas) -> None:
    one = _reviewer(personas)
    two = _reviewer(personas, name="Reviewer Two")
    with pytest.raises(services.ReviewError, match="already in the reviewer pool"):
        services.reviewer_update(actor=personas.bu_officer, reviewer=two, name="Reviewer One")
    with pytest.raises(TypeError, match="cannot change"):
        services.reviewer_update(actor=personas.bu_officer, reviewer=one, created_at=None)
    services.reviewer_update(actor=personas.bu_officer, reviewer=one, name="Reviewer One")  # itself is fine


def test_pool_writes_need_review_manage(personas: Personas) -> None:
    reader = make_user("subgroup_member", personas.agency_a)
    with pytest.raises(PermissionDenied):
        services.reviewer_add(actor=reader, name="Reviewer Three", expertise="Health")
    reviewer = _reviewer(personas)
    with pytest.raises(PermissionDenied):
        services.reviewer_update(actor=reader, reviewer=reviewer, active=False)


# --- Starting a review ----------------------------------------------------------------------------------


def test_review_start_happy_path(personas: Personas) -> None:
    reviewer = _reviewer(personas)
    review = _decided(personas)
    services.review_start(
        actor=personas.bu_officer,
        review=review,
        terms_of_reference="  Scope  ",
        terms_agreed_on=STARTED,
        reviewer=reviewer,
        reviewer_appointed_on=date(2023, 3, 20),
        reviewer_appointment=ReviewerAppointment.POOL,
        plan={MilestoneStage.DRAFT: date(2023, 9, 29)},
    )
    review.refresh_from_db()
    assert review.status == CaseReview.Status.IN_PROGRESS
    assert review.terms_of_reference == "Scope" and review.terms_agreed_on == STARTED
    assert review.reviewer == reviewer and review.reviewer_appointment == ReviewerAppointment.POOL
    stages = [row.milestone.stage for row in review_milestones(review)]
    assert stages == [stage.value for stage in MilestoneStage]  # all seven, in order
    assert ReviewMilestone.objects.get(review=review, stage=MilestoneStage.DRAFT).planned_date == date(
        2023, 9, 29
    )
    assert review.history.first().status == CaseReview.Status.IN_PROGRESS


def test_review_start_an_alternative_review(personas: Personas) -> None:
    review = _decided(personas, decision=Decision.THEMATIC)
    services.review_start(
        actor=personas.bu_officer, review=review, terms_of_reference="Neglect", terms_agreed_on=STARTED
    )
    assert review.status == CaseReview.Status.IN_PROGRESS and review.milestones.count() == 7


def test_review_started_while_paused_stays_paused(personas: Personas) -> None:
    review = _decided(personas)
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS,
        paused_on=date(2023, 3, 10),
    )
    services.review_start(
        actor=personas.bu_officer, review=review, terms_of_reference="Scope", terms_agreed_on=STARTED
    )
    assert review.status == CaseReview.Status.PAUSED


def _start_kwargs(**extra: Any) -> dict[str, Any]:
    return {"terms_of_reference": "Scope", "terms_agreed_on": STARTED, **extra}


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"terms_of_reference": "  "}, "terms_of_reference", "Enter the terms of reference"),
        ({"terms_agreed_on": date(2999, 1, 1)}, "terms_agreed_on", "cannot be in the future"),
        ({"terms_agreed_on": date(2023, 2, 28)}, "terms_agreed_on", "before the executive decision"),
        ({"plan": {"draft": date(2023, 4, 1)}}, "plan_draft", "cannot be planned before the review started"),
        ({"plan": {"lunch": date(2023, 5, 1)}}, None, "Unknown milestone"),
    ],
)
def test_review_start_refusals(
    personas: Personas, extra: dict[str, Any], field: str | None, message: str
) -> None:
    review = _decided(personas)
    with pytest.raises(services.ReviewError, match=message) as refused:
        services.review_start(actor=personas.bu_officer, review=review, **_start_kwargs(**extra))
    assert refused.value.field == field
    review.refresh_from_db()
    assert review.status == CaseReview.Status.DECIDED and not review.milestones.exists()


def test_review_start_refuses_the_reviewer_without_appointment_details(personas: Personas) -> None:
    review = _decided(personas)
    reviewer = _reviewer(personas)
    with pytest.raises(services.ReviewError, match="Enter the date the reviewer was appointed"):
        services.review_start(actor=personas.bu_officer, review=review, **_start_kwargs(reviewer=reviewer))
    with pytest.raises(services.ReviewError, match="Select how the reviewer was appointed"):
        services.review_start(
            actor=personas.bu_officer,
            review=review,
            **_start_kwargs(reviewer=reviewer, reviewer_appointed_on=date(2023, 3, 20)),
        )
    services.reviewer_update(actor=personas.bu_officer, reviewer=reviewer, active=False)
    with pytest.raises(services.ReviewError, match="no longer in the reviewer pool"):
        services.review_start(
            actor=personas.bu_officer,
            review=review,
            **_start_kwargs(
                reviewer=reviewer,
                reviewer_appointed_on=date(2023, 3, 20),
                reviewer_appointment=ReviewerAppointment.POOL,
            ),
        )


def test_review_start_needs_a_decision_for_a_review(personas: Personas) -> None:
    undecided = services.review_refer(
        actor=personas.bu_officer,
        code="W21",
        kind=CaseReview.Kind.NON_NOTIFIABLE,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=AWARE,
        referred_by_agency=personas.agency_a,
    )
    with pytest.raises(services.ReviewError, match="record the decision first"):
        services.review_start(actor=personas.bu_officer, review=undecided, **_start_kwargs())
    no_review = _decided(personas, code="W22", decision=Decision.NO_LOCAL_REVIEW)
    with pytest.raises(services.ReviewError, match="record the decision first"):
        services.review_start(actor=personas.bu_officer, review=no_review, **_start_kwargs())


def test_review_start_only_once_and_only_by_managers(personas: Personas) -> None:
    review = _started(personas)
    with pytest.raises(services.ReviewError, match="already started"):
        services.review_start(actor=personas.bu_officer, review=review, **_start_kwargs())
    other = _decided(personas, code="W23")
    with pytest.raises(PermissionDenied):
        services.review_start(
            actor=make_user("subgroup_member", personas.agency_a), review=other, **_start_kwargs()
        )


# --- The reviewer of a review ---------------------------------------------------------------------------


def test_reviewer_set_appoints_and_changes_keeping_history(personas: Personas) -> None:
    review = _started(personas)
    one, two = _reviewer(personas), _reviewer(personas, name="Reviewer Two")
    services.review_reviewer_set(
        actor=personas.bu_officer,
        review=review,
        reviewer=one,
        reviewer_appointed_on=date(2023, 4, 5),
        reviewer_appointment=ReviewerAppointment.OPEN_TENDER,
    )
    services.review_reviewer_set(
        actor=personas.bu_officer,
        review=review,
        reviewer=two,
        reviewer_appointed_on=date(2023, 5, 2),
        reviewer_appointment=ReviewerAppointment.DIRECT_AWARD,
    )
    review.refresh_from_db()
    assert review.reviewer == two and review.reviewer_appointed_on == date(2023, 5, 2)
    assert one.pk in set(review.history.values_list("reviewer_id", flat=True))
    # A reviewer who left the pool may still be re-saved on the review they lead.
    services.reviewer_update(actor=personas.bu_officer, reviewer=two, active=False)
    services.review_reviewer_set(
        actor=personas.bu_officer,
        review=review,
        reviewer=two,
        reviewer_appointed_on=date(2023, 5, 3),
        reviewer_appointment=ReviewerAppointment.DIRECT_AWARD,
    )
    assert [row.codes for row in reviewers_pool(personas.bu_officer)] == [[], ["W20"]]


@pytest.mark.parametrize(
    ("appointed_on", "appointment", "message"),
    [
        (date(2999, 1, 1), ReviewerAppointment.POOL, "cannot be in the future"),
        (date(2023, 2, 1), ReviewerAppointment.POOL, "before the executive decision"),
        (date(2023, 4, 5), "", "Select how the reviewer was appointed"),
        (date(2023, 4, 5), "by magic", "Select how the reviewer was appointed"),
    ],
)
def test_reviewer_set_refusals(
    personas: Personas, appointed_on: date, appointment: str, message: str
) -> None:
    review = _started(personas)
    with pytest.raises(services.ReviewError, match=message):
        services.review_reviewer_set(
            actor=personas.bu_officer,
            review=review,
            reviewer=_reviewer(personas),
            reviewer_appointed_on=appointed_on,
            reviewer_appointment=appointment,
        )


def test_reviewer_set_needs_a_reviewing_decision(personas: Personas) -> None:
    review = _decided(personas, decision=Decision.NO_LOCAL_REVIEW)
    with pytest.raises(services.ReviewError, match="record the decision first"):
        services.review_reviewer_set(
            actor=personas.bu_officer,
            review=review,
            reviewer=_reviewer(personas),
            reviewer_appointed_on=date(2023, 4, 5),
            reviewer_appointment=ReviewerAppointment.POOL,
        )


# --- Milestones -----------------------------------------------------------------------------------------


def test_milestone_record_plans_and_marks_done(personas: Personas) -> None:
    review = _started(personas)
    record = services.review_milestone_record
    milestone = record(actor=personas.bu_officer, review=review, stage="scoping", done_on=date(2023, 5, 2))
    assert milestone.planned_date == date(2023, 4, 28)  # a date not given stays as it was
    assert milestone.done_on == date(2023, 5, 2)
    milestone = record(
        actor=personas.bu_officer,
        review=review,
        stage="family_involvement",
        planned_date=date(2023, 7, 3),
        notes="Mother",
    )
    assert milestone.planned_date == date(2023, 7, 3) and milestone.notes == "Mother"
    milestone = record(actor=personas.bu_officer, review=review, stage="scoping", clear_done=True)
    assert milestone.done_on is None and milestone.notes == ""
    assert milestone.history.count() == 3  # created at the start, done, undone


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"stage": "lunch"}, "stage", "Select a milestone"),
        ({"stage": "draft", "done_on": date(2999, 1, 1)}, "done_on", "cannot be in the future"),
        ({"stage": "draft", "done_on": date(2023, 4, 2)}, "done_on", "before the review started"),
        ({"stage": "draft", "planned_date": date(2023, 4, 2)}, "planned_date", "before the review started"),
        ({"stage": "publication", "done_on": date(2023, 9, 1)}, "done_on", "Publish the review"),
        ({"stage": "draft", "notes": "x" * 501}, "notes", "500 characters"),
    ],
)
def test_milestone_record_refusals(
    personas: Personas, kwargs: dict[str, Any], field: str, message: str
) -> None:
    review = _started(personas)
    with pytest.raises(services.ReviewError, match=message) as refused:
        services.review_milestone_record(actor=personas.bu_officer, review=review, **kwargs)
    assert refused.value.field == field


def test_milestone_record_needs_a_started_review(personas: Personas) -> None:
    review = _decided(personas)
    with pytest.raises(services.ReviewError, match="has not started"):
        services.review_milestone_record(
            actor=personas.bu_officer, review=review, stage="draft", planned_date=date(2023, 9, 1)
        )


# --- Publication and closing ----------------------------------------------------------------------------


def test_publish_meets_the_publication_deadline_and_milestone(personas: Personas) -> None:
    review = _started(personas)
    services.review_publish(
        actor=personas.bu_officer,
        review=review,
        published_on=date(2023, 8, 30),
        publication_url="https://example.org/reviews/w20",
    )
    review.refresh_from_db()
    assert review.status == CaseReview.Status.PUBLISHED
    assert review.publication_url == "https://example.org/reviews/w20"
    assert review.milestones.get(stage=MilestoneStage.PUBLICATION).done_on == date(2023, 8, 30)
    [publication] = [c for c in review_clocks(review) if c.name == "lcspr-publication"]
    assert publication.state == ClockState.DONE and publication.due == date(2023, 9, 1)
    # A published review chases no more milestones (those not recorded are not made overdue).
    assert not [c for c in review_clocks(review) if c.name.startswith("milestone-")]
    assert review_next_milestone(review) is None


@pytest.mark.parametrize(
    ("published_on", "url", "field", "message"),
    [
        (date(2999, 1, 1), "", "published_on", "cannot be in the future"),
        (date(2023, 4, 1), "", "published_on", "before the review started"),
        (date(2023, 8, 30), "not a link", "publication_url", "web address"),
        (date(2023, 8, 30), "javascript:alert(1)", "publication_url", "web address"),
    ],
)
def test_publish_refusals(personas: Personas, published_on: date, url: str, field: str, message: str) -> None:
    review = _started(personas)
    with pytest.raises(services.ReviewError, match=message) as refused:
        services.review_publish(
            actor=personas.bu_officer, review=review, published_on=published_on, publication_url=url
        )
    assert refused.value.field == field
    review.refresh_from_db()
    assert review.status == CaseReview.Status.IN_PROGRESS and review.published_on is None


def test_publish_refused_before_start_and_while_paused(personas: Personas) -> None:
    with pytest.raises(services.ReviewError, match="has not started"):
        services.review_publish(actor=personas.bu_officer, review=_decided(personas), published_on=STARTED)
    review = _started(personas, code="W24")
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CORONERS_INQUEST,
        paused_on=STARTED,
    )
    with pytest.raises(services.ReviewError, match="resume it before publishing"):
        services.review_publish(actor=personas.bu_officer, review=review, published_on=date(2023, 8, 30))


def test_close_a_published_review(personas: Personas) -> None:
    review = _started(personas)
    with pytest.raises(services.ReviewError, match="must be published"):
        services.review_close(actor=personas.bu_officer, review=review)
    services.review_publish(actor=personas.bu_officer, review=review, published_on=date(2023, 8, 30))
    services.review_close(actor=personas.bu_officer, review=review)
    assert review.status == CaseReview.Status.CLOSED
    with pytest.raises(services.ReviewError, match="already closed"):
        services.review_close(actor=personas.bu_officer, review=review)
    with pytest.raises(services.ReviewError, match="closed"):
        services.review_milestone_record(
            actor=personas.bu_officer, review=review, stage="draft", done_on=date(2023, 8, 1)
        )


def test_close_an_alternative_review_once_its_final_report_is_done(personas: Personas) -> None:
    review = _started(personas, decision=Decision.SINGLE_AGENCY)
    with pytest.raises(services.ReviewError, match="final report is done"):
        services.review_close(actor=personas.bu_officer, review=review)
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage="final_report", done_on=date(2023, 10, 2)
    )
    services.review_close(actor=personas.bu_officer, review=review)
    review.refresh_from_db()
    assert review.status == CaseReview.Status.CLOSED


def test_close_refused_before_start_and_for_readers(personas: Personas) -> None:
    review = _decided(personas)
    with pytest.raises(services.ReviewError, match="has not started"):
        services.review_close(actor=personas.bu_officer, review=review)
    with pytest.raises(PermissionDenied):
        services.review_close(actor=make_user("subgroup_member", personas.agency_a), review=review)


# --- Reads: the kind of review, the next milestone, milestone deadlines ---------------------------------


def test_review_type_label(personas: Personas) -> None:
    assert review_type_label(_decided(personas, "C1")) == "LCSPR"
    adult = _decided(personas, "A1", kind=CaseReview.Kind.SAR_REFERRAL, subject_type="adult")
    assert review_type_label(adult) == "SAR"
    dhr = _decided(personas, "D1", kind=CaseReview.Kind.DHR_NOTIFICATION, subject_type="adult")
    assert review_type_label(dhr) == "DHR"
    assert review_type_label(_decided(personas, "T1", decision=Decision.TABLETOP)) == "Tabletop review"
    assert review_type_label(_decided(personas, "N1", decision=Decision.NO_LOCAL_REVIEW)) == ""


def test_next_milestone_is_the_first_not_done_in_order(personas: Personas) -> None:
    review = _started(personas)
    # Thursday 27 April 2023: scoping planned for Friday 28 April.
    upcoming = review_next_milestone(review, now=_noon(date(2023, 4, 27)))
    assert upcoming is not None and upcoming.stage == "scoping" and not upcoming.overdue
    assert upcoming.label == "Due in 1 working day"
    late = review_next_milestone(review, now=_noon(date(2023, 5, 2)))
    assert late is not None and late.overdue
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage="scoping", done_on=date(2023, 5, 2)
    )
    nxt = review_next_milestone(review, now=_noon(date(2023, 5, 3)))
    assert nxt is not None and nxt.stage == "practitioner_event" and nxt.planned_date == date(2023, 6, 14)
    # Done out of order: the first stage not done is still the one shown.
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage="draft", done_on=date(2023, 5, 3)
    )
    nxt = review_next_milestone(review, now=_noon(date(2023, 5, 3)))
    assert nxt is not None and nxt.stage == "practitioner_event"


def test_next_milestone_not_planned(personas: Personas) -> None:
    review = _decided(personas)
    assert review_next_milestone(review) is None  # not started
    services.review_start(actor=personas.bu_officer, review=review, **_start_kwargs())
    nxt = review_next_milestone(review)
    assert nxt is not None and nxt.planned_date is None and nxt.label == "Not planned yet" and not nxt.overdue


def test_milestone_deadlines_count_in_clocks_and_attention(personas: Personas) -> None:
    review = _started(personas)
    now = _noon(date(2023, 5, 2))  # scoping (28 April) has passed
    milestones = [c for c in review_clocks(review, now=now) if c.name.startswith("milestone-")]
    assert [c.name for c in milestones] == [
        "milestone-scoping",
        "milestone-practitioner-event",
        "milestone-draft",
        "milestone-publication",
    ]
    scoping = milestones[0]
    assert scoping.title == "Scoping" and scoping.due == date(2023, 4, 28) and scoping.overdue
    assert milestones[2].title == "Draft report" and milestones[2].state == ClockState.DUE
    assert review_next_deadline(review, now=now) == scoping
    overdue, _ = reviews_needing_attention(personas.bu_officer, now=now)
    assert [r.code for r in overdue] == ["W20"]
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage="scoping", done_on=date(2023, 5, 2)
    )
    review.refresh_from_db()
    assert "milestone-scoping" not in [c.name for c in review_clocks(review, now=now)]
    _, soon = reviews_needing_attention(personas.bu_officer, now=_noon(date(2023, 6, 9)))
    assert [r.code for r in soon] == ["W20"]  # practitioner event on 14 June: 3 working days away


def test_a_paused_reviews_milestones_are_not_overdue(personas: Personas) -> None:
    review = _started(personas)
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS,
        paused_on=date(2023, 4, 20),
    )
    now = _noon(date(2023, 7, 3))
    assert not [c for c in review_clocks(review, now=now) if c.name.startswith("milestone-")]
    assert reviews_needing_attention(personas.bu_officer, now=now) == ([], [])
    held = review_next_milestone(review, now=now)
    assert held is not None and held.stage == "scoping" and not held.overdue and held.on_hold
    [scoping] = [row for row in review_milestones(review, now=now) if row.milestone.stage == "scoping"]
    assert scoping.on_hold and not scoping.overdue
    services.review_resume(actor=personas.bu_officer, review=review, resumed_on=date(2023, 7, 3))
    resumed = review_next_milestone(review, now=now)
    assert resumed is not None and resumed.overdue


def test_summary_rows_carry_type_milestone_and_publication(personas: Personas) -> None:
    _started(personas)
    services.reviewer_add(actor=personas.bu_officer, name="Spare", expertise="Health")
    [row] = reviews_summary(personas.bu_officer, now=_noon(date(2023, 5, 2)))
    assert row.type_label == "LCSPR"
    assert row.next_milestone is not None and row.next_milestone.overdue
    assert row.publication is not None and row.publication.due == date(2023, 9, 1)  # 1 March + 6 months
    assert row.planned_publication == date(2024, 1, 31)


# --- Pages ----------------------------------------------------------------------------------------------


def test_reviewer_pool_pages_per_persona(personas: Personas) -> None:
    reviewer = _reviewer(personas)
    _started(personas)
    services.review_reviewer_set(
        actor=personas.bu_officer,
        review=CaseReview.objects.get(code="W20"),
        reviewer=reviewer,
        reviewer_appointed_on=date(2023, 4, 5),
        reviewer_appointment=ReviewerAppointment.POOL,
    )
    urls = [
        reverse("reviews:reviewers"),
        reverse("reviews:reviewer_add"),
        reverse("reviews:reviewer_edit", args=[reviewer.pk]),
    ]
    officer = personas.client("bu_officer")
    for url in urls:
        assert officer.get(url).status_code == 200
    page = officer.get(urls[0])
    assert "Reviewer One" in page.text and "W20" in page.text and "Add a reviewer" in page.text
    agency_lead = personas.client("a_worker")
    for url in urls:
        assert agency_lead.get(url).status_code == 403
    reader = _reader(personas)
    listing = reader.get(urls[0])
    assert (
        listing.status_code == 200 and "Reviewer One" in listing.text and "Add a reviewer" not in listing.text
    )
    for url in urls[1:]:
        assert reader.get(url).status_code == 403
        assert reader.post(url, {"name": "X", "expertise": "Y"}).status_code == 403
    assert Reviewer.objects.count() == 1
    assert officer.get(reverse("reviews:reviewer_edit", args=[999])).status_code == 404


def test_reviewer_form_adds_edits_and_redisplays(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = reverse("reviews:reviewer_add")
    bad = client.post(
        url, {"name": "Reviewer Four", "organisation": "Four Ltd", "email": "nope", "expertise": ""}
    )
    assert bad.status_code == 200 and "There is a problem" in bad.text
    assert "Enter what the reviewer is expert in" in bad.text
    assert (
        'value="Reviewer Four"' in bad.text and 'value="Four Ltd"' in bad.text and 'value="nope"' in bad.text
    )
    bad_email = client.post(url, {"name": "Reviewer Four", "email": "nope", "expertise": "Health"})
    assert "Enter an email address" in bad_email.text and "Health</textarea>" in bad_email.text
    assert not Reviewer.objects.exists()
    done = client.post(url, {"name": "Reviewer Four", "expertise": "Health", "active": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("reviews:reviewers")
    reviewer = Reviewer.objects.get()
    assert reviewer.active
    edit = reverse("reviews:reviewer_edit", args=[reviewer.pk])
    assert client.post(edit, {"name": "Reviewer Four", "expertise": "Health, SARs"}).status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.expertise == "Health, SARs" and not reviewer.active  # unticked: out of the pool


def test_review_page_section_per_persona(personas: Personas) -> None:
    _decided(personas)
    url = reverse("reviews:detail", args=["W20"])
    officer = personas.client("bu_officer").get(url)
    assert officer.status_code == 200
    assert "The review: LCSPR" in officer.text and "Start the review" in officer.text
    reader = _reader(personas).get(url)
    assert reader.status_code == 200 and "The review: LCSPR" in reader.text
    assert "Start the review" not in reader.text
    assert personas.client("a_worker").get(url).status_code == 403


def test_review_page_shows_progress(personas: Personas) -> None:
    review = _started(personas)
    reviewer = _reviewer(personas)
    services.review_reviewer_set(
        actor=personas.bu_officer,
        review=review,
        reviewer=reviewer,
        reviewer_appointed_on=date(2023, 4, 5),
        reviewer_appointment=ReviewerAppointment.POOL,
    )
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage="scoping", done_on=date(2023, 5, 2)
    )
    page = personas.client("bu_officer").get(reverse("reviews:detail", args=["W20"]))
    text = page.text
    assert "information sharing between agencies" in text and "Agreed on 3 April 2023" in text
    assert "Reviewer One (Independent)" in text and "From the partnership&#x27;s reviewer pool" in text
    assert 'id="review-milestones"' in text and "Late" in text  # scoping done after its planned date
    assert "Overdue" in text  # the practitioner event, planned for 14 June 2023
    assert "Publish the review" in text and "Close the review" not in text
    assert reverse("reviews:review_milestone", args=["W20", "draft"]) in text


def _write_urls(code: str) -> list[str]:
    return [
        reverse("reviews:review_start", args=[code]),
        reverse("reviews:review_reviewer", args=[code]),
        reverse("reviews:review_milestone", args=[code, "draft"]),
        reverse("reviews:review_publish", args=[code]),
        reverse("reviews:review_close", args=[code]),
    ]


def test_progress_forms_per_persona(personas: Personas) -> None:
    _decided(personas)
    officer = personas.client("bu_officer")
    for url in _write_urls("W20"):
        assert officer.get(url).status_code == 200, url
    reader = _reader(personas)
    agency_lead = personas.client("a_worker")
    for url in _write_urls("W20"):
        assert reader.get(url).status_code == 403, url
        assert reader.post(url, {}).status_code == 403, url
        assert agency_lead.get(url).status_code == 403, url
    assert officer.get(reverse("reviews:review_milestone", args=["W20", "lunch"])).status_code == 404


def test_start_form_redisplays_and_saves(personas: Personas) -> None:
    reviewer = _reviewer(personas)
    _decided(personas)
    client = personas.client("bu_officer")
    url = reverse("reviews:review_start", args=["W20"])
    data = {
        "terms_of_reference": "Scope: the year before",
        **date_post("terms_agreed_on", date(2023, 2, 1)),  # before the decision
        "reviewer": str(reviewer.pk),
        **date_post("reviewer_appointed_on", date(2023, 3, 20)),
        "reviewer_appointment": ReviewerAppointment.POOL,
        **date_post("plan_draft", date(2023, 9, 29)),
    }
    bad = client.post(url, data)
    assert bad.status_code == 200 and "before the executive decision" in bad.text
    assert "Scope: the year before</textarea>" in bad.text
    assert 'value="29"' in bad.text and 'value="2023"' in bad.text  # the planned draft date is kept
    assert f'value="{reviewer.pk}" selected' in bad.text
    missing = client.post(url, {**data, "terms_of_reference": "", "reviewer": ""})
    assert "Enter the terms of reference" in missing.text
    assert "Select the reviewer, or leave how they were appointed blank" in missing.text
    done = client.post(url, {**data, **date_post("terms_agreed_on", STARTED)})
    assert done.status_code == 302 and done["Location"].endswith("#the-review")
    review = CaseReview.objects.get(code="W20")
    assert review.status == CaseReview.Status.IN_PROGRESS and review.reviewer == reviewer
    assert review.milestones.get(stage="draft").planned_date == date(2023, 9, 29)


def test_reviewer_milestone_publish_and_close_forms(personas: Personas) -> None:
    review = _started(personas)
    reviewer = _reviewer(personas)
    client = personas.client("bu_officer")
    url = reverse("reviews:review_reviewer", args=["W20"])
    bad = client.post(
        url, {"reviewer": str(reviewer.pk), **date_post("reviewer_appointed_on", date(2999, 1, 1))}
    )
    assert bad.status_code == 200 and "Select how the reviewer was appointed" in bad.text
    future = client.post(
        url,
        {
            "reviewer": str(reviewer.pk),
            "reviewer_appointment": ReviewerAppointment.IN_HOUSE,
            **date_post("reviewer_appointed_on", date(2999, 1, 1)),
        },
    )
    assert "cannot be in the future" in future.text and 'value="2999"' in future.text
    ok = {
        "reviewer": str(reviewer.pk),
        "reviewer_appointment": ReviewerAppointment.IN_HOUSE,
        **date_post("reviewer_appointed_on", date(2023, 4, 5)),
    }
    assert client.post(url, ok).status_code == 302

    milestone = reverse("reviews:review_milestone", args=["W20", "draft"])
    form = client.get(milestone)
    assert 'value="29"' in form.text  # the planned date is there to change
    late = client.post(
        milestone,
        {
            **date_post("planned_date", date(2023, 9, 29)),
            **date_post("done_on", date(2999, 1, 1)),
            "notes": "Sent",
        },
    )
    assert "cannot be in the future" in late.text and "Sent</textarea>" in late.text
    saved = client.post(
        milestone,
        {
            **date_post("planned_date", date(2023, 9, 29)),
            **date_post("done_on", date(2023, 10, 2)),
            "notes": "",
        },
    )
    assert saved.status_code == 302
    assert review.milestones.get(stage="draft").done_on == date(2023, 10, 2)
    cleared = client.post(
        milestone, {**date_post("planned_date", date(2023, 9, 29)), **date_post("done_on", None)}
    )
    assert cleared.status_code == 302 and review.milestones.get(stage="draft").done_on is None
    publication_form = client.get(reverse("reviews:review_milestone", args=["W20", "publication"]))
    assert "done_on_0" not in publication_form.text

    publish = reverse("reviews:review_publish", args=["W20"])
    bad_link = client.post(
        publish, {**date_post("published_on", date(2023, 8, 30)), "publication_url": "nope"}
    )
    assert "Enter the web address of the report" in bad_link.text and 'value="nope"' in bad_link.text
    assert (
        client.post(
            publish,
            {**date_post("published_on", date(2023, 8, 30)), "publication_url": "https://example.org/w20"},
        ).status_code
        == 302
    )
    page = client.get(reverse("reviews:detail", args=["W20"]))
    assert 'href="https://example.org/w20"' in page.text and "30 August 2023" in page.text
    assert "Close the review" in page.text
    assert client.post(reverse("reviews:review_close", args=["W20"]), {}).status_code == 302
    review.refresh_from_db()
    assert review.status == CaseReview.Status.CLOSED


def test_close_form_shows_the_refusal(personas: Personas) -> None:
    _started(personas)
    response = personas.client("bu_officer").post(reverse("reviews:review_close", args=["W20"]), {})
    assert response.status_code == 200 and "must be published before it is closed" in response.text


def test_summary_page_shows_progress_and_prints(personas: Personas) -> None:
    review = _started(personas)
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS,
        paused_on=date(2023, 6, 1),
    )
    _started(personas, code="W25", decision=Decision.THEMATIC)
    client = personas.client("bu_officer")
    page = client.get(reverse("reviews:summary"))
    text = page.text
    assert "LCSPR" in text and "Thematic review" in text
    assert "Scoping: 28 April 2023" in text and "On hold" in text  # W20 is paused
    assert "Criminal proceedings since 1 June 2023" in text and "days lost" in text
    assert "Target 1 September 2023" in text and "Planned 31 January 2024" in text
    assert "Overdue" in text  # W25's scoping, not paused
    reader = _reader(personas).get(reverse("reviews:summary"))
    assert reader.status_code == 200 and "LCSPR" in reader.text and "Refer a case" not in reader.text
    assert personas.client("a_worker").get(reverse("reviews:summary")).status_code == 403


def test_print_version_is_landscape_without_the_site_header(personas: Personas) -> None:
    _started(personas)
    _decided(personas, code="W26", decision=Decision.NO_LOCAL_REVIEW)
    url = reverse("reviews:summary_print")
    assert url in personas.client("bu_officer").get(reverse("reviews:summary")).text
    page = personas.client("bu_officer").get(url)
    assert page.status_code == 200
    assert "Case reviews summary" in page.text and "LCSPR" in page.text and "app-header" not in page.text
    assert _reader(personas).get(url).status_code == 200
    assert personas.client("a_worker").get(url).status_code == 403
    static = (settings.BASE_DIR / "static").as_uri()
    html = page.text.replace('"/static/', f'"{static}/')
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    assert len(document.pages) == 1
    assert document.pages[0].width > document.pages[0].height  # A4 landscape (the stylesheet's print page)


def test_the_review_page_says_a_non_notifiable_case_needs_no_notification(personas: Personas) -> None:
    review = _decided(personas, kind=CaseReview.Kind.NON_NOTIFIABLE)
    page = personas.client("bu_officer").get(reverse("reviews:detail", args=[review.code])).text
    assert "Not needed: not a notifiable incident" in page
    notifiable = _decided(personas, code="W21", kind=CaseReview.Kind.NOTIFIABLE_INCIDENT)
    page = personas.client("bu_officer").get(reverse("reviews:detail", args=[notifiable.code])).text
    assert "Not needed" not in page
