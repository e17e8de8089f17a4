"""The administration landing page, and the sign-in and method rules across every administration URL."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, include, path, reverse

from safeguarding.accounts import admin_urls
from safeguarding.core import urls as core_urls
from safeguarding.core.testing import Personas

pytestmark = pytest.mark.django_db

HOME = reverse("administration:home")


def _stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stub")


# URL maps for these tests: the shell and administration, without or with the pages other parts provide.
_shell = [
    path("account/", include("safeguarding.accounts.urls")),
    path("administration/", include("safeguarding.accounts.admin_urls")),
]
_core_without_calendar = [p for p in core_urls.urlpatterns if getattr(p, "name", None) != "calendar"]
without_other_pages = [path("", include((_core_without_calendar, "core"))), *_shell]
with_other_pages = [
    path("", include(([*_core_without_calendar, path("calendar/", _stub, name="calendar")], "core"))),
    *_shell,
    path("administration/access-log/", include(([path("", _stub, name="list")], "accesslog"))),
    path("access/", include(([path("break-glass/", _stub, name="break-glass-review")], "access"))),
]


class WithoutOtherPages:
    urlpatterns = without_other_pages


class WithOtherPages:
    urlpatterns = with_other_pages


def test_home_links_to_the_pages_each_persona_may_use(personas: Personas) -> None:
    officer = personas.client("bu_officer").get(HOME).content.decode()
    for name in ("agency-list", "person-list", "roles", "lockout-list"):
        assert reverse(f"administration:{name}") in officer, name
    worker = personas.client("a_worker").get(HOME).content.decode()
    assert reverse("administration:agency-list") in worker
    for name in ("person-list", "roles", "lockout-list"):
        assert reverse(f"administration:{name}") not in worker, name


@override_settings(ROOT_URLCONF=WithOtherPages)
def test_home_links_to_other_parts_pages_when_installed_and_permitted(personas: Personas) -> None:
    manager = personas.client("bu_manager").get("/administration/").content.decode()
    assert 'href="/administration/access-log/"' in manager
    assert 'href="/calendar/"' in manager
    assert 'href="/access/break-glass/"' in manager
    # The system administrator edits the calendar but doesn't read the access log or review break-glass.
    sysadmin = personas.client("sysadmin").get("/administration/").content.decode()
    assert 'href="/calendar/"' in sysadmin
    assert 'href="/administration/access-log/"' not in sysadmin
    assert 'href="/access/break-glass/"' not in sysadmin


@override_settings(ROOT_URLCONF=WithoutOtherPages)
def test_home_leaves_out_pages_not_installed(personas: Personas) -> None:
    response = personas.client("bu_manager").get("/administration/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Access log" not in page
    assert "Break-glass review" not in page
    assert "Local closure days" not in page
    assert "People" in page


def test_home_persona_matrix(personas: Personas) -> None:
    for persona in ("a_worker", "a_readonly", "b_worker", "bu_officer", "bu_manager", "sysadmin"):
        assert personas.client(persona).get(HOME).status_code == 200, persona
    assert personas.client("bu_officer").post(HOME).status_code == 405
    assert Client().get(HOME)["Location"].startswith(reverse("accounts:sign-in"))


def test_people_with_no_role_get_403() -> None:
    from safeguarding.core.testing import make_user, sign_in

    client = sign_in(Client(), make_user())
    assert client.get(HOME).status_code == 403
    assert client.get(reverse("administration:agency-list")).status_code == 403


def _every_administration_url() -> list[str]:
    urls = []
    for pattern in admin_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: 1 for name in pattern.pattern.converters}
        urls.append(reverse(f"administration:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_administration_url_sends_signed_out_visitors_to_sign_in(method: str) -> None:
    for url in _every_administration_url():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:sign-in")), url


def test_every_administration_page_has_title_and_area(personas: Personas) -> None:
    # The manager may open every page for this target (a referrer's two-factor reset needs
    # people.grant_sensitive).
    client = personas.client("bu_manager")
    target = personas.a_readonly
    pages = [
        HOME,
        reverse("administration:agency-list"),
        reverse("administration:agency-create"),
        reverse("administration:agency-detail", args=[personas.agency_a.pk]),
        reverse("administration:agency-edit", args=[personas.agency_a.pk]),
        reverse("administration:agency-deactivate", args=[personas.agency_a.pk]),
        reverse("administration:team-create", args=[personas.agency_a.pk]),
        reverse("administration:team-edit", args=[personas.agency_a.pk, personas.team_a.pk]),
        reverse("administration:person-list"),
        reverse("administration:person-invite"),
        reverse("administration:person-detail", args=[target.pk]),
        reverse("administration:person-edit", args=[target.pk]),
        reverse("administration:person-deactivate", args=[target.pk]),
        reverse("administration:person-two-factor-reset", args=[target.pk]),
        reverse("administration:membership-add", args=[target.pk]),
        reverse("administration:membership-end", args=[target.pk, target.memberships.get().pk]),
        reverse("administration:roles"),
        reverse("administration:lockout-list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["page_title"], url
        assert response.context["current_area"] == "administration", url
        assert "govuk-service-navigation__item--active" in response.content.decode(), url
