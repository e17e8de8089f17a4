"""Forms for the case review pages (GOV.UK style). They parse what was typed; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.accounts.models import Agency, User
from safeguarding.actions.models import THEMES
from safeguarding.children.codes import Ethnicity
from safeguarding.core.forms import GovukCheckboxes, GovukDateField, GovukForm
from safeguarding.reviews.models import (
    CODE_MAX_LENGTH,
    CaseReview,
    Decision,
    MilestoneStage,
    RapidReviewRequest,
    Reviewer,
    ReviewerAppointment,
    ReviewPause,
)
from safeguarding.reviews.models import ReviewSubject as Subject

DATE_HINT = "For example, 27 3 2023"
REVIEW_ROLES = ("business_unit_officer", "business_unit_manager", "case_reviewer")


def _date(label: str, *, required: bool = True, hint: str = DATE_HINT) -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=hint)


def _choice(label: str, choices: Any, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=[("", "Select one"), *choices],
        error_messages={"required": f"Select the {label.lower()}", "invalid_choice": "Select from the list"},
    )


def _agencies() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select an agency from the list"},
    )


def _agency_boxes(label: str, hint: str = "") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Agency.objects.order_by("name"),
        required=False,
        widget=GovukCheckboxes,
        help_text=hint,
    )


def _review_code() -> forms.CharField:
    return forms.CharField(
        label="Review code",
        max_length=CODE_MAX_LENGTH,
        help_text="Used everywhere instead of names, for example W14",
        error_messages={"required": "Enter the review code, like W14"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )


def _owner() -> forms.ModelChoiceField:
    """The review's owner: someone active in a role that runs case reviews."""
    return forms.ModelChoiceField(
        label="Owner in the business unit",
        queryset=User.objects.filter(memberships__role__in=REVIEW_ROLES, is_active=True)
        .distinct()
        .order_by("full_name"),
        required=False,
        empty_label="No owner yet",
        help_text="Hears about the review's deadlines",
    )


class ReviewCodeForm(GovukForm):
    """A form with a new review's code, upper-cased as typed ("w14" is W14)."""

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class ReferralForm(ReviewCodeForm):
    code = _review_code()
    kind = _choice("Type of referral", CaseReview.Kind.choices)
    subject_type = _choice("Child or adult", CaseReview.SubjectType.choices)
    aware_date = _date("Date the partnership became aware")
    referred_by_agency = _agencies()
    agencies_involved = _agency_boxes("Agencies involved")
    owner = _owner()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referred_by_agency"].label = "Referred by"


class ReferralDetailsForm(ReferralForm):
    """The referral's facts and owner, to correct after referral; the code never changes."""

    code = None  # type: ignore[assignment]


