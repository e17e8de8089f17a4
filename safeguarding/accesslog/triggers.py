"""The database triggers that make the access log append-only, on SQLite and on PostgreSQL.

The model and its queryset already refuse changes, but code can reach the table around them (raw SQL, a
database shell, another program). The triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for
anyone who has not dropped them first. Dropping a trigger needs the rights of the table's owner; the hash
chain (`safeguarding accesslog verify`) is the check that catches changes made that way.

The errors raised are integrity errors on both engines (SQLite's RAISE(ABORT) is a constraint failure;
PostgreSQL's is raised with SQLSTATE 23001 restrict_violation), so Django reports them as
django.db.utils.IntegrityError either way.

Migration 0002 installs these. If this SQL ever changes, add a migration that installs the new version:
the earlier migration imports this module, so it always runs the current SQL.
"""

from __future__ import annotations

from typing import Any

TABLE = "accesslog_accessevent"

SQLITE_UPDATE_TRIGGER = "accesslog_accessevent_refuse_update"
SQLITE_DELETE_TRIGGER = "accesslog_accessevent_refuse_delete"
POSTGRESQL_FUNCTION = "accesslog_accessevent_refuse_change"
POSTGRESQL_ROW_TRIGGER = "accesslog_accessevent_refuse_update_delete"
POSTGRESQL_TRUNCATE_TRIGGER = "accesslog_accessevent_refuse_truncate"

_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {SQLITE_UPDATE_TRIGGER} BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'The access log is append-only: UPDATE is refused');
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'The access log is append-only: DELETE is refused');
    END
    """,
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}",
    f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}",
]

# The message is built with || rather than a % format so that no driver mistakes it for a placeholder.
_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'The access log is append-only: ' || TG_OP || ' is refused',
            ERRCODE = 'restrict_violation',
            HINT = 'Access events are only ever added. See docs/access-log.md.';
    END;
    $body$
    """,
    f"DROP TRIGGER IF EXISTS {POSTGRESQL_ROW_TRIGGER} ON {TABLE}",
    f"""
    CREATE TRIGGER {POSTGRESQL_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()
    """,
    f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRUNCATE_TRIGGER} ON {TABLE}",
    f"""
    CREATE TRIGGER {POSTGRESQL_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()
    """,
]
_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {POSTGRESQL_ROW_TRIGGER} ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRUNCATE_TRIGGER} ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()",
]


def install_statements(vendor: str) -> list[str]:
    return _statements(vendor, _SQLITE_INSTALL, _POSTGRESQL_INSTALL)


def remove_statements(vendor: str) -> list[str]:
    return _statements(vendor, _SQLITE_REMOVE, _POSTGRESQL_REMOVE)


def install(connection: Any) -> None:
    """Create the triggers (idempotent) on a Django database connection."""
    _run(connection, install_statements(connection.vendor))


def remove(connection: Any) -> None:
    """Drop the triggers (idempotent). Only `flush` and a migration's reverse do this."""
    _run(connection, remove_statements(connection.vendor))


def installed(connection: Any) -> set[str]:
    """Names of the access log's triggers present in the database (for tests and operators)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected(vendor: str) -> set[str]:
    if vendor == "sqlite":
        return {SQLITE_UPDATE_TRIGGER, SQLITE_DELETE_TRIGGER}
    if vendor == "postgresql":
        return {POSTGRESQL_ROW_TRIGGER, POSTGRESQL_TRUNCATE_TRIGGER}
    return set()


def _statements(vendor: str, sqlite: list[str], postgresql: list[str]) -> list[str]:
    if vendor == "sqlite":
        return sqlite
    if vendor == "postgresql":
        return postgresql
    # Refuse quietly-unprotected deployments: the platform supports these two engines only.
    raise NotImplementedError(f"No access log triggers for the {vendor} database engine")


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            # No parameters: the SQL is fixed text, and passing none keeps drivers from parsing it.
            cursor.execute(statement)
