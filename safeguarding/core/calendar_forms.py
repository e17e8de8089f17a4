"""The form for adding a local closure day, with the GOV.UK date input (day, month and year boxes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from safeguarding.core.forms import GovukForm
from safeguarding.core.services import REASON_MAX_LENGTH, closure_day_problem

DATE_PARTS = ("date_day", "date_month", "date_year")
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


def _part(label: str, width: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": f"govuk-date-input__input govuk-input--width-{width}",
                "inputmode": "numeric",
            }
        ),
    )


class LocalClosureDayForm(GovukForm):
    """A weekday that is not a bank holiday or a closure day already, and why the offices are closed.

    Errors about the date are attached to the day box, so the error summary links to the first box of the
    date, as the GOV.UK pattern asks; every box of the date is then shown in the error state.
    """

    date_day = _part("Day", 2)
    date_month = _part("Month", 2)
    date_year = _part("Year", 4)
    reason = forms.CharField(
        label="Why are the offices closed?",
        max_length=REASON_MAX_LENGTH,
        help_text="For example, Council offices closed between Christmas and New Year",
        error_messages={
            "required": "Enter why the offices are closed",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = {name: (cleaned.get(name) or "").strip() for name in DATE_PARTS}
        if not any(parts.values()):
            self.add_error("date_day", "Enter the date the offices are closed")
            return cleaned
        missing = [name.removeprefix("date_") for name, value in parts.items() if not value]
        if missing:
            self.add_error("date_day", f"The date must include a {' and a '.join(missing)}")
            return cleaned
        if not all(value.isdigit() for value in parts.values()):
            self.add_error("date_day", "The date must be a real date, in numbers, like 27 12 2024")
            return cleaned
        if len(parts["date_year"]) != 4:
            self.add_error("date_day", "The year must include 4 numbers")
            return cleaned
        try:
            day = date(int(parts["date_year"]), int(parts["date_month"]), int(parts["date_day"]))
        except ValueError:
            self.add_error("date_day", "The date must be a real date")
            return cleaned
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            self.add_error("date_day", f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
            return cleaned
        problem = closure_day_problem(day)
        if problem is not None:
            self.add_error("date_day", problem)
            return cleaned
        cleaned["date"] = day
        return cleaned

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal (e.g. a date added by someone else a moment ago) on the right field."""
        for name, messages in error.message_dict.items():
            self.add_error("date_day" if name == "date" else name if name in self.fields else None, messages)

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_date_boxes()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_date_boxes()

    @property
    def date_errors(self) -> list[str]:
        errors = getattr(self, "_errors", None) or {}
        return [message for name in DATE_PARTS for message in errors.get(name, [])]

    def _mark_date_boxes(self) -> None:
        # One error covers the whole date, so every box is shown in the error state and points at it.
        if not self.date_errors:
            return
        for name in DATE_PARTS:
            widget = self.fields[name].widget
            css = widget.attrs.get("class", "")
            if "govuk-input--error" not in css.split():
                widget.attrs["class"] = f"{css} govuk-input--error"
            # The template shows the date's one error message with this id, above the three boxes.
            widget.attrs["aria-describedby"] = "date-error"
