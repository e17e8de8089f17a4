"""Forms for the briefing pages (GOV.UK style). They parse what was typed; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.briefings.models import (
    DETAIL_MAX_LENGTH,
    SECTIONS,
    SOURCE_REF_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Briefing,
    BriefingShare,
)
from safeguarding.core.forms import GovukDateField, GovukForm

DATE_HINT = "For example, 27 3 2023"


def _choice(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Select one"), *choices],
        error_messages={"required": f"Select {label.lower()}", "invalid_choice": "Select from the list"},
    )


def _section_field(name: str) -> forms.CharField:
    section = next(s for s in SECTIONS if s.name == name)
    return forms.CharField(
        label=section.title,
        help_text=section.hint,
        required=section.required,
        max_length=section.max_length,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": f"Enter the {section.title.lower()}",
            "max_length": f"{section.title} must be {section.max_length} characters or fewer, so the "
            "briefing fits on one page",
        },
    )


class BriefingSectionsForm(GovukForm):
    """The title and the seven sections (editing a briefing: its source is fixed)."""

    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX_LENGTH,
        help_text="What the learning is about, for example Professional curiosity about who lives at home",
        error_messages={
            "required": "Enter the title of the briefing",
            "max_length": f"The title must be {TITLE_MAX_LENGTH} characters or fewer",
        },
    )
    background = _section_field("background")
    why_it_matters = _section_field("why_it_matters")
    what_happened = _section_field("what_happened")
    what_we_learned = _section_field("what_we_learned")
    what_to_do_differently = _section_field("what_to_do_differently")
    questions_for_reflection = _section_field("questions_for_reflection")
    further_reading = _section_field("further_reading")

    SECTION_FIELDS = tuple(section.name for section in SECTIONS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.SECTION_FIELDS:
            # The GOV.UK character count tells people the limit as they type; a maxlength attribute would
            # instead cut pasted text off without a word (GOV.UK Design System, "Character count").
            self.fields[name].widget.attrs.pop("maxlength", None)

    def section_values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in ("title", *self.SECTION_FIELDS)}


class BriefingForm(BriefingSectionsForm):
    """A new briefing: what it is about (by code) and then the title and seven sections."""

    source_kind = _choice("What the briefing is about", [])
    source_ref = forms.CharField(
        label="Code",
        max_length=SOURCE_REF_MAX_LENGTH,
        help_text="The review code (like W14) or the audit round code: never a name",
        error_messages={
            "required": "Enter the code of the review or audit, like W14",
            "max_length": f"The code must be {SOURCE_REF_MAX_LENGTH} characters or fewer",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    field_order = ["source_kind", "source_ref", "title"]

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source_kind"]
        assert isinstance(field, forms.ChoiceField)
        labels = dict(Briefing.SourceKind.choices)
        field.choices = [("", "Select one"), *[(kind, labels[kind]) for kind in kinds]]

    def clean_source_ref(self) -> str:
        return str(self.cleaned_data["source_ref"]).strip().upper()


class PublishForm(GovukForm):
    published_on = GovukDateField(label="Date published", help_text=DATE_HINT)


class ShareForm(GovukForm):
    channel = _choice("How it was shared", BriefingShare.Channel.choices)
    detail = forms.CharField(
        label="Where exactly",
        max_length=DETAIL_MAX_LENGTH,
        help_text="For example, Practitioner newsletter, spring 2023",
        error_messages={
            "required": "Say where it was shared, for example Practitioner newsletter, spring 2023",
            "max_length": f"Where it was shared must be {DETAIL_MAX_LENGTH} characters or fewer",
        },
    )
    shared_on = GovukDateField(label="Date shared", help_text=DATE_HINT)


class KindFilterForm(forms.Form):
    """The list page's filter by source kind (a GET form; a value not in the list is ignored)."""

    kind = forms.ChoiceField(
        label="Show briefings from",
        required=False,
        choices=[("", "All sources"), *Briefing.SourceKind.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
