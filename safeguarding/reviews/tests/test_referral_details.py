"""Correcting a review's referral facts and owner after referral (issue 6, section 1): the clocks move with
the date of awareness and the type, nothing that followed awareness can be left before it, and the owner
must be someone who runs case reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safeguarding.core.testing import Personas, date_post, make_user
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision
from safeguarding.reviews.reminders import reviews_remind
from safeguarding.reviews.selectors import review_clocks

pytestmark = pytest.mark.django_db


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _refer(personas: Personas, **extra: Any) -> CaseReview:
    fields: dict[str, Any] = {
        "code": "W14",
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "aware_date": date(2022, 9, 14),
        "referred_by_agency": personas.agency_a,
        "agencies_involved": [personas.agency_a],
    }
    fields.update(extra)
    return services.review_refer(actor=personas.bu_officer, **fields)


def _correct(personas: Personas, review: CaseReview, **changes: Any) -> CaseReview:
    facts: dict[str, Any] = {
        "kind": review.kind,
        "subject_type": review.subject_type,
        "aware_date": review.aware_date,
        "referred_by_agency": review.referred_by_agency,
        "agencies_involved": list(review.agencies_involved.all()),
        "owner": review.owner,
    }
    facts.update(changes)
    return services.review_referral_correct(actor=personas.bu_officer, review=review, **facts)


def test_a_corrected_date_of_awareness_moves_the_deadlines(personas: Personas) -> None:
    review = _refer(personas)
    [notify] = review_clocks(review)
    assert notify.due == date(2022, 9, 22)  # 14 September + 5 working days, across the state funeral
    _correct(personas, review, aware_date=date(2022, 9, 12), agencies_involved=[personas.agency_b])
    review.refresh_from_db()
    [notify] = review_clocks(review)
    assert notify.due == date(2022, 9, 20)
    assert list(review.agencies_involved.all()) == [personas.agency_b]
    # The history keeps the date it was before (the agencies' change adds records of its own).
    dates = [h.aware_date for h in review.history.order_by("history_date")]
    assert (dates[0], dates[-1]) == (date(2022, 9, 14), date(2022, 9, 12))


def test_a_corrected_type_changes_which_clocks_run(personas: Personas) -> None:
    review = _refer(personas, subject_type=CaseReview.SubjectType.CHILD)
    assert [c.name for c in review_clocks(review)] == ["serious-incident-notification"]
    _correct(
        personas,
        review,
        kind=CaseReview.Kind.DHR_NOTIFICATION,
        subject_type=CaseReview.SubjectType.ADULT,
    )
    review.refresh_from_db()
    [decision] = review_clocks(review)
    assert (decision.name, decision.due) == ("dhr-decision", date(2022, 10, 14))


def test_the_date_of_awareness_cannot_follow_what_came_after_it(personas: Personas) -> None:
    review = _refer(personas)
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 16)
    )
    with pytest.raises(
        services.ReviewError, match="after the notification to the Panel on 16 September 2022"
    ):
        _correct(personas, review, aware_date=date(2022, 9, 19))
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.NO_LOCAL_REVIEW,
        decided_by="Executive",
        decided_on=date(2022, 9, 30),
    )
    with pytest.raises(services.ReviewError, match="stays a serious child safeguarding incident"):
        _correct(personas, review, kind=CaseReview.Kind.NON_NOTIFIABLE)
    with pytest.raises(services.ReviewError, match="future"):
        _correct(personas, review, aware_date=date(2999, 1, 1))
    review.refresh_from_db()
    assert (review.kind, review.aware_date) == (CaseReview.Kind.NOTIFIABLE_INCIDENT, date(2022, 9, 14))


def test_the_type_must_fit_child_or_adult(personas: Personas) -> None:
    review = _refer(personas, kind=CaseReview.Kind.NON_NOTIFIABLE)
    with pytest.raises(services.ReviewError, match="must be about an adult"):
        _correct(personas, review, kind=CaseReview.Kind.SAR_REFERRAL)
    with pytest.raises(services.ReviewError, match="must be about a child"):
        _correct(
            personas,
            review,
            subject_type=CaseReview.SubjectType.ADULT,
            kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        )


def test_the_owner_must_run_case_reviews_and_hears_the_reminders(personas: Personas, settings: Any) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"
    review = _refer(personas)
    with pytest.raises(services.ReviewError, match="does not run case reviews"):
        _correct(personas, review, owner=personas.a_worker)
    colleague = make_user("business_unit_officer", personas.business_unit, email="colleague@example.org")
    _correct(personas, review, owner=colleague)
    review.refresh_from_db()
    assert review.owner == colleague
    reviews_remind(now=_noon(date(2022, 9, 16)))
    assert [email.to for email in mail.outbox] == [["colleague@example.org"]]


def test_only_people_who_run_reviews_may_correct_the_referral(personas: Personas) -> None:
    review = _refer(personas)
    member = make_user("subgroup_member", personas.agency_a)
    with pytest.raises(PermissionDenied):
        services.review_referral_correct(
            actor=member,
            review=review,
            kind=review.kind,
            subject_type=review.subject_type,
            aware_date=review.aware_date,
            referred_by_agency=review.referred_by_agency,
            agencies_involved=[],
            owner=None,
        )


def test_the_referral_details_page(personas: Personas) -> None:
    review = _refer(personas)
    client = personas.client("bu_officer")
    page = client.get(reverse("reviews:detail", args=["W14"]))
    assert reverse("reviews:referral", args=["W14"]) in page.text
    url = reverse("reviews:referral", args=["W14"])
    form = client.get(url)
    assert 'value="14"' in form.text and 'value="2022"' in form.text  # the recorded date, to correct
    data = {
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "referred_by_agency": str(personas.agency_b.pk),
        "agencies_involved": [str(personas.agency_a.pk), str(personas.agency_b.pk)],
        "owner": str(personas.bu_officer.pk),
        **date_post("aware_date", date(2999, 1, 1)),
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "cannot be in the future" in refused.text
    assert 'value="2999"' in refused.text  # what was typed is kept
    review.refresh_from_db()
    assert review.referred_by_agency == personas.agency_a  # nothing was saved
    done = client.post(url, {**data, **date_post("aware_date", date(2022, 9, 13))})
    assert done.status_code == 302 and done["Location"] == reverse("reviews:detail", args=["W14"])
    review.refresh_from_db()
    assert (review.aware_date, review.referred_by_agency, review.owner) == (
        date(2022, 9, 13),
        personas.agency_b,
        personas.bu_officer,
    )
    assert review.agencies_involved.count() == 2
    # The code is not on the form: it never changes.
    assert 'name="code"' not in form.text
