"""The journey's tables: the census identifiers, what the database itself refuses, and what it keeps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from safeguarding.children.codes import Disability
from safeguarding.children.models import (
    Assessment,
    Child,
    CINReferral,
    EarlyHelpRequest,
    LookedAfterPeriod,
    MissingEpisode,
    Origin,
)
from safeguarding.children.schemas import code_list, unknown_codes
from safeguarding.children.tests.support import london, make_child, make_episode

pytestmark = pytest.mark.django_db


def test_la_child_id_is_unique_when_given_and_many_children_may_have_none() -> None:
    make_child(la_child_id="")
    make_child(la_child_id="")
    make_child(la_child_id="LA0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_child(la_child_id="LA0001")


def test_an_episode_without_a_recorder_is_allowed_for_imports_and_defaults_to_the_front_door() -> None:
    episode = make_episode(make_child())
    assert episode.recorded_by is None
    assert episode.origin == Origin.FRONTDOOR
    assert episode.is_open and not episode.nfa and episode.primary_need == ""


def test_census_dates_in_the_wrong_order_are_kept_as_imported() -> None:
    """A census file with errors is still imported, so the database does not refuse census dates."""
    episode = make_episode(
        make_child(), date(2023, 4, 3), closure_date=date(2023, 4, 1), closure_reason="RC8"
    )
    assessment = Assessment.objects.create(
        episode=episode, start_date=date(2023, 4, 10), authorisation_date=date(2023, 4, 5)
    )
    assert CINReferral.objects.get(pk=episode.pk).closure_date == date(2023, 4, 1)
    assert Assessment.objects.get(pk=assessment.pk).authorisation_date == date(2023, 4, 5)


def test_the_database_refuses_a_return_before_the_child_went_missing() -> None:
    child = make_child()
    with pytest.raises(IntegrityError), transaction.atomic():
        MissingEpisode.objects.create(
            child=child, started_at=london(2023, 10, 6, 21, 0), returned_at=london(2023, 10, 6, 20, 0)
        )


def test_the_database_refuses_care_ending_before_it_started_and_early_help_closing_before_the_request() -> (
    None
):
    child = make_child()
    with pytest.raises(IntegrityError), transaction.atomic():
        LookedAfterPeriod.objects.create(
            child=child,
            start_date=date(2023, 9, 1),
            end_date=date(2023, 8, 31),
            legal_status="C1",
            category_of_need="N1",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        EarlyHelpRequest.objects.create(
            child=child, requested_on=date(2023, 9, 1), closure_date=date(2023, 9, 1) - timedelta(days=1)
        )


def test_code_lists_are_cleaned_once_each_in_order_and_unknown_codes_are_named() -> None:
    assert code_list([" MOB", "AUT", "MOB"]) == ["MOB", "AUT"]
    assert unknown_codes(["MOB", "XYZ"], Disability) == ["XYZ"]
    child = make_child(disabilities=code_list(["HEAR", "VIS"]))
    child.refresh_from_db()
    assert child.disabilities == ["HEAR", "VIS"]


def test_a_child_with_no_name_is_known_by_the_councils_id() -> None:
    # Census and Annex A imports carry no names.
    imported = Child(first_name="", last_name="", la_child_id="WS000123", date_of_birth=date(2015, 1, 2))
    assert imported.display_name == "LA child ID WS000123"
    named = Child(first_name="Amy", last_name="Test", date_of_birth=date(2015, 1, 2))
    assert named.display_name == "Amy Test"
