"""The action tracker's forms: they parse what was typed; the rules live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.accounts.models import Agency, User
from safeguarding.actions.models import THEMES, Action
from safeguarding.actions.selectors import owner_candidates
from safeguarding.actions.services import not_an_owner_message
from safeguarding.core.forms import GovukCheckboxes, GovukDateField, GovukForm


def _with_blank(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *list(choices)]


class UpdateForm(GovukForm):
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the progress update"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=_with_blank(Action.Status.choices, "Leave the status as it is"),
        help_text="Mark it complete when the work is done, then upload the evidence",
    )


class EvidenceForm(GovukForm):
    file = forms.FileField(
        label="File",
        help_text="A PDF, PNG, JPG or Word document (DOCX), smaller than 10MB",
        error_messages={"required": "Select a file"},
    )
    description = forms.CharField(
        label="What the file shows",
        max_length=500,
        error_messages={"required": "Enter what the file shows"},
    )


class SendBackForm(GovukForm):
    reason = forms.CharField(
        label="Why the action is being sent back",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what evidence is missing or not enough. The owner is emailed these words.",
        error_messages={"required": "Enter why the action is being sent back"},
    )


class ImpactForm(GovukForm):
    approach = forms.ChoiceField(
        label="How the impact was assured",
        choices=_with_blank(Action.ImpactApproach.choices, "Select one"),
        error_messages={"required": "Choose how the impact was assured"},
    )
    rating = forms.ChoiceField(
        label="Impact rating",
        choices=_with_blank(Action.ImpactRating.choices, "Select one"),
        error_messages={"required": "Choose the impact rating"},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    indicator_code = forms.CharField(
        label="Indicator code",
        required=False,
        max_length=80,
        help_text="Where it can be measured: the registry code of the indicator showing the before and after",
    )
    audit_code = forms.CharField(
        label="Audit round",
        required=False,
        max_length=30,
        help_text="Or the code of a reported multi-agency audit round that shows it, like MAA-2022-23-Q4",
    )


class OwnerPersonForm(GovukForm):
    """Offers the owner agency's people today; anyone else is refused in the service's words."""

    owner_person = forms.ModelChoiceField(
        label="Owner",
        queryset=User.objects.none(),
        required=False,
        empty_label="No one: the agency's safeguarding leads hear about it",
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owner_candidates(action.owner_agency_id)
        field.error_messages["invalid_choice"] = not_an_owner_message(action.owner_agency)


class ReassignForm(GovukForm):
    owner_agency = forms.ModelChoiceField(
        label="New owner agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select one",
        error_messages={
            "required": "Choose the agency that will own the action",
            "invalid_choice": "Choose the agency that will own the action from the list",
        },
    )
    reason = forms.CharField(
        label="Why it is being reassigned",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written on the action as a progress update",
        error_messages={"required": "Enter why the action is being reassigned"},
    )


class DueDateForm(GovukForm):
    due_date = GovukDateField(label="New due date", help_text="For example, 30 9 2024")
    reason = forms.CharField(
        label="Why the due date is changing",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written on the action as a progress update, with the old and new dates",
        error_messages={"required": "Enter why the due date is changing"},
    )


class ActionCreateForm(GovukForm):
    title = forms.CharField(label="Action", max_length=300, error_messages={"required": "Enter the action"})
    description = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_kind = forms.ChoiceField(
        label="What it came from",
        choices=_with_blank(Action.SourceKind.choices, "Select one"),
        error_messages={"required": "Choose what the action came from"},
    )
    source_ref = forms.CharField(
        label="Source reference",
        required=False,
        max_length=100,
        help_text='For example the review code "W14"',
    )
    source_label = forms.CharField(label="Source in words", required=False, max_length=300)
    owner_agency = forms.ModelChoiceField(
        label="Owner agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select one",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 31 3 2024")
    themes = forms.MultipleChoiceField(
        label="Themes", required=False, choices=list(THEMES.items()), widget=GovukCheckboxes
    )
