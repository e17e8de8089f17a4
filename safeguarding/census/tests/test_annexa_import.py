"""Importing Ofsted Annex A workbooks and CSV files (written to tmp_path with openpyxl and csv) into the
child's journey: column mapping and aliases, UK and Excel serial dates, row-level findings, refusals,
idempotent re-import, dry runs and --strict. Made-up children only."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from openpyxl import Workbook

from safeguarding.census.annexa.importer import ImportReport, import_annex_a
from safeguarding.census.annexa.reader import AnnexAUnreadable
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    LookedAfterPeriod,
    Origin,
    Placement,
    Section47,
)
from safeguarding.frontdoor.models import Contact

pytestmark = pytest.mark.django_db

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIST_3 = [
    *COMMON,
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
]
LIST_6 = [
    *COMMON,
    "Does the Child have a Disability",
    "CIN Start Date",
    "Primary Need Code",
    "CIN Closure Date",
    "Reason for Closure",
    "Case Status",
]
LIST_4 = [
    *COMMON,
    "Does the Child have a Disability",
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
]
LIST_5 = [
    *COMMON,
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
]
LIST_7 = [
    *COMMON,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Number of Previous Child Protection Plans",
]
LIST_8 = [
    *COMMON,
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Child's Legal Status",
    "Date Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def journey_workbook(path: Path) -> Path:
    """A workbook for two children, in the mixed forms councils' files come in."""
    return write_xlsx(
        path,
        {
            "Guidance": [["How to fill in this workbook"], ["Use one row per child."]],
            "List 3 - Referrals": [
                ["Annex A list 3: referrals"],  # a title row above the header
                LIST_3,
                [
                    "C1",
                    "b) Female",
                    "a) WBRI",
                    datetime(2015, 6, 1),
                    8,
                    datetime(2023, 10, 2),
                    "e) 2A: Schools",
                    "b) No",
                    0,
                ],
                ["C2", "Male", "Indian", "10/02/2008", 15, 45229, "Police", "N", 1],  # 45229 = 30/10/2023
            ],
            "List 6": [
                LIST_6,
                [
                    "C1",
                    "b",
                    "WBRI",
                    "01/06/2015",
                    8,
                    "No",
                    "02/10/2023",
                    "N1 - Abuse or neglect",
                    None,
                    None,
                    "b)",
                ],
                [
                    "C2",
                    "a",
                    "AIND",
                    "10/02/2008",
                    15,
                    "Yes",
                    "30/10/2023",
                    "N4",
                    "2024-02-01",
                    "RC7",
                    "e) Closed",
                ],
            ],
            "List 4": [
                LIST_4,
                ["C1", "b", "WBRI", "01/06/2015", 8, "No", "03/10/2023", "a) Yes", "20/10/2023"],
            ],
            "List 5": [
                LIST_5,
                ["C1", "b", "WBRI", "01/06/2015", 8, "05/10/2023", "b) No", "25/10/2023"],
            ],
            "List 7": [
                LIST_7,
                [
                    "C1",
                    "b",
                    "WBRI",
                    "01/06/2015",
                    8,
                    "25/10/2023",
                    "a) Neglect",
                    "Emotional abuse",
                    "20/01/2024",
                    None,
                    1,
                ],
            ],
            "List 8": [
                LIST_8,
                [
                    "C2",
                    "a",
                    "AIND",
                    "10/02/2008",
                    15,
                    "01/11/2023",
                    "N1",
                    "C2: FCO",
                    None,
                    "01/11/2023",
                    "U4",
                ],
            ],
        },
    )


