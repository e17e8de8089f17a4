"""Reminder emails for every app: full links to pages, and reminders sent once.

`reminder_send_once` is the one way a reminder goes out (actions in safeguarding.actions.reminders, case
review deadlines in safeguarding.reviews.reminders): it first records a core.SentReminder row for each key
the email is about, so a second run (or two runs at once) sends nothing twice, and it removes the rows again
when the email could not be sent, so the next run tries again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.core.models import SentReminder


def site_link(path: str) -> str:
    """The full address of a page for an email, from SAFEGUARDING_SITE_URL; empty when that is not set (the
    email then says where to find the page instead)."""
    return (settings.SITE_URL.rstrip("/") + path) if settings.SITE_URL else ""


def already_sent(keys: Sequence[str]) -> set[str]:
    """Those of the keys whose reminder has been sent."""
    return set(SentReminder.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def reminder_send_once(
    *,
    keys: Sequence[str],
    recipients: Sequence[str],
    subject: str,
    message: str,
    now: datetime | None = None,
) -> bool:
    """Send one email about `keys`, unless any of them was already sent; True when it went.

    The keys are claimed before the email is sent and released if it fails, so a reminder is sent at most
    once even when two runs overlap.
    """
    if not keys or not recipients:
        return False
    sent_at = now or timezone.now()
    to = ", ".join(recipients)
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                [SentReminder(key=key, recipient=to, sent_at=sent_at) for key in keys]
            )
    except IntegrityError:
        return False  # another run sent (or is sending) one of them
    sent = send_mail(
        subject=subject, message=message, from_email=None, recipient_list=list(recipients), fail_silently=True
    )
    if not sent:
        with transaction.atomic():
            SentReminder.objects.filter(key__in=list(keys)).delete()
        return False
    return True
