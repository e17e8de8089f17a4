"""The business unit reviews an action's evidence and sends it back when it is not enough: the reason as an
update, the action in progress again, an email to its owner (or the agency's leads); the page's form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safeguarding.actions.models import Action, ActionUpdate
from safeguarding.actions.services import (
    action_close,
    action_evidence_add,
    action_send_back,
    action_update_add,
)
from safeguarding.actions.tests.support import make_action, pdf_upload
from safeguarding.core.testing import Personas, make_user, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)
    settings.SITE_URL = "https://safeguarding.example.org"


def _completed(personas: Personas, **fields: Any) -> Action:
    action = make_action(personas.agency_a, personas.bu_officer, **fields)
    action_update_add(action=action, actor=personas.a_worker, text="Done", status="complete")
    action_evidence_add(action=action, actor=personas.a_worker, upload=pdf_upload(), description="A poster")
    return action


def test_send_back_reopens_the_action_and_emails_the_agency_leads(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    action = _completed(personas)
    other_lead = make_user("agency_safeguarding_lead", personas.agency_a, email="a.second@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        update = action_send_back(
            action=action, actor=personas.bu_officer, reason="A poster does not show the training happened"
        )
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS and not action.is_closed
    assert update.written_by == personas.bu_officer
    assert update.status_set == Action.Status.IN_PROGRESS
    assert update.text == "Sent back by the business unit: A poster does not show the training happened"
    [email] = mail.outbox
    assert sorted(email.to) == sorted([personas.a_worker.email, other_lead.email])
    assert email.subject == f"{action.reference}: sent back by the business unit"
    assert "A poster does not show the training happened" in email.body
    assert f"https://safeguarding.example.org/actions/{action.pk}/" in email.body
    assert "safeguarding lead for Agency A" in email.body


def test_send_back_emails_the_owner_person_when_there_is_one(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user("agency_safeguarding_lead", personas.agency_a, email="owner.a@example.org")
    action = _completed(personas, owner_person=owner)
    with django_capture_on_commit_callbacks(execute=True):
        action_send_back(action=action, actor=personas.bu_officer, reason="Send the attendance list")
    [email] = mail.outbox
    assert email.to == ["owner.a@example.org"]
    assert "you own this action" in email.body


def test_only_a_finished_open_action_can_be_sent_back(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    with pytest.raises(ValidationError, match="this one is not started"):
        action_send_back(action=action, actor=personas.bu_officer, reason="Not enough")
    finished = _completed(personas)
    with pytest.raises(ValidationError) as error:
        action_send_back(action=finished, actor=personas.bu_officer, reason="  ")
    assert error.value.message_dict == {"reason": ["Enter why the action is being sent back"]}
    action_close(action=finished, actor=personas.bu_officer)
    with pytest.raises(ValidationError, match="closed"):
        action_send_back(action=finished, actor=personas.bu_officer, reason="Too late")
    assert mail.outbox == []


def test_only_action_manage_sends_back(personas: Personas) -> None:
    action = _completed(personas)
    with pytest.raises(PermissionDenied):
        action_send_back(action=action, actor=personas.a_worker, reason="Marking my own work")
    assert action.updates.count() == 1


def test_the_page_offers_send_back_beside_close(personas: Personas) -> None:
    action = _completed(personas)
    url = reverse("actions:detail", args=[action.pk])
    bu_page = personas.client("bu_officer").get(url).content.decode()
    assert 'id="send-back-form"' in bu_page and 'id="close-form"' in bu_page
    assert 'id="send-back-form"' not in personas.client("a_worker").get(url).content.decode()
    # Not offered for an action still in progress.
    open_action = make_action(personas.agency_a, personas.bu_officer)
    page = (
        personas.client("bu_officer").get(reverse("actions:detail", args=[open_action.pk])).content.decode()
    )
    assert 'id="send-back-form"' not in page


def test_sending_back_from_the_page(personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    action = _completed(personas)
    client = personas.client("bu_officer")
    url = reverse("actions:send-back", args=[action.pk])
    empty = client.post(url, {"send_back-reason": ""})
    assert empty.status_code == 200
    assert "Enter why the action is being sent back" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"send_back-reason": "The evidence is a draft"})
    assert sent.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert ActionUpdate.objects.filter(action=action, text__endswith="The evidence is a draft").exists()
    assert len(mail.outbox) == 1
    # An agency lead may not send back (403), another agency's lead does not see the action (404).
    assert personas.client("a_worker").post(url, {"send_back-reason": "x"}).status_code == 403
    assert personas.client("b_worker").post(url, {"send_back-reason": "x"}).status_code in {403, 404}


def test_close_is_still_refused_for_complete_without_evidence(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer)
    action_update_add(action=action, actor=personas.a_worker, text="Done", status="complete")
    page = personas.client("bu_officer").post(reverse("actions:close", args=[action.pk])).content.decode()
    assert "An action marked complete without evidence cannot be closed" in page
    assert 'id="send-back-form"' in page
