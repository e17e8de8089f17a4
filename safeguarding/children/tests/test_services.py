"""Writing the journey: the child's page's save (history, access log, refusals) and the front door's CIN
referral joining an episode referred the same day."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children import services
from safeguarding.children.models import Assessment, CINReferral, Origin
from safeguarding.children.tests.support import make_child, make_episode
from safeguarding.core.testing import Personas, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(personas: Personas) -> object:
    return make_user("mash_practitioner", personas.business_unit, full_name="Pat Practitioner")


def test_adding_a_record_keeps_its_history_and_logs_the_change(worker: object) -> None:
    child = make_child()
    episode = CINReferral(child=child, referral_date=date(2023, 4, 3), source="3A")
    saved = services.journey_record_save(actor=worker, record=episode, child=child)
    assert isinstance(saved, CINReferral)
    assert saved.origin == Origin.RECORDED and saved.recorded_by == worker
    assert saved.history.get().history_user == worker
    event = AccessEvent.objects.get(action="create", subject_type="children.cinreferral")
    assert event.details["child"] == child.pk and "referral_date" in event.details["fields"]


def test_correcting_a_record_keeps_the_earlier_version_and_names_the_fields_changed(worker: object) -> None:
    child = make_child()
    episode = make_episode(child, date(2023, 4, 3))
    assessment = Assessment.objects.create(episode=episode, start_date=date(2023, 4, 4))
    assessment.authorisation_date = date(2023, 5, 30)
    services.journey_record_save(actor=worker, record=assessment, child=child)
    versions = list(assessment.history.order_by("history_date"))
    assert [v.authorisation_date for v in versions] == [None, date(2023, 5, 30)]
    event = AccessEvent.objects.get(action="change", subject_type="children.assessment")
    assert event.details["fields"] == ["authorisation_date"]


def test_dates_in_the_wrong_order_are_refused_and_nothing_is_saved(worker: object) -> None:
    child = make_child()
    episode = make_episode(child, date(2023, 4, 3))
    bad = Assessment(episode=episode, start_date=date(2023, 4, 1))
    with pytest.raises(services.JourneyRefused) as refused:
        services.journey_record_save(actor=worker, record=bad, child=child)
    assert "start_date" in refused.value.problems
    assert not Assessment.objects.exists()
    assert not AccessEvent.objects.filter(subject_type="children.assessment").exists()


def test_a_second_level_4_decision_on_the_same_day_joins_the_childs_episode(worker: object) -> None:
    child = make_child()
    first = services.cin_referral_create(
        actor=worker, child=child, referral_date=date(2023, 4, 3), source="2A", contact_reference="WSP-1"
    )
    second = services.cin_referral_create(
        actor=worker, child=child, referral_date=date(2023, 4, 3), source="6", contact_reference="WSP-2"
    )
    next_day = services.cin_referral_create(
        actor=worker, child=child, referral_date=date(2023, 4, 4), source="6", contact_reference="WSP-3"
    )
    assert second == first and next_day != first
    assert CINReferral.objects.filter(child=child).count() == 2
    assert AccessEvent.objects.filter(
        action="change", subject_id=str(first.pk), purpose__contains="WSP-2 joined"
    ).exists()
