"""eMARF drafts: a referral written a section at a time, saved as it goes, and submitted once.

A draft's `answers` hold the referral in the shape of schemas.ReferralAnswers (the same keys, as JSON), plus
two keys of the form's own:

    sections_done   the sections the referrer has finished, in the task list's words ("Completed")
    attachments     the files kept with the draft (see services/attachments.py)

Each page saves only its own section. Submitting validates everything with ReferralAnswers, the one
validation of a referral, and maps any problem back to the section and field where it can be put right.
Submission creates the contact and deletes the draft in one transaction, with the idempotency key
`draft-<id>`: a double click or a resubmission after "back" finds the contact already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from pydantic import ValidationError

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency
from safeguarding.frontdoor.models import Contact, ReferralDraft
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.selectors.referrals import referral_agencies_for, referrer_details
from safeguarding.frontdoor.services.attachments import (
    attachments_record_for_contact,
    draft_files_delete_on_commit,
)
from safeguarding.frontdoor.services.referrals import Referrer, Submitted, referral_submit

# The task list's sections, in order, and the answers each one owns.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "referrer": ("referrer_phone",),
    "children": ("children",),
    "household": ("household",),
    "worry": ("concerns", "what_happened", "when_happened", "child_views", "support_tried"),
    "level": ("referrer_level",),
    "danger": ("immediate_danger", "called_999"),
    "consent": ("parents_aware", "consent", "no_consent_reason", "no_consent_detail"),
    "attachments": (),
}
SECTIONS = tuple(SECTION_FIELDS)
# Attachments are optional; every other section must be finished before the referral can be sent.
REQUIRED_SECTIONS = tuple(section for section in SECTIONS if section != "attachments")
LIST_SECTIONS = ("children", "household")
FIELD_SECTION = {field: section for section, fields in SECTION_FIELDS.items() for field in fields}
SCHEMA_FIELDS = frozenset(ReferralAnswers.model_fields)
SECTION_TITLES = {
    "referrer": "Your details",
    "children": "The children",
    "household": "The household",
    "worry": "What you are worried about",
    "level": "Level of need",
    "danger": "Immediate danger",
    "consent": "Consent",
    "attachments": "Files",
}

# Pydantic's own words for a missing or too-short answer, in the GOV.UK style the rest of the form uses.
_MISSING_MESSAGES = {
    ("referrer_phone", ""): "Enter your phone number",
    ("children", ""): "Add at least one child",
    ("children", "last_name"): "Enter the child's last name",
    ("household", "name"): "Enter the person's name",
    ("household", "relationship"): "Enter how the person is related to the child",
    ("concerns", ""): "Select at least one worry",
    ("what_happened", ""): "Describe what happened",
}
_VALUE_ERROR_PREFIX = "Value error, "


class DraftInvalid(Exception):
    """The draft can't be sent yet; `problems` say where and why."""

    def __init__(self, problems: list[DraftProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class DraftProblem:
    """One thing to put right before sending: the section, the item in a list section, and the field."""

    section: str
    message: str
    field: str = ""
    index: int | None = None


def draft_schema_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The part of a draft's answers that ReferralAnswers validates (the form's own keys left out)."""
    return {key: value for key, value in answers.items() if key in SCHEMA_FIELDS}


def draft_problems(draft: ReferralDraft) -> list[DraftProblem]:
    """Everything that stops the draft being sent, in the order of the task list.

    A section not yet completed is one problem ("Complete the section..."); the schema's findings are shown
    for the sections the referrer has completed, where they point at the field to put right.
    """
    done = set(draft.answers.get("sections_done", []))
    problems = [
        DraftProblem(section, f"Complete the section '{SECTION_TITLES[section]}'")
        for section in REQUIRED_SECTIONS
        if section not in done
    ]
    try:
        ReferralAnswers.model_validate(draft_schema_answers(draft.answers))
    except ValidationError as exc:
        problems.extend(p for p in _problems_from(exc, draft.answers) if p.section in done)
    order = {section: position for position, section in enumerate(SECTIONS)}
    return sorted(problems, key=lambda p: (order[p.section], p.index or 0))


def _problems_from(exc: ValidationError, answers: dict[str, Any]) -> list[DraftProblem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        message = str(error["msg"]).removeprefix(_VALUE_ERROR_PREFIX)
        if not loc:
            problems.append(_root_problem(message, answers))
            continue
        top = str(loc[0])
        section = FIELD_SECTION.get(top, "referrer")
        if top in LIST_SECTIONS and len(loc) >= 2 and isinstance(loc[1], int):
            index = loc[1]
            field = str(loc[2]) if len(loc) >= 3 else _date_field(answers, top, index)
            if error["type"] != "value_error":
                message = _MISSING_MESSAGES.get((top, field), f"Check this answer: {message}")
            problems.append(DraftProblem(section, message, field, index))
            continue
        if error["type"] != "value_error":
            message = _MISSING_MESSAGES.get((top, ""), f"Check this answer: {message}")
        field = "" if top in LIST_SECTIONS else top
        problems.append(DraftProblem(section, message, field))
    return problems


def _date_field(answers: dict[str, Any], section: str, index: int) -> str:
    # A child's own rule is about their dates: point at the one they gave (or the date of birth).
    items = answers.get(section) or []
    item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
    if section == "children" and item.get("expected_date_of_birth") and not item.get("date_of_birth"):
        return "expected_date_of_birth"
    return "date_of_birth"


def _root_problem(message: str, answers: dict[str, Any]) -> DraftProblem:
    # The referral's own rules are about immediate danger or consent; the answers say which one failed.
    if answers.get("immediate_danger") and not answers.get("called_999"):
        return DraftProblem("danger", message, "called_999")
    if answers.get("no_consent_reason") in (None, ""):
        return DraftProblem("consent", message, "no_consent_reason")
    return DraftProblem("consent", message, "no_consent_detail")


def draft_start(*, actor: Any, agency: Agency, request: HttpRequest | None = None) -> ReferralDraft:
    """A new, empty draft for a referral made for `agency` (one the person refers for)."""
    if agency not in referral_agencies_for(actor):
        raise ValueError("The person does not refer for this agency")
    with transaction.atomic():
        draft = ReferralDraft.objects.create(
            owner=actor,
            agency=agency,
            answers={"referrer_phone": actor.phone or "", "sections_done": []},
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=draft,
            purpose="Started a referral",
            request=request,
        )
    return draft


def draft_section_save(
    *,
    actor: Any,
    draft: ReferralDraft,
    section: str,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> ReferralDraft:
    """Save one section's answers (already checked by its page) and mark the section completed."""
    allowed = SECTION_FIELDS[section]
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Answers {sorted(unknown)} don't belong to the section {section}")
    return _change(
        actor=actor,
        draft=draft,
        request=request,
        purpose=f"Saved '{SECTION_TITLES[section]}' in a draft referral",
        apply=lambda answers: {**answers, **_jsonable(values), "sections_done": _done(answers, section)},
    )


def draft_item_save(
    *,
    actor: Any,
    draft: ReferralDraft,
    section: str,
    index: int | None,
    item: dict[str, Any],
    request: HttpRequest | None = None,
) -> int:
    """Add (index None) or replace one child or household member; returns the item's position."""
    if section not in LIST_SECTIONS:
        raise ValueError(f"{section} is not a list section")
    position: list[int] = []

    def apply(answers: dict[str, Any]) -> dict[str, Any]:
        items = list(answers.get(section) or [])
        if index is None or not 0 <= index < len(items):
            items.append(_jsonable(item))
            position.append(len(items) - 1)
        else:
            items[index] = _jsonable(item)
            position.append(index)
        return {**answers, section: items}

    _change(
        actor=actor,
        draft=draft,
        request=request,
        purpose=f"Saved an entry in '{SECTION_TITLES[section]}' in a draft referral",
        apply=apply,
    )
    return position[0]


def draft_item_remove(
    *, actor: Any, draft: ReferralDraft, section: str, index: int, request: HttpRequest | None = None
) -> ReferralDraft:
    """Remove one child or household member. A children section left with nobody is no longer completed."""
    if section not in LIST_SECTIONS:
        raise ValueError(f"{section} is not a list section")

    def apply(answers: dict[str, Any]) -> dict[str, Any]:
        items = list(answers.get(section) or [])
        if 0 <= index < len(items):
            items.pop(index)
        done = list(answers.get("sections_done", []))
        if section == "children" and not items and section in done:
            done.remove(section)
        return {**answers, section: items, "sections_done": done}

    return _change(
        actor=actor,
        draft=draft,
        request=request,
        purpose=f"Removed an entry from '{SECTION_TITLES[section]}' in a draft referral",
        apply=apply,
    )


def draft_section_complete(
    *, actor: Any, draft: ReferralDraft, section: str, request: HttpRequest | None = None
) -> ReferralDraft:
    """Mark a list section (children, household) or the files as finished."""
    return _change(
        actor=actor,
        draft=draft,
        request=request,
        purpose=f"Completed '{SECTION_TITLES[section]}' in a draft referral",
        apply=lambda answers: {**answers, "sections_done": _done(answers, section)},
    )


def draft_delete(*, actor: Any, draft: ReferralDraft, request: HttpRequest | None = None) -> None:
    """Delete a draft and, once that has committed, the files kept with it."""
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().filter(pk=draft.pk).first()
        if locked is None:
            return
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.DELETE,
            subject=locked,
            purpose="Deleted a draft referral",
            request=request,
        )
        draft_files_delete_on_commit(locked.answers.get("attachments", []))
        locked.delete()


