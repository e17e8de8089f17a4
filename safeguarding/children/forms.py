"""Forms to add and correct the episodes of a child's journey (GOV.UK style).

Each form edits one record whose parent (the child, a CIN episode, a plan, a period of care) the view has
already set. After Django's own checks the form runs children.validation.date_problems on the record as it
would be saved, and shows each problem beside its field; the service runs the same check before saving.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from safeguarding.accounts.forms.admin import GovukDateField
from safeguarding.children.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    EarlyHelpClosureReason,
    EarlyHelpNeed,
    ExploitationRisk,
    ExploitationType,
    LegalStatus,
    PlacementType,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
)
from safeguarding.children.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    EarlyHelpReview,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.children.schemas import code_list
from safeguarding.children.validation import date_problems
from safeguarding.core.forms import GovukModelForm

DATE_HINT = "For example, 27 3 2023"
TIME_HINT = "Use the 24-hour clock, for example 14:30"
TIME_PATTERN = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes (the field is shown in a fieldset with its label as the legend)."""

    template_name = "children/widgets/checkboxes.html"

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        # The error summary links to the first box.
        return super().id_for_label(id_, "0" if index is None else index)


def _date(label: str, *, required: bool = False, hint: str = DATE_HINT) -> GovukDateField:
    return GovukDateField(label=label, required=required, help_text=hint)


def _choice(
    label: str, choices: Any, *, required: bool = True, empty: str = "Select one", codes: bool = True
) -> forms.ChoiceField:
    """A select; national codes are shown beside their meaning ("N1: Abuse or neglect")."""
    options = [(value, f"{value}: {text}" if codes else text) for value, text in choices]
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=[("", empty), *options],
        error_messages={
            "required": f"Select the {label.lower()}",
            "invalid_choice": f"Select the {label.lower()} from the list",  # noqa: S608 (a message, not SQL)
        },
    )


def _codes(label: str, choices: Any, *, hint: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=list(choices),
        widget=GovukCheckboxes,
        help_text=hint,
        error_messages={"invalid_choice": f"Select {label.lower()} from the list"},  # noqa: S608 (not SQL)
    )


