"""The front door's API: referrals sent by agency systems, validated like the eMARF, followed by reference."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pydantic import ValidationError

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership, User
from safeguarding.api.api import api
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.children.codes import ReferralSource
from safeguarding.core.testing import Personas, make_user
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactChild
from safeguarding.frontdoor.schemas import ReferralAnswers

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/frontdoor/referrals"


def referral(**overrides: Any) -> dict[str, Any]:
    """A complete referral body, as a school's safeguarding system would send it."""
    body: dict[str, Any] = {
        "referrer_phone": "0121 496 0123",
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Testchild",
                "date_of_birth": "2015-03-02",
                "sex": "2",
                "postcode": "ws1 1tp",
                "nhs_number": "943 476 5919",
            },
            {
                "last_name": "Testchild",
                "expected_date_of_birth": (date.today() + timedelta(days=60)).isoformat(),
            },
        ],
        "household": [
            {"name": "Parent Testchild", "relationship": "mother", "parental_responsibility": True}
        ],
        "concerns": ["neglect", "domestic_abuse"],
        "what_happened": "Amy came to school hungry three days running and said there was shouting at home.",
        "referrer_level": 3,
        "consent": "not_sought",
        "no_consent_reason": "risk_to_child",
    }
    body.update(overrides)
    return body


def send(secret: str | None, body: Any, *, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post(REFERRALS, data=data, content_type="application/json", headers=headers)


def secret_of(user: User) -> str:
    return token_for(user)[1]


def api_calls() -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL).order_by("id"))


# --- Sending a referral ----------------------------------------------------------------------------------


