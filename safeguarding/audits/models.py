"""Multi-agency case file audits (issue 7; seed 003 section "Learning from Multi-Agency Audits", seed 002
audit tables, seed 000 "Multi-Agency Audits").

Each year has a programme of rounds (normally one a quarter), each on a theme chosen from the partnership's
priorities, its case reviews or its data. A round audits a sample of children (5 by default) with a versioned
audit tool: each involved agency's auditor completes its section per case, the practitioners involved are
invited, the child's and family's views are sought, and a moderation panel gives each case one multi-agency
grade on the four-point scale, with findings tagged to practice areas. Where two people grade a case
independently before the panel, their agreement is reported (Cohen's kappa).

An audit case points at a child in the `children` app. Who the child is can be seen only by the auditors of
that case while the round is open (and by the business unit, which runs rounds), and every view is logged;
everyone else sees the audit code ("MAA-2022-23-Q1-03") only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency
from safeguarding.children.models import Child
from safeguarding.core.models import TimeStampedModel


class Grade(models.TextChoices):
    """The four-point scale the panel grades multi-agency working on (seed 003 Table 1; Ofsted's words)."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


# Best first: the order of the reports' table columns.
GRADE_ORDER: tuple[str, ...] = tuple(Grade.values)


class PracticeArea(models.TextChoices):
    """The practice areas findings are tagged to (issue 7 section 2; seed 003's audit findings)."""

    RISK = "risk", "Identification of and response to risk"
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    LIVED_EXPERIENCE = "lived_experience", "The child's lived experience and voice"
    MANAGEMENT_OVERSIGHT = "management_oversight", "Management oversight"
    CHALLENGE = "challenge", "Professional challenge and escalation"
    THINK_FAMILY = "think_family", "Think family"


# How many children a round audits unless the business unit chooses otherwise: five a round since 2022-23,
# fifteen in earlier years (seed 000 "Multi-Agency Audits"; seed 003 "Learning from Multi-Agency Audits").
DEFAULT_CASE_COUNT = 5


# Audit themes seen in the seeds (seed 003 Table 1; seed 002's 2016-17 programme; issue 7 section 5).
AUDIT_THEMES: dict[str, str] = {
    "neglect": "Neglect",
    "child_sexual_abuse": "Child sexual abuse",
    "non_mobile_injuries": "Injuries in non-mobile babies",
    "exploitation": "Exploitation",
    "self_harm": "Self-harm",
    "domestic_abuse": "Domestic abuse",
    "early_help": "Early help",
    "other": "Other",
}


class AuditTool(TimeStampedModel):
    """A question set: the core tool every round uses, or a theme's own questions. Its questions live in
    versions; a round keeps the versions it used, so editing a tool never changes a past round."""

    class Kind(models.TextChoices):
        CORE = "core", "Core questions"
        THEME = "theme", "Theme questions"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    theme = models.CharField(
        max_length=40, blank=True, help_text="A theme code from AUDIT_THEMES (theme tools)"
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="audittool_name_unique")]

    def __str__(self) -> str:
        return self.name


class AuditToolVersion(TimeStampedModel):
    """One version of a tool's questions. A draft can be edited; once published it never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(max_length=500, blank=True, help_text="What changed from the last version")
    history = HistoricalRecords()

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="audittoolversion_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tool.name}, version {self.number}"


class AuditQuestion(models.Model):
    class Kind(models.TextChoices):
        GRADED = "graded", "Graded (Outstanding, Good, Requires improvement, Inadequate)"
        YES_NO_PARTLY = "yes_no_partly", "Yes, no or partly"
        FREE_TEXT = "free_text", "Free text"

    version = models.ForeignKey(AuditToolVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices, blank=True)
    guidance = models.CharField(max_length=500, blank=True, help_text="What the auditor should look for")

    # Not stored: the question's number within a round, where the core tool's questions come first and the
    # theme tool's follow on (so there is one question 1). Set by round_questions; tool pages use position.
    number_in_round: int = 0

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="auditquestion_position_unique"),
        ]

    def __str__(self) -> str:
        return f"Q{self.position}: {self.text}"


class AuditProgramme(TimeStampedModel):
    """A financial year's programme of audit rounds."""

    year = models.CharField(max_length=7, help_text='The financial year, like "2022-23"')
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["year"], name="auditprogramme_year_unique")]

    def __str__(self) -> str:
        return f"Audit programme {self.year}"


