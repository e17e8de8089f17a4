"""Import -> export -> validate gives the same children, episodes and findings as the file imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding.census.generator import ERROR_CATALOGUE
from safeguarding.census.reader import open_census
from safeguarding.census.tests.test_import_support import (
    finding_keys,
    run_command,
    synthetic_file,
    validate_json,
)

pytestmark = pytest.mark.django_db

# Header lines the export writes afresh (who wrote the file, when).
_HEADER_STAMPS = ("<SoftwareCode>", "<Release>", "<SerialNo>", "<DateTime>")


def _episodes(path: Path) -> dict[str, list[tuple[str | None, str | None]]]:
    with open_census(path) as census:
        return {
            child.la_child_id or "": [(e.referral_date, e.closure_date) for e in child.cin_details]
            for child in census.children()
        }


def _body(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.strip().startswith(_HEADER_STAMPS)]


@pytest.mark.parametrize("year", ["2022-23", "2024-25"])
def test_import_export_validate_gives_the_same_children_episodes_and_findings(
    tmp_path: Path, year: str
) -> None:
    year_end = 2000 + int(year[-2:])
    original, exported = tmp_path / "original.xml", tmp_path / "exported.xml"
    census = synthetic_file(original, children=200, error_rate=0.3, year_end=year_end, seed=13)
    # The file carries every kind of deliberate error the generator knows.
    assert set(census.injected.values()) == set(ERROR_CATALOGUE)
    before = validate_json(original)
    assert before["errors"] > 0

    assert run_command("import", "cin", str(original))[0] == 0
    status, _, _ = run_command("export", "cin", "--year", year, "--out", str(exported), "--lea", "335")
    after = validate_json(exported)

    assert status == 0
    assert finding_keys(after) == finding_keys(before)
    assert (after["children"], after["errors"], after["queries"]) == (
        before["children"],
        before["errors"],
        before["queries"],
    )
    assert _episodes(exported) == _episodes(original)
    # Beyond the header's stamps, the file written is the file read.
    assert _body(exported) == _body(original)


def test_a_second_import_of_the_exported_file_changes_nothing(tmp_path: Path) -> None:
    original, exported = tmp_path / "original.xml", tmp_path / "exported.xml"
    synthetic_file(original, children=60, error_rate=0.2)
    run_command("import", "cin", str(original))
    run_command("export", "cin", "--year", "2022-23", "--out", str(exported), "--lea", "335")

    status, out, _ = run_command("import", "cin", str(exported))

    assert status == 0
    assert "Children: 60 (0 new, 60 already known)" in out
    assert "Episodes: 0 created" in out
