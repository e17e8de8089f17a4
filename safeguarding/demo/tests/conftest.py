from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _private_files_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # The seed stores evidence files (case review actions) in the default storage, whose location was fixed
    # from VAR_DIR when the settings loaded. Module-scoped seeds run before any function-scoped `settings`
    # fixture, so the storage is moved for the whole session here, keeping the files out of the checkout.
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("private-files"))},
    }
    with override_settings(STORAGES={**django_settings.STORAGES, "default": storage}):
        yield


@pytest.fixture(autouse=True)
def _var_dir_in_tmp(settings: Any, tmp_path: Path) -> None:
    # The commands create VAR_DIR when it is missing; keep that out of the checkout during tests.
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _small_front_door(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real front door step writes 14,000 contacts a year at scale 1: far more than these tests need.
    from safeguarding.demo.steps import frontdoor

    monkeypatch.setattr(frontdoor, "CONTACTS_PER_YEAR", 200)