def test_a_workbook_becomes_the_childrens_journey(tmp_path: Path) -> None:
    report = import_annex_a([journey_workbook(tmp_path / "annex-a.xlsx")])

    assert report.findings == []
    assert (
        "annex-a.xlsx, sheet 'Guidance': no Annex A header row (no 'Child Unique ID' column); sheet not read"
        in (report.notes)
    )
    first = Child.objects.get(la_child_id="C1")
    assert (first.sex, first.ethnicity, first.date_of_birth, first.disabilities) == (
        "2",
        "WBRI",
        date(2015, 6, 1),
        ["NONE"],
    )
    second = Child.objects.get(la_child_id="C2")
    assert (second.sex, second.ethnicity, second.disabilities) == ("1", "AIND", ["DDA"])

    episode = CINReferral.objects.get(child=first)
    assert (episode.referral_date, episode.source, episode.nfa, episode.primary_need, episode.origin) == (
        date(2023, 10, 2),
        "2A",
        False,
        "N1",
        Origin.IMPORT,
    )
    closed = CINReferral.objects.get(child=second)
    # 45229 is Excel's serial number for 30 October 2023
    assert (closed.referral_date, closed.source, closed.closure_date, closed.closure_reason) == (
        date(2023, 10, 30),
        "6",
        date(2024, 2, 1),
        "RC7",
    )
    assessment = Assessment.objects.get(episode=episode)
    assert (assessment.start_date, assessment.authorisation_date, assessment.child_seen) == (
        date(2023, 10, 3),
        date(2023, 10, 20),
        True,
    )
    enquiry = Section47.objects.get(episode=episode)
    assert (enquiry.start_date, enquiry.icpc_date, enquiry.icpc_not_required) == (
        date(2023, 10, 5),
        date(2023, 10, 25),
        False,
    )
    plan = ChildProtectionPlan.objects.get(episode=episode)
    assert (plan.start_date, plan.initial_category, plan.latest_category, plan.previous_plans) == (
        date(2023, 10, 25),
        "NEG",
        "EMO",
        1,
    )
    assert list(CPReview.objects.filter(plan=plan).values_list("review_date", flat=True)) == [
        date(2024, 1, 20)
    ]
    period = LookedAfterPeriod.objects.get(child=second)
    assert (period.start_date, period.legal_status, period.category_of_need, period.end_date) == (
        date(2023, 11, 1),
        "C2",
        "N1",
        None,
    )
    assert list(Placement.objects.filter(period=period).values_list("start_date", "placement_type")) == [
        (date(2023, 11, 1), "U4")
    ]
    assert report.created["children"] == 2
    assert report.created["CIN episodes"] == 2


def test_reimporting_the_same_workbook_changes_nothing(tmp_path: Path) -> None:
    path = journey_workbook(tmp_path / "annex-a.xlsx")
    import_annex_a([path])
    models: list[type[Model]] = [
        Child,
        CINReferral,
        Assessment,
        Section47,
        ChildProtectionPlan,
        CPReview,
        LookedAfterPeriod,
        Placement,
    ]
    counts = {model: model._default_manager.count() for model in models}
    stamps = {model: sorted(model._default_manager.values_list("updated_at", flat=True)) for model in models}

    again = import_annex_a([path])

    assert {model: model._default_manager.count() for model in models} == counts
    assert {
        model: sorted(model._default_manager.values_list("updated_at", flat=True)) for model in models
    } == stamps
    assert sum(again.created.values()) == 0
    assert sum(again.updated.values()) == 0
    assert again.unchanged["children"] == 2
    assert again.unchanged["CIN episodes"] == 2


def test_a_later_extract_updates_what_it_shares(tmp_path: Path) -> None:
    import_annex_a([journey_workbook(tmp_path / "first.xlsx")])
    later = write_csv(
        tmp_path / "list6.csv",
        [LIST_6, ["C1", "b", "WBRI", "01/06/2015", 8, "No", "02/10/2023", "N1", "15/03/2024", "RC7", "e)"]],
    )

    report = import_annex_a([later])

    episode = CINReferral.objects.get(child__la_child_id="C1")
    assert (episode.closure_date, episode.closure_reason) == (date(2024, 3, 15), "RC7")
    assert report.updated["CIN episodes"] == 1
    assert CINReferral.objects.count() == 2


def test_headings_match_ignoring_case_and_punctuation_and_known_aliases(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "referrals.csv",
        [
            [
                "child id",
                "SEX",
                "ethnicity",
                "DOB",
                "Referral Date",
                "referral source",
                "Referral NFA",
                "Team name",
            ],
            ["C9", "Female", "WBRI", "3/4/15", "2/10/23", "1A", "yes", "North"],
        ],
    )

    report = import_annex_a([path])

    child = Child.objects.get(la_child_id="C9")
    assert (child.sex, child.date_of_birth) == ("2", date(2015, 4, 3))
    referral = CINReferral.objects.get(child=child)
    assert (referral.referral_date, referral.source, referral.nfa) == (date(2023, 10, 2), "1A", True)
    assert (
        "referrals.csv: column 'Team name' is not an Annex A List 3 (Referrals) column; ignored"
        in report.notes
    )


def test_a_csv_list_is_told_by_list_option_file_name_or_header(tmp_path: Path) -> None:
    rows: list[list[Any]] = [LIST_8[:6], ["C5", "a", "WBRI", "01/01/2010", 13, "01/12/2023"]]
    by_header = import_annex_a([write_csv(tmp_path / "export.csv", rows)])
    assert set(by_header.lists) == {8}

    named = write_csv(
        tmp_path / "annexa_list_2.csv",
        [[*COMMON, "Assessment start date"], ["C6", "b", "WBRI", "01/01/2019", 4, "04/12/2023"]],
    )
    assert set(import_annex_a([named]).lists) == {2}

    # A file the header cannot place (its only date column is shared) is read as the list given.
    bare = write_csv(
        tmp_path / "extract.csv", [["Child Unique ID", "Gender", "Date of Birth"], ["C7", "a", "01/01/2012"]]
    )
    with pytest.raises(AnnexAUnreadable, match="cannot tell which Annex A list"):
        import_annex_a([bare])
    with pytest.raises(
        AnnexAUnreadable, match=r"List 1 \(Contacts\), extract.csv: required column 'Date of Contact'"
    ):
        import_annex_a([bare], list_number=1)


