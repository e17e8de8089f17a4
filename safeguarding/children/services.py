"""Writing children and their journey (only services write).

The front door calls the first three: the children app does not depend on the front door, so a child is
created from "child details": anything with the fields a referral gives about a child (the front door's
ContactChild has them all). The child's page adds and corrects episodes through `journey_record_save`, which
refuses dates in the wrong order (children.validation) and keeps each change in the record's history and the
access log. Census and Annex A imports write in bulk in their own transaction and keep bad dates as given,
with their findings.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.children.codes import ReferralSource
from safeguarding.children.identity import identity_problems, la_child_id_clash
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest, Origin
from safeguarding.children.validation import date_problems


class ChildDetails(Protocol):
    """What a referral says about a child: the fields a new Child record is made from."""

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


CHILD_DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "address",
    "postcode",
    "school_or_setting",
    "gp_practice",
    "nhs_number",
    "disability_or_sen",
    "first_language",
    "interpreter_needed",
)


def child_create_from_contact_child(
    *, actor: Any, contact_child: ChildDetails, request: HttpRequest | None = None
) -> Child:
    """A new Child record made from the details a referral gave (when no existing record matches)."""
    with transaction.atomic():
        child = Child.objects.create(**{name: getattr(contact_child, name) for name in CHILD_DETAIL_FIELDS})
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=child,
            purpose="Child record created from a contact's details",
            request=request,
        )
    return child


def cin_referral_create(
    *,
    actor: Any,
    child: Child,
    referral_date: date,
    source: str,
    contact_reference: str = "",
    strategy_discussion_date: date | None = None,
    request: HttpRequest | None = None,
) -> CINReferral:
    """A referral to children's social care (the start of a CIN episode) with its CIN census source code.

    When the child already has a CIN episode referred that same day (two contacts about one child decided at
    level 4 on one day), the contact joins that episode rather than starting a second: the census counts one
    referral, and two episodes with one referral date would overlap (validator rule 8820).
    """
    with transaction.atomic():
        existing = (
            CINReferral.objects.select_for_update()
            .filter(child=child, referral_date=referral_date)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            access_event_record(
                actor=actor,
                action=AccessEvent.Action.CHANGE,
                subject=existing,
                purpose=f"Contact {contact_reference} joined the CIN episode referred the same day".strip(),
                details={"child": child.pk, "contact_reference": contact_reference},
                request=request,
            )
            return existing
        referral = CINReferral.objects.create(
            child=child,
            referral_date=referral_date,
            source=ReferralSource(source),
            contact_reference=contact_reference,
            strategy_discussion_date=strategy_discussion_date,
            origin=Origin.FRONTDOOR,
            recorded_by=actor,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=referral,
            purpose=f"CIN referral from contact {contact_reference}".strip(),
            details={"child": child.pk, "source": referral.source},
            request=request,
        )
    return referral


def early_help_request_create(
    *,
    actor: Any,
    child: Child,
    requested_on: date,
    contact_reference: str = "",
    request: HttpRequest | None = None,
) -> EarlyHelpRequest:
    """A request for an early help assessment (level 3 of Right Help, Right Time)."""
    with transaction.atomic():
        early_help = EarlyHelpRequest.objects.create(
            child=child,
            requested_on=requested_on,
            contact_reference=contact_reference,
            recorded_by=actor,
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE,
            subject=early_help,
            purpose=f"Early help request from contact {contact_reference}".strip(),
            details={"child": child.pk},
            request=request,
        )
    return early_help


class JourneyRefused(Exception):
    """A journey record was not saved; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def journey_record_save(
    *, actor: Any, record: models.Model, child: Child, request: HttpRequest | None = None
) -> models.Model:
    """Add or correct one episode (or part of one) of `child`'s journey, as the person on the child's page.

    Refuses dates in the wrong order (JourneyRefused, nothing saved). The change is kept in the record's
    history (with the person) and written to the access log with the fields that changed.
    """
    problems = date_problems(record)
    if problems:
        raise JourneyRefused(problems)
    creating = record.pk is None
    changed = _changed_fields(record)
    with transaction.atomic():
        if creating and hasattr(record, "origin"):
            record.origin = Origin.RECORDED
        if creating and hasattr(record, "recorded_by_id"):
            record.recorded_by = actor  # type: ignore[attr-defined]
        record._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]
        record.save()
        noun = record._meta.verbose_name
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CREATE if creating else AccessEvent.Action.CHANGE,
            subject=record,
            purpose=f"{'Added' if creating else 'Corrected'} {noun} on the child's page",
            details={"child": child.pk, "fields": changed},
            request=request,
        )
    return record


def child_identity_correct(*, actor: Any, child: Child, request: HttpRequest | None = None) -> list[str]:
    """Save corrections to who the child is (names, census identifiers, dates, characteristics, address).

    Refuses a record that breaks children.identity's checks (JourneyRefused, nothing saved), including an
    LA child ID another child's record already holds, even when two people save at once: the database's
    unique constraint has the last word and its refusal becomes the same message. The earlier version is
    kept in the child's history (with the person) and the access log names the fields that changed.
    Returns those fields; nothing is saved or logged when none changed.
    """
    problems = identity_problems(child, actor=actor)
    if problems:
        raise JourneyRefused(problems)
    changed = _changed_fields(child)
    if not changed:
        return []
    child._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, so a refused save leaves the outer transaction usable
                child.save()
        except IntegrityError as refused:
            # Both engines name the column or the constraint (child_la_child_id_unique) in the error.
            if "la_child_id" not in str(refused):
                raise
            clash = la_child_id_clash(child, actor=actor) or (
                f"LA child ID {child.la_child_id} was given to another child's record while you were "
                "correcting this one. Check the ID: each child has their own"
            )
            raise JourneyRefused({"la_child_id": clash}) from refused
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CHANGE,
            subject=child,
            purpose="Corrected the child's identity on the child's page",
            details={"child": child.pk, "fields": changed},
            request=request,
        )
    return changed


def _changed_fields(record: models.Model) -> list[str]:
    """The names of the fields that differ from the stored row (all of them for a new record)."""
    concrete = [f for f in record._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    if record.pk is None:
        return [f.name for f in concrete if getattr(record, f.attname) not in (None, "", [], False)]
    stored = type(record)._default_manager.filter(pk=record.pk).values(*[f.attname for f in concrete]).first()
    if stored is None:
        return [f.name for f in concrete]
    return [f.name for f in concrete if stored[f.attname] != getattr(record, f.attname)]
