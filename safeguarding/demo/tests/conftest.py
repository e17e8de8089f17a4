from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _var_dir_in_tmp(settings: Any, tmp_path: Path) -> None:
    # The commands create VAR_DIR when it is missing; keep that out of the checkout during tests.
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _small_front_door(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real front door step writes 14,000 contacts a year at scale 1: far more than these tests need.
    from safeguarding.demo.steps import frontdoor

    monkeypatch.setattr(frontdoor, "CONTACTS_PER_YEAR", 200)
