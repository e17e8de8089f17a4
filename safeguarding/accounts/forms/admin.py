"""Forms for the administration pages: agencies, teams, people, roles held, and the list filters.

The forms only parse and check input; the services in accounts/services/people.py make the change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from safeguarding.accounts.models import Agency, Team
from safeguarding.accounts.roles import ROLE_CHOICES, Role
from safeguarding.accounts.selectors import active_agencies, active_teams_grouped, sensitive_role_givers
from safeguarding.core.forms import GovukDateField, GovukForm

_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


class TeamChoiceField(forms.ChoiceField):
    """An optional team, listed under its agency; cleans to a Team or None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=self._choices_now, **kwargs)

    @staticmethod
    def _choices_now() -> list[Any]:
        return [("", "No team"), *active_teams_grouped()]

    def clean(self, value: Any) -> Team | None:
        value = super().clean(value)
        if not value:
            return None
        team = Team.objects.select_related("agency").filter(pk=value, active=True).first()
        if team is None:
            raise forms.ValidationError("Select a team from the list")
        return team


_ROLE_HINT = "What each role may see and do is on the Roles and permissions page."


def _role_field(**kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=[("", "Select a role"), *ROLE_CHOICES],
        error_messages={"required": "Select a role", "invalid_choice": "Select a role from the list"},
        help_text=_ROLE_HINT,
        **kwargs,
    )


class _GivableRolesMixin:
    """Offers only the roles the person filling in the form may give, and says why the others are missing.

    The service checks again; this keeps people from choosing a role only to be refused.
    """

    fields: dict[str, Any]

    def _limit_roles(self, givable: Sequence[Role] | None) -> None:
        if givable is None:
            return
        field = self.fields["role"]
        field.choices = [("", "Select a role"), *((role.code, role.name) for role in givable)]
        if len(givable) < len(ROLE_CHOICES):
            field.help_text = (
                "Roles that reach identifiable data (children's records or the access log) are not listed: "
                f"only a {sensitive_role_givers()} can give them. {_ROLE_HINT}"
            )


def _agency_field(**kwargs: Any) -> forms.ModelChoiceField[Agency]:
    return forms.ModelChoiceField(
        label="Agency",
        queryset=active_agencies(),
        empty_label="Select an agency",
        error_messages={"required": "Select an agency", "invalid_choice": "Select an agency from the list"},
        **kwargs,
    )


class _TeamInAgencyMixin:
    """The team, when given, must belong to the agency chosen."""

    cleaned_data: dict[str, Any]

    def _check_team_in_agency(self) -> None:
        agency: Agency | None = self.cleaned_data.get("agency")
        team: Team | None = self.cleaned_data.get("team")
        if agency is not None and team is not None and team.agency_id != agency.pk:
            self.add_error("team", f"Select a team in {agency.name}, or no team")  # type: ignore[attr-defined]


# --- Agencies and teams ---------------------------------------------------------------------------------


class ActiveStatusFilterForm(GovukForm):
    """A list filter with an "active / deactivated / both" choice; subclasses add their own fields."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active and deactivated"), ("active", "Active"), ("deactivated", "Deactivated")],
    )

    def active_filter(self) -> bool | None:
        return {"active": True, "deactivated": False}.get(self.cleaned_data.get("status") or "")


class AgencyFilterForm(ActiveStatusFilterForm):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *Agency.Kind.choices])
    field_order = ["kind", "status"]


class AgencyForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the agency's name"}
    )
    code = forms.CharField(
        label="Short code",
        max_length=20,
        help_text="Capital letters, numbers and hyphens, used in references and the API. For example WMP.",
        error_messages={"required": "Enter a short code"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=[("", "Select a kind"), *Agency.Kind.choices],
        error_messages={"required": "Select the kind of agency"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        if not _CODE_PATTERN.match(code):
            raise forms.ValidationError("Short code must use only capital letters, numbers and hyphens")
        return code


class AgencyContactForm(GovukForm):
    """What an agency's own lead may change: how to contact the agency."""

    email = AgencyForm.base_fields["email"]
    phone = AgencyForm.base_fields["phone"]
    address = AgencyForm.base_fields["address"]


class TeamForm(GovukForm):
    name = forms.CharField(
        label="Team name", max_length=200, error_messages={"required": "Enter the team's name"}
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


# --- People ---------------------------------------------------------------------------------------------


class PersonFilterForm(ActiveStatusFilterForm):
    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    agency = forms.ModelChoiceField(
        label="Agency", required=False, queryset=Agency.objects.order_by("name"), empty_label="All agencies"
    )
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "All roles"), *ROLE_CHOICES])
    field_order = ["q", "agency", "role", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].label = "Account"


class PersonForm(GovukForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name"}
    )
    email = forms.EmailField(
        label="Email address",
        help_text="They sign in with this address.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)

    def __init__(self, *args: Any, email_hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if email_hint:
            self.fields["email"].help_text = f"{self.fields['email'].help_text} {email_hint}"

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class InviteForm(_GivableRolesMixin, _TeamInAgencyMixin, GovukForm):
    full_name = PersonForm.base_fields["full_name"]
    email = PersonForm.base_fields["email"]
    job_title = PersonForm.base_fields["job_title"]
    agency = _agency_field(help_text="The agency they work for. You can give more roles later.")
    team = TeamChoiceField(label="Team", help_text="A team in the agency above, if they belong to one.")
    role = _role_field()

    clean_full_name = PersonForm.clean_full_name
    clean_email = PersonForm.clean_email

    def __init__(self, *args: Any, givable_roles: Sequence[Role] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_roles(givable_roles)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_team_in_agency()
        return cleaned


class MembershipForm(_GivableRolesMixin, _TeamInAgencyMixin, GovukForm):
    agency = _agency_field()
    team = TeamChoiceField(label="Team", help_text="A team in the agency above, if the role is for one team.")
    role = _role_field()
    starts_on = GovukDateField(
        label="Start date", help_text="The first day the role applies. For example, 27 3 2025."
    )

    def __init__(self, *args: Any, givable_roles: Sequence[Role] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self._limit_roles(givable_roles)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_team_in_agency()
        return cleaned
