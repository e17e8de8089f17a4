"""The API at /api/v1/: token authentication, scoping to the token's one role, errors, and the call log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership
from safeguarding.api.api import api
from safeguarding.api.models import ApiToken
from safeguarding.api.services import api_token_create, api_token_revoke
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.core.testing import Personas, make_agency, make_user

pytestmark = pytest.mark.django_db


def _api_calls() -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL).order_by("id"))


# --- Authentication ------------------------------------------------------------------------------------


def test_me_with_bearer_token(personas: Personas) -> None:
    token, secret = token_for(personas.a_worker, name="School MIS")
    response = api_get("/api/v1/me", secret)
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Ada Worker"
    assert body["email"] == "a.worker@example.org"
    assert body["agency"] == {"code": "AGA", "name": "Agency A"}
    assert body["role"] == {"code": "agency_safeguarding_lead", "name": "Agency safeguarding lead"}
    grants = {(g["permission"], g["scope"]) for g in body["permissions"]}
    assert ("agency.view", "agency") in grants
    assert ("referral.submit", "own") in grants
    assert body["token"]["prefix"] == token.prefix
    assert body["token"]["name"] == "School MIS"
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Token sgp_abc",
        "Basic dXNlcjpwYXNz",
        "Bearer sgp_notarealtoken",
        "Bearer nope",
    ],
)
def test_missing_or_unknown_token_is_401_with_json(personas: Personas, header: str | None) -> None:
    token_for(personas.a_worker)
    headers = {} if header is None else {"Authorization": header}
    response = Client().get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _api_calls() == []


def _revoke(token: ApiToken, personas: Personas) -> None:
    api_token_revoke(actor=personas.a_worker, token=token, channel="test")


def _expire(token: ApiToken, personas: Personas) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _end_membership(token: ApiToken, personas: Personas) -> None:
    Membership.objects.filter(pk=token.membership_id).update(
        starts_on=timezone.localdate() - timedelta(days=30), ends_on=timezone.localdate()
    )


def _deactivate_person(token: ApiToken, personas: Personas) -> None:
    personas.a_worker.is_active = False
    personas.a_worker.save()


def _deactivate_agency(token: ApiToken, personas: Personas) -> None:
    personas.agency_a.active = False
    personas.agency_a.save()


def _not_started(token: ApiToken, personas: Personas) -> None:
    Membership.objects.filter(pk=token.membership_id).update(
        starts_on=timezone.localdate() + timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_revoke, "revoked"),
        (_expire, "expired"),
        (_end_membership, "not in force"),
        (_not_started, "not in force"),
        (_deactivate_person, "deactivated"),
        (_deactivate_agency, "no longer active"),
    ],
)
def test_token_stops_working(
    personas: Personas, spoil: Callable[[ApiToken, Personas], None], reason: str
) -> None:
    token, secret = token_for(personas.a_worker)
    assert api_get("/api/v1/me", secret).status_code == 200
    spoil(token, personas)
    response = api_get("/api/v1/me", secret)
    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert len(_api_calls()) == 1  # only the call that worked is logged


def test_token_still_works_before_its_expiry(personas: Personas) -> None:
    _, secret = token_for(personas.a_worker, expires_at=timezone.now() + timedelta(hours=1))
    assert api_get("/api/v1/me", secret).status_code == 200


def test_a_signed_in_session_is_not_enough(personas: Personas) -> None:
    client = personas.client("bu_officer")
    response = client.get("/api/v1/agencies")
    assert response.status_code == 401


def test_every_endpoint_but_health_needs_a_token() -> None:
    """New endpoints inherit token authentication; only a deliberate `auth=None` makes one public."""
    public = set()
    for bound_router in api._get_bound_routers():
        for path, path_view in bound_router.path_operations.items():
            for operation in path_view.operations:
                if not operation.auth_callbacks:
                    public.add(bound_router.prefix + path)
    assert public == {"/health"}


# --- Scoping: the token acts through its one membership ------------------------------------------------


def test_agency_scope_token_sees_only_its_agency(personas: Personas) -> None:
    _, secret = token_for(personas.a_worker)
    listing = api_get("/api/v1/agencies", secret).json()
    assert listing["count"] == 1
    assert [a["code"] for a in listing["items"]] == ["AGA"]
    detail = api_get("/api/v1/agencies/aga", secret)
    assert detail.status_code == 200
    assert detail.json()["code"] == "AGA"
    assert detail.json()["teams"] == [{"id": personas.team_a.pk, "name": "Pastoral team", "active": True}]
    other = api_get("/api/v1/agencies/AGB", secret)
    assert other.status_code == 404
    assert other.json() == {"detail": "Not found"}
    assert api_get("/api/v1/agencies/NO-SUCH", secret).json() == {"detail": "Not found"}


def test_partnership_scope_token_sees_every_agency(personas: Personas) -> None:
    make_agency(name="Closed Agency", code="OLD", active=False)
    _, secret = token_for(personas.bu_officer)
    listing = api_get("/api/v1/agencies", secret).json()
    assert {a["code"] for a in listing["items"]} == {"AGA", "AGB", "BU", "OLD"}
    assert api_get("/api/v1/agencies/AGB", secret).status_code == 200
    inactive = api_get("/api/v1/agencies?active=false", secret).json()
    assert [a["code"] for a in inactive["items"]] == ["OLD"]
    paged = api_get("/api/v1/agencies?limit=2&offset=1", secret).json()
    assert paged["count"] == 4
    assert [a["code"] for a in paged["items"]] == ["AGB", "BU"]


def test_token_uses_its_own_role_not_the_persons_other_roles(personas: Personas) -> None:
    # Ada also works in the business unit, whose role sees the whole partnership; her school token must not.
    Membership.objects.create(
        user=personas.a_worker, agency=personas.business_unit, role="business_unit_officer"
    )
    membership = Membership.objects.get(user=personas.a_worker, agency=personas.agency_a)
    _, secret = api_token_create(actor=None, membership=membership, name="MIS", channel="test")
    assert [a["code"] for a in api_get("/api/v1/agencies", secret).json()["items"]] == ["AGA"]
    assert api_get("/api/v1/agencies/AGB", secret).status_code == 404
    me = api_get("/api/v1/me", secret).json()
    assert "people.manage" not in {g["permission"] for g in me["permissions"]}
    event = _api_calls()[-1]
    assert event.actor_roles == "Agency safeguarding lead"
    assert event.actor_agencies == "Agency A"


def test_role_without_the_permission_gets_403(personas: Personas) -> None:
    young_person = make_user("young_peoples_representative", personas.business_unit)
    _, secret = token_for(young_person)
    response = api_get("/api/v1/agencies", secret)
    assert response.status_code == 403
    assert "agency.view" in response.json()["detail"]
    assert api_get("/api/v1/agencies/BU", secret).status_code == 403
    assert api_get("/api/v1/me", secret).status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=abc", "active=maybe"])
def test_bad_input_is_422_with_details(personas: Personas, query: str) -> None:
    _, secret = token_for(personas.bu_officer)
    response = api_get(f"/api/v1/agencies?{query}", secret)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    assert detail[0]["loc"][0] == "query"


# --- The access log ------------------------------------------------------------------------------------


def test_each_call_writes_an_access_event(personas: Personas) -> None:
    token, secret = token_for(personas.a_worker)
    api_get("/api/v1/me", secret)
    api_get("/api/v1/agencies?limit=5", secret)
    api_get("/api/v1/agencies/AGA", secret)
    api_get("/api/v1/agencies/AGB", secret)
    me, listing, detail, missing = _api_calls()
    for event in (me, listing, detail, missing):
        assert event.actor_id == personas.a_worker.pk
        assert event.actor_email == "a.worker@example.org"
        assert event.details["method"] == "GET"
        assert event.details["token"] == token.prefix
        assert event.details["agency"] == "AGA"
        assert event.details["role"] == "agency_safeguarding_lead"
        assert event.request_id
    assert (me.subject_type, me.subject_id) == ("accounts.user", str(personas.a_worker.pk))
    assert me.details["path"] == "/api/v1/me" and me.details["status"] == 200
    assert listing.subject_type == "accounts.agency" and listing.subject_id == ""
    assert listing.details["count"] == 1 and listing.details["query"] == {"limit": "5"}
    assert (detail.subject_type, detail.subject_id) == ("accounts.agency", str(personas.agency_a.pk))
    assert missing.details["status"] == 404 and missing.subject_id == ""
    assert missing.details["path"] == "/api/v1/agencies/AGB"


def test_refused_calls_are_logged_with_their_status(personas: Personas) -> None:
    young_person = make_user("young_peoples_representative", personas.business_unit)
    _, secret = token_for(young_person)
    api_get("/api/v1/agencies", secret)
    api_get("/api/v1/agencies?limit=0", secret)
    forbidden, invalid = _api_calls()
    assert forbidden.details["status"] == 403
    assert invalid.details["status"] == 422


def test_last_used_is_noted(personas: Personas) -> None:
    token, secret = token_for(personas.a_worker)
    assert token.last_used_at is None
    api_get("/api/v1/me", secret)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


# --- Public endpoints: health, the OpenAPI description and its docs page ---------------------------------


def test_health_is_public_and_checks_the_database(db: None) -> None:
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert _api_calls() == []


def test_health_is_503_when_the_database_fails(db: None) -> None:
    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise OperationalError("database is unavailable")

    with db_connection.execute_wrapper(refuse):
        response = Client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}


def test_openapi_description_is_public(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Safeguarding Partnership Platform API"
    assert spec["info"]["version"] == "1.0.0"
    assert {"/api/v1/health", "/api/v1/me", "/api/v1/agencies", "/api/v1/agencies/{code}"} <= set(
        spec["paths"]
    )
    assert spec["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "security" not in spec["paths"]["/api/v1/health"]["get"]
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"ApiTokenAuth": []}]


def test_docs_page_is_public_and_uses_no_cdn_or_inline_script(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page
    assert "cdn." not in page and "https://" not in page
    # The only inline <script> is JSON data, which the Content Security Policy doesn't execute.
    assert page.count("<script>") == 0


def test_methods_an_endpoint_does_not_answer_get_405(personas: Personas) -> None:
    _, secret = token_for(personas.bu_officer)
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().post("/api/v1/agencies", headers=headers).status_code == 405
    assert Client().delete("/api/v1/agencies/AGA", headers=headers).status_code == 405
    assert Client().post("/api/v1/health").status_code == 405


def test_a_token_never_inherits_its_owners_break_glass(personas: Personas) -> None:
    from safeguarding.access.services import break_glass_open

    # Break-glass widens the read permission of the record's kind (agency.view for an agency).
    break_glass_open(
        user=personas.b_worker,
        obj=personas.agency_a,
        reason="A child from agency A is at our surgery with injuries now",
    )
    _, secret = token_for(personas.b_worker)
    assert api_get("/api/v1/agencies/AGA", secret).status_code == 404
