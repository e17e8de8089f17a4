"""Forms to add and correct the episodes of a child's journey (GOV.UK style).

Each form edits one record whose parent (the child, a CIN episode, a plan, a period of care) the view has
already set. After Django's own checks the form runs children.validation.date_problems on the record as it
would be saved, and shows each problem beside its field; the service runs the same check before saving.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from safeguarding.children import identity
from safeguarding.children.codes import (
    AssessmentFactor,
    CategoryOfAbuse,
    Disability,
    EarlyHelpClosureReason,
    EarlyHelpNeed,
    Ethnicity,
    ExploitationRisk,
    ExploitationType,
    LegalStatus,
    PlacementType,
    PrimaryNeed,
    ReasonForClosure,
    ReferralSource,
    Sex,
    UPNUnknown,
)
from safeguarding.children.models import (
    Assessment,
    Child,
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
from safeguarding.children.selectors import ChildSearch
from safeguarding.children.validation import date_problems
from safeguarding.core.forms import GovukCheckboxes, GovukDateField, GovukForm, GovukModelForm

DATE_HINT = "For example, 27 3 2023"
TIME_HINT = "Use the 24-hour clock, for example 14:30"
TIME_PATTERN = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


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


# --- The child's identity -----------------------------------------------------------------------------------


def _text(label: str, *, hint: str = "", width: str = "", max_length: int = 100) -> forms.CharField:
    # Names and identifiers are not words: the browser's spelling check would only mark them wrong.
    attrs = {"spellcheck": "false"}
    if width:
        attrs["class"] = f"govuk-input--width-{width}"
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=hint,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
    )


def _keep_current(field: forms.Field, current: Any) -> None:
    """Offer the record's own value when the national list does not hold it (a code a council's file gave),
    so correcting something else does not silently drop it."""
    values = current if isinstance(current, list) else [current]
    known = {str(value) for value, _ in field.choices}  # type: ignore[attr-defined]
    extra = [
        (value, f"{value}: not a census code (from an import)") for value in values if value not in known
    ]
    if extra:
        field.choices = [*field.choices, *extra]  # type: ignore[attr-defined]


class ChildIdentityForm(GovukModelForm):
    """Correct who the child is: names, census identifiers, dates, characteristics, address, school and GP.

    Each format is checked beside its field (children.identity); the checks across fields (the dates, the
    UPN and its reason, the LA child ID held by another record) run once every field reads well.
    """

    first_name = _text("First name", hint="Leave empty for an unborn baby not yet named")
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={
            "required": "Enter the child's last name",
            "max_length": "Last name must be 100 characters or fewer",
        },
    )
    known_as = _text("Known as", hint="A name the child uses instead of their first name")
    la_child_id = _text(
        "LA child ID",
        hint="The council's own ID for the child (LAchildID in the CIN census)",
        width="20",
        max_length=50,
    )
    upn = _text("Unique pupil number (UPN)", hint=identity.UPN_HINT, width="20", max_length=50)
    former_upn = _text(
        "Former UPN", hint="Only if the child had a different UPN before", width="20", max_length=50
    )
    upn_unknown = _choice(
        "Reason the UPN is unknown",
        UPNUnknown.choices,
        required=False,
        empty="Not needed: the UPN is given",
    )
    nhs_number = _text("NHS number", hint="10 numbers, for example 943 476 5919", width="10", max_length=20)
    date_of_birth = _date("Date of birth", hint="Leave empty for an unborn baby. " + DATE_HINT)
    expected_date_of_birth = _date("Expected date of birth", hint="Only for an unborn baby. " + DATE_HINT)
    date_of_death = _date("Date of death", hint="Only if the child has died. " + DATE_HINT)
    sex = _choice("Sex", Sex.choices, codes=False)
    ethnicity = _choice("Ethnicity", Ethnicity.choices)
    disabilities = _codes(
        "Disabilities",
        Disability.choices,
        hint="Select every disability the child has, or “No disability”",
    )
    postcode = _text("Postcode", width="10", max_length=10)
    locality = _text("Locality", hint="The council's area team for where the child lives, for example North")
    school_or_setting = _text("School or setting", max_length=200)
    gp_practice = _text("GP practice", max_length=200)
    first_language = _text("First language")

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "la_child_id",
            "upn",
            "former_upn",
            "upn_unknown",
            "nhs_number",
            "date_of_birth",
            "expected_date_of_birth",
            "date_of_death",
            "sex",
            "ethnicity",
            "disabilities",
            "disability_or_sen",
            "address",
            "postcode",
            "locality",
            "school_or_setting",
            "gp_practice",
            "first_language",
            "interpreter_needed",
        ]
        labels = {
            "disability_or_sen": "Notes on disability or special educational needs",
            "interpreter_needed": "The child needs an interpreter",
        }
        help_texts = {"disability_or_sen": "", "address": "Without the postcode"}
        widgets = {
            "disability_or_sen": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    CODE_FIELDS: ClassVar[tuple[str, ...]] = ("upn_unknown", "sex", "ethnicity", "disabilities")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        for name in self.CODE_FIELDS:
            _keep_current(self.fields[name], getattr(self.instance, name))

    def _get_validation_exclusions(self) -> set[str]:
        # The code fields are checked against the form's own choices, which keep a code an import gave
        # (_keep_current); the model's check would refuse that code whatever else is being corrected.
        return {*super()._get_validation_exclusions(), *self.CODE_FIELDS}  # type: ignore[misc]

    def clean_la_child_id(self) -> str:
        return str(self.cleaned_data.get("la_child_id") or "").strip()

    def clean_upn(self) -> str:
        return self._checked("upn", identity.normalise_upn, identity.upn_problem)

    def clean_former_upn(self) -> str:
        return self._checked(
            "former_upn",
            identity.normalise_upn,
            lambda value: identity.upn_problem(value, label="former UPN"),
        )

    def clean_nhs_number(self) -> str:
        return self._checked("nhs_number", identity.normalise_nhs_number, identity.nhs_number_problem)

    def clean_postcode(self) -> str:
        return self._checked("postcode", identity.normalise_postcode, identity.postcode_problem)

    def clean_disabilities(self) -> list[str]:
        codes = code_list(self.cleaned_data.get("disabilities") or [])
        problem = identity.disabilities_problem(codes)
        if problem:
            raise forms.ValidationError(problem)
        return codes

    def _checked(
        self, name: str, normalise: Callable[[str], str], problem_of: Callable[[str], str | None]
    ) -> str:
        """The field's value as stored (normalised), or its format problem as the field's error."""
        value = normalise(str(self.cleaned_data.get(name) or ""))
        problem = problem_of(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # the checks across fields wait until every field reads well
        # Checked before the model's own constraints run (in _post_clean), so a clash or a missing date shows
        # beside its field in words, not as a constraint's name.
        proposed = copy.copy(self.instance)
        for name in self._meta.fields or []:
            if name in cleaned:
                setattr(proposed, name, cleaned[name])
        self.add_problems(identity.identity_problems(proposed, actor=self.actor))
        return cleaned

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show a refusal (the form's own checks, or the service's) beside the fields it names."""
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)


