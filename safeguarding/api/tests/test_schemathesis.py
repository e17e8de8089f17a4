"""Property tests of the API against its own OpenAPI description (schemathesis): never a server error,
and every answer matches what the description promises."""

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
from safeguarding.core.testing import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Stop Django closing the database connection around each in-process WSGI request.

    A real server closes old connections when a request starts and finishes; inside a test transaction
    that would close the very connection holding the test's data (PostgreSQL notices; SQLite's in-memory
    database ignores it). django.test.Client does the same disconnection for its own requests.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Small enough to run in seconds; schemathesis tries the edge values of each parameter early.
EXAMPLES_PER_OPERATION = 30


def _load_schema() -> Any:
    # In-process WSGI calls share the test's database connection, so they see the test's data.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["a_worker", "bu_officer"])
def test_api_conforms_to_its_description(personas: Personas, mode: GenerationMode, persona: str) -> None:
    _, secret = token_for(getattr(personas, persona))
    headers = {"Authorization": f"Bearer {secret}"}
    schema = _load_schema()
    for operation in _operations(schema):
        if mode == GenerationMode.NEGATIVE and not any(operation.iter_parameters()) and not operation.body:
            continue  # nothing to send wrong to an operation without inputs
        strategy = operation.as_strategy(generation_mode=mode)
        if "{code}" in operation.path:
            # Random codes only ever find nothing; mix in a real agency's code (in scope for both personas).
            strategy |= operation.as_strategy(generation_mode=mode, path_parameters={"code": "AGA"})

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run, so a failure is reproducible
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            # A negative case may leave the token out on purpose; then it is sent without one.
            sent = headers if "Authorization" in (case.headers or {}) else {}
            response = case.call(headers=sent)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            # Some operations have rules beyond their JSON schema (dates against today, check digits), so a
            # schema-valid body may rightly be refused there.
            beyond = case.operation.definition.raw.get("x-rules-beyond-schema", False)
            excluded = [positive_data_acceptance] if beyond else []
            case.validate_response(response, headers=sent, excluded_checks=excluded)

        check()

    if mode == GenerationMode.POSITIVE:
        # The token worked: real answers came back from each endpoint, not only refusals.
        answered = {
            (event.details["path"], event.details["status"])
            for event in AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL)
        }
        assert {("/api/v1/me", 200), ("/api/v1/agencies", 200), ("/api/v1/agencies/AGA", 200)} <= answered


def test_without_a_token_every_protected_operation_answers_401(db: None) -> None:
    schema = _load_schema()

    @given(case=schema.as_strategy())
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
