"""The action tracker's API: partner agencies' own systems follow and update their actions.

    GET  /api/v1/actions                         the actions the token may see (action.view)
    GET  /api/v1/actions/{reference}             one action, its progress updates and its evidence list
    POST /api/v1/actions/{reference}/updates     a progress update, optionally a new status (action.update)
    POST /api/v1/actions/{reference}/evidence    a file of evidence, multipart (action.update)
    POST /api/v1/actions/{reference}/owner       name the one person who owns it (action.manage, or
                                                 action.update held in the owner agency)

The same rules as the pages, through the same selectors and services: an agency-scoped token sees and
updates only its own agency's actions (another agency's is 404, like a missing one); a role without the
permission is 403; a closed action takes no more updates or evidence (409). The writes read their bodies
themselves so that a 422 names each input to fix in the words the action page uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status
from pydantic import BaseModel, ValidationError

from safeguarding.accounts.models import User
from safeguarding.actions import selectors, services
from safeguarding.actions.api_schemas import (
    EVIDENCE_DESCRIPTION_MAX_LENGTH,
    EVIDENCE_REQUEST_BODY,
    NUL_MESSAGE,
    OWNER_REQUEST_BODY,
    UPDATE_REQUEST_BODY,
    ActionErrorsOut,
    ActionEvidenceOut,
    ActionFieldErrorOut,
    ActionImpactOut,
    ActionListIn,
    ActionOut,
    ActionPageOut,
    ActionSummaryOut,
    ActionUpdateOut,
    OwnerIn,
    UpdateIn,
    field_error,
    owner_field_errors,
    update_field_errors,
)
from safeguarding.actions.models import Action
from safeguarding.api.auth import caller_with
from safeguarding.api.foundation import AUTHENTICATED_ERRORS
from safeguarding.api.schemas import AgencyRefOut, ErrorOut, ValidationErrorOut

router = Router(tags=["Actions"])

VIEW, UPDATE = selectors.VIEW, selectors.UPDATE
WRITE_RESPONSES: dict[int, type] = {
    201: ActionOut,
    400: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ActionErrorsOut,
    **AUTHENTICATED_ERRORS,
}


@router.get(
    "/actions",
    response={200: ActionPageOut, 422: ValidationErrorOut, **AUTHENTICATED_ERRORS},
    summary="Actions",
    url_name="action-list",
)
def action_list(request: HttpRequest, filters: Query[ActionListIn]) -> ActionPageOut:
    """The actions the token's role may see (`action.view`: an agency's own, or the partnership's), by due
    date, each with its drift flags: overdue, and no update for the partnership's set number of days."""
    caller = caller_with(request, VIEW)
    actions = selectors.with_drift(selectors.actions_visible_to(caller.actor))
    if filters.status is not None:
        actions = actions.filter(status=filters.status)
    if filters.overdue is not None:
        actions = actions.filter(Q(is_overdue=filters.overdue))  # with_drift's annotation
    if filters.source_kind is not None:
        actions = actions.filter(source_kind=filters.source_kind)
    if filters.source_ref is not None:
        actions = selectors.from_source(actions, filters.source_ref)
    actions = actions.order_by("due_date", "reference")
    count = actions.count()
    caller.about_list(Action, count)
    page = actions[filters.offset : filters.offset + filters.limit]
    return ActionPageOut(count=count, items=[_summary_out(action) for action in page])


@router.get(
    "/actions/{reference}",
    response={200: ActionOut, 404: ErrorOut, **AUTHENTICATED_ERRORS},
    summary="One action",
    url_name="action-detail",
)
def action_detail(request: HttpRequest, reference: str) -> ActionOut:
    """An action by its reference (e.g. ACT-00012) with its progress updates, newest first, and the list of
    its evidence (the files themselves are downloaded on the site); 404 when there is none the token may
    see."""
    caller = caller_with(request, VIEW)
    action = selectors.action_get_by_reference_for_user(caller.actor, reference)
    caller.about(action)
    return _action_out(action)


