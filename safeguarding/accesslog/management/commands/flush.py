"""Django's `flush`, able to empty the access log: the append-only triggers would otherwise refuse it.

`flush` erases every table. The test suite runs it after each test that commits (browser tests, anything
marked transaction=True), and without this the access log's triggers would stop it. The triggers are lifted
and restored inside one transaction, so no other connection ever sees the table unprotected.

Refused in production: erasing the access log there is not something a command should make easy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from safeguarding.accesslog import triggers


class Command(flush.Command):
    help = (
        f"{flush.Command.help} Lifts the access log's append-only triggers for the flush; refused in "
        "production."
    )

    def handle(self, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("flush would erase the access log, and is refused in production mode.")
        database = options["database"]
        connection = connections[database]
        with transaction.atomic(using=database):
            triggers.remove(connection)
            super().handle(**options)
            triggers.install(connection)
