"""The scorecard pages: who may see them, what they show, the exports, sign-off and commentary."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from safeguarding.core.testing import Personas, make_agency, make_user, sign_in
from safeguarding.indicators.models import Comparator, IndicatorNarrative, PeriodSignOff
from safeguarding.indicators.tests.test_scorecard import run, value, versions

pytestmark = pytest.mark.django_db

YEAR = "/indicators/scorecard/2022-23/"


@pytest.fixture
def stored() -> dict[str, Any]:
    """2022-23 computed: 46 of 50 contacts decided in a working day (92%: amber against 95 +/- 5), 3 contacts
    in Q1 (a small number), and a level breakdown whose label would start a formula."""
    v = versions()
    year_run = run("2022-23", by="Omar Officer")
    value(v["contacts_decided_1wd_pct"], "2022-23", numerator=46, denominator=50, figure=92.0, run=year_run)
    value(v["contacts"], "2022-23", numerator=12, run=year_run)
    value(v["contacts"], "2022-23-q1", numerator=3, run=year_run)
    value(v["contacts"], "2022-23", numerator=9, run=year_run, breakdown=("level", "level_2", "Level 2"))
    value(
        v["contacts"],
        "2022-23",
        numerator=3,
        run=year_run,
        breakdown=("level", "=cmd|'/c calc'!A1", "=cmd|'/c calc'!A1"),
    )
    return {"versions": v, "run": year_run}


def _chair(personas: Personas) -> Any:
    return make_user("subgroup_chair", personas.business_unit, full_name="Chris Chair")


def _section(page: str, code: str) -> str:
    return page.split(f'id="indicator-{code}"')[1].split("</tr>")[0]


# --- Permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/scorecard/",
        YEAR,
        "/indicators/scorecard/2022-23-q1/",
        "/indicators/scorecard/2022-23/contacts/",
        "/indicators/scorecard/2022-23/export.csv",
        "/indicators/scorecard/2022-23/export.xlsx",
        "/indicators/scorecard/2022-23/print/",
        "/indicators/scorecard/2022-23/sign-off/",
    ],
)
def test_someone_without_indicator_view_is_refused_everywhere(
    personas: Personas, stored: Any, url: str
) -> None:
    assert sign_in(Client(), personas.a_readonly).get(url).status_code == 403


def test_an_agency_lead_reads_the_scorecard_but_may_not_sign_off_or_comment(
    personas: Personas, stored: Any
) -> None:
    client = sign_in(Client(), personas.a_worker)
    assert client.get("/indicators/scorecard/")["Location"] == YEAR
    assert client.get(YEAR).status_code == 200
    assert client.get("/indicators/scorecard/2022-23/contacts/").status_code == 200
    assert client.get("/indicators/scorecard/2022-23/sign-off/").status_code == 403
    posted = client.post("/indicators/scorecard/2022-23/sign-off/", {"period": "2022-23", "confirm": "on"})
    assert posted.status_code == 403 and not PeriodSignOff.objects.exists()
    assert client.post("/indicators/scorecard/2022-23/contacts/", {"text": "Mine"}).status_code == 403
    assert not IndicatorNarrative.objects.exists()


def test_the_business_unit_may_not_sign_off(personas: Personas, stored: Any) -> None:
    assert personas.client("bu_officer").get("/indicators/scorecard/2022-23/sign-off/").status_code == 403


def test_an_unknown_period_or_indicator_is_not_found(personas: Personas, stored: Any) -> None:
    client = sign_in(Client(), personas.a_worker)
    assert client.get("/indicators/scorecard/2022-24/").status_code == 404
    assert client.get("/indicators/scorecard/2022-23/no_such_code/").status_code == 404


# --- The page -----------------------------------------------------------------------------------------------


def test_the_page_shows_value_counts_target_rag_and_the_rule(personas: Personas, stored: Any) -> None:
    page = sign_in(Client(), personas.a_worker).get(YEAR).content.decode()
    section = _section(page, "contacts_decided_1wd_pct")
    assert "92.0%" in section and "46 out of 50" in section
    assert "95.0% (amber within 5.0%)" in section and 'data-rag="amber"' in section
    assert (
        "How the RAG is decided" in page
        and "Amber: it misses the target by no more than the tolerance" in page
    )
    assert 'href="/indicators/scorecard/2022-23/contacts_decided_1wd_pct/"' in section
    assert "Computed" in page and "by Omar Officer" in page and "Every consistency check passed." in page
    assert "Not signed off yet" in page
    assert 'href="/indicators/scorecard/2022-23/print/"' in page


def test_small_numbers_for_an_aggregate_reader_and_every_count_for_a_mash_manager(
    personas: Personas, stored: Any
) -> None:
    url = "/indicators/scorecard/2022-23-q1/"
    aggregate = _section(sign_in(Client(), personas.a_worker).get(url).content.decode(), "contacts")
    assert (
        "<strong>fewer than 5</strong>" in aggregate
        and "3" not in aggregate.split('data-figure="counts">')[1].split("</td>")[0]
    )
    manager = make_user("mash_manager", personas.agency_a)
    assert sign_in(Client(), manager, two_factor=False).get(url).status_code == 302  # two-factor first
    full = _section(sign_in(Client(), manager).get(url).content.decode(), "contacts")
    assert "fewer than" not in full and "<strong>3</strong>" in full


def test_failed_checks_are_listed_in_a_warning(personas: Personas) -> None:
    versions()
    run(
        "2022-23",
        checks=[
            {
                "check": "partition",
                "code": "contacts",
                "period": "2022-23-q1",
                "breakdown": "",
                "passed": False,
                "message": "rows by level add up to 9, the whole is 10",
            },
            {
                "check": "period_label",
                "code": "contacts",
                "period": "2022-23",
                "breakdown": "",
                "passed": True,
                "message": "Label matches the period",
            },
        ],
    )
    page = sign_in(Client(), personas.a_worker).get(YEAR).content.decode()
    assert "1 consistency check failed" in page
    table = page.split('id="failed-checks"')[1].split("</table>")[0]
    assert "rows by level add up to 9, the whole is 10" in table and "2022-23-q1" in table
    assert "Label matches the period" not in table
    assert "2 run, 1 failed" in page


def test_a_signed_off_period_says_who_signed_it_off(personas: Personas, stored: Any) -> None:
    PeriodSignOff.objects.create(
        period_key="2022-23",
        run=stored["run"],
        signed_off_by_name="Chris Chair",
        signed_off_at=stored["run"].started_at,
    )
    page = sign_in(Client(), personas.a_worker).get(YEAR).content.decode()
    assert "Signed off by Chris Chair on 1 May 2024" in page


def test_filter_by_theme_and_a_bad_filter_is_explained(personas: Personas, stored: Any) -> None:
    client = sign_in(Client(), personas.a_worker)
    page = client.get(YEAR, {"theme": "domestic_abuse"}).content.decode()
    assert 'id="indicator-police_da_notifications"' in page and 'id="indicator-contacts"' not in page
    assert "Indicators: Domestic abuse" in page
    bad = client.get(YEAR, {"theme": "nonsense"}).content.decode()
    assert "There is a problem" in bad and "Select a priority theme in the list" in bad
    assert 'id="indicator-contacts"' in bad  # an invalid filter shows everything


def test_the_page_takes_a_handful_of_queries_whatever_the_number_of_indicators(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    v = versions()
    runs = {key: run(key) for key in ("2021-22", "2022-23")}
    for version in v.values():
        for key in (
            "2021-22-q3",
            "2021-22-q4",
            "2022-23",
            "2022-23-q1",
            "2022-23-q2",
            "2022-23-q3",
            "2022-23-q4",
        ):
            year_run = runs[key[:7]] if version.source == "computed" else None
            if year_run is not None:
                value(version, key, numerator=20, denominator=40, figure=50.0, run=year_run)
    client = sign_in(Client(), personas.a_worker)
    with django_assert_max_num_queries(15):
        response = client.get(YEAR)
    assert response.content.decode().count('app-scorecard-row" id=') == len(v)


# --- Drill-down and commentary ------------------------------------------------------------------------------


def test_the_drill_down_shows_definition_provenance_and_breakdowns(personas: Personas, stored: Any) -> None:
    page = (
        sign_in(Client(), personas.a_worker).get("/indicators/scorecard/2022-23/contacts/").content.decode()
    )
    assert "Contacts received in the period" in page  # the numerator text
    assert "2024-05-01T08:00:00+00:00" in page and "Census imports" in page
    table = page.split('id="breakdown-level"')[1].split("</table>")[0]
    assert "Level 2" in table and "fewer than 5" in table
    # Rows keep the order they were stored in (not alphabetical: "=cmd" would sort before "Level 2"), and a
    # count shows its share of the total (9 of 12), hidden where the count is.
    assert table.index("Level 2") < table.index("=cmd")
    assert "75.0%" in table and "Share of the total" in table and "Out of" not in table
    assert "not shown (small numbers)" in table
    assert "secondary suppression is not applied" in page
    assert "Add commentary" not in page


def test_the_chair_adds_commentary_and_bad_input_is_kept(personas: Personas, stored: Any) -> None:
    client = sign_in(Client(), _chair(personas))
    url = "/indicators/scorecard/2022-23/contacts/"
    empty = client.post(url, {"text": "   "})
    assert empty.status_code == 200 and "Enter the commentary" in empty.content.decode()
    too_long = client.post(url, {"text": "x" * 5001})
    assert (
        "5,000 characters or fewer" in too_long.content.decode() and "x" * 5001 in too_long.content.decode()
    )
    assert not IndicatorNarrative.objects.exists()
    done = client.post(url, {"text": "Contacts rose after the schools campaign."})
    assert done.status_code == 302
    narrative = IndicatorNarrative.objects.get()
    assert (narrative.period_key, narrative.written_by_name, narrative.indicator.code) == (
        "2022-23",
        "Chris Chair",
        "contacts",
    )
    page = sign_in(Client(), personas.a_worker).get(YEAR).content.decode()
    assert "Contacts rose after the schools campaign." in _section(page, "contacts")


# --- Exports and print --------------------------------------------------------------------------------------


def test_csv_export_has_every_value_neutralised_and_suppressed(personas: Personas, stored: Any) -> None:
    response = sign_in(Client(), personas.a_worker).get("/indicators/scorecard/2022-23/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2022-23.csv"'
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["code", "title", "version", "period", "breakdown"]
    by_breakdown = {(row[0], row[4]): row for row in rows[1:]}
    assert by_breakdown[("contacts_decided_1wd_pct", "Total")][5:10] == [
        "46",
        "50",
        "92.0",
        "Percentage",
        "Amber",
    ]
    formula = by_breakdown[("contacts", "'=cmd|'/c calc'!A1")]
    assert formula[5:8] == ["fewer than 5", "", ""]
    assert len(rows) == 5  # header + 4 values of the year (the quarter's value is another period)


def test_xlsx_export_has_numbers_as_numbers_and_text_neutralised(personas: Personas, stored: Any) -> None:
    response = sign_in(Client(), personas.a_worker).get("/indicators/scorecard/2022-23/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.title == "Scorecard 2022-23"
    rows = list(sheet.iter_rows())
    percent = next(row for row in rows if row[0].value == "contacts_decided_1wd_pct")
    assert (percent[5].value, percent[5].data_type, percent[7].value) == (46, "n", 92.0)
    formula = next(row for row in rows if row[4].value == "'=cmd|'/c calc'!A1")
    assert formula[4].data_type == "s" and formula[5].value == "fewer than 5"


def test_print_view_has_no_navigation_and_a_print_button(personas: Personas, stored: Any) -> None:
    page = sign_in(Client(), personas.a_worker).get("/indicators/scorecard/2022-23/print/").content.decode()
    assert "Print or save as PDF" in page and "window.print()" in page
    assert "govuk-service-navigation" not in page and "92.0%" in page
    # The print rules are in the project's stylesheet (the content security policy allows no inline style).
    assert "css/app.css" in page


# --- Sign-off -----------------------------------------------------------------------------------------------


def test_the_chair_signs_off_a_period_once(personas: Personas, stored: Any) -> None:
    client = sign_in(Client(), _chair(personas))
    url = "/indicators/scorecard/2022-23/sign-off/"
    page = client.get(url).content.decode()
    assert "I confirm the PQA subgroup has agreed these figures" in page
    unconfirmed = client.post(url, {"period": "2022-23-q1", "run": stored["run"].pk})
    assert "Confirm the PQA subgroup has agreed these figures" in unconfirmed.content.decode()
    assert not PeriodSignOff.objects.exists()
    done = client.post(url, {"period": "2022-23-q1", "run": stored["run"].pk, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == "/indicators/scorecard/2022-23-q1/"
    sign_off = PeriodSignOff.objects.get()
    assert (sign_off.period_key, sign_off.run_id, sign_off.signed_off_by_name) == (
        "2022-23-q1",
        stored["run"].pk,
        "Chris Chair",
    )
    again = client.post(
        url, {"period": "2022-23-q1", "run": stored["run"].pk, "confirm": "on"}
    ).content.decode()
    assert "a signed-off period cannot be signed off again" in again
    assert PeriodSignOff.objects.count() == 1


def test_sign_off_is_refused_when_the_year_was_computed_again_meanwhile(
    personas: Personas, stored: Any
) -> None:
    client = sign_in(Client(), _chair(personas))
    run("2022-23")
    page = client.post(
        "/indicators/scorecard/2022-23/sign-off/",
        {"period": "2022-23", "run": stored["run"].pk, "confirm": "on"},
    ).content.decode()
    assert "computed again since you opened this page" in page and not PeriodSignOff.objects.exists()


def test_a_quarter_sign_off_address_goes_to_its_year(personas: Personas, stored: Any) -> None:
    response = sign_in(Client(), _chair(personas)).get("/indicators/scorecard/2022-23-q2/sign-off/")
    assert response["Location"] == "/indicators/scorecard/2022-23/sign-off/"
    make_agency()  # the chair's page needs nothing else


def test_comparators_of_the_year_are_shown_in_the_indicators_unit(personas: Personas, stored: Any) -> None:
    indicator = stored["versions"]["contacts_decided_1wd_pct"].indicator
    Comparator.objects.create(
        indicator=indicator, period_key="2022-23", kind="england", value=93.5, source="DfE"
    )
    Comparator.objects.create(
        indicator=indicator, period_key="2022-23", kind="region", value=91.0, source="WM"
    )
    Comparator.objects.create(
        indicator=indicator, period_key="2021-22", kind="england", value=11.0, source="DfE"
    )
    client = sign_in(Client(), personas.a_worker)
    section = _section(
        client.get("/indicators/scorecard/2022-23-q1/").content.decode(), "contacts_decided_1wd_pct"
    )
    assert "England: 93.5%</span>;<br>" in section and "Region: 91.0%</span>" in section
    assert "11.0%" not in section
    export = client.get(YEAR + "export.csv")
    assert isinstance(export, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "contacts_decided_1wd_pct")
    assert row[10:13] == ["93.5", "", "91.0"]
