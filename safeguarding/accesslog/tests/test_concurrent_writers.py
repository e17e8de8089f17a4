"""Two processes appending to the access log at once on a SQLite file database keep one unbroken chain.

An in-memory test database has one connection, so it cannot show how writers in separate processes (web
and task workers) share the log: this test migrates a real database file under tmp_path, runs two writer
processes against it (concurrent_writers.py), then runs `safeguarding accesslog verify` on it. It always
uses SQLite, whatever DATABASE_URL the rest of the suite runs on: the IMMEDIATE transactions that serialise
SQLite's writers are what is checked (PostgreSQL's writers take an advisory lock instead).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from safeguarding.accesslog.tests.concurrent_writers import EVENTS_PER_WRITER, WRITERS

ROOT = Path(__file__).resolve().parents[3]


def _sqlite_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SAFEGUARDING_VAR_DIR": str(var_dir),
        "SAFEGUARDING_MODE": "development",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    return env


def test_two_writer_processes_on_a_sqlite_file_keep_the_chain_whole(tmp_path: Path) -> None:
    env = _sqlite_env(tmp_path)
    writers = subprocess.run(
        [sys.executable, "-m", "safeguarding.accesslog.tests.concurrent_writers"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert writers.returncode == 0, writers.stdout + writers.stderr
    assert f"writers {WRITERS} failed 0" in writers.stdout
    switches = re.search(r"^switches (\d+)$", writers.stdout, re.MULTILINE)
    assert switches is not None, writers.stdout
    # More than one hand-over between the writers' events shows they really wrote at the same time.
    assert int(switches.group(1)) > 1, writers.stdout
    assert (tmp_path / "safeguarding.sqlite3").exists()

    # `safeguarding accesslog verify`: the console script runs safeguarding.core.cli's main, as this does.
    verify = subprocess.run(
        [sys.executable, "-m", "safeguarding.core.cli", "accesslog", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    checked = re.fullmatch(r"ok (\d+) events\n", verify.stdout)
    assert checked is not None, verify.stdout
    assert int(checked.group(1)) >= WRITERS * EVENTS_PER_WRITER
