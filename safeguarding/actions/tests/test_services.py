"""The action tracker's rules: references, updates, evidence, closing, impact, scope and drift."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from safeguarding.actions import selectors
from safeguarding.actions.models import Action, ActionUpdate
from safeguarding.actions.services import (
    action_close,
    action_evidence_add,
    action_impact_record,
    action_update_add,
)
from safeguarding.actions.tests.support import closed_complete_action, make_action, pdf_upload
from safeguarding.core.testing import Personas, use_private_storage

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def test_references_follow_the_row_number(personas: Personas) -> None:
    first = make_action(personas.agency_a, personas.bu_officer)
    second = make_action(personas.agency_b, personas.bu_officer)
    assert first.reference == f"ACT-{first.pk:05d}"
    assert second.reference == f"ACT-{second.pk:05d}"
    assert first.status == Action.Status.NOT_STARTED


def test_unknown_theme_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        make_action(personas.agency_a, personas.bu_officer, themes=["astrology"])
    assert "Unknown theme: astrology" in str(error.value)
    assert not Action.objects.exists()


def test_an_update_with_a_status_moves_the_action(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=action, actor=personas.a_worker, text="Training booked", status="in_progress")
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    update = ActionUpdate.objects.get(action=action)
    assert (update.text, update.status_set, update.written_by) == (
        "Training booked",
        "in_progress",
        personas.a_worker,
    )


def test_an_empty_update_is_refused(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with pytest.raises(ValidationError) as error:
        action_update_add(action=action, actor=personas.a_worker, text="  ")
    assert error.value.message_dict == {"text": ["Enter the progress update"]}


def test_another_agency_can_neither_see_nor_update(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    assert list(selectors.actions_visible_to(personas.b_worker)) == []
    assert list(selectors.actions_visible_to(personas.a_worker)) == [action]
    assert list(selectors.actions_visible_to(personas.bu_officer)) == [action]
    with pytest.raises(Http404):
        selectors.action_get_for_user(personas.b_worker, action.pk)
    with pytest.raises(PermissionDenied):
        action_update_add(action=action, actor=personas.b_worker, text="Not ours")
    # A referrer in agency A sees the action but may not update it.
    with pytest.raises(PermissionDenied):
        selectors.action_get_for_user(personas.a_readonly, action.pk, for_write=True)
    assert not ActionUpdate.objects.exists()


def test_complete_without_evidence_cannot_be_closed(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=action, actor=personas.a_worker, text="Done", status="complete")
    with pytest.raises(ValidationError) as error:
        action_close(action=action, actor=personas.bu_officer)
    assert error.value.messages == ["An action marked complete without evidence cannot be closed"]
    action.refresh_from_db()
    assert action.closed_at is None


def test_complete_with_evidence_is_closed_by_the_business_unit_only(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=action, actor=personas.a_worker, text="Done", status="complete")
    action_evidence_add(action=action, actor=personas.a_worker, upload=pdf_upload(), description="Register")
    with pytest.raises(PermissionDenied):
        action_close(action=action, actor=personas.a_worker)
    action_close(action=action, actor=personas.bu_officer)
    action.refresh_from_db()
    assert action.closed_by == personas.bu_officer and action.closed_at is not None
    with pytest.raises(ValidationError, match="closed: it can no longer be updated"):
        action_update_add(action=action, actor=personas.a_worker, text="One more thing")


def test_an_open_action_cannot_be_closed(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with pytest.raises(ValidationError, match="this one is not started"):
        action_close(action=action, actor=personas.bu_officer)


def test_not_achievable_closes_without_evidence(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(
        action=action, actor=personas.a_worker, text="Service decommissioned", status="not_achievable"
    )
    action_close(action=action, actor=personas.bu_officer)
    action.refresh_from_db()
    assert action.is_closed


def test_evidence_is_checked_by_content(personas: Personas, tmp_path: Path) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        action_evidence_add(action=action, actor=personas.a_worker, upload=fake, description="Notes")
    assert "file" in error.value.message_dict
    evidence = action_evidence_add(
        action=action, actor=personas.a_worker, upload=pdf_upload("Minutes.pdf"), description="Minutes"
    )
    assert evidence.original_name == "Minutes.pdf"
    assert evidence.content_type == "application/pdf"
    stored_name = evidence.file.name or ""
    assert stored_name.startswith("actions/") and "Minutes" not in stored_name
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes().startswith(b"%PDF-")


def test_impact_only_on_a_closed_complete_action(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=action, actor=personas.a_worker, text="Done", status="complete")
    with pytest.raises(ValidationError, match="closed action that was completed"):
        action_impact_record(action=action, actor=personas.bu_officer, approach="deep_dive", rating="some")
    action_evidence_add(action=action, actor=personas.a_worker, upload=pdf_upload(), description="Register")
    action_close(action=action, actor=personas.bu_officer)
    with pytest.raises(ValidationError) as error:
        action_impact_record(
            action=action,
            actor=personas.bu_officer,
            approach="guesswork",
            rating="some",
            indicator_code="nope",
        )
    assert set(error.value.message_dict) == {"approach", "indicator_code"}
    action_impact_record(
        action=action,
        actor=personas.bu_officer,
        approach="multi_agency_audit",
        rating="strong",
        notes="Re-audit",
    )
    action.refresh_from_db()
    assert (action.impact_approach, action.impact_rating, action.impact_recorded_by) == (
        "multi_agency_audit",
        "strong",
        personas.bu_officer,
    )


def test_impact_can_point_to_a_reported_audit_round(personas: Personas) -> None:
    from safeguarding.audits.models import AuditRound
    from safeguarding.audits.tests.test_tables import make_round

    make_round(personas.bu_officer, "2022-23", 4, "neglect", (0, 2, 2, 1))
    planned = make_round(personas.bu_officer, "2023-24", 1, "neglect", (0, 0, 0, 0))
    AuditRound.objects.filter(pk=planned.pk).update(status=AuditRound.Status.PLANNED)
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    for code, problem in (
        ("MAA-2019-20-Q9", "There is no audit round with the code MAA-2019-20-Q9"),
        ("MAA-2023-24-Q1", "Audit round MAA-2023-24-Q1 has not reported yet"),
    ):
        with pytest.raises(ValidationError) as error:
            action_impact_record(
                action=action,
                actor=personas.bu_officer,
                approach="multi_agency_audit",
                rating="some",
                audit_code=code,
            )
        assert problem in error.value.message_dict["audit_code"][0]
    action.refresh_from_db()
    assert action.impact_recorded_at is None  # nothing half-written
    action_impact_record(
        action=action,
        actor=personas.bu_officer,
        approach="multi_agency_audit",
        rating="strong",
        audit_code=" maa-2022-23-q4 ",
    )
    action.refresh_from_db()
    assert action.impact_audit_code == "MAA-2022-23-Q4"


def test_drift_flags_with_fixed_dates(personas: Personas, settings: Any) -> None:
    settings.ACTIONS_STALE_DAYS = 30
    created = datetime(2024, 1, 1, 12, tzinfo=UTC)
    due_passed = make_action(personas.agency_a, personas.bu_officer, title="Late", due_date=date(2024, 2, 1))
    due_later = make_action(personas.agency_a, personas.bu_officer, title="Fresh", due_date=date(2024, 6, 1))
    finished = make_action(
        personas.agency_a, personas.bu_officer, title="Finished", due_date=date(2024, 2, 1)
    )
    Action.objects.update(created_at=created)
    # "Fresh" was updated 10 days before the check; "Finished" is complete (never overdue or stale).
    ActionUpdate.objects.create(
        action=due_later,
        text="On track",
        written_by=personas.a_worker,
        written_at=datetime(2024, 2, 20, tzinfo=UTC),
    )
    Action.objects.filter(pk=finished.pk).update(status=Action.Status.COMPLETE)

    today, now = date(2024, 3, 1), datetime(2024, 3, 1, 9, tzinfo=UTC)
    flags = {
        a.title: (getattr(a, "is_overdue"), getattr(a, "is_stale"))  # noqa: B009 (annotations)
        for a in selectors.with_drift(Action.objects.all(), today=today, now=now)
    }
    # Late: due 1 Feb, open -> overdue; nothing since 1 Jan (60 days) -> stale.
    # Fresh: due 1 June -> not overdue; updated 20 Feb (10 days) -> not stale.
    assert flags == {"Late": (True, True), "Fresh": (False, False), "Finished": (False, False)}
    # 30 days is the edge: on 31 January nothing is stale yet (exactly 30 days since 1 January).
    edge: Any = selectors.with_drift(
        Action.objects.filter(pk=due_passed.pk),
        today=date(2024, 1, 31),
        now=datetime(2024, 1, 31, 12, tzinfo=UTC),
    ).get()
    assert (edge.is_overdue, edge.is_stale) == (False, False)
    settings.ACTIONS_STALE_DAYS = 5
    fresh: Any = selectors.with_drift(Action.objects.filter(pk=due_later.pk), today=today, now=now).get()
    assert fresh.is_stale is True


def test_tracker_filters(personas: Personas) -> None:
    a_action = make_action(personas.agency_a, personas.bu_officer, title="A", themes=["neglect"])
    b_action = make_action(
        personas.agency_b, personas.bu_officer, title="B", source_kind="audit", themes=["think_family"]
    )
    action_update_add(action=b_action, actor=personas.b_worker, text="Done", status="complete")

    def titles(**query: str) -> set[str]:
        rows = selectors.tracker(personas.bu_officer, selectors.TrackerFilters.from_query(query))
        return {a.title for a in rows}

    assert titles() == {"A", "B"}
    assert titles(agency=str(personas.agency_a.pk)) == {"A"}
    assert titles(theme="think_family") == {"B"}
    assert titles(source_kind="audit") == {"B"}
    assert titles(status="complete") == {"B"}
    assert titles(awaiting_evidence="1") == {"B"}
    assert titles(completed_this_year="1") == set()
    action_evidence_add(action=b_action, actor=personas.b_worker, upload=pdf_upload(), description="Proof")
    action_close(action=b_action, actor=personas.bu_officer)
    assert titles(awaiting_evidence="1") == set()
    assert titles(completed_this_year="1") == {"B"}
    # Agency B's lead sees only B's action, whatever the filters.
    rows = selectors.tracker(personas.b_worker, selectors.TrackerFilters())
    assert [a.pk for a in rows] == [b_action.pk]
    assert a_action.pk not in [a.pk for a in rows]


def test_tracker_source_filter(personas: Personas) -> None:
    for ref in ("W14", "W14/R1", "W14/R2", "W140/R1", "W15", ""):
        make_action(personas.agency_a, personas.bu_officer, title=ref or "No source", source_ref=ref)

    def titles(source: str) -> set[str]:
        rows = selectors.tracker(personas.bu_officer, selectors.TrackerFilters.from_query({"source": source}))
        return {a.title for a in rows}

    # A review's code finds its own actions and its recommendations'; never another review's (W140).
    assert titles("W14") == {"W14", "W14/R1", "W14/R2"}
    assert titles(" w14 ") == {"W14", "W14/R1", "W14/R2"}
    assert titles("W14/R2") == {"W14/R2"}
    assert titles("W1") == set()
    assert titles("W14\x00") == set()
    assert titles("") == {"W14", "W14/R1", "W14/R2", "W140/R1", "W15", "No source"}
    # Agency B's lead sees none of agency A's, whatever the source.
    b_rows = selectors.tracker(personas.b_worker, selectors.TrackerFilters(source="W14"))
    assert list(b_rows) == []


def test_impact_can_point_to_an_indicator_in_the_registry(personas: Personas) -> None:
    from safeguarding.indicators.compute import indicators_sync

    indicators_sync()  # the registry's indicators, as the scorecard has them
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    action_impact_record(
        action=action,
        actor=personas.bu_officer,
        approach="single_agency_evidence",
        rating="some",
        indicator_code=" contacts ",
    )
    action.refresh_from_db()
    assert (action.impact_approach, action.impact_indicator_code) == ("single_agency_evidence", "contacts")


def test_closed_as_complete_with_no_impact_recorded(personas: Personas) -> None:
    measured = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    unmeasured = closed_complete_action(personas.agency_b, personas.b_worker, personas.bu_officer)
    open_complete = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=open_complete, actor=personas.a_worker, text="Done", status="complete")
    dropped = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=dropped, actor=personas.a_worker, text="Service closed", status="not_achievable")
    action_close(action=dropped, actor=personas.bu_officer)
    action_impact_record(action=measured, actor=personas.bu_officer, approach="deep_dive", rating="some")

    def references(user: Any) -> set[str]:
        rows = selectors.tracker(user, selectors.TrackerFilters.from_query({"impact_missing": "1"}))
        return {a.reference for a in rows}

    # Not the measured one, not the one still open, not the one closed as not achievable.
    assert references(personas.bu_officer) == {unmeasured.reference}
    assert references(personas.a_worker) == set()  # agency B's is not agency A's to see
