"""The registry as data, and its versions: a new version only when a definition changes."""

from __future__ import annotations

import dataclasses

import pytest

from safeguarding.indicators import registry as registry_module
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.journey import JOURNEY_MEASURES
from safeguarding.indicators.models import Indicator, IndicatorVersion
from safeguarding.indicators.registry import (
    FRONT_DOOR,
    JOURNEY_METADATA,
    THEMES,
    PeriodType,
    Polarity,
    Unit,
    definition_for,
    registry,
)

pytestmark = pytest.mark.django_db


def test_every_code_is_unique_and_each_computed_one_names_its_function() -> None:
    codes = [d.code for d in registry()]
    assert len(codes) == len(set(codes))
    for code in ("contacts", "contacts_per_10k", "contacts_decided_1wd_pct", "contacts_decided_24h_pct"):
        definition = definition_for(code)
        assert definition is not None and definition.definition and definition.compute is not None
    assert definition_for("contacts_per_10k").function == (  # type: ignore[union-attr]
        "safeguarding.frontdoor.measures.contacts_per_10000_children"
    )
    assert definition_for("contacts_per_10k").unit == Unit.PER_10K  # type: ignore[union-attr]


def test_the_suppression_threshold_defaults_to_the_setting(settings: object) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 7  # type: ignore[attr-defined]
    assert definition_for("contacts").stored_fields()["suppression_threshold"] == 7  # type: ignore[union-attr]


def test_sync_makes_one_version_each_and_none_when_nothing_changed() -> None:
    indicators_sync()
    indicators_sync()
    assert Indicator.objects.count() == len(registry())
    assert IndicatorVersion.objects.count() == len(registry())
    version = IndicatorVersion.objects.get(indicator__code="contacts")
    assert (version.number, version.unit, version.subgroup) == (
        1,
        "count",
        "Performance and Quality Assurance",
    )
    assert version.definition_hash == definition_for("contacts").definition_hash()  # type: ignore[union-attr]


def test_a_changed_definition_makes_a_new_version_and_keeps_the_old(monkeypatch: pytest.MonkeyPatch) -> None:
    indicators_sync()
    changed = tuple(
        dataclasses.replace(d, target=90.0) if d.code == "contacts_decided_1wd_pct" else d for d in FRONT_DOOR
    )
    monkeypatch.setattr(registry_module, "FRONT_DOOR", changed)
    indicators_sync()
    versions = IndicatorVersion.objects.filter(indicator__code="contacts_decided_1wd_pct").order_by("number")
    assert [(v.number, v.target) for v in versions] == [(1, 95.0), (2, 90.0)]
    assert IndicatorVersion.objects.filter(indicator__code="contacts").count() == 1


def test_every_indicator_has_a_real_title_a_definition_and_known_themes() -> None:
    for definition in registry():
        # A title made from the code ("Cpp reviews in time pct") is not a title; a one-word code such as
        # "contacts" may have the same word as its title.
        derived = definition.code.replace("_", " ").capitalize()
        assert definition.title, definition.code
        if "_" in definition.code:
            assert definition.title != derived, definition.code
        assert definition.definition, definition.code
        assert set(definition.themes) <= set(THEMES), definition.code
        if definition.unit != Unit.COUNT:
            assert definition.denominator, definition.code


def test_journey_metadata_targets_polarity_period_and_themes() -> None:
    journey_codes = set(JOURNEY_MEASURES)
    assert {"cpp_reviews_in_time_pct", "eh_assessment_in_time_pct", "rhc_within_72h_pct"} <= journey_codes
    for code in journey_codes:
        definition = definition_for(code)
        assert definition is not None and definition.themes, code
        assert definition.title == JOURNEY_METADATA[code].title, code
        assert definition.numerator and definition.numerator != definition.definition, code
    expected = {
        "assessments_within_45wd_pct": (Polarity.HIGHER_BETTER, 90.0, 5.0),
        "icpc_within_15wd_pct": (Polarity.HIGHER_BETTER, 85.0, 5.0),
        "cpp_reviews_in_time_pct": (Polarity.HIGHER_BETTER, 95.0, 5.0),
        "rhc_within_72h_pct": (Polarity.HIGHER_BETTER, 80.0, 10.0),
        "eh_assessment_in_time_pct": (Polarity.HIGHER_BETTER, 90.0, 10.0),
        "re_referrals_12m_pct": (Polarity.LOWER_BETTER, 20.0, 3.0),
        "cpp_second_or_subsequent_pct": (Polarity.LOWER_BETTER, 22.0, 3.0),
    }
    for code, (polarity, target, tolerance) in expected.items():
        definition = definition_for(code)
        assert definition is not None
        assert (definition.polarity, definition.target, definition.tolerance) == (polarity, target, tolerance)
    for code in ("cpp_at_end", "cla_at_end", "eh_open_at_end", "cpp_reviews_in_time_pct"):
        assert definition_for(code).period_type == PeriodType.SNAPSHOT, code  # type: ignore[union-attr]
    assert definition_for("referrals").period_type == PeriodType.QUARTER  # type: ignore[union-attr]
    assert definition_for("eh_requests").themes == ("early_help",)  # type: ignore[union-attr]
    # The definition is still the function's first docstring paragraph.
    assert definition_for("rhc_within_72h_pct").definition.startswith(  # type: ignore[union-attr]
        "Return home conversations within 72 hours (%): of the return home conversations held"
    )


def test_drilldown_breakdowns_are_partitions_with_labels() -> None:
    for code in ("referrals", "cpp_at_end", "cla_at_end", "eh_requests", "missing_children"):
        definition = definition_for(code)
        assert definition is not None
        breakdowns = {b.name: (b.label, b.partition) for b in definition.breakdowns}
        assert breakdowns["age_band"] == ("Age band (DfE age groups)", True), code
        assert breakdowns["locality"] == ("Locality", True), code
        assert {"sex", "ethnicity"} <= set(breakdowns), code
    referrals = definition_for("referrals")
    assert referrals is not None
    assert ("source", "Source of referral", True) in {
        (b.name, b.label, b.partition) for b in referrals.breakdowns
    }
