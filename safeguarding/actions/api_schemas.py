"""The shapes of the action tracker's API: its answers, the bodies it reads, and errors in the site's words.

The writes read their bodies themselves (see api.py) so that a 422 says what to fix in the words the
action page uses; their request bodies are described here, by hand, for the OpenAPI document, and
`UpdateIn` and `OwnerIn` hold the same rules for the JSON bodies.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic import Field as PydanticField

from safeguarding.actions.models import Action
from safeguarding.api.schemas import AgencyRefOut, PageIn

# Longest "what the file shows" (ActionEvidence.description).
EVIDENCE_DESCRIPTION_MAX_LENGTH = 500
_STATUS_WORDS = ", ".join(Action.Status.values)
NUL_MESSAGE = "Remove the unprintable character (NUL)"

# --- Input --------------------------------------------------------------------------------------------------

# The model's choices under names of their own: the OpenAPI document keeps one schema per enum name, and other
# models' choices are called "Status" too (a test checks these match the model).


class ActionStatusChoice(StrEnum):
    NOT_STARTED = Action.Status.NOT_STARTED.value
    IN_PROGRESS = Action.Status.IN_PROGRESS.value
    COMPLETE = Action.Status.COMPLETE.value
    NOT_ACHIEVABLE = Action.Status.NOT_ACHIEVABLE.value
    SUPERSEDED = Action.Status.SUPERSEDED.value


class ActionSourceKindChoice(StrEnum):
    REVIEW_RECOMMENDATION = Action.SourceKind.REVIEW_RECOMMENDATION.value
    AUDIT = Action.SourceKind.AUDIT.value
    SELF_ASSESSMENT = Action.SourceKind.SELF_ASSESSMENT.value
    MEETING = Action.SourceKind.MEETING.value
    PRIORITY = Action.SourceKind.PRIORITY.value
    OTHER = Action.SourceKind.OTHER.value


class ActionListIn(PageIn):
    status: ActionStatusChoice | None = Field(None, description="Only actions with this status")
    overdue: bool | None = Field(
        None, description="Only overdue actions (true), or only those not overdue (false)"
    )
    source_kind: ActionSourceKindChoice | None = Field(
        None, description="Only actions from this kind of source"
    )
    source_ref: str | None = Field(
        None,
        max_length=100,
        pattern=r"^[^\x00]*$",
        description='Only actions from this source, by its code: "W14" for every action of review W14, '
        '"W14/R2" for those of its second recommendation',
    )


class UpdateIn(BaseModel):
    """A progress update: the text, and the action's new status when it changes."""

    model_config = ConfigDict(extra="forbid")

    text: str = PydanticField(min_length=1, pattern=r"\S")
    status: ActionStatusChoice | None = None

    @field_validator("text")
    @classmethod
    def _printable(cls, value: str) -> str:
        # PostgreSQL cannot store NUL in text; say so rather than fail on saving.
        if "\x00" in value:
            raise ValueError(NUL_MESSAGE)
        return value


# Longest email address (User.email).
EMAIL_MAX_LENGTH = 254


class OwnerIn(BaseModel):
    """The one person who owns the action, by email address; null for no one."""

    model_config = ConfigDict(extra="forbid")

    owner_person: str | None = PydanticField(max_length=EMAIL_MAX_LENGTH)

    @field_validator("owner_person")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError(NUL_MESSAGE)
        return value


OWNER_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "The person who owns the action, as on the action's page: one of the owner agency's active people, "
        "by email address, or null for no one (the agency's safeguarding leads then hear about it)."
    ),
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "additionalProperties": False,
                "required": ["owner_person"],
                "properties": {
                    "owner_person": {
                        "anyOf": [{"type": "string", "maxLength": EMAIL_MAX_LENGTH}, {"type": "null"}],
                        "description": "The email address of one of the owner agency's people, or null",
                    },
                },
            }
        }
    },
}

UPDATE_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "A progress update, as on the action's page. Leave `status` out to keep the status.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text"],
                "properties": {
                    "text": {
                        "type": "string",
                        "minLength": 1,
                        "pattern": r"\S",
                        "description": "The progress update",
                    },
                    "status": {
                        "anyOf": [{"type": "string", "enum": list(Action.Status.values)}, {"type": "null"}],
                        "description": (
                            "The action's new status. Mark it complete when the work is done, then attach "
                            "the evidence."
                        ),
                    },
                },
            }
        }
    },
}

EVIDENCE_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "A file of evidence, as on the action's page: a PDF, PNG, JPG or Word document (DOCX) smaller "
        "than 10MB, checked by its content, and what it shows."
    ),
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "description"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The file"},
                    "description": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": EVIDENCE_DESCRIPTION_MAX_LENGTH,
                        "pattern": r"\S",
                        "description": "What the file shows",
                    },
                },
            }
        }
    },
}


