"""The front door's API: agency systems (school safeguarding software, say) send referrals and follow them.

    POST /api/v1/frontdoor/referrals               send a referral (needs referral.submit)
    GET  /api/v1/frontdoor/referrals               the referrals the token may see, newest first
    GET  /api/v1/frontdoor/referrals/{reference}   one referral as submitted, its status and, once decided,
                                                   the outcome and feedback (never the MASH's research)

A referral is validated by `ReferralAnswers`, the model behind the eMARF pages, and becomes a contact through
`referral_submit`, the one way a contact is created. The handler reads the body itself instead of letting
ninja validate it, so that a 422 names each answer to fix in the form's words (`api_schemas.
referral_field_errors`) rather than in ninja's generic ones; the body's schema in the OpenAPI document is
ReferralAnswers' own.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status
from pydantic import ValidationError

from safeguarding.accounts.models import Agency
from safeguarding.api.auth import caller_with
from safeguarding.api.foundation import AUTHENTICATED_ERRORS
from safeguarding.api.schemas import ErrorOut, ValidationErrorOut
from safeguarding.frontdoor.api_schemas import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_PARAMETER,
    IDEMPOTENCY_KEY_PREFIX,
    REFERRAL_REQUEST_BODY,
    AgencyRefOut,
    ChildNameOut,
    ChildOut,
    FieldError,
    FieldErrorOut,
    HouseholdMemberOut,
    OutcomeOut,
    ReferralErrorsOut,
    ReferralListIn,
    ReferralOut,
    ReferralPageOut,
    ReferralReceiptOut,
    ReferralSummaryOut,
    ReferrerOut,
    referral_field_errors,
)
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.schemas import ReferralAnswers
from safeguarding.frontdoor.selectors.referrals import (
    referral_get_for_user,
    referrals_visible_to,
    referrer_details,
)
from safeguarding.frontdoor.services.referrals import Referrer, referral_submit

router = Router(tags=["Front door"])

_IDEMPOTENCY_KEY = re.compile(rf"[!-~]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}")


@router.post(
    "/frontdoor/referrals",
    response={
        201: ReferralReceiptOut,
        200: ReferralReceiptOut,
        400: ErrorOut,
        409: ErrorOut,
        422: ReferralErrorsOut,
        **AUTHENTICATED_ERRORS,
    },
    summary="Send a referral",
    url_name="frontdoor-referral-create",
    openapi_extra={
        "requestBody": REFERRAL_REQUEST_BODY,
        "parameters": [IDEMPOTENCY_KEY_PARAMETER],
        # The referral's rules go beyond its JSON schema (dates against today, the NHS number's check digit,
        # answers that depend on each other): a schema-valid body may still get 422. Tests read this mark.
        "x-rules-beyond-schema": True,
    },
)
def referral_create(request: HttpRequest, response: HttpResponse) -> Status[Any]:
    """Send a referral as the token's person, for the token's agency (permission `referral.submit`).

    201 with the reference when a contact is made; 200 with the same reference when an `Idempotency-Key`
    already sent with this referral is sent again; 409 when that key came with a different referral; 422
    with one entry per answer to fix, in the eMARF's words.
    """
    caller = caller_with(request, "referral.submit")
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        error = FieldError(
            ("header", "Idempotency-Key"),
            f"Make the Idempotency-Key 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} visible characters, with no spaces",
            "idempotency_key",
        )
        return Status(422, ReferralErrorsOut(detail=[_error_out(error)]))
    try:
        answers = ReferralAnswers.model_validate_json(request.body, strict=True)
    except ValidationError as invalid:
        unreadable = [e for e in invalid.errors(include_url=False) if e["type"] == "json_invalid"]
        if unreadable:
            return Status(
                400, ErrorOut(detail=f"The body is not valid JSON: {unreadable[0]['ctx']['error']}")
            )
        errors = [_error_out(error, in_body=True) for error in referral_field_errors(invalid)]
        return Status(422, ReferralErrorsOut(detail=errors))

    agency = caller.membership.agency
    # The same name, role and email the eMARF freezes, from the token's person and its one membership.
    details = referrer_details(caller.actor, agency)
    submitted = referral_submit(
        referrer=Referrer(
            name=details.name, role=details.role, email=details.email, user=caller.actor, agency=agency
        ),
        answers=answers,
        channel=Contact.Channel.API,
        # Keys are the calling system's own; the prefix keeps them apart from the eMARF's keys.
        idempotency_key=f"{IDEMPOTENCY_KEY_PREFIX}{key}" if key else "",
        request=request,
    )
    contact = submitted.contact
    caller.about(contact)
    if not submitted.created and not _is_same_referral(contact, answers, agency):
        return Status(
            409,
            ErrorOut(
                detail=(
                    f"This Idempotency-Key was already used for referral {contact.reference}, a different "
                    "referral (other children, another account of what happened, or another agency). To "
                    "send a new referral, use a new key."
                )
            ),
        )
    link = _link(contact)
    response["Location"] = link
    receipt = ReferralReceiptOut(
        reference=contact.reference,
        status=contact.status,
        status_label=contact.get_status_display(),
        received_at=contact.received_at,
        links={"self": link},
    )
    return Status(201 if submitted.created else 200, receipt)


@router.get(
    "/frontdoor/referrals",
    response={200: ReferralPageOut, 422: ValidationErrorOut, **AUTHENTICATED_ERRORS},
    summary="Referrals",
    url_name="frontdoor-referral-list",
)
def referral_list(request: HttpRequest, filters: Query[ReferralListIn]) -> ReferralPageOut:
    """The referrals the token's role may see (`referral.view`: a referrer's own, a safeguarding lead's
    agency's), newest first, each with its status and, once decided, its outcome."""
    caller = caller_with(request, "referral.view")
    contacts = referrals_visible_to(caller.actor)
    if filters.status is not None:
        contacts = contacts.filter(status=filters.status)
    count = contacts.count()
    caller.about_list(Contact, count)
    page = contacts[filters.offset : filters.offset + filters.limit]
    return ReferralPageOut(count=count, items=[_summary_out(contact) for contact in page])


