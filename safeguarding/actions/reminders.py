"""Reminder emails about open actions (`safeguarding actions remind`, run once a day).

An open action (not closed, not started or in progress) is reminded to its owner person, or to the owner
agency's safeguarding leads when no one person owns it, when:
- it is due within settings.ACTIONS_REMIND_DAYS days (SAFEGUARDING_ACTIONS_REMIND_DAYS, default 10):
  key "action:ACT-00012:due-soon";
- it is overdue: key "action:ACT-00012:overdue";
- nothing has been written on it for settings.ACTIONS_STALE_DAYS days (the tracker's "no recent update"):
  key "action:ACT-00012:stale:2024-01-05", the date of its last update, so a new quiet spell after an
  update is a new reminder.
Each key is sent once (core.SentReminder); the new reasons of one action go in one email. Finished and
closed actions are never reminded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.actions.models import Action
from safeguarding.actions.selectors import (
    OPEN_STATUSES,
    action_owner_emails,
    action_owner_person_reachable,
    stale_days,
    with_drift,
)
from safeguarding.core.reminders import already_sent, reminder_send_once, site_link


def remind_days() -> int:
    return int(settings.ACTIONS_REMIND_DAYS)


@dataclass(frozen=True)
class ActionReminderReason:
    key: str
    text: str


@dataclass
class ActionsReminded:
    """What a run did: the actions emailed (with the keys sent) and those with no one to tell."""

    sent: list[tuple[Action, list[str]]] = field(default_factory=list)
    no_recipient: list[Action] = field(default_factory=list)


def action_reminder_reasons(action: Action, *, today: date) -> list[ActionReminderReason]:
    """Why an open action (annotated by selectors.with_drift) needs a reminder today, whether sent or not."""
    reasons = []
    reference = action.reference
    if action.due_date < today:
        reasons.append(
            ActionReminderReason(
                f"action:{reference}:overdue",
                f"This action was due on {action.due_date:%-d %B %Y} and is overdue.",
            )
        )
    elif action.due_date <= today + timedelta(days=remind_days()):
        reasons.append(
            ActionReminderReason(
                f"action:{reference}:due-soon", f"This action is due on {action.due_date:%-d %B %Y}."
            )
        )
    if action.is_stale:  # type: ignore[attr-defined]
        last = timezone.localtime(action.last_activity_at).date()  # type: ignore[attr-defined]
        reasons.append(
            ActionReminderReason(
                f"action:{reference}:stale:{last.isoformat()}",
                f"Nothing has been written on it since {last:%-d %B %Y}, more than {stale_days()} days ago.",
            )
        )
    return reasons


def actions_remind(*, now: datetime | None = None) -> ActionsReminded:
    """Email the owners of open actions due soon, overdue or without a recent update; each reason once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=remind_days())
    candidates = (
        with_drift(
            Action.objects.select_related("owner_agency", "owner_person").filter(
                closed_at__isnull=True, status__in=OPEN_STATUSES
            ),
            today=today,
            now=now,
        )
        .filter(Q(due_date__lte=horizon) | Q(is_stale=True))
        .order_by("due_date", "reference")
    )
    result = ActionsReminded()
    for action in candidates:
        reasons = action_reminder_reasons(action, today=today)
        sent_before = already_sent([reason.key for reason in reasons])
        new = [reason for reason in reasons if reason.key not in sent_before]
        if not new:
            continue
        recipients = action_owner_emails(action)
        if not recipients:
            result.no_recipient.append(action)
            continue
        keys = [reason.key for reason in new]
        if reminder_send_once(
            keys=keys,
            recipients=recipients,
            subject=_subject(action, keys),
            message=render_to_string(
                "actions/email/reminder.txt",
                {
                    "action": action,
                    "reasons": [reason.text for reason in new],
                    "to_leads": not action_owner_person_reachable(action),
                    "link": site_link(reverse("actions:detail", args=[action.pk])),
                    "partnership_name": settings.PARTNERSHIP_NAME,
                },
            ),
            now=now,
        ):
            result.sent.append((action, keys))
    return result


def _subject(action: Action, keys: list[str]) -> str:
    if any(key.endswith(":overdue") for key in keys):
        what = "overdue"
    elif any(key.endswith(":due-soon") for key in keys):
        what = f"due on {action.due_date:%-d %B %Y}"
    else:
        what = "no recent update"
    return f"Action {action.reference}: {what}"