def test_a_missing_required_column_refuses_the_import_naming_list_and_column(tmp_path: Path) -> None:
    good = write_csv(
        tmp_path / "list_3.csv", [LIST_3, ["C1", "b", "WBRI", "01/06/2015", 8, "02/10/2023", "2A", "N", 0]]
    )
    bad = write_xlsx(
        tmp_path / "annex-a.xlsx",
        {"List 7": [[*COMMON, "Initial Category of Abuse"], ["C1", "b", "WBRI", "01/06/2015", 8, "NEG"]]},
    )

    with pytest.raises(AnnexAUnreadable) as refused:
        import_annex_a([good, bad])

    assert str(refused.value) == (
        "List 7 (Child protection), annex-a.xlsx, sheet 'List 7': required column "
        "'Child Protection Plan Start Date' not found "
        "(also accepted: 'CPP Start Date', 'CP Plan Start Date', 'CPPstartDate')"
    )
    assert not Child.objects.exists()  # the good file is not half-imported


def test_bad_values_are_findings_never_crashes(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "annex-a.xlsx",
        {
            "List 3": [
                LIST_3,
                ["C1", "b", "WBRI", "01/06/2015", 8, "31/02/2023", "2A", "N", 0],  # no such date: row skipped
                ["", "b", "WBRI", "01/06/2015", 8, "02/10/2023", "2A", "N", 0],  # no child ID: row skipped
                [
                    "C2",
                    "x) Other",
                    "ZZZZ",
                    "01/06/2015",
                    8,
                    "02/10/2023",
                    "99",
                    "perhaps",
                    0,
                ],  # kept, values empty
                ["C3", "a", "WBRI", None, 8, "02/10/2023", "2A", "N", 0],  # new child without a date of birth
                ["C4", "a", "WBRI", "05/13/2015", 8, "02/10/2023", "6", "N", 0],  # US-style date of birth
            ],
        },
    )

    report = import_annex_a([path])

    found: dict[tuple[int, str], str] = {}
    for f in report.findings:
        found[(f.row, f.column)] = (
            f"{found[(f.row, f.column)]} | {f.message}" if (f.row, f.column) in found else f.message
        )
    assert found[(2, "Date of referral")] == "'31/02/2023' is not a real date; row skipped"
    assert found[(3, "Child Unique ID")] == "no Child Unique ID; row skipped"
    assert found[(4, "Gender")] == "'x) Other' is not a gender code; left as it was"
    assert found[(4, "Ethnicity")] == "'ZZZZ' is not a ethnicity code; left as it was"
    assert found[(4, "Referral Source")] == "'99' is not a referral source code; left as it was"
    assert found[(4, "Referral NFA?")] == "'perhaps' is not yes, no or unknown; left as it was"
    assert found[(5, "Date of Birth")].startswith(
        "child C3 is not known here and the file gives no readable date"
    )
    assert found[(6, "Date of Birth")] == (
        "'05/13/2015' is not a UK date (day/month/year); left as it was | child C4 is not known here and the "
        "file gives no readable date of birth (a child's record needs one); row skipped"
    )
    assert all(f.list_number == 3 and f.source == "annex-a.xlsx, sheet 'List 3'" for f in report.findings)
    assert report.lists[3].rows == 5
    assert report.lists[3].skipped == 4
    # The row with unreadable codes was imported with the values it could read; the others were not.
    kept = Child.objects.get(la_child_id="C2")
    assert (kept.sex, kept.ethnicity) == ("0", "NOBT")  # not recorded: the defaults of a new child
    assert CINReferral.objects.get(child=kept).source == "10"  # Unknown
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["C2"]


def test_rows_need_a_cin_episode_for_their_date(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "annex-a.xlsx",
        {
            "List 6": [
                LIST_6,
                ["C1", "b", "WBRI", "01/06/2015", 8, "No", "02/10/2023", "N1", "01/11/2023", "RC7", "e)"],
            ],
            "List 4": [
                LIST_4,
                ["C1", "b", "WBRI", "01/06/2015", 8, "No", "03/10/2023", "Y", None],
                [
                    "C1",
                    "b",
                    "WBRI",
                    "01/06/2015",
                    8,
                    "No",
                    "03/12/2023",
                    "Y",
                    None,
                ],  # after the episode closed
            ],
        },
    )

    report = import_annex_a([path])

    assert [(f.list_number, f.row, f.message) for f in report.findings] == [
        (
            4,
            3,
            "child C1 has no CIN episode open on 03/12/2023 (a referral in list 3 or a CIN start date in "
            "list 6); row not imported (its child columns were)",
        )
    ]
    assert list(Assessment.objects.values_list("start_date", flat=True)) == [date(2023, 10, 3)]


