"""Correcting a child's identity: the census formats (UPN, NHS number), the dates, the LA child ID held by
another record, and the page that does it (permission, error summary, history, access log)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.children import identity, services
from safeguarding.children.models import Child
from safeguarding.children.tests.support import make_child, make_episode
from safeguarding.core.testing import Personas, make_agency, make_user, sign_in

pytestmark = pytest.mark.django_db

# NHS England keeps numbers starting 999 for testing; this one's check digit is right (NHS Data Dictionary).
VALID_NHS_NUMBER = "9990000026"


@pytest.fixture
def worker(personas: Personas) -> Any:
    return make_user("mash_practitioner", make_agency(name="Test Council", code="TCC"), full_name="Priya P")


@pytest.fixture
def mash(worker: Any) -> Client:
    return sign_in(Client(), worker)


def _url(child: Child) -> str:
    return reverse("children:identity", args=[child.pk])


def _date(prefix: str, day: date | None) -> dict[str, Any]:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _answers(child: Child, **changes: Any) -> dict[str, Any]:
    """The form as it arrives when the person changes only `changes` (dates as date objects)."""
    fields: dict[str, Any] = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "known_as": child.known_as,
        "la_child_id": child.la_child_id,
        "upn": child.upn,
        "former_upn": child.former_upn,
        "upn_unknown": child.upn_unknown,
        "nhs_number": child.nhs_number,
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "disabilities": list(child.disabilities),
        "disability_or_sen": child.disability_or_sen,
        "address": child.address,
        "postcode": child.postcode,
        "locality": child.locality,
        "school_or_setting": child.school_or_setting,
        "gp_practice": child.gp_practice,
        "first_language": child.first_language,
    }
    dates = {
        "date_of_birth": child.date_of_birth,
        "expected_date_of_birth": child.expected_date_of_birth,
        "date_of_death": child.date_of_death,
    }
    for name, value in changes.items():
        (dates if name in dates else fields)[name] = value
    data = {name: value for name, value in fields.items() if value != ""}
    for name, value in dates.items():
        data.update(_date(name, value))
    if changes.get("interpreter_needed", child.interpreter_needed):
        data["interpreter_needed"] = "on"
    return data


# --- The checks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),  # the eMARF tests' number
        (VALID_NHS_NUMBER, True),
        ("9434765918", False),  # last digit off by one
        ("943476591", False),  # nine digits
        ("94347659190", False),
        ("943476591X", False),
        ("0000000400", False),  # the check digit would be 10: no such number
    ],
)
def test_nhs_number_check_digit(number: str, valid: bool) -> None:
    assert identity.nhs_number_is_valid(number) is valid


@pytest.mark.parametrize(
    ("upn", "problem"),
    [
        ("A123456789012", False),
        ("a12345678901B", False),
        ("A12345678901", True),  # 12 characters
        ("A1234567890123", True),
        ("1234567890123", True),  # no letter first
        ("A1234567890AB", True),  # a letter at 12
        ("", False),
    ],
)
def test_upn_follows_the_census_pattern(upn: str, problem: bool) -> None:
    assert (identity.upn_problem(upn) is not None) is problem


def test_normalising_what_people_type() -> None:
    assert identity.normalise_upn(" a123 4567 89012 ") == "A123456789012"
    assert identity.normalise_nhs_number("943 476-5919") == "9434765919"
    assert identity.normalise_postcode("ws11tp") == "WS1 1TP"
    assert identity.normalise_postcode("b 1 1aa") == "B1 1AA"


def test_identity_problems_name_each_field(worker: Any) -> None:
    child = make_child(
        upn="A123",
        former_upn="A12345678901Z",
        nhs_number="9434765918",
        date_of_birth=date(2015, 3, 2),
        date_of_death=date(2015, 3, 1),
        disabilities=["NONE", "HEAR"],
        postcode="WS1 1TP",
    )
    child.expected_date_of_birth = date(2015, 3, 1)
    problems = identity.identity_problems(child, actor=worker)
    assert set(problems) == {
        "upn",
        "nhs_number",
        "date_of_death",
        "expected_date_of_birth",
        "disabilities",
    }
    assert (
        problems["date_of_death"]
        == "The date of death cannot be before the date of birth (Monday 2 March 2015)"
    )


def test_an_unborn_baby_has_no_recorded_sex_and_upn_reasons_are_consistent(worker: Any) -> None:
    unborn = make_child(first_name="", date_of_birth=None, expected_date_of_birth=date(2030, 1, 1), sex="2")
    assert "sex" in identity.identity_problems(unborn, actor=worker)
    child = make_child(upn="A123456789012", upn_unknown="UN4")
    assert identity.identity_problems(child, actor=worker)["upn_unknown"].startswith("Leave the reason empty")
    child = make_child(last_name="Nfachild", upn_unknown="UN7")
    make_episode(child, date(2023, 4, 3), nfa=True)
    assert identity.identity_problems(child, actor=worker) == {}
    make_episode(child, date(2023, 6, 1), nfa=False)
    assert "further action" in identity.identity_problems(child, actor=worker)["upn_unknown"]


# --- The service --------------------------------------------------------------------------------------------


def test_the_service_keeps_history_and_logs_the_fields_that_changed(worker: Any) -> None:
    child = make_child(upn="")
    child.upn = "A123456789012"
    child.locality = "North"
    assert services.child_identity_correct(actor=worker, child=child) == ["upn", "locality"]
    stored = Child.objects.get(pk=child.pk)
    assert stored.upn == "A123456789012"
    latest = stored.history.latest("history_date")
    assert latest.history_user == worker and latest.history_type == "~"
    event = AccessEvent.objects.get(action="change", subject_type="children.child")
    assert event.details == {"child": child.pk, "fields": ["upn", "locality"]}
    assert (
        services.child_identity_correct(actor=worker, child=stored) == []
    )  # nothing changed, nothing logged
    assert AccessEvent.objects.filter(action="change").count() == 1


def test_the_service_refuses_an_la_child_id_another_record_holds(worker: Any) -> None:
    holder = make_child(
        first_name="Amy", last_name="Holder", la_child_id="LA77", date_of_birth=date(2015, 3, 2)
    )
    child = make_child()
    child.la_child_id = "LA77"
    with pytest.raises(services.JourneyRefused) as refused:
        services.child_identity_correct(actor=worker, child=child)
    message = refused.value.problems["la_child_id"]
    assert message.startswith(
        f"LA child ID LA77 is already on the record of Amy Holder, born 2 March 2015 (record {holder.pk})"
    )
    assert Child.objects.get(pk=child.pk).la_child_id == ""


def test_the_databases_refusal_when_two_save_at_once_becomes_a_message(worker: Any) -> None:
    """The check passes, then another person's save of the same ID lands just before this one's."""
    child = make_child()
    other = make_child(last_name="Other")
    child.la_child_id = "LA88"

    def the_other_save_lands(sender: Any, instance: Child, **kwargs: Any) -> None:
        if instance.pk == child.pk:
            Child.objects.filter(pk=other.pk).update(la_child_id="LA88")

    pre_save.connect(the_other_save_lands, sender=Child, weak=False)
    try:
        with pytest.raises(services.JourneyRefused) as refused:
            services.child_identity_correct(actor=worker, child=child)
    finally:
        pre_save.disconnect(the_other_save_lands, sender=Child)
    assert refused.value.problems["la_child_id"].startswith("LA child ID LA88 was given to another child")
    assert Child.objects.get(pk=child.pk).la_child_id == ""
    assert not AccessEvent.objects.filter(action="change").exists()


def test_the_unique_constraint_is_what_the_service_relies_on() -> None:
    make_child(la_child_id="LA99")
    with pytest.raises(IntegrityError):
        make_child(last_name="Second", la_child_id="LA99")


# --- The page -----------------------------------------------------------------------------------------------


def test_correcting_the_upn_and_nhs_number_through_the_form(mash: Client) -> None:
    child = make_child(first_name="Amy", last_name="Testchild")
    form = mash.get(_url(child))
    assert form.status_code == 200 and "Correct the child&#x27;s identity" in form.content.decode()
    assert AccessEvent.objects.filter(
        action="view", subject_id=str(child.pk), purpose__contains="identity"
    ).exists()
    response = mash.post(
        _url(child),
        _answers(
            child,
            upn="a123 456789012",
            nhs_number="999 000 0026",
            postcode="ws11tp",
            disabilities=["HEAR", "VIS"],
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/children/{child.pk}/#identity")
    child.refresh_from_db()
    assert (child.upn, child.nhs_number, child.postcode) == ("A123456789012", VALID_NHS_NUMBER, "WS1 1TP")
    assert child.disabilities == ["HEAR", "VIS"]
    assert [h.upn for h in child.history.order_by("history_date")] == ["", "A123456789012"]
    page = mash.get(reverse("children:child", args=[child.pk])).content.decode()
    assert "The child&#x27;s identity was corrected" in page and "A123456789012" in page


def test_every_wrong_format_shows_at_once_in_the_error_summary(mash: Client) -> None:
    child = make_child(upn="A123456789012")
    response = mash.post(
        _url(child),
        _answers(
            child,
            upn="A12",
            former_upn="12345",
            nhs_number="9434765918",
            postcode="NOT A POSTCODE",
            disabilities=["NONE", "AUT"],
            last_name="",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "<title>Error: Correct the child" in page
    for anchor in ("upn", "former_upn", "nhs_number", "postcode", "disabilities", "last_name"):
        assert f'href="#id_{anchor}' in page, anchor
    assert "This is not a valid NHS number" in page
    assert "“No disability” cannot be selected with any other disability" in page
    assert Child.objects.get(pk=child.pk).upn == "A123456789012"


def test_the_dates_are_checked_together(mash: Client) -> None:
    child = make_child(date_of_birth=date(2015, 3, 2))
    both = mash.post(_url(child), _answers(child, expected_date_of_birth=date(2015, 3, 1)))
    assert "Leave the expected date of birth empty once the child is born" in both.content.decode()
    neither = mash.post(_url(child), _answers(child, date_of_birth=None))
    assert 'href="#id_date_of_birth_0"' in neither.content.decode()
    assert "Enter the date of birth, or the expected date for an unborn baby" in neither.content.decode()
    death = mash.post(_url(child), _answers(child, date_of_death=date(2015, 3, 1)))
    assert "The date of death cannot be before the date of birth" in death.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = mash.post(_url(child), _answers(child, date_of_death=tomorrow))
    assert "The date of death must be today or in the past" in future.content.decode()
    child.refresh_from_db()
    assert child.date_of_death is None and child.expected_date_of_birth is None


def test_an_la_child_id_already_held_names_the_other_record(mash: Client) -> None:
    holder = make_child(
        first_name="Amy", last_name="Holder", la_child_id="LA77", date_of_birth=date(2015, 3, 2)
    )
    child = make_child()
    response = mash.post(_url(child), _answers(child, la_child_id=" LA77 "))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"LA child ID LA77 is already on the record of Amy Holder, born 2 March 2015 (record {holder.pk})"
        in page
    )
    assert 'href="#id_la_child_id"' in page
    assert "Constraint" not in page  # the form's words, not the database's
    assert Child.objects.get(pk=child.pk).la_child_id == ""


def test_a_code_from_an_import_is_kept_when_something_else_is_corrected(mash: Client) -> None:
    child = make_child(ethnicity="XXXX", disabilities=["HEAR", "ZZZ"])
    response = mash.post(_url(child), _answers(child, locality="South"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.ethnicity, child.disabilities, child.locality) == ("XXXX", ["HEAR", "ZZZ"], "South")


def test_only_people_who_may_change_children_correct_them(personas: Personas) -> None:
    child = make_child()
    assert personas.client("a_readonly").get(_url(child)).status_code == 403
    assert (
        personas.client("bu_manager").post(_url(child), _answers(child, upn="A123456789012")).status_code
        == 403
    )
    worker = make_user("mash_manager", make_agency())
    unverified = sign_in(Client(), worker, two_factor=False).get(_url(child))
    assert unverified.status_code == 302 and "two-factor" in unverified["Location"]
    assert Child.objects.get(pk=child.pk).upn == ""
