"""Base models shared by every app."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed (aware datetimes, stored in UTC)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LocalClosureDay(TimeStampedModel):
    """A weekday the partnership's offices are closed although it is not an England bank holiday.

    Statutory clocks skip it like a bank holiday (core.calendar). The business unit keeps the table
    (core.services: closure_day_add, closure_day_remove); every change keeps its history and is logged.
    """

    date = models.DateField(help_text="The day the offices are closed")
    reason = models.CharField(max_length=200, help_text="Why the offices are closed, as staff would say it")
    added_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", help_text="Who added the day"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="localclosureday_date_unique",
                violation_error_message="This date is already a local closure day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%A} {self.date.day} {self.date:%B %Y}: {self.reason}"


class SentReminder(models.Model):
    """A reminder email that has been sent, so that each one goes out at most once.

    `key` names what the reminder was about and in which state, such as "action:ACT-00012:overdue" or
    "review:W14:rapid-review:2023-01-12:overdue": a new state (a new due date, a new spell without
    updates) gets a new key and so one new reminder. Rows are written only by the reminder senders
    (safeguarding.actions.reminders.reminder_send_once).
    """

    key = models.CharField(max_length=200, help_text="What the reminder was about, and in which state")
    recipient = models.TextField(help_text="Who it went to: the email addresses, comma separated")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="sentreminder_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} at {self.sent_at:%Y-%m-%d %H:%M}"