# --- Output -------------------------------------------------------------------------------------------------


class ActionUpdateOut(Schema):
    text: str
    status_set: str | None = Field(..., description="The status this update set, if it set one")
    written_by: str
    written_at: datetime


class ActionEvidenceOut(Schema):
    """A file in the central store of evidence (its details; the file itself is downloaded on the site)."""

    id: int
    file_name: str
    content_type: str
    size: int
    description: str
    uploaded_by: str
    uploaded_at: datetime


class ActionImpactOut(Schema):
    approach: str
    approach_label: str
    rating: str
    rating_label: str
    notes: str
    indicator_code: str
    audit_code: str = Field(
        ..., description="A reported multi-agency audit round showing the impact, or empty"
    )
    recorded_at: datetime | None


class ActionSummaryOut(Schema):
    reference: str = Field(..., examples=["ACT-00012"])
    title: str
    status: str
    status_label: str
    source_kind: str
    source_kind_label: str
    source_ref: str
    source_label: str
    owner_agency: AgencyRefOut
    owner_person: str | None = Field(..., description="The person who owns it, if one person does")
    due_date: date
    themes: list[str]
    overdue: bool = Field(..., description="Past its due date and not finished")
    stale: bool = Field(..., description="Open, with no update for the partnership's set number of days")
    last_activity_at: datetime
    has_evidence: bool
    closed: bool = Field(..., description="Closed by the business unit after reviewing the evidence")
    closed_at: datetime | None
    links: dict[str, str] = Field(..., description="`self`: this action in the API")


class ActionOut(ActionSummaryOut):
    """An action with its progress updates (newest first) and its evidence."""

    description: str
    closed_by: str | None
    impact: ActionImpactOut | None = Field(..., description="How its impact was assured, once recorded")
    updates: list[ActionUpdateOut]
    evidence: list[ActionEvidenceOut]


class ActionPageOut(Schema):
    count: int
    items: list[ActionSummaryOut]


class ActionFieldErrorOut(Schema):
    """One input to fix: where (`loc`, and `field` as a dotted path) and what to do, as the page says."""

    loc: list[str | int] = Field(..., examples=[["body", "text"]])
    field: str = Field(..., examples=["text"])
    msg: str = Field(..., examples=["Enter the progress update"])
    type: str


class ActionErrorsOut(Schema):
    """422 body of a write: the same `detail` list as every other 422, one entry per input to fix."""

    detail: list[ActionFieldErrorOut]


# --- Errors in the page's words -----------------------------------------------------------------------------


def field_error(field: str, msg: str, kind: str, *, where: str = "body") -> ActionFieldErrorOut:
    return ActionFieldErrorOut(
        loc=[where, *field.split(".")] if field else [where], field=field, msg=msg, type=kind
    )


def owner_field_errors(invalid: ValidationError) -> list[ActionFieldErrorOut]:
    """OwnerIn's errors, one per input to fix."""
    errors = []
    for error in invalid.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else ""
        kind = error["type"]
        if kind in {"model_type", "model_attributes_type", "dict_type"} and not loc:
            message = "Send the owner as a JSON object"
        elif kind == "value_error":
            message = str((error.get("ctx") or {}).get("error", error["msg"]))
        elif kind == "extra_forbidden":
            message = f"{name} is not part of naming an owner: send owner_person only"
        elif kind == "missing":
            message = "Send owner_person: an email address, or null for no one"
        elif kind == "string_too_long":
            message = f"An email address is {EMAIL_MAX_LENGTH} characters or fewer"
        else:
            message = "The owner must be an email address, or null for no one"
        errors.append(field_error(".".join(loc), message, kind))
    return errors


def update_field_errors(invalid: ValidationError) -> list[ActionFieldErrorOut]:
    """UpdateIn's errors, one per input to fix, in the words of the update form."""
    errors = []
    for error in invalid.errors(include_url=False):
        loc = [str(part) for part in error["loc"]]
        name = loc[0] if loc else ""
        kind = error["type"]
        if kind in {"model_type", "model_attributes_type", "dict_type"} and not loc:
            message = "Send the update as a JSON object"
        elif kind == "value_error":
            message = str((error.get("ctx") or {}).get("error", error["msg"]))
        elif kind == "extra_forbidden":
            message = f"{name} is not part of an update: send text and, if it changes, status"
        elif name == "text" and kind == "string_type":
            message = "The progress update must be text"
        elif name == "text":
            message = "Enter the progress update"
        elif name == "status":
            message = f"Choose a status: {_STATUS_WORDS}"
        else:
            message = str(error["msg"])
        errors.append(field_error(".".join(loc), message, kind))
    return errors
