"""The CIN census performance goals (issue 4, section 6), on synthetic census files from `seed-cin`:

- 10,000 children: validate (and, once the import exists, import) in at most 5 s. The open-source community
  validator for the same rules takes about 75 s for a file this size on this machine; the goal is at least
  15 times faster;
- 100,000 children: at most 60 s, with peak memory at most 500 MB (streaming, not whole-file trees).

Each file is written once into a temporary directory (generator.SyntheticCensus with no errors, so every
rule runs its full course on a realistic mix of journeys), then validated in a fresh child process that
reports its wall-clock time and its peak resident memory (getrusage ru_maxrss, which includes Python and
Django themselves). The import (validation and loading together) is measured by bench_census_import.py.

    python -m benchmarks census       (through make bench)
    python -m benchmarks.bench_census this module on its own
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import result, run_child

SIZES = (10_000, 100_000)
GOAL_SECONDS = {10_000: 5.0, 100_000: 60.0}
GOAL_PEAK_MB = 500
COMMUNITY_VALIDATOR_SECONDS_10K = 75.0  # issue 4: the community validator on this machine, 10,000 children


def run() -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-census-") as directory:
        for size in SIZES:
            path = Path(directory) / f"cin-{size}.xml"
            made = run_child("benchmarks.bench_census", "--generate", str(size), str(path))
            megabytes = path.stat().st_size / 1_000_000
            written = f"written by seed-cin in {made['seconds']:.1f} s"
            lines.append(f"census file: {size:,} children, {megabytes:.0f} MB, {written}")
            checked = run_child("benchmarks.bench_census", "--validate", str(path))
            seconds = checked["seconds"]
            figure = f"{seconds:.1f} s ({checked['children']:,} children, {checked['errors']} errors)"
            if size == 10_000:
                figure += (
                    f", {COMMUNITY_VALIDATOR_SECONDS_10K / seconds:.0f}x the community validator's ~75 s"
                )
            lines.append(
                result(
                    f"validate cin, {size:,} children",
                    figure,
                    f"<= {GOAL_SECONDS[size]:g} s",
                    met=seconds <= GOAL_SECONDS[size],
                )
            )
            lines.append(
                result(
                    f"validate cin, {size:,} children, peak memory",
                    f"{checked['peak_mb']:.0f} MB",
                    f"<= {GOAL_PEAK_MB} MB",
                    met=checked["peak_mb"] <= GOAL_PEAK_MB,
                )
            )
    return lines


# --- In the child processes --------------------------------------------------------------------------------


def _generate(size: int, path: Path) -> None:
    import django

    django.setup()
    from safeguarding.census.generator import SyntheticCensus
    from safeguarding.census.writer import write_census

    started = time.perf_counter()
    census = SyntheticCensus(children=size, year_end=2023, error_rate=0.0, seed=2023)
    write_census(path, census.header, census.children())
    print(json.dumps({"seconds": time.perf_counter() - started}))


def _validate(path: Path) -> None:
    import django

    django.setup()
    from safeguarding.census.validation import validate_census

    started = time.perf_counter()
    report = validate_census(path)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "children": report.children,
                "errors": report.errors,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--generate"]:
        _generate(int(arguments[1]), Path(arguments[2]))
    elif arguments[:1] == ["--validate"]:
        _validate(Path(arguments[1]))
    else:
        for line in run():
            print(line, flush=True)
