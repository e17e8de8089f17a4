from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _var_dir_in_tmp(settings: Any, tmp_path: Path) -> None:
    # The commands create VAR_DIR when it is missing; keep that out of the checkout during tests.
    settings.VAR_DIR = tmp_path / "var"
