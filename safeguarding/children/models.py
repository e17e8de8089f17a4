"""Children and their journey through help and protection.

A Child is one real child known to the partnership (identifiable data: only MASH and social-care roles see
it, and every view is logged). The front door creates the first episodes: a CIN referral when the MASH
decides a contact needs a statutory response (level 4), an early help request at level 3. The rest of the
journey (assessments, section 47 enquiries, conferences, plans, care, missing episodes, exploitation
screening) is recorded here or imported from the council's system through the CIN census and Annex A.

Field comments name the CIN census element (statutory-rules.md 2.1) or Annex A column a field carries.
Census-carried dates have no date-order database constraints on purpose: a census file with errors (8630
closure before referral, 8608, 4011, 8925 end before start) is still imported, with its findings, so that
import -> export -> validate gives the same findings back. The forms refuse such dates for new records.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.children.codes import (
    CategoryOfAbuse,
    EarlyHelpClosureReason,
    Ethnicity,
    ExploitationRisk,
    ExploitationType,
    LegalStatus,
    PlacementType,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Sex,
    UPNUnknown,
)
from safeguarding.core.models import TimeStampedModel

# Census code columns leave room for a code the national list does not know: an imported file keeps the value
# it gave, and the validator reports it (an unknown code is a finding, not a crash).
CODE_LENGTH = 10
# Identifiers from a council's file are kept as given, however malformed, for the same reason (1570, 1510...).
IDENTIFIER_LENGTH = 50


class Origin(models.TextChoices):
    """Where an episode was first recorded: by the front door, by an import, or on the child's page."""

    FRONTDOOR = "frontdoor", "Front door decision"
    IMPORT = "import", "Imported from the council's system"
    RECORDED = "recorded", "Recorded on the child's page"


def _ends_after_start(name: str, start: str, end: str) -> models.CheckConstraint:
    """A named CheckConstraint: `end` is empty or on/after `start`."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


class Child(TimeStampedModel):
    # ChildIdentifiers/LAchildID: the council's own ID; empty for children only the front door knows.
    la_child_id = models.CharField("LA child ID", max_length=IDENTIFIER_LENGTH, blank=True)
    # ChildIdentifiers/UPN, FormerUPN, UPNunknown (a reason code when there is no UPN).
    upn = models.CharField("UPN", max_length=IDENTIFIER_LENGTH, blank=True)
    former_upn = models.CharField("Former UPN", max_length=IDENTIFIER_LENGTH, blank=True)
    upn_unknown = models.CharField(
        "Reason the UPN is unknown", max_length=CODE_LENGTH, choices=UPNUnknown.choices, blank=True
    )
    first_name = models.CharField(
        max_length=100, blank=True, help_text="Empty for an unborn baby not yet named"
    )
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    # PersonBirthDate, ExpectedPersonBirthDate, PersonDeathDate.
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn baby")
    date_of_death = models.DateField(null=True, blank=True)
    # GenderCurrent (Sex from 2024-25).
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    # ChildCharacteristics/Ethnicity.
    ethnicity = models.CharField(max_length=CODE_LENGTH, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    # ChildCharacteristics/Disabilities/Disability: a list of codes.Disability values (schemas.CodeList).
    disabilities = models.JSONField(default=list, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    # The council's locality (area team) the child lives in, as the council names it.
    locality = models.CharField(max_length=100, blank=True)
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
            models.Index(fields=["upn"], name="child_upn_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
            ),
            # The census import finds a child by LA child ID; children without one are many.
            models.UniqueConstraint(
                fields=["la_child_id"],
                condition=~Q(la_child_id=""),
                name="child_la_child_id_unique",
                violation_error_message="Another child already has this LA child ID.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.is_unborn and not self.first_name:
            return f"Unborn baby {self.last_name}".strip()
        name = f"{self.first_name} {self.last_name}".strip()
        if name:
            return name
        # The CIN census and Annex A carry no names: an imported child is known by the council's ID.
        return f"LA child ID {self.la_child_id}" if self.la_child_id else f"Child record {self.pk}"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- Children in need ---------------------------------------------------------------------------------------


class CINReferral(TimeStampedModel):
    """A CIN episode: one CIN census CINdetails, which begins with a referral to children's social care.

    The name is the front door's (it creates one for each child of a level 4 decision); the episode runs from
    the referral (CINreferralDate) to its closure (CINclosureDate), and holds the assessments, CIN plans,
    section 47 enquiries and child protection plans below. A census import finds an episode by its child and
    referral date (indexed, not unique: the front door has made two on one day for a child decided twice).
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_referrals")
    # CINreferralDate, ReferralSource.
    referral_date = models.DateField()
    source = models.CharField(max_length=CODE_LENGTH, choices=ReferralSource.choices)
    # The front door contact it came from, by reference (children does not depend on frontdoor).
    contact_reference = models.CharField(max_length=30, blank=True, db_index=True)
    # The strategy discussion the MASH decided on with the referral (the front door's; the census carries
    # strategy discussions on Section47 below).
    strategy_discussion_date = models.DateField(null=True, blank=True)
    # PrimaryNeedCode: empty until the assessment says (8610 wants it once the referral goes further).
    primary_need = models.CharField(
        max_length=CODE_LENGTH, choices=PrimaryNeed.choices, blank=True, default=""
    )
    # ReferralNFA: the referral led to no further action.
    nfa = models.BooleanField("Referral with no further action", default=False)
    # CINclosureDate, ReasonForClosure.
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(
        max_length=CODE_LENGTH, choices=ReasonForClosure.choices, blank=True, default=""
    )
    # CINdetails/DateOfInitialCPC: some councils record the conference here rather than on Section47 (2884
    # says only one of them); kept as given so an imported file exports unchanged.
    icpc_date = models.DateField("Date of initial child protection conference", null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FRONTDOOR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        indexes = [
            models.Index(fields=["child", "referral_date"], name="cinreferral_child_date_idx"),
            models.Index(fields=["referral_date"], name="cinreferral_date_idx"),
            models.Index(fields=["closure_date"], name="cinreferral_closure_idx"),
        ]

    def __str__(self) -> str:
        return f"CIN referral {self.referral_date:%d %b %Y} ({self.child_id})"

    @property
    def label(self) -> str:
        """How pages name the episode: "CIN episode from 3 April 2023"."""
        return f"CIN episode from {self.referral_date.day} {self.referral_date:%B %Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


# The episodes' parts below are called episode.<related_name>; the census nests them in CINdetails.


class Assessment(TimeStampedModel):
    """A child and family assessment (CIN census Assessments; Annex A list 4)."""

    episode = models.ForeignKey(CINReferral, on_delete=models.CASCADE, related_name="assessments")
    # AssessmentActualStartDate, AssessmentInternalReviewDate, AssessmentAuthorisationDate (its end).
    start_date = models.DateField()
    internal_review_date = models.DateField(null=True, blank=True)
    authorisation_date = models.DateField(null=True, blank=True)
    # FactorsIdentifiedAtAssessment/AssessmentFactors: a list of codes.AssessmentFactor values.
    factors = models.JSONField(default=list, blank=True)
    # Annex A list 4 "Child seen during continuous assessment": None when not recorded.
    child_seen = models.BooleanField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["start_date"], name="assessment_start_idx"),
            models.Index(fields=["authorisation_date"], name="assessment_authorised_idx"),
        ]

    def __str__(self) -> str:
        return f"Assessment from {self.start_date:%d %b %Y}"


