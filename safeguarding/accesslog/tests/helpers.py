"""Test helpers: tampering with the access log the way someone with database access could.

Each helper drops the trigger in raw SQL first (the triggers refuse changes otherwise), then changes the
table in raw SQL, so nothing goes through the application. Inside a test's transaction the dropped trigger
comes back when the test's transaction is rolled back (DDL is transactional on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS accesslog_accessevent_refuse_update",
        "DROP TRIGGER IF EXISTS accesslog_accessevent_refuse_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS accesslog_accessevent_refuse_update_delete ON accesslog_accessevent",
    ],
}


def drop_triggers_behind_the_applications_back() -> None:
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)


def raw_update(event_id: int, **values: Any) -> None:
    drop_triggers_behind_the_applications_back()
    # Datetimes go in as the engine stores them (SQLite: UTC text), as Django itself would write them.
    values = {
        column: connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
        for column, value in values.items()
    }
    assignments = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE accesslog_accessevent SET {assignments} WHERE id = %s",  # noqa: S608 - test-only, fixed columns
            [*values.values(), event_id],
        )
        assert cursor.rowcount == 1


def raw_delete(*event_ids: int) -> None:
    drop_triggers_behind_the_applications_back()
    with connection.cursor() as cursor:
        for event_id in event_ids:
            cursor.execute("DELETE FROM accesslog_accessevent WHERE id = %s", [event_id])
            assert cursor.rowcount == 1
