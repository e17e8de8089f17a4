from __future__ import annotations

from django import forms

from safeguarding.access.services import MINIMUM_REASON_LENGTH
from safeguarding.core.forms import GovukForm


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        help_text=(
            "Say what safeguarding concern makes this necessary now. Your reason, your name and the time are "
            "recorded, and the business unit manager reviews every use."
        ),
        min_length=MINIMUM_REASON_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why you need to open this record",
            "min_length": f"Give the reason in at least {MINIMUM_REASON_LENGTH} characters",
        },
    )


class BreakGlassReviewForm(GovukForm):
    note = forms.CharField(
        label="Review note",
        help_text="For example: justified, the child was referred by this agency the same day.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a note about this use of break-glass"},
    )