def _time(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=TIME_HINT,
        max_length=5,
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


class JourneyForm(GovukModelForm):
    """A journey record's form: Django's checks, then the record's date checks beside the fields."""

    # Fields of the model checked by date_problems that the form shows under another name.
    problem_fields: ClassVar[dict[str, str]] = {}

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return  # the record is incomplete: its dates can't be compared yet
        for field, message in date_problems(self.instance).items():
            name = self.problem_fields.get(field, field)
            self.add_error(name if name in self.fields else None, message)

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show a service's refusal beside the fields it names."""
        for field, message in problems.items():
            name = self.problem_fields.get(field, field)
            self.add_error(name if name in self.fields else None, message)


# --- Children in need -----------------------------------------------------------------------------------


class CINEpisodeForm(JourneyForm):
    referral_date = _date("Referral date", required=True)
    source = _choice("Referral source", ReferralSource.choices)
    primary_need = _choice("Primary need", PrimaryNeed.choices, required=False, empty="Not known yet")
    closure_date = _date("Closure date", hint="Leave empty while the episode is open. " + DATE_HINT)
    closure_reason = _choice(
        "Reason for closure", ReasonForClosure.choices, required=False, empty="Still open"
    )

    class Meta:
        model = CINReferral
        fields = ["referral_date", "source", "primary_need", "nfa", "closure_date", "closure_reason"]
        labels = {"nfa": "The referral led to no further action"}


class AssessmentForm(JourneyForm):
    start_date = _date("Start date", required=True)
    internal_review_date = _date("Internal review date")
    authorisation_date = _date("Authorisation date", hint="The day a manager signed off the assessment")
    factors = _codes(
        "Factors identified", AssessmentFactor.choices, hint="Select every factor the assessment identified"
    )
    child_seen = forms.TypedChoiceField(
        label="Was the child seen during the assessment?",
        required=False,
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )

    class Meta:
        model = Assessment
        fields = ["start_date", "internal_review_date", "authorisation_date", "factors", "child_seen"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seen = self.instance.child_seen
        self.initial["child_seen"] = "" if seen is None else ("yes" if seen else "no")

    def clean_factors(self) -> list[str]:
        return code_list(self.cleaned_data.get("factors") or [])


class CINPlanForm(JourneyForm):
    start_date = _date("Start date", required=True)
    end_date = _date("End date", hint="Leave empty while the plan is open. " + DATE_HINT)

    class Meta:
        model = CINPlan
        fields = ["start_date", "end_date"]


class Section47Form(JourneyForm):
    strategy_discussion_date = _date(
        "Date of the strategy discussion",
        hint="The discussion that started the enquiry, when it was before the enquiry began. " + DATE_HINT,
    )
    start_date = _date("Start date of the enquiry", required=True)
    icpc_target_date = _date("Target date for the initial conference")
    icpc_date = _date("Date of the initial child protection conference")

    class Meta:
        model = Section47
        fields = [
            "strategy_discussion_date",
            "start_date",
            "icpc_target_date",
            "icpc_date",
            "icpc_not_required",
        ]
        labels = {"icpc_not_required": "An initial conference was not required"}


class ChildProtectionPlanForm(JourneyForm):
    start_date = _date("Start date", required=True, hint="The day of the initial conference. " + DATE_HINT)
    end_date = _date("End date", hint="Leave empty while the plan is open. " + DATE_HINT)
    initial_category = _choice("Initial category of abuse", CategoryOfAbuse.choices)
    latest_category = _choice("Latest category of abuse", CategoryOfAbuse.choices)

    class Meta:
        model = ChildProtectionPlan
        fields = ["start_date", "end_date", "initial_category", "latest_category", "previous_plans"]
        labels = {"previous_plans": "Number of previous child protection plans"}
        error_messages = {
            "previous_plans": {
                "required": "Enter the number of previous child protection plans",
                "invalid": "The number of previous plans must be a whole number, like 0 or 2",
                "min_value": "The number of previous plans cannot be less than 0",
            }
        }


class CPReviewForm(JourneyForm):
    review_date = _date("Date of the review conference", required=True)

    class Meta:
        model = CPReview
        fields = ["review_date"]


# --- Early help -------------------------------------------------------------------------------------------


class EarlyHelpForm(JourneyForm):
    requested_on = _date("Date of the request", required=True)
    assessment_start_date = _date("Assessment start date")
    assessment_completion_date = _date("Assessment completion date")
    plan_start_date = _date("Plan start date")
    presenting_needs = _codes(
        "Presenting needs", EarlyHelpNeed.choices, hint="Select every need the family presented with"
    )
    closure_date = _date("Closure date", hint="Leave empty while the episode is open. " + DATE_HINT)
    closure_reason = _choice(
        "Reason for closure", EarlyHelpClosureReason.choices, required=False, empty="Still open", codes=False
    )

    class Meta:
        model = EarlyHelpRequest
        fields = [
            "requested_on",
            "assessment_start_date",
            "assessment_completion_date",
            "plan_start_date",
            "presenting_needs",
            "closure_date",
            "closure_reason",
        ]

    def clean_presenting_needs(self) -> list[str]:
        return code_list(self.cleaned_data.get("presenting_needs") or [])


class EarlyHelpReviewForm(JourneyForm):
    review_date = _date("Date of the review", required=True)

    class Meta:
        model = EarlyHelpReview
        fields = ["review_date"]


# --- Care, missing, exploitation ----------------------------------------------------------------------------


class LookedAfterForm(JourneyForm):
    start_date = _date("Date the child became looked after", required=True)
    end_date = _date(
        "Date the child stopped being looked after", hint="Leave empty while in care. " + DATE_HINT
    )
    legal_status = _choice("Legal status", LegalStatus.choices)
    category_of_need = _choice("Category of need", PrimaryNeed.choices)

    class Meta:
        model = LookedAfterPeriod
        fields = ["start_date", "end_date", "legal_status", "category_of_need"]


class PlacementForm(JourneyForm):
    start_date = _date("Start date", required=True)
    placement_type = _choice("Placement type", PlacementType.choices)
    distance_from_home_km = forms.DecimalField(
        label="Distance from home, in kilometres",
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=1,
        help_text="In a straight line from the child's home address, for example 12.5",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "invalid": "The distance must be a number, like 12.5",
            "min_value": "The distance cannot be less than 0",
            "max_digits": "The distance must be less than 100,000 kilometres",
            "max_decimal_places": "Give the distance to one decimal place, like 12.5",
        },
    )

    class Meta:
        model = Placement
        fields = ["start_date", "placement_type", "distance_from_home_km"]


class MissingEpisodeForm(JourneyForm):
    started_date = _date("Date the child went missing", required=True)
    started_time = _time("Time the child went missing", required=True)
    returned_date = _date(
        "Date the child returned", hint="Leave empty while the child is missing. " + DATE_HINT
    )
    returned_time = _time("Time the child returned", required=False)
    rhc_offered_date = _date("Date the return home conversation was offered")
    rhc_accepted_date = _date("Date the return home conversation was accepted")
    rhc_held_date = _date("Date the return home conversation was held")

    problem_fields: ClassVar[dict[str, str]] = {"started_at": "started_date", "returned_at": "returned_date"}

    class Meta:
        model = MissingEpisode
        fields = ["rhc_offered_date", "rhc_accepted_date", "rhc_held_date"]

    field_order = [
        "started_date",
        "started_time",
        "returned_date",
        "returned_time",
        "rhc_offered_date",
        "rhc_accepted_date",
        "rhc_held_date",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for moment, prefix in (
            (self.instance.started_at, "started"),
            (self.instance.returned_at, "returned"),
        ):
            if moment is not None:
                local = timezone.localtime(moment)
                self.initial[f"{prefix}_date"] = local.date()
                self.initial[f"{prefix}_time"] = local.strftime("%H:%M")

    def clean_started_time(self) -> time | None:
        return _parse_time(self.cleaned_data.get("started_time", ""), "Time the child went missing")

    def clean_returned_time(self) -> time | None:
        return _parse_time(self.cleaned_data.get("returned_time", ""), "Time the child returned")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.started_at = _moment(cleaned.get("started_date"), cleaned.get("started_time"))
        day, moment = cleaned.get("returned_date"), cleaned.get("returned_time")
        if day is not None and moment is None and "returned_time" not in self.errors:
            self.add_error("returned_time", "Enter the time the child returned, as well as the date")
        elif day is None and moment is not None and "returned_date" not in self.errors:
            self.add_error("returned_date", "Enter the date the child returned, as well as the time")
        self.instance.returned_at = _moment(day, moment)
        return cleaned


def _moment(day: Any, moment: time | None) -> datetime | None:
    if day is None or moment is None:
        return None
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())


class ExploitationScreeningForm(JourneyForm):
    screening_date = _date("Date of the screening", required=True)
    exploitation_type = _choice("Type of exploitation", ExploitationType.choices, codes=False)
    risk_level = _choice("Level of risk", ExploitationRisk.choices, codes=False)

    class Meta:
        model = ExploitationScreening
        fields = ["screening_date", "exploitation_type", "risk_level"]
