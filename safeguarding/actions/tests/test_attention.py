"""The action tracker's home-page items: completed actions for the business unit to review; an agency's
overdue and quiet actions for the people who update them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_attention
from safeguarding.actions.services import action_impact_record, action_update_add
from safeguarding.actions.tests.support import closed_complete_action, make_action
from safeguarding.core.attention import items_for
from safeguarding.core.testing import Personas, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)


def _by_title(items: list[Any]) -> dict[str, int]:
    return {item.title: item.count for item in items}


def test_the_business_unit_sees_completed_actions_to_review(personas: Personas) -> None:
    done = make_action(personas.agency_a, personas.bu_officer)
    make_action(personas.agency_b, personas.bu_officer)
    action_update_add(action=done, actor=personas.a_worker, text="All trained", status="complete")
    item, _ = actions_attention(personas.bu_officer)
    assert (item.title, item.count) == ("Completed actions to review", 1)
    assert item.href == reverse("actions:home") + "?awaiting_evidence=1"
    # The link opens the tracker narrowed to that one action.
    page = personas.client("bu_officer").get(item.href)
    assert done.reference in page.text and page.text.count("ACT-") == 1


def test_an_agency_lead_sees_its_own_overdue_and_quiet_actions(personas: Personas) -> None:
    late = make_action(personas.agency_a, personas.bu_officer, due_date=date(2020, 1, 1))
    make_action(personas.agency_b, personas.bu_officer, due_date=date(2020, 1, 1))  # another agency's
    fresh = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=fresh, actor=personas.a_worker, text="Started", status="in_progress")
    # Nothing written on `late` for 40 days; `fresh` was updated just now.
    Action.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert _by_title(actions_attention(personas.a_worker)) == {
        "Your agency's overdue actions": 1,
        "Your agency's actions with no recent update": 1,
    }
    assert _by_title(actions_attention(personas.b_worker))["Your agency's overdue actions"] == 1
    # On the home page only items with something in them appear; the overdue one first.
    titles = [item.title for item in items_for(personas.a_worker)]
    assert titles.index("Your agency's overdue actions") < titles.index(
        "Your agency's actions with no recent update"
    )


def test_a_reader_of_actions_gets_no_items(personas: Personas) -> None:
    make_action(personas.agency_a, personas.bu_officer, due_date=date(2020, 1, 1))
    assert actions_attention(personas.a_readonly) == []  # a referrer sees actions but updates none


def test_the_business_unit_sees_closed_actions_whose_impact_is_not_recorded(personas: Personas) -> None:
    measured = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    closed_complete_action(personas.agency_b, personas.b_worker, personas.bu_officer)
    action_impact_record(action=measured, actor=personas.bu_officer, approach="deep_dive", rating="some")
    _, item = actions_attention(personas.bu_officer)
    assert (item.title, item.count) == ("Closed as complete, impact not recorded", 1)
    assert item.href == reverse("actions:home") + "?impact_missing=1"
    # On the home page, next to the completed actions to review (none now, so not shown).
    assert [i.title for i in items_for(personas.bu_officer) if "impact" in i.title] == [item.title]
    page = personas.client("bu_officer").get(item.href)
    assert measured.reference not in page.text and page.text.count("ACT-") == 1
    # Agencies do not get the item: recording impact is the business unit's.
    assert item.title not in _by_title(actions_attention(personas.a_worker))
