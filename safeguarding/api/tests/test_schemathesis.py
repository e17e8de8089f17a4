"""Property tests of the API against its own OpenAPI description (schemathesis): never a server error,
and every answer matches what the description promises."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.api.testing import api_operations, api_schema, assert_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["a_worker", "bu_officer"])
def test_api_conforms_to_its_description(personas: Personas, mode: GenerationMode, persona: str) -> None:
    _, secret = token_for(getattr(personas, persona))
    headers = {"Authorization": f"Bearer {secret}"}
    for operation in api_operations():
        if mode == GenerationMode.NEGATIVE and not any(operation.iter_parameters()) and not operation.body:
            continue  # nothing to send wrong to an operation without inputs
        strategy = operation.as_strategy(generation_mode=mode)
        if "{code}" in operation.path:
            # Random codes only ever find nothing; mix in a real agency's code (in scope for both personas).
            strategy |= operation.as_strategy(generation_mode=mode, path_parameters={"code": "AGA"})

        assert_conforms(strategy, headers=headers, mode=mode)

    if mode == GenerationMode.POSITIVE:
        # The token worked: real answers came back from each endpoint, not only refusals.
        answered = {
            (event.details["path"], event.details["status"])
            for event in AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL)
        }
        assert {("/api/v1/me", 200), ("/api/v1/agencies", 200), ("/api/v1/agencies/AGA", 200)} <= answered


def test_without_a_token_every_protected_operation_answers_401(db: None) -> None:
    @given(case=api_schema().as_strategy())
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call()
        expected = 200 if case.path == "/api/v1/health" else 401
        assert response.status_code == expected, (
            f"{case.method} {case.formatted_path}: {response.status_code}"
        )

    check()
