"""The working-day calendar pages: list, add and remove local closure days, for each persona."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core import calendar
from safeguarding.core.models import LocalClosureDay
from safeguarding.core.selectors import bank_holidays_upcoming
from safeguarding.core.services import closure_day_add
from safeguarding.core.testing import Personas

pytestmark = pytest.mark.django_db

# A Monday between Christmas and New Year that is not a bank holiday, safely in the future.
CLOSED = date(2030, 12, 30)


@pytest.fixture(autouse=True)
def _fresh_closure_cache() -> Iterator[None]:
    calendar.local_closure_days_forget()
    yield
    calendar.local_closure_days_forget()


def _form(
    day: date | None = None, reason: str = "Council offices closed between Christmas and New Year"
) -> dict:
    if day is None:
        return {"date_day": "", "date_month": "", "date_year": "", "reason": reason}
    return {
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "reason": reason,
    }


def _closure(personas: Personas, day: date = CLOSED, reason: str = "Offices closed") -> LocalClosureDay:
    return closure_day_add(actor=personas.bu_officer, day=day, reason=reason)


# --- Who may use the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bu_officer", "bu_manager", "sysadmin"])
def test_calendar_page_works_for_people_who_manage_the_calendar(personas: Personas, persona: str) -> None:
    _closure(personas, reason="Offices closed for the millennium")
    response = personas.client(persona).get(reverse("core:calendar"))
    assert response.status_code == 200
    assert response.context["page_title"] == "Working-day calendar"
    assert response.context["current_area"] == "administration"
    page = response.content.decode()
    assert "Offices closed for the millennium" in page
    assert personas.bu_officer.full_name in page
    next_holiday_day, next_holiday_name = bank_holidays_upcoming(timezone.localdate())[0]
    assert next_holiday_name in page
    assert f"{next_holiday_day.day} {next_holiday_day:%b %Y}" in page
    assert "icpc" in page and "15 working days" in page


def test_calendar_pages_need_no_two_factor(personas: Personas) -> None:
    # The calendar is not identifiable data; a system administrator without an authenticator can use it.
    client = personas.client("sysadmin", two_factor=False)
    assert client.get(reverse("core:calendar")).status_code == 200
    assert client.get(reverse("core:calendar-add")).status_code == 200


@pytest.mark.parametrize("persona", ["a_worker", "a_readonly", "b_worker"])
def test_calendar_pages_are_refused_to_people_without_calendar_manage(
    personas: Personas, persona: str
) -> None:
    closure = _closure(personas)
    client = personas.client(persona)
    assert client.get(reverse("core:calendar")).status_code == 403
    assert client.get(reverse("core:calendar-add")).status_code == 403
    assert client.post(reverse("core:calendar-add"), _form(CLOSED - timedelta(days=1))).status_code == 403
    assert client.get(reverse("core:calendar-remove", args=[closure.pk])).status_code == 403
    assert client.post(reverse("core:calendar-remove", args=[closure.pk])).status_code == 403
    assert list(LocalClosureDay.objects.values_list("date", flat=True)) == [CLOSED]


def test_signed_out_visitors_are_sent_to_sign_in(personas: Personas) -> None:
    closure = _closure(personas)
    client = Client()
    for url in (
        reverse("core:calendar"),
        reverse("core:calendar-add"),
        reverse("core:calendar-remove", args=[closure.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))
    response = client.post(reverse("core:calendar-remove", args=[closure.pk]))
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert LocalClosureDay.objects.filter(pk=closure.pk).exists()


def test_wrong_http_methods_get_405(personas: Personas) -> None:
    closure = _closure(personas)
    client = personas.client("bu_officer")
    assert client.post(reverse("core:calendar")).status_code == 405
    assert client.put(reverse("core:calendar-add")).status_code == 405
    assert client.delete(reverse("core:calendar-add")).status_code == 405
    assert client.delete(reverse("core:calendar-remove", args=[closure.pk])).status_code == 405
    assert LocalClosureDay.objects.filter(pk=closure.pk).exists()


def test_removing_a_closure_day_that_does_not_exist_is_404(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.get(reverse("core:calendar-remove", args=[987654])).status_code == 404
    assert client.post(reverse("core:calendar-remove", args=[987654])).status_code == 404


# --- Adding ----------------------------------------------------------------------------------------------


def test_adding_a_closure_day_records_who_logs_it_and_keeps_history(personas: Personas) -> None:
    client = personas.client("bu_officer")
    form_page = client.get(reverse("core:calendar-add"))
    assert form_page.status_code == 200
    assert form_page.context["current_area"] == "administration"
    assert 'id="id_date_day"' in form_page.content.decode()

    response = client.post(reverse("core:calendar-add"), _form(CLOSED))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:calendar")
    closure = LocalClosureDay.objects.get()
    assert (closure.date, closure.added_by) == (CLOSED, personas.bu_officer)
    assert closure.reason == "Council offices closed between Christmas and New Year"

    event = AccessEvent.objects.get(action=AccessEvent.Action.CREATE, subject_type="core.localclosureday")
    assert event.actor == personas.bu_officer
    assert event.subject_id == str(closure.pk)
    assert event.details == {"date": CLOSED.isoformat(), "reason": closure.reason}
    assert event.request_id  # written from the request, in the same transaction as the row

    history = closure.history.get()
    assert (history.history_type, history.history_user) == ("+", personas.bu_officer)

    listing = client.get(response["Location"]).content.decode()
    assert "is now a local closure day" in listing
    assert not calendar.is_working_day(CLOSED)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form(), "Enter the date the offices are closed"),
        ({**_form(CLOSED), "date_month": ""}, "The date must include a month"),
        ({**_form(CLOSED), "date_day": "", "date_year": ""}, "The date must include a day and a year"),
        ({**_form(CLOSED), "date_day": "31", "date_month": "2"}, "The date must be a real date"),
        ({**_form(CLOSED), "date_day": "first"}, "The date must be a real date, in numbers"),
        ({**_form(CLOSED), "date_year": "99"}, "The year must include 4 numbers"),
        ({**_form(CLOSED), "date_year": "1999"}, "The year must be between 2000 and 2100"),
        (_form(date(2023, 7, 1)), "Saturday 1 July 2023 is at a weekend: weekends are never working days"),
        (_form(date(2023, 5, 8)), "Monday 8 May 2023 is already a bank holiday (Coronation of Charles III)"),
        (
            _form(date(2022, 12, 27)),
            "Tuesday 27 December 2022 is already a bank holiday (Christmas Day (observed))",
        ),
        (_form(CLOSED, reason="  "), "Enter why the offices are closed"),
        (_form(CLOSED, reason="x" * 201), "The reason must be 200 characters or fewer"),
    ],
)
def test_a_wrong_date_or_reason_gives_a_clear_error(personas: Personas, data: dict, message: str) -> None:
    response = personas.client("bu_officer").post(reverse("core:calendar-add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message.replace("'", "&#x27;") in page
    assert response.context["page_title"].startswith("Error: ")
    target = "#id_reason" if data["reason"].strip() in {"", "x" * 201} else "#id_date_day"
    assert f'href="{target}"' in page
    assert not LocalClosureDay.objects.exists()
    assert not AccessEvent.objects.filter(subject_type="core.localclosureday").exists()


def test_adding_a_date_twice_gives_a_clear_error(personas: Personas) -> None:
    _closure(personas, reason="Offices closed for the millennium")
    response = personas.client("bu_officer").post(reverse("core:calendar-add"), _form(CLOSED))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "is already a local closure day (Offices closed for the millennium)" in page
    assert 'href="#id_date_day"' in page
    assert "govuk-input--error" in page
    assert LocalClosureDay.objects.count() == 1


# --- Removing --------------------------------------------------------------------------------------------


def test_removing_asks_first_then_removes_logs_and_keeps_history(personas: Personas) -> None:
    closure = _closure(personas, reason="Offices closed for the millennium")
    assert not calendar.is_working_day(CLOSED)
    client = personas.client("sysadmin")
    confirm = client.get(reverse("core:calendar-remove", args=[closure.pk]))
    assert confirm.status_code == 200
    assert "Offices closed for the millennium" in confirm.content.decode()
    assert confirm.context["current_area"] == "administration"
    assert LocalClosureDay.objects.filter(pk=closure.pk).exists()

    response = client.post(reverse("core:calendar-remove", args=[closure.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:calendar")
    assert not LocalClosureDay.objects.exists()
    assert calendar.is_working_day(CLOSED)

    event = AccessEvent.objects.get(action=AccessEvent.Action.DELETE, subject_type="core.localclosureday")
    assert (event.actor, event.subject_id) == (personas.sysadmin, str(closure.pk))
    assert event.details["date"] == CLOSED.isoformat()

    removed = LocalClosureDay.history.filter(id=closure.pk, history_type="-").get()
    assert removed.history_user == personas.sysadmin
    assert "is a working day again" in client.get(response["Location"]).content.decode()
