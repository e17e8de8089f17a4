"""Shared pytest fixtures. Test support code lives in safeguarding/core/testing.py."""

from __future__ import annotations

import pytest

from safeguarding.core.testing import Personas, make_personas


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests of hashing itself assert the production setting directly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
