"""Indicators, their versioned definitions, computation runs, stored values with provenance, sign-offs.

Pages and reports read `IndicatorValue` rows only; nothing computes a figure on request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safeguarding.indicators.registry import PeriodType, Polarity, Source, Unit


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
    """One stored figure: an indicator version, a period, a breakdown ({} for the total), with its counts."""

    run = models.ForeignKey(ComputationRun, on_delete=models.PROTECT, related_name="values")
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
        ]
        indexes = [models.Index(fields=["period_key", "run"], name="indicatorvalue_period_idx")]

    def __str__(self) -> str:
        return f"{self.version} {self.period_key} {self.breakdown_key or 'total'}: {self.value}"


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
