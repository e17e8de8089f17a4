"""The rapid review (issue 6, section 2): information asked of each agency with a due date, its return, the
overdue ones flagged, on the home page and reminded; the meeting's attendees by name and agency; and the
National Panel's response."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from safeguarding.core.testing import Personas, date_post, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision, RapidReviewRequest
from safeguarding.reviews.reminders import reviews_remind
from safeguarding.reviews.selectors import ClockState, information_overdue_ids, review_clocks

pytestmark = pytest.mark.django_db


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _notified(personas: Personas, **extra: Any) -> CaseReview:
    review = services.review_refer(
        actor=personas.bu_officer,
        code="W14",
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 9, 14),
        referred_by_agency=personas.agency_a,
        agencies_involved=[personas.agency_a, personas.agency_b],
        **extra,
    )
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 16)
    )
    return review


def _ask(personas: Personas, review: CaseReview, agency: Any, due: date) -> RapidReviewRequest:
    return services.rapid_review_request_information(
        actor=personas.bu_officer,
        review=review,
        agency=agency,
        requested_on=date(2022, 9, 16),
        due_date=due,
        information=RapidReviewRequest.Information.CHRONOLOGY_AND_SUMMARY,
    )


def _meeting(personas: Personas, review: CaseReview, **extra: Any) -> None:
    fields: dict[str, Any] = {
        "meeting_date": date(2022, 10, 4),
        "attending_agencies": [personas.agency_a],
        "immediate_actions": "Siblings seen",
        "learning_identified": "Information sharing",
        "recommendation": Decision.LOCAL_REVIEW,
    }
    fields.update(extra)
    services.rapid_review_record(actor=personas.bu_officer, review=review, **fields)


def test_a_return_is_recorded_and_checked(personas: Personas) -> None:
    review = _notified(personas)
    request = _ask(personas, review, personas.agency_b, date(2022, 9, 23))
    with pytest.raises(services.ReviewError, match="before it was asked for"):
        services.rapid_review_request_returned(
            actor=personas.bu_officer, request=request, returned_on=date(2022, 9, 15)
        )
    with pytest.raises(services.ReviewError, match="future"):
        services.rapid_review_request_returned(
            actor=personas.bu_officer, request=request, returned_on=date(2999, 1, 1)
        )
    request.refresh_from_db()
    assert request.returned_on is None
    services.rapid_review_request_returned(
        actor=personas.bu_officer, request=request, returned_on=date(2022, 9, 22)
    )
    request.refresh_from_db()
    assert request.returned_on == date(2022, 9, 22)
    with pytest.raises(services.ReviewError, match="already been asked"):
        _ask(personas, review, personas.agency_b, date(2022, 9, 30))


def test_overdue_information_is_a_deadline_flagged_and_reminded(personas: Personas, settings: Any) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"
    review = _notified(personas, owner=personas.bu_officer)
    late = _ask(personas, review, personas.agency_b, date(2022, 9, 23))
    returned = _ask(personas, review, personas.agency_a, date(2022, 9, 23))
    services.rapid_review_request_returned(
        actor=personas.bu_officer, request=returned, returned_on=date(2022, 9, 23)
    )
    clocks = {clock.name: clock for clock in review_clocks(review, now=_noon(date(2022, 9, 26)))}
    chased = clocks[f"information-{personas.agency_b.pk}"]
    assert (chased.title, chased.state) == ("Information from Agency B", ClockState.OVERDUE)
    assert f"information-{personas.agency_a.pk}" not in clocks  # returned: nothing to chase
    assert information_overdue_ids(review, now=_noon(date(2022, 9, 26))) == {late.pk}
    # The owner is told once that it is overdue.
    reviews_remind(now=_noon(date(2022, 9, 26)))
    [email] = [email for email in mail.outbox if "Information from Agency B" in email.body]
    assert email.to == [personas.bu_officer.email]
    assert "Information from Agency B: due 23 September 2022" in email.body
    # The page flags it beside the agency.
    page = personas.client("bu_officer").get(reverse("reviews:detail", args=["W14"]))
    row = page.text.split("Agency B</td>", 1)[1].split("</tr>", 1)[0]
    assert "Overdue" in row
    # Once the meeting is held, the request is no longer chased.
    _meeting(personas, review)
    review.refresh_from_db()
    assert not [c for c in review_clocks(review) if c.name.startswith("information-")]
    assert information_overdue_ids(review) == set()


def test_attendees_are_named_by_agency(personas: Personas) -> None:
    review = _notified(personas)
    with pytest.raises(services.ReviewError, match="meeting first"):
        services.rapid_review_attendee_add(
            actor=personas.bu_officer, review=review, agency=personas.agency_a, name="Ada Chair"
        )
    _meeting(personas, review)
    client = personas.client("bu_officer")
    url = reverse("reviews:rapid_review_attendees", args=["W14"])
    blank = client.post(url, {"agency": str(personas.agency_b.pk), "name": " "})
    assert blank.status_code == 200 and "Enter the attendee&#x27;s name" in blank.text
    added = client.post(
        url, {"agency": str(personas.agency_b.pk), "name": "Bea Nurse", "role": "Named nurse"}
    )
    assert added.status_code == 302 and added["Location"] == url
    again = client.post(url, {"agency": str(personas.agency_b.pk), "name": "bea nurse"})
    assert "already listed for Agency B" in again.text
    rapid = review.rapid_review
    # Naming someone from agency B marks B as attending; re-saving the meeting keeps it.
    assert set(rapid.attending_agencies.all()) == {personas.agency_a, personas.agency_b}
    _meeting(personas, review, attending_agencies=[personas.agency_a])
    assert set(rapid.attending_agencies.all()) == {personas.agency_a, personas.agency_b}
    page = client.get(reverse("reviews:detail", args=["W14"]))
    attendance = page.text.split('id="attendance"', 1)[1].split("</ul>", 1)[0]
    assert "<strong>Agency A</strong></li>" in attendance
    assert "<strong>Agency B</strong>: Bea Nurse (Named nurse)" in attendance
    # Removing a name entered by mistake.
    [person] = rapid.attendees.all()
    removed = client.post(reverse("reviews:rapid_review_attendee_remove", args=["W14", person.pk]))
    assert removed.status_code == 302 and not rapid.attendees.exists()


def test_the_panels_response_is_recorded_after_the_meeting(personas: Personas) -> None:
    review = _notified(personas)
    with pytest.raises(services.ReviewError, match="cannot respond before the meeting"):
        _meeting(
            personas,
            review,
            panel_response="Agrees with the recommendation",
            panel_response_date=date(2022, 10, 3),
        )
    client = personas.client("bu_officer")
    data = {
        "attending_agencies": [str(personas.agency_a.pk)],
        "immediate_actions": "Siblings seen",
        "learning_identified": "Information sharing",
        "recommendation": Decision.LOCAL_REVIEW,
        "panel_response": "The Panel agrees that a local review is appropriate",
        **date_post("meeting_date", date(2022, 10, 4)),
        **date_post("panel_response_date", date(2022, 11, 1)),
    }
    assert client.post(reverse("reviews:rapid_review", args=["W14"]), data).status_code == 302
    review.refresh_from_db()
    rapid = review.rapid_review
    assert (rapid.panel_response, rapid.panel_response_date) == (
        "The Panel agrees that a local review is appropriate",
        date(2022, 11, 1),
    )
    page = client.get(reverse("reviews:detail", args=["W14"]))
    assert "The Panel agrees that a local review is appropriate (1 November 2022)" in page.text


def test_case_material_is_for_case_review_roles_and_the_executive(personas: Personas) -> None:
    review = _notified(personas)
    _meeting(
        personas,
        review,
        immediate_actions="Siblings seen by the duty social worker",
        panel_response="The Panel agrees",
        panel_response_date=date(2022, 10, 20),
    )
    url = reverse("reviews:detail", args=["W14"])
    readers = {
        "case_reviewer": make_user("case_reviewer", personas.business_unit),
        "executive_member": make_user("executive_member", personas.agency_a),
        "subgroup_member": make_user("subgroup_member", personas.agency_a),
        "independent_scrutineer": make_user("independent_scrutineer", personas.business_unit),
    }
    seen = {}
    for role, user in readers.items():
        page = sign_in(Client(), user).get(url)
        assert page.status_code == 200 and "Review W14" in page.text
        seen[role] = (
            "Siblings seen by the duty social worker" in page.text and "The Panel agrees" in page.text
        )
    assert seen == {
        "case_reviewer": True,
        "executive_member": True,
        "subgroup_member": False,
        "independent_scrutineer": False,
    }
    member_page = sign_in(Client(), readers["subgroup_member"]).get(url).text
    assert "Restricted to case-review roles and the executive" in member_page
    assert "4 October 2022" in member_page  # the meeting's date is not case material
