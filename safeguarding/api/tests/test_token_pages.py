"""Revoking API tokens from the account page and the administrators' person page, for each persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import User
from safeguarding.api.models import ApiToken
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.core.testing import Personas

pytestmark = pytest.mark.django_db


def _revoke_url(token: ApiToken) -> str:
    return reverse("api_tokens:revoke", args=[token.pk])


def _is_revoked(token: ApiToken) -> bool:
    token.refresh_from_db()
    return token.revoked_at is not None


def test_owner_revokes_own_token_and_it_stops_working(personas: Personas) -> None:
    token, secret = token_for(personas.a_worker)
    client = personas.client("a_worker")
    response = client.post(_revoke_url(token), {"next": reverse("accounts:my-account")})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-account")
    assert _is_revoked(token)
    assert token.revoked_by == personas.a_worker
    assert api_get("/api/v1/me", secret).status_code == 401
    event = AccessEvent.objects.get(action=AccessEvent.Action.CHANGE, subject_type="api.apitoken")
    assert event.actor_id == personas.a_worker.pk
    assert event.subject_id == str(token.pk)
    page = client.get(response["Location"]).content.decode()
    assert f"Token {token.prefix}… revoked" in page


@pytest.mark.parametrize("persona", ["b_worker", "a_readonly"])
def test_another_person_gets_404(personas: Personas, persona: str) -> None:
    token, _ = token_for(personas.a_worker)
    response = personas.client(persona).post(_revoke_url(token))
    assert response.status_code == 404
    assert not _is_revoked(token)


@pytest.mark.parametrize("persona", ["bu_officer", "sysadmin"])
def test_people_managers_revoke_anyones_token(personas: Personas, persona: str) -> None:
    token, _ = token_for(personas.a_worker)
    response = personas.client(persona).post(_revoke_url(token), {"next": "/administration/"})
    assert response.status_code == 302
    assert response["Location"] == "/administration/"
    assert _is_revoked(token)
    assert token.revoked_by == getattr(personas, persona)


def test_revoke_answers_only_post(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker)
    client = personas.client("a_worker")
    assert client.get(_revoke_url(token)).status_code == 405
    assert client.put(_revoke_url(token)).status_code == 405
    assert not _is_revoked(token)


def test_signed_out_is_sent_to_sign_in(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker)
    for response in (Client().post(_revoke_url(token)), Client().get(_revoke_url(token))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not _is_revoked(token)


def test_offsite_next_is_ignored_and_second_revoke_changes_nothing(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker)
    client = personas.client("a_worker")
    first = client.post(_revoke_url(token), {"next": "https://evil.example/"})
    assert first["Location"] == reverse("accounts:my-account")
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    second = client.post(_revoke_url(token), follow=True)
    assert "was already revoked" in second.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert (
        AccessEvent.objects.filter(action=AccessEvent.Action.CHANGE, subject_type="api.apitoken").count() == 1
    )


def test_account_page_lists_own_tokens_with_revoke_buttons(personas: Personas) -> None:
    active, _ = token_for(personas.a_worker, name="School MIS")
    old, _ = token_for(personas.a_worker, name="Old system")
    ApiToken.objects.filter(pk=old.pk).update(revoked_at=active.created_at)
    others, _ = token_for(personas.b_worker, name="Not Ada's")
    page = personas.client("a_worker").get(reverse("accounts:my-account")).content.decode()
    assert "Your API tokens" in page
    assert "School MIS" in page and active.prefix in page and "Agency A" in page
    assert "Agency safeguarding lead" in page
    assert "Never" in page
    assert _revoke_url(active) in page
    assert "Old system" in page and _revoke_url(old) not in page and "Revoked" in page
    assert "Not Ada&#x27;s" not in page and others.prefix not in page


def test_account_page_without_tokens_says_nothing_about_them(personas: Personas) -> None:
    page = personas.client("a_readonly").get(reverse("accounts:my-account")).content.decode()
    assert "API tokens" not in page


def _person_page_section(viewer: User | AnonymousUser, person: User) -> str:
    request = RequestFactory().get(f"/administration/people/{person.pk}/")
    request.user = viewer
    return render_to_string("api/_user_tokens.html", {"person": person, "user": viewer}, request=request)


def test_person_page_section_for_people_managers(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker, name="School MIS")
    section = _person_page_section(personas.bu_officer, personas.a_worker)
    assert "School MIS" in section and token.prefix in section
    assert _revoke_url(token) in section
    assert 'value="/administration/people/' in section
    empty = _person_page_section(personas.bu_officer, personas.b_worker)
    assert "Bea Worker has no API tokens." in empty


def test_administrators_revoke_from_the_person_page(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker, name="School MIS")
    person_page = reverse("administration:person-detail", args=[personas.a_worker.pk])
    client = personas.client("bu_officer")
    page = client.get(person_page).content.decode()
    assert "School MIS" in page and _revoke_url(token) in page
    response = client.post(_revoke_url(token), {"next": person_page})
    assert response["Location"] == person_page
    assert _is_revoked(token)
    assert "Revoked" in client.get(person_page).content.decode()


def test_person_page_section_hidden_without_people_manage(personas: Personas) -> None:
    token_for(personas.a_worker, name="School MIS")
    assert "API tokens" not in _person_page_section(personas.a_readonly, personas.a_worker)
    assert "School MIS" not in _person_page_section(personas.b_worker, personas.a_worker)
