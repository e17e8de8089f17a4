"""Two processes appending to the access log at once, on a SQLite file database (test_concurrent_writers.py).

    SAFEGUARDING_VAR_DIR=DIR python -m safeguarding.accesslog.tests.concurrent_writers [EVENTS_PER_WRITER]

Migrates a fresh database under DIR, then starts WRITERS writer processes that wait for each other and then
each append EVENTS_PER_WRITER events (default 50) through access_event_record. Prints, for the test to read,
`writers N failed` and `switches N`: how many times, in id order, the log passes from one writer's events to
the other's (more than 1 shows the writers really ran at the same time). Exits 1 if a writer failed.

Separate processes, not threads: each has its own connection to the database file, as web and task workers
do, and SQLite's locking between them is what is being checked.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import time
from multiprocessing.synchronize import Barrier

WRITERS = 2
EVENTS_PER_WRITER = 50
WRITER_TIMEOUT_SECONDS = 60
PAUSE_BETWEEN_EVENTS_SECONDS = 0.002


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def write_events(writer: int, count: int, start: Barrier) -> None:
    _django_setup()
    from safeguarding.accesslog.models import AccessEvent
    from safeguarding.accesslog.services import access_event_record

    # Open the connection before the start line, so both writers begin appending at the same moment.
    AccessEvent.objects.exists()
    start.wait(timeout=WRITER_TIMEOUT_SECONDS)
    for number in range(count):
        access_event_record(
            actor=None,
            action=AccessEvent.Action.SIGN_IN_FAILED,
            actor_email=f"writer{writer}@example.org",
            details={"writer": writer, "number": number},
        )
        # A moment between events, as a web or task worker does other work between them: a writer that
        # re-took the lock at once would keep the other waiting in SQLite's busy handler, and the two would
        # write one after the other rather than in turns.
        time.sleep(PAUSE_BETWEEN_EVENTS_SECONDS)


def _switches() -> int:
    from safeguarding.accesslog.models import AccessEvent

    writers = list(AccessEvent.objects.order_by("id").values_list("actor_email", flat=True))
    return sum(1 for before, after in itertools.pairwise(writers) if before != after)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else EVENTS_PER_WRITER
    _django_setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    writers = [context.Process(target=write_events, args=(n, count, start)) for n in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=WRITER_TIMEOUT_SECONDS)
    failed = [process for process in writers if process.exitcode != 0]
    for process in failed:
        process.kill()
    print(f"writers {len(writers)} failed {len(failed)}")
    print(f"switches {_switches()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
