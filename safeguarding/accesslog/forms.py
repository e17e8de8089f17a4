"""The access log's filter form (read from the query string, so a filtered page can be bookmarked)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import EventFilters
from safeguarding.core.forms import GovukForm

# User numbers are ids of a 64-bit auto field: anything outside this range names nobody, and the databases
# refuse to compare a column with a larger number (SQLite raises OverflowError).
USER_NUMBER_MIN = 1
USER_NUMBER_MAX = 2**63 - 1

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %m %Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 27/3/2025"


def is_user_number(text: str) -> bool:
    """True when `text` is written as a user number: ASCII digits only ("²" and "١٢" are digits to Python)."""
    return text.isascii() and text.isdigit()


def user_number_in_range(number: int) -> bool:
    return USER_NUMBER_MIN <= number <= USER_NUMBER_MAX


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=DATE_HINT,
        error_messages={"invalid": f"{label} must be a real date, for example 27/3/2025"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )


class AccessLogFilterForm(GovukForm):
    date_from = _date_field("From")
    date_to = _date_field("To")
    agency = forms.CharField(
        label="Agency",
        required=False,
        max_length=200,
        help_text="Part of the agency's name, as it was when the person acted",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AccessEvent.Action.choices]
    )
    actor = forms.CharField(
        label="Person",
        required=False,
        max_length=254,
        help_text="Their email address, or their user number",
    )
    subject_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=100,
        help_text="For example, accounts.user",
    )
    subject_id = forms.CharField(label="Record number", required=False, max_length=64)

    def __init__(self, *args: Any, with_actor: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_actor:
            # The per-person page fixes the person; it filters everything else.
            del self.fields["actor"]

    def clean_actor(self) -> str:
        actor = (self.cleaned_data.get("actor") or "").strip()
        if is_user_number(actor):
            if not user_number_in_range(int(actor)):
                raise ValidationError(
                    f"Enter a user number from {USER_NUMBER_MIN} to {USER_NUMBER_MAX}, or the person's email "
                    "address"
                )
        elif actor:
            try:
                validate_email(actor)
            except ValidationError as exc:
                raise ValidationError(
                    "Enter the person's email address, like name@example.org, or their user number"
                ) from exc
        return actor

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "To must be the same as or after From")
        if cleaned.get("subject_id") and not cleaned.get("subject_type"):
            self.add_error("subject_type", "Enter the record type as well as the record number")
        return cleaned

    def filters(self, *, actor_id: int | None = None) -> EventFilters:
        """The cleaned filters; `actor_id` fixes the person (the per-person page)."""
        data = self.cleaned_data
        actor = data.get("actor", "")
        by_number = is_user_number(actor)
        if actor_id is None and by_number:
            actor_id = int(actor)
        return EventFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            agency=data.get("agency", "").strip(),
            action=data.get("action", ""),
            actor_id=actor_id,
            actor_email=actor if actor and not by_number else "",
            subject_type=data.get("subject_type", "").strip(),
            subject_id=data.get("subject_id", "").strip(),
        )
