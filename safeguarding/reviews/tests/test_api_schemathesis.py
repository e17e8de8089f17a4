"""Property tests of the case reviews API against the API's own OpenAPI description (schemathesis): never a
server error, and every answer matches what the description promises, for roles with and without review.view.

One check is narrowed, as for the front door's referrals. The year's pattern ("2022-23": 4 digits, a hyphen, 2
digits) cannot say that the second year follows the first, that the year is 2000-01 or later, or that it has
begun; so a schema-valid year may rightly get 422. The operation says so with `x-rules-beyond-schema`, and
schemathesis' "schema-valid data is accepted" check is replaced there by a stricter one of our own: a 422 for
a schema-valid year must come from the financial-year rule only.
"""

from __future__ import annotations

from datetime import date

import pytest
from schemathesis import GenerationMode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.api.testing import api_operations, assert_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas, make_user
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

REVIEWS = "/api/v1/reviews/"
SUMMARY = ("GET", "/api/v1/reviews/summary")
EXAMPLES_PER_OPERATION = 40
# The one rule beyond the schema: the year must be a real financial year that has begun.
RULES_BEYOND_THE_SCHEMA = frozenset({"financial_year"})


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
    operations = api_operations(REVIEWS)
    assert {(op.method.upper(), op.path) for op in operations} == {SUMMARY}
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)
        if mode == GenerationMode.POSITIVE:
            # Random years are nearly always not financial years; mix in real ones, with and without data.
            for year in ("2022-23", "2023-24", "2000-01"):
                strategy |= operation.as_strategy(generation_mode=mode, query={"year": year})

        assert operation.definition.raw.get("x-rules-beyond-schema")
        assert_conforms(
            strategy,
            headers=headers,
            mode=mode,
            examples=EXAMPLES_PER_OPERATION,
            rules_beyond_schema=RULES_BEYOND_THE_SCHEMA,
        )

    answered = {
        (event.details["method"], event.details["path"], event.details["status"])
        for event in AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL)
    }
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
