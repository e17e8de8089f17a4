"""Writes to the action tracker. Each service is one transaction and says what is wrong in words.

Rules (issue 6, section 4):
- Anyone holding action.update on the owner agency writes progress updates and attaches evidence.
- Only action.manage (the business unit, subgroup chairs) closes an action, and only once its status is
  complete, not achievable or superseded; an action marked complete without evidence cannot be closed.
- The business unit (action.manage) may instead send a finished action back to the owner agency when its
  evidence is not enough: the reason is written as an update, the action is in progress again, and the
  owner (or the owner agency's safeguarding leads) is emailed.
- Impact is recorded only on a closed, complete action, by one of the partnership's five approaches.
- The one person who owns an action is named by the business unit or by the owner agency's own people who
  update its actions; it must be someone the owner agency has today. They are emailed when someone else
  names them.
- Only action.manage reassigns an action to another agency or moves its due date, always with a reason,
  written as a progress update so that drift stays visible (and kept in the action's history).
- A closed action's owner, agency and due date no longer change.
- action_create does not check the actor's permission: its callers do (the create page needs action.manage
  across the partnership; the reviews app creates actions for a review's recommendations under
  review.manage).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from safeguarding.access.permissions import can
from safeguarding.accounts.models import Agency
from safeguarding.actions.models import THEMES, Action, ActionEvidence, ActionUpdate
from safeguarding.actions.selectors import (
    action_owner_emails,
    action_owner_person_reachable,
    may_name_owner,
    may_own,
)
from safeguarding.core.reminders import site_link
from safeguarding.frontdoor.services.attachments import AttachmentRefused, attachment_check

UPDATE = "action.update"
MANAGE = "action.manage"
REFERENCE_PREFIX = "ACT-"


def _require(actor: Any, permission: str, action: Action) -> None:
    if not can(actor, permission, action):
        raise PermissionDenied("Your roles do not allow this for this agency's action")


def _clean_themes(themes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(themes))
    unknown = [code for code in chosen if code not in THEMES]
    if unknown:
        raise ValidationError({"themes": f"Unknown theme: {', '.join(unknown)}"})
    return chosen


def action_create(
    *,
    actor: Any,
    title: str,
    source_kind: str,
    owner_agency: Agency,
    due_date: date,
    description: str = "",
    source_ref: str = "",
    source_label: str = "",
    owner_person: Any = None,
    themes: Iterable[str] = (),
) -> Action:
    """A new action, not started, with the next reference ACT-nnnnn (its row number, so never reused)."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter what the action is"
    if source_kind not in Action.SourceKind.values:
        errors["source_kind"] = "Choose what the action came from"
    if errors:
        raise ValidationError(errors)
    chosen_themes = _clean_themes(themes)
    with transaction.atomic():
        action = Action.objects.create(
            reference=f"pending-{uuid.uuid4().hex[:12]}",
            title=title.strip(),
            description=description.strip(),
            source_kind=source_kind,
            source_ref=source_ref.strip(),
            source_label=source_label.strip(),
            owner_agency=owner_agency,
            owner_person=owner_person,
            due_date=due_date,
            themes=chosen_themes,
            created_by=actor,
        )
        action.reference = f"{REFERENCE_PREFIX}{action.pk:05d}"
        action.save(update_fields=["reference"])
    return action


def action_update_add(*, action: Action, actor: Any, text: str, status: str = "") -> ActionUpdate:
    """A progress note from the owner agency; a status, when given, becomes the action's status."""
    _require(actor, UPDATE, action)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the progress update"
    if status and status not in Action.Status.values:
        errors["status"] = "Choose a status from the list"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.is_closed:
            raise ValidationError("This action is closed: it can no longer be updated")
        update = ActionUpdate.objects.create(
            action=locked, text=text.strip(), status_set=status, written_by=actor
        )
        if status and status != locked.status:
            locked.status = status
            locked.save(update_fields=["status"])
    action.status = locked.status
    return update


