"""Reminders about open actions: due soon, overdue and no recent update, each sent once per state to the
right people, never about finished or closed actions; and `safeguarding actions remind`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from safeguarding.actions.models import Action, ActionUpdate
from safeguarding.actions.reminders import actions_remind
from safeguarding.actions.services import action_close, action_evidence_add, action_update_add
from safeguarding.actions.tests.support import make_action, pdf_upload
from safeguarding.core.models import SentReminder
from safeguarding.core.testing import Personas, make_agency, make_user, use_private_storage

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that takes nothing."""

    def send_messages(self, email_messages: Any) -> int:
        return 0


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_private_storage(settings, tmp_path)
    settings.SITE_URL = "https://safeguarding.example.org/"


def _due_in(days: int) -> Any:
    return timezone.localdate() + timedelta(days=days)


def test_due_soon_is_sent_once_to_the_agency_leads(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(5))
    result = actions_remind()
    assert [(reminded.pk, keys) for reminded, keys in result.sent] == [
        (action.pk, [f"action:{action.reference}:due-soon"])
    ]
    [email] = mail.outbox
    assert email.to == [personas.a_worker.email]
    assert email.subject == f"Action {action.reference}: due on {_due_in(5):%-d %B %Y}"
    assert f"https://safeguarding.example.org/actions/{action.pk}/" in email.body
    assert "safeguarding lead for Agency A" in email.body
    # Run again (the next day, or twice the same day): nothing more.
    assert actions_remind().sent == []
    assert actions_remind(now=timezone.now() + timedelta(days=1)).sent == []
    assert len(mail.outbox) == 1
    reminder = SentReminder.objects.get()
    assert (
        reminder.key == f"action:{action.reference}:due-soon"
        and reminder.recipient == personas.a_worker.email
    )


def test_overdue_is_sent_once_even_after_due_soon(personas: Personas) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(2))
    actions_remind()
    later = timezone.now() + timedelta(days=3)
    result = actions_remind(now=later)
    assert [keys for _, keys in result.sent] == [[f"action:{action.reference}:overdue"]]
    assert actions_remind(now=later + timedelta(days=1)).sent == []
    assert [email.subject for email in mail.outbox] == [
        f"Action {action.reference}: due on {_due_in(2):%-d %B %Y}",
        f"Action {action.reference}: overdue",
    ]
    assert "is overdue" in mail.outbox[1].body


def test_an_owner_person_is_told_instead_of_the_leads(personas: Personas) -> None:
    owner = make_user("agency_safeguarding_lead", personas.agency_b, email="owner.b@example.org")
    make_action(personas.agency_b, personas.bu_officer, due_date=_due_in(-1), owner_person=owner)
    actions_remind()
    [email] = mail.outbox
    assert email.to == ["owner.b@example.org"]
    assert "you own this action" in email.body


def test_nothing_for_finished_closed_or_distant_actions(personas: Personas) -> None:
    distant = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(60))
    finished = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(-10))
    action_update_add(action=finished, actor=personas.a_worker, text="Not possible", status="not_achievable")
    closed = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(-10))
    action_update_add(action=closed, actor=personas.a_worker, text="Done", status="complete")
    action_evidence_add(action=closed, actor=personas.a_worker, upload=pdf_upload(), description="Register")
    action_close(action=closed, actor=personas.bu_officer)
    # Well past every date: still nothing, for the finished ones; the distant one is now overdue.
    result = actions_remind(now=timezone.now() + timedelta(days=90))
    assert [action.pk for action, _ in result.sent] == [distant.pk]
    assert actions_remind().sent == []
    assert len(mail.outbox) == 1


def test_no_update_for_the_stale_days_is_reminded_once_per_quiet_spell(
    personas: Personas, settings: Any
) -> None:
    settings.ACTIONS_STALE_DAYS = 30
    action = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(365))
    assert actions_remind(now=timezone.now() + timedelta(days=29)).sent == []
    quiet = timezone.now() + timedelta(days=31)
    [(_, keys)] = actions_remind(now=quiet).sent
    created = timezone.localtime(Action.objects.get(pk=action.pk).created_at).date()
    assert keys == [f"action:{action.reference}:stale:{created.isoformat()}"]
    assert "Nothing has been written on it since" in mail.outbox[0].body
    assert mail.outbox[0].subject == f"Action {action.reference}: no recent update"
    assert actions_remind(now=quiet + timedelta(days=1)).sent == []
    # An update (written on day 35) starts a new spell; once that one is quiet too, one more reminder.
    update = action_update_add(action=action, actor=personas.a_worker, text="Still planning")
    day_35 = timezone.now() + timedelta(days=35)
    ActionUpdate.objects.filter(pk=update.pk).update(written_at=day_35)  # as if written then
    assert actions_remind(now=day_35 + timedelta(days=5)).sent == []
    [(_, keys)] = actions_remind(now=day_35 + timedelta(days=31)).sent
    assert keys == [f"action:{action.reference}:stale:{timezone.localtime(day_35).date().isoformat()}"]
    assert len(mail.outbox) == 2


def test_the_remind_days_setting(personas: Personas, settings: Any) -> None:
    settings.ACTIONS_REMIND_DAYS = 3
    make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(5))
    assert actions_remind().sent == []
    settings.ACTIONS_REMIND_DAYS = 10
    assert len(actions_remind().sent) == 1


def test_an_agency_with_no_one_to_tell_is_counted_and_tried_again(personas: Personas) -> None:
    quiet_agency = make_agency(name="Agency Without Leads")
    action = make_action(quiet_agency, personas.bu_officer, due_date=_due_in(1))
    result = actions_remind()
    assert result.sent == [] and [a.pk for a in result.no_recipient] == [action.pk]
    assert not SentReminder.objects.exists() and mail.outbox == []
    lead = make_user("agency_safeguarding_lead", quiet_agency, email="new.lead@example.org")
    assert len(actions_remind().sent) == 1
    assert mail.outbox[0].to == [lead.email]


def test_a_reminder_the_mail_server_refused_is_tried_again(personas: Personas, settings: Any) -> None:
    make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(1))
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    assert actions_remind().sent == []
    assert not SentReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(actions_remind().sent) == 1


def test_the_command(personas: Personas, capsys: Any) -> None:
    action = make_action(personas.agency_a, personas.bu_officer, due_date=_due_in(-3))
    call_command("actions", "remind")  # as `safeguarding actions remind` runs it
    out = capsys.readouterr().out
    assert "1 reminders sent" in out and f"{action.reference} (Agency A): overdue" in out
    call_command("actions", "remind")  # as `safeguarding actions remind` runs it
    assert "0 reminders sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
