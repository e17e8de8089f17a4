"""Property tests of the action tracker's endpoints against the API's own OpenAPI description (schemathesis):
never a server error, and every answer matches what the description promises, for the agency lead who owns
actions, a referrer who may only read them, another agency's lead and the business unit.

As in the front door's test, the writes have rules a JSON schema cannot state (an evidence file is checked
by its content; no text may hold NUL): they carry `x-rules-beyond-schema`, schemathesis' "schema-valid data
is accepted" check is left out there, and a stricter one replaces it: a 422 for schema-valid data must come
from those rules only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from schemathesis import GenerationMode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.actions.tests.support import PDF_BYTES, make_action
from safeguarding.api.testing import api_operations, assert_conforms
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas, use_private_storage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keep_the_test_connection")]

ACTIONS = "/api/v1/actions"
UPDATES = ("POST", "/api/v1/actions/{reference}/updates")
EVIDENCE = ("POST", "/api/v1/actions/{reference}/evidence")
OWNER = ("POST", "/api/v1/actions/{reference}/owner")
EXAMPLES_PER_OPERATION = 30
# The errors of the rules a JSON schema can't state: the file's content, who may own, NUL in text.
RULES_BEYOND_THE_SCHEMA = frozenset({"value_error"})
VALID_EVIDENCE: dict[str, Any] = {"file": PDF_BYTES, "description": "Training register"}


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("persona", ["a_worker", "a_readonly", "b_worker", "bu_officer"])
def test_action_api_conforms_to_its_description(
    personas: Personas, mode: GenerationMode, persona: str
) -> None:
    _, secret = token_for(getattr(personas, persona))
    headers = {"Authorization": f"Bearer {secret}"}
    action = make_action(personas.agency_a, personas.bu_officer)
    operations = api_operations(ACTIONS)
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("GET", ACTIONS),
        ("GET", "/api/v1/actions/{reference}"),
        UPDATES,
        EVIDENCE,
        OWNER,
    }
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=mode)
        if "{reference}" in operation.path:
            # Random references only ever find nothing; mix in a real one (agency A's).
            strategy |= operation.as_strategy(
                generation_mode=mode, path_parameters={"reference": action.reference}
            )
        if (operation.method.upper(), operation.path) == EVIDENCE and mode == GenerationMode.POSITIVE:
            # Random bytes are never a PDF; mix in a real file for the real action.
            strategy |= operation.as_strategy(
                generation_mode=mode, path_parameters={"reference": action.reference}, body=VALID_EVIDENCE
            )
        if (operation.method.upper(), operation.path) == OWNER and mode == GenerationMode.POSITIVE:
            # A random address is no one's; mix in one of agency A's people.
            strategy |= operation.as_strategy(
                generation_mode=mode,
                path_parameters={"reference": action.reference},
                body={"owner_person": personas.a_worker.email},
            )

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
    statuses = {(method, status) for method, _, status in answered}
    own = f"{ACTIONS}/{action.reference}"
    if mode == GenerationMode.POSITIVE and persona in {"a_worker", "bu_officer"}:
        # The cases reached past the checks to real answers: reads, updates and evidence accepted.
        assert ("GET", own, 200) in answered and ("GET", ACTIONS, 200) in answered
        assert ("POST", f"{own}/updates", 201) in answered
        assert ("POST", f"{own}/evidence", 201) in answered
        assert ("POST", f"{own}/owner", 200) in answered
    if persona == "a_readonly":
        # A referrer reads its agency's actions but may write nothing: refused before the body is read.
        assert {status for method, status in statuses if method == "POST"} == {403}
    if persona == "b_worker":
        # Agency A's action is as good as missing to agency B's lead, whatever is sent.
        assert not [row for row in answered if row[1].startswith(own) and row[2] not in {404}]
