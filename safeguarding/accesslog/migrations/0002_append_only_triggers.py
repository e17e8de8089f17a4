"""Database triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the access log.

The SQL lives in safeguarding/accesslog/triggers.py, chosen by the connection's vendor (sqlite or
postgresql). The reverse drops them.
"""

from typing import Any

from django.db import migrations

from safeguarding.accesslog import triggers


def install_triggers(apps: Any, schema_editor: Any) -> None:
    triggers.install(schema_editor.connection)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]
