"""Property tests of the audits API against the API's own OpenAPI description (schemathesis): never a server
error, and every answer matches what the description promises, for roles with and without audit.view.

One check is narrowed, as for the case reviews API: a schema-valid year may rightly get 422, from the
financial-year rule only (see `api.testing.assert_year_report_conforms`).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from schemathesis import GenerationMode

from safeguarding.api.testing import api_operations, assert_year_report_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.audits.tests.test_tables import make_2022_23
from safeguarding.core.testing import Personas, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

AUDITS = "/api/v1/audits/"
GRADES = ("GET", "/api/v1/audits/grades")


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
    assert {(op.method.upper(), op.path) for op in api_operations(AUDITS)} == {GRADES}
    answered = assert_year_report_conforms(
        AUDITS, headers=headers, mode=mode, real_years=("2022-23", "2021-22", "2000-01")
    )
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