def test_a_referrers_system_sends_a_referral(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = send(secret_of(personas.a_readonly), referral())
    assert response.status_code == 201
    body = response.json()
    contact = Contact.objects.get()
    assert body["reference"] == contact.reference
    assert body["status"] == "new" and body["status_label"] == "New"
    assert body["links"] == {"self": f"{REFERRALS}/{contact.reference}"}
    assert response["Location"] == f"{REFERRALS}/{contact.reference}"
    assert contact.channel == Contact.Channel.API
    assert contact.source == ReferralSource.SCHOOLS  # agency A is a school
    assert contact.referrer_id == personas.a_readonly.pk
    assert contact.referrer_agency == personas.agency_a
    assert contact.referrer_name == "Alan Reader"
    assert contact.referrer_email == "a.reader@example.org"
    assert contact.referrer_role == "Referrer"  # no job title: the role the token acts through
    assert contact.referrer_phone == "0121 496 0123"
    assert contact.referrer_level == 3
    amy, unborn = contact.children.order_by("pk")
    assert (amy.first_name, amy.date_of_birth, amy.postcode, amy.nhs_number) == (
        "Amy",
        date(2015, 3, 2),
        "WS1 1TP",
        "9434765919",
    )
    assert unborn.date_of_birth is None and unborn.expected_date_of_birth is not None
    assert sorted(contact.concerns.values_list("concern", flat=True)) == ["domestic_abuse", "neglect"]
    assert contact.household.get().parental_responsibility
    # The receipt goes to the person behind the token, as it does for the eMARF.
    assert mail.outbox[0].to == ["a.reader@example.org"]
    assert contact.reference in mail.outbox[0].subject


def test_the_source_follows_the_tokens_agency(personas: Personas) -> None:
    personas.b_worker.job_title = "Practice safeguarding lead"
    personas.b_worker.save()
    response = send(secret_of(personas.b_worker), referral())
    assert response.status_code == 201
    contact = Contact.objects.get()
    assert contact.source == ReferralSource.GP  # agency B is a GP practice
    assert contact.referrer_agency == personas.agency_b
    assert contact.referrer_role == "Practice safeguarding lead"


def test_a_token_acts_for_its_own_membership_only(personas: Personas) -> None:
    # Ada also refers for agency B; her token for agency A refers as agency A.
    secret = secret_of(personas.a_worker)  # made while agency A is her only role
    Membership.objects.create(user=personas.a_worker, agency=personas.agency_b, role="referrer")
    response = send(secret, referral())
    assert response.status_code == 201
    assert Contact.objects.get().referrer_agency == personas.agency_a


def test_a_retry_with_the_same_key_gives_back_the_same_referral(personas: Personas) -> None:
    secret = secret_of(personas.a_readonly)
    first = send(secret, referral(), key="mis-4711")
    again = send(secret, referral(), key="mis-4711")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert again["Location"] == first["Location"]
    assert Contact.objects.count() == 1
    assert ContactChild.objects.count() == 2
    assert Contact.objects.get().idempotency_key == "api:mis-4711"


def test_a_retry_may_change_answers_that_do_not_identify_the_referral(personas: Personas) -> None:
    secret = secret_of(personas.a_readonly)
    first = send(secret, referral(), key="mis-4711")
    again = send(secret, referral(referrer_phone="0121 496 9999", concerns=["neglect"]), key="mis-4711")
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Contact.objects.get().referrer_phone == "0121 496 0123"  # the first referral, unchanged


@pytest.mark.parametrize(
    "changes",
    [
        {"what_happened": "Something else entirely happened at the weekend."},
        {"children": [{"first_name": "Ben", "last_name": "Otherchild", "date_of_birth": "2016-05-05"}]},
        {"children": referral()["children"][:1]},
    ],
)
def test_the_same_key_with_a_different_referral_is_a_conflict(
    personas: Personas, changes: dict[str, Any]
) -> None:
    secret = secret_of(personas.a_readonly)
    first = send(secret, referral(), key="mis-4711")
    clash = send(secret, referral(**changes), key="mis-4711")
    assert clash.status_code == 409
    assert first.json()["reference"] in clash.json()["detail"]
    assert "use a new key" in clash.json()["detail"]
    assert Contact.objects.count() == 1


def test_without_a_key_each_call_is_a_new_referral(personas: Personas) -> None:
    secret = secret_of(personas.a_readonly)
    assert send(secret, referral()).status_code == 201
    assert send(secret, referral()).status_code == 201
    assert Contact.objects.count() == 2


def test_keys_belong_to_the_person_who_sent_them(personas: Personas) -> None:
    colleague = make_user("referrer", personas.agency_a)
    first = send(secret_of(personas.a_readonly), referral(), key="shared-key")
    second = send(secret_of(colleague), referral(), key="shared-key")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["reference"] != second.json()["reference"]


def test_an_api_key_never_finds_an_emarf_submission(personas: Personas) -> None:
    from safeguarding.frontdoor.services.referrals import Referrer, referral_submit

    user = personas.a_readonly
    referral_submit(
        referrer=Referrer(name=user.full_name, email=user.email, user=user, agency=personas.agency_a),
        answers=ReferralAnswers.model_validate(referral()),
        idempotency_key="draft-7",
    )
    response = send(secret_of(user), referral(), key="draft-7")
    assert response.status_code == 201
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("key", ["", "has a space", "x" * 97, "naïve"])
def test_a_malformed_idempotency_key_is_refused(personas: Personas, key: str) -> None:
    response = send(secret_of(personas.a_readonly), referral(), key=key)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert "Idempotency-Key" in error["msg"]
    assert not Contact.objects.exists()


# --- Validation: the form's rules and words --------------------------------------------------------------


def _schema_message(body: dict[str, Any]) -> str:
    """What ReferralAnswers itself says about a body: the words the eMARF shows."""
    with pytest.raises(ValidationError) as raised:
        ReferralAnswers.model_validate(body)
    return str(raised.value)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"children": [{"last_name": "Testchild"}]},
            "children.0.date_of_birth",
            "Enter the child's date of birth, or the expected date for an unborn baby",
        ),
        (
            {"children": [{"last_name": "Testchild", "date_of_birth": "2099-01-01"}]},
            "children.0.date_of_birth",
            "The date of birth must be today or in the past",
        ),
        (
            {"immediate_danger": True},
            "called_999",
            "If a child is in immediate danger, call 999 first, then confirm you have called",
        ),
        (
            {
                "children": [
                    {"last_name": "Testchild", "date_of_birth": "2015-01-01", "nhs_number": "9434765918"}
                ]
            },
            "children.0.nhs_number",
            "Enter a valid 10-digit NHS number, or leave it empty if you do not know it",
        ),
        (
            {"children": [{"last_name": "Testchild", "date_of_birth": "2015-01-01", "postcode": "nowhere"}]},
            "children.0.postcode",
            "Enter a real postcode, like WS1 1TP",
        ),
        (
            {"consent": "refused", "no_consent_reason": None},
            "no_consent_reason",
            "Select why the parents have not agreed to this referral, or were not asked",
        ),
        (
            {"no_consent_reason": "other"},
            "no_consent_detail",
            "Explain why the parents have not agreed, or were not asked",
        ),
    ],
)
def test_the_forms_rules_answer_in_the_forms_words(
    personas: Personas, overrides: dict[str, Any], field: str, message: str
) -> None:
    body = referral(**overrides)
    assert message in _schema_message(body)  # the very words of the one validation
    response = send(secret_of(personas.a_readonly), body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == field
    assert error["loc"] == ["body", *[int(p) if p.isdigit() else p for p in field.split(".")]]
    assert error["msg"] == message
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"children": []}, "children", "Add at least one child"),
        ({"concerns": []}, "concerns", "Select at least one worry"),
        ({"what_happened": "   "}, "what_happened", "Describe what happened"),
        ({"referrer_phone": ""}, "referrer_phone", "Enter your phone number"),
        (
            {"children": [{"last_name": "", "date_of_birth": "2015-01-01"}]},
            "children.0.last_name",
            "Enter the child's last name",
        ),
        (
            {"household": [{"name": "Parent Testchild"}]},
            "household.0.relationship",
            "Enter how the person is related to the child",
        ),
        (
            {"children": [{"last_name": "Testchild", "date_of_birth": "2015-02-30"}]},
            "children.0.date_of_birth",
            "Date of birth must be a real date, written like 2015-03-27",
        ),
        ({"immediate_danger": "yes"}, "immediate_danger", "answer true or false"),
        ({"referrer_level": "3"}, "referrer_level", "choose one of 1, 2, 3 or 4"),
        ({"concerns": ["bullying"]}, "concerns.0", "choose one of 'physical'"),
        ({"favourite_colour": "blue"}, "favourite_colour", "is not an answer on the referral form"),
        ({"what_happened": "x" * 5001}, "what_happened", "What happened must be 5000 characters or fewer"),
    ],
)
def test_missing_and_malformed_answers_say_what_to_do(
    personas: Personas, overrides: dict[str, Any], field: str, message: str
) -> None:
    body = referral(**overrides)
    response = send(secret_of(personas.a_readonly), body)
    assert response.status_code == 422
    errors = {error["field"]: error["msg"] for error in response.json()["detail"]}
    assert message in errors[field]