class CINPlan(TimeStampedModel):
    """A child in need plan (CIN census CINPlanDates)."""

    episode = models.ForeignKey(CINReferral, on_delete=models.CASCADE, related_name="cin_plans")
    # CINPlanStartDate, CINPlanEndDate.
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date", "end_date"], name="cinplan_dates_idx")]

    def __str__(self) -> str:
        return f"CIN plan from {self.start_date:%d %b %Y}"


class Section47(TimeStampedModel):
    """A section 47 enquiry and its initial conference (CIN census Section47; Annex A list 5)."""

    episode = models.ForeignKey(CINReferral, on_delete=models.CASCADE, related_name="section47s")
    # The strategy discussion that started the enquiry, when recorded apart from the start (the ICPC clock
    # counts from it); the census has only S47ActualStartDate, which is that discussion's date.
    strategy_discussion_date = models.DateField(null=True, blank=True)
    # S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC, ICPCnotRequired.
    start_date = models.DateField()
    icpc_target_date = models.DateField("ICPC target date", null=True, blank=True)
    icpc_date = models.DateField("Date of initial child protection conference", null=True, blank=True)
    icpc_not_required = models.BooleanField("ICPC not required", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        indexes = [
            models.Index(fields=["start_date"], name="section47_start_idx"),
            models.Index(fields=["icpc_date"], name="section47_icpc_idx"),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.start_date:%d %b %Y}"

    @property
    def clock_start(self) -> date:
        """The date the ICPC clock counts from: the strategy discussion, else the enquiry's start."""
        return self.strategy_discussion_date or self.start_date


class ChildProtectionPlan(TimeStampedModel):
    """A child protection plan (CIN census ChildProtectionPlans; Annex A list 7)."""

    episode = models.ForeignKey(CINReferral, on_delete=models.CASCADE, related_name="cp_plans")
    # CPPstartDate, CPPendDate.
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # InitialCategoryOfAbuse, LatestCategoryOfAbuse.
    initial_category = models.CharField(max_length=CODE_LENGTH, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=CODE_LENGTH, choices=CategoryOfAbuse.choices)
    # NumberOfPreviousCPP.
    previous_plans = models.PositiveIntegerField("Number of previous child protection plans", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date", "end_date"], name="cpplan_dates_idx")]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start_date:%d %b %Y}"


class CPReview(TimeStampedModel):
    """A child protection review conference (CIN census Reviews/CPPreviewDate)."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-review_date", "-pk"]
        verbose_name = "child protection review"
        indexes = [models.Index(fields=["plan", "review_date"], name="cpreview_plan_date_idx")]

    def __str__(self) -> str:
        return f"Review conference {self.review_date:%d %b %Y}"


# --- Early help -------------------------------------------------------------------------------------------


class EarlyHelpRequest(TimeStampedModel):
    """An early help episode (level 3 of Right Help, Right Time), from the request for an early help
    assessment to its closure (Annex A list 2 carries the assessment dates)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="early_help_requests")
    requested_on = models.DateField()
    contact_reference = models.CharField(max_length=30, blank=True, db_index=True)
    # Annex A list 2: assessment start date, assessment completion date.
    assessment_start_date = models.DateField(null=True, blank=True)
    assessment_completion_date = models.DateField(null=True, blank=True)
    plan_start_date = models.DateField(null=True, blank=True)
    # A list of codes.EarlyHelpNeed values: a family may present with several needs.
    presenting_needs = models.JSONField(default=list, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(
        max_length=20, choices=EarlyHelpClosureReason.choices, blank=True, default=""
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FRONTDOOR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on"]
        indexes = [
            models.Index(fields=["requested_on"], name="earlyhelp_requested_idx"),
            models.Index(fields=["closure_date"], name="earlyhelp_closure_idx"),
        ]
        constraints = [
            _ends_after_start("earlyhelp_closed_after_request", "requested_on", "closure_date"),
            _ends_after_start(
                "earlyhelp_assessed_after_start", "assessment_start_date", "assessment_completion_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Early help request {self.requested_on:%d %b %Y} ({self.child_id})"

    @property
    def label(self) -> str:
        """How pages name the episode: "Early help from 1 September 2022"."""
        return f"Early help from {self.requested_on.day} {self.requested_on:%B %Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class EarlyHelpReview(TimeStampedModel):
    """A review of an early help plan (team around the family meeting)."""

    episode = models.ForeignKey(EarlyHelpRequest, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-review_date", "-pk"]
        indexes = [models.Index(fields=["episode", "review_date"], name="earlyhelpreview_date_idx")]

    def __str__(self) -> str:
        return f"Early help review {self.review_date:%d %b %Y}"


# --- Care, missing, exploitation ----------------------------------------------------------------------------


class LookedAfterPeriod(TimeStampedModel):
    """A period of care (Annex A list 8: date started to be looked after, legal status, category of need,
    date ceased)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="looked_after_periods")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=CODE_LENGTH, choices=LegalStatus.choices)
    # Category of need: the CIN primary need codes N1-N8.
    category_of_need = models.CharField(max_length=CODE_LENGTH, choices=PrimaryNeed.choices)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.RECORDED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["start_date", "end_date"], name="lookedafter_dates_idx")]
        constraints = [_ends_after_start("lookedafter_ends_after_start", "start_date", "end_date")]

    def __str__(self) -> str:
        return f"Looked after from {self.start_date:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Placement(TimeStampedModel):
    """Where a looked-after child lived from a date (Annex A list 8: placement start date and type)."""

    period = models.ForeignKey(LookedAfterPeriod, on_delete=models.CASCADE, related_name="placements")
    start_date = models.DateField()
    placement_type = models.CharField(max_length=CODE_LENGTH, choices=PlacementType.choices)
    # Straight-line distance from the child's home address; empty when not known.
    distance_from_home_km = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["period", "start_date"], name="placement_period_start_idx")]

    def __str__(self) -> str:
        return f"Placement from {self.start_date:%d %b %Y}"


class MissingEpisode(TimeStampedModel):
    """A time a child went missing, and the return home conversation offered afterwards.

    The conversation is due within 72 hours of the return (core.clocks "return-home-conversation"); the dates
    it was offered, accepted and held are recorded as dates, so "in time" means held on or before the day
    the 72 hours end.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    started_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    rhc_offered_date = models.DateField("Return home conversation offered", null=True, blank=True)
    rhc_accepted_date = models.DateField("Return home conversation accepted", null=True, blank=True)
    rhc_held_date = models.DateField("Return home conversation held", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["started_at"], name="missing_started_idx"),
            models.Index(fields=["returned_at"], name="missing_returned_idx"),
        ]
        constraints = [_ends_after_start("missing_returned_after_start", "started_at", "returned_at")]

    def __str__(self) -> str:
        return f"Missing from {self.started_at:%d %b %Y %H:%M}"


class ExploitationScreening(TimeStampedModel):
    """A screening of a child for the risk of exploitation."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="exploitation_screenings")
    screening_date = models.DateField()
    exploitation_type = models.CharField(max_length=10, choices=ExploitationType.choices)
    risk_level = models.CharField(max_length=15, choices=ExploitationRisk.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-screening_date", "-pk"]
        indexes = [models.Index(fields=["screening_date"], name="exploitation_date_idx")]

    def __str__(self) -> str:
        return f"Exploitation screening {self.screening_date:%d %b %Y}"
