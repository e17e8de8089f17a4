"""Indicators, their versioned definitions, computation runs, stored values with provenance, sign-offs.

Pages and reports read `IndicatorValue` rows only; nothing computes a figure on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from safeguarding.indicators.registry import PeriodType, Polarity, Source, Unit

if TYPE_CHECKING:
    from safeguarding.frontdoor.measures import Period


class Indicator(models.Model):
    """One indicator, by its stable code; its definition lives in its versions."""

    code = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def latest_version(self) -> IndicatorVersion | None:
        return self.versions.order_by("-number").first()


class IndicatorVersion(models.Model):
    """An indicator's definition as it stood from `created_at`; a changed definition makes a new version."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition_hash = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    definition = models.TextField()
    numerator = models.TextField(blank=True)
    denominator = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    period_type = models.CharField(max_length=20, choices=PeriodType.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    target = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(null=True, blank=True)
    breakdowns = models.JSONField(default=list, blank=True)  # [{"name", "label", "partition"}]
    source = models.CharField(max_length=20, choices=Source.choices)
    subgroup = models.CharField(max_length=200)
    themes = models.JSONField(default=list, blank=True)  # ["neglect", "exploitation", ...]
    suppression_threshold = models.PositiveSmallIntegerField()
    function = models.CharField(max_length=300, blank=True)  # dotted path of the computing function
    rate_of = models.CharField(max_length=80, blank=True)  # for a rate: the code of the count it divides
    # For an agency-return indicator: the accounts.Agency kinds whose agencies submit it.
    owner_agency_kinds = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicatorversion_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.number}"


class ComputationRun(models.Model):
    """One `indicators compute`: who, when, for which financial year, and what the checks found."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    period_key = models.CharField(max_length=20, db_index=True)  # the financial year, e.g. "2022-23"
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by_name = models.CharField(max_length=200, blank=True)  # frozen, or "command line"
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    # [{"check", "code", "period", "breakdown", "passed", "message"}]: every check, failed ones first.
    checks = models.JSONField(default=list, blank=True)
    checks_failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Run {self.pk} for {self.period_key} ({self.status})"


class IndicatorValue(models.Model):
    """One stored figure: an indicator version, a period, a breakdown ({} for the total), with its counts.

    A computed figure belongs to the computation run that made it; an agency's figure to the accepted data
    return it came from (exactly one of the two is set).
    """

    run = models.ForeignKey(
        ComputationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="values"
    )
    agency_return = models.ForeignKey(
        "AgencyReturn", null=True, blank=True, on_delete=models.PROTECT, related_name="values"
    )
    version = models.ForeignKey(IndicatorVersion, on_delete=models.PROTECT, related_name="values")
    period_key = models.CharField(max_length=20)  # "2022-23", "2022-23-q1", "2023-01"
    period_kind = models.CharField(max_length=10)  # frontdoor.measures.PeriodKind: year, quarter, month
    period_label = models.CharField(max_length=100)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.JSONField(default=dict, blank=True)  # {} for the total, {"level": "level_4"}
    breakdown_key = models.CharField(max_length=200, blank=True)  # canonical text of `breakdown`
    breakdown_label = models.CharField(max_length=300, blank=True)
    numerator = models.IntegerField(null=True, blank=True)
    denominator = models.IntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    missing = models.CharField(max_length=300, blank=True)  # why there is no value
    computed_at = models.DateTimeField()
    computed_from = models.JSONField(default=dict, blank=True)  # {"data_as_at", "census_imports", ...}

    class Meta:
        ordering = ["version__indicator__code", "period_start", "-period_end", "breakdown_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "version", "period_key", "breakdown_key"], name="indicatorvalue_unique"
            ),
            models.UniqueConstraint(
                fields=["agency_return", "version", "period_key", "breakdown_key"],
                name="indicatorvalue_return_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(run__isnull=False, agency_return__isnull=True)
                | models.Q(run__isnull=True, agency_return__isnull=False),
                name="indicatorvalue_one_source",
            ),
        ]
        indexes = [models.Index(fields=["period_key", "run"], name="indicatorvalue_period_idx")]

    def __str__(self) -> str:
        return f"{self.version} {self.period_key} {self.breakdown_key or 'total'}: {self.value}"

    @staticmethod
    def period_fields(period: Period) -> dict[str, Any]:
        """The fields naming a value's period, from a frontdoor.measures.Period (one place: the period
        label check compares them with the key)."""
        return {
            "period_key": period.key,
            "period_kind": period.kind.value,
            "period_label": period.label,
            "period_start": period.first,
            "period_end": period.last,
        }


class PeriodSignOff(models.Model):
    """The PQA subgroup has signed off a period's figures: they are never overwritten afterwards."""

    period_key = models.CharField(max_length=20, unique=True)
    run = models.ForeignKey(ComputationRun, on_delete=models.PROTECT, related_name="sign_offs")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by_name = models.CharField(max_length=200)
    signed_off_at = models.DateTimeField()

    class Meta:
        ordering = ["period_key"]

    def __str__(self) -> str:
        return f"{self.period_key} signed off by {self.signed_off_by_name}"


