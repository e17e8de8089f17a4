"""One Action model for the whole partnership: review recommendations now, audits, self-assessments,
meetings and priorities later (issue 6, section 4).

An action belongs to one owner agency (AGENCY-scoped grants reach it through `owner_agency_id`). Partner
agencies write progress updates and attach evidence; the business unit reviews the evidence, closes the
action and records how its impact was assured. Writes go through safeguarding.actions.services only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency

# The learning themes the Practice Review Group tags recommendations and actions with (issue 6 section 4;
# seed 003 "Learning from case reviews"). Stored as codes in Action.themes.
THEMES: dict[str, str] = {
    "professional_curiosity": "Professional curiosity",
    "information_sharing": "Information sharing",
    "think_family": "Think family",
    "neglect": "Neglect",
    "non_mobile_injuries": "Injuries in non-mobile babies",
    "working_with_fathers": "Working with fathers",
    "other": "Other",
}


class Action(models.Model):
    class SourceKind(models.TextChoices):
        REVIEW_RECOMMENDATION = "review_recommendation", "Case review recommendation"
        AUDIT = "audit", "Multi-agency audit"
        SELF_ASSESSMENT = "self_assessment", "Self-assessment (Section 11 or Section 175)"
        MEETING = "meeting", "Meeting"
        PRIORITY = "priority", "Partnership priority"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        NOT_ACHIEVABLE = "not_achievable", "Not achievable"
        SUPERSEDED = "superseded", "Superseded"

    class ImpactApproach(models.TextChoices):
        # The partnership's five ways of assuring impact (issue 6 section 4).
        SINGLE_AGENCY_EVIDENCE = "single_agency_evidence", "Single-agency evidence"
        MULTI_AGENCY_AUDIT = "multi_agency_audit", "A multi-agency audit theme"
        DEEP_DIVE = "deep_dive", "A deep dive"
        SECTION_11_TRIANGULATION = "section_11_triangulation", "Section 11 triangulation"
        ENQUIRY_PANEL = "enquiry_panel", "An enquiry panel"

    class ImpactRating(models.TextChoices):
        STRONG = "strong", "Strong evidence of impact"
        SOME = "some", "Some evidence of impact"
        NONE = "none", "No evidence of impact"
        NOT_YET_KNOWN = "not_yet_known", "Not yet known"

    # Statuses in which the work is finished, one way or another: the action can be closed, and it never
    # counts as overdue or stale.
    FINISHED_STATUSES: ClassVar[tuple[str, ...]] = (
        Status.COMPLETE,
        Status.NOT_ACHIEVABLE,
        Status.SUPERSEDED,
    )
    access_agency_path: ClassVar[str] = "owner_agency_id"

    reference = models.CharField(max_length=20, unique=True, help_text='Like "ACT-00001"')
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source_kind = models.CharField(max_length=30, choices=SourceKind.choices)
    source_ref = models.CharField(
        max_length=100, blank=True, help_text='What it came from, as a code: a review code "W14", a record id'
    )
    source_label = models.CharField(max_length=300, blank=True, help_text="What it came from, in words")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    themes = models.JSONField(default=list, blank=True, help_text="Theme codes from THEMES")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    impact_approach = models.CharField(max_length=30, choices=ImpactApproach.choices, blank=True)
    impact_rating = models.CharField(max_length=20, choices=ImpactRating.choices, blank=True)
    impact_notes = models.TextField(blank=True)
    impact_indicator_code = models.CharField(
        max_length=80, blank=True, help_text="An indicator registry code showing the before and after"
    )
    impact_audit_code = models.CharField(
        max_length=30,
        blank=True,
        help_text="A reported multi-agency audit round showing the before and after",
    )
    impact_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    impact_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "reference"]
        indexes = [
            models.Index(fields=["owner_agency", "status"], name="action_agency_status_idx"),
            models.Index(fields=["source_kind", "source_ref"], name="action_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def theme_labels(self) -> list[str]:
        return [THEMES.get(code, code) for code in self.themes]


class ActionUpdate(models.Model):
    """A dated progress note from the owner agency, optionally moving the action to a new status."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    status_set = models.CharField(
        max_length=20, choices=Action.Status.choices, blank=True, help_text="The status this update set"
    )
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"Update on {self.action_id} at {self.written_at:%Y-%m-%d}"


class ActionEvidence(models.Model):
    """A file in the central store of evidence of implementation. Stored privately under a random name."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="actions/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "action evidence"

    def __str__(self) -> str:
        return self.original_name
