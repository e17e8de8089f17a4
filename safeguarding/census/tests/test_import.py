"""`safeguarding import cin`: load a census file all or nothing, upsert children and episodes, keep
findings."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection

from safeguarding.accesslog.models import AccessEvent
from safeguarding.census import importer
from safeguarding.census.importer import census_import_create, census_import_run
from safeguarding.census.models import CensusFinding, CensusImport
from safeguarding.census.records import Assessment as AssessmentRecord
from safeguarding.census.records import ChildRecord, CINDetails
from safeguarding.census.tests.test_import_support import (
    edited_file,
    header,
    run_command,
    synthetic_file,
    validate_json,
)
from safeguarding.census.writer import write_census
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    Origin,
    Section47,
)

pytestmark = pytest.mark.django_db


def _journey_counts() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "episodes": CINReferral.objects.count(),
        "assessments": Assessment.objects.count(),
        "cin_plans": CINPlan.objects.count(),
        "section47s": Section47.objects.count(),
        "cp_plans": ChildProtectionPlan.objects.count(),
        "reviews": CPReview.objects.count(),
    }


def _file_counts(path: Path) -> dict[str, int]:
    text = path.read_text()
    return {
        "children": text.count("<Child>"),
        "episodes": text.count("<CINdetails>"),
        "assessments": text.count("<Assessments>"),
        "cin_plans": text.count("<CINPlanDates>"),
        "section47s": text.count("<Section47>"),
        "cp_plans": text.count("<ChildProtectionPlans>"),
        "reviews": text.count("<CPPreviewDate>"),
    }


def test_a_file_is_loaded_with_its_findings_and_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=80, error_rate=0.2)
    report = validate_json(path)

    status, out, _ = run_command("import", "cin", str(path))

    assert status == 0
    assert _journey_counts() == _file_counts(path)
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.DONE
    assert census_import.channel == CensusImport.Channel.COMMAND
    assert census_import.census_year == 2023 and census_import.lea == "335"
    assert (census_import.children, census_import.children_created, census_import.children_updated) == (
        80,
        80,
        0,
    )
    assert census_import.episodes_created == CINReferral.objects.count()
    assert (census_import.errors, census_import.queries) == (report["errors"], report["queries"])
    assert len(census_import.sha256) == 64
    assert "Children: 80 (80 new, 0 already known)" in out
    assert f"Findings: {report['errors']} errors" in out
    assert "Time:" in out
    # Findings are kept against the import and, for a child's finding, against the child loaded.
    findings = CensusFinding.objects.filter(census_import=census_import).exclude(type="not_loaded")
    assert {(f.rule, f.la_child_id or None, f.element) for f in findings} == {
        (f["rule"], f["child"], f["element"]) for f in report["findings"]
    }
    child_finding = findings.exclude(la_child_id="").first()
    assert child_finding is not None and child_finding.child is not None
    assert child_finding.child.la_child_id == child_finding.la_child_id
    assert set(CINReferral.objects.values_list("origin", flat=True)) == {Origin.IMPORT}
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.CHANGE, subject_type="census.censusimport", subject_id=str(census_import.pk)
    ).exists()


def test_values_are_kept_as_the_file_gave_them(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    records = edited_file(path, children=30, edit=lambda child: child)
    run_command("import", "cin", str(path))

    record = next(r for r in records if r.cin_details[0].cp_plans)
    child = Child.objects.get(la_child_id=record.la_child_id)
    assert child.date_of_birth == (date.fromisoformat(record.birth_date) if record.birth_date else None)
    assert child.sex == (record.sex or "")
    assert child.ethnicity == record.ethnicity
    assert child.disabilities == record.disabilities
    assert child.first_name == "" and child.last_name == ""  # the census carries no names
    episode = child.cin_referrals.get(
        referral_date=date.fromisoformat(record.cin_details[0].referral_date or "")
    )
    assert episode.source == record.cin_details[0].referral_source
    plan_record = record.cin_details[0].cp_plans[0]
    plan = episode.cp_plans.get()
    assert plan.initial_category == plan_record.initial_category
    assert plan.previous_plans == int(plan_record.number_of_previous or 0)
    assert [r.review_date.isoformat() for r in plan.reviews.order_by("pk")] == plan_record.review_dates


def test_importing_the_same_file_again_updates_and_never_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=60, error_rate=0.1)
    run_command("import", "cin", str(path))
    before = _journey_counts()
    ids_before = set(Assessment.objects.values_list("pk", flat=True))

    status, out, _ = run_command("import", "cin", str(path))

    assert status == 0
    assert _journey_counts() == before
    # Nothing changed, so the parts are the same rows, not deleted and made again.
    assert set(Assessment.objects.values_list("pk", flat=True)) == ids_before
    second = CensusImport.objects.order_by("pk").last()
    assert second is not None
    assert (second.children_created, second.children_updated) == (0, 60)
    assert (second.episodes_created, second.episodes_updated) == (0, before["episodes"])
    assert "Episodes: 0 created" in out


def test_a_later_extract_updates_children_and_replaces_episode_parts(tmp_path: Path) -> None:
    first = tmp_path / "first.xml"
    records = edited_file(first, children=40, edit=lambda child: child)
    run_command("import", "cin", str(first))
    with_plan = next(r for r in records if any(e.cp_plans for e in r.cin_details))
    with_assessment = next(
        r for r in records if r is not with_plan and any(e.assessments for e in r.cin_details)
    )
    counts = _journey_counts()

    def later(child: ChildRecord) -> ChildRecord:
        if child.la_child_id == with_plan.la_child_id:
            child.ethnicity = "WIRI"
            episode = next(e for e in child.cin_details if e.cp_plans)
            episode.cp_plans[0].review_dates.append("2023-03-30")
            episode.cp_plans[0].has_reviews_element = True
        if child.la_child_id == with_assessment.la_child_id:
            for episode in child.cin_details:
                episode.assessments = []
        return child

    second = tmp_path / "second.xml"
    edited_file(second, children=40, edit=later)
    status, _, _ = run_command("import", "cin", str(second))

    assert status == 0
    removed = sum(len(e.assessments) for e in with_assessment.cin_details)
    assert _journey_counts() == {
        **counts,
        "reviews": counts["reviews"] + 1,
        "assessments": counts["assessments"] - removed,
    }
    child = Child.objects.get(la_child_id=with_plan.la_child_id)
    assert child.ethnicity == "WIRI"
    assert date(2023, 3, 30) in {r.review_date for r in CPReview.objects.filter(plan__episode__child=child)}
    assert not Assessment.objects.filter(episode__child__la_child_id=with_assessment.la_child_id).exists()
    # The change is in the child's history, with the import that made it.
    latest = child.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_type == "~" and latest.ethnicity == "WIRI"
    last_import = CensusImport.objects.order_by("pk").last()
    assert last_import is not None
    assert latest.history_change_reason == f"CIN census import {last_import.pk}"


def test_an_episode_is_found_by_child_and_referral_date_taking_the_first_of_duplicates(
    tmp_path: Path,
) -> None:
    child = Child.objects.create(la_child_id="WS000001", last_name="Child", date_of_birth=date(2015, 1, 1))
    day = date(2022, 6, 1)
    first = CINReferral.objects.create(child=child, referral_date=day, source="6", contact_reference="C-1")
    second = CINReferral.objects.create(child=child, referral_date=day, source="6", contact_reference="C-2")

    def only_that_episode(record: ChildRecord) -> ChildRecord | None:
        if record.la_child_id != "WS000001":
            return None
        record.cin_details = [
            CINDetails(referral_date=day.isoformat(), referral_source="2A", referral_nfa="true")
        ]
        return record

    path = tmp_path / "cin.xml"
    edited_file(path, children=3, edit=only_that_episode)
    run_command("import", "cin", str(path))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.source, first.nfa, first.origin, first.contact_reference) == (
        "2A",
        True,
        "frontdoor",
        "C-1",
    )
    assert (second.source, second.nfa) == ("6", False)
    assert CINReferral.objects.count() == 2
    child.refresh_from_db()
    assert child.last_name == "Child"  # the census has no names: the front door's are kept


def test_strict_refuses_a_file_with_errors_and_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=50, error_rate=0.2)
    report = validate_json(path)

    status, out, _ = run_command("import", "cin", str(path), "--strict")

    assert status == 1
    assert _journey_counts() == dict.fromkeys(_journey_counts(), 0)
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.REFUSED
    assert census_import.errors == report["errors"] > 0
    assert "refused" in census_import.reason and "nothing was loaded" in census_import.reason
    assert census_import.reason in out
    # The refusal keeps its findings, against no child (none was loaded).
    assert census_import.findings.count() == len(report["findings"])
    assert not census_import.findings.exclude(child=None).exists()


def test_strict_loads_a_file_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=30)
    assert validate_json(path)["errors"] == 0

    status, _, _ = run_command("import", "cin", str(path), "--strict")

    assert status == 0
    assert Child.objects.count() == 30
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.DONE
    assert census_import.strict
    # The check's findings (queries only) are not kept twice.
    assert census_import.findings.count() == census_import.queries


def test_an_unreadable_file_exits_2_with_the_readers_reason_and_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "not-census.xml"
    path.write_text("<?xml version='1.0'?><Children></Children>")

    status, _, err = run_command("import", "cin", str(path))

    assert status == 2
    assert "expected <Message> as the root element" in err
    assert len(err.strip().splitlines()) == 1
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.REFUSED
    assert "<Message>" in census_import.reason


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    status, _, err = run_command("import", "cin", str(tmp_path / "nowhere.xml"))
    assert status == 2
    assert "cannot open" in err


@pytest.mark.django_db(transaction=True)
def test_a_file_truncated_after_many_children_leaves_the_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so several have been written when the reader meets the truncation at the end.
    monkeypatch.setattr(importer, "BATCH_CHILDREN", 10)
    known = Child.objects.create(la_child_id="WS000002", last_name="Known", date_of_birth=date(2010, 5, 5))
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=60)
    text = path.read_text()
    path.write_text(text[: text.rindex("</Child>")])  # the last child and the closing tags are missing

    status, _, err = run_command("import", "cin", str(path))

    assert status == 2
    assert "truncated" in err
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["WS000002"]
    known.refresh_from_db()
    assert known.date_of_birth == date(2010, 5, 5)
    assert CINReferral.objects.count() == 0 and CensusFinding.objects.count() == 0
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.REFUSED
    assert census_import.children == 0 and census_import.episodes_created == 0


def _make_cin_plan_inserts_fail() -> None:
    """A database trigger refusing every new CIN plan: a write failing half-way through an import."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION census_test_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused by a test trigger'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER census_test_refuse BEFORE INSERT ON children_cinplan "
                "FOR EACH ROW EXECUTE FUNCTION census_test_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER census_test_refuse BEFORE INSERT ON children_cinplan "
                "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
            )


