"""How long `safeguarding seed` takes to generate the demo partnership, at scale 1 and scale 5.

Each scale is seeded into a fresh SQLite database in a temporary directory, in a child process; the time
is the seed alone (not Python start-up or migrations).
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks import django_setup_with_fresh_database, result, run_child

# (scale, goal in seconds): a newcomer's `make demo` seeds scale 1 and should not wait for it.
# The seed includes a year and a half of front door contacts (about 21,000 at scale 1).
GOALS = ((1, 60.0), (5, 300.0))


def run() -> list[str]:
    lines = []
    for scale, goal_seconds in GOALS:
        measured = run_child("benchmarks.bench_seed", "--child", str(scale))
        seconds, counts = measured["seconds"], measured["counts"]
        size = f"{counts['relevant agencies']} relevant agencies, {counts['people']} people"
        lines.append(
            result(
                f"seed scale {scale} ({size})",
                f"{seconds:.2f} s",
                f"< {goal_seconds:g} s",
                met=seconds < goal_seconds,
            )
        )
    return lines


def _child(scale: int) -> None:
    django_setup_with_fresh_database()
    from safeguarding.demo.services import demo_partnership_seed

    started = time.perf_counter()
    summary = demo_partnership_seed(scale=scale)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "counts": summary.counts}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(int(sys.argv[2]))
    else:
        print("\n".join(run()))
