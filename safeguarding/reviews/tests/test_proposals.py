"""A case put forward by any partner (issue 6, section 1: "referred ... by any partner"): an agency's
safeguarding lead puts a serious incident forward into the business unit's queue, who takes it into
consideration under a review code (its facts and restricted identity carried over) or declines it with a
reason; the lead hears by email, by code only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.attention import items_for
from safeguarding.core.testing import Personas, date_post, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, ReviewProposal

pytestmark = pytest.mark.django_db

NAME = "Perpetua Forwardcase"  # synthetic


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"


def _put_forward(personas: Personas, **extra: Any) -> ReviewProposal:
    fields: dict[str, Any] = {
        "agency": personas.agency_a,
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "aware_date": date(2023, 3, 1),
        "what_happened": "A baby, B, was admitted with a fractured skull",
        "subject_name": NAME,
        "agencies_involved": [personas.agency_b],
    }
    fields.update(extra)
    return services.review_propose(actor=personas.a_worker, **fields)


def test_an_agency_lead_puts_a_case_forward_on_the_page(personas: Personas) -> None:
    client = personas.client("a_worker")
    front_door = client.get(reverse("frontdoor:home"))
    assert reverse("reviews:propose") in front_door.text
    url = reverse("reviews:propose")
    form = client.get(url)
    assert form.status_code == 200
    assert f'<option value="{personas.agency_a.pk}" selected>' in form.text  # their only agency
    data = {
        "agency": str(personas.agency_a.pk),
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "agencies_involved": [str(personas.agency_b.pk)],
        "what_happened": "A baby, B, was admitted with a fractured skull",
        "subject_name": "",
        **date_post("aware_date", date(2023, 3, 1)),
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Enter the name of the person the case is about" in refused.text
    assert "fractured skull" in refused.text  # what was typed is kept
    assert not ReviewProposal.objects.exists()
    done = client.post(url, {**data, "subject_name": NAME})
    proposal = ReviewProposal.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("reviews:proposal", args=[proposal.pk])
    assert (proposal.agency, proposal.proposed_by, proposal.status) == (
        personas.agency_a,
        personas.a_worker,
        ReviewProposal.Status.SUBMITTED,
    )
    assert list(proposal.agencies_involved.all()) == [personas.agency_b]
    # The name is written to the access log as created, never as text in the log.
    event = AccessEvent.objects.get(subject_type="reviews.reviewproposal")
    assert (event.action, event.actor) == (AccessEvent.Action.CREATE, personas.a_worker)
    assert NAME not in f"{event.subject_label} {event.purpose} {event.details}"
    # Their own page shows the facts and status but not the name back.
    page = client.get(done["Location"])
    assert "Waiting for the business unit" in page.text and NAME not in page.text


def test_a_partner_sees_only_its_own_cases_put_forward(personas: Personas) -> None:
    proposal = _put_forward(personas)
    other = personas.client("b_worker")
    assert other.get(reverse("reviews:proposal", args=[proposal.pk])).status_code == 404
    assert "fractured" not in other.get(reverse("reviews:proposals")).text
    with pytest.raises(PermissionDenied):
        _put_forward(personas, agency=personas.agency_b)  # A's lead cannot speak for agency B


def test_the_business_unit_sees_the_queue_on_its_home_page(personas: Personas) -> None:
    _put_forward(personas)
    [item] = [i for i in items_for(personas.bu_officer) if i.title.startswith("Cases put forward")]
    assert (item.count, item.href) == (1, reverse("reviews:proposals"))
    queue = personas.client("bu_officer").get(reverse("reviews:proposals"))
    waiting = queue.text.split('id="proposals-waiting"', 1)[1].split("</table>", 1)[0]
    assert "Agency A" in waiting and NAME not in queue.text


def test_taking_a_case_into_consideration_refers_it_with_its_facts(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = _put_forward(personas)
    client = personas.client("bu_officer")
    url = reverse("reviews:proposal_accept", args=[proposal.pk])
    early = client.post(url, {"code": "W30", **date_post("aware_date", date(2023, 2, 28))})
    assert "cannot have become aware before Agency A did (1 March 2023)" in early.text
    assert not CaseReview.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "code": "w30",
                "owner": str(personas.bu_officer.pk),
                **date_post("aware_date", date(2023, 3, 2)),
            },
        )
    assert done.status_code == 302 and done["Location"] == reverse("reviews:detail", args=["W30"])
    review = CaseReview.objects.get(code="W30")
    assert (review.kind, review.aware_date, review.referred_by_agency, review.owner) == (
        CaseReview.Kind.NOTIFIABLE_INCIDENT,
        date(2023, 3, 2),
        personas.agency_a,
        personas.bu_officer,
    )
    assert list(review.agencies_involved.all()) == [personas.agency_b]
    assert review.subject.full_name == NAME  # carried into the restricted part
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review, proposal.decided_by) == (
        ReviewProposal.Status.ACCEPTED,
        review,
        personas.bu_officer,
    )
    [email] = mail.outbox
    assert email.to == [personas.a_worker.email]
    assert "review W30" in email.body and NAME not in email.body
    assert f"https://safeguarding.example.org/reviews/proposals/{proposal.pk}/" in email.body
    # Decided once: a second try goes back to the case and changes nothing.
    again = client.post(url, {"code": "W31", **date_post("aware_date", date(2023, 3, 2))})
    assert again.status_code == 302 and not CaseReview.objects.filter(code="W31").exists()
    with pytest.raises(services.ReviewError, match="already been decided"):
        services.review_proposal_decline(actor=personas.bu_officer, proposal=proposal, reason="No")


def test_declining_a_case_says_why(personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    proposal = _put_forward(personas)
    client = personas.client("bu_officer")
    url = reverse("reviews:proposal_decline", args=[proposal.pk])
    assert "Say why the case is not taken forward" in client.post(url, {"reason": " "}).text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"reason": "It does not meet the criteria: the single-agency review covers it"}
        )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ReviewProposal.Status.DECLINED
    [email] = mail.outbox
    assert "does not meet the criteria" in email.body and NAME not in email.body
    assert "not taken forward" in email.subject


def test_only_case_review_roles_see_who_it_is_about_and_it_is_logged(personas: Personas) -> None:
    proposal = _put_forward(personas)
    url = reverse("reviews:proposal", args=[proposal.pk])
    assert NAME not in personas.client("bu_officer").get(url).text
    reviewer = make_user("case_reviewer", personas.business_unit)
    page = sign_in(Client(), reviewer).get(url)
    assert NAME in page.text
    assert AccessEvent.objects.filter(
        actor=reviewer, action=AccessEvent.Action.VIEW, subject_type="reviews.reviewproposal"
    ).exists()
    # Without two factors, the case reviewer is not shown the name.
    assert (
        NAME
        not in sign_in(Client(), make_user("case_reviewer", personas.business_unit), two_factor=False)
        .get(url)
        .text
    )
