"""The shapes of the front door's API: its answers, and a referral's validation errors in the form's words.

A referral sent to the API is validated by `frontdoor.schemas.ReferralAnswers`, the same model the eMARF pages
and drafts use; nothing here repeats its rules. This module only describes that model in the OpenAPI document
(`REFERRAL_REQUEST_BODY`) and turns its errors into one entry per answer to fix, worded as on the form
(`referral_field_errors`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import ValidationError

from safeguarding.api.schemas import PageIn
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.schemas import ReferralAnswers

# The longest Idempotency-Key: the stored key is "api:" + the key, and Contact.idempotency_key holds 100.
IDEMPOTENCY_KEY_MAX_LENGTH = 96
IDEMPOTENCY_KEY_PREFIX = "api:"


# --- Input --------------------------------------------------------------------------------------------------


def _inline_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with every `$ref` to its own `$defs` replaced by the definition, so it stands alone.

    The request body is described in the operation itself (the handler validates the body with
    ReferralAnswers, see api.py), so its definitions cannot go in the document's shared components.
    ReferralAnswers has no recursive parts, so inlining ends.
    """
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                siblings = {key: inline(value) for key, value in node.items() if key != "$ref"}
                return {**inline(copy.deepcopy(definitions[reference.removeprefix("#/$defs/")])), **siblings}
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


REFERRAL_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "The referral: the same answers as the eMARF, validated by the same rules. Dates are YYYY-MM-DD. "
        "Types are strict (true/false for yes-no answers, numbers for the level of need)."
    ),
    "content": {
        "application/json": {
            "schema": _inline_definitions(ReferralAnswers.model_json_schema(mode="validation")),
        }
    },
}

IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "Recommended. A key the calling system makes up for this referral (a UUID, for example) and sends "
        "again if it retries. A retry with the same key gives back the referral already received (200) "
        "instead of making a second one; the same key with a different referral is refused (409)."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
        "pattern": "^[!-~]+$",  # visible ASCII, no spaces
    },
}


class ReferralListIn(PageIn):
    status: Contact.Status | None = Field(None, description="Only referrals with this status")


# --- Output -------------------------------------------------------------------------------------------------


class ReferralReceiptOut(Schema):
    """What the caller keeps after sending a referral: its reference and where to follow it."""

    reference: str = Field(..., examples=["WSP-2023-000123"])
    status: str
    status_label: str
    received_at: datetime
    links: dict[str, str] = Field(..., description="`self`: this referral in the API")


class AgencyRefOut(Schema):
    code: str
    name: str


class ReferrerOut(Schema):
    name: str
    role: str
    email: str
    phone: str
    agency: AgencyRefOut | None


class ChildOut(Schema):
    """A child as the referrer described them (the MASH's match to a child record is not shown)."""

    first_name: str
    last_name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    ethnicity: str
    address: str
    postcode: str
    school_or_setting: str
    gp_practice: str
    nhs_number: str
    disability_or_sen: str
    first_language: str
    interpreter_needed: bool


class ChildNameOut(Schema):
    first_name: str
    last_name: str


class HouseholdMemberOut(Schema):
    name: str
    relationship: str
    date_of_birth: date | None
    address: str
    parental_responsibility: bool
    lives_with_child: bool


class OutcomeOut(Schema):
    """The MASH's decision as the referrer is told it: the outcome and next steps, never the research."""

    outcome: str = Field(..., description="level_1, level_2, level_3, level_4 or nfa")
    outcome_label: str
    decided_at: datetime | None
    feedback: str = Field(..., description="The outcome and next steps, as sent to the referrer")
    feedback_sent_at: datetime | None


class ReferralSummaryOut(Schema):
    reference: str
    status: str
    status_label: str
    received_at: datetime
    channel: str
    referrer_name: str
    referrer_agency: AgencyRefOut | None
    children: list[ChildNameOut]
    outcome: OutcomeOut | None = Field(..., description="Empty until the MASH has decided")
    links: dict[str, str]


class ReferralOut(Schema):
    """A referral as it was submitted, with its status, and the outcome once the MASH has decided."""

    reference: str
    status: str
    status_label: str
    received_at: datetime
    channel: str
    referrer: ReferrerOut
    children: list[ChildOut]
    household: list[HouseholdMemberOut]
    concerns: list[str]
    what_happened: str
    when_happened: str
    child_views: str
    support_tried: str
    referrer_level: int | None
    immediate_danger: bool
    called_999: bool
    parents_aware: str
    consent: str
    no_consent_reason: str
    no_consent_detail: str
    outcome: OutcomeOut | None = Field(..., description="Empty until the MASH has decided")
    links: dict[str, str]


class ReferralPageOut(Schema):
    count: int
    items: list[ReferralSummaryOut]