def test_every_answer_to_fix_is_listed(personas: Personas) -> None:
    body = referral(children=[{"last_name": ""}], concerns=[], what_happened="")
    del body["referrer_phone"]
    response = send(secret_of(personas.a_readonly), body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["detail"]}
    assert fields == {"referrer_phone", "children.0.last_name", "concerns", "what_happened"}


def test_a_body_that_is_not_json_is_400(personas: Personas) -> None:
    response = send(secret_of(personas.a_readonly), "{not json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")


def test_a_body_that_is_not_an_object_is_422(personas: Personas) -> None:
    response = send(secret_of(personas.a_readonly), [referral()])
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Send the referral as a JSON object"


# --- Who may send -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["subgroup_member", "mash_practitioner", "business_unit_officer"])
def test_a_role_without_referral_submit_gets_403(personas: Personas, role: str) -> None:
    user = make_user(role, personas.agency_a)
    response = send(secret_of(user), referral())
    assert response.status_code == 403
    assert "referral.submit" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_the_permission_is_checked_before_the_body(personas: Personas) -> None:
    user = make_user("subgroup_member", personas.agency_a)
    assert send(secret_of(user), "{not json").status_code == 403


def test_without_a_token_every_referral_endpoint_is_401(personas: Personas) -> None:
    assert send(None, referral()).status_code == 401
    assert api_get(REFERRALS, None).status_code == 401
    assert api_get(f"{REFERRALS}/WSP-2023-000001", None).status_code == 401
    assert not Contact.objects.exists()


def test_methods_the_endpoints_do_not_answer_are_405(personas: Personas) -> None:
    headers = {"Authorization": f"Bearer {secret_of(personas.a_readonly)}"}
    reference = send(headers["Authorization"][7:], referral()).json()["reference"]
    assert Client().delete(REFERRALS, headers=headers).status_code == 405
    assert Client().put(f"{REFERRALS}/{reference}", headers=headers).status_code == 405
    assert Client().post(f"{REFERRALS}/{reference}", headers=headers).status_code == 405


# --- Following a referral -------------------------------------------------------------------------------


def _sent_by(user: User, **overrides: Any) -> str:
    response = send(secret_of(user), referral(**overrides))
    assert response.status_code == 201
    return str(response.json()["reference"])


