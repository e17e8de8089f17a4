"""The CIN census import's performance goals (issue 4, section 6):

- 10,000 children: validate and import in at most 5 s;
- 100,000 children: at most 60 s, with peak memory at most 500 MB (the import streams);
- both on SQLite and on PostgreSQL.

The files are synthetic (census/generator.py, 2% of children with a deliberate error, so findings are
written too), made once in a temporary folder. Each import runs in a fresh process on an empty, freshly
migrated database, with DEBUG off as in production, and is timed from opening the file to the commit
(importer.census_import_run: validation, loading, findings, history rows). Peak memory is the process's
maximum resident set size, so it includes Django itself.

SQLite always runs (a temporary database). PostgreSQL runs when DATABASE_URL names a PostgreSQL server:
a database "safeguarding_bench_census_<pid>" is created on it for the run and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import (
    django_setup_with_fresh_database,
    fresh_postgresql_database,
    result,
    run_child,
)

SIZES = (10_000, 100_000)
ERROR_RATE = 0.02
GOAL_SECONDS = {10_000: 5.0, 100_000: 60.0}
GOAL_PEAK_MB = 500
MODULE = "benchmarks.bench_census_import"
CHILD_ENV = {"SAFEGUARDING_DEBUG": "false"}


def run() -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-census-") as folder:
        files = {size: Path(folder) / f"cin-{size}.xml" for size in SIZES}
        for size, path in files.items():
            run_child(MODULE, "--generate", str(size), str(path), env=CHILD_ENV)
        engines = [("SQLite", lambda path: run_child(MODULE, "--import", str(path), env=CHILD_ENV))]
        server = os.environ.get("DATABASE_URL", "")
        if server.startswith(("postgres://", "postgresql://")):
            engines.append(("PostgreSQL", lambda path: _on_fresh_postgresql(server, path)))
        for engine, measure in engines:
            for size, path in files.items():
                measured = measure(path)
                lines.extend(_lines(engine, size, measured))
    return lines


def _lines(engine: str, size: int, measured: dict[str, Any]) -> list[str]:
    what = f"validate and import {size:,} children ({engine}, {measured['errors']:,} errors found)"
    lines = [
        result(
            what,
            f"{measured['seconds']:.1f} s",
            f"<= {GOAL_SECONDS[size]:g} s",
            met=measured["seconds"] <= GOAL_SECONDS[size],
        )
    ]
    if size == max(SIZES):
        lines.append(
            result(
                f"peak memory importing {size:,} children ({engine})",
                f"{measured['peak_mb']:.0f} MB",
                f"<= {GOAL_PEAK_MB} MB",
                met=measured["peak_mb"] <= GOAL_PEAK_MB,
            )
        )
    return lines


def _on_fresh_postgresql(server: str, path: Path) -> dict[str, Any]:
    """Run the import in a child process on a database created for it on the server, then dropped."""
    with fresh_postgresql_database(server, "safeguarding_bench_census") as url:
        return run_child(MODULE, "--import", str(path), env=CHILD_ENV, database_url=url)


def _generate(size: int, path: Path) -> None:
    import django

    django.setup()
    from safeguarding.census.generator import SyntheticCensus
    from safeguarding.census.writer import write_census

    census = SyntheticCensus(children=size, year_end=2023, error_rate=ERROR_RATE, seed=4)
    write_census(path, census.header, census.children())
    print(json.dumps({"children": size}))


def _import(path: Path) -> None:
    django_setup_with_fresh_database()
    from safeguarding.census.importer import census_import_create, census_import_run
    from safeguarding.census.models import CensusImport

    census_import = census_import_create(
        actor=None,
        channel=CensusImport.Channel.COMMAND,
        file_name=path.name,
        sha256="0" * 64,
        file_size=path.stat().st_size,
    )
    started = time.perf_counter()
    census_import_run(census_import=census_import, source=path)
    seconds = time.perf_counter() - started
    if census_import.status != CensusImport.Status.DONE:
        raise RuntimeError(f"the import ended {census_import.status}: {census_import.reason}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kb / 1024,
                "children": census_import.children,
                "errors": census_import.errors,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        _generate(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:2] == ["--import"]:
        _import(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python -m benchmarks.bench_census_import --generate N FILE | --import FILE")
