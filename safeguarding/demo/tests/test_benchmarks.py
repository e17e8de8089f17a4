"""The benchmark harness (`make bench`) finds every bench_*.py module and prints figures beside goals.
The benchmarks themselves are not run here: they are timings, not tests."""

from __future__ import annotations

from benchmarks import result
from benchmarks.__main__ import benchmark_names, main


def test_harness_finds_the_seed_benchmark() -> None:
    assert "seed" in benchmark_names()


def test_a_line_puts_the_figure_beside_its_goal_and_flags_a_miss() -> None:
    assert result("seed scale 1", "0.30 s", "< 10 s", met=True) == "seed scale 1: 0.30 s (goal: < 10 s)"
    assert result("seed scale 1", "12.00 s", "< 10 s", met=False).endswith("** goal missed **")


def test_asking_for_an_unknown_benchmark_fails_with_the_list() -> None:
    assert main(["no-such-thing"]) == 2
