"""Two people deciding the same contact at the same moment: exactly one decision is recorded, the other person
gets a Conflict (optimistic locking on the contact's version).

Each person is a thread with its own database connection, as two web requests are. Both load the contact
(version 1), meet at a barrier, then record their decisions at once.

- PostgreSQL (DATABASE_URL set): the threads run against the test database in this process; the second
  UPDATE waits for the first's row lock, then finds the version moved on.
- SQLite: the test database is in memory, shared between threads through SQLite's shared cache, whose table
  locks fail at once instead of waiting as a real database file does. So the race runs in a child process
  against a fresh SQLite file (migrated first), where the IMMEDIATE transactions queue the writers as they
  do in production:

      SAFEGUARDING_VAR_DIR=DIR python -m safeguarding.frontdoor.tests.test_mash_race
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
BARRIER_TIMEOUT_SECONDS = 30
DECISIONS = {"first": "level_1", "second": "level_2"}


def race_two_decisions() -> dict[str, Any]:
    """Set up a contact, let two MASH practitioners decide it at once, and say what happened."""
    from django.core import mail
    from django.db import connection as thread_connection

    from safeguarding.accesslog.models import AccessEvent
    from safeguarding.core.testing import make_personas
    from safeguarding.frontdoor.models import Contact
    from safeguarding.frontdoor.services import mash as services
    from safeguarding.frontdoor.tests.test_mash_support import make_mash, school_contact

    mash = make_mash()
    contact = school_contact(make_personas())
    people = {"first": mash.practitioner, "second": mash.colleague}
    start = threading.Barrier(len(people))
    results: dict[str, str] = {}

    def decide(name: str) -> None:
        try:
            seen = Contact.objects.get(pk=contact.pk)  # the page each person loaded
            start.wait(timeout=BARRIER_TIMEOUT_SECONDS)
            services.decision_record(
                actor=people[name],
                contact=seen,
                decision=services.Decision(
                    outcome=DECISIONS[name], rationale=f"{name}'s rationale", feedback=f"{name}'s feedback"
                ),
                seen_version=seen.version,
            )
            results[name] = "decided"
        except services.Conflict:
            results[name] = "conflict"
        except Exception as exc:  # reported to the test, which fails on anything but the two outcomes
            results[name] = repr(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT_SECONDS * 2)
    decided = Contact.objects.get(pk=contact.pk)
    return {
        "results": results,
        "outcome": decided.outcome,
        "status": decided.status,
        "decided_by": "first" if decided.decided_by_id == mash.practitioner.pk else "second",
        "rationale": decided.rationale,
        "version": decided.version,
        "decision_events": AccessEvent.objects.filter(
            subject_type="frontdoor.contact", subject_id=str(contact.pk), purpose__startswith="Decided"
        ).count(),
        "feedback_emails": sum(
            1 for m in getattr(mail, "outbox", []) if m.subject.startswith("The outcome of your referral")
        ),
    }


def _race_in_a_sqlite_file(var_dir: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "SAFEGUARDING_VAR_DIR": str(var_dir),
        "SAFEGUARDING_MODE": "development",
        "SAFEGUARDING_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "safeguarding.frontdoor.tests.test_mash_race"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("RACE "))
    return dict(json.loads(line.removeprefix("RACE ")))


def _sqlite_in_memory() -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


@pytest.mark.django_db(transaction=True)
def test_two_people_deciding_at_once_record_exactly_one_decision(tmp_path: Path) -> None:
    race = _race_in_a_sqlite_file(tmp_path) if _sqlite_in_memory() else race_two_decisions()
    assert sorted(race["results"].values()) == ["conflict", "decided"], race
    winner = next(name for name, result in race["results"].items() if result == "decided")
    assert race["status"] == "decided"
    assert race["decided_by"] == winner
    assert race["outcome"] == DECISIONS[winner]
    assert race["rationale"] == f"{winner}'s rationale"
    assert race["version"] == 2  # one change, not two
    assert race["decision_events"] == 1
    assert race["feedback_emails"] == 1


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Test accounts only: the slow production hasher adds nothing to a race between decisions.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    print("RACE " + json.dumps(race_two_decisions()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
