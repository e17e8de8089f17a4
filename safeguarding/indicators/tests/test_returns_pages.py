"""The data return pages, persona by persona: who may open each, and what they show and do."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from safeguarding.accounts.models import Agency, User
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.models import AgencyReturn, IndicatorValue
from safeguarding.indicators.returns import return_save, return_submit, returns_open

pytestmark = pytest.mark.django_db

DA = "police_da_notifications"
MISSING = "police_missing_reports"
Q1 = "2022-23-q1"


@pytest.fixture(autouse=True)
def _registry() -> None:
    indicators_sync()


@pytest.fixture
def police() -> Agency:
    return make_agency(name="Test Police", code="TPOL", kind=Agency.Kind.POLICE)


@pytest.fixture
def lead(police: Agency) -> User:
    return make_user("agency_safeguarding_lead", police, full_name="Pat Lead")


@pytest.fixture
def q1(police: Agency) -> AgencyReturn:
    returns_open(quarter_key=Q1, due_date=date(2022, 7, 21), actor=None)
    return AgencyReturn.objects.get(agency=police, period_key=Q1)


def submitted(agency_return: AgencyReturn, lead: User) -> AgencyReturn:
    return_save(agency_return=agency_return, actor=lead, figures={DA: 120, MISSING: 35}, narrative="Steady")
    return return_submit(agency_return=agency_return, actor=lead)


# --- Overview and opening -----------------------------------------------------------------------------------


def test_the_business_unit_sees_each_agencys_return_with_late_and_missing_tagged(
    personas: Personas, q1: AgencyReturn, lead: User
) -> None:
    make_agency(name="Joined Later Police", code="JPOL", kind=Agency.Kind.POLICE)  # no return for Q1
    page = personas.client("bu_officer").get("/indicators/returns/").content.decode()
    row = page.split(f'id="return-{q1.pk}"')[1].split("</tr>")[0]
    # Due 21 July 2022 and still a draft: late (today is after that).
    assert "Test Police" in row and "Draft" in row and "Late" in row and "21 July 2022" in row
    missing = page.split("Joined Later Police")[1].split("</tr>")[0]
    assert "Missing" in missing


def test_the_overview_shows_who_submitted_and_when(personas: Personas, q1: AgencyReturn, lead: User) -> None:
    submitted(q1, lead)
    page = personas.client("bu_officer").get(f"/indicators/returns/?quarter={Q1}").content.decode()
    row = page.split(f'id="return-{q1.pk}"')[1].split("</tr>")[0]
    assert "by Pat Lead" in row and "Submitted" in row and "Late" not in row and "Review" in row


def test_an_agency_lead_cannot_open_the_overview_or_open_a_quarter(lead: User) -> None:
    client = sign_in(Client(), lead)
    assert client.get("/indicators/returns/").status_code == 403
    assert client.get("/indicators/returns/open/").status_code == 403


def test_the_business_unit_opens_a_quarter(personas: Personas, police: Agency) -> None:
    client = personas.client("bu_officer")
    response = client.post(
        "/indicators/returns/open/",
        {"quarter": "2022-23-q2", "due_date_0": "21", "due_date_1": "10", "due_date_2": "2022"},
    )
    assert response.status_code == 302
    agency_return = AgencyReturn.objects.get(agency=police)
    assert (agency_return.period_key, agency_return.due_date) == ("2022-23-q2", date(2022, 10, 21))


def test_opening_a_bad_quarter_shows_the_error_and_keeps_what_was_typed(personas: Personas) -> None:
    response = personas.client("bu_officer").post(
        "/indicators/returns/open/",
        {"quarter": "Q2 2022", "due_date_0": "21", "due_date_1": "10", "due_date_2": "2022"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "is not a quarter: write it like 2022-23-q1" in page
    assert 'value="Q2 2022"' in page
    assert not AgencyReturn.objects.exists()


# --- The lead's list and form -------------------------------------------------------------------------------


def test_a_lead_lists_only_their_own_agencys_returns(lead: User, q1: AgencyReturn) -> None:
    make_agency(name="Other Police", code="OPOL", kind=Agency.Kind.POLICE)
    returns_open(quarter_key=Q1, due_date=date(2022, 7, 21), actor=None)
    page = sign_in(Client(), lead).get("/indicators/returns/mine/").content.decode()
    assert f'id="return-{q1.pk}"' in page
    assert "Other Police" not in page
    assert f"/indicators/returns/{q1.pk}/edit/" in page


def test_bad_figures_re_display_what_was_typed_with_the_errors(lead: User, q1: AgencyReturn) -> None:
    client = sign_in(Client(), lead)
    response = client.post(
        f"/indicators/returns/{q1.pk}/edit/",
        {f"{DA}-numerator": "lots", f"{DA}-narrative": "Operation in May", f"{MISSING}-numerator": "35"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'href="#{DA}-numerator"' in page
    assert "enter a whole number of 0 or more, like 42" in page
    assert 'value="lots"' in page and "Operation in May" in page and 'value="35"' in page
    assert not q1.figures.exists()


def test_save_draft_then_submit(lead: User, q1: AgencyReturn) -> None:
    client = sign_in(Client(), lead)
    url = f"/indicators/returns/{q1.pk}/edit/"
    response = client.post(url, {f"{DA}-numerator": "120", "narrative": "Steady", "save": "1"})
    assert response.status_code == 302
    q1.refresh_from_db()
    assert (q1.status, q1.narrative, q1.figures.count()) == (AgencyReturn.Status.DRAFT, "Steady", 1)

    refused = client.post(url, {f"{DA}-numerator": "120", "submit": "1"})
    assert "Missing: Missing episodes reported to police" in refused.content.decode()
    response = client.post(url, {f"{DA}-numerator": "120", f"{MISSING}-numerator": "35", "submit": "1"})
    assert response.status_code == 302
    q1.refresh_from_db()
    assert (q1.status, q1.submitted_by) == (AgencyReturn.Status.SUBMITTED, lead)


def test_another_agencys_lead_gets_404_and_the_business_unit_may_not_enter_figures(
    personas: Personas, q1: AgencyReturn
) -> None:
    other = make_agency(name="Other Police", code="OPOL", kind=Agency.Kind.POLICE)
    other_lead = make_user("agency_safeguarding_lead", other)
    client = sign_in(Client(), other_lead)
    assert client.get(f"/indicators/returns/{q1.pk}/edit/").status_code == 404
    assert client.get(f"/indicators/returns/{q1.pk}/").status_code == 404
    assert client.post(f"/indicators/returns/{q1.pk}/edit/", {f"{DA}-numerator": "1"}).status_code == 404
    assert personas.client("bu_officer").get(f"/indicators/returns/{q1.pk}/edit/").status_code == 403
    assert personas.client("a_readonly").get(f"/indicators/returns/{q1.pk}/").status_code == 403


# --- Review -------------------------------------------------------------------------------------------------


def test_the_review_page_shows_figures_narrative_and_who_entered_them(
    personas: Personas, q1: AgencyReturn, lead: User
) -> None:
    submitted(q1, lead)
    page = personas.client("bu_officer").get(f"/indicators/returns/{q1.pk}/").content.decode()
    figure = page.split(f'id="figure-{DA}"')[1].split("</tr>")[0]
    assert "120" in figure and "Pat Lead" in figure
    assert "Steady" in page.split('id="return-narrative"')[1]
    history = page.split('id="figure-history"')[1].split("</table>")[0]
    assert history.count("Pat Lead") == 2
    assert "Accept the return" in page and "Return with comments" in page


def test_returning_without_a_comment_is_refused_and_with_one_goes_back_to_the_lead(
    personas: Personas, q1: AgencyReturn, lead: User
) -> None:
    submitted(q1, lead)
    client = personas.client("bu_officer")
    url = f"/indicators/returns/{q1.pk}/"
    refused = client.post(url, {"decision": "return", "comment": ""})
    assert "Say what the agency should change before returning it" in refused.content.decode()
    assert client.post(url, {"decision": "return", "comment": "Check May's figure"}).status_code == 302
    q1.refresh_from_db()
    assert q1.status == AgencyReturn.Status.RETURNED
    form = sign_in(Client(), lead).get(f"/indicators/returns/{q1.pk}/edit/").content.decode()
    assert "Check May&#x27;s figure" in form and 'value="120"' in form


def test_accepting_stores_values_shown_on_the_review_page(
    personas: Personas, q1: AgencyReturn, lead: User
) -> None:
    submitted(q1, lead)
    client = personas.client("bu_officer")
    assert (
        client.post(f"/indicators/returns/{q1.pk}/", {"decision": "accept", "comment": ""}).status_code == 302
    )
    assert IndicatorValue.objects.filter(agency_return=q1).count() == 2
    page = client.get(f"/indicators/returns/{q1.pk}/").content.decode()
    stored = page.split('id="stored-values"')[1].split("</table>")[0]
    assert "Domestic abuse notifications involving children" in stored and "120.0" in stored
    assert "Accept the return" not in page


def test_a_lead_cannot_decide_their_own_return(q1: AgencyReturn, lead: User) -> None:
    submitted(q1, lead)
    response = sign_in(Client(), lead).post(f"/indicators/returns/{q1.pk}/", {"decision": "accept"})
    assert response.status_code == 403
    q1.refresh_from_db()
    assert q1.status == AgencyReturn.Status.SUBMITTED


def test_the_home_page_tells_a_lead_about_returns_to_submit(q1: AgencyReturn, lead: User) -> None:
    page = sign_in(Client(), lead).get("/").content.decode()
    assert "Data returns to submit" in page
