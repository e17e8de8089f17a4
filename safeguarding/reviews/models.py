"""Case reviews: a serious case referred to the partnership for consideration, its rapid review, the decision
on a local review, and the pauses that delay it (Working Together to Safeguard Children 2023, chapter 5;
Care Act 2014 s44 for safeguarding adult reviews; issue 6).

A review is known everywhere by its code (for example "W14"), never by a name. Who it is about is kept apart
in ReviewSubject, which only case-review roles (review.identity.view) may see, every view logged.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency
from safeguarding.actions.models import THEMES
from safeguarding.children.codes import Ethnicity
from safeguarding.core.models import TimeStampedModel

CODE_MAX_LENGTH = 12


class Decision(models.TextChoices):
    """What the rapid review recommends and the executive decides (Working Together 2023, chapter 5)."""

    LOCAL_REVIEW = "local_review", "Local review (LCSPR, SAR or DHR)"
    NO_LOCAL_REVIEW = "no_local_review", "No local review"
    THEMATIC = "thematic", "Alternative: thematic review"
    TABLETOP = "tabletop", "Alternative: tabletop review"
    SINGLE_AGENCY = "single_agency", "Alternative: single-agency review"
    LEARNING_REVIEW = "learning_review", "Alternative: learning review"


# A decision that leads to a review of some kind (everything but "no local review").
REVIEWING_DECISIONS = frozenset(set(Decision) - {Decision.NO_LOCAL_REVIEW})


class Reviewer(TimeStampedModel):
    """One of the partnership's pool of independent reviewers, with their expertise (issue 6, section 3)."""

    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    expertise = models.TextField(
        help_text="What they are expert in, e.g. children's social care, health, domestic abuse, SARs"
    )
    active = models.BooleanField(default=True, help_text="Still in the pool and available for new reviews")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReviewerAppointment(models.TextChoices):
    """How the reviewer of a review was appointed."""

    POOL = "pool", "From the partnership's reviewer pool"
    OPEN_TENDER = "open_tender", "Open tender"
    DIRECT_AWARD = "direct_award", "Direct award (urgent or specialist)"
    PANEL_RECOMMENDED = "panel_recommended", "Recommended by the National Panel"
    IN_HOUSE = "in_house", "In-house reviewer"


