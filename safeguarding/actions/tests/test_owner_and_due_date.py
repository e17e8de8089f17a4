"""Who owns an action, which agency, and when it is due: an agency lead names a colleague as its owner, the
business unit reassigns it or moves its due date with a reason written on the action; a closed action
keeps its owner, agency and date. Services, then the action page for each persona."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguarding.accounts.models import Membership
from safeguarding.actions.models import ActionUpdate
from safeguarding.actions.selectors import actions_visible_to
from safeguarding.actions.services import (
    action_due_date_change,
    action_owner_person_set,
    action_reassign,
)
from safeguarding.actions.tests.support import closed_complete_action, make_action
from safeguarding.core.testing import Personas, make_agency, make_user, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)
    settings.SITE_URL = "https://safeguarding.example.org"


@pytest.fixture
def colleague(personas: Personas) -> Any:
    """A teacher in agency A: one of the agency's people, who can own its actions."""
    return make_user(
        "referrer", personas.agency_a, full_name="Cal Colleague", email="c.colleague@example.org"
    )


# --- Naming the owner ---------------------------------------------------------------------------------------


def test_an_agency_lead_names_a_colleague_who_is_emailed(
    personas: Personas, colleague: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        action_owner_person_set(action=action, actor=personas.a_worker, person=colleague)
    action.refresh_from_db()
    assert action.owner_person == colleague
    [email] = mail.outbox
    assert email.to == [colleague.email]
    assert email.subject == f"{action.reference}: you now own this action"
    assert f"https://safeguarding.example.org/actions/{action.pk}/" in email.body
    latest = action.history.latest()
    assert (latest.owner_person_id, latest.history_user) == (colleague.pk, personas.a_worker)


def test_naming_yourself_sends_no_email_and_no_one_clears_the_owner(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        action_owner_person_set(action=action, actor=personas.a_worker, person=personas.a_worker)
    assert mail.outbox == []
    action_owner_person_set(action=action, actor=personas.bu_officer, person=None)
    action.refresh_from_db()
    assert action.owner_person is None


def test_only_the_owner_agency_and_the_business_unit_name_the_owner(
    personas: Personas, colleague: Any
) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    case_reviewer = make_user(
        "case_reviewer", personas.business_unit
    )  # updates actions, not agency A's person
    for outsider in (personas.a_readonly, personas.b_worker, case_reviewer):
        with pytest.raises(PermissionDenied):
            action_owner_person_set(action=action, actor=outsider, person=colleague)
    action_owner_person_set(action=action, actor=personas.bu_officer, person=colleague)
    action.refresh_from_db()
    assert action.owner_person == colleague


def test_the_owner_must_be_an_active_person_of_the_owner_agency(personas: Personas, colleague: Any) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    for wrong in (personas.b_worker, colleague):
        with pytest.raises(ValidationError) as error:
            action_owner_person_set(action=action, actor=personas.bu_officer, person=wrong)
        assert error.value.message_dict == {
            "owner_person": [
                "Choose someone who works for Agency A now: only its active members can own its actions"
            ]
        }
    action.refresh_from_db()
    assert action.owner_person is None


# --- Reassigning and moving the due date --------------------------------------------------------------------


def test_the_business_unit_reassigns_with_the_reason_written_as_an_update(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, owner_person=personas.a_worker)
    update = action_reassign(
        action=action,
        actor=personas.bu_officer,
        agency=personas.agency_b,
        reason="Agency B runs the service now",
    )
    action.refresh_from_db()
    assert action.owner_agency == personas.agency_b
    assert action.owner_person is None  # Ada works for agency A only
    assert (update.text, update.written_by, update.status_set) == (
        "Reassigned from Agency A to Agency B: Agency B runs the service now",
        personas.bu_officer,
        "",
    )
    latest = action.history.latest()
    assert latest.history_change_reason == update.text and latest.history_user == personas.bu_officer
    # Agency A's lead no longer sees it; agency B's does.
    assert action.pk not in _visible_pks(personas.a_worker)
    assert action.pk in _visible_pks(personas.b_worker)


def _visible_pks(user: Any) -> list[int]:
    return list(actions_visible_to(user).values_list("pk", flat=True))


def test_an_owner_who_works_for_both_agencies_stays(personas: Personas) -> None:
    both = make_user("agency_safeguarding_lead", personas.agency_a, full_name="Dual Role")
    # A second membership: the same person leads agency B too.
    Membership.objects.create(user=both, agency=personas.agency_b, role="agency_safeguarding_lead")
    action = make_action(personas.agency_a, personas.bu_officer, owner_person=both)
    action_reassign(action=action, actor=personas.bu_officer, agency=personas.agency_b, reason="Moved")
    action.refresh_from_db()
    assert (action.owner_agency, action.owner_person) == (personas.agency_b, both)


def test_the_business_unit_moves_the_due_date_with_the_reason(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, due_date=date(2023, 6, 30))
    update = action_due_date_change(
        action=action,
        actor=personas.bu_officer,
        due_date=date(2023, 9, 30),
        reason="Waiting for the new policy",
    )
    action.refresh_from_db()
    assert action.due_date == date(2023, 9, 30)
    assert update.text == "Due date moved from 30 June 2023 to 30 September 2023: Waiting for the new policy"
    assert [h.due_date for h in action.history.order_by("history_date")][-2:] == [
        date(2023, 6, 30),
        date(2023, 9, 30),
    ]


def test_reassigning_and_moving_need_the_business_unit_and_a_reason(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with pytest.raises(PermissionDenied):
        action_reassign(action=action, actor=personas.a_worker, agency=personas.agency_b, reason="Not ours")
    with pytest.raises(PermissionDenied):
        action_due_date_change(
            action=action, actor=personas.a_worker, due_date=date(2031, 1, 1), reason="Later"
        )
    with pytest.raises(ValidationError) as error:
        action_reassign(action=action, actor=personas.bu_officer, agency=None, reason=" ")
    assert error.value.message_dict == {
        "owner_agency": ["Choose the agency that will own the action"],
        "reason": ["Enter why the action is being reassigned"],
    }
    with pytest.raises(ValidationError) as error:
        action_reassign(action=action, actor=personas.bu_officer, agency=personas.agency_a, reason="Same")
    assert error.value.message_dict == {"owner_agency": ["Agency A already owns this action: choose another"]}
    with pytest.raises(ValidationError) as error:
        action_due_date_change(action=action, actor=personas.bu_officer, due_date=None, reason="")
    assert error.value.message_dict == {
        "due_date": ["Enter the new due date"],
        "reason": ["Enter why the due date is changing"],
    }
    with pytest.raises(ValidationError, match="already due on 31 March 2030"):
        action_due_date_change(
            action=action, actor=personas.bu_officer, due_date=date(2030, 3, 31), reason="Same"
        )
    inactive = make_agency(name="Closed Trust", code="CLT")
    inactive.active = False
    inactive.save(update_fields=["active"])
    with pytest.raises(ValidationError, match="Closed Trust is no longer active"):
        action_reassign(action=action, actor=personas.bu_officer, agency=inactive, reason="Merged")
    action.refresh_from_db()
    assert (action.owner_agency, action.due_date) == (personas.agency_a, date(2030, 3, 31))
    assert not ActionUpdate.objects.exists()


def test_a_closed_action_keeps_its_owner_agency_and_date(personas: Personas, colleague: Any) -> None:
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    updates_before = action.updates.count()
    with pytest.raises(ValidationError, match="This action is closed: its owner can no longer be changed"):
        action_owner_person_set(action=action, actor=personas.bu_officer, person=colleague)
    with pytest.raises(ValidationError, match="This action is closed: it can no longer be reassigned"):
        action_reassign(action=action, actor=personas.bu_officer, agency=personas.agency_b, reason="Moved")
    with pytest.raises(ValidationError, match="This action is closed: its due date can no longer be changed"):
        action_due_date_change(
            action=action, actor=personas.bu_officer, due_date=date(2031, 1, 1), reason="Later"
        )
    action.refresh_from_db()
    assert (action.owner_person, action.owner_agency, action.due_date) == (
        None,
        personas.agency_a,
        date(2030, 3, 31),
    )
    assert action.updates.count() == updates_before


# --- The action page ----------------------------------------------------------------------------------------

FORMS = ('id="owner-main-form"', 'id="reassign-main-form"', 'id="due-main-form"')


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("bu_officer", (True, True, True)),
        ("bu_manager", (True, True, True)),
        (
            "a_worker",
            (True, False, False),
        ),  # names a colleague; reassigning and dates are the business unit's
        ("a_readonly", (False, False, False)),
    ],
)
def test_the_forms_are_shown_only_to_those_allowed(
    personas: Personas, persona: str, shown: tuple[bool, ...]
) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    page = personas.client(persona).get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert tuple(form in page for form in FORMS) == shown


def test_no_forms_on_a_closed_action(personas: Personas) -> None:
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    page = personas.client("bu_officer").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert not any(form in page for form in FORMS)


# Who gets what on POST to each new address, for agency A's action. 404: outside their scope; 403: they see it
# but may not do this; 302: done, back to the action; 405: never a GET.
NAMES = ("actions:owner-person", "actions:reassign", "actions:due-date")
PEOPLE_ANSWERS: dict[str, tuple[int, int, int]] = {
    "bu_officer": (302, 302, 302),
    "bu_manager": (302, 302, 302),
    "a_worker": (302, 403, 403),
    "a_readonly": (403, 403, 403),
    "b_worker": (404, 403, 403),
    "sysadmin": (403, 403, 403),
}


@pytest.mark.parametrize("persona", list(PEOPLE_ANSWERS))
def test_each_person_gets_the_expected_answer(personas: Personas, colleague: Any, persona: str) -> None:
    client = personas.client(persona)
    answers = []
    for name in NAMES:
        action = make_action(personas.agency_a, personas.bu_officer)  # a fresh one each time
        url = reverse(name, args=[action.pk])
        assert client.get(url).status_code == 405
        body = {
            "owner-owner_person": str(colleague.pk),
            "reassign-owner_agency": str(personas.agency_b.pk),
            "reassign-reason": "Agency B runs it now",
            "due-due_date_0": "30",
            "due-due_date_1": "9",
            "due-due_date_2": "2031",
            "due-reason": "Waiting for the policy",
        }
        answers.append(client.post(url, body).status_code)
    assert tuple(answers) == PEOPLE_ANSWERS[persona]


def test_a_lead_names_a_colleague_on_the_page(personas: Personas, colleague: Any) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    client = personas.client("a_worker")
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    # Agency A's people are offered, agency B's are not.
    assert f'value="{colleague.pk}"' in page and f'value="{personas.b_worker.pk}"' not in page
    response = client.post(
        reverse("actions:owner-person", args=[action.pk]), {"owner-owner_person": colleague.pk}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner_person == colleague
    followed = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "Cal Colleague" in followed


def test_someone_from_another_agency_is_refused_beside_the_field(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    response = personas.client("bu_officer").post(
        reverse("actions:owner-person", args=[action.pk]), {"owner-owner_person": personas.b_worker.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_owner-owner_person"' in page
    assert "Choose someone who works for Agency A now" in page
    action.refresh_from_db()
    assert action.owner_person is None


def test_the_business_unit_reassigns_and_reschedules_on_the_page(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, due_date=date(2030, 6, 30))
    client = personas.client("bu_officer")
    response = client.post(
        reverse("actions:due-date", args=[action.pk]),
        {
            "due-due_date_0": "30",
            "due-due_date_1": "9",
            "due-due_date_2": "2030",
            "due-reason": "New policy first",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("actions:reassign", args=[action.pk]),
        {"reassign-owner_agency": personas.agency_b.pk, "reassign-reason": "Agency B runs it now"},
    )
    assert response.status_code == 302
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "Due date moved from 30 June 2030 to 30 September 2030: New policy first" in page
    assert "Reassigned from Agency A to Agency B: Agency B runs it now" in page
    assert "30 September 2030" in page


def test_bad_input_is_kept_with_the_message_beside_the_field(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    client = personas.client("bu_officer")
    response = client.post(
        reverse("actions:due-date", args=[action.pk]),
        {
            "due-due_date_0": "31",
            "due-due_date_1": "2",
            "due-due_date_2": "2031",
            "due-reason": "Typed reason",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "New due date must be a real date" in page
    assert "Typed reason</textarea>" in page and 'value="31"' in page
    response = client.post(
        reverse("actions:reassign", args=[action.pk]),
        {"reassign-owner_agency": personas.agency_b.pk, "reassign-reason": ""},
    )
    page = response.content.decode()
    assert "Enter why the action is being reassigned" in page
    assert f'<option value="{personas.agency_b.pk}" selected>' in page
    action.refresh_from_db()
    assert (action.owner_agency, action.due_date) == (personas.agency_a, date(2030, 3, 31))
    assert not action.updates.exists()


def test_a_closed_action_is_refused_on_the_page(personas: Personas) -> None:
    action = closed_complete_action(personas.agency_a, personas.a_worker, personas.bu_officer)
    response = personas.client("bu_officer").post(
        reverse("actions:reassign", args=[action.pk]),
        {"reassign-owner_agency": personas.agency_b.pk, "reassign-reason": "Moved"},
    )
    assert response.status_code == 200
    assert "This action is closed: it can no longer be reassigned" in response.content.decode()
    action.refresh_from_db()
    assert action.owner_agency == personas.agency_a
