"""`safeguarding indicators compute` and `safeguarding scorecard --json`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safeguarding.indicators.tests.data import year_2022_23

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_compute_then_the_scorecard_prints_every_stored_value() -> None:
    year_2022_23()
    printed = _run("indicators", "compute", "--year", "2022-23")
    assert "Consistency checks:" in printed and "0 failed" in printed
    document = json.loads(_run("scorecard", "--year", "2022-23", "--json"))
    assert document["period"] == "2022-23"
    first = document["values"][0]
    assert list(first) == [
        "code",
        "version",
        "period",
        "breakdown",
        "numerator",
        "denominator",
        "value",
        "unit",
        "computed_from",
    ]
    year = next(
        v
        for v in document["values"]
        if (v["code"], v["period"], v["breakdown"]) == ("contacts", "2022-23", {})
    )
    assert (year["version"], year["numerator"], year["value"], year["unit"]) == (1, 5, 5.0, "count")
    assert "data_as_at" in year["computed_from"]
    rate = next(
        v
        for v in document["values"]
        if (v["code"], v["period"], v["breakdown"]) == ("contacts_per_10k", "2022-23-q1", {})
    )
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (3, 50_000, 0.6)
    level = next(v for v in document["values"] if v["breakdown"] == {"level": "level_4"})
    assert level["code"] == "contacts"


def test_the_scorecard_of_a_year_never_computed_is_empty() -> None:
    assert json.loads(_run("scorecard", "--year", "2021-22", "--json")) == {"period": "2021-22", "values": []}


def test_a_badly_written_year_gets_a_clear_message() -> None:
    with pytest.raises(CommandError, match="write a financial year like 2022-23"):
        _run("indicators", "compute", "--year", "2022-24")