class CaseReview(TimeStampedModel):
    class Kind(models.TextChoices):
        # Children Act 2004 s16C: the local authority notifies the Child Safeguarding Practice Review Panel.
        NOTIFIABLE_INCIDENT = (
            "notifiable_incident",
            "Serious child safeguarding incident (notifiable to the Panel)",
        )
        NON_NOTIFIABLE = "non_notifiable", "Non-notifiable serious case"
        SAR_REFERRAL = "sar_referral", "Safeguarding adult review referral (Care Act 2014 s44)"
        DHR_NOTIFICATION = "dhr_notification", "Domestic homicide review notification"

    class SubjectType(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred for consideration"
        NOTIFIED = "notified", "Notified to the Panel"
        RAPID_REVIEW = "rapid_review", "Rapid review"
        DECIDED = "decided", "Decided"
        IN_PROGRESS = "in_progress", "Review in progress"
        PAUSED = "paused", "Paused"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        NO_FURTHER_REVIEW = "no_further_review", "No further review"

    code = models.CharField(
        max_length=CODE_MAX_LENGTH, help_text="The review's code, used everywhere instead of names, e.g. W14"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject_type = models.CharField(max_length=10, choices=SubjectType.choices)
    aware_date = models.DateField(help_text="The day the partnership became aware of the incident")
    referred_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="case_reviews_referred"
    )
    agencies_involved = models.ManyToManyField(Agency, related_name="case_reviews_involved", blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.REFERRED)
    notification_date = models.DateField(null=True, blank=True, help_text="When the Panel was notified")
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decided_by = models.CharField(
        max_length=200, blank=True, help_text="Who made the executive decision (name or role, as minuted)"
    )
    decided_on = models.DateField(null=True, blank=True, help_text="The date of the executive decision")
    published_on = models.DateField(null=True, blank=True)
    publication_url = models.URLField(blank=True, help_text="Where the published report can be read")
    # The review itself (LCSPR, SAR, DHR, thematic or another alternative), once the decision is made.
    # It starts on the day its terms of reference are agreed.
    terms_of_reference = models.TextField(blank=True)
    terms_agreed_on = models.DateField(null=True, blank=True, help_text="The day the review started")
    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    reviewer_appointed_on = models.DateField(null=True, blank=True)
    reviewer_appointment = models.CharField(max_length=30, choices=ReviewerAppointment.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_reviews_owned",
        null=True,
        blank=True,
        help_text="The business unit officer who hears about its deadlines",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[agencies_involved])

    class Meta:
        ordering = ["-aware_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="casereview_code_unique"),
            models.CheckConstraint(
                condition=Q(notification_date__isnull=True) | Q(notification_date__gte=F("aware_date")),
                name="casereview_notified_after_aware",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_notifiable(self) -> bool:
        return self.kind == self.Kind.NOTIFIABLE_INCIDENT


class ReviewSubject(TimeStampedModel):
    """Who a review is about: RESTRICTED to review.identity.view, and every view is logged.

    The equality data (where known) feeds profiling of the people reviewed (issue 6, section 1).
    """

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_KNOWN = "not_known", "Not known"

    class Disability(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    class SexualOrientation(models.TextChoices):
        HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
        GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
        BISEXUAL = "bisexual", "Bisexual"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known or not applicable"

    review = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="subject")
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    age_at_incident = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=12, choices=Disability.choices, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        # Never the name: this string goes into the access log's label and anywhere a record is printed.
        return f"Subject of review {self.review.code}"


class ReviewPause(TimeStampedModel):
    """A time a review stood still, and why (issue 6, section 3: "paused with a reason and the time lost")."""

    class Reason(models.TextChoices):
        CRIMINAL_PROCEEDINGS = "criminal_proceedings", "Criminal proceedings"
        CORONERS_INQUEST = "coroners_inquest", "Coroner's inquest"
        EXPERT_ADVICE = "expert_advice", "Awaiting expert advice"
        OTHER = "other", "Other"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paused_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=F("paused_on")),
                name="reviewpause_resumed_after_paused",
            ),
        ]

    def days_lost(self, today: date) -> int:
        """Calendar days the review stood still: to the day it resumed, or to `today` while still paused."""
        return ((self.resumed_on or today) - self.paused_on).days


class MilestoneStage(models.TextChoices):
    """A review's milestones, in the order they happen (issue 6, section 3)."""

    SCOPING = "scoping", "Scoping"
    PRACTITIONER_EVENT = "practitioner_event", "Practitioner event"
    FAMILY_INVOLVEMENT = "family_involvement", "Family involvement"
    DRAFT = "draft", "Draft report"
    FINAL_REPORT = "final_report", "Final report"
    EXEC_SIGN_OFF = "exec_sign_off", "Executive sign-off"
    PUBLICATION = "publication", "Publication"


MILESTONE_ORDER: dict[str, int] = {stage.value: position for position, stage in enumerate(MilestoneStage)}


