"""`safeguarding export cin`: a census file of the platform's children, and its privacy-degraded copy."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.census.degrade import month_start, postcode_district, pseudonym
from safeguarding.census.reader import open_census
from safeguarding.census.tests.test_import_support import run_command, synthetic_file, validate_json
from safeguarding.census.writer import DEGRADED_COMMENT
from safeguarding.children.models import Child, ChildProtectionPlan, CINReferral, CPReview

pytestmark = pytest.mark.django_db


def _child(la_child_id: str = "", **fields: object) -> Child:
    defaults: dict[str, object] = {"last_name": "Test", "date_of_birth": date(2014, 7, 19), "sex": "2"}
    defaults.update(fields)
    return Child.objects.create(la_child_id=la_child_id, **defaults)


def _episode(child: Child, referral: date, closure: date | None = None) -> CINReferral:
    return CINReferral.objects.create(
        child=child, referral_date=referral, closure_date=closure, source="6", primary_need="N1"
    )


def _exported(path: Path) -> dict[str, list[str]]:
    """LA child ID -> the referral dates exported for the child."""
    with open_census(path) as census:
        return {
            child.la_child_id or "": [e.referral_date or "" for e in child.cin_details]
            for child in census.children()
        }


def test_the_export_holds_the_children_with_an_episode_open_in_the_year(tmp_path: Path) -> None:
    in_year = _child("A1")
    _episode(in_year, date(2022, 5, 1))
    _episode(in_year, date(2021, 1, 1), closure=date(2021, 6, 1))  # closed the year before: left out
    carried_over = _child("A2")
    _episode(carried_over, date(2021, 11, 1))  # still open
    closed_early = _child("A3")
    _episode(closed_early, date(2021, 1, 1), closure=date(2022, 3, 30))
    closed_on_31_march = _child("A4")
    _episode(closed_on_31_march, date(2021, 1, 1), closure=date(2022, 3, 31))  # the DfE counts 31 March in
    referred_after = _child("A5")
    _episode(referred_after, date(2023, 4, 1))
    closure_before_referral = _child("A6")  # error 8630: still in the year by its referral
    _episode(closure_before_referral, date(2022, 4, 5), closure=date(2022, 3, 1))
    out = tmp_path / "cin.xml"

    status, stdout, _ = run_command("export", "cin", "--year", "2022-23", "--out", str(out), "--lea", "335")

    assert status == 0
    assert _exported(out) == {
        "A1": ["2022-05-01"],
        "A2": ["2021-11-01"],
        "A4": ["2021-01-01"],
        "A6": ["2022-04-05"],
    }
    assert "4 children, 4 episodes" in stdout
    with open_census(out) as census:
        assert (census.header.year, census.header.lea, census.header.degraded) == ("2023", "335", False)
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, subject_type="children.child"
    ).exists()


def test_a_child_only_the_front_door_knows_gets_the_platforms_reference(tmp_path: Path) -> None:
    child = _child("")
    _episode(child, date(2022, 9, 9))
    out = tmp_path / "cin.xml"
    run_command("export", "cin", "--year", "2023", "--out", str(out), "--lea", "335")
    assert list(_exported(out)) == [f"SPP{child.pk:07d}"]


def test_the_platforms_own_records_export_to_a_file_the_validator_accepts(tmp_path: Path) -> None:
    child = _child("B1", ethnicity="WBRI", disabilities=["NONE"], upn_unknown="UN2")
    episode = _episode(child, date(2022, 6, 1))
    plan = ChildProtectionPlan.objects.create(
        episode=episode, start_date=date(2022, 7, 1), initial_category="NEG", latest_category="NEG"
    )
    CPReview.objects.create(plan=plan, review_date=date(2022, 9, 30))
    out = tmp_path / "cin.xml"
    run_command("export", "cin", "--year", "2022-23", "--out", str(out), "--lea", "335")
    text = out.read_text()
    assert "<CPPreviewDate>2022-09-30</CPPreviewDate>" in text
    assert "<ReferralNFA>false</ReferralNFA>" in text
    report = validate_json(out)
    assert report["children"] == 1


def test_without_lea_the_latest_imports_code_is_used_then_the_setting_and_with_none_it_asks(
    tmp_path: Path, settings: Any
) -> None:
    from django.core.management.base import CommandError

    out = tmp_path / "out.xml"
    settings.LA_CODE = "999"
    run_command("export", "cin", "--year", "2022-23", "--out", str(out))
    with open_census(out) as census:
        assert census.header.lea == "999"
    settings.LA_CODE = ""
    with pytest.raises(CommandError, match="--lea"):
        run_command("export", "cin", "--year", "2022-23", "--out", str(out))
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=5)
    run_command("import", "cin", str(source))
    run_command("export", "cin", "--year", "2022-23", "--out", str(out))
    with open_census(out) as census:
        assert census.header.lea == "335"


def test_a_year_that_is_not_a_year_is_refused(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a census year"):
        run_command("export", "cin", "--year", "22/23", "--out", str(tmp_path / "x.xml"), "--lea", "335")


# --- The degraded copy --------------------------------------------------------------------------------------


def test_degrade_replaces_identifiers_coarsens_dates_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "cin.xml"
    synthetic_file(source, children=40)
    run_command("import", "cin", str(source))
    full, degraded = tmp_path / "full.xml", tmp_path / "degraded.xml"
    run_command("export", "cin", "--year", "2022-23", "--out", str(full), "--lea", "335")

    status, stdout, _ = run_command(
        "export", "cin", "--year", "2022-23", "--out", str(degraded), "--lea", "335", "--degrade"
    )

    assert status == 0
    assert "privacy-degraded" in stdout
    with open_census(full) as census:
        originals = list(census.children())
    with open_census(degraded) as census:
        assert census.header.degraded
        copies = list(census.children())
    assert DEGRADED_COMMENT[:40] in degraded.read_text()
    assert len(copies) == len(originals) == 40
    for original, copy in zip(originals, copies, strict=True):
        assert copy.la_child_id == pseudonym(original.la_child_id or "")
        assert copy.la_child_id != original.la_child_id
        assert copy.upn is None and copy.former_upn is None
        assert copy.birth_date == month_start(original.birth_date)
        if copy.birth_date:
            assert copy.birth_date.endswith("-01") and copy.birth_date[:7] == (original.birth_date or "")[:7]
        # The journey itself is unchanged.
        assert [e.referral_date for e in copy.cin_details] == [e.referral_date for e in original.cin_details]
    text = degraded.read_text()
    assert "<UPN>" not in text and "WS0000" not in text
    # Still a census file the validator reads, with no errors (missing UPNs are queries only).
    assert validate_json(degraded)["errors"] == 0


def test_pseudonyms_are_stable_distinct_and_short() -> None:
    assert pseudonym("WS000001") == pseudonym("WS000001") == pseudonym(" WS000001 ")
    assert pseudonym("WS000001") != pseudonym("WS000002")
    assert len(pseudonym("WS000001")) == 13 and pseudonym("WS000001").startswith("D")
    assert "WS000001" not in pseudonym("WS000001")


def test_pseudonyms_depend_on_the_platforms_secret(settings: pytest.FixtureRequest) -> None:
    before = pseudonym("WS000001")
    settings.SECRET_KEY = "another-secret-key-for-a-different-installation-0123456789"  # type: ignore[attr-defined]
    assert pseudonym("WS000001") != before


def test_dates_go_to_the_first_of_their_month() -> None:
    assert month_start("2014-07-19") == "2014-07-01"
    assert month_start("2014-07-01") == "2014-07-01"
    assert month_start("not a date") is None
    assert month_start(None) is None


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("WS1 1AA", "WS1"),
        ("ws11aa", "WS1"),
        ("B15 2TT", "B15"),
        ("EC1A 1BB", "EC1A"),
        ("WS1", "WS1"),
        ("", ""),
    ],
)
def test_postcodes_go_to_their_district(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district
