"""The registry page: who may read it, and every indicator's definitions on it."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguarding.core.testing import Personas, make_user, sign_in
from safeguarding.indicators.registry import registry

pytestmark = pytest.mark.django_db

URL = "/indicators/registry/"


def test_the_business_unit_reads_every_indicator_with_its_definitions(personas: Personas) -> None:
    response = sign_in(Client(), personas.bu_officer).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for definition in registry():
        assert f'id="indicator-{definition.code}"' in page
    assert "Contacts per 10,000 children aged 0-17" in page
    assert "Children aged 0-17 (ONS mid-year estimate" in page
    assert "Performance and Quality Assurance" in page
    assert "css/app.css" in page and "<style" not in page  # print rules in the stylesheet: CSP forbids inline


def test_themes_and_owning_agencies_are_printed_in_words(personas: Personas) -> None:
    page = sign_in(Client(), personas.bu_officer).get(URL).content.decode()
    section = page.split('id="indicator-police_da_notifications"')[1].split("</section>")[0]
    assert "Agency data return: Police (statutory partner)" in section
    assert "Domestic abuse" in section and "domestic_abuse" not in section


def test_someone_without_indicator_view_is_refused(personas: Personas) -> None:
    referrer = make_user("referrer", personas.agency_a)
    assert sign_in(Client(), referrer).get(URL).status_code == 403


def test_the_performance_home_links_what_each_role_may_open(personas: Personas) -> None:
    officer_page = sign_in(Client(), personas.bu_officer).get("/indicators/").content.decode()
    assert 'href="/indicators/returns/"' in officer_page
    assert 'href="/indicators/returns/mine/"' not in officer_page
    lead_page = sign_in(Client(), personas.a_worker).get("/indicators/").content.decode()
    assert 'href="/indicators/returns/mine/"' in lead_page
    assert 'href="/indicators/returns/"' not in lead_page
    assert 'href="/indicators/scorecard/"' in lead_page
