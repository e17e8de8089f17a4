"""7-minute learning briefings: the learning from a case review or a multi-agency audit in seven short
sections that a team can read together in about seven minutes (issue 6, section 5; issue 7, section 2).

A briefing is known by its source's code ("W14", an audit round code), never by a name. Each section has a
maximum length chosen so that a briefing with every section at its maximum still prints on one A4 page
(tests/test_pdf.py proves it). Where it was shared (newsletter, event, website...) is recorded beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeguarding.core.models import TimeStampedModel

SOURCE_REF_MAX_LENGTH = 20
TITLE_MAX_LENGTH = 100
DETAIL_MAX_LENGTH = 200
# Lines a section may have (after blank lines are dropped): each line break costs printed height, so the
# one-page promise needs a limit on them as well as on characters.
SECTION_MAX_LINES = 8


@dataclass(frozen=True)
class Section:
    """One of the seven sections: its field, its heading, its maximum length and what it should say."""

    name: str
    title: str
    max_length: int
    hint: str
    required: bool = True


# The maximum lengths add up to 3,210 characters: with the print layout (briefings/print.css, 9pt sans
# serif in two columns on A4) that is one page even with every section at its maximum in 8 lines, in
# Liberation Sans or in the wider DejaVu Sans (tests/test_pdf.py; the margins were measured for both).
SECTIONS: tuple[Section, ...] = (
    Section(
        "background", "Background", 420, "The case or audit in a few sentences, by its code, never a name"
    ),
    Section("why_it_matters", "Why it matters", 380, "Why practitioners should care about this learning"),
    Section("what_happened", "What happened", 570, "What the review or audit found happened, briefly"),
    Section("what_we_learned", "What we learned", 570, "The key learning points"),
    Section(
        "what_to_do_differently",
        "What to do differently",
        520,
        "What practitioners and managers should now do differently",
    ),
    Section(
        "questions_for_reflection",
        "Questions for reflection",
        420,
        "Questions for a team to discuss, one on each line",
    ),
    Section(
        "further_reading",
        "Further reading",
        330,
        "Reports, guidance and training to follow up, one on each line",
        required=False,
    ),
)
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}
SECTION_NAMES = tuple(section.name for section in SECTIONS)


def _section_field(name: str) -> models.TextField[str, str]:
    section = SECTIONS_BY_NAME[name]
    return models.TextField(max_length=section.max_length, blank=not section.required, help_text=section.hint)


class Briefing(TimeStampedModel):
    class SourceKind(models.TextChoices):
        CASE_REVIEW = "case_review", "Case review"
        AUDIT = "audit", "Multi-agency audit"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_ref = models.CharField(
        max_length=SOURCE_REF_MAX_LENGTH,
        help_text="The source's code, for example review W14 or an audit round code; never a name",
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    background = _section_field("background")
    why_it_matters = _section_field("why_it_matters")
    what_happened = _section_field("what_happened")
    what_we_learned = _section_field("what_we_learned")
    what_to_do_differently = _section_field("what_to_do_differently")
    questions_for_reflection = _section_field("questions_for_reflection")
    further_reading = _section_field("further_reading")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_ref"], name="briefing_one_per_source"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="briefing_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"7-minute briefing {self.source_ref}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def source_label(self) -> str:
        """ "Case review W14": how the briefing names its source everywhere, by code."""
        return f"{self.get_source_kind_display()} {self.source_ref}"

    def sections(self) -> list[tuple[int, Section, str]]:
        """The seven sections in order, numbered from 1, with their text."""
        return [(n, section, getattr(self, section.name)) for n, section in enumerate(SECTIONS, start=1)]


class BriefingShare(TimeStampedModel):
    """One time a published briefing was shared: where, how and when (issue 6, section 5)."""

    class Channel(models.TextChoices):
        NEWSLETTER = "newsletter", "Newsletter"
        EVENT = "event", "Event"
        WEBSITE = "website", "Website"
        TRAINING = "training", "Training session"
        EMAIL_CASCADE = "email_cascade", "Email cascade"
        OTHER = "other", "Other"

    briefing = models.ForeignKey(Briefing, on_delete=models.PROTECT, related_name="shares")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    detail = models.CharField(
        max_length=DETAIL_MAX_LENGTH, help_text='Where exactly, e.g. "Practitioner newsletter, spring 2023"'
    )
    shared_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.detail}"
