"""Children and the start of their journey.

A Child is one real child known to the partnership (identifiable data: only MASH and social-care roles see
it, and every view is logged). The front door creates the first episodes: a CIN referral when the MASH
decides a contact needs a statutory response (level 4), an early help request at level 3. The journey issue
adds assessments, section 47 enquiries, plans and the census identifiers.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.children.codes import Ethnicity, ReferralSource, Sex
from safeguarding.core.models import TimeStampedModel


class Child(TimeStampedModel):
    first_name = models.CharField(
        max_length=100, blank=True, help_text="Empty for an unborn baby not yet named"
    )
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn baby")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    nhs_number = models.CharField(max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    school_or_setting = models.CharField(max_length=200, blank=True)
    gp_practice = models.CharField(max_length=200, blank=True)
    disability_or_sen = models.TextField(blank=True, help_text="Disability or special educational needs")
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)

    history = HistoricalRecords()

    # Children are seen across the partnership by the roles that hold child.view (MASH, social care).
    break_glass_permission: ClassVar[str] = "child.view"

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="child_name_idx"),
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
            models.Index(fields=["nhs_number"], name="child_nhs_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.is_unborn and not self.first_name:
            return f"Unborn baby {self.last_name}".strip()
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CINReferral(TimeStampedModel):
    """A referral to children's social care: the start of a CIN episode (CIN census CINreferralDate)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_referrals")
    referral_date = models.DateField()
    source = models.CharField(max_length=2, choices=ReferralSource.choices)
    # The front door contact it came from, by reference (children does not depend on frontdoor).
    contact_reference = models.CharField(max_length=30, blank=True, db_index=True)
    strategy_discussion_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        indexes = [models.Index(fields=["child", "referral_date"], name="cinreferral_child_date_idx")]

    def __str__(self) -> str:
        return f"CIN referral {self.referral_date:%d %b %Y} ({self.child_id})"


class EarlyHelpRequest(TimeStampedModel):
    """A request for an early help assessment (level 3 of Right Help, Right Time)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="early_help_requests")
    requested_on = models.DateField()
    contact_reference = models.CharField(max_length=30, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on"]

    def __str__(self) -> str:
        return f"Early help request {self.requested_on:%d %b %Y} ({self.child_id})"