def action_evidence_add(
    *, action: Action, actor: Any, upload: UploadedFile, description: str
) -> ActionEvidence:
    """A file of evidence, checked by content like a referral's attachments (PDF, PNG, JPG or DOCX, <10MB)."""
    _require(actor, UPDATE, action)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Enter what the file shows"
    try:
        found = attachment_check(upload)
    except AttachmentRefused as refused:
        errors["file"] = refused.message
    if errors:
        raise ValidationError(errors)
    original_name = _safe_original_name(upload.name)
    # The stored name is random: the person's file name is kept only as text, so it can never choose a path.
    upload.name = f"{uuid.uuid4().hex}{found.extensions[0]}"
    evidence = ActionEvidence(
        action=action,
        original_name=original_name,
        content_type=found.content_type,
        size=upload.size or 0,
        description=description.strip(),
        uploaded_by=actor,
    )
    evidence.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            locked = Action.objects.select_for_update().get(pk=action.pk)
            if locked.is_closed:
                raise ValidationError("This action is closed: evidence can no longer be added")
            evidence.save()
    except BaseException:
        default_storage.delete(evidence.file.name or "")
        raise
    return evidence


def _safe_original_name(name: str | None) -> str:
    # PostgreSQL cannot store NUL; a name is only kept as text, so drop it.
    base = (name or "").replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "evidence")[:255]


def action_close(*, action: Action, actor: Any) -> Action:
    """The business unit closes a finished action, having reviewed its evidence."""
    _require(actor, MANAGE, action)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.is_closed:
            raise ValidationError("This action is already closed")
        if locked.status not in Action.FINISHED_STATUSES:
            raise ValidationError(
                "Only an action marked complete, not achievable or superseded can be closed; "
                f"this one is {locked.get_status_display().lower()}"
            )
        if locked.status == Action.Status.COMPLETE and not locked.evidence.exists():
            raise ValidationError("An action marked complete without evidence cannot be closed")
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["closed_at", "closed_by"])
    action.closed_at, action.closed_by = locked.closed_at, locked.closed_by
    return locked


SENT_BACK_PREFIX = "Sent back by the business unit: "


def action_send_back(*, actor: Any, action: Action, reason: str) -> ActionUpdate:
    """The business unit sends a finished action back to its owner: the evidence is not enough yet.

    Writes the reason as an update by the business unit, sets the action in progress again and, once the
    transaction commits, emails the owner person (or the owner agency's safeguarding leads).
    """
    _require(actor, MANAGE, action)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the action is being sent back"})
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.is_closed:
            raise ValidationError("This action is closed: it can no longer be sent back")
        if locked.status not in Action.FINISHED_STATUSES:
            raise ValidationError(
                "Only an action marked complete, not achievable or superseded can be sent back; "
                f"this one is {locked.get_status_display().lower()}"
            )
        update = ActionUpdate.objects.create(
            action=locked,
            text=f"{SENT_BACK_PREFIX}{reason.strip()}",
            status_set=Action.Status.IN_PROGRESS,
            written_by=actor,
        )
        locked.status = Action.Status.IN_PROGRESS
        locked.save(update_fields=["status"])
        action_pk, reason_text = locked.pk, reason.strip()
        transaction.on_commit(lambda: _sent_back_email(action_pk, reason_text))
    action.status = locked.status
    return update


