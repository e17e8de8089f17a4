"""`python -m benchmarks` (what `make bench` runs): run every bench_*.py module and print its lines.

python -m benchmarks            every benchmark
python -m benchmarks seed       only bench_seed.py (names without the bench_ prefix)
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import benchmarks


def benchmark_names() -> list[str]:
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    wanted = argv or benchmark_names()
    unknown = sorted(set(wanted) - set(benchmark_names()))
    if unknown:
        print(f"No such benchmark: {', '.join(unknown)} (there are: {', '.join(benchmark_names())})")
        return 2
    failures = 0
    for name in wanted:
        started = time.perf_counter()
        print(f"# bench_{name}", flush=True)
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            for line in module.run():
                print(line, flush=True)
        except Exception:
            failures += 1
            print(f"bench_{name}: failed", flush=True)
            traceback.print_exc()
        print(f"# bench_{name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
