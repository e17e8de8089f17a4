"""The MASH's work on a contact: recording contacts that arrive by phone, email or police notification,
claiming and assigning, rating, matching children, agency checks, the decision and its authorisation, and
feedback to the referrer.

Optimistic locking: every change to the MASH's work takes the contact's `version` the person saw and starts by
raising it with `UPDATE ... WHERE pk = ? AND version = ?`. When no row matches, someone else changed the
contact since the page was shown, and `Conflict` is raised before anything is written. The UPDATE is also
what serialises two people acting at once: on PostgreSQL the second waits for the first's row lock and then
finds the version moved on; on SQLite the IMMEDIATE transactions queue writers, with the same result. The
business rules are checked after that UPDATE, on the contact as it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.access.permissions import can, holds
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency, User
from safeguarding.children import services as children_services
from safeguarding.children.codes import ReferralSource
from safeguarding.children.models import Child
from safeguarding.core.clocks import clock_due_date
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactChild
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit

# Agency checks: when the practitioner gives no due time, the answer is wanted by noon on the day the MASH
# decision is due (the referral-decision clock), leaving the afternoon to weigh it and decide in time. For a
# contact already past that point the check is wanted within AGENCY_CHECK_LATE_HOURS.
AGENCY_CHECK_DUE_TIME = time(12, 0)
AGENCY_CHECK_LATE_HOURS = 2

MASH_CHANNELS = (Contact.Channel.PHONE, Contact.Channel.EMAIL, Contact.Channel.POLICE_NOTIFICATION)


class Conflict(Exception):
    """Someone else changed the contact after the person loaded the page (their version is out of date)."""

    def __init__(self, contact_id: int, seen_version: int) -> None:
        super().__init__(f"Contact {contact_id} changed after version {seen_version} was seen")
        self.contact_id = contact_id
        self.seen_version = seen_version


class WorkRefused(Exception):
    """A change the rules do not allow; the message says why, in words for the practitioner."""


# --- Recording a contact that arrived another way ----------------------------------------------------------


def contact_record(
    *,
    actor: Any,
    referrer: Referrer,
    answers: ReferralAnswers,
    channel: str,
    source: str,
    received_at: datetime,
    dash_risk: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Record a contact phoned, emailed or notified by police to the MASH, through referral_submit.

    The DASH risk level belongs to police domestic abuse notifications only (and is required for them).
    """
    if channel not in MASH_CHANNELS:
        raise WorkRefused("Select how the contact arrived: phone, email or police notification")
    is_police_domestic_abuse = (
        channel == Contact.Channel.POLICE_NOTIFICATION and "domestic_abuse" in answers.concerns
    )
    if is_police_domestic_abuse and dash_risk not in Contact.DashRisk.values:
        raise WorkRefused("Select the DASH risk level the police gave")
    if not is_police_domestic_abuse and dash_risk:
        raise WorkRefused("Only police domestic abuse notifications have a DASH risk level")
    if received_at > timezone.now() + timedelta(minutes=5):
        raise WorkRefused("The time the contact was received must be now or in the past")
    with transaction.atomic():
        contact = referral_submit(
            referrer=referrer,
            answers=answers,
            channel=channel,
            source=ReferralSource(source),
            received_at=received_at,
            dash_risk=dash_risk,
            request=request,
        ).contact
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.CHANGE,
            subject=contact,
            purpose=f"Recorded a contact received by {Contact.Channel(channel).label.lower()}",
            details={"version": contact.version, "referrer": referrer.name},
            request=request,
        )
    return contact


# --- The version lock --------------------------------------------------------------------------------------


def _take_version(contact: Contact, seen_version: int) -> Contact:
    """Raise the contact's version from the one the person saw (else Conflict); the contact as it now is."""
    moved = Contact.objects.filter(pk=contact.pk, version=seen_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if moved == 0:
        raise Conflict(contact.pk, seen_version)
    return Contact.objects.select_related("assigned_to", "referrer_agency").get(pk=contact.pk)


def _log_change(
    *, actor: Any, contact: Contact, purpose: str, request: HttpRequest | None, **details: Any
) -> None:
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.CHANGE,
        subject=contact,
        purpose=purpose,
        details={"version": contact.version, **details},
        request=request,
    )