def test_the_referrer_sees_the_referral_as_submitted(personas: Personas) -> None:
    reference = _sent_by(personas.a_readonly)
    response = api_get(f"{REFERRALS}/{reference}", secret_of(personas.a_readonly))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == reference
    assert body["status"] == "new" and body["outcome"] is None
    assert body["channel"] == "api"
    assert body["referrer"] == {
        "name": "Alan Reader",
        "role": "Referrer",
        "email": "a.reader@example.org",
        "phone": "0121 496 0123",
        "agency": {"code": "AGA", "name": "Agency A"},
    }
    assert [c["first_name"] for c in body["children"]] == ["Amy", ""]
    assert body["children"][0]["date_of_birth"] == "2015-03-02"
    assert body["children"][0]["nhs_number"] == "9434765919"
    assert body["household"][0]["relationship"] == "mother"
    assert body["concerns"] == ["domestic_abuse", "neglect"]
    assert body["referrer_level"] == 3
    assert body["no_consent_reason"] == "risk_to_child"
    assert body["links"] == {"self": f"{REFERRALS}/{reference}"}
    assert response["Cache-Control"] == "no-store, private"


def test_the_outcome_and_feedback_show_once_decided_but_never_the_mash_research(personas: Personas) -> None:
    reference = _sent_by(personas.a_readonly)
    contact = Contact.objects.get(reference=reference)
    mash = make_user("mash_manager", personas.business_unit)
    AgencyCheck.objects.create(
        contact=contact,
        agency=personas.agency_b,
        requested_by=mash,
        due_at=timezone.now(),
        answer="Known to the practice: missed appointments",
    )
    secret = secret_of(personas.a_readonly)
    # A decision waiting for a manager's authorisation is not yet an outcome.
    Contact.objects.filter(pk=contact.pk).update(
        status=Contact.Status.AWAITING_AUTHORISATION,
        outcome=Contact.Outcome.LEVEL_3,
        rag=Contact.Rag.AMBER,
        rationale="Research: two previous contacts this year",
    )
    assert api_get(f"{REFERRALS}/{reference}", secret).json()["outcome"] is None

    decided_at = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        status=Contact.Status.DECIDED,
        decided_at=decided_at,
        decided_by=mash,
        feedback="An early help assessment will be offered; the family support team will call you.",
        feedback_sent_at=decided_at,
    )
    response = api_get(f"{REFERRALS}/{reference}", secret)
    body = response.json()
    assert body["status"] == "decided"
    assert body["outcome"]["outcome"] == "level_3"
    assert body["outcome"]["outcome_label"] == "Level 3: early help assessment"
    assert body["outcome"]["feedback"].startswith("An early help assessment will be offered")
    assert body["outcome"]["feedback_sent_at"] is not None
    text = response.content.decode()
    for research in ("Research: two previous contacts", "missed appointments", "amber", "rationale", "rag"):
        assert research not in text


def test_who_sees_a_referral(personas: Personas) -> None:
    reference = _sent_by(personas.a_readonly)
    path = f"{REFERRALS}/{reference}"
    # The agency's safeguarding lead sees the agency's referrals; the MASH sees every referral.
    assert api_get(path, secret_of(personas.a_worker)).status_code == 200
    assert api_get(path, secret_of(make_user("mash_practitioner", personas.business_unit))).status_code == 200
    # Another agency's lead, and another referrer in the same agency, get the answer a missing one gets.
    missing = api_get(f"{REFERRALS}/WSP-1999-000001", secret_of(personas.b_worker))
    assert missing.status_code == 404
    for outsider in (personas.b_worker, make_user("referrer", personas.agency_a)):
        refused = api_get(path, secret_of(outsider))
        assert refused.status_code == 404
        assert refused.json() == missing.json() == {"detail": "Not found"}


def test_a_role_without_referral_view_gets_403(personas: Personas) -> None:
    reference = _sent_by(personas.a_readonly)
    secret = secret_of(make_user("subgroup_member", personas.agency_a))
    assert api_get(f"{REFERRALS}/{reference}", secret).status_code == 403
    assert api_get(REFERRALS, secret).status_code == 403


