"""Writing events: values from outside the platform are stored on both engines without breaking the chain."""

from __future__ import annotations

import pytest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import access_log_verify
from safeguarding.accesslog.services import access_event_record

pytestmark = pytest.mark.django_db


def test_values_from_outside_with_nul_or_broken_unicode_are_stored_and_chain_verifies() -> None:
    """PostgreSQL refuses NUL and unpaired surrogates; the row must still be written, readably."""
    event = access_event_record(
        actor=None,
        action=AccessEvent.Action.SIGN_IN_FAILED,
        actor_email="bad\x00@example.org",
        subject_label="label \ud800 end",
        details={"query": "q=\x00\udfff", "nested": ["\x00"]},
    )
    stored = AccessEvent.objects.get(pk=event.pk)
    assert "\x00" not in stored.actor_email
    assert stored.details["query"].startswith("q=")
    assert "\x00" not in stored.details["nested"][0]
    assert access_log_verify().ok