def _refuse_if_decided(contact: Contact) -> None:
    if contact.status == Contact.Status.DECIDED:
        raise WorkRefused("This contact has been decided: its work is closed")


def _started(contact: Contact, fields: list[str]) -> None:
    """A new contact is in progress as soon as anyone works on it."""
    if contact.status == Contact.Status.NEW:
        contact.status = Contact.Status.IN_PROGRESS
        fields.append("status")


def _require(actor: Any, permission: str, record: Contact | Child) -> None:
    if not can(actor, permission, record):
        raise PermissionDenied("Your roles do not allow this")


# --- Claiming, assigning and rating -----------------------------------------------------------------------


def contact_claim(
    *, actor: Any, contact: Contact, seen_version: int, request: HttpRequest | None = None
) -> Contact:
    """Assign the contact to the person claiming it."""
    return contact_assign(
        actor=actor, contact=contact, assignee=actor, seen_version=seen_version, request=request
    )


def contact_assign(
    *,
    actor: Any,
    contact: Contact,
    assignee: User,
    seen_version: int,
    request: HttpRequest | None = None,
) -> Contact:
    """Give the contact to a MASH worker (someone whose role lets them work contacts)."""
    _require(actor, "contact.work", contact)
    if not holds(assignee, "contact.work"):
        raise WorkRefused(f"{assignee.full_name} does not work contacts in the MASH")
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        _refuse_if_decided(contact)
        fields = ["assigned_to"]
        before = contact.assigned_to.full_name if contact.assigned_to else "nobody"
        contact.assigned_to = assignee
        _started(contact, fields)
        contact.save(update_fields=fields)
        purpose = (
            f"Claimed (was assigned to {before})"
            if assignee.pk == getattr(actor, "pk", None)
            else f"Assigned to {assignee.full_name} (was {before})"
        )
        _log_change(actor=actor, contact=contact, purpose=purpose, request=request, assigned_to=assignee.pk)
    return contact


def contact_rate(
    *, actor: Any, contact: Contact, rag: str, seen_version: int, request: HttpRequest | None = None
) -> Contact:
    """Rate the contact red, amber or green (how urgent the MASH judges the risk)."""
    _require(actor, "contact.work", contact)
    if rag not in Contact.Rag.values:
        raise WorkRefused("Select red, amber or green")
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        _refuse_if_decided(contact)
        before = contact.get_rag_display() or "not rated"
        fields = ["rag"]
        contact.rag = rag
        _started(contact, fields)
        contact.save(update_fields=fields)
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Rated {contact.get_rag_display().lower()} (was {before.lower()})",
            request=request,
            rag=rag,
        )
    return contact


# --- Matching children --------------------------------------------------------------------------------------


def contact_child_link(
    *,
    actor: Any,
    contact_child: ContactChild,
    child: Child,
    seen_version: int,
    request: HttpRequest | None = None,
) -> ContactChild:
    """Link a child named in the contact to an existing Child record (the MASH's match)."""
    _require(actor, "contact.work", contact_child.contact)
    _require(actor, "child.view", child)
    with transaction.atomic():
        contact = _take_version(contact_child.contact, seen_version)
        _refuse_if_decided(contact)
        return _link(actor=actor, contact=contact, contact_child=contact_child, child=child, request=request)


def contact_child_create_record(
    *, actor: Any, contact_child: ContactChild, seen_version: int, request: HttpRequest | None = None
) -> ContactChild:
    """No existing record matches: create a Child from the contact's details and link it."""
    _require(actor, "contact.work", contact_child.contact)
    if not holds(actor, "child.change"):
        raise PermissionDenied("Your roles do not allow creating child records")
    with transaction.atomic():
        contact = _take_version(contact_child.contact, seen_version)
        _refuse_if_decided(contact)
        child = children_services.child_create_from_contact_child(
            actor=actor, contact_child=contact_child, request=request
        )
        return _link(
            actor=actor, contact=contact, contact_child=contact_child, child=child, request=request, new=True
        )


