"""The break-glass form and the business unit manager's review list, for each persona."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.access.models import BreakGlassGrant
from safeguarding.access.services import break_glass_open
from safeguarding.core.testing import Personas

pytestmark = pytest.mark.django_db
REASON = "A child from this school was brought to our surgery with bruising today"


def _url(personas: Personas) -> str:
    url = reverse("access:break-glass", args=["accounts.agency", personas.agency_a.pk])
    return f"{url}?next=/account/"


def test_break_glass_form_asks_reason_and_opens(personas: Personas) -> None:
    client = personas.client("b_worker")
    page = client.get(_url(personas))
    assert page.status_code == 200
    assert personas.agency_a.name not in page.content.decode()  # nothing of the record before the reason
    short = client.post(_url(personas), {"reason": "need it", "next": "/account/"})
    assert short.status_code == 200
    assert "Give the reason in at least 20 characters" in short.content.decode()
    assert not BreakGlassGrant.objects.exists()
    done = client.post(_url(personas), {"reason": REASON, "next": "/account/"})
    assert done.status_code == 302
    assert done["Location"] == "/account/"
    assert BreakGlassGrant.objects.get().reason == REASON


def test_break_glass_refused_for_roles_without_it(personas: Personas) -> None:
    assert personas.client("a_readonly").get(_url(personas)).status_code == 403


def test_break_glass_offsite_next_is_ignored(personas: Personas) -> None:
    client = personas.client("b_worker")
    url = reverse("access:break-glass", args=["accounts.agency", personas.agency_a.pk])
    response = client.post(url, {"reason": REASON, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_break_glass_unknown_model_or_permission_is_404(personas: Personas) -> None:
    client = personas.client("b_worker")
    assert client.get(reverse("access:break-glass", args=["nope.thing", 1])).status_code == 404
    assert client.get(reverse("access:break-glass", args=["accounts.user", 1])).status_code == 404


def test_break_glass_with_a_malformed_id_is_404(personas: Personas) -> None:
    client = personas.client("b_worker")
    assert client.get(reverse("access:break-glass", args=["accounts.agency", "abc"])).status_code == 404
    assert client.get(reverse("access:break-glass", args=["accounts.agency", "999999"])).status_code == 404


def test_break_glass_signed_out_redirects(personas: Personas) -> None:
    response = Client().get(_url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_review_list_and_review(personas: Personas) -> None:
    grant = break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason=REASON)
    manager = personas.client("bu_manager")
    home = manager.get(reverse("core:home")).content.decode()
    assert "Break-glass uses to review" in home
    page = manager.get(reverse("access:break-glass-review"))
    assert page.status_code == 200
    assert REASON in page.content.decode()
    empty = manager.post(reverse("access:break-glass-review-record", args=[grant.pk]), {"note": ""})
    assert empty.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    manager.post(reverse("access:break-glass-review-record", args=[grant.pk]), {"note": "Justified"})
    grant.refresh_from_db()
    assert grant.reviewed_by == personas.bu_manager
    assert "Break-glass uses to review" not in manager.get(reverse("core:home")).content.decode()


def test_review_pages_permissions(personas: Personas) -> None:
    grant = break_glass_open(user=personas.b_worker, obj=personas.agency_a, reason=REASON)
    for name in ("a_worker", "bu_officer", "sysadmin"):
        assert personas.client(name).get(reverse("access:break-glass-review")).status_code == 403
    manager = personas.client("bu_manager")
    assert manager.post(reverse("access:break-glass-review")).status_code == 405
    assert manager.get(reverse("access:break-glass-review-record", args=[grant.pk])).status_code == 405
    assert Client().get(reverse("access:break-glass-review")).status_code == 302
