"""The eMARF's pages, one form per section (and one per child or household member).

Each form checks what its page asks in GOV.UK words. Children and household members are then validated with
the referral schema's own models (ChildAnswers, HouseholdMemberAnswers), so postcode, NHS number and date
rules live in one place; the whole referral is validated again with ReferralAnswers when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.forms import BoundField
from pydantic import BaseModel, ValidationError

from safeguarding.accounts.models import Agency
from safeguarding.children.codes import Ethnicity, Sex
from safeguarding.core.forms import GovukDateField, GovukForm
from safeguarding.frontdoor.models import LEVEL_DESCRIPTORS, Concern, Contact, Level
from safeguarding.frontdoor.schemas import ChildAnswers, HouseholdMemberAnswers
from safeguarding.frontdoor.services.attachments import ALLOWED_DESCRIPTION

TEXT_LIMIT = 5000
NOT_SURE = "not_sure"
_VALUE_ERROR_PREFIX = "Value error, "


@dataclass(frozen=True)
class Option:
    """One radio button or checkbox, ready for the template."""

    value: str
    label: str
    hint: str
    checked: bool
    id: str


class OptionsBoundField(BoundField):
    """A choice field rendered as GOV.UK radios or checkboxes: the first input takes the field's id, so the
    error summary's link (#id_<name>) lands on it."""

    @property
    def options(self) -> list[Option]:
        current = self.value()
        if isinstance(current, list | tuple):
            chosen = {str(item) for item in current}
        else:
            chosen = set() if current in (None, "") else {str(current)}
        hints: dict[str, str] = getattr(self.field, "option_hints", {})
        choices: Any = getattr(self.field, "choices", [])
        return [
            Option(
                value=str(value),
                label=str(label),
                hint=hints.get(str(value), ""),
                checked=str(value) in chosen,
                id=self.auto_id if position == 0 else f"{self.auto_id}-{position + 1}",
            )
            for position, (value, label) in enumerate(choices)
        ]

    @property
    def is_options(self) -> bool:
        return True