def _drop_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS census_test_refuse ON children_cinplan")
            cursor.execute("DROP FUNCTION IF EXISTS census_test_refuse()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS census_test_refuse")


@pytest.mark.django_db(transaction=True)
def test_a_write_failing_mid_way_leaves_nothing_and_records_the_failure(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    records = edited_file(path, children=40, edit=lambda child: child)
    assert any(e.cin_plans for r in records for e in r.cin_details)  # the file does reach a CIN plan
    _make_cin_plan_inserts_fail()
    try:
        with pytest.raises(CommandError, match="nothing was loaded"):
            run_command("import", "cin", str(path))
    finally:
        _drop_trigger()

    assert _journey_counts() == dict.fromkeys(_journey_counts(), 0)
    assert CensusFinding.objects.count() == 0
    census_import = CensusImport.objects.get()
    assert census_import.status == CensusImport.Status.FAILED
    assert "refused by a test trigger" in census_import.reason


def test_what_cannot_be_kept_is_reported_as_not_loaded_and_the_rest_is_loaded(tmp_path: Path) -> None:
    def damage(child: ChildRecord) -> ChildRecord:
        if child.la_child_id == "WS000001":
            child.la_child_id = ""
        elif child.la_child_id == "WS000002":
            child.upn = "X" * 60
            child.cin_details[0].referral_date = "2022-13-45"
        elif child.la_child_id == "WS000003":
            child.birth_date = None
            child.expected_birth_date = None
        elif child.la_child_id == "WS000004":
            child.cin_details[0].assessments.insert(0, dataclasses.replace(_assessment(), start="soon"))
        return child

    path = tmp_path / "cin.xml"
    edited_file(path, children=6, edit=damage)
    status, out, _ = run_command("import", "cin", str(path))

    assert status == 0
    assert set(Child.objects.values_list("la_child_id", flat=True)) == {
        "WS000002",
        "WS000004",
        "WS000005",
        "WS000006",
    }
    notes = CensusFinding.objects.filter(type=CensusFinding.Type.NOT_LOADED)
    by_element = {(n.la_child_id, n.element) for n in notes}
    assert ("", "LAchildID") in by_element
    assert ("WS000003", "PersonBirthDate") in by_element
    assert ("WS000002", "UPN") in by_element
    assert ("WS000002", "CINreferralDate") in by_element
    assert ("WS000004", "AssessmentActualStartDate") in by_element
    assert Child.objects.get(la_child_id="WS000002").upn == ""
    assert set(notes.values_list("rule", flat=True)) == {importer.NOT_LOADED_RULE}
    census_import = CensusImport.objects.get()
    assert census_import.not_loaded == notes.count()
    assert "not loaded" in out


def _assessment() -> AssessmentRecord:
    return AssessmentRecord(start="2022-05-01", authorised="2022-05-20", factors=["1A"])


def test_sex_given_as_a_letter_from_2024_25_is_kept_as_the_gendercurrent_code(tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=10, year_end=2025)
    assert "<Sex>" in path.read_text()
    run_command("import", "cin", str(path))
    assert set(Child.objects.values_list("sex", flat=True)) <= {"1", "2", "0"}


def test_census_import_run_records_progress_after_each_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_CHILDREN", 10)
    path = tmp_path / "cin.xml"
    synthetic_file(path, children=25)
    census_import = census_import_create(
        actor=None, channel=CensusImport.Channel.COMMAND, file_name="cin.xml", sha256="0" * 64, file_size=1
    )
    seen: list[int] = []

    census_import_run(
        census_import=census_import,
        source=path,
        progress=lambda children, _read, _total: seen.append(children),
    )

    assert seen == [10, 20, 25]
    assert census_import.progress == 25


def test_a_child_twice_in_one_file_is_one_child(tmp_path: Path) -> None:
    census_records = edited_file(tmp_path / "first.xml", children=3, edit=lambda child: child)
    twice = [*census_records, dataclasses.replace(census_records[0], ethnicity="WIRI")]
    path = tmp_path / "cin.xml"
    write_census(path, header(), twice)
    run_command("import", "cin", str(path))

    assert Child.objects.count() == 3
    assert Child.objects.get(la_child_id=census_records[0].la_child_id).ethnicity == "WIRI"
