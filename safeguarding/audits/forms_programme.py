"""Forms for the audit programme pages: a programme, a round, a tool and its questions, a case's section,
and the search for a child to add to a round by hand."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.accounts.models import Agency, User
from safeguarding.audits.models import (
    AUDIT_THEMES,
    DEFAULT_CASE_COUNT,
    AuditQuestion,
    AuditRound,
    AuditTool,
    PracticeArea,
)
from safeguarding.audits.services.programme import MAX_CASES
from safeguarding.core.forms import GovukDateField, GovukForm


def _choice(
    label: str, choices: list[tuple[str, str]], *, required: bool = True, hint: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        help_text=hint,
        choices=[("", "Select one"), *choices],
        error_messages={"required": f"Select the {label.lower()}", "invalid_choice": "Select from the list"},
    )


def _date(label: str, hint: str = "") -> GovukDateField:
    return GovukDateField(label=label, required=False, help_text=hint or "For example, 27 3 2023")


class ProgrammeForm(GovukForm):
    year = forms.CharField(
        label="Financial year",
        max_length=7,
        help_text="4 digits, a hyphen and 2 digits, like 2022-23",
        error_messages={"required": "Enter the financial year, like 2022-23"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )


class RoundForm(GovukForm):
    """A round's plan. The quarter is chosen only when the round is made (it is part of the round's code)."""

    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        choices=[
            ("", "Select one"),
            (1, "Quarter 1 (April to June)"),
            (2, "Quarter 2 (July to September)"),
            (3, "Quarter 3 (October to December)"),
            (4, "Quarter 4 (January to March)"),
        ],
        error_messages={"required": "Select the quarter", "invalid_choice": "Select a quarter from the list"},
    )
    theme = _choice("Theme", list(AUDIT_THEMES.items()))
    theme_detail = forms.CharField(
        label="The theme as the report names it",
        max_length=200,
        required=False,
        help_text='For example "JTAI-Exploitation". Leave empty to use the theme\'s name.',
    )
    rationale = _choice("Why this theme was chosen", AuditRound.Rationale.choices)
    rationale_detail = forms.CharField(
        label="Why this theme now", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(
        label="Lead", queryset=User.objects.none(), required=False, empty_label="No lead yet"
    )
    case_count = forms.IntegerField(
        label="Number of children to audit",
        min_value=1,
        max_value=MAX_CASES,
        initial=DEFAULT_CASE_COUNT,
        error_messages={
            "required": "Enter the number of children to audit",
            "invalid": "Enter the number of children as a whole number, like 5",
            "min_value": "A round audits at least 1 child",
            "max_value": f"A round audits at most {MAX_CASES} children",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    opens_on = _date("Auditing starts")
    sections_due = _date("Agencies' sections are due")
    panel_date = _date("The moderation panel meets")

    def __init__(self, *args: Any, leads: list[User], with_quarter: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead_field = self.fields["lead"]
        assert isinstance(lead_field, forms.ModelChoiceField)
        lead_field.queryset = User.objects.filter(pk__in=[lead.pk for lead in leads]).order_by("full_name")
        if not with_quarter:
            del self.fields["quarter"]


class ToolForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the tool's name"})
    kind = forms.ChoiceField(
        label="Kind of questions",
        choices=[("", "Select one"), *AuditTool.Kind.choices],
        error_messages={"required": "Select the kind of questions", "invalid_choice": "Select from the list"},
    )
    theme = _choice("Theme", list(AUDIT_THEMES.items()), required=False, hint="For theme questions only")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(GovukForm):
    text = forms.CharField(
        label="Question",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 500 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="How it is answered",
        choices=[("", "Select one"), *AuditQuestion.Kind.choices],
        error_messages={
            "required": "Select how the question is answered",
            "invalid_choice": "Select from the list",
        },
    )
    practice_area = _choice("Practice area", PracticeArea.choices, required=False)
    guidance = forms.CharField(
        label="Guidance for the auditor",
        max_length=500,
        required=False,
        help_text="What the auditor should look for",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublishForm(GovukForm):
    change_note = forms.CharField(
        label="What changed from the last version",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SectionForm(GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select an agency from the list"},
    )
    auditor = forms.ModelChoiceField(
        label="Auditor",
        queryset=User.objects.filter(is_active=True, memberships__role="auditor")
        .distinct()
        .order_by("full_name"),
        required=False,
        empty_label="Not allocated yet",
        help_text="Someone with the auditor role in that agency",
        error_messages={"invalid_choice": "Select an auditor from the list"},
    )


class ChildSearchForm(GovukForm):
    """Find a child to add by hand: by name, or by the council's LA child ID."""

    name = forms.CharField(label="Name", max_length=200, required=False)
    la_child_id = forms.CharField(label="LA child ID", max_length=50, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name") or "").strip() and not (data.get("la_child_id") or "").strip():
            raise forms.ValidationError("Enter a name or an LA child ID to search for")
        return data
