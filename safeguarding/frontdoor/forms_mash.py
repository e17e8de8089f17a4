"""Forms for the MASH's pages: recording a contact, the queue's filters, and the work on a contact.

The forms parse and check input; the services in frontdoor/services/mash.py make the change. Every form that
changes the MASH's work carries the contact's version the person saw (a hidden field), so a change made
meanwhile by someone else is caught (optimistic locking).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from safeguarding.accounts.models import Agency, User
from safeguarding.children.codes import Ethnicity, ReferralSource, Sex
from safeguarding.core.forms import GovukDateField, GovukForm
from safeguarding.frontdoor.models import LEVEL_DESCRIPTORS, Concern, Contact, Level
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.selectors.mash import RAG_NOT_RATED, QueueFilters, Worker, mash_workers
from safeguarding.frontdoor.services.mash import MASH_CHANNELS, Decision

TIME_PATTERN = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
TIME_HINT = "Use the 24-hour clock, for example 14:30"
PUBLIC = "public"
DATE_HINT = "For example, 27 3 2025"


# --- GOV.UK choice widgets ----------------------------------------------------------------------------------


class GovukRadios(forms.RadioSelect):
    """GOV.UK radios; `hints` gives a hint under an option. The first radio takes the field's id, so the
    error summary's link lands on it."""

    template_name = "frontdoor/mash/widgets/radios.html"

    def __init__(self, *args: Any, hints: Mapping[Any, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = {str(key): value for key, value in (hints or {}).items()}

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        if index in (None, "0"):
            return id_
        return super().id_for_label(id_, index)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["hint"] = self.hints.get(str(option["value"]), "")
        return option


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "frontdoor/mash/widgets/checkboxes.html"

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        if index in (None, "0"):
            return id_
        return super().id_for_label(id_, index)


def _time_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=TIME_HINT,
        error_messages={"required": f"Enter the {label.lower()}"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


def _parse_time(value: str, label: str) -> time | None:
    if not value:
        return None
    match = TIME_PATTERN.match(value)
    if match is None:
        raise forms.ValidationError(f"{label} must be a real time, like 14:30")
    return time(int(match.group(1)), int(match.group(2)))


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


def _now_hhmm() -> str:
    return timezone.localtime().strftime("%H:%M")


# --- The version the person saw -------------------------------------------------------------------------


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def clean_version(self) -> int:
        return int(self.cleaned_data["version"])


def with_current_version(data: Any, version: int) -> Any:
    """The person's input with the contact's current version, to re-show after a conflict.

    Everything they typed is kept; sending the form again applies it to the contact as it now stands.
    """
    copied = data.copy()
    copied["version"] = str(version)
    return copied


# --- Recording a contact ------------------------------------------------------------------------------------


def _agency_choices() -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(active=True).order_by("name").values_list("pk", "name")
    return [
        ("", "Select the agency"),
        (PUBLIC, "Member of the public (no agency)"),
        *((str(pk), name) for pk, name in agencies),
    ]


class ContactRecordForm(GovukForm):
    """The contact itself (the children and household members are ChildForm and HouseholdMemberForm)."""

    channel = forms.ChoiceField(
        label="How did the contact arrive?",
        choices=[(c.value, c.label) for c in MASH_CHANNELS],
        widget=GovukRadios,
        error_messages={"required": "Select how the contact arrived"},
    )
    received_date = GovukDateField(label="Date received", help_text=DATE_HINT, initial=timezone.localdate)
    received_time = _time_field("Time received")
    source = forms.ChoiceField(
        label="Referral source",
        help_text="Who made the contact, as the CIN census records it",
        choices=[("", "Select the source"), *ReferralSource.choices],
        error_messages={"required": "Select the referral source"},
    )
    dash_risk = forms.ChoiceField(
        label="DASH risk level",
        help_text="Police domestic abuse notifications only: the level from the police DASH risk assessment",
        required=False,
        choices=[("", "Not a police domestic abuse notification"), *Contact.DashRisk.choices],
        widget=GovukRadios,
    )

    referrer_name = forms.CharField(
        label="Referrer's name", max_length=200, error_messages={"required": "Enter the referrer's name"}
    )
    referrer_role = forms.CharField(label="Referrer's role", max_length=200, required=False)
    referrer_agency = forms.ChoiceField(
        label="Referrer's agency",
        choices=_agency_choices,
        error_messages={"required": "Select the referrer's agency, or member of the public"},
    )
    referrer_phone = forms.CharField(
        label="Referrer's phone number",
        max_length=40,
        help_text="A number the MASH can call back on",
        error_messages={"required": "Enter the referrer's phone number"},
    )
    referrer_email = forms.EmailField(
        label="Referrer's email address",
        required=False,
        help_text="The outcome and next steps are emailed here",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )

    concerns = forms.MultipleChoiceField(
        label="What is the worry about?",
        help_text="Select all that apply",
        choices=Concern.choices,
        widget=GovukCheckboxes,
        error_messages={"required": "Select what the worry is about"},
    )
    what_happened = forms.CharField(
        label="What happened",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what happened"},
    )
    when_happened = forms.CharField(label="When it happened", max_length=200, required=False)
    child_views = forms.CharField(
        label="The child's own words and wishes",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    support_tried = forms.CharField(
        label="Support already tried",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referrer_level = forms.TypedChoiceField(
        label="Level of need the referrer suggested",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "The referrer did not say"), *Level.choices],
        widget=GovukRadios,
    )
    immediate_danger = forms.BooleanField(label="A child is in immediate danger", required=False)
    called_999 = forms.BooleanField(label="The police have been called on 999", required=False)
    parents_aware = forms.ChoiceField(
        label="Do the parents know about this contact?",
        choices=Contact.ParentsAware.choices,
        initial=Contact.ParentsAware.NOT_KNOWN,
        widget=GovukRadios,
    )
    consent = forms.ChoiceField(
        label="Do the parents agree?",
        choices=Contact.Consent.choices,
        initial=Contact.Consent.NOT_SOUGHT,
        widget=GovukRadios,
    )
    no_consent_reason = forms.ChoiceField(
        label="Why the parents do not agree, or were not asked",
        required=False,
        choices=[("", "Select a reason"), *Contact.NoConsentReason.choices],
    )
    no_consent_detail = forms.CharField(
        label="More about consent", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_time", _now_hhmm())

    def clean_received_time(self) -> time | None:
        return _parse_time(self.cleaned_data.get("received_time", ""), "Time received")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, moment = cleaned.get("received_date"), cleaned.get("received_time")
        if day is not None and moment is not None:
            received = _at(day, moment)
            if received > timezone.now():
                self.add_error("received_date", "The date and time received must be now or in the past")
            cleaned["received_at"] = received
        return cleaned

    @property
    def agency(self) -> Agency | None:
        chosen = self.cleaned_data.get("referrer_agency")
        if not chosen or chosen == PUBLIC:
            return None
        return Agency.objects.filter(pk=chosen, active=True).first()


_CHILD_TEXT_FIELDS = (
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


class ChildForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=100, required=False, help_text="Leave empty for an unborn baby"
    )
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text=DATE_HINT)
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="For an unborn baby"
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.NOT_RECORDED)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    address = forms.CharField(
        label="Address", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    school_or_setting = forms.CharField(label="School or setting", max_length=200, required=False)
    gp_practice = forms.CharField(label="GP practice", max_length=200, required=False)
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    disability_or_sen = forms.CharField(
        label="Disability or special educational needs",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_language = forms.CharField(label="First language", max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required = required

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            data.get(name) for name in (*_CHILD_TEXT_FIELDS, "date_of_birth", "expected_date_of_birth")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            (self.required or not self.is_empty())
            and not cleaned.get("last_name")
            and "last_name" not in self.errors
        ):
            self.add_error("last_name", "Enter the child's last name")
        return cleaned

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.fields}


class HouseholdMemberForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, required=False)
    relationship = forms.CharField(
        label="Relationship to the child or children",
        max_length=100,
        required=False,
        help_text="For example, mother",
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text=DATE_HINT)
    address = forms.CharField(
        label="Address if different",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    lives_with_child = forms.BooleanField(label="Lives with the child", required=False)

    def is_empty(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (
            data.get("name") or data.get("relationship") or data.get("date_of_birth") or data.get("address")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.is_empty():
            if not cleaned.get("name") and "name" not in self.errors:
                self.add_error("name", "Enter the household member's name")
            if not cleaned.get("relationship") and "relationship" not in self.errors:
                self.add_error("relationship", "Enter how they are related to the child")
        return cleaned

    def answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


def referral_answers(
    main: ContactRecordForm, children: list[ChildForm], household: list[HouseholdMemberForm]
) -> ReferralAnswers | None:
    """The answers checked by the one referral schema (ReferralAnswers); its errors go onto the fields.

    Call after every form is valid. Returns None when the schema found problems (now on the forms).
    """
    data = main.cleaned_data
    kept_children = [form for form in children if not form.is_empty()]
    kept_household = [form for form in household if not form.is_empty()]
    raw = {
        "referrer_phone": data["referrer_phone"],
        "children": [form.answers() for form in kept_children],
        "household": [form.answers() for form in kept_household],
        "concerns": data["concerns"],
        "what_happened": data["what_happened"],
        "when_happened": data.get("when_happened", ""),
        "child_views": data.get("child_views", ""),
        "support_tried": data.get("support_tried", ""),
        "referrer_level": data.get("referrer_level"),
        "immediate_danger": data.get("immediate_danger", False),
        "called_999": data.get("called_999", False),
        "parents_aware": data["parents_aware"],
        "consent": data["consent"],
        "no_consent_reason": data.get("no_consent_reason") or None,
        "no_consent_detail": data.get("no_consent_detail", ""),
    }
    try:
        return ReferralAnswers.model_validate(raw)
    except PydanticValidationError as exc:
        for error in exc.errors():
            _place_schema_error(error, main, kept_children, kept_household)
        return None


# Messages from the schema's whole-referral checks, and the field each belongs to.
_TOP_LEVEL_FIELDS = (
    ("999", "called_999"),
    ("Explain why", "no_consent_detail"),
    ("parents have not agreed", "no_consent_reason"),
)


def _schema_message(error: Mapping[str, Any], form: forms.Form, name: str | None) -> str:
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    label = str(form.fields[name].label) if name and name in form.fields else ""
    kind = str(error.get("type", ""))
    if label and kind in {"string_too_short", "missing", "too_short"}:
        return f"Enter {label[0].lower()}{label[1:]}"
    if label and kind in {"string_too_long", "too_long"}:
        return f"{label} is too long"
    return message


def _place_schema_error(
    error: Mapping[str, Any],
    main: ContactRecordForm,
    children: list[ChildForm],
    household: list[HouseholdMemberForm],
) -> None:
    location = tuple(error.get("loc", ()))
    if (
        location
        and location[0] in ("children", "household")
        and len(location) >= 2
        and isinstance(location[1], int)
    ):
        forms_list: list[Any] = children if location[0] == "children" else household
        form = forms_list[location[1]]
        name = str(location[2]) if len(location) > 2 and str(location[2]) in form.fields else None
        if name is None and location[0] == "children":
            name = "date_of_birth"  # the child's own checks are all about the dates
        form.add_error(name, _schema_message(error, form, name))
        return
    if location and str(location[0]) in main.fields:
        name = str(location[0])
        main.add_error(name, _schema_message(error, main, name))
        return
    message = _schema_message(error, main, None)
    for fragment, name in _TOP_LEVEL_FIELDS:
        if fragment in message:
            main.add_error(name, message)
            return
    main.add_error(None, message)


# --- The queue's filters ------------------------------------------------------------------------------------


def _filter_agency_choices() -> list[tuple[str, str]]:
    agencies = Agency.objects.filter(active=True).order_by("name").values_list("pk", "name")
    return [("", "Any agency"), *((str(pk), name) for pk, name in agencies)]


class QueueFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[
            ("", "Any open contact"),
            (Contact.Status.NEW, "New"),
            (Contact.Status.IN_PROGRESS, "In progress"),
            (Contact.Status.AWAITING_AUTHORISATION, "Waiting for a manager"),
        ],
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Any rating"), *Contact.Rag.choices, (RAG_NOT_RATED, "Not rated")],
    )
    worker = forms.ChoiceField(
        label="Worker",
        required=False,
        choices=[(Worker.ANYONE, "Anyone"), (Worker.ME, "Assigned to me"), (Worker.UNASSIGNED, "Nobody yet")],
    )
    level = forms.TypedChoiceField(
        label="Level suggested by the referrer",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *((value, f"Level {value}") for value in Level.values)],
    )
    concern = forms.ChoiceField(label="Worry", required=False, choices=[("", "Any worry"), *Concern.choices])
    agency = forms.TypedChoiceField(
        label="Source agency", required=False, coerce=int, empty_value=None, choices=_filter_agency_choices
    )
    overdue = forms.BooleanField(label="Only contacts past the decision deadline", required=False)

    def queue_filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return QueueFilters(
            level=data.get("level"),
            concern=data.get("concern", ""),
            agency_id=data.get("agency"),
            worker=data.get("worker", ""),
            rag=data.get("rag", ""),
            status=data.get("status", ""),
            overdue=bool(data.get("overdue")),
        )


# --- Work on a contact --------------------------------------------------------------------------------------


class ClaimForm(VersionedForm):
    pass


class AssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=User.objects.none(),
        empty_label="Select a MASH worker",
        error_messages={
            "required": "Select who will work the contact",
            "invalid_choice": "Select a MASH worker",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read the people who work contacts now, not when the module was imported.
        self.fields["assignee"].queryset = mash_workers()  # type: ignore[attr-defined]


class RagForm(VersionedForm):
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Contact.Rag.choices,
        widget=GovukRadios(
            hints={
                Contact.Rag.RED: "A child may be at risk of significant harm: act today",
                Contact.Rag.AMBER: "Concerns that need information from partners before deciding",
                Contact.Rag.GREEN: "Lower-level needs",
            }
        ),
        error_messages={"required": "Select red, amber or green"},
    )


class ChildLinkForm(VersionedForm):
    child = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)


class AgencyCheckRequestForm(VersionedForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Select the agency",
        error_messages={
            "required": "Select the agency you are asking",
            "invalid_choice": "Select an agency from the list",
        },
    )
    question = forms.CharField(
        label="What are you asking?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you are asking the agency"},
    )
    due_date = GovukDateField(label="Answer due on", required=False)
    due_time = _time_field("Answer due by", required=False)

    def __init__(self, *args: Any, default_due: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]
        if default_due is not None:
            local = timezone.localtime(default_due)
            when = f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"
            self.fields["due_date"].help_text = f"Leave the date and time empty for the default: {when}"

    def clean_due_time(self) -> time | None:
        return _parse_time(self.cleaned_data.get("due_time", ""), "Answer due by")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, moment = cleaned.get("due_date"), cleaned.get("due_time")
        cleaned["due_at"] = None
        if day is not None and moment is None and "due_time" not in self.errors:
            self.add_error("due_time", "Enter the time the answer is due by, as well as the date")
        elif day is None and moment is not None and "due_date" not in self.errors:
            self.add_error("due_date", "Enter the date the answer is due on, as well as the time")
        elif day is not None and moment is not None:
            due = _at(day, moment)
            if due <= timezone.now():
                self.add_error("due_date", "The answer must be due in the future")
            cleaned["due_at"] = due
        return cleaned


class AgencyCheckAnswerForm(VersionedForm):
    answer = forms.CharField(
        label="What the agency told you",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the agency told you"},
    )
    answered_by_name = forms.CharField(
        label="Who answered",
        max_length=200,
        help_text="Their name and role in the agency",
        error_messages={"required": "Enter who answered for the agency"},
    )
    answered_date = GovukDateField(label="Date answered", initial=timezone.localdate, help_text=DATE_HINT)
    answered_time = _time_field("Time answered")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("answered_time", _now_hhmm())

    def clean_answered_time(self) -> time | None:
        return _parse_time(self.cleaned_data.get("answered_time", ""), "Time answered")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, moment = cleaned.get("answered_date"), cleaned.get("answered_time")
        if day is not None and moment is not None:
            answered = _at(day, moment)
            if answered > timezone.now():
                self.add_error("answered_date", "The date and time answered must be now or in the past")
            cleaned["answered_at"] = answered
        return cleaned


_OUTCOME_HINTS = {
    Contact.Outcome.LEVEL_1: LEVEL_DESCRIPTORS[Level.UNIVERSAL],
    Contact.Outcome.LEVEL_2: LEVEL_DESCRIPTORS[Level.SINGLE_AGENCY],
    Contact.Outcome.LEVEL_3: LEVEL_DESCRIPTORS[Level.EARLY_HELP]
    + " Creates an early help request for each child.",
    Contact.Outcome.LEVEL_4: LEVEL_DESCRIPTORS[Level.STATUTORY]
    + " Creates a referral to children's social care for each child; needs a MASH manager's authorisation.",
    Contact.Outcome.NFA: "No service is needed. On a red-rated contact, a MASH manager must authorise it.",
}


class DecisionForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Contact.Outcome.choices,
        widget=GovukRadios(hints=_OUTCOME_HINTS),
        error_messages={"required": "Select the outcome"},
    )
    nfa_reason = forms.CharField(
        label="Reason for no further action",
        max_length=200,
        required=False,
        help_text="Only for no further action",
    )
    strategy_discussion = forms.BooleanField(
        label="A strategy discussion is to be held (level 4: harm is suspected, section 47)", required=False
    )
    strategy_discussion_date = GovukDateField(
        label="Date of the strategy discussion", required=False, help_text=DATE_HINT
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=10000,
        help_text="Why this level: the risks, strengths and what partners told the MASH",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the rationale for the decision"},
    )
    feedback = forms.CharField(
        label="Outcome and next steps for the referrer",
        max_length=5000,
        help_text="This is emailed to the referrer and shown on their page. Say what happens next; do not "
        "include what partner agencies told the MASH.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the outcome and next steps to send to the referrer"},
    )

    def __init__(self, *args: Any, received_on: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.received_on = received_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        outcome = cleaned.get("outcome")
        if outcome == Contact.Outcome.NFA and not cleaned.get("nfa_reason"):
            self.add_error("nfa_reason", "Enter the reason for no further action")
        if cleaned.get("strategy_discussion"):
            sd_date = cleaned.get("strategy_discussion_date")
            if outcome and outcome != Contact.Outcome.LEVEL_4:
                self.add_error("strategy_discussion", "A strategy discussion is only decided with level 4")
            elif sd_date is None and "strategy_discussion_date" not in self.errors:
                self.add_error("strategy_discussion_date", "Enter the date of the strategy discussion")
            elif sd_date is not None and self.received_on is not None and sd_date < self.received_on:
                self.add_error(
                    "strategy_discussion_date",
                    "The strategy discussion date must be on or after the day the contact arrived",
                )
        elif cleaned.get("strategy_discussion_date") is not None:
            self.add_error("strategy_discussion", "Select this if a strategy discussion is to be held")
        return cleaned

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            outcome=data["outcome"],
            rationale=data["rationale"],
            feedback=data["feedback"],
            nfa_reason=data.get("nfa_reason", ""),
            strategy_discussion_date=data.get("strategy_discussion_date")
            if data.get("strategy_discussion")
            else None,
        )


class AuthoriseForm(VersionedForm):
    pass


class SendBackForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you sending the decision back?",
        max_length=5000,
        help_text="The practitioner sees this in the contact's log of work",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are sending the decision back"},
    )
