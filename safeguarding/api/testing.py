"""Test support for the API's property tests: every operation checked against the API's own OpenAPI
description with schemathesis, in process, on the test's database connection.

The calls go through Django's WSGI handler in the test's thread, so they see the test's data; the root
conftest's `_keep_the_test_connection` fixture stops Django closing that connection around each call.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

# Small enough to run in seconds; schemathesis tries the edge values of each parameter early.
EXAMPLES_PER_OPERATION = 30


def api_schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


def api_operations(prefix: str = "/api/v1/") -> list[Any]:
    """The API's operations whose path starts with `prefix`."""
    operations = [result.ok() for result in api_schema().get_all_operations()]
    return [operation for operation in operations if operation.path.startswith(prefix)]


def assert_conforms(
    strategy: Any,
    *,
    headers: dict[str, str],
    mode: GenerationMode,
    examples: int = EXAMPLES_PER_OPERATION,
    rules_beyond_schema: Collection[str] | None = None,
) -> None:
    """Run the cases `strategy` makes: never a server error, and every answer as the description promises.

    An operation marked `x-rules-beyond-schema` may rightly refuse schema-valid input (a date against today,
    a file's content), so schemathesis' "schema-valid data is accepted" check is left out there. With
    `rules_beyond_schema`, a stricter check replaces it: a 422 for a positive case must name only those
    error types.
    """

    @given(case=strategy)
    @settings(
        max_examples=examples,
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
        if (
            rules_beyond_schema is not None
            and mode == GenerationMode.POSITIVE
            and response.status_code == 422
        ):
            kinds = {error["type"] for error in response.json()["detail"]}
            assert kinds <= set(rules_beyond_schema), f"schema-valid input refused: {response.text}"

    check()


def assert_year_report_conforms(
    prefix: str, *, headers: dict[str, str], mode: GenerationMode, real_years: Collection[str]
) -> set[tuple[str, str, int]]:
    """Check an API area whose operations read a financial year from `?year=` (the audit grades, the case
    reviews' year in numbers), and return the (method, path, status) of every call the API logged.

    The year's pattern ("2022-23") cannot say that the second year follows the first, that the year is
    2000-01 or later, or that it has begun, so every such operation is marked `x-rules-beyond-schema` and a
    422 for a schema-valid year must come from the financial-year rule only. Random years are nearly always
    not financial years, so the positive cases mix in `real_years`.
    """
    from safeguarding.accesslog.models import AccessEvent

    for operation in api_operations(prefix):
        assert operation.definition.raw.get("x-rules-beyond-schema"), operation.path
        strategy = operation.as_strategy(generation_mode=mode)
        if mode == GenerationMode.POSITIVE:
            for year in real_years:
                strategy |= operation.as_strategy(generation_mode=mode, query={"year": year})
        assert_conforms(
            strategy,
            headers=headers,
            mode=mode,
            examples=40,
            rules_beyond_schema={"financial_year"},
        )
    return {
        (event.details["method"], event.details["path"], event.details["status"])
        for event in AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL)
    }
