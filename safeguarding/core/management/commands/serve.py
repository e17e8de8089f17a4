"""`safeguarding serve`: run the platform with gunicorn in the foreground.

Static files are served by whitenoise from the same processes (from the finders outside production, from
STATIC_ROOT after `collectstatic` in production). In production, put a TLS-terminating proxy in front and
keep --host at 127.0.0.1 unless the proxy is on another machine (docs/operations.md).

Background tasks (a census upload's import, for example) are run by django-tasks' database worker. `serve`
starts one beside gunicorn and stops it with gunicorn; `--no-worker` leaves it out, for a deployment that runs
`safeguarding db_worker` as its own service.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication


class _GunicornServer(BaseApplication):
    """Gunicorn configured from a dict rather than its own command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        from config.wsgi import application

        return application


def bind_address(host: str, port: int) -> str:
    # An IPv6 address needs brackets before the port.
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (in the foreground) on http://HOST:PORT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=2, help="Worker processes (default 2).")
        parser.add_argument("--timeout", type=int, default=60, help="Seconds before a stuck worker restarts.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background task worker (run `safeguarding db_worker` separately).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port, workers = options["host"], options["port"], options["workers"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be from 1 to 65535, not {port}")
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}")
        # The SQLite database and whitenoise's STATIC_ROOT live under VAR_DIR.
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        # Workers are forked from this process: none may inherit an open database connection.
        connections.close_all()
        display_host = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"Serving on http://{display_host}:{port}/ ({settings.MODE} mode); Ctrl+C stops it."
        )
        self.stdout.flush()
        task_worker = None if options["no_worker"] else _task_worker_start()
        _GunicornServer(
            {
                "bind": [bind_address(host, port)],
                "workers": workers,
                "timeout": options["timeout"],
                "graceful_timeout": 10,
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "safeguarding",
                # Stop the task worker with the server, whatever stops the server.
                "on_exit": lambda _server: _task_worker_stop(task_worker),
            }
        ).run()


def _task_worker_start() -> subprocess.Popen[bytes]:
    """django-tasks' database worker in its own process, with this process's settings and environment."""
    return subprocess.Popen([sys.executable, "-m", "safeguarding.core.cli", "db_worker"])


def _task_worker_stop(worker: subprocess.Popen[bytes] | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