def _link(
    *,
    actor: Any,
    contact: Contact,
    contact_child: ContactChild,
    child: Child,
    request: HttpRequest | None,
    new: bool = False,
) -> ContactChild:
    contact_child.child = child
    contact_child.save(update_fields=["child"])
    fields: list[str] = []
    _started(contact, fields)
    if fields:
        contact.save(update_fields=fields)
    how = "a new child record" if new else "an existing child record"
    _log_change(
        actor=actor,
        contact=contact,
        purpose=f"Matched {contact_child} to {how} ({child.display_name}, record {child.pk})",
        request=request,
        contact_child=contact_child.pk,
        child=child.pk,
    )
    return contact_child


# --- Agency checks ------------------------------------------------------------------------------------------


def agency_check_default_due(contact: Contact, *, now: datetime | None = None) -> datetime:
    """When an agency's answer is wanted if the practitioner does not say (see AGENCY_CHECK_DUE_TIME)."""
    moment = now or timezone.now()
    decision_day = clock_due_date("referral-decision", contact.received_at)
    london = timezone.get_default_timezone()
    due = timezone.make_aware(datetime.combine(decision_day, AGENCY_CHECK_DUE_TIME), london)
    if due <= moment:
        return moment + timedelta(hours=AGENCY_CHECK_LATE_HOURS)
    return due


def agency_check_request(
    *,
    actor: Any,
    contact: Contact,
    agency: Agency,
    question: str,
    due_at: datetime | None,
    seen_version: int,
    request: HttpRequest | None = None,
) -> AgencyCheck:
    """Ask a partner agency what it knows about the family; the answer is wanted by `due_at`."""
    _require(actor, "contact.work", contact)
    question = question.strip()
    if not question:
        raise WorkRefused("Enter what you are asking the agency")
    if not agency.active:
        raise WorkRefused(f"{agency.name} is no longer an active agency")
    now = timezone.now()
    due = due_at or agency_check_default_due(contact, now=now)
    if due <= now:
        raise WorkRefused("The time the answer is due must be in the future")
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        _refuse_if_decided(contact)
        check = AgencyCheck.objects.create(
            contact=contact,
            agency=agency,
            question=question,
            requested_by=actor,
            requested_at=now,
            due_at=due,
        )
        fields: list[str] = []
        _started(contact, fields)
        if fields:
            contact.save(update_fields=fields)
        local_due = timezone.localtime(due)
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Asked {agency.name} for a check, due {local_due:%H:%M on %d %b %Y}",
            request=request,
            agency_check=check.pk,
        )
    return check


def agency_check_answer(
    *,
    actor: Any,
    check: AgencyCheck,
    answer: str,
    answered_by_name: str,
    answered_at: datetime,
    seen_version: int,
    request: HttpRequest | None = None,
) -> AgencyCheck:
    """Record what the agency said, who in the agency said it, and when.

    An answer arriving after the decision is still recorded: it belongs to the record of the contact.
    """
    _require(actor, "contact.work", check.contact)
    answer, answered_by_name = answer.strip(), answered_by_name.strip()
    if not answer:
        raise WorkRefused("Enter what the agency told you")
    if not answered_by_name:
        raise WorkRefused("Enter who answered for the agency")
    if answered_at > timezone.now() + timedelta(minutes=5):
        raise WorkRefused("The time of the answer must be now or in the past")
    if answered_at < check.requested_at - timedelta(minutes=5):
        raise WorkRefused("The time of the answer must be after the check was asked for")
    with transaction.atomic():
        contact = _take_version(check.contact, seen_version)
        check = AgencyCheck.objects.select_related("agency").get(pk=check.pk)
        if check.answered_at is not None:
            raise WorkRefused("This check has already been answered")
        check.answer = answer
        check.answered_by_name = answered_by_name
        check.answered_at = answered_at
        check.recorded_by = actor
        check.save(update_fields=["answer", "answered_by_name", "answered_at", "recorded_by", "updated_at"])
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Recorded {check.agency.name}'s answer, given by {answered_by_name}",
            request=request,
            agency_check=check.pk,
        )
    return check


# --- The decision -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What the practitioner decided, as the decision form gives it."""

    outcome: str
    rationale: str
    feedback: str
    nfa_reason: str = ""
    strategy_discussion_date: date | None = None


def decision_needs_authorisation(outcome: str, rag: str) -> bool:
    """Level 4 decisions, and no further action on a red-rated contact, need a MASH manager to authorise."""
    return outcome == Contact.Outcome.LEVEL_4 or (outcome == Contact.Outcome.NFA and rag == Contact.Rag.RED)