def draft_submit(*, actor: Any, draft_id: int, request: HttpRequest | None = None) -> Submitted:
    """Send a draft as a referral: the contact is created and the draft deleted in one transaction.

    With the idempotency key `draft-<id>`, sending again (a double click, "back" and send) gives back the
    contact the first send made. Raises DraftInvalid when the answers are incomplete or wrong, and
    ReferralDraft.DoesNotExist when there is neither a draft nor a contact made from it.
    """
    key = f"draft-{draft_id}"
    with transaction.atomic():
        draft = (
            ReferralDraft.objects.select_for_update()
            .select_related("agency")
            .filter(pk=draft_id, owner=actor)
            .first()
        )
        if draft is None:
            earlier = Contact.objects.filter(referrer=actor, idempotency_key=key).first()
            if earlier is None:
                raise ReferralDraft.DoesNotExist(f"No draft {draft_id} and no referral made from it")
            return Submitted(earlier, created=False)
        problems = draft_problems(draft)
        if draft.agency not in referral_agencies_for(actor):
            problems.insert(
                0,
                DraftProblem(
                    "referrer",
                    f"You no longer make referrals for {draft.agency.name}: start a new referral",
                ),
            )
        if problems:
            raise DraftInvalid(problems)
        answers = ReferralAnswers.model_validate(draft_schema_answers(draft.answers))
        details = referrer_details(actor, draft.agency)
        result = referral_submit(
            referrer=Referrer(
                name=details.name, role=details.role, email=details.email, user=actor, agency=draft.agency
            ),
            answers=answers,
            channel=Contact.Channel.EMARF,
            idempotency_key=key,
            request=request,
        )
        if result.created:
            attachments_record_for_contact(
                contact=result.contact, files=draft.answers.get("attachments", []), uploaded_by=actor
            )
        draft.delete()
    return result


def _change(
    *,
    actor: Any,
    draft: ReferralDraft,
    request: HttpRequest | None,
    purpose: str,
    apply: Any,
) -> ReferralDraft:
    # The row is locked while its answers change, so two tabs on one draft can't lose each other's work.
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        locked.answers = apply(dict(locked.answers))
        locked.save(update_fields=["answers", "updated_at"])
        access_event_record(
            actor=actor, action=AccessEvent.Action.CHANGE, subject=locked, purpose=purpose, request=request
        )
    draft.answers = locked.answers
    draft.updated_at = locked.updated_at
    return draft


def _done(answers: dict[str, Any], section: str) -> list[str]:
    done = list(answers.get("sections_done", []))
    if section not in done:
        done.append(section)
    return done


def _jsonable(value: Any) -> Any:
    """Dates as ISO text: what the JSON column stores and ReferralAnswers reads back."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
