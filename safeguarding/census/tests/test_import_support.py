"""Helpers shared by the import, export, round-trip and upload tests (no tests here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from safeguarding.census.generator import SyntheticCensus
from safeguarding.census.records import ChildRecord, Header
from safeguarding.census.writer import write_census


def synthetic_file(
    path: Path, *, children: int, error_rate: float = 0.0, seed: int = 7, year_end: int = 2023
) -> SyntheticCensus:
    """Write a synthetic census (made-up children) to `path`; returns the generator (its .injected)."""
    census = SyntheticCensus(children=children, year_end=year_end, error_rate=error_rate, seed=seed)
    write_census(path, census.header, census.children())
    return census


def edited_file(
    path: Path,
    *,
    children: int,
    edit: Callable[[ChildRecord], ChildRecord | None],
    seed: int = 7,
    year_end: int = 2023,
) -> list[ChildRecord]:
    """A synthetic census with each child passed through `edit` (None leaves the child out)."""
    census = SyntheticCensus(children=children, year_end=year_end, seed=seed)
    kept = [edited for child in census.children() if (edited := edit(child)) is not None]
    write_census(path, census.header, kept)
    return kept


def header(year_end: int = 2023) -> Header:
    return SyntheticCensus(children=0, year_end=year_end).header


def run_command(*args: str) -> tuple[int, str, str]:
    """Run a management command; (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def validate_json(path: Path) -> dict[str, Any]:
    status, out, err = run_command("validate", "cin", str(path), "--json")
    assert status in (0, 1), err
    loaded: dict[str, Any] = json.loads(out)
    return loaded


def finding_keys(report: dict[str, Any]) -> set[tuple[str, str | None, str]]:
    return {(f["rule"], f["child"], f["element"]) for f in report["findings"]}