class FieldErrorOut(Schema):
    """One answer to fix: where (`loc`, and `field` as a dotted path) and what to do, as the form says."""

    loc: list[str | int] = Field(..., examples=[["body", "children", 0, "date_of_birth"]])
    field: str = Field(..., examples=["children.0.date_of_birth"])
    msg: str = Field(
        ..., examples=["Enter the child's date of birth, or the expected date for an unborn baby"]
    )
    type: str


class ReferralErrorsOut(Schema):
    """422 body of a referral: the same `detail` list as every other 422, one entry per answer to fix."""

    detail: list[FieldErrorOut]


# --- Validation errors in the form's words ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str | int, ...]
    msg: str
    type: str

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.loc)


# A rule about several answers at once (a model validator) reports at the child or referral it checked; its
# message says which answer to change, so the error points there, as the form puts it next to that field.
_ANSWER_A_RULE_POINTS_TO: tuple[tuple[str, str], ...] = (
    ("Enter the child's date of birth", "date_of_birth"),
    ("Enter either a date of birth or an expected date", "date_of_birth"),
    ("The date of birth", "date_of_birth"),
    ("The expected date of birth", "expected_date_of_birth"),
    ("If a child is in immediate danger", "called_999"),
    ("Select why the parents", "no_consent_reason"),
    ("Explain why the parents", "no_consent_detail"),
)

# What to do when a required answer is missing or empty ("*" stands for any child or household member): the
# eMARF pages' words (forms/emarf.py), so a practitioner and an agency system are told the same thing.
_REQUIRED: dict[str, str] = {
    "referrer_phone": "Enter your phone number",
    "children": "Add at least one child",
    "children.*.last_name": "Enter the child's last name",
    "household.*.name": "Enter the person's name",
    "household.*.relationship": "Enter how the person is related to the child",
    "concerns": "Select at least one worry",
    "what_happened": "Describe what happened",
}

# How the form labels each answer, for the messages that name it.
_LABELS: dict[str, str] = {
    "referrer_phone": "Phone number",
    "children": "Children",
    "household": "Household",
    "concerns": "Worries",
    "what_happened": "What happened",
    "when_happened": "When it happened",
    "child_views": "The child's words and wishes",
    "support_tried": "Support already tried",
    "referrer_level": "The level of need",
    "immediate_danger": "Whether a child is in immediate danger",
    "called_999": "Whether you have called 999",
    "parents_aware": "Whether the parents know",
    "consent": "Whether the parents agree",
    "no_consent_reason": "Why the parents have not agreed",
    "no_consent_detail": "Why the parents have not agreed",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "address": "Address",
    "postcode": "Postcode",
    "school_or_setting": "School or setting",
    "gp_practice": "GP practice",
    "nhs_number": "NHS number",
    "disability_or_sen": "Disability or special educational needs",
    "first_language": "First language",
    "interpreter_needed": "Whether an interpreter is needed",
    "name": "Name",
    "relationship": "Relationship",
    "parental_responsibility": "Whether they have parental responsibility",
    "lives_with_child": "Whether they live with the child",
}

_DATE_ERRORS = frozenset(
    {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
)


def referral_field_errors(exc: ValidationError) -> list[FieldError]:
    """ReferralAnswers' errors, one per answer to fix, in the words the eMARF shows beside that answer."""
    return [_field_error(error) for error in exc.errors(include_url=False)]


def _field_error(error: Any) -> FieldError:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        for start, answer in _ANSWER_A_RULE_POINTS_TO:
            if message.startswith(start) and (not loc or loc[-1] != answer):
                loc = (*loc, answer)
                break
        return FieldError(loc, message, kind)
    return FieldError(loc, _message(loc, kind, ctx, str(error["msg"])), kind)


def _message(loc: tuple[str | int, ...], kind: str, ctx: dict[str, Any], pydantic_message: str) -> str:
    pattern = ".".join("*" if isinstance(part, int) else part for part in loc)
    names = [part for part in loc if isinstance(part, str)]
    label = _LABELS.get(names[-1], names[-1]) if names else "The referral"
    if kind in {"missing", "string_too_short", "too_short"}:
        return _REQUIRED.get(pattern, f"Enter {label[0].lower()}{label[1:]}")
    if kind == "string_too_long":
        return f"{label} must be {ctx.get('max_length')} characters or fewer"
    if kind == "too_long" and pattern == "children":
        most = ctx.get("max_length")
        return f"A referral can name up to {most} children: make another referral for the others"
    if kind == "too_long":
        return f"{label}: list up to {ctx.get('max_length')}"
    if kind in _DATE_ERRORS:
        return f"{label} must be a real date, written like 2015-03-27"  # the form: "... must be a real date"
    if kind == "enum":
        return f"{label}: choose one of {ctx.get('expected')}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"{label}: answer true or false"
    if kind == "extra_forbidden":
        return f"{'.'.join(str(part) for part in loc)} is not an answer on the referral form: remove it"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "Send the referral as a JSON object" if not loc else f"{label} must be a JSON object"
    if kind == "list_type":
        return f"{label} must be a list"
    if kind == "string_type":
        return f"{label} must be text"
    return pydantic_message