# The outcomes that create a record for each child, so every child must be matched first.
_OUTCOMES_CREATING_RECORDS = {
    Contact.Outcome.LEVEL_3: "early help requests",
    Contact.Outcome.LEVEL_4: "CIN referrals",
}


def decision_record(
    *,
    actor: Any,
    contact: Contact,
    decision: Decision,
    seen_version: int,
    request: HttpRequest | None = None,
) -> Contact:
    """Record the MASH decision. Final at once, unless it needs a manager's authorisation and the person
    deciding cannot give it: then it waits for a manager (status "awaiting authorisation").

    Final level 4 decisions create a CIN referral for each child, level 3 an early help request for each
    child, and the referrer is sent the outcome and next steps after the transaction commits.
    """
    _require(actor, "contact.work", contact)
    _check_decision(decision, contact)
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        _refuse_if_decided(contact)
        if contact.status == Contact.Status.AWAITING_AUTHORISATION:
            raise WorkRefused(
                "A decision on this contact is waiting for a manager: it must be authorised or sent back "
                "first"
            )
        _check_children_matched(contact, decision.outcome)
        now = timezone.now()
        contact.outcome = decision.outcome
        contact.rationale = decision.rationale.strip()
        contact.feedback = decision.feedback.strip()
        contact.nfa_reason = decision.nfa_reason.strip() if decision.outcome == Contact.Outcome.NFA else ""
        contact.strategy_discussion_date = (
            decision.strategy_discussion_date if decision.outcome == Contact.Outcome.LEVEL_4 else None
        )
        contact.decided_by = actor
        needs_manager = decision_needs_authorisation(decision.outcome, contact.rag)
        final = not needs_manager or can(actor, "contact.decide", contact)
        if final:
            contact.status = Contact.Status.DECIDED
            contact.decided_at = now
            if needs_manager:
                contact.authorised_by, contact.authorised_at = actor, now
        else:
            contact.status = Contact.Status.AWAITING_AUTHORISATION
        contact.save(
            update_fields=[
                "outcome",
                "rationale",
                "feedback",
                "nfa_reason",
                "strategy_discussion_date",
                "decided_by",
                "decided_at",
                "authorised_by",
                "authorised_at",
                "status",
            ]
        )
        label = Contact.Outcome(decision.outcome).label
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Decided: {label}" if final else f"Proposed {label}, for a manager to authorise",
            request=request,
            outcome=decision.outcome,
        )
        if final:
            _decision_take_effect(actor=actor, contact=contact, request=request)
    return contact


def decision_authorise(
    *, actor: Any, contact: Contact, seen_version: int, request: HttpRequest | None = None
) -> Contact:
    """A MASH manager authorises the decision waiting for them: it becomes final and takes effect."""
    _require(actor, "contact.decide", contact)
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        if contact.status != Contact.Status.AWAITING_AUTHORISATION:
            raise WorkRefused("There is no decision on this contact waiting for authorisation")
        _check_children_matched(contact, contact.outcome)
        now = timezone.now()
        contact.status = Contact.Status.DECIDED
        contact.decided_at = now
        contact.authorised_by, contact.authorised_at = actor, now
        contact.save(update_fields=["status", "decided_at", "authorised_by", "authorised_at"])
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Authorised the decision: {contact.get_outcome_display()}",
            request=request,
            outcome=contact.outcome,
        )
        _decision_take_effect(actor=actor, contact=contact, request=request)
    return contact


def decision_send_back(
    *, actor: Any, contact: Contact, reason: str, seen_version: int, request: HttpRequest | None = None
) -> Contact:
    """A MASH manager sends a proposed decision back to the practitioner, saying why.

    The rationale and feedback stay on the contact for the practitioner to revise; the outcome is cleared.
    """
    _require(actor, "contact.decide", contact)
    reason = reason.strip()
    if not reason:
        raise WorkRefused("Enter why you are sending the decision back")
    with transaction.atomic():
        contact = _take_version(contact, seen_version)
        if contact.status != Contact.Status.AWAITING_AUTHORISATION:
            raise WorkRefused("There is no decision on this contact waiting for authorisation")
        proposed = contact.get_outcome_display()
        contact.status = Contact.Status.IN_PROGRESS
        contact.outcome = ""
        contact.nfa_reason = ""
        contact.strategy_discussion_date = None
        contact.decided_by = None
        contact.save(
            update_fields=["status", "outcome", "nfa_reason", "strategy_discussion_date", "decided_by"]
        )
        _log_change(
            actor=actor,
            contact=contact,
            purpose=f"Sent back the proposed decision ({proposed}): {reason}",
            request=request,
        )
    return contact


