"""The child's page and the forms: who may use them (MASH and social-care roles, with two-factor sign-in),
what the page shows, the access log, and adding and correcting records with clear messages for bad dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children.models import Assessment, CINReferral, MissingEpisode
from safeguarding.children.tests.support import TEST_URLS, full_journey, make_child, make_episode
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls(TEST_URLS)]


@pytest.fixture
def mash(personas: Personas) -> Client:
    council = make_agency(name="Test Council", code="TCC")
    return sign_in(Client(), make_user("mash_practitioner", council, full_name="Priya Practitioner"))


def _page(child_pk: int) -> str:
    return reverse("children:child", args=[child_pk])


def _add(child_pk: int, kind: str, parent_pk: int | None = None) -> str:
    if parent_pk is None:
        return reverse("children:record-add", args=[child_pk, kind])
    return reverse("children:record-add-under", args=[child_pk, kind, parent_pk])


def _change(child_pk: int, kind: str, pk: int) -> str:
    return reverse("children:record-change", args=[child_pk, kind, pk])


def _date(prefix: str, day: date) -> dict[str, Any]:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _text(response: Any) -> str:
    return response.content.decode()


def test_the_mash_sees_identity_timeline_and_overdue_clocks_and_the_view_is_logged(mash: Client) -> None:
    child = make_child(first_name="Amy", last_name="Testchild", la_child_id="LA77", disabilities=["HEAR"])
    full_journey(child)
    response = mash.get(_page(child.pk))
    page = _text(response)
    assert response.status_code == 200
    assert "Amy Testchild" in page and "LA77" in page and "Hearing" in page
    assert "Referral to children&#x27;s social care" in page and "Went missing" in page
    assert "Assessment overdue" in page and "govuk-tag--red" in page
    assert page.index("Exploitation screening") < page.index("Early help requested")  # newest first
    assert AccessEvent.objects.filter(
        action="view", subject_type="children.child", subject_id=str(child.pk)
    ).exists()


def test_a_referrer_is_refused_and_a_signed_out_person_sent_to_sign_in(personas: Personas) -> None:
    child = make_child()
    referrer = personas.client("a_readonly")
    assert referrer.get(_page(child.pk)).status_code == 403
    assert referrer.get(_add(child.pk, "cin-episode")).status_code == 403
    assert personas.client("bu_manager").get(_page(child.pk)).status_code == 403
    signed_out = Client().get(_page(child.pk))
    assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("accounts:sign-in"))
    assert not AccessEvent.objects.filter(action="view", subject_type="children.child").exists()


def test_two_factor_sign_in_comes_before_the_childs_page(personas: Personas) -> None:
    child = make_child()
    worker = make_user("mash_manager", make_agency())
    response = sign_in(Client(), worker, two_factor=False).get(_page(child.pk))
    assert response.status_code == 302 and "two-factor" in response["Location"]


def test_an_unknown_child_or_a_record_of_another_child_is_404(mash: Client) -> None:
    child, other = make_child(), make_child(last_name="Otherchild")
    others_episode = make_episode(other)
    assert mash.get(_page(999999)).status_code == 404
    assert mash.get(_change(child.pk, "cin-episode", others_episode.pk)).status_code == 404
    assert mash.get(_add(child.pk, "assessment", others_episode.pk)).status_code == 404
    assert mash.get(_add(child.pk, "no-such-kind")).status_code == 404


def test_adding_a_cin_episode_and_an_assessment(mash: Client) -> None:
    child = make_child()
    response = mash.post(
        _add(child.pk, "cin-episode"),
        {**_date("referral_date", date(2023, 4, 3)), "source": "2A", "primary_need": "N1"},
    )
    assert response.status_code == 302 and response["Location"].startswith(_page(child.pk))
    episode = CINReferral.objects.get(child=child)
    assert (episode.source, episode.primary_need, episode.origin) == ("2A", "N1", "recorded")
    response = mash.post(
        _add(child.pk, "assessment", episode.pk),
        {
            **_date("start_date", date(2023, 4, 4)),
            **_date("authorisation_date", date(2023, 5, 30)),
            "factors": ["2B", "3B"],
            "child_seen": "yes",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.factors == ["2B", "3B"] and assessment.child_seen is True
    assert "Assessment authorised" in _text(mash.get(_page(child.pk)))


def test_bad_dates_are_shown_beside_the_fields_and_nothing_is_saved(mash: Client) -> None:
    child = make_child()
    episode = make_episode(child, date(2023, 4, 3))
    response = mash.post(
        _add(child.pk, "assessment", episode.pk),
        {**_date("start_date", date(2023, 4, 10)), **_date("authorisation_date", date(2023, 4, 5))},
    )
    page = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The assessment cannot be authorised before it started (Monday 10 April 2023)" in page
    assert 'href="#id_authorisation_date_0"' in page
    assert not Assessment.objects.exists()
    impossible = {"start_date_0": "30", "start_date_1": "2", "start_date_2": "2023"}
    response = mash.post(_add(child.pk, "assessment", episode.pk), impossible)
    assert "Start date must be a real date" in _text(response)


def test_correcting_a_record_keeps_its_history(mash: Client) -> None:
    child = make_child()
    episode = make_episode(child, date(2023, 4, 3))
    form = mash.get(_change(child.pk, "cin-episode", episode.pk))
    assert form.status_code == 200 and 'value="2023"' in _text(form)
    response = mash.post(
        _change(child.pk, "cin-episode", episode.pk),
        {
            **_date("referral_date", date(2023, 4, 3)),
            "source": "6",
            **_date("closure_date", date(2023, 6, 1)),
            "closure_reason": "RC7",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.source, episode.closure_date, episode.closure_reason) == ("6", date(2023, 6, 1), "RC7")
    assert [h.source for h in episode.history.order_by("history_date")] == ["2A", "6"]
    assert AccessEvent.objects.filter(action="change", subject_type="children.cinreferral").exists()


def test_a_missing_episode_is_recorded_with_times(mash: Client) -> None:
    child = make_child()
    response = mash.post(
        _add(child.pk, "missing"),
        {
            **_date("started_date", date(2023, 10, 6)),
            "started_time": "21:00",
            **_date("returned_date", date(2023, 10, 6)),
            "returned_time": "20:00",
        },
    )
    assert "The child cannot have returned before they went missing" in _text(response)
    response = mash.post(
        _add(child.pk, "missing"),
        {
            **_date("started_date", date(2023, 10, 6)),
            "started_time": "21:00",
            **_date("returned_date", date(2023, 10, 7)),
            "returned_time": "09:30",
            **_date("rhc_held_date", date(2023, 10, 9)),
        },
    )
    assert response.status_code == 302
    missing = MissingEpisode.objects.get(child=child)
    assert missing.returned_at is not None and missing.returned_at.hour == 8  # 09:30 BST is 08:30 UTC


def test_every_kind_of_form_opens(mash: Client) -> None:
    child = make_child()
    records = full_journey(child)
    parents = {
        "assessment": records["episode"],
        "cin-plan": records["episode"],
        "section-47": records["episode"],
        "cp-plan": records["episode"],
        "cp-review": records["plan"],
        "early-help-review": records["early_help"],
        "placement": records["period"],
    }
    for kind in ("cin-episode", "early-help", "looked-after", "missing", "exploitation"):
        assert mash.get(_add(child.pk, kind)).status_code == 200, kind
    for kind, parent in parents.items():
        assert mash.get(_add(child.pk, kind, parent.pk)).status_code == 200, kind
