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
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent


def result(measure: str, figure: str, goal: str, *, met: bool | None = None) -> str:
    """One benchmark line: the figure beside its goal, flagged when the goal is missed."""
    line = f"{measure}: {figure} (goal: {goal})"
    return line if met is None or met else f"{line}  ** goal missed **"


def run_child(
    module: str, *args: str, env: dict[str, str] | None = None, database_url: str | None = None
) -> dict[str, Any]:
    """Run `python -m module args...` in a fresh SQLite database under a temporary directory (or in the
    database at `database_url`) and return the JSON object it prints on its last line of output.

    The child gets development mode, its own SAFEGUARDING_VAR_DIR and only the DATABASE_URL given, so
    nothing it does touches the demo database or another PostgreSQL database.
    """
    with tempfile.TemporaryDirectory(prefix="safeguarding-bench-") as var_dir:
        child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if database_url is not None:
            child_env["DATABASE_URL"] = database_url
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


@contextmanager
def fresh_postgresql_database(server: str, prefix: str) -> Iterator[str]:
    """The URL of a database created on the PostgreSQL `server` (a URL) for one child, dropped afterwards
    whatever happened."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{next(_databases)}"
    admin_url = with_database(server, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_databases = count(1)


def with_database(url: str, name: str) -> str:
    """The same server URL naming another database."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def django_setup_with_fresh_database() -> None:
    """In a child process: set Django up and migrate its (empty, temporary) database."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
