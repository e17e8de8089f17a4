"""`safeguarding import cin FILE [--strict]`: validate a CIN census file and load it into the children's
journeys, all or nothing (census/importer.py), keeping its findings; then print a summary.

Exit status: 0 when the file was imported (with or without findings), 1 when it was refused under --strict
for having errors, 2 when it cannot be read as a CIN census at all (the reader's one-line reason on standard
error). An import that fails while loading leaves the database as it was and reports the error.

The first argument names the kind of file, so other national formats (Ofsted Annex A) can join later.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.census.importer import census_import_create, census_import_run, summary_lines
from safeguarding.census.models import CensusImport

EXIT_IMPORTED = 0
EXIT_REFUSED = 1
EXIT_UNREADABLE = 2


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Load a national data file into the platform: `import cin FILE [--strict]`."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        cin = kinds.add_parser(
            "cin",
            help="A DfE children in need census XML file.",
            description="Validate a CIN census XML file and load its children and episodes.",
        )
        cin.add_argument("file", type=Path, help="The census XML file.")
        cin.add_argument(
            "--strict", action="store_true", help="Refuse the file (load nothing) if it has any errors."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        importers: dict[str, Callable[[dict[str, Any]], int]] = {"cin": self.import_cin}
        status = importers[options["kind"]](options)
        if status != EXIT_IMPORTED:
            raise SystemExit(status)

    def import_cin(self, options: dict[str, Any]) -> int:
        path: Path = options["file"]
        try:
            sha256 = file_sha256(path)
            size = path.stat().st_size
        except OSError as exc:
            self.stderr.write(f"{path}: not a readable CIN census: cannot open {path.name}: {exc.strerror}")
            return EXIT_UNREADABLE
        started = time.perf_counter()
        census_import = census_import_create(
            actor=None,
            channel=CensusImport.Channel.COMMAND,
            file_name=path.name,
            sha256=sha256,
            file_size=size,
            strict=options["strict"],
        )
        try:
            census_import_run(census_import=census_import, source=path)
        except Exception as exc:
            raise CommandError(
                f"{path}: the import failed and nothing was loaded (import {census_import.pk}): {exc}"
            ) from exc
        seconds = time.perf_counter() - started
        if census_import.is_unreadable:
            self.stderr.write(f"{path}: not a readable CIN census: {census_import.reason}")
            return EXIT_UNREADABLE
        self.stdout.write("\n".join(summary_lines(census_import, seconds)))
        return EXIT_REFUSED if census_import.status == CensusImport.Status.REFUSED else EXIT_IMPORTED
