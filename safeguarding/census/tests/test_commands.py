"""`safeguarding validate cin FILE [--json]` (exit 0, 1 or 2) and `safeguarding seed-cin`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from safeguarding.census.tests import census_xml

BILLION_LAUGHS = '<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY a "aaaa">]>\n<Message>&a;</Message>\n'


def _validate(*args: str) -> tuple[int, str, str]:
    """Run `validate` through call_command: (exit status, standard output, standard error)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("validate", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _seed(tmp_path: Path, name: str, *args: str) -> Path:
    path = tmp_path / name
    call_command("seed_cin", "--children", "300", "--out", str(path), *args, stdout=StringIO())
    return path


def test_a_file_without_errors_exits_0_and_prints_the_json(tmp_path: Path) -> None:
    path = _seed(tmp_path, "clean.xml", "--seed", "4")
    status, out, err = _validate("cin", str(path), "--json")
    assert (status, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    assert (data["children"], data["errors"], data["year"]) == (300, 0, "2022-23")
    assert data["queries"] == len(data["findings"])  # only queries, if any, about the return as a whole


def test_queries_alone_still_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "small.xml"
    path.write_text(census_xml(children=1), encoding="utf-8")  # one disability code in the return: 2887Q
    status, out, _ = _validate("cin", str(path), "--json")
    data = json.loads(out)
    assert status == 0
    assert (data["errors"], data["queries"]) == (0, 1)
    assert data["findings"][0]["rule"] == "2887Q" and data["findings"][0]["type"] == "query"


def test_a_file_with_errors_exits_1_and_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "errors.xml"
    path.write_text(census_xml(children=2, ethnicity="ZZZZ"), encoding="utf-8")
    status, out, _ = _validate("cin", str(path), "--json")
    assert status == 1
    data = json.loads(out)
    assert data["errors"] == 2
    ethnicity = [finding for finding in data["findings"] if finding["rule"] == "4220"]
    assert [(f["type"], f["child"], f["element"]) for f in ethnicity] == [
        ("error", "WS000001", "Ethnicity"),
        ("error", "WS000002", "Ethnicity"),
    ]
    assert ethnicity[0]["message"] == "Ethnicity is missing or invalid (see Ethnicity table)"


def test_the_readable_summary_groups_findings_by_rule(tmp_path: Path) -> None:
    path = tmp_path / "errors.xml"
    path.write_text(census_xml(children=12, ethnicity="ZZZZ"), encoding="utf-8")
    status, out, _ = _validate("cin", str(path))
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}: CIN census 2022-23, 12 children"
    assert lines[1] == "12 errors, 1 query"
    heading = lines.index("4220 (error, 12): Ethnicity is missing or invalid (see Ethnicity table)")
    assert lines[heading + 1].startswith("  child WS000001: Ethnicity, line ")
    assert lines[heading + 11] == "  ... and 2 more"
    assert any(line.startswith("2887Q (query, 1): ") for line in lines[heading:])
    assert "  the return: Disability" in lines


def test_a_clean_summary_says_so(tmp_path: Path) -> None:
    path = _seed(tmp_path, "clean.xml", "--children", "1000")
    status, out, _ = _validate("cin", str(path))
    assert status == 0
    assert out.splitlines()[1:] == [
        "0 errors, 0 queries",
        "No findings: the file passes every rule for its year.",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (BILLION_LAUGHS, "line 2, element <!DOCTYPE Message>: the file has a document type declaration"),
        ("<Workbook/>", "line 1, element <Workbook>: expected <Message> as the root element of a CIN census"),
        (census_xml()[:300], "(truncated)"),
    ],
)
def test_an_unreadable_file_exits_2_with_the_reason_on_one_line(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(content, encoding="utf-8")
    status, out, err = _validate("cin", str(path), "--json")
    assert (status, out) == (2, "")
    assert err.startswith(f"{path}: not a readable CIN census: ")
    assert reason in err and err.count("\n") == 1


def test_a_kind_other_than_cin_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'annexb'"):
        call_command("validate", "annexb", "file.xml")


def test_seed_cin_writes_the_file_and_says_what_errors_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "seeded.xml"
    out = StringIO()
    call_command(
        "seed_cin",
        "--children",
        "200",
        "--out",
        str(path),
        "--error-rate",
        "0.1",
        "--year",
        "2024-25",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Wrote {path}: 200 children, CIN census 2024-25, in ")
    assert lines[1] == "20 children have one deliberate error:"
    assert sum(int(line.split(": ")[1].split(" ")[0]) for line in lines[2:]) == 20
    status, json_out, _ = _validate("cin", str(path), "--json")
    assert status == 1 and json.loads(json_out)["year"] == "2024-25"
    assert "<Sex>" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2016"), "from 2017-18 on"),
        (("--year", "last year"), "is not a census year"),
        (("--error-rate", "2"), "between 0 and 1"),
    ],
)
def test_seed_cin_refuses_bad_options(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "seed_cin", "--children", "5", "--out", str(tmp_path / "x.xml"), *args, stdout=StringIO()
        )
    assert not (tmp_path / "x.xml").exists()


def test_seed_cin_refuses_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no directory"):
        call_command("seed_cin", "--children", "5", "--out", str(tmp_path / "nowhere" / "x.xml"))


# --- Through the real command line ------------------------------------------------------------------------


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAFEGUARDING_VAR_DIR": str(tmp_path), "SAFEGUARDING_MODE": "development"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own console script, arguments from the test
        [str(Path(sys.executable).parent / "safeguarding"), *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_safeguarding_command_seeds_and_validates_with_the_documented_exit_codes(tmp_path: Path) -> None:
    seeded = tmp_path / "seeded.xml"
    made = _cli(tmp_path, "seed-cin", "--children", "200", "--out", str(seeded), "--error-rate", "0.05")
    assert made.returncode == 0, made.stderr

    with_errors = _cli(tmp_path, "validate", "cin", str(seeded), "--json")
    assert with_errors.returncode == 1, with_errors.stderr
    data = json.loads(with_errors.stdout)
    assert data["children"] == 200 and data["errors"] >= 10

    bad = tmp_path / "bad.xml"
    bad.write_text(BILLION_LAUGHS, encoding="utf-8")
    unreadable = _cli(tmp_path, "validate", "cin", str(bad), "--json")
    assert (unreadable.returncode, unreadable.stdout) == (2, "")
    assert unreadable.stderr.strip().endswith(
        "census files never need one, and DTDs and entities are refused so "
        "entity expansion and external entities cannot be used"
    )

    clean = tmp_path / "clean.xml"
    assert _cli(tmp_path, "seed-cin", "--children", "200", "--out", str(clean)).returncode == 0
    passed = _cli(tmp_path, "validate", "cin", str(clean), "--json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
