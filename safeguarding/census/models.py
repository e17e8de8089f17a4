"""What the platform keeps about each CIN census import: who ran it, on which file, how it went, and the
validation findings it raised (against the import and, where the child was loaded, against the child).

An import is recorded before its file is read and kept whatever happens, so the history shows refused
and failed imports too. The children and episodes it loads live in the children app (Origin.IMPORT).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safeguarding.children.models import IDENTIFIER_LENGTH, Child
from safeguarding.core.models import TimeStampedModel


class CensusImport(TimeStampedModel):
    """One CIN census file loaded (or refused) through `safeguarding import cin` or the upload page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"  # something went wrong while loading: nothing was kept
        REFUSED = "refused", "Refused"  # unreadable file, or errors with "strict": nothing was loaded

    class Channel(models.TextChoices):
        UPLOAD = "upload", "Upload page"
        COMMAND = "command", "Command line"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for an import run from the command line",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    file_name = models.CharField(max_length=255, help_text="The file's name as given, kept as text only")
    file_size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    # Where an uploaded file waits for the background task, in private storage; emptied once it is deleted.
    stored_name = models.CharField(max_length=255, blank=True)
    strict = models.BooleanField(default=False, help_text="Refuse the file if it has any errors")
    census_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The year the census ends: 2023 for 2022-23"
    )
    lea = models.CharField("LA code", max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # One line for a person: why the file was refused or the import failed.
    reason = models.CharField(max_length=500, blank=True)
    children = models.PositiveIntegerField(default=0, help_text="Children in the file")
    children_created = models.PositiveIntegerField(default=0)
    children_updated = models.PositiveIntegerField(default=0)
    episodes_created = models.PositiveIntegerField(default=0)
    episodes_updated = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)
    # Records the platform could not keep (no LA child ID, no valid referral or start date...).
    not_loaded = models.PositiveIntegerField(default=0)
    # Children read so far, as last written outside the import's transaction (see importer.Progress).
    progress = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="censusimport_created_idx")]

    def __str__(self) -> str:
        return f"CIN census import {self.pk} ({self.file_name})"

    @property
    def census_year_label(self) -> str:
        if self.census_year is None:
            return ""
        return f"{self.census_year - 1}-{self.census_year % 100:02d}"

    @property
    def is_unreadable(self) -> bool:
        """Refused because the file is not a readable census (a strict refusal always has errors)."""
        return self.status == self.Status.REFUSED and self.errors == 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.REFUSED}


class CensusFinding(models.Model):
    """A validation finding (a DfE rule's error or query) raised by an import, or a record it could not
    keep (type "not loaded", rule LOAD)."""

    class Type(models.TextChoices):
        ERROR = "error", "Error"
        QUERY = "query", "Query"
        NOT_LOADED = "not_loaded", "Not loaded"

    census_import = models.ForeignKey(CensusImport, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=10)
    type = models.CharField(max_length=10, choices=Type.choices)
    # The child as loaded; empty for header and whole-return findings, and for children not loaded.
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="census_findings"
    )
    la_child_id = models.CharField("LA child ID", max_length=IDENTIFIER_LENGTH, blank=True)
    element = models.CharField(max_length=60)
    message = models.TextField()
    line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["census_import", "rule", "line", "pk"]
        indexes = [
            # The import page lists findings grouped by rule, paginated.
            models.Index(fields=["census_import", "rule", "line"], name="censusfinding_import_rule_idx"),
            models.Index(fields=["census_import", "type"], name="censusfinding_import_type_idx"),
        ]

    def __str__(self) -> str:
        who = f"child {self.la_child_id}" if self.la_child_id else "the return"
        return f"{self.rule} ({self.type}) {who}: {self.element}"
