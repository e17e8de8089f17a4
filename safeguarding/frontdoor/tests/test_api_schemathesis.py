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

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from safeguarding.accesslog.models import AccessEvent
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


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Stop Django closing the database connection around each in-process WSGI request.

    A real server closes old connections when a request starts and finishes; inside a test transaction that
    would close the very connection holding the test's data (see safeguarding/api/tests/test_schemathesis.py).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _front_door_operations() -> list[Any]:
    # In-process WSGI calls share the test's database connection, so they see the test's data.
    schema: Any = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in operations if operation.path.startswith(FRONT_DOOR)]


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
    operations = _front_door_operations()
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

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run, so a failure is reproducible
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            # A negative case may leave the token out on purpose (it is a required header); send none then.
            sent = headers if "Authorization" in (case.headers or {}) else {}
            response = case.call(headers=sent)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            if not case.operation.definition.raw.get("x-rules-beyond-schema"):
                case.validate_response(response, headers=sent)
                return
            case.validate_response(response, headers=sent, excluded_checks=[positive_data_acceptance])
            if mode == GenerationMode.POSITIVE and response.status_code == 422:
                kinds = {error["type"] for error in response.json()["detail"]}
                assert kinds <= RULES_BEYOND_THE_SCHEMA, f"schema-valid referral refused: {response.text}"

        check()

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