def test_the_list_shows_what_the_token_may_see_newest_first(personas: Personas) -> None:
    colleague = make_user("referrer", personas.agency_a)
    older = _sent_by(personas.a_readonly)
    newer = _sent_by(colleague)
    theirs = _sent_by(personas.b_worker)
    Contact.objects.filter(reference=older).update(received_at=timezone.now() - timedelta(days=2))

    lead = api_get(REFERRALS, secret_of(personas.a_worker)).json()
    assert lead["count"] == 2
    assert [item["reference"] for item in lead["items"]] == [newer, older]
    assert lead["items"][0]["referrer_agency"] == {"code": "AGA", "name": "Agency A"}
    assert lead["items"][0]["children"][0]["first_name"] == "Amy"
    assert lead["items"][0]["links"] == {"self": f"{REFERRALS}/{newer}"}

    own = api_get(REFERRALS, secret_of(personas.a_readonly)).json()
    assert [item["reference"] for item in own["items"]] == [older]
    other_agency = api_get(REFERRALS, secret_of(personas.b_worker)).json()
    assert [item["reference"] for item in other_agency["items"]] == [theirs]


def test_the_list_pages_and_filters(personas: Personas) -> None:
    references = [_sent_by(personas.a_readonly) for _ in range(3)]
    Contact.objects.filter(reference=references[0]).update(
        status=Contact.Status.DECIDED, outcome=Contact.Outcome.NFA, decided_at=timezone.now()
    )
    secret = secret_of(personas.a_readonly)
    page = api_get(f"{REFERRALS}?limit=2&offset=1", secret).json()
    assert page["count"] == 3
    assert [item["reference"] for item in page["items"]] == [references[1], references[0]]
    decided = api_get(f"{REFERRALS}?status=decided", secret).json()
    assert [item["reference"] for item in decided["items"]] == [references[0]]
    assert decided["items"][0]["outcome"]["outcome"] == "nfa"
    assert api_get(f"{REFERRALS}?status=lost", secret).status_code == 422
    assert api_get(f"{REFERRALS}?limit=0", secret).status_code == 422


def test_the_list_reads_a_fixed_number_of_queries(personas: Personas) -> None:
    secret = secret_of(personas.a_worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_get(REFERRALS, secret).status_code == 200
        return len(captured)

    _sent_by(personas.a_readonly)
    queries()  # the token's first call also notes when it was last used
    one = queries()
    for _ in range(4):
        _sent_by(personas.a_readonly)
    assert queries() == one


# --- The access log ---------------------------------------------------------------------------------------


def test_every_call_is_logged(personas: Personas) -> None:
    token, secret = token_for(personas.a_readonly)
    send(secret, referral())
    contact = Contact.objects.get()
    api_get(REFERRALS, secret)
    api_get(f"{REFERRALS}/{contact.reference}", secret)
    api_get(f"{REFERRALS}/WSP-1999-000001", secret)
    send(secret, referral(children=[]))
    created, listed, viewed, missing, invalid = api_calls()
    for event in (created, listed, viewed, missing, invalid):
        assert event.actor_id == personas.a_readonly.pk
        assert event.details["token"] == token.prefix
        assert event.details["agency"] == "AGA" and event.details["role"] == "referrer"
    assert (created.details["method"], created.details["status"]) == ("POST", 201)
    assert (created.subject_type, created.subject_id) == ("frontdoor.contact", str(contact.pk))
    assert listed.subject_type == "frontdoor.contact" and listed.details["count"] == 1
    assert (viewed.subject_id, viewed.details["status"]) == (str(contact.pk), 200)
    assert (missing.subject_id, missing.details["status"]) == ("", 404)
    assert invalid.details["status"] == 422
    # The contact's creation is in the log as well, by the person behind the token.
    creation = AccessEvent.objects.get(
        action=AccessEvent.Action.CREATE, subject_type="frontdoor.contact", subject_id=str(contact.pk)
    )
    assert creation.actor_id == personas.a_readonly.pk


def test_refused_calls_are_logged(personas: Personas) -> None:
    secret = secret_of(make_user("subgroup_member", personas.agency_a))
    send(secret, referral())
    (refused,) = api_calls()
    assert refused.details["status"] == 403 and refused.details["method"] == "POST"


# --- The description ---------------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_referral_as_the_form_validates_it() -> None:
    document = api.get_openapi_schema()
    operation = document["paths"][REFERRALS]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == set(ReferralAnswers.model_fields)
    assert set(schema["required"]) == {"referrer_phone", "children", "concerns", "what_happened"}
    assert "$ref" not in json.dumps(schema)  # stands alone
    assert schema["properties"]["children"]["items"]["required"] == ["last_name"]
    (key,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is False
    assert set(operation["responses"]) >= {200, 201, 400, 401, 403, 409, 422}
    assert operation["x-rules-beyond-schema"] is True  # schema-valid bodies may still break the form's rules
    assert set(document["paths"][f"{REFERRALS}/{{reference}}"]["get"]["responses"]) >= {200, 401, 403, 404}
