"""Forms for auditing and moderation (GOV.UK style): they parse what was typed; the services hold the
rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from safeguarding.accounts.models import Agency
from safeguarding.actions.models import THEMES
from safeguarding.audits.models import (
    AuditCase,
    AuditQuestion,
    Finding,
    Grade,
    PracticeArea,
    PractitionerInvitation,
)
from safeguarding.audits.services.auditing import (
    FREE_TEXT_LIMIT,
    YES_NO_PARTLY,
    answer_field,
    unanswered,
)
from safeguarding.core.forms import GovukCheckboxes, GovukDateField, GovukForm

DATE_HINT = "For example, 27 3 2023"
SUBMIT = "submit"
SAVE = "save"


def _date(label: str) -> GovukDateField:
    return GovukDateField(label=label, help_text=DATE_HINT)


def _choice(label: str, choices: Any, *, required: bool = True, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        help_text=hint,
        choices=[("", "Select one"), *choices],
        error_messages={"required": f"Select the {label.lower()}", "invalid_choice": "Select from the list"},
    )


def _text(label: str, *, required: bool = True, rows: int = 4, message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=FREE_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": message or f"Enter the {label.lower()}",
            "max_length": f"Write {FREE_TEXT_LIMIT:,} characters or fewer",
        },
    )


class SectionAnswersForm(GovukForm):
    """One field per question of the round's tools ("q_<question id>"), then the agency's summary.

    Every answer is optional for a draft; the submit button makes the graded and yes/no/partly ones required,
    each missing one marked beside its question, and nothing typed is lost.
    """

    def __init__(self, *args: Any, questions: Iterable[AuditQuestion], submit: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.submit = submit
        for question in self.questions:
            label = f"{question.number_in_round}. {question.text}"
            hint = question.guidance
            field: forms.Field
            if question.kind == AuditQuestion.Kind.GRADED:
                field = _choice(label, Grade.choices, required=False, hint=hint)
            elif question.kind == AuditQuestion.Kind.YES_NO_PARTLY:
                field = _choice(label, YES_NO_PARTLY.items(), required=False, hint=hint)
            else:
                field = _text(label, required=False)
                field.help_text = hint
            self.fields[answer_field(question)] = field
        self.fields["summary"] = _text(
            "Your agency's summary of its involvement and learning", required=False, rows=6
        )
        # GovukFormMixin styled the fields it saw in __init__; style the ones added since.
        self._style_added_fields()

    def _style_added_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            css = widget.attrs.get("class", "")
            if isinstance(widget, forms.Select) and "govuk-select" not in css:
                widget.attrs["class"] = f"govuk-select {css}".strip()
            elif isinstance(widget, forms.Textarea) and "govuk-textarea" not in css:
                widget.attrs["class"] = f"govuk-textarea {css}".strip()
        self._describe_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.submit:
            for question in unanswered(self.questions, self.answers()):
                self.add_error(
                    answer_field(question), f"Answer question {question.number_in_round} before submitting"
                )
        return cleaned

    def answers(self) -> dict[str, str]:
        """The answers typed, by question id (empty ones left out)."""
        data = getattr(self, "cleaned_data", {})
        found = {}
        for question in self.questions:
            value = data.get(answer_field(question)) or ""
            if value:
                found[str(question.pk)] = value
        return found


class IndependentGradeForm(GovukForm):
    grade = _choice("Your grade", Grade.choices, hint="Grade the case before the panel, on your own")
    graded_on = _date("Date graded")


class PractitionerInviteForm(GovukForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Their agency",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select an agency from the list"},
    )
    role = forms.CharField(
        label="Their role",
        max_length=200,
        help_text="For example, Health visitor. Do not enter their name.",
        error_messages={"required": "Enter the practitioner's role"},
    )
    invited_on = _date("Date invited")

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class AttendanceForm(GovukForm):
    attendance = _choice("Did they take part?", PractitionerInvitation.Attendance.choices)
    reflections = _text("Their reflections", required=False, rows=5)


class FamilyViewsForm(GovukForm):
    family_views = _choice("Were the child's and family's views sought?", AuditCase.FamilyViews.choices)
    summary = _text("What the child and family said", required=False, rows=6)


class EscalationForm(GovukForm):
    raised_on = _date("Date raised")
    concern = _text("The concern about the child", message="Describe the concern about the child")
    acting_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="The agency that acted",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select an agency from the list"},
    )
    acted_by = forms.CharField(
        label="Who acted",
        max_length=200,
        help_text="Their role, or their name as recorded",
        error_messages={"required": "Enter who acted"},
    )
    action_taken = _text("What was done", message="Describe what was done")
    acted_on = _date("Date acted on")


class CaseGradeForm(GovukForm):
    grade = _choice("The panel's grade", Grade.choices)
    reason = _text("Why the panel gave this grade", message="Write why the panel gave this grade")
    moderated_on = _date("Date of the panel")


class FindingForm(GovukForm):
    kind = _choice("Kind of finding", Finding.Kind.choices)
    practice_area = _choice("Practice area", PracticeArea.choices)
    text = _text("The finding", message="Describe the finding")
    case = forms.ModelChoiceField(
        queryset=AuditCase.objects.none(),
        label="Case",
        required=False,
        empty_label="The round as a whole",
        error_messages={"invalid_choice": "Select a case from the list"},
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class FindingActionForm(GovukForm):
    title = forms.CharField(
        label="What the action is", max_length=300, error_messages={"required": "Enter what the action is"}
    )
    description = _text("More detail", required=False, rows=3)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Owner agency",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select an agency from the list"},
    )
    due_date = _date("Due date")
    themes = forms.MultipleChoiceField(
        label="Themes", choices=list(THEMES.items()), required=False, widget=GovukCheckboxes
    )


class RoundReportForm(GovukForm):
    reported_on = _date("Date reported to the PQA subgroup")
    summary = _text("The report's summary", rows=8, message="Write the report's summary")


class ConfirmForm(GovukForm):
    """A button with nothing to type: the page says what it does."""
