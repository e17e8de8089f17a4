"""Home and the area landing pages: what each persona sees, and the usual refusals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from safeguarding.accounts.models import Membership
from safeguarding.core.areas import AREAS, Area
from safeguarding.core.testing import Personas, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_home_lists_the_persons_roles_and_an_empty_state(personas: Personas) -> None:
    page = personas.client("a_worker").get(reverse("core:home")).content.decode()
    assert "Agency safeguarding lead" in page
    assert "Agency A" in page
    assert "Nothing needs your attention at the moment" in page


def test_person_without_roles_is_told_what_to_do() -> None:
    page = sign_in(Client(), make_user()).get(reverse("core:home")).content.decode()
    assert "You do not hold a role in any agency yet" in page


def test_navigation_shows_only_areas_the_roles_open(personas: Personas) -> None:
    officer = personas.client("bu_officer").get(reverse("core:home")).content.decode()
    sysadmin = personas.client("sysadmin").get(reverse("core:home")).content.decode()
    assert ">Case reviews<" in officer
    assert ">Case reviews<" not in sysadmin
    assert ">Administration<" in sysadmin


@pytest.mark.parametrize("area", [a for a in AREAS if a.url_name is None], ids=lambda a: a.slug)
def test_each_area_landing_page_says_what_it_is_for(personas: Personas, area: Area) -> None:
    # A MASH manager who is also the business unit manager opens every area.
    Membership.objects.create(user=personas.bu_manager, agency=personas.agency_a, role="mash_manager")
    response = personas.client("bu_manager").get(reverse("core:area", args=[area.slug]))
    assert response.status_code == 200
    assert escape(area.purpose) in response.content.decode()


def test_area_outside_the_roles_is_not_found(personas: Personas) -> None:
    client = personas.client("sysadmin")
    assert client.get(reverse("core:area", args=["case-reviews"])).status_code == 404
    assert client.get(reverse("core:area", args=["no-such-area"])).status_code == 404


def test_shell_pages_refuse_other_methods_and_signed_out_visitors(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.post(reverse("core:home")).status_code == 405
    assert client.post(reverse("core:area", args=["front-door"])).status_code == 405
    for url in (reverse("core:home"), reverse("core:area", args=["front-door"])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_cookie_message_is_hidden_once_acknowledged_and_next_is_kept_on_site() -> None:
    client = Client()
    assert "Hide this message" in client.get(reverse("accounts:sign-in")).content.decode()
    response = client.post(reverse("core:cookies"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "Hide this message" not in client.get(reverse("accounts:sign-in")).content.decode()