def _check_decision(decision: Decision, contact: Contact) -> None:
    if decision.outcome not in Contact.Outcome.values:
        raise WorkRefused("Select the outcome")
    if not decision.rationale.strip():
        raise WorkRefused("Enter the rationale for the decision")
    if not decision.feedback.strip():
        raise WorkRefused("Enter the outcome and next steps to send to the referrer")
    if decision.outcome == Contact.Outcome.NFA and not decision.nfa_reason.strip():
        raise WorkRefused("Enter the reason for no further action")
    sd_date = decision.strategy_discussion_date
    if sd_date is not None:
        if decision.outcome != Contact.Outcome.LEVEL_4:
            raise WorkRefused("A strategy discussion is only decided with a level 4 decision")
        if sd_date < timezone.localdate(contact.received_at):
            raise WorkRefused("The strategy discussion date must be on or after the day the contact arrived")


def _check_children_matched(contact: Contact, outcome: str) -> None:
    records = _OUTCOMES_CREATING_RECORDS.get(Contact.Outcome(outcome)) if outcome else None
    if records is None:
        return
    unmatched = [str(child) for child in contact.children.filter(child__isnull=True)]
    if unmatched:
        names = ", ".join(unmatched)
        raise WorkRefused(
            f"Match every child to a child record before this decision, which creates {records}: "
            f"not matched yet: {names}"
        )


def _decision_take_effect(*, actor: Any, contact: Contact, request: HttpRequest | None) -> None:
    assert contact.decided_at is not None
    decision_day = timezone.localdate(contact.decided_at)
    children = [link.child for link in contact.children.select_related("child") if link.child is not None]
    if contact.outcome == Contact.Outcome.LEVEL_4:
        for child in children:
            children_services.cin_referral_create(
                actor=actor,
                child=child,
                referral_date=decision_day,
                source=contact.source,
                contact_reference=contact.reference,
                strategy_discussion_date=contact.strategy_discussion_date,
                request=request,
            )
    elif contact.outcome == Contact.Outcome.LEVEL_3:
        for child in children:
            children_services.early_help_request_create(
                actor=actor,
                child=child,
                requested_on=decision_day,
                contact_reference=contact.reference,
                request=request,
            )
    contact_id = contact.pk
    transaction.on_commit(lambda: feedback_send(contact_id=contact_id))


# --- Feedback to the referrer -------------------------------------------------------------------------------


def feedback_send(*, contact_id: int) -> bool:
    """Email the outcome and next steps to the referrer, and record when it was sent.

    Runs after the decision commits, so a rolled-back decision sends nothing. Only the outcome and the
    feedback text go out, never the MASH's research. Returns True when the email was sent.
    """
    contact = Contact.objects.filter(pk=contact_id, status=Contact.Status.DECIDED).first()
    if contact is None or not contact.referrer_email or contact.feedback_sent_at is not None:
        return False
    context = {"contact": contact, "partnership_name": settings.PARTNERSHIP_NAME}
    sent = send_mail(
        subject=f"The outcome of your referral {contact.reference}",
        message=render_to_string("frontdoor/mash/email/feedback.txt", context),
        from_email=None,
        recipient_list=[contact.referrer_email],
        fail_silently=True,
    )
    if not sent:
        return False
    with transaction.atomic():
        recorded = Contact.objects.filter(pk=contact_id, feedback_sent_at__isnull=True).update(
            feedback_sent_at=timezone.now()
        )
        if recorded:
            access_event_record(
                actor=None,
                action=AccessEvent.Action.CHANGE,
                subject=contact,
                purpose="Outcome and next steps emailed to the referrer",
                details={"version": contact.version},
            )
    return True