class Comparator(models.Model):
    """A published figure to compare with: England, statistical neighbours or the region, for an indicator
    (optionally one breakdown row, e.g. a category of abuse) and a financial year, with where it came from."""

    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        REGION = "region", "Region"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="comparators")
    period_key = models.CharField(max_length=20)  # the financial year, e.g. "2022-23"
    kind = models.CharField(max_length=30, choices=Kind.choices)
    breakdown_key = models.CharField(max_length=200, blank=True)  # "" for the total, "category=emotional"
    value = models.FloatField()
    source = models.CharField(max_length=500)
    imported = models.ForeignKey(
        "ComparatorImport", on_delete=models.PROTECT, related_name="comparators", null=True, blank=True
    )

    class Meta:
        ordering = ["indicator__code", "period_key", "breakdown_key", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_key", "kind", "breakdown_key"], name="comparator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_key} {self.kind}: {self.value}"


class ComparatorImport(models.Model):
    """One comparator CSV loaded: who, when, which file, how many rows (a load replaces matching rows)."""

    file_name = models.CharField(max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_by_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows)"


class AgencyReturn(models.Model):
    """An agency's quarterly data return: its figures for the indicators it owns and the narrative behind
    them, from draft to submitted to accepted (or returned with comments, then submitted again)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="data_returns")
    period_key = models.CharField(max_length=20)  # the quarter, e.g. "2022-23-q1"
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    narrative = models.TextField(blank=True)  # the story behind the figures, in the agency's words
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)  # why it was returned, or a note on acceptance
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_key", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period_key"], name="agencyreturn_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.period_key} ({self.status})"


class AgencyReturnFigure(models.Model):
    """One figure of a return, as the agency entered it; every change is kept in its history (who, when)."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="figures")
    version = models.ForeignKey(IndicatorVersion, on_delete=models.PROTECT, related_name="+")
    numerator = models.IntegerField(null=True, blank=True)
    denominator = models.IntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    narrative = models.TextField(blank=True)  # what lies behind this figure
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency_return", "version__indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "version"], name="agencyreturnfigure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_return} {self.version}: {self.value}"


class IndicatorNarrative(models.Model):
    """The words beside a figure on the scorecard: an agency's narrative from an accepted return, or the
    commentary the business unit or PQA writes for a computed indicator and a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="narratives")
    period_key = models.CharField(max_length=20)  # "2022-23" or "2022-23-q1"
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency_return = models.ForeignKey(
        AgencyReturn, null=True, blank=True, on_delete=models.PROTECT, related_name="narratives"
    )
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_by_name = models.CharField(max_length=200)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator__code", "period_key", "written_at"]
        indexes = [models.Index(fields=["period_key"], name="indicatornarrative_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_key}: {self.text[:40]}"
