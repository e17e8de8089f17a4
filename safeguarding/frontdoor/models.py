"""The front door: contacts (eMARF referrals and contacts that arrive other ways), the children and household
they concern, the MASH's work on them (triage, agency checks, decision) and feedback to the referrer.

A Contact keeps what the referrer said exactly as submitted; the MASH links each child named to a Child record
(`ContactChild.child`) without rewriting the referral.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency
from safeguarding.children.codes import Ethnicity, ReferralSource, Sex
from safeguarding.children.models import Child
from safeguarding.core.models import TimeStampedModel


class Level(models.IntegerChoices):
    """Walsall's Right Help, Right Time levels of need (seed 004; the MASH decides against them)."""

    UNIVERSAL = 1, "Level 1: universal (advice and signposting)"
    SINGLE_AGENCY = 2, "Level 2: single-agency early help"
    EARLY_HELP = 3, "Level 3: early help assessment (multi-agency)"
    STATUTORY = 4, "Level 4: statutory (child and family assessment or strategy discussion)"


LEVEL_DESCRIPTORS = {
    Level.UNIVERSAL: "The child's needs are met by universal services: advice or signposting is enough.",
    Level.SINGLE_AGENCY: "Additional needs one agency can meet with early help.",
    Level.EARLY_HELP: "Several needs that need a multi-agency early help assessment and plan.",
    Level.STATUTORY: "Complex needs or a risk of significant harm: children's social care must assess, and "
    "a strategy discussion is held where harm is suspected.",
}


class Concern(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    SEXUAL = "sexual", "Sexual abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    NEGLECT = "neglect", "Neglect"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    MISSING = "missing", "Missing from home, care or education"
    SELF_HARM = "self_harm", "Self-harm or mental health"
    RADICALISATION = "radicalisation", "Radicalisation"
    FGM = "fgm", "Female genital mutilation (FGM)"
    FORCED_MARRIAGE = "forced_marriage", "Forced marriage"
    SUBSTANCE = "substance", "Substance misuse"
    OTHER = "other", "Other"


class Contact(TimeStampedModel):
    class Channel(models.TextChoices):
        EMARF = "emarf", "eMARF (online referral form)"
        API = "api", "Agency system (API)"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        POLICE_NOTIFICATION = "police", "Police notification"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_AUTHORISATION = "awaiting_authorisation", "Waiting for a manager"
        DECIDED = "decided", "Decided"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    class DashRisk(models.TextChoices):
        # DASH: the Domestic Abuse, Stalking and Harassment risk assessment used by police.
        STANDARD = "standard", "Standard"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class ParentsAware(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    class Consent(models.TextChoices):
        GIVEN = "given", "Parents agree to the referral"
        REFUSED = "refused", "Parents do not agree"
        NOT_SOUGHT = "not_sought", "Consent not sought"

    class NoConsentReason(models.TextChoices):
        # Information-sharing advice (DfE 2024): consent is not needed where a child is at risk of harm.
        RISK_TO_CHILD = "risk_to_child", "Telling the parents would put the child at risk"
        RISK_TO_OTHERS = "risk_to_others", "Telling the parents would put someone else at risk"
        PREJUDICE_ENQUIRIES = "prejudice", "It could prejudice a police or social care enquiry"
        CANNOT_CONTACT = "cannot_contact", "The parents cannot be contacted in time"
        OTHER = "other", "Another reason (explained below)"

    class Outcome(models.TextChoices):
        LEVEL_1 = "level_1", "Level 1: advice and signposting"
        LEVEL_2 = "level_2", "Level 2: single-agency early help"
        LEVEL_3 = "level_3", "Level 3: early help assessment"
        LEVEL_4 = "level_4", "Level 4: statutory assessment"
        NFA = "nfa", "No further action"

    reference = models.CharField(max_length=30, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(default=timezone.now)

    # Who referred (frozen as given; the user and agency links drive scoping).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_referred",
    )
    referrer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts_referred"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    source = models.CharField(max_length=2, choices=ReferralSource.choices, default=ReferralSource.UNKNOWN)

    # The worry.
    what_happened = models.TextField()
    when_happened = models.CharField(max_length=200, blank=True)
    child_views = models.TextField(blank=True, help_text="The child's own words and wishes")
    support_tried = models.TextField(blank=True)
    referrer_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    immediate_danger = models.BooleanField(default=False)
    called_999 = models.BooleanField(default=False)
    parents_aware = models.CharField(
        max_length=10, choices=ParentsAware.choices, default=ParentsAware.NOT_KNOWN
    )
    consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.NOT_SOUGHT)
    no_consent_reason = models.CharField(max_length=20, choices=NoConsentReason.choices, blank=True)
    no_consent_detail = models.TextField(blank=True)
    dash_risk = models.CharField(max_length=10, choices=DashRisk.choices, blank=True)

    # Submitting twice with the same key (double click, retry) gives back the first contact.
    idempotency_key = models.CharField(max_length=100, blank=True)

    # The MASH's work.
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_assigned",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    nfa_reason = models.CharField(max_length=200, blank=True)
    rationale = models.TextField(blank=True)
    strategy_discussion_date = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback = models.TextField(blank=True, help_text="Outcome and next steps sent to the referrer")
    feedback_sent_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change to the MASH's work raises it, and a save expecting an older version
    # is refused, so two people deciding at once can't overwrite each other.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    access_agency_path: ClassVar[str] = "referrer_agency_id"
    access_own_path: ClassVar[str] = "referrer_id"
    break_glass_permission: ClassVar[str] = "referral.view"

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="contact_status_received_idx"),
            models.Index(fields=["received_at"], name="contact_received_idx"),
            models.Index(fields=["decided_at"], name="contact_decided_idx"),
            models.Index(fields=["referrer_agency", "received_at"], name="contact_agency_received_idx"),
            models.Index(fields=["assigned_to", "status"], name="contact_assigned_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contact_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(called_999=False) | Q(immediate_danger=True), name="contact_999_only_if_danger"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DECIDED


class ReferenceCounter(models.Model):
    """The last contact number used in a year: references run WSP-2023-000001, WSP-2023-000002..."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ContactChild(models.Model):
    """A child named in a contact, as the referrer described them; `child` links the MASH's match."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_RECORDED)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school_or_setting = models.CharField(max_length=200, blank=True)
    gp_practice = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    disability_or_sen = models.TextField(blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["contact", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="contactchild_has_birth_or_expected_date",
            )
        ]

    def __str__(self) -> str:
        # An unborn baby has no first name yet; say so rather than show a bare surname.
        first = self.first_name or "Unborn baby"
        return f"{first} {self.last_name}".strip()


class HouseholdMember(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=100, help_text="To the child or children, e.g. mother, stepfather"
    )
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField(default=True)

    class Meta:
        ordering = ["contact", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ContactConcern(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="concerns")
    concern = models.CharField(max_length=20, choices=Concern.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "concern"], name="contactconcern_unique")]
        indexes = [models.Index(fields=["concern"], name="contactconcern_concern_idx")]

    def __str__(self) -> str:
        return self.get_concern_display()


class Attachment(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="frontdoor/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class AgencyCheck(TimeStampedModel):
    """The MASH asking a partner agency what it knows; visible only inside the MASH."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="agency_checks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.agency.code} check on {self.contact_id}"


class ReferralDraft(TimeStampedModel):
    """An eMARF being written: the answers so far (validated by frontdoor.schemas.ReferralAnswers)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_drafts"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)

    access_own_path: ClassVar[str] = "owner_id"

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft referral by {self.owner_id} ({self.updated_at:%d %b %Y})"