class SubjectForm(GovukForm):
    """The restricted identity and equality data (only shown to review.identity.view)."""

    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    date_of_birth = _date("Date of birth", required=False)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    age_at_incident = forms.IntegerField(
        label="Age at the incident",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the age as a whole number, like 7"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    sex = _choice("Sex", Subject.Sex.choices, required=False)
    ethnicity = _choice("Ethnicity", Ethnicity.choices, required=False)
    disability = _choice("Disability", Subject.Disability.choices, required=False)
    religion = forms.CharField(label="Religion or belief", max_length=100, required=False)
    sexual_orientation = _choice("Sexual orientation", Subject.SexualOrientation.choices, required=False)

    def subject_fields(self) -> dict[str, Any]:
        """The identity fields only, blanks as "" for the text columns (dates and ages stay None)."""
        data = {name: self.cleaned_data.get(name) for name in SubjectForm.base_fields}
        for key in (
            "sex",
            "ethnicity",
            "disability",
            "sexual_orientation",
            "religion",
            "address",
            "full_name",
        ):
            data[key] = data[key] or ""
        return data


class ReferralWithSubjectForm(ReferralForm, SubjectForm):
    """The referral form for case reviewers, who may also record who the review is about."""


class NotificationForm(GovukForm):
    notification_date = _date("Date the Panel was notified")


class InformationRequestForm(GovukForm):
    agency = _agencies()
    information = _choice("What was asked for", RapidReviewRequest.Information.choices)
    requested_on = _date("Date asked")
    due_date = _date("Due back")


class ReturnedForm(GovukForm):
    returned_on = _date("Date it came back")


class RapidReviewForm(GovukForm):
    meeting_date = _date("Date of the rapid review meeting")
    attending_agencies = _agency_boxes("Agencies that attended")
    immediate_actions = forms.CharField(
        label="Immediate safeguarding actions",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the immediate safeguarding actions, or 'None needed'"},
    )
    learning_identified = forms.CharField(
        label="Learning identified",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the learning identified"},
    )
    recommendation = _choice("Recommendation", Decision.choices)
    panel_response = forms.CharField(
        label="The National Panel's response", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    panel_response_date = _date("Date of the Panel's response", required=False)


class AttendeeForm(GovukForm):
    agency = _agencies()
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the attendee's name"},
        help_text="A professional at the meeting, never the family",
    )
    role = forms.CharField(label="Role (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].label = "Agency"


class DecisionForm(GovukForm):
    decision = _choice("Executive decision", Decision.choices)
    decided_by = forms.CharField(
        label="Decided by",
        max_length=200,
        help_text="As minuted, for example 'Executive group (chair: director of children's services)'",
        error_messages={"required": "Enter who made the decision"},
    )
    decided_on = _date("Date of the decision")


class PauseForm(GovukForm):
    reason = _choice("Reason", ReviewPause.Reason.choices)
    detail = forms.CharField(label="Detail", max_length=300, required=False)
    paused_on = _date("Paused from")


class ResumeForm(GovukForm):
    resumed_on = _date("Resumed on")


def _themes(hint: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Themes",
        choices=list(THEMES.items()),
        required=False,
        widget=GovukCheckboxes,
        help_text=hint,
        error_messages={"invalid_choice": "Select themes from the list"},
    )


class RecommendationForm(GovukForm):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the recommendation"},
    )
    themes = _themes("The learning themes it addresses")
    agreed_on = _date("Date the recommendation was agreed")


class RecommendationActionForm(GovukForm):
    title = forms.CharField(
        label="What the action is",
        max_length=300,
        error_messages={"required": "Enter what the action is"},
    )
    description = forms.CharField(
        label="More detail", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_agency = _agencies()
    due_date = _date("Due date")
    themes = _themes("Leave all unticked to use the recommendation's themes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].label = "Owner agency"


# --- Reviews in progress (issue 6, section 3) -----------------------------------------------------------


class ReviewerForm(GovukForm):
    """One reviewer in the partnership's pool."""

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the reviewer's name"}
    )
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    email = forms.CharField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    expertise = forms.CharField(
        label="Expertise",
        help_text="For example: children's social care, health, domestic abuse, safeguarding adult reviews",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the reviewer is expert in"},
    )
    active = forms.BooleanField(
        label="In the pool and available for new reviews", required=False, initial=True
    )


def _appointment(*, required: bool) -> forms.ChoiceField:
    field = _choice("How the reviewer was appointed", ReviewerAppointment.choices, required=required)
    field.error_messages["required"] = "Select how the reviewer was appointed"
    return field


def _reviewer_choice(*, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Reviewer",
        queryset=Reviewer.objects.none(),
        required=required,
        empty_label="Select a reviewer" if required else "Not appointed yet",
        help_text="From the reviewer pool",
        error_messages={
            "required": "Select the reviewer",
            "invalid_choice": "Select a reviewer from the list",
        },
    )


class _AppointmentFields(GovukForm):
    """The reviewer and how they were appointed; `reviewers` is the pool they may be chosen from."""

    def __init__(self, *args: Any, reviewers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reviewers if reviewers is not None else Reviewer.objects.filter(active=True)


class ReviewStartForm(_AppointmentFields):
    terms_of_reference = forms.CharField(
        label="Terms of reference",
        help_text="What the review will look at: its scope, the period and the key lines of enquiry",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the terms of reference"},
    )
    terms_agreed_on = _date("Date the terms of reference were agreed (the review starts that day)")
    reviewer = _reviewer_choice(required=False)
    reviewer_appointed_on = _date("Date the reviewer was appointed", required=False)
    reviewer_appointment = _appointment(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One optional planned date per milestone, in order: plan_scoping, plan_practitioner_event, ...
        for stage in MilestoneStage:
            self.fields[f"plan_{stage.value}"] = _date(f"Planned date: {stage.label.lower()}", required=False)
        self._describe_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reviewer"):
            if data.get("reviewer_appointment"):
                self.add_error("reviewer", "Select the reviewer, or leave how they were appointed blank")
            elif data.get("reviewer_appointed_on"):
                self.add_error("reviewer", "Select the reviewer, or leave the date they were appointed blank")
        return data

    def plan(self) -> dict[str, Any]:
        return {stage.value: self.cleaned_data.get(f"plan_{stage.value}") for stage in MilestoneStage}


class ReviewerSetForm(_AppointmentFields):
    reviewer = _reviewer_choice(required=True)
    reviewer_appointed_on = _date("Date the reviewer was appointed")
    reviewer_appointment = _appointment(required=True)


class MilestoneForm(GovukForm):
    planned_date = _date("Planned date", required=False)
    done_on = _date("Date it was done", required=False, hint="Leave blank until it is done. " + DATE_HINT)
    notes = forms.CharField(
        label="Notes", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, publication: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if publication:
            # Publication is done by "Publish the review", which records the date and the link.
            del self.fields["done_on"]


class PublishForm(GovukForm):
    published_on = _date("Date it was published")
    publication_url = forms.CharField(
        label="Web address of the published report",
        max_length=200,
        required=False,
        help_text="For example, https://example.org/reviews/w14",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )


class CloseForm(GovukForm):
    """Closing a review asks for nothing but the button."""


class ProposalForm(GovukForm):
    """A partner puts a case forward for consideration of a review."""

    agency = forms.ModelChoiceField(
        label="Your agency",
        queryset=Agency.objects.none(),
        empty_label="Select your agency",
        error_messages={
            "required": "Select your agency",
            "invalid_choice": "Select your agency from the list",
        },
    )
    kind = _choice("What kind of case", CaseReview.Kind.choices)
    subject_type = _choice("Child or adult", CaseReview.SubjectType.choices)
    aware_date = _date("Date your agency became aware of the incident")
    agencies_involved = _agency_boxes("Other agencies involved", "As far as you know")
    what_happened = forms.CharField(
        label="What happened, and why it may need a review",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what happened and why it may need a review"},
        help_text="Use initials, not names, here: the name goes in the restricted box below.",
    )
    subject_name = forms.CharField(
        label="Name of the child or adult",
        max_length=200,
        error_messages={"required": "Enter the name of the person the case is about"},
        help_text="Restricted: only case-review roles will see it.",
    )
    subject_date_of_birth = _date("Their date of birth (if known)", required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
        if agencies.count() == 1:
            self.initial.setdefault("agency", agencies.first())


class ProposalAcceptForm(ReviewCodeForm):
    code = _review_code()
    aware_date = _date(
        "Date the partnership became aware",
        hint="Usually the day the agency became aware, as it gave it. For example, 27 3 2023",
    )
    owner = _owner()


class ProposalDeclineForm(GovukForm):
    reason = forms.CharField(
        label="Why the case is not taken forward",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the case is not taken forward"},
        help_text="The person who put it forward is told this by email. Do not use names.",
    )
