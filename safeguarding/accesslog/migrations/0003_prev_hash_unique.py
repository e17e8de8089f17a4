"""A unique prev_hash: each event has at most one successor, so a fork of the chain can never be committed.

Only the first event's prev_hash is the chain's start (64 zeros), so the chain as written already obeys it.

On SQLite, adding (or removing) this constraint rebuilds the table, and the append-only triggers go with the
old copy: they are installed again after the change, and again after the reverse.
"""

from typing import Any

from django.db import migrations, models

from safeguarding.accesslog import triggers


def install_triggers(apps: Any, schema_editor: Any) -> None:
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0002_append_only_triggers"),
    ]

    operations = [
        # Runs only on the way back, after the reverse of AddConstraint has rebuilt the table.
        migrations.RunPython(migrations.RunPython.noop, install_triggers, elidable=False),
        migrations.AddConstraint(
            model_name="accessevent",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="accessevent_prev_hash_unique"),
        ),
        migrations.RunPython(install_triggers, migrations.RunPython.noop, elidable=False),
    ]
