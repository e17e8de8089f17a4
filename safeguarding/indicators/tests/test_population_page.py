"""The population pages: who may read and change the mid-year estimates, entering a year, correcting it (with
its history kept), and bad input refused with messages on the fields and nothing stored."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.testing import Personas, make_user, sign_in
from safeguarding.population.models import ChildPopulation
from safeguarding.population.services import population_set

pytestmark = pytest.mark.django_db

LIST_URL = "/indicators/population/"
NEW_URL = "/indicators/population/new/"


def edit_url(year: int) -> str:
    return f"/indicators/population/{year}/"


def test_an_agency_lead_reads_every_year_with_the_rule_for_rates(personas: Personas) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS mid-2022 estimates")
    population_set(actor=None, year=2021, children_0_17=68_901, source="ONS mid-2021 estimates")
    response = sign_in(Client(), personas.a_worker).get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mid-2021" in page and "Mid-2022" in page
    assert page.index("Mid-2021") < page.index("Mid-2022")  # oldest first
    assert "69,335" in page and "68,901" in page
    assert "ONS mid-2022 estimates" in page
    assert "2022-23 uses mid-2022" in page
    assert "Figures already stored are not rewritten" in page
    # An agency lead may read, not change.
    assert 'href="/indicators/population/new/"' not in page
    assert 'href="/indicators/population/2022/"' not in page


def test_a_business_unit_officer_reads_the_list_with_links_to_change_it(personas: Personas) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS mid-2022 estimates")
    response = sign_in(Client(), personas.bu_officer).get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/indicators/population/new/"' in page
    assert 'href="/indicators/population/2022/"' in page


def test_the_performance_home_links_the_population_page(personas: Personas) -> None:
    page = sign_in(Client(), personas.a_worker).get("/indicators/").content.decode()
    assert 'href="/indicators/population/"' in page
    assert "every rate per 10,000 divides by" in page


def test_a_referrer_may_not_read_or_change(personas: Personas) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS")
    client = sign_in(Client(), make_user("referrer", personas.agency_a))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.post(edit_url(2022), {"children_0_17": "1", "source": "x"}).status_code == 403
    assert ChildPopulation.objects.get(year=2022).children_0_17 == 69_335


def test_an_agency_lead_may_not_use_the_form(personas: Personas) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS")
    client = sign_in(Client(), personas.a_worker)
    assert client.get(NEW_URL).status_code == 403
    assert client.get(edit_url(2022)).status_code == 403
    response = client.post(NEW_URL, {"year": "2023", "children_0_17": "70000", "source": "ONS"})
    assert response.status_code == 403
    assert not ChildPopulation.objects.filter(year=2023).exists()


def test_a_business_unit_officer_enters_a_year_then_corrects_it_keeping_history(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    assert client.get(NEW_URL).status_code == 200
    response = client.post(
        NEW_URL,
        {"year": "2022", "children_0_17": "69,000", "source": "ONS mid-2022 estimates (first release)"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == LIST_URL
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Mid-2022 population entered: 69,000 children aged 0-17" in page
    row = ChildPopulation.objects.get(year=2022)
    assert (row.children_0_17, row.source) == (69_000, "ONS mid-2022 estimates (first release)")

    # The correction page shows the figure held, prefilled, and the year is fixed by the address.
    form_page = client.get(edit_url(2022)).content.decode()
    assert 'value="69000"' in form_page
    assert 'value="ONS mid-2022 estimates (first release)"' in form_page
    assert 'name="year"' not in form_page

    response = client.post(
        edit_url(2022),
        {"year": "1999", "children_0_17": "69375", "source": "ONS mid-2022 estimates (revised)"},
        follow=True,
    )
    assert "Mid-2022 population corrected: 69,375 children aged 0-17" in response.content.decode()
    assert not ChildPopulation.objects.filter(year=1999).exists()  # a typed year cannot move the figure
    row.refresh_from_db()
    assert (row.children_0_17, row.source) == (69_375, "ONS mid-2022 estimates (revised)")
    history = row.history.order_by("history_date")
    assert [(h.children_0_17, h.history_user_id) for h in history] == [
        (69_000, personas.bu_officer.pk),
        (69_375, personas.bu_officer.pk),
    ]
    logged = AccessEvent.objects.filter(purpose__startswith="Population of children aged 0-17 for mid-2022")
    assert sorted((e.action, e.actor_id, e.details["children_0_17"]) for e in logged) == sorted(
        [
            (AccessEvent.Action.CREATE, personas.bu_officer.pk, 69_000),
            (AccessEvent.Action.CHANGE, personas.bu_officer.pk, 69_375),
        ]
    )

    # The history is shown on the correction page, newest first, with who made each change.
    edit_page = client.get(edit_url(2022)).content.decode()
    table = edit_page.split('id="population-history"')[1].split("</table>")[0]
    assert table.index("69,375") < table.index("69,000")
    assert table.count(personas.bu_officer.full_name) == 2


@pytest.mark.parametrize(
    ("posted", "messages"),
    [
        (
            {"year": "twenty", "children_0_17": "lots", "source": "ONS"},
            [
                "Enter the year as a number, like 2022",
                "Enter the number of children as a whole number, like 69335",
            ],
        ),
        (
            {"year": "2022", "children_0_17": "0", "source": "   "},
            [
                "Enter where the figure comes from, for example &#x27;ONS mid-2022 estimates&#x27;",
            ],
        ),
        (
            {"year": "1800", "children_0_17": "0", "source": "ONS"},
            ["The year must be between 1971 and 2100", "The number of children must be more than 0"],
        ),
        (
            {"year": "", "children_0_17": "", "source": ""},
            ["Enter the year, like 2022", "Enter the number of children aged 0 to 17"],
        ),
    ],
)
def test_bad_input_shows_messages_keeps_what_was_typed_and_stores_nothing(
    personas: Personas, posted: dict[str, str], messages: list[str]
) -> None:
    response = sign_in(Client(), personas.bu_officer).post(NEW_URL, posted)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Enter a year" in page
    assert "There is a problem" in page
    for message in messages:
        assert page.count(message) == 2  # once in the error summary, once on the field
    for value in posted.values():
        if value.strip():
            assert f'value="{value}"' in page
    assert not ChildPopulation.objects.exists()


def test_zero_children_is_refused_by_the_service_on_its_field(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    page = client.post(NEW_URL, {"year": "2022", "children_0_17": "0", "source": "ONS"}).content.decode()
    assert 'href="#id_children_0_17">The number of children must be more than 0' in page
    assert not ChildPopulation.objects.exists()


def test_entering_a_year_already_held_sends_you_to_correct_it_and_changes_nothing(
    personas: Personas,
) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS")
    client = sign_in(Client(), personas.bu_officer)
    page = client.post(NEW_URL, {"year": "2022", "children_0_17": "1", "source": "typo"}).content.decode()
    assert "There is already a figure for mid-2022" in page
    assert ChildPopulation.objects.get(year=2022).children_0_17 == 69_335


def test_correcting_a_year_not_held_is_not_found(personas: Personas) -> None:
    assert sign_in(Client(), personas.bu_officer).get(edit_url(2030)).status_code == 404


def test_the_pages_answer_only_their_methods(personas: Personas) -> None:
    population_set(actor=None, year=2022, children_0_17=69_335, source="ONS")
    client = sign_in(Client(), personas.bu_officer)
    assert client.post(LIST_URL).status_code == 405
    assert client.put(NEW_URL).status_code == 405
    assert client.delete(edit_url(2022)).status_code == 405
    assert ChildPopulation.objects.filter(year=2022).exists()


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    for url in (LIST_URL, NEW_URL, edit_url(2022)):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/account/sign-in/" in response["Location"]