class ReviewMilestone(TimeStampedModel):
    """One milestone of a review in progress: when it is planned and when it was done."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField(max_length=30, choices=MilestoneStage.choices)
    planned_date = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "planned_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="reviewmilestone_one_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.review.code}: {self.get_stage_display()}"

    @property
    def position(self) -> int:
        return MILESTONE_ORDER[self.stage]


class RapidReviewRequest(TimeStampedModel):
    """Information asked of one involved agency for the rapid review: its chronology and a summary."""

    class Information(models.TextChoices):
        CHRONOLOGY_AND_SUMMARY = "chronology_and_summary", "Chronology and summary"
        CHRONOLOGY = "chronology", "Chronology"
        SUMMARY = "summary", "Summary"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="rapid_review_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    information = models.CharField(
        max_length=30, choices=Information.choices, default=Information.CHRONOLOGY_AND_SUMMARY
    )
    requested_on = models.DateField()
    due_date = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="rapidreviewrequest_one_per_agency"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("requested_on")), name="rapidreviewrequest_due_after_requested"
            ),
        ]


class RapidReview(TimeStampedModel):
    """The rapid review meeting and what it found and recommended (Working Together 2023, chapter 5)."""

    review = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="rapid_review")
    meeting_date = models.DateField()
    attending_agencies = models.ManyToManyField(Agency, related_name="+", blank=True)
    immediate_actions = models.TextField(help_text="Immediate safeguarding actions taken or needed")
    learning_identified = models.TextField()
    recommendation = models.CharField(max_length=30, choices=Decision.choices)
    panel_response = models.TextField(blank=True, help_text="The National Panel's response")
    panel_response_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[attending_agencies])


class RapidReviewAttendee(TimeStampedModel):
    """One person at the rapid review meeting, by agency: the professionals who took part (never the family,
    so nothing here identifies who the review is about)."""

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="Their job title or role at the meeting")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rapid_review", "agency", "name"], name="rapidreviewattendee_once_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Recommendation(TimeStampedModel):
    """One numbered recommendation of a review ("W14 R2"), tagged with learning themes, each with actions.

    Issue 6, section 4: "Each review has recommendations (text, themes ...), each with actions". The actions
    live in the shared tracker (safeguarding.actions) and point back here by source_ref "<code>/R<number>",
    so an agency sees and updates them in its own tracker. Themes are codes from
    safeguarding.actions.models.THEMES.
    """

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(help_text="1, 2, 3 ... within the review")
    text = models.TextField()
    themes = models.JSONField(default=list, blank=True, help_text="Theme codes from actions.models.THEMES")
    # The year in numbers counts recommendations by the day they were agreed, not the day they were typed in.
    agreed_on = models.DateField(help_text="The day the recommendation was agreed")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.review.code} R{self.number}"

    @property
    def source_ref(self) -> str:
        """How its actions name it in the tracker: "W14/R2"."""
        return f"{self.review.code}/R{self.number}"

    @property
    def theme_labels(self) -> list[str]:
        return [THEMES.get(code, code) for code in self.themes]


class ReviewProposal(TimeStampedModel):
    """A case put forward by a partner agency for the partnership to consider for a review (issue 6,
    section 1: "referred ... by any partner"). It waits in the business unit's queue until accepted (it then
    becomes a CaseReview under a review code) or declined with a reason.

    Who it is about (`subject_name`, `subject_date_of_birth`) is RESTRICTED like ReviewSubject: pages show it
    only to review.identity.view, and accepting copies it into the review's ReviewSubject.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for the business unit"
        ACCEPTED = "accepted", "Accepted for consideration"
        DECLINED = "declined", "Not taken forward"

    access_own_path: ClassVar[str] = "proposed_by_id"

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="review_proposals")
    kind = models.CharField(max_length=30, choices=CaseReview.Kind.choices)
    subject_type = models.CharField(max_length=10, choices=CaseReview.SubjectType.choices)
    aware_date = models.DateField(help_text="The day the proposing agency became aware of the incident")
    agencies_involved = models.ManyToManyField(Agency, related_name="+", blank=True)
    what_happened = models.TextField(help_text="What happened, and why it may meet the criteria for a review")
    subject_name = models.CharField(max_length=200)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    review = models.OneToOneField(
        CaseReview, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )
    history = HistoricalRecords(m2m_fields=[agencies_involved])

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        # Never the name: this string goes into the access log's label.
        return f"Case put forward for consideration, number {self.pk}"