def _sent_back_email(action_pk: int, reason: str) -> None:
    action = Action.objects.select_related("owner_agency", "owner_person").get(pk=action_pk)
    recipients = action_owner_emails(action)
    if not recipients:
        return
    context = {
        "action": action,
        "reason": reason,
        "to_leads": not action_owner_person_reachable(action),
        "link": site_link(reverse("actions:detail", args=[action.pk])),
        "partnership_name": settings.PARTNERSHIP_NAME,
    }
    send_mail(
        subject=f"{action.reference}: sent back by the business unit",
        message=render_to_string("actions/email/sent_back.txt", context),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


NAMING_OWNER_REFUSED = (
    "Only the business unit, or the owner agency's people who update its actions, can name its owner"
)


def not_an_owner_message(agency: Agency) -> str:
    """What is wrong when someone named as an action's owner is not one of the owner agency's people."""
    return f"Choose someone who works for {agency.name} now: only its active members can own its actions"


def _stamp_history(action: Action, actor: Any, reason: str) -> None:
    # simple_history records who made the change and why on the action's historical row.
    action._history_user = actor  # type: ignore[attr-defined]
    action._change_reason = reason  # type: ignore[attr-defined]


def _locked_open(action: Action, closed_message: str) -> Action:
    """The action, locked for this transaction; refused when it is closed."""
    # No select_related: PostgreSQL cannot lock the nullable side of the join to the owner person.
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.is_closed:
        raise ValidationError(closed_message)
    return locked


def action_owner_person_set(*, action: Action, actor: Any, person: Any) -> Action:
    """Name the one person who owns the action (None: no one). They must be one of the owner agency's
    active people; once the change commits they are emailed, unless they named themselves."""
    if not may_name_owner(actor, action):
        raise PermissionDenied(NAMING_OWNER_REFUSED)
    with transaction.atomic():
        locked = _locked_open(action, "This action is closed: its owner can no longer be changed")
        if person is not None and not may_own(person, locked.owner_agency_id):
            raise ValidationError({"owner_person": not_an_owner_message(locked.owner_agency)})
        if person != locked.owner_person:
            locked.owner_person = person
            _stamp_history(locked, actor, "Owner named" if person is not None else "Owner removed")
            locked.save(update_fields=["owner_person"])
            if person is not None and person != actor:
                action_pk = locked.pk
                transaction.on_commit(lambda: _owner_named_email(action_pk))
    action.owner_person = locked.owner_person
    return locked


def _owner_named_email(action_pk: int) -> None:
    action = Action.objects.select_related("owner_agency", "owner_person").get(pk=action_pk)
    if not action_owner_person_reachable(action):
        return
    context = {
        "action": action,
        "link": site_link(reverse("actions:detail", args=[action.pk])),
        "partnership_name": settings.PARTNERSHIP_NAME,
    }
    send_mail(
        subject=f"{action.reference}: you now own this action",
        message=render_to_string("actions/email/owner_named.txt", context),
        from_email=None,
        recipient_list=[action.owner_person.email],  # type: ignore[union-attr]
        fail_silently=True,
    )


def _long_date(day: date) -> str:
    return dateformat.format(day, "j F Y")


def action_reassign(*, action: Action, actor: Any, agency: Agency | None, reason: str) -> ActionUpdate:
    """The business unit gives the action to another agency, saying why. The owner person stays only if
    they belong to the new agency too. Written as a progress update: "Reassigned from X to Y: why"."""
    _require(actor, MANAGE, action)
    errors: dict[str, str] = {}
    if agency is None:
        errors["owner_agency"] = "Choose the agency that will own the action"
    elif not agency.active:
        errors["owner_agency"] = f"{agency.name} is no longer active: choose another agency"
    if not reason.strip():
        errors["reason"] = "Enter why the action is being reassigned"
    if errors:
        raise ValidationError(errors)
    assert agency is not None
    with transaction.atomic():
        locked = _locked_open(action, "This action is closed: it can no longer be reassigned")
        previous = locked.owner_agency
        if agency.pk == previous.pk:
            raise ValidationError({"owner_agency": f"{agency.name} already owns this action: choose another"})
        text = f"Reassigned from {previous.name} to {agency.name}: {reason.strip()}"
        update = ActionUpdate.objects.create(action=locked, text=text, written_by=actor)
        locked.owner_agency = agency
        if locked.owner_person is not None and not may_own(locked.owner_person, agency.pk):
            locked.owner_person = None
        _stamp_history(locked, actor, text)
        locked.save(update_fields=["owner_agency", "owner_person"])
    action.owner_agency, action.owner_person = locked.owner_agency, locked.owner_person
    return update


def action_due_date_change(*, action: Action, actor: Any, due_date: date | None, reason: str) -> ActionUpdate:
    """The business unit moves the due date, saying why. Written as a progress update: "Due date moved
    from 30 June 2023 to 30 September 2023: why", so that a date moved again and again stays visible."""
    _require(actor, MANAGE, action)
    errors: dict[str, str] = {}
    if due_date is None:
        errors["due_date"] = "Enter the new due date"
    if not reason.strip():
        errors["reason"] = "Enter why the due date is changing"
    if errors:
        raise ValidationError(errors)
    assert due_date is not None
    with transaction.atomic():
        locked = _locked_open(action, "This action is closed: its due date can no longer be changed")
        previous = locked.due_date
        if due_date == previous:
            raise ValidationError(
                {"due_date": f"The action is already due on {_long_date(previous)}: enter a different date"}
            )
        text = f"Due date moved from {_long_date(previous)} to {_long_date(due_date)}: {reason.strip()}"
        update = ActionUpdate.objects.create(action=locked, text=text, written_by=actor)
        locked.due_date = due_date
        _stamp_history(locked, actor, text)
        locked.save(update_fields=["due_date"])
    action.due_date = locked.due_date
    return update


def action_impact_record(
    *,
    action: Action,
    actor: Any,
    approach: str,
    rating: str,
    notes: str = "",
    indicator_code: str = "",
    audit_code: str = "",
) -> Action:
    """How the impact of a closed, complete action was assured, and how strong the evidence is; where it
    can be measured, the indicator or the reported audit round that shows the before and after."""
    _require(actor, MANAGE, action)
    errors: dict[str, str] = {}
    if approach not in Action.ImpactApproach.values:
        errors["approach"] = "Choose how the impact was assured"
    if rating not in Action.ImpactRating.values:
        errors["rating"] = "Choose the impact rating"
    code = indicator_code.strip()
    if code and not _indicator_exists(code):
        errors["indicator_code"] = f"There is no indicator with the code {code} in the registry"
    audit = audit_code.strip().upper()
    audit_problem = _audit_round_problem(audit) if audit else None
    if audit_problem:
        errors["audit_code"] = audit_problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if not (locked.is_closed and locked.status == Action.Status.COMPLETE):
            raise ValidationError("Impact can only be recorded on a closed action that was completed")
        locked.impact_approach = approach
        locked.impact_rating = rating
        locked.impact_notes = notes.strip()
        locked.impact_indicator_code = code
        locked.impact_audit_code = audit
        locked.impact_recorded_by = actor
        locked.impact_recorded_at = timezone.now()
        locked.save(
            update_fields=[
                "impact_approach",
                "impact_rating",
                "impact_notes",
                "impact_indicator_code",
                "impact_audit_code",
                "impact_recorded_by",
                "impact_recorded_at",
            ]
        )
    return locked


def _indicator_exists(code: str) -> bool:
    from safeguarding.indicators.models import Indicator

    return Indicator.objects.filter(code=code).exists()


def _audit_round_problem(code: str) -> str | None:
    """Why an audit round cannot show an action's impact: it must exist and have reported its grades."""
    from safeguarding.audits.models import AuditRound

    audit_round = AuditRound.objects.filter(code=code).first()
    if audit_round is None:
        return f"There is no audit round with the code {code}"
    if audit_round.status != AuditRound.Status.REPORTED:
        return f"Audit round {code} has not reported yet: link it once its report is out"
    return None


__all__ = [
    "action_close",
    "action_create",
    "action_due_date_change",
    "action_evidence_add",
    "action_impact_record",
    "action_owner_person_set",
    "action_reassign",
    "action_send_back",
    "action_update_add",
]
