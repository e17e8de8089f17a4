"""Reproducible benchmarks for the performance goals in the issues, run by `make bench`.

Each module named bench_*.py in this package has a `run()` returning lines of the form

    measure: figure (goal: ...)

and `python -m benchmarks` prints them all. Benchmarks make their own data (in a temporary directory,
never the demo's var/) so they run the same from a fresh clone after `make install`. Use `result()` to
format a line and `run_child()` to time work in a fresh process with its own database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


def result(measure: str, figure: str, goal: str, *, met: bool | None = None) -> str:
    """One benchmark line: the figure beside its goal, flagged when the goal is missed."""
    line = f"{measure}: {figure} (goal: {goal})"
    return line if met is None or met else f"{line}  ** goal missed **"


def run_child(module: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `python -m module args...` in a fresh SQLite database under a temporary directory and return
    the JSON object it prints on its last line of output.

    The child gets development mode, its own SAFEGUARDING_VAR_DIR and no DATABASE_URL, so nothing it
    does touches the demo database or a PostgreSQL server.
    """
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-") as var_dir:
        child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        child_env.update(
            {
                "SAFEGUARDING_MODE": "development",
                "SAFEGUARDING_VAR_DIR": var_dir,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "SAFEGUARDING_LOG_LEVEL": "WARNING",
            }
        )
        child_env.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=PROJECT_DIR,
            env=child_env,
            capture_output=True,
            text=True,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{completed.stderr.strip()}")
    last_line = completed.stdout.strip().splitlines()[-1]
    loaded: dict[str, Any] = json.loads(last_line)
    return loaded


def django_setup_with_fresh_database() -> None:
    """In a child process: set Django up and migrate its (empty, temporary) database."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