class RadiosField(forms.TypedChoiceField):
    widget = forms.RadioSelect
    bound_field_class = OptionsBoundField

    def __init__(self, *, hints: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.option_hints = hints or {}


class CheckboxesField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    bound_field_class = OptionsBoundField

    def __init__(self, *, hints: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.option_hints = hints or {}


class YesNoField(RadiosField):
    """Yes or no, cleaned to a bool; a saved True or False shows as the matching radio."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("yes", "Yes"), ("no", "No")], coerce=_yes, empty_value=None, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _yes(value: str) -> bool:
    return value == "yes"


def _level(value: str) -> int | None:
    return None if value == NOT_SURE else int(value)


def _text(label: str, *, required: bool = False, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


def _long_text(label: str, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        **kwargs,
    )


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class StartForm(GovukForm):
    """Which agency the referral is made for, asked only of people who refer for more than one."""

    agency = RadiosField(
        label="Which agency are you referring for?",
        coerce=int,
        error_messages=_required("Select the agency you are referring for"),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        agency_field: Any = self.fields["agency"]
        agency_field.choices = [(agency.pk, agency.name) for agency in agencies]

    def chosen_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class ReferrerForm(GovukForm):
    referrer_phone = _text(
        "Your phone number",
        required=True,
        max_length=40,
        help_text="A number the MASH can call you on today",
        error_messages={
            "required": "Enter your phone number",
            "max_length": "Phone number must be 40 characters or fewer",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "type": "tel", "autocomplete": "tel"}
        ),
    )


class _SchemaCheckedForm(GovukForm):
    """A form whose answers are then validated by one of the referral schema's models."""

    schema: type[BaseModel]
    validated: BaseModel | None = None

    def schema_input(self) -> dict[str, Any]:
        raise NotImplementedError

    def whole_item_error_field(self) -> str:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validated = None
        try:
            self.validated = self.schema.model_validate(self.schema_input())
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                field = str(loc[0]) if loc else self.whole_item_error_field()
                if field in self.fields and field not in self.errors and field in cleaned:
                    self.add_error(field, str(error["msg"]).removeprefix(_VALUE_ERROR_PREFIX))
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The item as JSON for the draft (valid forms only)."""
        assert self.validated is not None
        return self.validated.model_dump(mode="json")


class ChildForm(_SchemaCheckedForm):
    schema = ChildAnswers

    first_name = _text(
        "First name", max_length=100, help_text="Leave empty for an unborn baby, or if you do not know it"
    )
    last_name = _text(
        "Last name",
        required=True,
        max_length=100,
        help_text="For an unborn baby, the mother's last name",
        error_messages={
            "required": "Enter the child's last name",
            "max_length": "Last name must be 100 characters or fewer",
        },
    )
    born = YesNoField(
        label="Has the child been born?",
        error_messages=_required("Select yes if the child has been born"),
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="If the child has been born. For example, 27 3 2015"
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        help_text="If the baby has not been born yet. For example, 14 9 2026",
    )
    sex = RadiosField(
        label="Sex",
        choices=[
            (Sex.FEMALE, "Female"),
            (Sex.MALE, "Male"),
            (Sex.NOT_RECORDED, "Not known"),
            (Sex.INDETERMINATE, Sex.INDETERMINATE.label),
        ],
        error_messages=_required("Select the child's sex, or 'Not known'"),
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        initial=Ethnicity.NOBT,
        error_messages=_required("Select the child's ethnicity, or 'Information not yet obtained'"),
    )
    address = _long_text("Address", help_text="Where the child lives now")
    postcode = _text(
        "Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"max_length": "Enter a real postcode, like WS1 1TP"},
    )
    school_or_setting = _text("School, nursery or other setting")
    gp_practice = _text("GP practice")
    nhs_number = _text(
        "NHS number",
        max_length=12,
        help_text="A 10-digit number, like 943 476 5919. Leave empty if you do not know it",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "max_length": "Enter a valid 10-digit NHS number, or leave it empty if you do not know it"
        },
    )
    disability_or_sen = _long_text(
        "Disability or special educational needs",
        help_text="Describe any disability or special educational needs (SEN), or leave empty if none",
    )
    first_language = _text("First language", max_length=100)
    interpreter_needed = YesNoField(
        label="Does the child or their family need an interpreter?",
        error_messages=_required("Select yes if the child or their family need an interpreter"),
    )

    def clean(self) -> dict[str, Any]:
        # Which date is needed depends on the answer to "born?"; the schema then checks the date itself.
        born = self.cleaned_data.get("born")
        if born is True and not self.cleaned_data.get("date_of_birth") and "date_of_birth" not in self.errors:
            self.add_error("date_of_birth", "Enter the child's date of birth")
        if (
            born is False
            and not self.cleaned_data.get("expected_date_of_birth")
            and ("expected_date_of_birth" not in self.errors)
        ):
            self.add_error("expected_date_of_birth", "Enter the expected date of birth")
        return super().clean()

    def schema_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        born = data.get("born")
        values = {
            name: data.get(name) or ""
            for name in (
                "first_name",
                "last_name",
                "address",
                "postcode",
                "school_or_setting",
                "gp_practice",
                "nhs_number",
                "disability_or_sen",
                "first_language",
            )
        }
        return {
            **values,
            "date_of_birth": data.get("date_of_birth") if born is not False else None,
            "expected_date_of_birth": data.get("expected_date_of_birth") if born is False else None,
            "sex": data.get("sex") or Sex.NOT_RECORDED,
            "ethnicity": data.get("ethnicity") or Ethnicity.NOBT,
            "interpreter_needed": bool(data.get("interpreter_needed")),
        }

    def whole_item_error_field(self) -> str:
        # The child's own rule is about dates; until "born?" is answered there is no date field to point at.
        born = self.cleaned_data.get("born")
        if born is None:
            return ""
        return "date_of_birth" if born else "expected_date_of_birth"

    @staticmethod
    def initial_from(child: dict[str, Any]) -> dict[str, Any]:
        initial = dict(child)
        for name in ("date_of_birth", "expected_date_of_birth"):
            initial[name] = _as_date(child.get(name))
        if initial["date_of_birth"]:
            initial["born"] = True
        elif initial["expected_date_of_birth"]:
            initial["born"] = False
        return initial


class HouseholdMemberForm(_SchemaCheckedForm):
    schema = HouseholdMemberAnswers

    name = _text(
        "Full name",
        required=True,
        error_messages={
            "required": "Enter the person's name",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    relationship = _text(
        "Relationship to the child or children",
        required=True,
        max_length=100,
        help_text="For example, mother, stepfather, grandmother, mother's partner, lodger",
        error_messages={
            "required": "Enter how the person is related to the child",
            "max_length": "Relationship must be 100 characters or fewer",
        },
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="If you know it. For example, 3 11 1988"
    )
    address = _long_text("Address", help_text="Leave empty if they live at the child's address")
    parental_responsibility = YesNoField(
        label="Do they have parental responsibility for the child?",
        help_text="Birth mothers always have it; fathers and others may have it through marriage, the birth "
        "certificate or a court order",
        error_messages=_required("Select yes if they have parental responsibility"),
    )
    lives_with_child = YesNoField(
        label="Do they live with the child?",
        error_messages=_required("Select yes if they live with the child"),
    )

    def clean(self) -> dict[str, Any]:
        date_of_birth = self.cleaned_data.get("date_of_birth")
        if date_of_birth and date_of_birth > date.today() and "date_of_birth" not in self.errors:
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        return super().clean()

    def schema_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data.get("name") or "",
            "relationship": data.get("relationship") or "",
            "date_of_birth": data.get("date_of_birth"),
            "address": data.get("address") or "",
            "parental_responsibility": bool(data.get("parental_responsibility")),
            "lives_with_child": bool(data.get("lives_with_child")),
        }

    def whole_item_error_field(self) -> str:
        return "name"

    @staticmethod
    def initial_from(member: dict[str, Any]) -> dict[str, Any]:
        return {**member, "date_of_birth": _as_date(member.get("date_of_birth"))}


class WorryForm(GovukForm):
    concerns = CheckboxesField(
        label="What are you worried about?",
        help_text="Select all that apply",
        choices=Concern.choices,
        error_messages=_required("Select at least one worry"),
    )
    what_happened = _long_text(
        "What happened?",
        required=True,
        help_text="Say what you saw or heard, what the child or others told you, and what worries you",
        error_messages={
            "required": "Describe what happened",
            "max_length": "What happened must be 5000 characters or fewer",
        },
    )
    when_happened = _text(
        "When did it happen?", help_text="For example, this morning, or between 3 and 5 March"
    )
    child_views = _long_text(
        "What has the child said?",
        help_text="Use the child's own words where you can, and say what they want to happen",
    )
    support_tried = _long_text(
        "What support has been tried?",
        help_text="Help from your agency or others, and what difference it made",
    )


class LevelForm(GovukForm):
    referrer_level = RadiosField(
        label="Which level of need do you think applies?",
        help_text="The MASH decides the level; your view helps. These are the Right Help, Right Time levels",
        choices=[*((level.value, level.label) for level in Level), (NOT_SURE, "I am not sure")],
        hints={str(level.value): text for level, text in LEVEL_DESCRIPTORS.items()},
        coerce=_level,
        empty_value=None,
        error_messages=_required("Select the level of need you think applies, or 'I am not sure'"),
    )


class DangerForm(GovukForm):
    immediate_danger = YesNoField(
        label="Is a child in immediate danger?",
        error_messages=_required("Select yes if a child is in immediate danger"),
    )
    called_999 = forms.BooleanField(
        label="I have called 999", required=False, help_text="Only if a child is in immediate danger"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("immediate_danger") is True and not cleaned.get("called_999"):
            self.add_error(
                "called_999",
                "If a child is in immediate danger, call 999 first, then confirm you have called",
            )
        if cleaned.get("immediate_danger") is False:
            cleaned["called_999"] = False
        return cleaned


class ConsentForm(GovukForm):
    parents_aware = RadiosField(
        label="Do the parents or carers know you are making this referral?",
        choices=Contact.ParentsAware.choices,
        error_messages=_required("Select whether the parents or carers know about this referral"),
    )
    consent = RadiosField(
        label="Do the parents or carers agree to the referral?",
        help_text="You do not need their agreement to share information when a child may be at risk of harm",
        choices=Contact.Consent.choices,
        error_messages=_required("Select whether the parents or carers agree to the referral"),
    )
    no_consent_reason = RadiosField(
        label="Why have the parents not agreed, or not been asked?",
        choices=Contact.NoConsentReason.choices,
        required=False,
        empty_value=None,
    )
    no_consent_detail = _long_text("Tell us more", help_text="Needed if you chose 'Another reason'")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        consent = cleaned.get("consent")
        if consent and consent != Contact.Consent.GIVEN:
            reason = cleaned.get("no_consent_reason")
            if not reason and "no_consent_reason" not in self.errors:
                self.add_error(
                    "no_consent_reason",
                    "Select why the parents have not agreed to this referral, or were not asked",
                )
            if reason == Contact.NoConsentReason.OTHER and not cleaned.get("no_consent_detail"):
                self.add_error(
                    "no_consent_detail", "Explain why the parents have not agreed, or were not asked"
                )
        elif consent == Contact.Consent.GIVEN:
            cleaned["no_consent_reason"] = None
            cleaned["no_consent_detail"] = ""
        return cleaned


class AttachmentForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"The file must be {ALLOWED_DESCRIPTION}, smaller than 10MB",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