def test_list_1_contacts_are_counted_not_recorded(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "annex-a.xlsx",
        {
            "List 1": [
                [*COMMON, "Date of Contact", "Contact Source"],
                ["C1", "b", "WBRI", "01/06/2015", 8, "02/10/2023", "e) 2A: Schools"],
                ["C1", "b", "WBRI", "01/06/2015", 8, "09/10/2023", "q) 6: Police"],
                ["C2", "a", "WBRI", "01/06/2012", 11, "09/10/2023", "Police"],
            ]
        },
    )

    report = import_annex_a([path])

    assert report.contacts_by_source == {"2A": 1, "6": 2}
    assert Child.objects.count() == 2
    assert not Contact.objects.exists()


def test_early_help_fills_the_childs_episode_waiting_for_its_assessment(tmp_path: Path) -> None:
    child = Child.objects.create(
        la_child_id="C1", last_name="Child", first_name="Test", date_of_birth=date(2019, 1, 1)
    )
    waiting = EarlyHelpRequest.objects.create(child=child, requested_on=date(2023, 12, 1))
    path = write_csv(
        tmp_path / "list2.csv",
        [
            [
                *COMMON,
                "Assessment start date",
                "Assessment completion date",
                "Organisation completing assessment",
            ],
            ["C1", "b", "WBRI", "01/01/2019", 4, "04/12/2023", "10/01/2024", "Family Hub"],
            [
                "C1",
                "b",
                "WBRI",
                "01/01/2019",
                4,
                "01/02/2024",
                "01/01/2024",
                "Family Hub",
            ],  # completed before start
        ],
    )

    report = import_annex_a([path])

    waiting.refresh_from_db()
    assert (waiting.assessment_start_date, waiting.assessment_completion_date) == (
        date(2023, 12, 4),
        date(2024, 1, 10),
    )
    second = EarlyHelpRequest.objects.exclude(pk=waiting.pk).get()
    assert (second.requested_on, second.assessment_start_date, second.assessment_completion_date) == (
        date(2024, 2, 1),
        date(2024, 2, 1),
        None,
    )
    assert [f.message for f in report.findings] == ["before the assessment start date; left as it was"]
    assert child.last_name == Child.objects.get(pk=child.pk).last_name  # the child's record keeps its name


def test_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    report = import_annex_a([journey_workbook(tmp_path / "annex-a.xlsx")], dry_run=True)

    assert report.created["children"] == 2
    assert report.created["child protection plans"] == 1
    assert not report.written
    assert not Child.objects.exists()
    assert not CINReferral.objects.exists()


def test_strict_refuses_a_file_with_findings(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list_3.csv",
        [
            LIST_3,
            ["C1", "b", "WBRI", "01/06/2015", 8, "02/10/2023", "2A", "N", 0],
            ["C2", "a", "WBRI", "xx", 8, "02/10/2023", "2A", "N", 0],
        ],
    )

    report = import_annex_a([path], strict=True)

    assert report.refused
    assert len(report.findings) == 2  # the bad date of birth, and the child it left unrecordable
    assert not Child.objects.exists()


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("annexa", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_json(tmp_path: Path) -> None:
    path = journey_workbook(tmp_path / "annex-a.xlsx")

    status, out, _ = _run("import", str(path), "--json")

    assert status == 0
    printed = json.loads(out)
    assert printed["written"] is True
    assert printed["created"]["children"] == 2
    assert printed["lists"]["3"] == {"rows": 2, "skipped": 0}
    assert printed["findings"] == []


def test_the_command_says_why_a_file_cannot_be_imported(tmp_path: Path) -> None:
    not_a_workbook = tmp_path / "annex-a.xlsx"
    not_a_workbook.write_text("this is not a workbook", encoding="utf-8")

    status, _, err = _run("import", str(not_a_workbook))

    assert status == 2
    assert err.startswith("Not imported: annex-a.xlsx: not a readable xlsx workbook")


def test_the_command_prints_findings_and_refuses_under_strict(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list_3.csv", [LIST_3, ["C1", "b", "WBRI", "01/06/2015", 8, "02/10/2023", "77", "N", 0]]
    )

    status, out, _ = _run("import", str(path), "--strict")

    assert status == 1
    assert "Refused (--strict)" in out
    assert (
        "List 3, list_3.csv, row 2, Referral Source: '77' is not a referral source code; left as it was"
        in out
    )
    assert not Child.objects.exists()


def test_the_report_reads_as_json_for_an_empty_report() -> None:
    assert ImportReport(files=["x.xlsx"]).as_json()["written"] is True
