"""Reminders about case review deadlines: to the review's owner, once while due within 5 working days and
once when overdue, never for a deadline met; reviews without an owner are counted; emails name the review
by its code only and link to its page; and `safeguarding reviews remind`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from safeguarding.core.models import SentReminder
from safeguarding.core.testing import Personas, make_user
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview
from safeguarding.reviews.reminders import reviews_remind

pytestmark = pytest.mark.django_db

SECRET_NAME = "Quillon Testsubject"  # synthetic
AWARE = date(2022, 9, 14)  # a Wednesday; the notification is due Thursday 22 September (state funeral on 19)
NOTIFY_KEY = "review:W14:serious-incident-notification:2022-09-22"


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"


def _refer(personas: Personas, code: str = "W14", *, owner: Any = None) -> CaseReview:
    return services.review_refer(
        actor=personas.bu_officer,
        code=code,
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=AWARE,
        referred_by_agency=personas.agency_a,
        agencies_involved=[personas.agency_a],
        owner=owner,
        subject={"full_name": SECRET_NAME},
    )


def test_due_soon_then_overdue_each_once_to_the_owner(personas: Personas) -> None:
    _refer(personas, owner=personas.bu_officer)
    # Friday 16 September: 3 working days left (Mon 19 is a bank holiday).
    result = reviews_remind(now=_noon(date(2022, 9, 16)))
    assert [(review.code, keys) for review, keys in result.sent] == [("W14", [f"{NOTIFY_KEY}:due-soon"])]
    [email] = mail.outbox
    assert email.to == [personas.bu_officer.email]
    assert email.subject == "Case review W14: deadline coming up"
    assert "Notify the Child Safeguarding Practice Review Panel: due 22 September 2022" in email.body
    assert "https://safeguarding.example.org/reviews/W14/" in email.body
    assert reviews_remind(now=_noon(date(2022, 9, 16))).sent == []
    assert reviews_remind(now=_noon(date(2022, 9, 20))).sent == []
    overdue = reviews_remind(now=_noon(date(2022, 9, 23)))
    assert [keys for _, keys in overdue.sent] == [[f"{NOTIFY_KEY}:overdue"]]
    assert reviews_remind(now=_noon(date(2022, 9, 26))).sent == []
    assert [email.subject for email in mail.outbox] == [
        "Case review W14: deadline coming up",
        "Case review W14: deadline overdue",
    ]
    assert SentReminder.objects.count() == 2


def test_emails_never_name_who_the_review_is_about(personas: Personas) -> None:
    _refer(personas, owner=personas.bu_officer)
    reviews_remind(now=_noon(date(2022, 9, 23)))
    [email] = mail.outbox
    assert "W14" in email.subject and "W14" in email.body
    assert SECRET_NAME not in email.subject and SECRET_NAME not in email.body
    assert "Quillon" not in email.body


def test_a_deadline_met_is_not_reminded(personas: Personas) -> None:
    review = _refer(personas, owner=personas.bu_officer)
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 20)
    )
    # The rapid review (15 working days from 20 September) is far off on the 21st; the notification is met.
    assert reviews_remind(now=_noon(date(2022, 9, 21))).sent == []
    # The rapid review and the decision it ends with share a due date; each is its own reminder.
    assert reviews_remind(now=_noon(date(2022, 10, 12))).sent[0][1] == [
        "review:W14:rapid-review:2022-10-11:overdue",
        "review:W14:cspr-decision:2022-10-11:overdue",
    ]
    assert len(mail.outbox) == 1 and "Complete the rapid review" in mail.outbox[0].body


def test_a_review_without_an_owner_is_skipped_and_counted(personas: Personas) -> None:
    _refer(personas, "W15")
    gone = make_user("business_unit_officer", personas.business_unit, email="gone@example.org")
    _refer(personas, "W16", owner=gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    result = reviews_remind(now=_noon(date(2022, 9, 23)))
    assert result.sent == [] and result.no_owner == ["W15", "W16"]
    assert mail.outbox == [] and not SentReminder.objects.exists()


def test_five_working_days_ahead_and_closed_reviews(personas: Personas) -> None:
    _refer(personas, owner=personas.bu_officer)
    # Wednesday 14 September, the day of awareness: 5 working days left, so due soon already.
    assert len(reviews_remind(now=_noon(date(2022, 9, 14))).sent) == 1
    other = _refer(personas, "W17", owner=personas.bu_manager)
    CaseReview.objects.filter(pk=other.pk).update(status=CaseReview.Status.CLOSED)
    assert reviews_remind(now=_noon(date(2022, 9, 23))).sent[0][0].code == "W14"


def test_the_command(personas: Personas, capsys: Any) -> None:
    _refer(personas, owner=personas.bu_officer)
    _refer(personas, "W15")
    call_command("reviews", "remind")  # as `safeguarding reviews remind` runs it
    out = capsys.readouterr().out
    # Real today is long after the 2022 deadlines: both overdue; W15 has no owner.
    assert "1 reminders sent" in out
    assert "W14: serious-incident-notification (overdue)" in out
    assert "1 reviews have deadlines but no owner to tell: W15" in out
    call_command("reviews", "remind")  # as `safeguarding reviews remind` runs it
    assert "0 reminders sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    assert timezone.localdate(SentReminder.objects.get().sent_at) == timezone.localdate()
