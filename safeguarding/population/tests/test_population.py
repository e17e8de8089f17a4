"""Population figures: entered and corrected through one service (logged, with history) or the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.testing import make_user
from safeguarding.population.models import ChildPopulation
from safeguarding.population.selectors import population_for_year
from safeguarding.population.services import population_set

pytestmark = pytest.mark.django_db


def test_a_year_is_entered_then_corrected_keeping_history_and_logging_both() -> None:
    officer = make_user("business_unit_officer")
    population_set(actor=officer, year=2020, children_0_17=69_000, source="  ONS mid-2020   estimates ")
    corrected = population_set(
        actor=officer, year=2020, children_0_17=69_375, source="ONS mid-2020 estimates"
    )
    assert ChildPopulation.objects.count() == 1
    assert population_for_year(2020) == corrected
    assert corrected.children_0_17 == 69_375
    assert corrected.source == "ONS mid-2020 estimates"
    assert [h.children_0_17 for h in corrected.history.order_by("history_date")] == [69_000, 69_375]
    events = AccessEvent.objects.filter(subject_type="population.childpopulation").order_by("id")
    assert [e.action for e in events] == [AccessEvent.Action.CREATE, AccessEvent.Action.CHANGE]
    assert events[1].details["before"] == {"children_0_17": 69_000, "source": "ONS mid-2020 estimates"}
    assert population_for_year(2021) is None


@pytest.mark.parametrize(
    ("year", "count", "source", "field"),
    [(1900, 100, "x", "year"), (2022, 0, "x", "children_0_17"), (2022, 100, "   ", "source")],
)
def test_nonsense_is_refused_with_the_field_named(year: int, count: int, source: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        population_set(actor=None, year=year, children_0_17=count, source=source)
    assert field in error.value.message_dict
    assert not ChildPopulation.objects.exists()


def test_the_command_sets_and_lists_the_figures() -> None:
    out = StringIO()
    call_command("population", "set", "2022", "69335", "--source", "ONS mid-2022 estimates", stdout=out)
    assert "Mid-2022: 69,335 children aged 0-17 (ONS mid-2022 estimates)" in out.getvalue()
    listed = StringIO()
    call_command("population", "list", stdout=listed)
    assert listed.getvalue().strip() == "Mid-2022: 69,335 children aged 0-17 (ONS mid-2022 estimates)"
    with pytest.raises(CommandError, match="more than 0"):
        call_command("population", "set", "2022", "0", "--source", "x", stdout=StringIO())
