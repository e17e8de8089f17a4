"""Property tests of the front door's endpoints against the API's own OpenAPI description (schemathesis):
never a server error, and every answer matches what the description promises, for the roles that send and
follow referrals and for ones that may do neither.

One check is narrowed. A referral's JSON schema (ReferralAnswers' own) cannot say everything the referral's
rules check: dates relative to today, the NHS number's check digit, the postcode's shape, one answer
depending on another, text that is only spaces. So a schema-valid referral may rightly get 422; the
operation says so with `x-rules-beyond-schema`, and schemathesis' "schema-valid data is accepted" check is
replaced there by a stricter one of our own: a 422 for schema-valid data must come from those rules only,
never from anything the schema states.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis import GenerationMode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.api.testing import api_operations, assert_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas, make_user
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

FRONT_DOOR = "/api/v1/frontdoor/"
SEND = ("POST", "/api/v1/frontdoor/referrals")
EXAMPLES_PER_OPERATION = 40
# The errors of the rules a JSON schema can't state (model and field validators, and text that is empty once
# its spaces are stripped).
RULES_BEYOND_THE_SCHEMA = frozenset({"value_error", "string_too_short"})
VALID_REFERRAL: dict[str, Any] = {
    "referrer_phone": "0121 496 0123",
    "children": [{"first_name": "Amy", "last_name": "Testchild", "date_of_birth": "2015-03-02"}],
    "concerns": ["neglect"],
    "what_happened": "Amy came to school hungry three days running.",
    "consent": "given",
}


def _a_referral_in_agency_a(personas: Personas) -> Contact:
    user = personas.a_readonly
    referrer = Referrer(name=user.full_name, email=user.email, user=user, agency=personas.agency_a)
    return referral_submit(referrer=referrer, answers=ReferralAnswers.model_validate(VALID_REFERRAL)).contact


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["a_readonly", "a_worker", "bu_officer", "subgroup_member"])
def test_front_door_api_conforms_to_its_description(
    personas: Personas, mode: GenerationMode, persona: str
) -> None:
    user = (
        make_user("subgroup_member", personas.agency_a)
        if persona == "subgroup_member"
        else getattr(personas, persona)
    )
    _, secret = token_for(user)
    headers = {"Authorization": f"Bearer {secret}"}
    contact = _a_referral_in_agency_a(personas)
    operations = api_operations(FRONT_DOOR)
    assert {(op.method.upper(), op.path) for op in operations} == {
        SEND,
        ("GET", "/api/v1/frontdoor/referrals"),
        ("GET", "/api/v1/frontdoor/referrals/{reference}"),
    }
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)
        if "{reference}" in operation.path:
            # Random references only ever find nothing; mix in a real one (agency A's).
            strategy |= operation.as_strategy(
                generation_mode=mode, path_parameters={"reference": contact.reference}
            )
        if (operation.method.upper(), operation.path) == SEND and mode == GenerationMode.POSITIVE:
            # Random dates of birth are nearly always outside the rules; mix in a referral that keeps them.
            strategy |= operation.as_strategy(generation_mode=mode, body=VALID_REFERRAL)

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
    # Every call with a token was logged, and the cases reached past the permission check to real answers.
    if persona in {"a_readonly", "a_worker"} and mode == GenerationMode.POSITIVE:
        assert ("GET", f"/api/v1/frontdoor/referrals/{contact.reference}", 200) in answered
        assert ("GET", "/api/v1/frontdoor/referrals", 200) in answered
        assert {status for method, _, status in answered if method == "POST"} >= {201, 422}
    if persona in {"bu_officer", "subgroup_member"}:
        # Neither may send or see referrals: refused before the body is read (a bad query is 422 first).
        assert {status for method, _, status in answered if method == "POST"} == {403}
        assert {status for _, _, status in answered} <= {403, 422}