class AuditRound(TimeStampedModel):
    """One round of the programme: a quarter, a theme and why, its cases, its panel and its report."""

    class Rationale(models.TextChoices):
        PRIORITY = "priority", "A partnership priority"
        CASE_REVIEW = "case_review", "Learning from a case review"
        DATA = "data", "What the data shows"
        INSPECTION = "inspection", "Preparing for an inspection (for example a JTAI)"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open for auditing"
        MODERATION = "moderation", "Moderation"
        REPORTED = "reported", "Reported"

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="rounds")
    code = models.CharField(max_length=30, help_text='Like "MAA-2022-23-Q1"')
    quarter = models.PositiveSmallIntegerField(help_text="1 (April to June) to 4 (January to March)")
    theme = models.CharField(max_length=40, help_text="A theme code from AUDIT_THEMES")
    theme_detail = models.CharField(
        max_length=200, blank=True, help_text='How the report names it: "JTAI-Exploitation"'
    )
    rationale = models.CharField(max_length=20, choices=Rationale.choices)
    rationale_detail = models.TextField(blank=True, help_text="Why this theme now")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_rounds_led",
    )
    case_count = models.PositiveSmallIntegerField(default=DEFAULT_CASE_COUNT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    opens_on = models.DateField(null=True, blank=True, help_text="Auditing starts")
    sections_due = models.DateField(null=True, blank=True, help_text="Agencies' sections are due")
    panel_date = models.DateField(null=True, blank=True, help_text="The moderation panel meets")
    reported_on = models.DateField(null=True, blank=True, help_text="The report went to the PQA subgroup")
    # The tool versions the round used, kept so later edits to the tools never change it.
    core_version = models.ForeignKey(
        AuditToolVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    theme_version = models.ForeignKey(
        AuditToolVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(blank=True, help_text="The report's overall summary")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-programme__year", "quarter", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="auditround_code_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="auditround_quarter_1_to_4"
            ),
            models.CheckConstraint(condition=Q(case_count__gte=1), name="auditround_at_least_one_case"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def theme_label(self) -> str:
        return self.theme_detail or AUDIT_THEMES.get(self.theme, self.theme)

    @property
    def is_open(self) -> bool:
        """Auditors see their cases' children only while the round is open for auditing or moderation."""
        return self.status in (self.Status.OPEN, self.Status.MODERATION)


class AuditCase(TimeStampedModel):
    """One child's case in a round, known by its audit code; the panel's grade once moderated."""

    class Sampling(models.TextChoices):
        RANDOM = "random", "Stratified random sample"
        CHOSEN = "chosen", "Chosen by hand"

    class FamilyViews(models.TextChoices):
        NOT_SOUGHT = "not_sought", "Not sought"
        SOUGHT = "sought", "Sought and given"
        DECLINED = "declined", "Sought, declined"
        NO_RESPONSE = "no_response", "Sought, no response"

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="cases")
    code = models.CharField(max_length=40, help_text='Like "MAA-2022-23-Q1-03"')
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="audit_cases")
    sampling = models.CharField(max_length=10, choices=Sampling.choices)
    stratum = models.CharField(max_length=200, blank=True, help_text="The sample stratum it was drawn from")
    agencies = models.ManyToManyField(Agency, related_name="audit_cases", blank=True)
    grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    grade_reason = models.TextField(blank=True)
    moderated_on = models.DateField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family_views = models.CharField(
        max_length=20, choices=FamilyViews.choices, default=FamilyViews.NOT_SOUGHT
    )
    family_views_summary = models.TextField(blank=True, help_text="What the child and family said")
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="auditcase_code_unique"),
            models.UniqueConstraint(fields=["round", "child"], name="auditcase_child_once_per_round"),
        ]

    def __str__(self) -> str:
        return self.code


class AuditSection(TimeStampedModel):
    """One agency's part of a case: its auditor, the answers to the tool's questions, and its status."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    access_agency_path: ClassVar[str] = "agency_id"

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="sections")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="audit_sections")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_sections",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # {"<question id>": "good" | "yes" | "free text..."}: one answer per question of the round's versions.
    answers = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True, help_text="The agency's summary of its involvement and learning")
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="auditsection_one_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.case.code}: {self.agency.name}"


class IndependentGrade(TimeStampedModel):
    """A grade given to a case by one person before the panel, without seeing anyone else's: two of these on
    one case are a double marking, and their agreement is reported (Cohen's kappa)."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="independent_grades")
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    graded_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "graded_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "grader"], name="independentgrade_once_per_grader"),
        ]


class PractitionerInvitation(TimeStampedModel):
    """A practitioner involved in the case, invited to the discussion; whether they took part and what they
    reflected (seed 003: "practitioners more involved")."""

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDED = "attended", "Took part"
        DECLINED = "declined", "Could not take part"

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="practitioners")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, help_text="Their role, e.g. Health visitor (not their name)")
    invited_on = models.DateField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices, default=Attendance.INVITED)
    reflections = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "agency__name", "pk"]


class Finding(TimeStampedModel):
    """Good practice or an area for development the panel found, tagged to a practice area; on a case, or
    for the round as a whole. Actions from it go to the shared tracker (source "MAA-2022-23-Q1/F3")."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", "Good practice"
        DEVELOPMENT = "development", "Area for development"

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="findings")
    case = models.ForeignKey(
        AuditCase, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    number = models.PositiveSmallIntegerField(help_text="1, 2, 3 ... within the round")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="finding_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round.code}/F{self.number}"

    @property
    def source_ref(self) -> str:
        """How its actions name it in the tracker: "MAA-2022-23-Q1/F3"."""
        return f"{self.round.code}/F{self.number}"


class Escalation(TimeStampedModel):
    """A child found at risk during the audit: the immediate escalation and who acted."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="escalations")
    raised_on = models.DateField()
    concern = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    acted_by = models.CharField(max_length=200, help_text="Who acted (role or name, as recorded)")
    action_taken = models.TextField()
    acted_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "raised_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acted_on__gte=F("raised_on")), name="escalation_acted_after_raised"
            ),
        ]