# --- Finding a child ----------------------------------------------------------------------------------------


class ChildSearchForm(GovukForm):
    """The children's records search: any of the terms, all of them must fit."""

    name = _text("Name", hint="First name, last name or both, or part of one")
    date_of_birth = _date("Date of birth", hint="Or the expected date of an unborn baby. " + DATE_HINT)
    postcode = _text(
        "Postcode", hint="The whole postcode, or its first part, like WS1", width="10", max_length=10
    )
    nhs_number = _text("NHS number", width="10", max_length=20)
    la_child_id = _text("LA child ID", width="10", max_length=50)

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data.get("name") or "").split())
        if name and len(name.replace(" ", "")) < 2:
            raise forms.ValidationError("Enter at least 2 letters of the name")
        return name

    def clean_nhs_number(self) -> str:
        number = identity.normalise_nhs_number(str(self.cleaned_data.get("nhs_number") or ""))
        if number and not re.fullmatch(r"\d{10}", number):
            raise forms.ValidationError("The NHS number must be 10 numbers, like 943 476 5919")
        return number

    def clean_postcode(self) -> str:
        postcode = " ".join(str(self.cleaned_data.get("postcode") or "").upper().split())
        if postcode and not re.fullmatch(r"[A-Z0-9 ]+", postcode):
            raise forms.ValidationError("A postcode has only letters, numbers and a space, like WS1 1TP")
        return postcode

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.search().as_details():
            raise forms.ValidationError(
                "Enter a name, date of birth, postcode, NHS number or LA child ID to search for"
            )
        return cleaned

    def search(self) -> ChildSearch:
        data = getattr(self, "cleaned_data", {})
        born = data.get("date_of_birth")
        return ChildSearch(
            name=data.get("name", ""),
            date_of_birth=born if isinstance(born, date) else None,
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
            la_child_id=str(data.get("la_child_id", "")).strip(),
        )
