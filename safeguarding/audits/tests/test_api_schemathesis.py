"""Property tests of the audits API against the API's own OpenAPI description (schemathesis): never a server
error, and every answer matches what the description promises, for roles with and without audit.view.

One check is narrowed, as for the case reviews API: the year's pattern ("2022-23") cannot say that the second
year follows the first, that the year is 2000-01 or later, or that it has begun, so a schema-valid year may
rightly get 422. The operation says so with `x-rules-beyond-schema`, and a 422 for a schema-valid year must
come from the financial-year rule only.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from schemathesis import GenerationMode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.api.testing import api_operations, assert_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.audits.tests.test_tables import make_2022_23
from safeguarding.core.testing import Personas, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

AUDITS = "/api/v1/audits/"
GRADES = ("GET", "/api/v1/audits/grades")
EXAMPLES_PER_OPERATION = 40
RULES_BEYOND_THE_SCHEMA = frozenset({"financial_year"})


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["bu_officer", "subgroup_member", "a_readonly"])
def test_audits_api_conforms_to_its_description(
    personas: Personas, mode: GenerationMode, persona: str
) -> None:
    user = (
        make_user("subgroup_member", personas.agency_b)
        if persona == "subgroup_member"
        else getattr(personas, persona)
    )
    assert isinstance(user, get_user_model())
    _, secret = token_for(user)
    headers = {"Authorization": f"Bearer {secret}"}
    make_2022_23(personas.bu_officer)
    operations = api_operations(AUDITS)
    assert {(op.method.upper(), op.path) for op in operations} == {GRADES}
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)
        if mode == GenerationMode.POSITIVE:
            # Random years are nearly always not financial years; mix in real ones, with and without grades.
            for year in ("2022-23", "2021-22", "2000-01"):
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
    if persona in {"bu_officer", "subgroup_member"} and mode == GenerationMode.POSITIVE:
        assert (*GRADES, 200) in answered
        assert 422 in statuses
    if persona == "a_readonly":
        # No audit.view: refused (a year that is not one is 422 first, as the query is read before the call).
        assert 200 not in statuses
        assert statuses <= {403, 422}
        if mode == GenerationMode.POSITIVE:
            assert 403 in statuses
