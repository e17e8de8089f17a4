"""Property tests of the case reviews API against the API's own OpenAPI description (schemathesis): never a
server error, and every answer matches what the description promises, for roles with and without review.view.

One check is narrowed, as for the front door's referrals: a schema-valid year may rightly get 422, from the
financial-year rule only (see `api.testing.assert_year_report_conforms`).
"""

from __future__ import annotations

from datetime import date

import pytest
from schemathesis import GenerationMode

from safeguarding.api.testing import api_operations, assert_year_report_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas, make_user
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

REVIEWS = "/api/v1/reviews/"
SUMMARY = ("GET", "/api/v1/reviews/summary")


def _a_year_of_reviews(personas: Personas) -> None:
    review = services.review_refer(
        actor=personas.bu_officer,
        code="W14",
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 9, 14),
        referred_by_agency=personas.agency_a,
    )
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 16)
    )
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive group",
        decided_on=date(2022, 10, 20),
    )
    services.recommendation_add(
        review=review,
        actor=personas.bu_officer,
        text="Ask about fathers.",
        themes=["working_with_fathers"],
        agreed_on=date(2023, 2, 1),
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member", "a_worker"])
def test_reviews_api_conforms_to_its_description(
    personas: Personas, mode: GenerationMode, persona: str
) -> None:
    user = (
        make_user("subgroup_member", personas.agency_b)
        if persona == "subgroup_member"
        else getattr(personas, persona)
    )
    _, secret = token_for(user)
    headers = {"Authorization": f"Bearer {secret}"}
    _a_year_of_reviews(personas)
    assert {(op.method.upper(), op.path) for op in api_operations(REVIEWS)} == {SUMMARY}
    answered = assert_year_report_conforms(
        REVIEWS, headers=headers, mode=mode, real_years=("2022-23", "2023-24", "2000-01")
    )
    statuses = {status for _, _, status in answered}
    # Every call with a token was logged, and the cases reached past the permission check to real answers.
    if persona in {"bu_officer", "subgroup_member"} and mode == GenerationMode.POSITIVE:
        assert (*SUMMARY, 200) in answered
        assert 422 in statuses
    if persona == "a_worker":
        # No review.view: refused (a year that is not one is 422 first, as the query is read before the call).
        assert 200 not in statuses
        assert statuses <= {403, 422}
        if mode == GenerationMode.POSITIVE:
            assert 403 in statuses
