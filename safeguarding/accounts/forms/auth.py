"""Forms for signing in, two-factor codes and password changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from safeguarding.core.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password. The password is case-sensitive.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your authenticator app shows now.",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-10"}
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "").strip()
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up two-factor sign-in. Each works once.",
        max_length=32,
        error_messages={"required": "Enter a recovery code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )
