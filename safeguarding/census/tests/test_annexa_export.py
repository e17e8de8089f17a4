"""Exporting Annex A lists 1 to 8 for an inspection window from a small built journey: who is on each
list, what each cell says, the files written, and the round trip export -> import into an empty database ->
export again. Made-up children only."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from safeguarding.census.annexa.columns import LISTS
from safeguarding.census.annexa.exporter import Row, Window, annex_a_rows, write_csvs, write_workbook
from safeguarding.census.annexa.importer import import_annex_a
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.frontdoor.models import Contact, ContactChild

pytestmark = pytest.mark.django_db

# Ofsted's six months to the day of the data request: 30 September 2023 to 31 March 2024.
WINDOW = Window.before(date(2024, 3, 31))
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"


def london(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour), timezone.get_default_timezone())


def _child(la_child_id: str, sex: str, born: date, **fields: object) -> Child:
    return Child.objects.create(
        la_child_id=la_child_id, first_name="Test", last_name="Child", sex=sex, date_of_birth=born, **fields
    )


def _episode(child: Child, referral: date, source: str, **fields: object) -> CINReferral:
    return CINReferral.objects.create(child=child, referral_date=referral, source=source, **fields)


def build_journey() -> dict[str, Child]:
    """Five children whose records all fall in the window, so an export carries everything needed to
    rebuild them (the round trip below)."""
    a = _child("A100", "2", date(2015, 6, 1), ethnicity="WBRI", disabilities=["AUT"])
    e1 = _episode(a, date(2023, 10, 2), "2A", primary_need="N1")
    Assessment.objects.create(
        episode=e1, start_date=date(2023, 10, 3), authorisation_date=date(2023, 10, 20), child_seen=True
    )
    Section47.objects.create(episode=e1, start_date=date(2023, 10, 5), icpc_date=date(2023, 10, 25))
    plan = ChildProtectionPlan.objects.create(
        episode=e1,
        start_date=date(2023, 10, 25),
        initial_category="NEG",
        latest_category="EMO",
        previous_plans=1,
    )
    CPReview.objects.create(plan=plan, review_date=date(2023, 12, 10))
    CPReview.objects.create(plan=plan, review_date=date(2024, 1, 20))
    _episode(a, date(2023, 12, 1), "6", nfa=True)  # a second referral, no further action

    b = _child("", "1", date(2008, 2, 10), ethnicity="AIND")  # known only here: exported as SPP-<pk>
    e2 = _episode(b, date(2023, 10, 30), "6", primary_need="N4")
    Section47.objects.create(episode=e2, start_date=date(2024, 3, 20))  # still waiting for its outcome
    period = LookedAfterPeriod.objects.create(
        child=b, start_date=date(2023, 11, 1), legal_status="C2", category_of_need="N1"
    )
    Placement.objects.create(period=period, start_date=date(2023, 11, 1), placement_type="U4")

    c = _child("C300", "2", date(2019, 1, 1))
    EarlyHelpRequest.objects.create(
        child=c,
        requested_on=date(2023, 11, 28),
        assessment_start_date=date(2023, 12, 4),
        assessment_completion_date=date(2024, 1, 10),
        closure_date=date(2024, 2, 1),
        closure_reason="outcomes_met",
    )

    d = _child("D400", "1", date(2012, 3, 3), disabilities=["NONE"])
    e4 = _episode(
        d, date(2023, 6, 1), "1A", primary_need="N1", closure_date=date(2024, 2, 1), closure_reason="RC7"
    )
    ChildProtectionPlan.objects.create(
        episode=e4,
        start_date=date(2023, 7, 1),
        end_date=date(2024, 2, 1),
        initial_category="PHY",
        latest_category="PHY",
    )

    e = _child("E500", "9", date(2010, 5, 5), ethnicity="MWBC")
    LookedAfterPeriod.objects.create(  # an emergency protection order, then a plan
        child=e,
        start_date=date(2024, 1, 5),
        end_date=date(2024, 1, 12),
        legal_status="L2",
        category_of_need="N1",
    )
    e5 = _episode(e, date(2024, 1, 4), "6", primary_need="N1")
    Section47.objects.create(episode=e5, start_date=date(2024, 1, 5), icpc_date=date(2024, 1, 15))
    ChildProtectionPlan.objects.create(
        episode=e5, start_date=date(2024, 1, 15), initial_category="MUL", latest_category="MUL"
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def add_history_outside_the_window(children: dict[str, Child]) -> None:
    """Records the window leaves out, or only counts."""
    a, b, c = children["a"], children["b"], children["c"]
    _episode(a, date(2023, 5, 1), "2A", nfa=True, closure_date=date(2023, 5, 1), closure_reason="RC8")
    old = _episode(c, date(2023, 1, 10), "3A", closure_date=date(2023, 8, 1), closure_reason="RC7")
    ChildProtectionPlan.objects.create(
        episode=old,
        start_date=date(2023, 2, 1),
        end_date=date(2023, 8, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    MissingEpisode.objects.create(
        child=b,
        started_at=london(2024, 2, 1),
        returned_at=london(2024, 2, 2),
        rhc_offered_date=date(2024, 2, 3),
    )
    MissingEpisode.objects.create(child=b, started_at=london(2024, 3, 1), returned_at=london(2024, 3, 1, 18))
    MissingEpisode.objects.create(child=b, started_at=london(2022, 1, 1), returned_at=london(2022, 1, 2))
    contact = Contact.objects.create(
        reference="WSP-2024-000001",
        channel=Contact.Channel.EMARF,
        received_at=london(2024, 1, 15),
        referrer_name="Test Referrer",
        what_happened="Made-up worry for a test",
        source="2A",
    )
    ContactChild.objects.create(contact=contact, child=a, last_name="Child", date_of_birth=a.date_of_birth)
    ContactChild.objects.create(contact=contact, last_name="Unmatched", date_of_birth=date(2016, 1, 1))
    late = Contact.objects.create(
        reference="WSP-2024-000002",
        channel=Contact.Channel.PHONE,
        received_at=london(2024, 4, 1),  # after the window
        referrer_name="Test Referrer",
        what_happened="Made-up worry for a test",
    )
    ContactChild.objects.create(contact=late, child=a, last_name="Child", date_of_birth=a.date_of_birth)


def _by_child(rows: list[Row]) -> dict[object, list[Row]]:
    grouped: dict[object, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


def test_each_list_holds_who_ofsted_asks_for_with_the_templates_values() -> None:
    children = build_journey()
    add_history_outside_the_window(children)
    spp = f"SPP-{children['b'].pk}"

    rows = annex_a_rows(WINDOW)

    a_cells = ["A100", "b) Female", "a) WBRI", date(2015, 6, 1), 8]
    b_cells = [spp, "a) Male", "j) AIND", date(2008, 2, 10), 16]
    e_cells = ["E500", "d) Neither", "f) MWBC", date(2010, 5, 5), 13]
    assert rows[1] == [[*a_cells, date(2024, 1, 15), "e) 2A: Schools"]]  # matched, in the window only
    assert rows[2] == [
        ["C300", "b) Female", "t) NOBT", date(2019, 1, 1), 5, date(2023, 12, 4), date(2024, 1, 10), None]
    ]
    assert rows[3] == [
        [*a_cells, date(2023, 10, 2), "e) 2A: Schools", NO, 1, None, None],  # the May referral counts
        [*a_cells, date(2023, 12, 1), "q) 6: Police", YES, 2, None, None],
        [*e_cells, date(2024, 1, 4), "q) 6: Police", NO, 0, None, None],
        [*b_cells, date(2023, 10, 30), "q) 6: Police", NO, 0, None, None],
    ]
    assert rows[4] == [[*a_cells, YES, date(2023, 10, 3), YES, date(2023, 10, 20), YES, None, None]]
    assert rows[5] == [
        [*a_cells, YES, date(2023, 10, 5), NO, date(2023, 10, 25), YES, 0, 0, None, None],
        [*e_cells, UNKNOWN, date(2024, 1, 5), NO, date(2024, 1, 15), YES, 0, 0, None, None],
        [*b_cells, UNKNOWN, date(2024, 3, 20), None, None, None, 0, 0, None, None],
    ]
    statuses = {(row[0], row[6]): (row[7], row[9], row[10], row[11]) for row in rows[6]}
    assert statuses == {
        ("A100", date(2023, 10, 2)): ("N1", None, None, "b) Child Protection plan"),
        (spp, date(2023, 10, 30)): ("N4", None, None, "a) Looked after child"),
        ("D400", date(2023, 6, 1)): ("N1", date(2024, 2, 1), "RC7", "e) Closed episode"),
        ("E500", date(2024, 1, 4)): ("N1", None, None, "b) Child Protection plan"),
    }  # not the NFA referral, nor C's episode that closed before the window
    d_cells = ["D400", "a) Male", "t) NOBT", date(2012, 3, 3), 12]
    neglect, emotional, physical, multiple = (
        "a) Neglect",
        "d) Emotional abuse",
        "b) Physical abuse",
        "e) Multiple/not recommended",
    )
    blanks = [None, None]  # two columns the platform does not hold
    review = date(2024, 1, 20)
    # Columns: disability, start, initial and latest category, last visit and seen alone (not held), latest
    # review, end, emergency protection in the last six months, previous plans, team and worker (not held).
    assert rows[7] == [
        [*a_cells, YES, date(2023, 10, 25), neglect, emotional, *blanks, review, None, NO, 1, *blanks],
        [*d_cells, NO, date(2023, 7, 1), physical, physical, *blanks, None, date(2024, 2, 1), NO, 0, *blanks],
        [*e_cells, UNKNOWN, date(2024, 1, 15), multiple, multiple, *blanks, None, None, YES, 0, *blanks],
    ]  # fmt: skip
    looked_after = _by_child(rows[8])
    headings = LISTS[8].headings
    b_row = dict(zip(headings, looked_after[spp][0], strict=True))
    assert b_row["Date Started to be Looked After"] == date(2023, 11, 1)
    assert b_row["Child's Legal Status"] == "C2"
    assert b_row["Child's Category of Need"] == "N1"
    assert b_row["Start Date of Most Recent Placement"] == date(2023, 11, 1)
    assert b_row["Placement Type"] == "U4"
    assert b_row["Number of Placements in the Last 12 months"] == 1
    assert (
        b_row["Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"]
        == 2
    )
    assert b_row["Was the child offered a Return Interview after their last missing episode (Y/N)?"] == NO
    assert b_row["Did the child accept a Return Interview after their last missing episode (Y/N)?"] == NO
    assert b_row["Date Ceased to be Looked After"] is None
    assert b_row["Allocated Worker"] is None  # not held by the platform
    e_row = dict(zip(headings, looked_after["E500"][0], strict=True))
    assert (e_row["Date Ceased to be Looked After"], e_row["Child's Legal Status"]) == (
        date(2024, 1, 12),
        "L2",
    )
    assert (
        e_row["Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"]
        == 0
    )
    assert e_row["Was the child offered a Return Interview after their last missing episode (Y/N)?"] is None
    assert set(looked_after) == {spp, "E500"}


def test_a_narrower_window_leaves_out_what_ended_before_it() -> None:
    build_journey()

    rows = annex_a_rows(Window(date(2024, 2, 15), date(2024, 3, 31)), lists=[3, 7, 8])

    assert rows[3] == []  # no referral in those six weeks
    assert {row[0] for row in rows[7]} == {"A100", "E500"}  # D's plan ended on 1 February
    assert {row[0] for row in rows[8]} == {f"SPP-{Child.objects.get(la_child_id='').pk}"}


def _clear_the_journey() -> None:
    CINReferral.objects.all().delete()
    EarlyHelpRequest.objects.all().delete()
    LookedAfterPeriod.objects.all().delete()
    MissingEpisode.objects.all().delete()
    Child.objects.all().delete()


def test_round_trip_through_the_workbook_gives_the_same_rows(tmp_path: Path) -> None:
    build_journey()
    first = annex_a_rows(WINDOW)
    workbook = write_workbook(first, tmp_path / "annex-a.xlsx")
    _clear_the_journey()

    report = import_annex_a([workbook])

    assert report.findings == []
    assert annex_a_rows(WINDOW) == first
    assert [len(first[number]) for number in range(1, 9)] == [0, 1, 4, 1, 3, 4, 3, 2]


def test_round_trip_through_csv_files_gives_the_same_rows(tmp_path: Path) -> None:
    build_journey()
    first = annex_a_rows(WINDOW)
    files = write_csvs(first, tmp_path / "annex-a")
    _clear_the_journey()

    report = import_annex_a(files)

    assert report.findings == []
    assert annex_a_rows(WINDOW) == first


def test_the_workbook_has_one_sheet_per_list_headed_as_the_template(tmp_path: Path) -> None:
    build_journey()
    path = write_workbook(annex_a_rows(WINDOW), tmp_path / "annex-a.xlsx")

    workbook = load_workbook(path)
    assert workbook.sheetnames == [f"List {number}" for number in range(1, 9)]
    sheet = workbook["List 8"]
    header = [cell.value for cell in sheet[1]]
    assert header == LISTS[8].headings
    assert len(header) == 34  # as Ofsted's list 8
    started = sheet.cell(row=2, column=header.index("Date Started to be Looked After") + 1)
    assert started.number_format == "DD/MM/YYYY"
    assert isinstance(started.value, datetime)


def test_the_command_exports_a_workbook_or_csv_files(tmp_path: Path) -> None:
    children = build_journey()
    add_history_outside_the_window(children)
    out = StringIO()

    call_command(
        "annexa", "export", "--to", "31/03/2024", "--out", str(tmp_path / "annex-a.xlsx"), stdout=out
    )
    call_command(
        "annexa", "export", "--to", "2024-03-31", "--lists", "1,3", "--out", str(tmp_path / "csv"), stdout=out
    )

    assert "List 3 (Referrals): 4 rows" in out.getvalue()
    assert load_workbook(tmp_path / "annex-a.xlsx").sheetnames[0] == "List 1"
    assert sorted(path.name for path in (tmp_path / "csv").iterdir()) == [
        "annex-a-list-1-contacts.csv",
        "annex-a-list-3-referrals.csv",
    ]
    text = (tmp_path / "csv" / "annex-a-list-1-contacts.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source",
        "A100,b) Female,a) WBRI,01/06/2015,8,15/01/2024,e) 2A: Schools",
    ]
