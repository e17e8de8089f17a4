"""The registry as data, and its versions: a new version only when a definition changes."""

from __future__ import annotations

import dataclasses

import pytest

from safeguarding.indicators import registry as registry_module
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.models import Indicator, IndicatorVersion
from safeguarding.indicators.registry import FRONT_DOOR, Unit, definition_for, registry

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
