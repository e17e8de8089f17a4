"""Comparators: the CSV format's checks (every problem by line, nothing stored unless every row is good), the
upsert, the read for the scorecard, the pages and who may use them, and the file the platform ships."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safeguarding.core.testing import Personas, sign_in
from safeguarding.indicators.comparators import (
    MAX_ROWS,
    ComparatorFileInvalid,
    comparator_file_check,
    comparator_file_decode,
    comparators_for,
    comparators_import,
    comparators_load_shipped,
)
from safeguarding.indicators.models import Comparator, ComparatorImport

pytestmark = pytest.mark.django_db

HEADER = "indicator,year,comparator,breakdown,value,source\n"
LIST_URL = "/indicators/comparators/"
IMPORT_URL = "/indicators/comparators/import/"
TEMPLATE_URL = "/indicators/comparators/template.csv"


def problems_of(text: str) -> list[str]:
    with pytest.raises(ComparatorFileInvalid) as refused:
        comparator_file_check(text)
    return refused.value.errors


# --- The format ---------------------------------------------------------------------------------------------


def test_a_good_file_with_a_bom_blank_lines_and_spaces_is_read_row_by_row() -> None:
    text = (
        "\ufeff"
        + HEADER
        + "referrals_per_10k,2022-23,england,,534,Annual report\n"
        + "\n"
        + " referrals_per_10k , 2022-23 , Statistical_Neighbours , , 624.5 , Annual report \n"
        + ",,,,,\n"
    )
    rows = comparator_file_check(text)
    assert [(r.line, r.code, r.period_key, r.kind, r.breakdown_key, r.value, r.source) for r in rows] == [
        (2, "referrals_per_10k", "2022-23", "england", "", 534.0, "Annual report"),
        (4, "referrals_per_10k", "2022-23", "statistical_neighbours", "", 624.5, "Annual report"),
    ]


def test_bytes_with_a_byte_order_mark_decode_and_other_encodings_are_refused() -> None:
    assert comparator_file_decode("\ufeffindicator".encode()) == "indicator"
    with pytest.raises(ComparatorFileInvalid) as refused:
        comparator_file_decode("£".encode("latin-1"))
    assert "not UTF-8" in refused.value.errors[0]


def test_every_problem_is_reported_by_line_and_column_in_plain_english() -> None:
    text = HEADER + (
        "referrals_per_10k,2022-23,england,,534,Report\n"  # line 2: good
        "referrals_per_10k,2022-23,region,,84%,Report\n"  # line 3
        "no_such_code,2022-23,england,,1,Report\n"  # line 4
        "referrals_per_10k,2022,england,,1,Report\n"  # line 5
        "referrals_per_10k,2022-23,national,,1,Report\n"  # line 6
        "referrals_per_10k,2022-23,england,,534,Report again\n"  # line 7: repeats line 2
        "referrals_per_10k,2022-23,statistical_neighbours,,624,\n"  # line 8
        "referrals_per_10k,2022-23,region,,five hundred,Report\n"  # line 9
        "assessments_within_45wd_pct,2022-23,england,,184,Report\n"  # line 10
        "referrals_per_10k,2022-23,england\n"  # line 11
    )
    assert problems_of(text) == [
        "Line 3: 'value' must be a number, not '84%' (leave out the % sign: 84, not 84%)",
        "Line 4: 'indicator' 'no_such_code' is not a code in the indicator registry",
        "Line 5: 'year' must be a financial year like 2022-23, not '2022'",
        "Line 6: 'comparator' must be england, statistical_neighbours or region, not 'national'",
        "Line 7: repeats the indicator, year, comparator and breakdown of line 2",
        "Line 8: 'source' is empty: say where the figure comes from",
        "Line 9: 'value' must be a number, not 'five hundred'",
        "Line 10: 'value' is a percentage and cannot be over 100 ('184')",
        "Line 11: has 3 values, but the header has 6 columns",
    ]


def test_a_breakdown_must_be_one_the_registry_gives_the_indicator() -> None:
    text = HEADER + (
        "referrals_per_10k,2022-23,england,colour=red,1,Report\n"
        "exploitation_screenings,2022-23,england,risk,1,Report\n"
        "exploitation_screenings,2022-23,england,level=x,1,Report\n"
    )
    problems = problems_of(text)
    assert len(problems) == 3
    assert problems[0].startswith("Line 2: 'breakdown' 'colour' is not a breakdown of referrals_per_10k (")
    assert problems[1] == (
        "Line 3: 'breakdown' must be empty or name=key (for example category=EMO), not 'risk'"
    )
    # The message names the breakdowns the registry does give (the list grows with the registry).
    assert problems[2].startswith(
        "Line 4: 'breakdown' 'level' is not a breakdown of exploitation_screenings "
        "(its breakdowns are risk_level"
    )


def test_a_breakdown_key_is_checked_against_its_code_list() -> None:
    from safeguarding.children.codes import ExploitationRisk

    good_code = str(ExploitationRisk.values[0])
    rows = comparator_file_check(
        HEADER + f"exploitation_screenings,2022-23,england,risk_level = {good_code},1,Report\n"
    )
    assert rows[0].breakdown_key == f"risk_level={good_code}"
    problems = problems_of(HEADER + "exploitation_screenings,2022-23,england,risk_level=nope,1,Report\n")
    assert problems[0].startswith("Line 2: 'breakdown' key 'nope' is not a risk_level code")


def test_the_header_is_required_and_named_problems_are_reported() -> None:
    assert problems_of("referrals_per_10k,2022-23,england,,534,Report\n")[:1] == [
        "Line 1: the header has no column 'indicator', 'year', 'comparator', 'breakdown', 'value', 'source'"
    ]
    assert problems_of("indicator,year,comparator,value,source,colour\nx,2022-23,england,1,R,red\n")[:2] == [
        "Line 1: the header has no column 'breakdown'",
        "Line 1: the header has columns this format does not use: 'colour'",
    ]
    assert problems_of("") == ["The file is empty: it needs a header line and at least one row"]
    assert problems_of(HEADER) == ["The file has a header but no rows of comparators"]


def test_oversized_files_are_refused_whole() -> None:
    too_many = HEADER + "referrals_per_10k,2022-23,england,,1,R\n" * (MAX_ROWS + 1)
    assert problems_of(too_many) == ["The file has 10,001 rows; a file can hold at most 10,000: split it"]
    too_big = HEADER + "referrals_per_10k,2022-23,england,,1," + "x" * (1024 * 1024) + "\n"
    assert problems_of(too_big) == ["The file is larger than 1 MB: split it"]


# --- Storing ---------------------------------------------------------------------------------------------


def test_one_bad_row_stores_nothing(personas: Personas) -> None:
    text = (
        HEADER + "referrals_per_10k,2022-23,england,,534,Report\nreferrals_per_10k,2022-23,region,,x,Report\n"
    )
    with pytest.raises(ComparatorFileInvalid):
        comparators_import(file_name="bad.csv", text=text, actor=personas.bu_officer)
    assert not Comparator.objects.exists()
    assert not ComparatorImport.objects.exists()


def test_a_good_file_is_stored_and_a_second_replaces_matching_rows(personas: Personas) -> None:
    first = HEADER + (
        "referrals_per_10k,2022-23,england,,534,First report\n"
        "referrals_per_10k,2022-23,region,,503,First report\n"
    )
    record = comparators_import(file_name="first.csv", text=first, actor=personas.bu_officer)
    assert (record.file_name, record.rows, record.imported_by, record.imported_by_name) == (
        "first.csv",
        2,
        personas.bu_officer,
        "Omar Officer",
    )
    second = HEADER + (
        "referrals_per_10k,2022-23,england,,538,Revised report\n"
        "referrals_per_10k,2021-22,england,,500,Older report\n"
    )
    replaced = comparators_import(file_name="second.csv", text=second, actor=personas.bu_officer)
    stored = {
        (c.period_key, c.kind): (c.value, c.source, c.imported_id)
        for c in Comparator.objects.filter(indicator__code="referrals_per_10k")
    }
    assert stored == {
        ("2022-23", "england"): (538.0, "Revised report", replaced.pk),
        ("2022-23", "region"): (503.0, "First report", record.pk),
        ("2021-22", "england"): (500.0, "Older report", replaced.pk),
    }


def test_comparators_for_reads_the_asked_years_keyed_for_the_scorecard(personas: Personas) -> None:
    text = HEADER + (
        "referrals_per_10k,2022-23,england,,534,A\n"
        "referrals_per_10k,2022-23,statistical_neighbours,,624,B\n"
        "referrals_per_10k,2021-22,england,,500,C\n"
        "exploitation_screenings,2022-23,region,,7,D\n"
    )
    comparators_import(file_name="c.csv", text=text, actor=personas.bu_officer)
    assert comparators_for(["2022-23"]) == {
        ("referrals_per_10k", "2022-23", ""): {
            "england": (534.0, "A"),
            "statistical_neighbours": (624.0, "B"),
        },
        ("exploitation_screenings", "2022-23", ""): {"region": (7.0, "D")},
    }
    assert comparators_for([]) == {}


# --- The shipped file ------------------------------------------------------------------------------------


def test_the_shipped_comparators_load_with_their_sources() -> None:
    record = comparators_load_shipped()
    assert record.rows == Comparator.objects.count() == 32
    assert record.imported_by is None
    found = comparators_for(["2022-23"])
    # Seed 003 line 1045: "lower than the statistical neighbours (624), England (534) and West Midlands
    # (503)".
    referrals = found[("referrals_per_10k", "2022-23", "")]
    assert {kind: value for kind, (value, _) in referrals.items()} == {
        "statistical_neighbours": 624.0,
        "england": 534.0,
        "region": 503.0,
    }
    assert "seed 003 line 1045" in referrals["england"][1]
    # Line 1060: Section 47 enquiries, England 180, statistical neighbours 209, West Midlands 196.
    assert found[("s47_per_10k", "2022-23", "")]["statistical_neighbours"][0] == 209.0
    # Line 1068 gives no West Midlands figure for plans started, so none is shipped.
    assert set(found[("cpp_started_per_10k", "2022-23", "")]) == {"england", "statistical_neighbours"}
    # Lines 1075-1076: plans started with emotional abuse as the initial category, England 38%.
    assert found[("cpp_initial_category_pct", "2022-23", "category=EMO")]["england"][0] == 38.0
    # Loading again replaces rather than duplicates.
    comparators_load_shipped()
    assert Comparator.objects.count() == 32


# --- Pages -----------------------------------------------------------------------------------------------


def test_an_agency_lead_reads_the_list_by_year(personas: Personas) -> None:
    comparators_load_shipped()
    comparators_import(
        file_name="old.csv", text=HEADER + "referrals_per_10k,2021-22,england,,500,Older\n", actor=None
    )
    client = sign_in(Client(), personas.a_worker)
    page = client.get(LIST_URL).content.decode()
    assert "Comparators 2022-23" in page  # the latest year by default
    assert "624" in page and "seed 003 line 1045" in page
    assert "Import comparators" not in page  # an agency lead may read, not import
    older = client.get(LIST_URL, {"year": "2021-22"}).content.decode()
    assert "Older" in older and "624" not in older


def test_a_referrer_may_not_import_or_read(personas: Personas) -> None:
    client = sign_in(Client(), personas.a_readonly)
    assert client.get(IMPORT_URL).status_code == 403
    upload = SimpleUploadedFile("c.csv", (HEADER + "referrals_per_10k,2022-23,england,,534,R\n").encode())
    assert client.post(IMPORT_URL, {"file": upload}).status_code == 403
    assert client.get(LIST_URL).status_code == 403
    assert not Comparator.objects.exists()


def test_an_agency_lead_may_not_import(personas: Personas) -> None:
    assert sign_in(Client(), personas.a_worker).get(IMPORT_URL).status_code == 403


def test_a_business_unit_officer_imports_a_file_and_sees_the_count(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    assert client.get(IMPORT_URL).status_code == 200
    body = (
        "\ufeff"
        + HEADER
        + "referrals_per_10k,2022-23,england,,534,R\nreferrals_per_10k,2022-23,region,,503,R\n"
    )
    upload = SimpleUploadedFile("mine.csv", body.encode())
    response = client.post(IMPORT_URL, {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST_URL}?year=2022-23"
    page = response.content.decode()
    assert "2 comparator rows imported from mine.csv" in page
    assert Comparator.objects.count() == 2


def test_a_file_with_problems_is_listed_and_nothing_kept(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    body = HEADER + "referrals_per_10k,2022-23,england,,534,R\nreferrals_per_10k,2022-23,region,,84%,R\n"
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("bad.csv", body.encode())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Import comparators" in page
    assert "The selected file has 1 problem: nothing was imported" in page
    assert "Line 3: &#x27;value&#x27; must be a number, not &#x27;84%&#x27;" in page
    assert not Comparator.objects.exists()


def test_an_upload_without_a_file_or_over_the_limit_is_refused(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    assert "Select a comparator CSV file" in client.post(IMPORT_URL, {}).content.decode()
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))
    assert "must be smaller than 1 MB" in client.post(IMPORT_URL, {"file": big}).content.decode()


def test_the_template_downloads_with_its_header_and_two_examples(personas: Personas) -> None:
    response = sign_in(Client(), personas.bu_officer).get(TEMPLATE_URL)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0] == "indicator,year,comparator,breakdown,value,source"
    assert len(lines) == 3
    # The template is itself a valid file.
    assert len(comparator_file_check(text)) == 2


def test_the_pages_answer_only_their_methods(personas: Personas) -> None:
    client = sign_in(Client(), personas.bu_officer)
    assert client.post(LIST_URL).status_code == 405
    assert client.post(TEMPLATE_URL).status_code == 405
    assert client.put(IMPORT_URL).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    for url in (LIST_URL, IMPORT_URL, TEMPLATE_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/account/sign-in/" in response["Location"]
