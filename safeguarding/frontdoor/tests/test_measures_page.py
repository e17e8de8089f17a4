"""The front door measures page: who may read it, at which tier, and choosing the period."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.core.testing import Personas, make_user, sign_in
from safeguarding.frontdoor.models import Contact
from safeguarding.population.models import ChildPopulation

pytestmark = pytest.mark.django_db

URL = reverse("frontdoor:measures")
LONDON = ZoneInfo("Europe/London")


def _contacts(*received: str, decided: bool = True) -> None:
    for n, text in enumerate(received):
        moment = datetime.fromisoformat(text).replace(tzinfo=LONDON)
        Contact.objects.create(
            reference=f"WSP-PAGE-{text[:10]}-{n}",
            channel=Contact.Channel.EMARF,
            received_at=moment,
            referrer_name="A Referrer",
            what_happened="Synthetic test contact",
            status=Contact.Status.DECIDED if decided else Contact.Status.NEW,
            outcome=Contact.Outcome.LEVEL_4 if decided else "",
            decided_at=moment.replace(hour=16) if decided else None,
        )


def _headline_cells(page: str, code: str) -> list[str]:
    row = re.search(rf'<tr class="govuk-table__row" id="measure-{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert row is not None, code
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]


@pytest.fixture
def three_contacts() -> None:
    _contacts("2023-01-10 10:00", "2023-01-11 10:00", "2023-02-01 10:00")
    ChildPopulation.objects.create(year=2022, children_0_17=69_335, source="Test figure")


def _mash_manager(personas: Personas) -> Client:
    return sign_in(Client(), make_user("mash_manager", personas.business_unit))


def test_a_mash_manager_sees_every_count_for_the_latest_financial_year(
    personas: Personas, three_contacts: None
) -> None:
    response = _mash_manager(personas).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["page_title"] == "Front door measures"
    assert response.context["current_area"] == "front-door"
    assert "2022-23 (April 2022 to March 2023)" in page
    assert _headline_cells(page, "frontdoorcontacts") == ["3", "3", ""]
    assert _headline_cells(page, "frontdoorconversion") == ["100.0%", "3", "3"]
    assert _headline_cells(page, "frontdoorcontacts_per_10000") == ["0.4", "3", "69,335 children"]
    assert "fewer than" not in page
    assert 'id="month-by-month"' in page
    assert "January 2023" in page


def test_a_business_unit_officer_sees_small_numbers_suppressed(
    personas: Personas, three_contacts: None
) -> None:
    response = personas.client("bu_officer").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert _headline_cells(page, "frontdoorcontacts") == ["not shown (small numbers)", "fewer than 5", ""]
    assert _headline_cells(page, "frontdoorconversion") == [
        "not shown (small numbers)",
        "fewer than 5",
        "fewer than 5",
    ]
    assert ">3<" not in page
    assert "counts from 1 to 4 are shown as" in page


def test_an_agency_safeguarding_lead_reads_at_the_aggregate_tier_too(
    personas: Personas, three_contacts: None
) -> None:
    page = personas.client("a_worker").get(URL).content.decode()
    assert _headline_cells(page, "frontdoorcontacts")[1] == "fewer than 5"


def test_referrers_and_mash_practitioners_are_refused(personas: Personas) -> None:
    assert personas.client("a_readonly").get(URL).status_code == 403
    practitioner = sign_in(Client(), make_user("mash_practitioner", personas.business_unit))
    assert practitioner.get(URL).status_code == 403
    assert personas.client("sysadmin").get(URL).status_code == 403


def test_a_mash_manager_proves_two_factor_before_seeing_unsuppressed_counts(personas: Personas) -> None:
    client = sign_in(Client(), make_user("mash_manager", personas.business_unit), two_factor=False)
    response = client.get(URL)
    assert response.status_code == 302
    # Without an authenticator yet, to setting one up; then back here.
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert "next=%2Ffront-door%2Fmeasures%2F" in response["Location"]


def test_only_get_is_answered(personas: Personas) -> None:
    assert personas.client("bu_officer").post(URL).status_code == 405
    assert _mash_manager(personas).post(URL).status_code == 405


def test_signed_out_people_are_sent_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_choosing_a_month_or_a_quarter(personas: Personas, three_contacts: None) -> None:
    client = _mash_manager(personas)
    january = client.get(URL, {"type": "month", "period": "2023-01"})
    page = january.content.decode()
    assert january.context["period"].label == "January 2023"
    assert _headline_cells(page, "frontdoorcontacts")[1] == "2"
    assert 'id="month-by-month"' not in page
    # The periods offered run from the first with contacts: January has a next month and no previous one.
    assert 'rel="next"' in page and "February 2023" in page
    assert 'rel="prev"' not in page
    quarter = client.get(URL, {"type": "quarter", "period": "2022-23-q4"})
    assert quarter.context["period"].label == "Q4 2022-23 (January to March 2023)"
    assert _headline_cells(quarter.content.decode(), "frontdoorcontacts")[1] == "3"
    # Choosing only the kind shows the latest period of that kind with contacts.
    assert client.get(URL, {"type": "quarter"}).context["period"].key == "2022-23-q4"


def test_a_period_not_in_the_list_shows_the_error_summary(personas: Personas, three_contacts: None) -> None:
    response = _mash_manager(personas).get(URL, {"type": "month", "period": "1990-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["page_title"] == "Error: Front door measures"
    assert "There is a problem" in page
    assert 'href="#id_period"' in page
    assert "Select a month in the list" in page
    assert response.context["period"].key == "2023-02"


def test_without_a_population_figure_the_page_says_how_to_add_it(personas: Personas, settings: Any) -> None:
    _contacts("2023-05-10 10:00")
    page = _mash_manager(personas).get(URL).content.decode()
    assert "No population figure for 2023" in page
    assert "safeguarding population set 2023 COUNT" in page