@router.post(
    "/actions/{reference}/updates",
    response=WRITE_RESPONSES,
    summary="Add a progress update",
    url_name="action-update-add",
    openapi_extra={
        "requestBody": UPDATE_REQUEST_BODY,
        # PostgreSQL cannot store NUL, so text holding one is refused (422, value_error): the one rule
        # beyond the body's JSON schema. Tests read this mark.
        "x-rules-beyond-schema": True,
    },
)
def update_add(request: HttpRequest, reference: str, response: HttpResponse) -> Status[Any]:
    """A progress update on the owner agency's action (`action.update`), optionally moving it to a new
    status; 201 with the action as it now stands. 409 when the action is closed."""
    caller = caller_with(request, UPDATE)
    action = selectors.action_get_by_reference_for_user(caller.actor, reference, for_write=True)
    caller.about(action)
    body = _json_body(request, UpdateIn, update_field_errors)
    if isinstance(body, Status):
        return body
    try:
        services.action_update_add(
            action=action, actor=caller.actor, text=body.text, status=body.status.value if body.status else ""
        )
    except DjangoValidationError as refused:
        return _refusal(refused)
    return _created(action, response)


@router.post(
    "/actions/{reference}/evidence",
    response=WRITE_RESPONSES,
    summary="Attach evidence",
    url_name="action-evidence-add",
    # The file is checked by its content (and the description for NUL), beyond what a schema can say.
    openapi_extra={"requestBody": EVIDENCE_REQUEST_BODY, "x-rules-beyond-schema": True},
)
def evidence_add(request: HttpRequest, reference: str, response: HttpResponse) -> Status[Any]:
    """A file of evidence for the owner agency's action (`action.update`), sent as multipart/form-data with
    `file` and `description`. The file is checked by its content, as on the site (PDF, PNG, JPG or DOCX,
    smaller than 10MB); 201 with the action as it now stands. 409 when the action is closed."""
    caller = caller_with(request, UPDATE)
    action = selectors.action_get_by_reference_for_user(caller.actor, reference, for_write=True)
    caller.about(action)
    errors: list[ActionFieldErrorOut] = []
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile):
        upload = None
        errors.append(field_error("file", "Select a file", "missing"))
    description = request.POST.get("description")
    if description is None or not description.strip():
        errors.append(field_error("description", "Enter what the file shows", "missing"))
    elif "\x00" in description:
        errors.append(field_error("description", NUL_MESSAGE, "value_error"))
    elif len(description) > EVIDENCE_DESCRIPTION_MAX_LENGTH:
        errors.append(
            field_error(
                "description",
                f"What the file shows must be {EVIDENCE_DESCRIPTION_MAX_LENGTH} characters or fewer",
                "string_too_long",
            )
        )
    if errors or upload is None or description is None:
        return Status(422, ActionErrorsOut(detail=errors))
    try:
        services.action_evidence_add(
            action=action, actor=caller.actor, upload=upload, description=description
        )
    except DjangoValidationError as refused:
        return _refusal(refused)
    return _created(action, response)


@router.post(
    "/actions/{reference}/owner",
    response={200: ActionOut, **{k: v for k, v in WRITE_RESPONSES.items() if k != 201}},
    summary="Name the owner",
    url_name="action-owner-set",
    openapi_extra={
        "requestBody": OWNER_REQUEST_BODY,
        # Who may own the action (one of the owner agency's active people) and NUL in text are checked
        # beyond the body's JSON schema (422, value_error).
        "x-rules-beyond-schema": True,
    },
)
def owner_set(request: HttpRequest, reference: str) -> Status[Any]:
    """Name the one person who owns the action, by email address, or `null` for no one: the business unit
    (`action.manage`), or the owner agency's own people who update its actions (`action.update`). The
    person must be one of the owner agency's active people; they are emailed. 200 with the action as it now
    stands; 409 when the action is closed."""
    caller = caller_with(request, selectors.UPDATE)
    action = selectors.action_get_by_reference_for_user(caller.actor, reference, for_write=True)
    caller.about(action)
    if not selectors.may_name_owner(caller.actor, action):
        return Status(403, ErrorOut(detail=services.NAMING_OWNER_REFUSED))
    body = _json_body(request, OwnerIn, owner_field_errors)
    if isinstance(body, Status):
        return body
    person = None
    if body.owner_person is not None:
        # Anyone not in the owner agency, or unknown, gets the same answer: the API tells no one who else
        # has an account.
        person = User.objects.filter(email__iexact=body.owner_person.strip()).first()
        if person is None:
            return Status(
                422,
                ActionErrorsOut(
                    detail=[
                        field_error(
                            "owner_person", services.not_an_owner_message(action.owner_agency), "value_error"
                        )
                    ]
                ),
            )
    try:
        services.action_owner_person_set(action=action, actor=caller.actor, person=person)
    except DjangoValidationError as refused:
        return _refusal(refused)
    return Status(200, _action_out(action))


