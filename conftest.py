"""Shared pytest fixtures. Test support code lives in safeguarding/core/testing.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections

from safeguarding.core.testing import Personas, make_personas


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests of hashing itself assert the production setting directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Stop Django closing the database connection around each in-process WSGI request (the API's property
    tests, safeguarding.api.testing).

    A real server closes old connections when a request starts and finishes; inside a test transaction
    that would close the very connection holding the test's data (PostgreSQL notices; SQLite's in-memory
    database ignores it). django.test.Client does the same disconnection for its own requests.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
