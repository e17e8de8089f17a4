"""The Children landing page: finding a child by name, date of birth, postcode, NHS number or LA child ID,
page by page, for the people who may see children's records, with every search in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children.models import Child
from safeguarding.children.selectors import ChildSearch, children_search
from safeguarding.children.tests.support import make_child
from safeguarding.children.views import PAGE_SIZE
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in

pytestmark = pytest.mark.django_db

HOME = "/children/"


@pytest.fixture
def worker(personas: Personas) -> Any:
    return make_user("mash_practitioner", make_agency(name="Test Council", code="TCC"))


@pytest.fixture
def mash(worker: Any) -> Client:
    return sign_in(Client(), worker)


@pytest.fixture
def children() -> dict[str, Child]:
    return {
        "amy": make_child(
            first_name="Amy",
            last_name="Smith-Testchild",
            date_of_birth=date(2015, 3, 2),
            postcode="WS1 1TP",
            nhs_number="9434765919",
            la_child_id="LA100",
        ),
        "ben": make_child(
            first_name="Ben", last_name="Testchild", date_of_birth=date(2018, 7, 9), postcode="WS11TP"
        ),
        "cara": make_child(
            first_name="Cara",
            last_name="Other",
            known_as="Caz",
            date_of_birth=date(2015, 3, 2),
            postcode="B1 1AA",
        ),
        "unborn": make_child(
            first_name="", last_name="Testchild", date_of_birth=None, expected_date_of_birth=date(2030, 1, 5)
        ),
    }


def _found(worker: Any, **terms: Any) -> list[str]:
    return [child.display_name for child in children_search(worker, ChildSearch(**terms))]


def test_each_term_finds_the_children_who_fit_it(worker: Any, children: dict[str, Child]) -> None:
    # By last name, then first name: an unborn baby not yet named comes before the named siblings.
    assert _found(worker, name="testchild") == [
        "Amy Smith-Testchild",
        "Unborn baby Testchild",
        "Ben Testchild",
    ]
    assert _found(worker, name="amy smith") == ["Amy Smith-Testchild"]
    assert _found(worker, name="caz") == ["Cara Other"]
    assert _found(worker, date_of_birth=date(2015, 3, 2)) == ["Cara Other", "Amy Smith-Testchild"]
    assert _found(worker, date_of_birth=date(2030, 1, 5)) == ["Unborn baby Testchild"]
    assert _found(worker, postcode="ws11tp") == [
        "Amy Smith-Testchild",
        "Unborn baby Testchild",
        "Ben Testchild",
    ]
    assert _found(worker, postcode="B1") == ["Cara Other"]
    assert _found(worker, nhs_number="943 476 5919") == ["Amy Smith-Testchild"]
    assert _found(worker, la_child_id="la100") == ["Amy Smith-Testchild"]
    assert _found(worker, name="testchild", date_of_birth=date(2015, 3, 2)) == ["Amy Smith-Testchild"]


def test_a_search_lists_the_children_and_is_logged(mash: Client, children: dict[str, Child]) -> None:
    response = mash.get(HOME, {"name": "Testchild"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 children found" in page
    assert f'href="{reverse("children:child", args=[children["amy"].pk])}"' in page
    assert "Cara Other" not in page
    event = AccessEvent.objects.get(action="search")
    assert event.subject_type == "children.child"
    assert event.details["terms"] == {"name": "Testchild"}
    assert event.details["found"] == 3
    assert sorted(event.details["shown"]) == sorted(children[n].pk for n in ("amy", "ben", "unborn"))


def test_nothing_is_listed_or_logged_before_a_search(mash: Client, children: dict[str, Child]) -> None:
    response = mash.get(HOME)
    page = response.content.decode()
    assert response.status_code == 200 and "Search the children's records" in page
    assert "Amy" not in page and "found" not in page
    assert not AccessEvent.objects.filter(action="search").exists()


def test_an_empty_or_unreadable_search_says_what_to_enter(mash: Client, children: dict[str, Child]) -> None:
    empty = mash.get(HOME, {"name": "", "postcode": ""}).content.decode()
    assert "There is a problem" in empty
    assert "Enter a name, date of birth, postcode, NHS number or LA child ID to search for" in empty
    wrong = mash.get(
        HOME, {"nhs_number": "12345", "date_of_birth_0": "31", "date_of_birth_1": "2"}
    ).content.decode()
    assert 'href="#id_nhs_number"' in wrong and 'href="#id_date_of_birth_0"' in wrong
    assert "<title>Error: Children" in wrong
    assert not AccessEvent.objects.filter(action="search").exists()
    none = mash.get(HOME, {"name": "Nobody"}).content.decode()
    assert "No children found" in none


def test_results_come_a_page_at_a_time_in_a_fixed_number_of_queries(mash: Client) -> None:
    Child.objects.bulk_create(
        Child(first_name=f"Child{n:02d}", last_name="Pagetest", date_of_birth=date(2016, 1, 1))
        for n in range(PAGE_SIZE + 5)
    )
    first = mash.get(HOME, {"name": "pagetest"}).content.decode()
    assert f"{PAGE_SIZE + 5} children found" in first
    assert 'class="govuk-pagination"' in first and "?name=pagetest&amp;page=2" in first
    assert "Child00 Pagetest" in first and "Child29 Pagetest" not in first
    with CaptureQueriesContext(connection) as second_page:
        second = mash.get(HOME, {"name": "pagetest", "page": "2"}).content.decode()
    assert "Child29 Pagetest" in second and "Child00 Pagetest" not in second
    with CaptureQueriesContext(connection) as first_page:
        mash.get(HOME, {"name": "pagetest"})
    assert len(first_page) == len(second_page)  # 25 rows cost what 5 do: no query per child
    assert AccessEvent.objects.filter(action="search").latest("id").details["page"] == 1


def test_only_people_who_may_see_children_search(personas: Personas, children: dict[str, Child]) -> None:
    assert personas.client("a_readonly").get(HOME, {"name": "Amy"}).status_code == 403
    assert personas.client("bu_manager").get(HOME).status_code == 403
    signed_out = Client().get(HOME)
    assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("accounts:sign-in"))
    unverified = sign_in(Client(), make_user("mash_manager", make_agency()), two_factor=False).get(HOME)
    assert unverified.status_code == 302 and "two-factor" in unverified["Location"]
    assert not AccessEvent.objects.filter(action="search").exists()


def test_the_children_area_in_the_navigation_opens_the_search(mash: Client) -> None:
    page = mash.get(reverse("core:home")).content.decode()
    assert f'href="{HOME}"' in page


def test_the_census_imports_are_linked_for_those_who_may_import(mash: Client) -> None:
    imports = reverse("census:imports")
    assert imports not in mash.get(HOME).content.decode()  # a practitioner may not import
    manager = make_user("mash_manager", make_agency(name="Other Council", code="OCC"))
    assert imports in sign_in(Client(), manager).get(HOME).content.decode()