# --- Helpers ------------------------------------------------------------------------------------------------

Body = TypeVar("Body", bound=BaseModel)


def _json_body(
    request: HttpRequest,
    schema: type[Body],
    field_errors: Callable[[ValidationError], list[ActionFieldErrorOut]],
) -> Body | Status[Any]:
    """The JSON body read strictly, or the answer to give: 400 when it is not JSON, 422 naming each input
    to fix in the page's words."""
    try:
        return schema.model_validate_json(request.body, strict=True)
    except ValidationError as invalid:
        unreadable = [e for e in invalid.errors(include_url=False) if e["type"] == "json_invalid"]
        if unreadable:
            return Status(
                400, ErrorOut(detail=f"The body is not valid JSON: {unreadable[0]['ctx']['error']}")
            )
        return Status(422, ActionErrorsOut(detail=field_errors(invalid)))


def _refusal(refused: DjangoValidationError) -> Status[Any]:
    """A service's refusal: its field errors are 422 in its own words; a refusal of the whole write (the
    action is closed) is 409."""
    if hasattr(refused, "error_dict"):
        return Status(
            422,
            ActionErrorsOut(
                detail=[
                    field_error(name, message, "value_error")
                    for name, messages in refused.message_dict.items()
                    for message in messages
                ]
            ),
        )
    return Status(409, ErrorOut(detail=" ".join(refused.messages)))


def _created(action: Action, response: HttpResponse) -> Status[Any]:
    link = _link(action)
    response["Location"] = link
    return Status(201, _action_out(action))


def _link(action: Action) -> str:
    return reverse("api:action-detail", kwargs={"reference": action.reference})


def _summary_fields(action: Any) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "title": action.title,
        "status": action.status,
        "status_label": action.get_status_display(),
        "source_kind": action.source_kind,
        "source_kind_label": action.get_source_kind_display(),
        "source_ref": action.source_ref,
        "source_label": action.source_label,
        "owner_agency": AgencyRefOut(code=action.owner_agency.code, name=action.owner_agency.name),
        "owner_person": action.owner_person.full_name if action.owner_person else None,
        "due_date": action.due_date,
        "themes": list(action.themes),
        "overdue": action.is_overdue,
        "stale": action.is_stale,
        "last_activity_at": action.last_activity_at,
        "has_evidence": action.has_evidence,
        "closed": action.is_closed,
        "closed_at": action.closed_at,
        "links": {"self": _link(action)},
    }


def _summary_out(action: Any) -> ActionSummaryOut:
    return ActionSummaryOut(**_summary_fields(action))


def _action_out(action: Action) -> ActionOut:
    """The action (already reached within the caller's scope) as it now stands, read again with its drift."""
    drift: Any = selectors.with_drift(
        Action.objects.select_related("owner_agency", "owner_person", "closed_by").filter(pk=action.pk)
    ).get()
    impact = (
        ActionImpactOut(
            approach=drift.impact_approach,
            approach_label=drift.get_impact_approach_display(),
            rating=drift.impact_rating,
            rating_label=drift.get_impact_rating_display(),
            notes=drift.impact_notes,
            indicator_code=drift.impact_indicator_code,
            audit_code=drift.impact_audit_code,
            recorded_at=drift.impact_recorded_at,
        )
        if drift.impact_approach
        else None
    )
    return ActionOut(
        **_summary_fields(drift),
        description=drift.description,
        closed_by=drift.closed_by.full_name if drift.closed_by else None,
        impact=impact,
        updates=[
            ActionUpdateOut(
                text=update.text,
                status_set=update.status_set or None,
                written_by=update.written_by.full_name,
                written_at=update.written_at,
            )
            for update in drift.updates.select_related("written_by")
        ],
        evidence=[
            ActionEvidenceOut(
                id=item.pk,
                file_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                description=item.description,
                uploaded_by=item.uploaded_by.full_name,
                uploaded_at=item.uploaded_at,
            )
            for item in drift.evidence.select_related("uploaded_by")
        ],
    )