@router.get(
    "/frontdoor/referrals/{reference}",
    response={200: ReferralOut, 404: ErrorOut, **AUTHENTICATED_ERRORS},
    summary="One referral",
    url_name="frontdoor-referral-detail",
)
def referral_detail(request: HttpRequest, reference: str) -> ReferralOut:
    """A referral by its reference (e.g. WSP-2023-000123) as it was submitted, with its status and, once
    decided, the outcome and feedback; 404 when there is none the token may see."""
    caller = caller_with(request, "referral.view")
    pk = Contact.objects.filter(reference=reference.strip()).values_list("pk", flat=True).first()
    contact = referral_get_for_user(caller.actor, pk)
    caller.about(contact)
    return _referral_out(contact)


# --- Helpers ------------------------------------------------------------------------------------------------


def _is_same_referral(contact: Contact, answers: ReferralAnswers, agency: Agency) -> bool:
    """Whether a retried referral is the one its key first came with: same agency, children and account.

    The body itself isn't kept, so the answers that identify a referral are compared: who the children are
    (names and dates, in order) and what happened. A retry that changes other answers (a phone number, a
    worry ticked) gets the first referral back unchanged; the docs say so.
    """
    sent = [(c.first_name, c.last_name, c.date_of_birth, c.expected_date_of_birth) for c in answers.children]
    kept = list(
        contact.children.order_by("pk").values_list(
            "first_name", "last_name", "date_of_birth", "expected_date_of_birth"
        )
    )
    return (
        contact.referrer_agency_id == agency.pk
        and contact.what_happened == answers.what_happened
        and kept == sent
    )


def _error_out(error: FieldError, *, in_body: bool = False) -> FieldErrorOut:
    loc = ("body", *error.loc) if in_body else error.loc
    return FieldErrorOut(loc=list(loc), field=error.field, msg=error.msg, type=error.type)


def _link(contact: Contact) -> str:
    return reverse("api:frontdoor-referral-detail", kwargs={"reference": contact.reference})


def _agency_out(agency: Agency | None) -> AgencyRefOut | None:
    return AgencyRefOut(code=agency.code, name=agency.name) if agency is not None else None


def _outcome_out(contact: Contact) -> OutcomeOut | None:
    """The outcome once the decision is final (a decision waiting for a manager is not yet an outcome)."""
    if contact.status != Contact.Status.DECIDED or not contact.outcome:
        return None
    return OutcomeOut(
        outcome=contact.outcome,
        outcome_label=contact.get_outcome_display(),
        decided_at=contact.decided_at,
        feedback=contact.feedback,
        feedback_sent_at=contact.feedback_sent_at,
    )


def _summary_out(contact: Contact) -> ReferralSummaryOut:
    return ReferralSummaryOut(
        reference=contact.reference,
        status=contact.status,
        status_label=contact.get_status_display(),
        received_at=contact.received_at,
        channel=contact.channel,
        referrer_name=contact.referrer_name,
        referrer_agency=_agency_out(contact.referrer_agency),
        children=[
            ChildNameOut(first_name=child.first_name, last_name=child.last_name)
            for child in contact.children.all()
        ],
        outcome=_outcome_out(contact),
        links={"self": _link(contact)},
    )


def _referral_out(contact: Contact) -> ReferralOut:
    return ReferralOut(
        reference=contact.reference,
        status=contact.status,
        status_label=contact.get_status_display(),
        received_at=contact.received_at,
        channel=contact.channel,
        referrer=ReferrerOut(
            name=contact.referrer_name,
            role=contact.referrer_role,
            email=contact.referrer_email,
            phone=contact.referrer_phone,
            agency=_agency_out(contact.referrer_agency),
        ),
        children=[
            ChildOut(
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.date_of_birth,
                expected_date_of_birth=child.expected_date_of_birth,
                sex=child.sex,
                ethnicity=child.ethnicity,
                address=child.address,
                postcode=child.postcode,
                school_or_setting=child.school_or_setting,
                gp_practice=child.gp_practice,
                nhs_number=child.nhs_number,
                disability_or_sen=child.disability_or_sen,
                first_language=child.first_language,
                interpreter_needed=child.interpreter_needed,
            )
            for child in contact.children.all()
        ],
        household=[
            HouseholdMemberOut(
                name=member.name,
                relationship=member.relationship,
                date_of_birth=member.date_of_birth,
                address=member.address,
                parental_responsibility=member.parental_responsibility,
                lives_with_child=member.lives_with_child,
            )
            for member in contact.household.all()
        ],
        concerns=sorted(concern.concern for concern in contact.concerns.all()),
        what_happened=contact.what_happened,
        when_happened=contact.when_happened,
        child_views=contact.child_views,
        support_tried=contact.support_tried,
        referrer_level=contact.referrer_level,
        immediate_danger=contact.immediate_danger,
        called_999=contact.called_999,
        parents_aware=contact.parents_aware,
        consent=contact.consent,
        no_consent_reason=contact.no_consent_reason,
        no_consent_detail=contact.no_consent_detail,
        outcome=_outcome_out(contact),
        links={"self": _link(contact)},
    )
